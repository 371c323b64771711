"""End to end: solve a week, audit it, keep locks, and report what cannot be met."""

from __future__ import annotations

import threading
import time
from typing import Any

import pandas as pd
import pytest

from scheduler import schema as col
from scheduler.config import Centre
from scheduler.requirements import compute_requirements
from scheduler.roster.audit import audit_roster, diagnose
from scheduler.roster.channels import present_slots
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.problem import build_problem
from scheduler.roster.rules.base import Finding
from scheduler.roster.solve import (
    RosterSolution,
    SolveSettings,
    _BreakModel,
    _mip_breaks,
    counts_of,
    price_counts,
    solve_roster,
)
from scheduler.roster.week import plan_roster
from scheduler.roster.weights import DEFAULT_WEIGHTS
from tests.scheduler.roster.conftest import make_shift
from tests.scheduler.roster.tiny import (
    BREAKS_30,
    SLOT_HOURS,
    WEEK_START,
    contract,
    phone,
    slots,
    staff,
    template_at,
    tiny_centre,
    week_forecast,
    with_required,
)

ZONE = "Europe/Helsinki"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
FAST = SolveSettings(mode="interval", time_limit_s=5.0)


def inputs_of(centre: Centre, agents: pd.DataFrame, **more: Any) -> RosterInputs:
    """Inputs for the week of 2026-01-05."""
    return RosterInputs(
        centre=centre,
        agents=agents,
        week_start=WEEK_START,
        **more,
    )


def solve(
    inputs: RosterInputs,
    requirements: pd.DataFrame,
    settings: SolveSettings = FAST,
) -> RosterSolution:
    """Build the problem and solve it."""
    return solve_roster(build_problem(inputs, requirements), settings)


# --------------------------------------------------- a day solved by hand


@pytest.fixture(scope="module")
def one_day() -> tuple[RosterInputs, pd.DataFrame]:
    """Phone 08:00-16:00 on Monday needing 2 agents; two agents, one 8 h shift each.

    Each shift has a paid break in each half and an unpaid lunch, 30 minutes each.
    """
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-16:00"})},
        {"one_day": contract(7.5, 7.5, 1, 1)},
        lengths_hours=(8,),
        latest_end="16:00",
        breaks=BREAKS_30,
    )
    requirements = with_required(
        compute_requirements(week_forecast("phone", {}), centre),
        "phone",
        dict.fromkeys(slots(0, "08:00", "16:00"), 2),
    )
    return inputs_of(centre, staff(2, "one_day")), requirements


def working_per_slot(roster: pd.DataFrame) -> list[int]:
    """Agents at work (not on a break) in each half hour of Monday 08:00-16:00."""
    grid = pd.date_range("2026-01-05 08:00", periods=16, freq="30min", tz=ZONE)
    work = roster.loc[roster[col.ACTIVITY] == "work"]
    return [int(((work[col.START] <= t) & (work[col.END] > t)).sum()) for t in grid]


def test_the_hand_solved_day_reaches_its_known_optimum(
    one_day: tuple[RosterInputs, pd.DataFrame],
) -> None:
    """Pay 2 x 7.5 h x 20.00 plus six break slots one agent short at 30.00 each."""
    inputs, _ = one_day
    solution = solve(*one_day)
    pay = 2 * 7.5 * 2000
    shortfall = 6 * DEFAULT_WEIGHTS.shortfall_cents_per_agent_hour[0] * SLOT_HOURS
    assert pay + shortfall == 48000
    assert solution.objective == 48000
    assert solution.best_bound == 48000
    assert solution.status == "OPTIMAL"
    assert solution.gap == 0
    assert solution.penalties["rule"].tolist() == ["coverage.shortfall.tier1"] * 6
    assert solution.penalties["cost_cents"].sum() == shortfall
    assert audit_roster(inputs, solution.roster) == []


