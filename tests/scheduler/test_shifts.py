"""Shift templates and break windows: the menu the optimiser chooses from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from scheduler.config import BreakRule, Centre, load_centre
from scheduler.exceptions import InvalidInputError
from scheduler.shifts import (
    MINUTES_PER_DAY,
    BreakWindow,
    break_windows,
    parse_clock_minutes,
    shift_templates,
)

CentreWith = Callable[[dict[str, Any]], Centre]
SLOTS_PER_HOUR = 4  # the sample centre plans in 15-minute slots


def first_half_break(minutes: int = 15, from_hours: float = 4) -> dict[str, Any]:
    """A paid break in the first half of every shift of ``from_hours`` or more."""
    return {
        "activity": "break",
        "duration_minutes": minutes,
        "paid": True,
        "min_shift_hours": from_hours,
        "window": "first_half",
    }


def sample_windows(hours: float) -> tuple[BreakWindow, ...]:
    """The sample centre's break windows for a shift of ``hours``."""
    centre = load_centre()
    return break_windows(centre.shifts.breaks, round(hours * 60), 15)


def test_the_sample_menu_has_145_shifts_a_day() -> None:
    """Starts 07:30 on a 15-minute grid, ending by 20:30: 37+33+29+25+21 shifts."""
    centre = load_centre()
    templates = shift_templates(centre.shifts, centre.interval_minutes)
    assert len(templates) == 145
    assert Counter(t.length_slots for t in templates) == {
        16: 37,
        20: 33,
        24: 29,
        28: 25,
        32: 21,
    }


def test_the_sample_menu_runs_from_0730_to_2030_ordered_by_start() -> None:
    """First shift 07:30 to 11:30, last 16:30 to 20:30; ordered by start, length."""
    centre = load_centre()
    templates = shift_templates(centre.shifts, centre.interval_minutes)
    assert (templates[0].start_slot, templates[0].end_slot) == (30, 46)
    assert (templates[-1].start_slot, templates[-1].end_slot) == (66, 82)
    keys = [(t.start_slot, t.length_slots) for t in templates]
    assert keys == sorted(keys)
    assert max(t.end_slot for t in templates) == 82  # 20:30


def test_an_eight_hour_shift_has_break_lunch_break_in_its_thirds() -> None:
    """L = 8 h: break in [1 h, 2 h 40], lunch in [2 h 40, 5 h 20], break to 7 h."""
    # first_half [60, 160] min -> slots [4, 10], a 1-slot break starts 4..9;
    # middle [160, 320] -> [11, 21], a 2-slot lunch starts 11..19;
    # second_half [320, 420] -> [22, 28], a 1-slot break starts 22..27.
    windows = sample_windows(8)
    assert [(w.rule, w.activity, w.starts) for w in windows] == [
        (0, "break", range(4, 10)),
        (2, "lunch", range(11, 20)),
        (1, "break", range(22, 28)),
    ]
    assert [(w.duration_slots, w.paid) for w in windows] == [
        (1, True),
        (2, False),
        (1, True),
    ]


def test_an_eight_hour_shift_pays_thirty_slots() -> None:
    """32 slots less the unpaid 30-minute lunch: 7.5 paid hours."""
    centre = load_centre()
    templates = shift_templates(centre.shifts, centre.interval_minutes)
    eight = next(t for t in templates if t.length_slots == 32)
    assert (eight.unpaid_slots, eight.paid_slots) == (2, 30)


def test_a_six_hour_shift_splits_into_two_hour_thirds() -> None:
    """L = 6 h: break starts 1 h..1 h 45, lunch 2 h..3 h 30, break 4 h..4 h 45."""
    windows = sample_windows(6)
    assert [(w.rule, w.starts) for w in windows] == [
        (0, range(4, 8)),
        (2, range(8, 15)),
        (1, range(16, 20)),
    ]


def test_a_four_hour_shift_has_only_its_first_half_break() -> None:
    """Below 6 h only rule 0 applies, anywhere in [1 h, 2 h]: starts 4..7."""
    [window] = sample_windows(4)
    assert (window.rule, window.starts, window.paid) == (0, range(4, 8), True)


def test_every_sample_shift_is_fully_paid_below_six_hours() -> None:
    """4 h and 5 h shifts have no lunch, so every slot is paid."""
    centre = load_centre()
    templates = shift_templates(centre.shifts, centre.interval_minutes)
    paid = {t.length_slots: t.paid_slots for t in templates}
    assert paid == {16: 16, 20: 20, 24: 22, 28: 26, 32: 30}


def test_a_region_too_short_for_its_margins_drops_them() -> None:
    """A 2 h shift's first half [1 h, 1 h] cannot hold 15 minutes: it uses [0, 1 h]."""
    rule = BreakRule(**first_half_break(from_hours=2))
    [window] = break_windows([rule], 120, 15)
    assert window.starts == range(0, 4)


def test_a_break_longer_than_its_region_is_an_error() -> None:
    """A 90-minute break does not fit the first hour of a 2-hour shift."""
    rule = BreakRule(**first_half_break(minutes=90, from_hours=2))
    with pytest.raises(InvalidInputError, match="does not fit the first_half of a 2 h"):
        break_windows([rule], 120, 15)


def test_a_break_off_the_interval_grid_is_an_error(centre_with: CentreWith) -> None:
    """A 20-minute break is not a whole number of 15-minute slots."""
    centre = centre_with({"shifts.breaks": [first_half_break(minutes=20)]})
    with pytest.raises(
        InvalidInputError,
        match=r"shifts\.breaks\[0\]\.duration_minutes = 20 is not a whole number of "
        "15-minute intervals",
    ):
        shift_templates(centre.shifts, centre.interval_minutes)


