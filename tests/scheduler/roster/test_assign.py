"""Named agents to planned shifts: soft rules priced exactly, hard rules kept."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scheduler.config import Centre
from scheduler.requirements import compute_requirements
from scheduler.roster.assign import (
    REPAIR_AGENTS,
    Assignment,
    _repair_set,
    assign_agents,
)
from scheduler.roster.problem import RosterProblem, day_pattern_ok
from scheduler.roster.weights import DEFAULT_WEIGHTS
from tests.scheduler.roster.tiny import (
    EVERY_DAY,
    SLOT_MINUTES,
    WEEK_START,
    contract,
    phone,
    problem_of,
    slots,
    staff,
    template_at,
    tiny_centre,
    week_forecast,
)

ZONE = "Europe/Helsinki"
#: Shifts of 4 h start on the half hour from 08:00; the phone is open 08-22 daily.
CONTRACTS = {
    "flex": contract(0, 40, 0, 7, max_consecutive_days=7),
    "twelve": contract(12, 12, 0, 7, max_consecutive_days=7),
    "five": contract(20, 20, 5, 5, min_consecutive_days_off=2, max_weekend_days=2),
}


@pytest.fixture(scope="module")
def centre() -> Centre:
    return tiny_centre(
        {"phone": phone(dict.fromkeys(EVERY_DAY, "08:00-22:00"))},
        CONTRACTS,
        latest_end="22:00",
    )


@pytest.fixture(scope="module")
def requirements(centre: Centre) -> pd.DataFrame:
    return compute_requirements(week_forecast("phone", {}), centre)


def assign(
    centre: Centre,
    requirements: pd.DataFrame,
    plan: dict[tuple[int, str], int],
    *,
    agents: int = 1,
    contract_name: str = "flex",
    wishes: tuple[tuple[str, int, str], ...] = (),
    values: dict[str, np.ndarray] | None = None,
    **inputs: Any,
) -> tuple[RosterProblem, Assignment]:
    """Assign ``plan`` (``(day, "HH:MM") -> 4 h shifts``) to ``agents`` alike.

    ``wishes`` are ``(agent, day, kind)`` soft preferences for whole days.
    """
    if wishes:
        inputs["availability"] = pd.DataFrame(
            [
                (a, WEEK_START + dt.timedelta(days=d), 0, 1440, kind)
                for a, d, kind in wishes
            ],
            columns=["agent_id", "date", "from", "to", "kind"],
        )
    problem = problem_of(centre, staff(agents, contract_name), requirements, **inputs)
    counts = {
        (0, day, template_at(problem, start, 4)): n for (day, start), n in plan.items()
    }
    result = assign_agents(
        problem,
        counts,
        DEFAULT_WEIGHTS,
        time_limit_s=5.0,
        workers=2,
        seed=0,
        values=values,
    )
    return problem, result


def terms(result: Assignment, rule: str) -> list[tuple[str, str, float, float]]:
    """``(subject, when, amount, cents)`` of every term of ``rule``."""
    return [
        (p.subject, p.when, v, p.cents_per_unit * v)
        for p, v in result.penalties
        if p.rule == rule
    ]


def starts(problem: RosterProblem, result: Assignment) -> dict[tuple[str, int], str]:
    """``(agent, day) -> "HH:MM"`` of each assigned shift."""
    out = {}
    for key, s in result.shifts.items():
        minute = problem.templates[s].start_slot * SLOT_MINUTES
        out[key] = f"{minute // 60:02d}:{minute % 60:02d}"
    return out


def test_a_plan_the_rules_allow_is_taken_as_it_is(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Monday 08:00 and Wednesday 14:00: assigned as planned, nothing priced."""
    problem, result = assign(centre, requirements, {(0, "08:00"): 1, (2, "14:00"): 1})
    assert starts(problem, result) == {("A1", 0): "08:00", ("A1", 2): "14:00"}
    assert result.penalties == []
    assert result.status == "OPTIMAL"