def test_the_hand_solved_day_staggers_its_breaks(
    one_day: tuple[RosterInputs, pd.DataFrame],
) -> None:
    """Both work 08:00-16:00; never both away, so one agent covers each break."""
    solution = solve(*one_day)
    roster = solution.roster
    spans = roster.groupby(col.AGENT_ID).agg(
        start=(col.START, "min"), end=(col.END, "max")
    )
    assert spans["start"].tolist() == [pd.Timestamp("2026-01-05 08:00", tz=ZONE)] * 2
    assert spans["end"].tolist() == [pd.Timestamp("2026-01-05 16:00", tz=ZONE)] * 2
    working = working_per_slot(roster)
    assert sorted(working) == [1] * 6 + [2] * 10
    assert roster[col.ACTIVITY].value_counts().to_dict() == {
        "work": 8,
        "break": 4,
        "lunch": 2,
    }


@pytest.fixture(scope="module")
def clashing_breaks(
    one_day: tuple[RosterInputs, pd.DataFrame],
) -> tuple[Any, dict[tuple[str, int], int], dict[tuple[str, int, int], int]]:
    """The day above with both 08:00-16:00 shifts given, and both agents' breaks
    planned at the earliest start of each window (both away at once)."""
    problem = build_problem(*one_day)
    shift = template_at(problem, "08:00", 8)
    shifts = {("A1", 0): shift, ("A2", 0): shift}
    hint = {
        (a, 0, w.rule): w.starts[0]
        for a in ("A1", "A2")
        for w in problem.templates[shift].breaks
    }
    return problem, shifts, hint


@pytest.mark.parametrize("workers", [1, 2])
def test_clashing_planned_breaks_are_staggered_with_any_workers(
    clashing_breaks: tuple[Any, dict[tuple[str, int], int], dict[Any, int]],
    workers: int,
) -> None:
    """Whether the breaks are placed from the LP alone or also for the whole week
    at once, no two breaks overlap: six break slots, one each (pay 2 x 7.5 h x
    20.00 and those six slots one agent short at 30.00, 48,000 cents)."""
    problem, shifts, _ = clashing_breaks
    settings = SolveSettings(mode="interval", time_limit_s=5.0, workers=workers)
    placed, rounded = _mip_breaks(problem, settings, shifts, time.monotonic() + 5)
    assert placed is not None
    assert rounded is not None
    _, breaks, _, proven = placed
    assert proven
    present = present_slots(problem, shifts, breaks)
    first, end = problem.shift_span(0, shifts["A1", 0])
    working = [sum(t in slots for slots in present.values()) for t in range(first, end)]
    assert sorted(working) == [1] * 6 + [2] * 10
    # The LP's own placement, rounded, is as good here: 48,000 cents priced.
    price, *_ = price_counts(problem, settings, counts_of(problem, shifts, rounded))
    assert price.objective == 48_000


def test_breaks_placed_from_the_lp_reach_the_whole_weeks_optimum(
    clashing_breaks: tuple[Any, dict[tuple[str, int], int], dict[Any, int]],
) -> None:
    """Breaks the LP relaxation places whole held there, HiGHS places the rest:
    the whole week's optimum, pay 2 x 7.5 h x 20.00 and six slots one agent short
    (30.00 each), 48,000 cents; the LP's own objective is no higher."""
    problem, shifts, _ = clashing_breaks
    deadline = time.monotonic() + 5
    whole = _BreakModel(problem, FAST, shifts).solve(deadline, "whole week")
    model = _BreakModel(problem, FAST, shifts)
    shares = model.relax(deadline)
    assert shares is not None
    # Each break's shares over its starts sum to one whole break.
    assert all(abs(sum(s.values()) - 1) < 1e-6 for s in shares.values())
    model.hold_whole(shares)
    from_lp = model.solve(deadline, "from the LP")
    assert whole is not None
    assert from_lp is not None
    assert whole[0] == from_lp[0] == 48_000
    assert whole[3]
    assert from_lp[3]


