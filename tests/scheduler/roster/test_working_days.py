"""Working days: minimum and maximum days, days in a row, days off together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scheduler.roster.rules.base import Violation
from tests.scheduler.roster.conftest import full_week, week_days

Audit = Callable[..., list[Violation]]


def test_monday_to_friday_meets_every_day_limit(audit: Audit) -> None:
    """Five days in a row with the weekend off is a full-time week."""
    assert audit(full_week(), "working_days") == []


def test_four_days_are_one_day_short(audit: Audit) -> None:
    """Full time asks for five days."""
    assert audit(full_week(days=week_days(4)), "working_days") == [
        Violation(
            "working_days",
            "A001",
            None,
            "works 4 days, 1 short of the minimum 5 (min_days less leave days)",
            1.0,
            "day",
        )
    ]


def test_a_leave_day_lowers_the_minimum_days(audit: Audit) -> None:
    """With Friday on leave, four days are enough."""
    leave = [("A001", "2026-01-09", "00:00", "24:00", "leave")]
    assert audit(full_week(days=week_days(4)), "working_days", availability=leave) == []


def test_six_days_in_a_row_break_max_days_and_max_consecutive_days(
    audit: Audit,
) -> None:
    """Monday to Saturday is one day over both limits; the run is dated Monday."""
    violations = audit(full_week(days=week_days(6)), "working_days")
    assert [(v.date, v.detail, v.amount) for v in violations] == [
        (None, "works 6 days, 1 over max_days 5", 1.0),
        (
            dt.date(2026, 1, 5),
            "works 6 days in a row from here, 1 over max_consecutive_days 5",
            1.0,
        ),
    ]


def test_a_single_day_off_inside_the_week_is_too_short(audit: Audit) -> None:
    """Wednesday alone off is one day short of two days off together."""
    days = [d for i, d in enumerate(week_days(6)) if i != 2]
    [violation] = audit(full_week(days=days), "working_days")
    assert (violation.date, violation.amount) == (dt.date(2026, 1, 7), 1.0)
    assert violation.detail == (
        "has 1 day(s) off in a row from here, 1 short of min_consecutive_days_off 2"
    )
