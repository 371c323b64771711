"""A first week per agent from the plan: its days, its shifts, no rule broken."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from scheduler.config import Centre
from scheduler.requirements import compute_requirements
from scheduler.roster.construct import Week, construct_week
from scheduler.roster.problem import RosterProblem
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

#: Five 4-hour shifts a week, 11 h rest; the sample's weekly rest is 35 h.
CONTRACTS = {"twenty": contract(20, 20, 5, 5, min_rest_hours=11)}


@pytest.fixture(scope="module")
def centre() -> Centre:
    return tiny_centre(
        {"phone": phone(dict.fromkeys(EVERY_DAY, "08:00-22:00"))},
        CONTRACTS,
        latest_end="22:00",
    )


def problem(centre: Centre, agents: int, **inputs: object) -> RosterProblem:
    requirements = compute_requirements(week_forecast("phone", {}), centre)
    return problem_of(centre, staff(agents, "twenty"), requirements, **inputs)


def plan(p: RosterProblem, shifts: dict[int, list[str]]) -> dict[tuple[int, int], int]:
    """``day -> ["HH:MM", ...]`` of 4-hour shifts as planned counts."""
    out: Counter[tuple[int, int]] = Counter()
    for day, clocks in shifts.items():
        for clock in clocks:
            out[day, template_at(p, clock, 4)] += 1
    return dict(out)


def rest_hours(p: RosterProblem, week: Week) -> list[float]:
    """Hours between each agent's consecutive shifts (from the templates)."""
    out = []
    for a in p.agent_ids:
        worked = sorted(d for (b, d) in week if b == a)
        for d, e in itertools.pairwise(worked):
            end = d * 24 * 60 + p.templates[week[a, d]].end_slot * SLOT_MINUTES
            start = e * 24 * 60 + p.templates[week[a, e]].start_slot * SLOT_MINUTES
            out.append((start - end) / 60)
    return out


def test_each_agent_works_one_planned_pattern_and_each_day_gets_its_shifts(
    centre: Centre,
) -> None:
    """Two agents Monday-Friday, two Wednesday-Sunday; Monday's evening shift
    (to 22:00) can only be followed by another evening one (08:00 is 10 h later),
    so the agent who takes it keeps the evening all week."""
    p = problem(centre, 4)
    planned = plan(
        p,
        {d: ["08:00", "18:00"] for d in (0, 1, 5, 6)}
        | {d: ["08:00", "18:00", "08:00", "18:00"] for d in (2, 3, 4)},
    )
    patterns = {(0, 1, 2, 3, 4): 2, (2, 3, 4, 5, 6): 2}
    week = construct_week(p, p.groups[0], planned, DEFAULT_WEIGHTS, patterns)
    days = Counter(tuple(d for d in range(7) if (a, d) in week) for a in p.agent_ids)
    assert days == Counter(patterns)
    assert Counter((d, s) for (_, d), s in week.items()) == Counter(planned)
    assert min(rest_hours(p, week)) >= 11


def test_the_previous_weeks_late_shift_keeps_monday_morning_free(
    centre: Centre,
) -> None:
    """A1 ended Sunday at 23:00: Monday 08:00 is 9 h later, so A1 gets 18:00."""
    previous = {"A1": pd.Timestamp("2026-01-04 23:00", tz="Europe/Helsinki")}
    p = problem(centre, 2, previous_shift_end=previous)
    planned = plan(p, {d: ["08:00", "18:00"] for d in range(5)})
    week = construct_week(p, p.groups[0], planned, DEFAULT_WEIGHTS)
    assert p.templates[week["A1", 0]].start_slot * SLOT_MINUTES == 18 * 60
    assert min(rest_hours(p, week)) >= 11


def test_a_prefer_off_day_goes_to_the_agent_who_does_not_mind(centre: Centre) -> None:
    """One agent works Monday-Friday and one Tuesday-Saturday; A1 would rather
    have Saturday off, so A1 gets Monday-Friday."""
    wishes = pd.DataFrame(
        [("A1", WEEK_START + dt.timedelta(days=5), 0, 1440, "prefer_off")],
        columns=["agent_id", "date", "from", "to", "kind"],
    )
    p = problem(centre, 2, availability=wishes)
    planned = plan(
        p, {0: ["08:00"], 5: ["08:00"]} | {d: ["08:00"] * 2 for d in (1, 2, 3, 4)}
    )
    patterns = {(0, 1, 2, 3, 4): 1, (1, 2, 3, 4, 5): 1}
    week = construct_week(p, p.groups[0], planned, DEFAULT_WEIGHTS, patterns)
    assert sorted(d for (a, d) in week if a == "A1") == [0, 1, 2, 3, 4]