def test_breaks_held_at_the_plan_pay_for_the_clash(
    clashing_breaks: tuple[Any, dict[tuple[str, int], int], dict[Any, int]],
) -> None:
    """Priced where planned, both agents are away in the same three slots: two
    short there (30.00 + 60.00 a slot) on top of the pay, 57,000 cents."""
    problem, shifts, hint = clashing_breaks
    price, *_ = price_counts(problem, FAST, counts_of(problem, shifts, hint))
    assert price.objective == 2 * 7.5 * 2000 + 3 * SLOT_HOURS * (6000 + 12000)
    assert price.objective == 57_000


# ------------------------------------------------------ a small week


@pytest.fixture(scope="module")
def small_week() -> tuple[RosterInputs, pd.DataFrame]:
    """Phone 08:00-16:00 on weekdays, a few calls; three part-timers of 12-20 h."""
    centre = tiny_centre(
        {"phone": phone(dict.fromkeys(WEEKDAYS, "08:00-16:00"))},
        {"part": contract(12, 20, 3, 5, max_weekend_days=0)},
        lengths_hours=(4, 6, 8),
        latest_end="16:00",
        breaks=BREAKS_30,
    )
    calls = [2, 3, 4, 4, 3, 3, 2, 2]
    forecast = week_forecast(
        "phone",
        {
            (d, f"{8 + i // 2:02d}:{30 * (i % 2):02d}"): calls[i // 2]
            for d in range(5)
            for i in range(16)
        },
    )
    return inputs_of(centre, staff(3, "part")), compute_requirements(forecast, centre)


@pytest.mark.parametrize("mode", ["interval", "weekly"])
def test_a_solved_week_passes_the_audit(
    small_week: tuple[RosterInputs, pd.DataFrame], mode: str
) -> None:
    """Every hard rule holds on the roster, and the bound is below the objective."""
    inputs, requirements = small_week
    settings = SolveSettings(mode=mode, time_limit_s=5.0)  # type: ignore[arg-type]
    solution = solve(inputs, requirements, settings)
    assert audit_roster(inputs, solution.roster) == []
    assert set(solution.roster[col.AGENT_ID]) == {"A1", "A2", "A3"}
    assert solution.best_bound <= solution.objective
    assert not solution.penalties["rule"].str.startswith("contract").any()


def test_locked_rows_survive_reoptimisation(
    small_week: tuple[RosterInputs, pd.DataFrame],
) -> None:
    """A1's first shift, locked, comes back row for row under another seed."""
    inputs, requirements = small_week
    first = solve(inputs, requirements)
    a1 = first.roster.loc[first.roster[col.AGENT_ID] == "A1"]
    locked = a1.loc[a1[col.DATE] == a1[col.DATE].min()].reset_index(drop=True)
    again_inputs = inputs_of(inputs.centre, inputs.agents, locked=locked)
    again = solve(
        again_inputs,
        requirements,
        SolveSettings(mode="interval", time_limit_s=5.0, seed=7),
    )
    kept = locked.merge(
        again.roster, on=list(col.ROSTER_COLUMNS), how="left", indicator=True
    )
    assert (kept["_merge"] == "both").all()
    mine = again.roster.loc[
        (again.roster[col.AGENT_ID] == "A1")
        & (again.roster[col.DATE] == locked[col.DATE][0])
    ]
    assert len(mine) == len(locked)
    assert audit_roster(again_inputs, again.roster) == []


def test_a_hand_locked_shift_keeps_its_own_breaks(
    small_week: tuple[RosterInputs, pd.DataFrame],
) -> None:
    """Monday 10:00-14:00 with its break at 11:30 is kept exactly."""
    inputs, requirements = small_week
    locked = make_shift("A2", "2026-01-05", "10:00", 4.0, [("break", "11:30", 30)])
    locked_inputs = inputs_of(inputs.centre, inputs.agents, locked=locked)
    solution = solve(locked_inputs, requirements)
    monday = solution.roster.loc[
        (solution.roster[col.AGENT_ID] == "A2")
        & (solution.roster[col.DATE] == locked[col.DATE][0])
    ]
    assert monday[[col.START, col.END, col.ACTIVITY]].to_numpy().tolist() == (
        locked[[col.START, col.END, col.ACTIVITY]].to_numpy().tolist()
    )
    assert audit_roster(locked_inputs, solution.roster) == []


def test_a_solve_stopped_at_once_still_returns_a_valid_roster(
    small_week: tuple[RosterInputs, pd.DataFrame],
) -> None:
    """With the stop event set before the start, the first plan comes back."""
    inputs, requirements = small_week
    stop = threading.Event()
    stop.set()
    solution = solve_roster(build_problem(inputs, requirements), FAST, stop=stop)
    assert audit_roster(inputs, solution.roster) == []
    assert solution.objective >= solution.best_bound


# ------------------------------------------------ what cannot be met


def test_a_desk_one_agent_short_is_priced_and_diagnosed() -> None:
    """The desk needs 2 from 10:00 to 14:00 but the branch has one agent."""
    desk = {
        "kind": "walk_in",
        "site": "helsinki_branch",
        "service_level": 0.8,
        "answer_within_seconds": 600,
        "default_aht_seconds": 900,
        "min_staff": 2,
        "shrinkage": 0.0,
        "opening_hours": {"monday": "10:00-14:00"},
    }
    centre = tiny_centre(
        {"face_to_face": desk},
        {"flex": contract(0, 4, 0, 1)},
        earliest_start="10:00",
        latest_end="14:00",
    )
    agents = staff(1, "flex", skills=("face_to_face",), site="helsinki_branch")
    inputs = inputs_of(centre, agents)
    requirements = compute_requirements(week_forecast("face_to_face", {}), centre)
    solution = solve(inputs, requirements)
    floor = solution.penalties.loc[solution.penalties["rule"] == "coverage.min_staff"]
    assert set(floor["subject"]) == {"face_to_face"}
    assert floor["amount"].tolist() == [1.0] * 8  # one agent short, 8 half hours
    price = DEFAULT_WEIGHTS.min_staff_cents_per_agent_hour * SLOT_HOURS
    assert floor["cost_cents"].sum() == 8 * price
    assert len(solution.roster) > 0  # the one agent still works the desk
    assert diagnose(inputs) == [
        Finding(
            "staffing_floor",
            None,
            WEEK_START,
            "face_to_face at helsinki_branch needs 2 agents while open but only 1 "
            "with the skill are free at 10:00",
            1.0,
            "agent",
            "conflict",
        )
    ]


def rest_breaking_lock(
    small_week: tuple[RosterInputs, pd.DataFrame],
) -> RosterInputs:
    """A1 locked Monday 08:00-12:00 after a shift ending Sunday 23:00."""
    inputs, _ = small_week
    locked = make_shift("A1", "2026-01-05", "08:00", 4.0, [("break", "09:30", 30)])
    return inputs_of(
        inputs.centre,
        inputs.agents,
        locked=locked,
        previous_shift_end={"A1": pd.Timestamp("2026-01-04 23:00", tz=ZONE)},
    )


def test_a_locked_shift_breaking_rest_is_diagnosed(
    small_week: tuple[RosterInputs, pd.DataFrame],
) -> None:
    """9 h between Sunday 23:00 and the locked Monday 08:00: 2 h short of 11 h."""
    inputs = rest_breaking_lock(small_week)
    assert diagnose(inputs) == [
        Finding(
            "rest",
            "A1",
            WEEK_START,
            "locked rows: rest of 9 h between the shift ending 2026-01-04 23:00 and "
            "the one starting 2026-01-05 08:00 is 2 h short of 11 h",
            2.0,
            "h",
            "conflict",
        )
    ]


def test_a_locked_shift_breaking_rest_still_gives_a_plan(
    small_week: tuple[RosterInputs, pd.DataFrame],
) -> None:
    """plan_roster never raises for an infeasible plan: the findings come with it."""
    _, requirements = small_week
    inputs = rest_breaking_lock(small_week)
    plan = plan_roster(inputs, requirements, FAST)
    assert plan.findings["rule"].tolist() == ["rest"]
    assert set(plan.roster[col.AGENT_ID]) == {"A1", "A2", "A3"}


def test_weekly_mode_with_too_few_agents_still_gives_a_plan() -> None:
    """Twelve agents for a 25-agent peak: a roster with the gap priced."""
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-12:00"})},
        {"flex": contract(0, 4, 0, 1)},
        lengths_hours=(2, 4),
    )
    calls = [30, 60, 90, 120, 120, 90, 60, 30]
    forecast = week_forecast(
        "phone",
        {(0, f"{8 + i // 2:02d}:{30 * (i % 2):02d}"): c for i, c in enumerate(calls)},
    )
    inputs = inputs_of(centre, staff(12, "flex"))
    plan = plan_roster(
        inputs,
        compute_requirements(forecast, centre),
        SolveSettings(mode="weekly", time_limit_s=5.0),
    )
    assert "coverage.weekly_service_level" in set(plan.bent_rules["rule"])


