"""The roster problem: demand on the slot grid, agent groups and their menus."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from scheduler.agents import load_agents
from scheduler.config import Centre, load_centre
from scheduler.requirements import compute_requirements
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.problem import (
    AgentGroup,
    RosterProblem,
    build_problem,
    day_pattern_ok,
)
from tests.scheduler.roster.conftest import eight_hours, make_shift

WEEK_START = dt.date(2026, 1, 5)  # a Monday
MONDAY = "2026-01-05"
SLOTS_PER_DAY = 96
#: The sample's twelve branch agents; A109..A113 serve only the face-to-face desk.
FACE_TO_FACE_ONLY = "A109"


@pytest.fixture(scope="module")
def centre() -> Centre:
    return load_centre()


@pytest.fixture(scope="module")
def requirements(centre: Centre) -> pd.DataFrame:
    """Two hours of Monday-morning phone demand: 50 calls per quarter hour."""
    stamps = pd.date_range(f"{MONDAY} 08:00", periods=8, freq="15min")
    forecast = pd.DataFrame(
        {
            "channel": "phone",
            "interval_start": stamps,
            "contacts": 50.0,
            "aht_seconds": 300.0,
        }
    )
    return compute_requirements(forecast, centre)


def availability(*rows: tuple[str, str, int, int, str]) -> pd.DataFrame:
    """An availability frame from ``(agent, ISO date, from, to, kind)``."""
    return pd.DataFrame(
        [(a, dt.date.fromisoformat(d), f, t, k) for a, d, f, t, k in rows],
        columns=["agent_id", "date", "from", "to", "kind"],
    )


def sample_problem(
    centre: Centre, requirements: pd.DataFrame, **inputs: Any
) -> RosterProblem:
    """The sample centre's 120 agents in the week of 2026-01-05."""
    return build_problem(
        RosterInputs(
            centre=centre,
            agents=load_agents(None, centre),
            week_start=WEEK_START,
            **inputs,
        ),
        requirements,
    )


def group(problem: RosterProblem, key: str) -> AgentGroup:
    """The group with ``key``."""
    return next(g for g in problem.groups if g.key == key)


def template(problem: RosterProblem, start: str, hours: float) -> int:
    """Index of the shift starting ``HH:MM`` lasting ``hours``."""
    h, m = start.split(":")
    first = (int(h) * 60 + int(m)) // 15
    return next(
        i
        for i, t in enumerate(problem.templates)
        if (t.start_slot, t.length_slots) == (first, round(hours * 4))
    )