def test_a_week_off_only_at_its_edges_starts_late_enough_for_the_weekly_rest(
    centre: Centre,
) -> None:
    """Tuesday-Saturday has no two days off in a row inside the week, so its 35 h
    weekly rest must run from the week's start: Tuesday's shift starts at 11:00 or
    later (42 h for 18:00, 32 h for 08:00). The agent working Monday-Friday has
    the weekend off, so takes Tuesday's 08:00, though 18:00 is nearer their
    Monday start (14:00)."""
    p = problem(centre, 2)
    planned = plan(
        p,
        {0: ["14:00"], 1: ["08:00", "18:00"], 5: ["12:00"]}
        | {d: ["12:00", "12:00"] for d in (2, 3, 4)},
    )
    patterns = {(0, 1, 2, 3, 4): 1, (1, 2, 3, 4, 5): 1}
    week = construct_week(p, p.groups[0], planned, DEFAULT_WEIGHTS, patterns)
    [edges] = [a for a in p.agent_ids if (a, 5) in week]
    assert p.templates[week[edges, 1]].start_slot * SLOT_MINUTES == 18 * 60
    assert min(rest_hours(p, week)) >= 11


def test_a_previous_rosters_shift_that_would_break_rest_is_not_taken(
    centre: Centre,
) -> None:
    """The previous roster had A1 on Monday 18:00 and Tuesday 08:00 (10 h apart):
    A1 keeps Monday's evening, and Tuesday's evening too, for the 11 h rest."""
    p = problem(centre, 2)
    planned = plan(p, {d: ["08:00", "18:00"] for d in (0, 1)})
    hints = {
        ("A1", 0): template_at(p, "18:00", 4),
        ("A1", 1): template_at(p, "08:00", 4),
    }
    week = construct_week(p, p.groups[0], planned, DEFAULT_WEIGHTS, hints=hints)
    assert week["A1", 0] == week["A1", 1] == template_at(p, "18:00", 4)
    assert min(rest_hours(p, week)) >= 11


def test_a_plan_an_hour_over_the_contract_shortens_one_shift_at_its_end() -> None:
    """Twenty hours a week, planned as four 4-hour mornings and one of 5 hours:
    the 5-hour shift keeps its start and ends an hour earlier."""
    centre = tiny_centre(
        {"phone": phone(dict.fromkeys(EVERY_DAY, "08:00-22:00"))},
        CONTRACTS,
        lengths_hours=(4, 5),
        latest_end="22:00",
    )
    p = problem(centre, 1)
    planned = plan(p, {d: ["08:00"] for d in range(4)})
    planned[4, template_at(p, "08:00", 5)] = 1
    week = construct_week(p, p.groups[0], planned, DEFAULT_WEIGHTS)
    assert {d: week["A1", d] for d in range(5)} == dict.fromkeys(
        range(5), template_at(p, "08:00", 4)
    )


@pytest.mark.parametrize(("worth_day", "shortened"), [(0, 1), (1, 0)])
def test_an_agent_over_the_contract_shortens_the_shift_whose_end_is_worth_least(
    worth_day: int, shortened: int
) -> None:
    """Twenty hours planned as 5, 5, 4, 4 and 3 hours (one over): of the two
    5-hour mornings the one whose last hour is worth something (one agent less
    would leave a floor short there) is kept, the other ends an hour earlier."""
    centre = tiny_centre(
        {"phone": phone(dict.fromkeys(EVERY_DAY, "08:00-22:00"))},
        CONTRACTS,
        lengths_hours=(3, 4, 5),
        latest_end="22:00",
    )
    p = problem(centre, 1)
    planned = {
        (0, template_at(p, "08:00", 5)): 1,
        (1, template_at(p, "08:00", 5)): 1,
        (2, template_at(p, "08:00", 4)): 1,
        (3, template_at(p, "08:00", 4)): 1,
        (4, template_at(p, "08:00", 3)): 1,
    }
    worth = np.zeros(p.n_slots)
    worth[list(slots(worth_day, "12:00", "13:00"))] = 10000.0
    week = construct_week(p, p.groups[0], planned, DEFAULT_WEIGHTS, worth=worth)
    kept = 1 - shortened
    assert week["A1", kept] == template_at(p, "08:00", 5)
    assert week["A1", shortened] == template_at(p, "08:00", 4)
    assert sum(p.templates[week["A1", d]].paid_slots for d in range(5)) == 40