# ------------------------------------------- pricing a roster: the allocation


def phone_and_email() -> Any:
    """Phone needs one agent 08:00-12:00; one agent-hour of email arrives at 08:00.

    Two agents with both skills work 08:00-12:00 (fixed): the cheapest
    allocation keeps one on phone in every slot and gives the other an hour of
    email before its 11:00 deadline, so the price is the pay of 8 hours alone.
    """
    email = {
        "kind": "deferrable",
        "service_level": 1.0,
        "answer_within_business_hours": 3,
        "default_aht_seconds": 600,
        "shrinkage": 0.0,
        "opening_hours": {"monday": "08:00-16:00"},
    }
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-12:00"}), "email": email},
        {"flex": contract(0, 4, 0, 1)},
    )
    forecast = pd.concat(
        [
            week_forecast("phone", {(0, "08:00"): 1.0}),
            week_forecast("email", {(0, "08:00"): 6.0}, aht_s=600.0),
        ],
        ignore_index=True,
    )
    requirements = with_required(
        compute_requirements(forecast, centre, email_carry_in_s=0.0),
        "phone",
        dict.fromkeys(slots(0, "08:00", "12:00"), 1),
    )
    agents = staff(2, "flex", skills=("phone", "email"))
    problem = build_problem(inputs_of(centre, agents), requirements)
    shifts = {("A1", 0): template_at(problem, "08:00", 4)}
    shifts[("A2", 0)] = shifts[("A1", 0)]
    return problem, shifts


