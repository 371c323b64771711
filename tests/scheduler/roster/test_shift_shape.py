"""Shift shape: grid, allowed lengths, day limits, contiguity and overlaps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from scheduler.roster.rules.base import Violation
from scheduler.roster.rules.shift_shape import RULE
from tests.scheduler.roster.conftest import eight_hours, full_week, make_shift, roster

Audit = Callable[..., list[Violation]]
MONDAY = "2026-01-05"


def test_a_week_of_menu_shifts_has_no_shape_violation(audit: Audit) -> None:
    """Five 8-hour shifts at 08:00 are all on the menu."""
    assert audit(full_week(), "shift_shape") == []


def test_a_start_off_the_grid_is_reported_in_minutes(audit: Audit) -> None:
    """08:05 is 5 minutes off the 15-minute start grid."""
    [violation] = audit(make_shift("A001", MONDAY, "08:05", 4.0), "shift_shape")
    assert violation == Violation(
        "shift_shape",
        "A001",
        pd.Timestamp(MONDAY).date(),
        "shift starts at 2026-01-05 08:05, 5 min off the 15-minute grid",
        5.0,
        "min",
    )


def test_a_length_off_the_menu_is_reported_in_hours(audit: Audit) -> None:
    """A 7.5-hour shift is half an hour from the nearest allowed length."""
    [violation] = audit(make_shift("A001", MONDAY, "08:00", 7.5), "shift_shape")
    assert violation.detail.startswith("shift of 7.5 h starting 2026-01-05 08:00")
    assert (violation.amount, violation.unit) == (0.5, "h")


def test_a_shift_before_the_earliest_start_is_early_by_minutes(audit: Audit) -> None:
    """A 07:00 start is 30 minutes before the earliest start 07:30."""
    [violation] = audit(make_shift("A001", MONDAY, "07:00", 4.0), "shift_shape")
    assert violation.detail == (
        "shift starts at 2026-01-05 07:00, 30 min before the earliest start 07:30"
    )
    assert violation.amount == 30.0


def test_a_shift_after_the_latest_end_is_late_by_minutes(audit: Audit) -> None:
    """A shift to 21:00 ends 30 minutes after the latest end 20:30."""
    [violation] = audit(eight_hours("A001", MONDAY, "13:00"), "shift_shape")
    assert violation.detail == (
        "shift ends at 2026-01-05 21:00, 30 min after the latest end 20:30"
    )
    assert (violation.date, violation.amount) == (pd.Timestamp(MONDAY).date(), 30.0)


def test_two_shifts_on_one_date_leave_a_gap(audit: Audit) -> None:
    """Segments of one date with a gap are two shifts on one date."""
    frame = roster(
        make_shift("A001", MONDAY, "08:00", 4.0),
        make_shift("A001", MONDAY, "14:00", 4.0),
    )
    gaps = [v for v in audit(frame, "shift_shape") if "gap" in v.detail]
    assert [(v.amount, v.unit) for v in gaps] == [(120.0, "min")]
    assert gaps[0].detail.startswith("gap of 120 min before the segment at ")


def test_shifts_of_one_agent_must_not_overlap(audit: Audit) -> None:
    """A shift dated Tuesday but starting on Monday at 15:00 overlaps Monday's."""
    tuesday = make_shift("A001", MONDAY, "15:00", 4.0)
    tuesday["date"] = pd.Timestamp("2026-01-06").date()
    frame = roster(make_shift("A001", MONDAY, "08:00", 8.0), tuesday)
    overlaps = [v for v in audit(frame, "shift_shape") if "overlaps" in v.detail]
    assert [(v.date, v.amount) for v in overlaps] == [
        (pd.Timestamp("2026-01-06").date(), 60.0)
    ]


def test_the_sample_shift_rules_diagnose_clean(
    make_inputs: Callable[..., Any],
) -> None:
    """The sample centre's shift menu is consistent."""
    assert RULE.diagnose(make_inputs()) == []