def test_working_a_prefer_off_day_costs_its_price(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """The plan needs A1 on Monday, which A1 would rather have off: 30.00."""
    problem, result = assign(
        centre,
        requirements,
        {(0, "08:00"): 1},
        wishes=(("A1", 0, "prefer_off"),),
    )
    assert starts(problem, result) == {("A1", 0): "08:00"}
    assert terms(result, "preference.prefer_off") == [
        ("A1", "2026-01-05", 1.0, DEFAULT_WEIGHTS.prefer_off_cents)
    ]
    assert DEFAULT_WEIGHTS.prefer_off_cents == 3000


def test_a_prefer_off_day_left_off_costs_nothing(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """A1 prefers Tuesday off and works only Monday: no preference term."""
    _, result = assign(
        centre,
        requirements,
        {(0, "08:00"): 1},
        wishes=(("A1", 1, "prefer_off"),),
    )
    assert terms(result, "preference.prefer_off") == []
    assert result.penalties == []


def test_the_prefer_off_day_goes_to_the_agent_without_the_wish(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Of two alike agents the one who did not ask for Monday off works it."""
    problem, result = assign(
        centre,
        requirements,
        {(0, "08:00"): 1},
        agents=2,
        wishes=(("A1", 0, "prefer_off"),),
    )
    assert starts(problem, result) == {("A2", 0): "08:00"}
    assert terms(result, "preference.prefer_off") == []


def test_missing_a_prefer_on_day_costs_its_price(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """A1 wants Tuesday but the plan has only Monday: 15.00."""
    _, result = assign(
        centre,
        requirements,
        {(0, "08:00"): 1},
        wishes=(("A1", 1, "prefer_on"),),
    )
    assert terms(result, "preference.prefer_on") == [
        ("A1", "2026-01-06", 1.0, DEFAULT_WEIGHTS.prefer_on_cents)
    ]
    assert DEFAULT_WEIGHTS.prefer_on_cents == 1500


def test_a_prefer_on_day_worked_costs_nothing(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """A1 wants Monday and works Monday."""
    _, result = assign(
        centre,
        requirements,
        {(0, "08:00"): 1},
        wishes=(("A1", 0, "prefer_on"),),
    )
    assert result.penalties == []


def test_a_start_moving_between_consecutive_days_costs_per_hour(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """08:00 on Monday, 09:00 on Tuesday: one hour moved is 2.00."""
    _, result = assign(centre, requirements, {(0, "08:00"): 1, (1, "09:00"): 1})
    assert terms(result, "stability.start_change") == [
        ("A1", "day 0-1", 2.0, DEFAULT_WEIGHTS.start_change_cents_per_hour * 1)
    ]


def test_a_start_moving_three_and_a_half_hours_costs_seven_times_more(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """08:00 then 11:30 the next day: 3.5 h x 2.00 = 7.00."""
    _, result = assign(centre, requirements, {(0, "08:00"): 1, (1, "11:30"): 1})
    [(_, _, slots_moved, cents)] = terms(result, "stability.start_change")
    assert (slots_moved, cents) == (7.0, 700.0)


def test_the_same_start_or_a_day_between_changes_nothing(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """08:00 Monday and Tuesday, 12:00 on Thursday after a day off: no term."""
    plan = {(0, "08:00"): 1, (1, "08:00"): 1, (3, "12:00"): 1}
    _, result = assign(centre, requirements, plan)
    assert terms(result, "stability.start_change") == []


def test_an_uneven_weekend_is_counted_as_the_spread(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """One Saturday shift for two alike agents: one has 1, the other 0."""
    _, result = assign(centre, requirements, {(5, "08:00"): 1}, agents=2)
    assert terms(result, "fairness.weekend") == [
        ("flex|phone|contact_centre", "week", 1.0, 1000.0)
    ]


def test_an_even_weekend_costs_nothing(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Two Saturday shifts for two agents: one each."""
    problem, result = assign(centre, requirements, {(5, "08:00"): 2}, agents=2)
    assert sorted(starts(problem, result)) == [("A1", 5), ("A2", 5)]
    assert terms(result, "fairness.weekend") == []


def test_an_uneven_spread_of_late_shifts_is_counted(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Monday 08:00-12:00 and 16:00-20:00 for two: one late shift, spread 1."""
    plan = {(0, "08:00"): 1, (0, "16:00"): 1}
    _, result = assign(centre, requirements, plan, agents=2)
    assert terms(result, "fairness.late") == [
        (
            "flex|phone|contact_centre",
            "week",
            1.0,
            DEFAULT_WEIGHTS.fairness_cents_per_shift,
        )
    ]


def rests_h(problem: RosterProblem, result: Assignment, agent: str) -> list[float]:
    """Hours between consecutive shifts of ``agent``."""
    spans = sorted(
        problem.shift_span(d, s) for (a, d), s in result.shifts.items() if a == agent
    )
    return [(b[0] - a[1]) * SLOT_MINUTES / 60 for a, b in itertools.pairwise(spans)]


def paid_hours(problem: RosterProblem, result: Assignment, agent: str) -> float:
    """Paid hours of ``agent``'s week."""
    return sum(
        problem.templates[s].paid_slots * SLOT_MINUTES / 60
        for (a, _), s in result.shifts.items()
        if a == agent
    )


def test_a_plan_breaking_the_daily_rest_is_moved_to_keep_it(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """18:00-22:00 then 08:00 is 10 h of rest: a shift moves, at 15.00 twice."""
    problem, result = assign(centre, requirements, {(0, "18:00"): 1, (1, "08:00"): 1})
    assert len(result.shifts) == 2
    assert min(rests_h(problem, result, "A1")) >= 11
    assert terms(result, "assign.count_deviation") == []
    moved = terms(result, "assign.start_moved")
    assert sum(cents for *_, cents in moved) == 2 * DEFAULT_WEIGHTS.count_moved_cents


def test_rest_after_the_previous_week_holds(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Last week ended Sunday 22:00: Monday's planned 08:00 start moves to 09:00."""
    end = pd.Timestamp("2026-01-04 22:00", tz=ZONE)
    problem, result = assign(
        centre, requirements, {(0, "08:00"): 1}, previous_shift_end={"A1": end}
    )
    assert starts(problem, result) == {("A1", 0): "09:00"}


def test_weekly_hours_above_the_contract_are_not_assigned(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """A 12 h contract planned four 4 h shifts works three; one shift is dropped."""
    plan = {(d, "08:00"): 1 for d in range(4)}
    problem, result = assign(centre, requirements, plan, contract_name="twelve")
    assert paid_hours(problem, result, "A1") == 12.0
    assert [amount for _, _, amount, _ in terms(result, "assign.count_deviation")] == [
        1.0
    ]


def test_weekly_hours_below_the_contract_are_made_up_from_the_menu(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Planned two 4 h shifts, the 12 h contract gets a third from its whole menu."""
    plan = {(d, "08:00"): 1 for d in range(2)}
    problem, result = assign(centre, requirements, plan, contract_name="twelve")
    assert paid_hours(problem, result, "A1") == 12.0
    assert {("A1", 0), ("A1", 1)} <= set(result.shifts)
    assert len(result.shifts) == 3


def test_days_off_stay_together_whatever_the_plan(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Planned off Wednesday and Saturday alone, A1 gets two days off together."""
    plan = {(d, "08:00"): 1 for d in (0, 1, 3, 4, 6)}
    problem, result = assign(centre, requirements, plan, contract_name="five")
    days = tuple(sorted(d for _, d in result.shifts))
    assert len(days) == 5
    assert day_pattern_ok(days, problem.groups[0].contract, 0)
    assert paid_hours(problem, result, "A1") == 20.0


def test_every_agent_gets_at_most_one_shift_a_day(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Three shifts on Monday for two agents: one is left, at the deviation price."""
    plan = {(0, "08:00"): 1, (0, "12:00"): 1, (0, "16:00"): 1}
    _, result = assign(centre, requirements, plan, agents=2)
    assert len(result.shifts) == 2
    [(_, when, amount, cents)] = terms(result, "assign.count_deviation")
    assert (when, amount, cents) == (
        "day 0",
        1.0,
        DEFAULT_WEIGHTS.count_deviation_cents,
    )


def test_a_planned_shift_moves_at_most_an_hour(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """To keep rest, a planned shift moves an hour at most (else it is dropped)."""
    problem, result = assign(centre, requirements, {(0, "18:00"): 1, (1, "08:00"): 1})
    planned = {("A1", 0): 18 * 60, ("A1", 1): 8 * 60}
    for key, s in result.shifts.items():
        start = problem.templates[s].start_slot * SLOT_MINUTES
        assert abs(start - planned[key]) <= 60


def test_the_repair_frees_the_agents_outside_their_hours_and_others_with_them(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Of 20 agents on 20 h a week, A1 and A2 have a 4-hour shift too few: both are
    re-planned, with ten others (12 in all); with eight short, all 20 (8 + 16)."""
    problem = problem_of(centre, staff(20, "five"), requirements)
    morning = template_at(problem, "08:00", 4)
    week = {(a, d): morning for a in problem.agent_ids for d in range(5)}
    for a in ("A1", "A2"):
        del week[a, 4]
    free = _repair_set(problem, problem.groups[0], week, seed=0)
    assert {"A1", "A2"} <= free
    assert len(free) == REPAIR_AGENTS == 12
    for n in range(3, 9):
        del week[f"A{n}", 4]
    assert _repair_set(problem, problem.groups[0], week, seed=0) == set(
        problem.agent_ids
    )


@pytest.mark.parametrize(
    ("worth_on", "expected"),
    [
        ((1, "08:00", "09:00"), {("A1", 0): "17:00", ("A1", 1): "08:00"}),
        ((0, "21:00", "22:00"), {("A1", 0): "18:00", ("A1", 1): "09:00"}),
    ],
)
def test_a_shift_that_must_move_leaves_the_slots_worth_least(
    centre: Centre,
    requirements: pd.DataFrame,
    worth_on: tuple[int, str, str],
    expected: dict[tuple[str, int], str],
) -> None:
    """Monday 18-22 and Tuesday 08-12 leave 10 h of rest, an hour short: one
    shift moves an hour. Where one agent less would cost a floor (Tuesday's first
    hour, or Monday's last) the other shift moves, and no planned coverage there
    is lost."""
    day, start, end = worth_on
    worth = np.zeros(7 * 24 * 60 // SLOT_MINUTES)
    worth[list(slots(day, start, end))] = 10000.0
    problem, result = assign(
        centre,
        requirements,
        {(0, "18:00"): 1, (1, "08:00"): 1},
        values={"phone": worth},
    )
    assert starts(problem, result) == expected
    assert terms(result, "assign.coverage_lost") == []
    assert len(terms(result, "assign.start_moved")) == 2