def test_pricing_a_roster_finds_the_allocation_that_costs_only_pay() -> None:
    """8 paid hours at 20.00, no penalty, exactly one agent on phone per slot."""
    problem, shifts = phone_and_email()
    settings = SolveSettings(mode="interval", time_limit_s=5.0, email_carry_in_s=0.0)
    price, master, _, solver = price_counts(
        problem, settings, counts_of(problem, shifts, {})
    )
    assert price.objective == 2 * 4 * 2000
    assert price.penalties == []
    on_phone = [
        solver.value(v) for (_, c, _), v in sorted(master.y.items()) if c == "phone"
    ]
    assert on_phone == [1] * 8


def test_pricing_fixes_the_day_patterns_of_a_named_roster() -> None:
    """Both agents work Monday only: the pattern counts are read off the roster."""
    problem, shifts = phone_and_email()
    fixed = counts_of(problem, shifts, {})
    assert fixed.patterns == {(0, (0,)): 2}


def test_pricing_rounds_the_lp_when_the_mip_finds_no_allocation_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rounded LP allocation gives the same price on the hand-priced morning."""
    import scheduler.roster.solve as solve_module

    monkeypatch.setattr(solve_module, "solve_mip", lambda *_: None)
    problem, shifts = phone_and_email()
    settings = SolveSettings(mode="interval", time_limit_s=5.0, email_carry_in_s=0.0)
    price, master, _, solver = price_counts(
        problem, settings, counts_of(problem, shifts, {})
    )
    assert price.objective == 2 * 4 * 2000
    on_phone = [
        solver.value(v) for (_, c, _), v in sorted(master.y.items()) if c == "phone"
    ]
    assert on_phone == [1] * 8