def test_two_rules_sharing_a_window_are_an_error(centre_with: CentreWith) -> None:
    """Two first-half breaks both apply to a 4 h shift: the rules collide."""
    centre = centre_with(
        {"shifts.breaks": [first_half_break(), first_half_break(minutes=30)]}
    )
    with pytest.raises(InvalidInputError, match="two break rules share a window"):
        shift_templates(centre.shifts, centre.interval_minutes)


def test_rules_sharing_a_window_for_different_lengths_are_fine(
    centre_with: CentreWith,
) -> None:
    """A first-half rule from 4 h and one from 9 h never meet on the 4-8 h menu."""
    centre = centre_with(
        {"shifts.breaks": [first_half_break(), first_half_break(from_hours=9)]}
    )
    templates = shift_templates(centre.shifts, centre.interval_minutes)
    assert {len(t.breaks) for t in templates} == {1}


def test_a_start_grid_off_the_interval_is_an_error(centre_with: CentreWith) -> None:
    """Starts every 20 minutes do not fall on a 15-minute plan grid."""
    centre = centre_with({"shifts.start_granularity_minutes": 20})
    with pytest.raises(
        InvalidInputError, match="start_granularity_minutes = 20 is not a multiple"
    ):
        shift_templates(centre.shifts, centre.interval_minutes)


def test_an_earliest_start_off_the_grid_is_an_error(centre_with: CentreWith) -> None:
    """07:40 is not on the 15-minute grid."""
    centre = centre_with({"shifts.earliest_start": "07:40"})
    with pytest.raises(InvalidInputError, match="'07:40' is not on the 15-minute grid"):
        shift_templates(centre.shifts, centre.interval_minutes)


def test_a_length_off_the_grid_is_an_error(centre_with: CentreWith) -> None:
    """A 4 h 10 min shift is not a whole number of 15-minute slots."""
    centre = centre_with({"shifts.lengths_hours": [4, 25 / 6]})
    with pytest.raises(InvalidInputError, match="not a whole number of 15-minute"):
        shift_templates(centre.shifts, centre.interval_minutes)


def test_no_shift_between_earliest_start_and_latest_end_is_an_error(
    centre_with: CentreWith,
) -> None:
    """08:00 to 11:00 holds no shift of 4 to 8 hours."""
    centre = centre_with(
        {"shifts.earliest_start": "08:00", "shifts.latest_end": "11:00"}
    )
    with pytest.raises(InvalidInputError, match="no shift of lengths"):
        shift_templates(centre.shifts, centre.interval_minutes)


def test_a_latest_end_before_the_earliest_start_makes_overnight_shifts(
    centre_with: CentreWith,
) -> None:
    """22:00 to 06:00: 4 h shifts start 22:00..02:00, one 8 h shift 22:00-06:00."""
    centre = centre_with(
        {
            "shifts.earliest_start": "22:00",
            "shifts.latest_end": "06:00",
            "shifts.lengths_hours": [4, 8],
        }
    )
    templates = shift_templates(centre.shifts, centre.interval_minutes)
    day = MINUTES_PER_DAY // 15
    assert Counter(t.length_slots for t in templates) == {16: 17, 32: 1}
    assert all(t.end_slot > day for t in templates)  # every one ends after midnight
    eight = next(t for t in templates if t.length_slots == 32)
    assert (eight.start_slot, eight.end_slot) == (88, day + 24)  # 22:00 to 06:00
    assert max(t.end_slot for t in templates) == day + 24


def test_a_latest_end_of_midnight_is_the_same_day(centre_with: CentreWith) -> None:
    """24:00 is the end of the day, not an overnight wrap: the last 8 h starts 16:00."""
    centre = centre_with({"shifts.latest_end": "24:00", "shifts.lengths_hours": [8]})
    templates = shift_templates(centre.shifts, centre.interval_minutes)
    assert templates[-1].start_slot == 16 * SLOTS_PER_HOUR
    assert templates[-1].end_slot == MINUTES_PER_DAY // 15


def test_thirty_minute_slots_halve_the_menu_and_the_windows(
    centre_with: CentreWith,
) -> None:
    """At 30 minutes with 30-minute breaks, an 8 h lunch starts 3 h..5 h 30 later."""
    lunch = {
        "activity": "lunch",
        "duration_minutes": 30,
        "paid": False,
        "min_shift_hours": 6,
        "window": "middle",
    }
    centre = centre_with(
        {
            "centre.interval_minutes": 30,
            "shifts.start_granularity_minutes": 30,
            "shifts.breaks": [first_half_break(minutes=30), lunch],
        }
    )
    templates = shift_templates(centre.shifts, 30)
    assert Counter(t.length_slots for t in templates) == {
        8: 19,
        10: 17,
        12: 15,
        14: 13,
        16: 11,
    }
    eight = next(t for t in templates if t.length_slots == 16)
    # first_half [60, 160] -> slots [2, 5]; middle [160, 320] -> [6, 10].
    assert [(w.activity, w.starts) for w in eight.breaks] == [
        ("break", range(2, 5)),
        ("lunch", range(6, 10)),
    ]


def test_clock_text_reads_as_minutes_after_midnight() -> None:
    """07:30 is 450 minutes and 24:00 is the whole day."""
    assert parse_clock_minutes("07:30") == 450
    assert parse_clock_minutes(" 24:00 ") == MINUTES_PER_DAY