def test_the_sample_agents_merge_into_sixteen_groups(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """120 agents, 16 contract x skills x site combinations."""
    problem = sample_problem(centre, requirements)
    assert len(problem.groups) == 16
    assert sum(g.size for g in problem.groups) == 120
    assert len(problem.agent_ids) == 120
    phone = group(problem, "full_time|phone|contact_centre")
    assert phone.size == 26
    assert phone.skills == ("phone",)


def test_every_group_holds_interchangeable_agents(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """All agents of a group share contract, skills and site."""
    problem = sample_problem(centre, requirements)
    agents = load_agents(None, centre).set_index("agent_id")
    for g in problem.groups:
        rows = agents.loc[list(g.agent_ids)]
        assert set(rows["contract"]) == {g.contract_name}
        assert set(rows["skills"]) == {g.skills}
        assert len(set(rows["site"])) == 1


def test_demand_lies_on_the_weeks_slot_grid(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Monday 08:00 is slot 32; phone opens 48 slots a weekday and 24 on Saturday."""
    problem = sample_problem(centre, requirements)
    phone = problem.channels["phone"]
    first = requirements.loc[requirements["channel"] == "phone"].iloc[0]
    assert phone.required[32] == first["required"]
    assert phone.required_fractional[32] == pytest.approx(first["required_fractional"])
    assert phone.contacts[32:40].tolist() == [50.0] * 8
    assert phone.required[40] == 0.0  # no forecast after 10:00
    open_per_day = phone.open.reshape(7, SLOTS_PER_DAY).sum(axis=1)
    assert open_per_day.tolist() == [48, 48, 48, 48, 48, 24, 0]
    assert problem.n_slots == 672
    assert problem.slot_starts[32] == pd.Timestamp(f"{MONDAY} 08:00", tz=centre.zone)


def test_full_time_menus_hold_only_eight_hour_shifts(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """37.5 h in exactly 5 days is 5 shifts of 7.5 paid hours: only 8 h shifts fit."""
    problem = sample_problem(centre, requirements)
    for g in problem.groups:
        lengths = {problem.templates[s].length_slots for m in g.menus for s in m}
        if g.contract_name == "full_time":
            assert lengths == {32}, g.key
            assert (g.min_paid_slots, g.max_paid_slots, g.min_days) == (150, 150, 5)
        else:
            assert lengths == {16, 20, 24, 28, 32}, g.key


def test_phone_menus_follow_the_phone_opening_hours(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """08:00-20:00 on weekdays: 17 starts of 8 h; Saturday 10-16 has no 8 h shift."""
    problem = sample_problem(centre, requirements)
    full = group(problem, "full_time|phone|contact_centre")
    assert [len(m) for m in full.menus] == [17, 17, 17, 17, 17, 0, 0]
    assert full.available == (26, 26, 26, 26, 26, 0, 0)
    part = group(problem, "part_time_30|phone|contact_centre")
    assert [len(m) for m in part.menus] == [125, 125, 125, 125, 125, 15, 0]
    saturday = [problem.templates[s] for s in part.menus[5]]
    assert min(t.start_slot for t in saturday) == 40  # 10:00
    assert max(t.end_slot for t in saturday) == 64  # 16:00


def test_a_face_to_face_agents_menu_lies_within_branch_hours(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """The branch is open 10:00-18:00 on weekdays: so are its agents' shifts."""
    problem = sample_problem(centre, requirements)
    [g] = [g for g in problem.groups if FACE_TO_FACE_ONLY in g.agent_ids]
    assert g.skills == ("face_to_face",)
    assert g.key == "full_time|face_to_face|helsinki_branch"
    for day, menu in enumerate(g.menus):
        shifts = [problem.templates[s] for s in menu]
        assert all(t.start_slot >= 40 and t.end_slot <= 72 for t in shifts)
        assert len(shifts) == (1 if day < 5 else 0)  # 10:00 to 18:00 exactly
    part = group(problem, "part_time_30|face_to_face|helsinki_branch")
    starts = {problem.templates[s].start_slot for s in part.menus[0]}
    ends = {problem.templates[s].end_slot for s in part.menus[0]}
    assert (min(starts), max(ends)) == (40, 72)
    assert len(part.menus[0]) == 17 + 13 + 9 + 5 + 1


def test_a_day_of_leave_makes_a_group_of_one_with_lower_minimums(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Leave on Monday: no Monday shifts, 4 days and 30 h at least, 37.5 h at most."""
    leave = availability(("A001", MONDAY, 0, 1440, "leave"))
    problem = sample_problem(centre, requirements, availability=leave)
    assert len(problem.groups) == 17
    alone = group(problem, "full_time|phone|contact_centre|A001")
    assert alone.agent_ids == ("A001",)
    assert alone.menus[0] == ()
    assert alone.available == (0, 1, 1, 1, 1, 0, 0)
    assert alone.min_days == 4
    assert (alone.min_paid_slots, alone.max_paid_slots) == (120, 150)
    rest = group(problem, "full_time|phone|contact_centre")
    assert (rest.size, rest.min_days, rest.min_paid_slots) == (25, 5, 150)


def test_a_morning_unavailable_leaves_only_afternoon_shifts(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Unavailable Tuesday until 12:00: the only 8 h phone shift left is 12-20."""
    busy = availability(("A001", "2026-01-06", 0, 720, "unavailable"))
    problem = sample_problem(centre, requirements, availability=busy)
    alone = group(problem, "full_time|phone|contact_centre|A001")
    assert alone.menus[1] == (template(problem, "12:00", 8),)
    assert alone.min_days == 5  # not leave: the minimums stay


def test_soft_preferences_keep_an_agent_in_their_group(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """prefer_off is for the assignment: the group of 26 stays whole."""
    wish = availability(("A001", MONDAY, 0, 1440, "prefer_off"))
    problem = sample_problem(centre, requirements, availability=wish)
    assert len(problem.groups) == 16
    assert "A001" in group(problem, "full_time|phone|contact_centre").agent_ids


def test_a_locked_shift_fixes_its_agents_day_and_breaks(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Monday 08:00-16:00 locked: one menu entry, breaks at 1 h 30, 4 h and 6 h."""
    problem = sample_problem(centre, requirements, locked=eight_hours("A001", MONDAY))
    alone = group(problem, "full_time|phone|contact_centre|A001")
    eight = template(problem, "08:00", 8)
    assert alone.menus[0] == (eight,)
    assert len(alone.menus[1]) == 17
    lock = alone.locked[0]
    assert lock.template == problem.templates[eight]
    assert sorted(lock.breaks) == [(0, 6), (1, 24), (2, 16)]
    assert set(lock.channels.values()) == {"phone"}
    assert len(lock.channels) == 32 - 4  # every slot but 1 + 2 + 1 of breaks


def test_an_off_menu_locked_shift_gets_a_template_of_its_own(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """A locked 07:00-11:00 shift starts before 07:30: template 145 is added."""
    shift = make_shift("A001", MONDAY, "07:00", 4.0, [("break", "08:30", 15)])
    problem = sample_problem(centre, requirements, locked=shift)
    assert len(problem.templates) == 146
    added = problem.templates[145]
    assert (added.start_slot, added.length_slots) == (28, 16)
    alone = group(problem, "full_time|phone|contact_centre|A001")
    assert alone.menus[0] == (145,)
    assert alone.locked[0].breaks == ((0, 6),)


def test_rows_flagged_not_locked_do_not_fix_a_shift(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """A roster with locked=false on every row locks nothing, as the audit reads it."""
    rows = eight_hours("A001", MONDAY).assign(locked=False)
    problem = sample_problem(centre, requirements, locked=rows)
    assert len(problem.groups) == 16
    assert all(not g.locked for g in problem.groups)


def test_a_weekday_shift_costs_its_paid_hours(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Monday 08:00-16:00 at 27.00 an hour: 7.5 paid hours are 202.50."""
    problem = sample_problem(centre, requirements)
    full = group(problem, "full_time|phone|contact_centre")
    assert problem.shift_cost_cents(full, 0, template(problem, "08:00", 8)) == 20250


def test_a_saturday_shift_costs_the_weekend_multiplier(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Saturday 10:00-18:00: 7.5 h x 27.00 x 1.5 = 303.75."""
    problem = sample_problem(centre, requirements)
    full = group(problem, "full_time|phone|contact_centre")
    assert problem.shift_cost_cents(full, 5, template(problem, "10:00", 8)) == 30375
    assert problem.shift_cost_cents(full, 6, template(problem, "10:00", 8)) == 30375


def test_evening_hours_cost_the_evening_multiplier_on_top(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """12:30-20:30: 22 day slots and 10 evening slots at 1.15, lunch pro rata."""
    problem = sample_problem(centre, requirements)
    full = group(problem, "full_time|phone|contact_centre")
    late = template(problem, "12:30", 8)
    # Monday: (22 + 10 x 1.15) x 0.25 h x 30/32 x 27.00 = 211.99
    assert problem.shift_cost_cents(full, 0, late) == 21199
    # Saturday: (22 x 1.5 + 10 x 1.15 x 1.5) x 0.25 h x 30/32 x 27.00 = 317.99
    assert problem.shift_cost_cents(full, 5, late) == 31799


def test_a_part_time_four_hour_shift_is_paid_whole(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """4 h without a lunch at 25.00 an hour: 100.00."""
    problem = sample_problem(centre, requirements)
    part = group(problem, "part_time_30|phone|contact_centre")
    assert problem.shift_cost_cents(part, 2, template(problem, "09:00", 4)) == 10000


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param((0, 1, 2, 3, 4), True, id="monday-to-friday"),
        pytest.param((1, 2, 3, 4, 5), True, id="single-days-off-at-both-edges"),
        pytest.param((0, 1, 4, 5), True, id="two-days-off-inside"),
        pytest.param((0, 1, 3, 4, 5), False, id="single-wednesday-off"),
        pytest.param((1, 2, 3, 4, 6), False, id="single-saturday-off"),
        pytest.param((0, 1, 2, 3, 4, 5), False, id="six-days-in-a-row"),
        pytest.param((0, 1, 2, 5, 6), False, id="both-weekend-days"),
        pytest.param((), True, id="no-days"),
    ],
)
def test_day_patterns_keep_the_full_time_day_rules(
    centre: Centre, days: tuple[int, ...], expected: bool
) -> None:
    """Full time: days off in pairs inside the week, 5 in a row, 1 weekend day."""
    assert day_pattern_ok(days, centre.contracts["full_time"], 0) is expected


def test_a_single_day_off_is_fine_when_the_contract_allows_it(centre: Centre) -> None:
    """part_time_20 needs only one day off together: Wednesday alone is fine."""
    assert day_pattern_ok((0, 1, 3, 4), centre.contracts["part_time_20"], 0)
    assert not day_pattern_ok((0, 1, 3, 4), centre.contracts["full_time"], 0)


def test_weekend_days_depend_on_the_weeks_first_weekday(centre: Centre) -> None:
    """From a Wednesday, days 3 and 4 are the weekend: both is one too many."""
    full_time = centre.contracts["full_time"]
    assert not day_pattern_ok((0, 1, 2, 3, 4), full_time, 2)
    assert day_pattern_ok((0, 1, 2, 3, 4), full_time, 0)


def test_a_changed_contract_changes_the_verdict(centre: Centre) -> None:
    """With two weekend days allowed, Saturday and Sunday together pass."""
    relaxed = centre.contracts["full_time"].model_copy(update={"max_weekend_days": 2})
    assert day_pattern_ok((0, 1, 2, 5, 6), relaxed, 0)


def test_groups_that_differ_only_in_leave_get_distinct_keys(
    centre: Centre, requirements: pd.DataFrame
) -> None:
    """Two phone agents on leave the same Tuesday form a second, numbered group."""
    problem = sample_problem(
        centre,
        requirements,
        availability=availability(
            ("A001", "2026-01-06", 0, 1440, "leave"),
            ("A002", "2026-01-06", 0, 1440, "leave"),
        ),
    )
    keys = [g.key for g in problem.groups]
    assert len(keys) == len(set(keys))
    on_leave = next(g for g in problem.groups if "A001" in g.agent_ids)
    others = next(g for g in problem.groups if "A003" in g.agent_ids)
    assert on_leave.agent_ids == ("A001", "A002")
    assert on_leave.available[1] == 0
    assert {on_leave.key, others.key} == {
        "full_time|phone|contact_centre",
        "full_time|phone|contact_centre#2",
    }
