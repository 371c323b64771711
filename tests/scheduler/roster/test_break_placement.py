"""Breaks to named agents, earliest deadline first (scheduler.roster.break_placement).

(``test_breaks.py`` beside this file audits the breaks rule of a finished roster.)
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from scheduler.config import Centre
from scheduler.requirements import compute_requirements
from scheduler.roster.break_placement import place_breaks
from scheduler.roster.problem import RosterProblem
from tests.scheduler.roster.conftest import make_shift
from tests.scheduler.roster.tiny import (
    BREAKS_30,
    EIGHT,
    contract,
    phone,
    problem_of,
    staff,
    template_at,
    tiny_centre,
    week_forecast,
)

FIRST, SECOND, LUNCH = 0, 1, 2  # rule indices of BREAKS_30


@pytest.fixture(scope="module")
def centre() -> Centre:
    """Phone 08:00-18:00 on Monday; 6 h and 8 h shifts with break, lunch, break."""
    return tiny_centre(
        {"phone": phone({"monday": "08:00-18:00"})},
        {"flex": contract(0, 8, 0, 1)},
        lengths_hours=(6, 8),
        latest_end="18:00",
        breaks=BREAKS_30,
    )


def problem(centre: Centre, agents: int, **inputs: Any) -> RosterProblem:
    """``agents`` alike agents (one group) in the centre's week."""
    requirements = compute_requirements(week_forecast("phone", {}), centre)
    return problem_of(centre, staff(agents, "flex"), requirements, **inputs)


def test_the_agent_whose_window_closes_first_goes_first(centre: Centre) -> None:
    """08:00 8 h may break 09:00-10:00, 08:00 6 h only 09:00-09:30; one each."""
    p = problem(centre, 2)
    eight, six = template_at(p, "08:00", 8), template_at(p, "08:00", 6)
    shifts = {("A1", 0): eight, ("A2", 0): six}
    # Windows (slots of the day): A1 break 18-20, lunch 22-25, break 27-29;
    # A2 break 18-19, lunch 20-23, break 24-25.
    counts = {
        (0, 0, FIRST, EIGHT + 2): 1,
        (0, 0, FIRST, EIGHT + 4): 1,
        (0, 0, LUNCH, EIGHT + 6): 1,
        (0, 0, LUNCH, EIGHT + 7): 1,
        (0, 0, SECOND, EIGHT + 8): 1,
        (0, 0, SECOND, EIGHT + 13): 1,
    }
    assert place_breaks(p, shifts, counts) == {
        ("A1", 0, FIRST): 4,
        ("A1", 0, LUNCH): 7,
        ("A1", 0, SECOND): 13,
        ("A2", 0, FIRST): 2,
        ("A2", 0, LUNCH): 6,
        ("A2", 0, SECOND): 8,
    }


def test_an_agent_without_a_planned_break_gets_the_first_slot_of_its_window(
    centre: Centre,
) -> None:
    """No counts at all: every break at the opening of its window."""
    p = problem(centre, 2)
    eight, six = template_at(p, "08:00", 8), template_at(p, "09:00", 6)
    placed = place_breaks(p, {("A1", 0): eight, ("A2", 0): six}, {})
    assert placed == {
        ("A1", 0, FIRST): 2,
        ("A1", 0, LUNCH): 6,
        ("A1", 0, SECOND): 11,
        ("A2", 0, FIRST): 2,
        ("A2", 0, LUNCH): 4,
        ("A2", 0, SECOND): 8,
    }


def test_a_break_left_over_goes_to_the_least_planned_slot_of_its_window(
    centre: Centre,
) -> None:
    """One first break planned at 09:00 for two agents: the other gets 09:30."""
    p = problem(centre, 2)
    eight, six = template_at(p, "08:00", 8), template_at(p, "08:00", 6)
    counts = {(0, 0, FIRST, EIGHT + 2): 1}
    placed = place_breaks(p, {("A1", 0): eight, ("A2", 0): six}, counts)
    assert placed["A2", 0, FIRST] == 2  # closes first, takes the planned 09:00
    assert placed["A1", 0, FIRST] == 3  # 09:30: no break planned there


def test_a_locked_shift_keeps_its_own_breaks(centre: Centre) -> None:
    """A1's locked breaks at 09:30, 12:00 and 14:30 stay, whatever the counts."""
    locked = make_shift(
        "A1",
        "2026-01-05",
        "08:00",
        8.0,
        [("break", "09:30", 30), ("lunch", "12:00", 30), ("break", "14:30", 30)],
    )
    p = problem(centre, 1, locked=locked)
    eight = template_at(p, "08:00", 8)
    placed = place_breaks(p, {("A1", 0): eight}, {(0, 0, FIRST, EIGHT + 2): 1})
    assert placed == {("A1", 0, FIRST): 3, ("A1", 0, LUNCH): 8, ("A1", 0, SECOND): 13}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_counts_that_admit_an_assignment_are_met_exactly(
    centre: Centre, seed: int
) -> None:
    """Breaks drawn at random in their windows: EDF hands out exactly those counts."""
    rng = random.Random(seed)
    p = problem(centre, 8)
    menu = list(p.groups[0].menus[0])
    shifts = {(f"A{i}", 0): rng.choice(menu) for i in range(1, 9)}
    drawn: Counter[tuple[int, int, int, int]] = Counter()
    for (_, day), s in shifts.items():
        t = p.templates[s]
        for w in t.breaks:
            drawn[0, day, w.rule, t.start_slot + rng.choice(w.starts)] += 1
    placed = place_breaks(p, shifts, dict(drawn))
    got: Counter[tuple[int, int, int, int]] = Counter()
    for (agent, day, rule), offset in placed.items():
        t = p.templates[shifts[agent, day]]
        [window] = [w for w in t.breaks if w.rule == rule]
        assert offset in window.starts, (agent, rule, offset)
        got[0, day, rule, t.start_slot + offset] += 1
    assert got == drawn
    assert len(placed) == 3 * len(shifts)


def test_every_day_and_agent_is_placed_separately(centre: Centre) -> None:
    """Counts planned for Tuesday do not place a Monday break."""
    p = problem(centre, 1)
    eight = template_at(p, "08:00", 8)
    placed = place_breaks(p, {("A1", 0): eight}, {(0, 1, FIRST, EIGHT + 4): 1})
    assert placed[("A1", 0, FIRST)] == 2
