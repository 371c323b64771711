"""Rest: daily rest between shifts and across the week boundary, weekly rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scheduler.roster.rules.base import Violation
from tests.scheduler.roster.conftest import (
    at,
    eight_hours,
    full_week,
    roster,
    week_days,
)

Audit = Callable[..., list[Violation]]


def test_day_shifts_leave_16_hours_of_rest(audit: Audit) -> None:
    """08:00 to 16:00 every weekday leaves 16 h of daily and 56 h of weekly rest."""
    assert audit(full_week(), "rest") == []


def test_a_late_then_early_shift_is_short_of_daily_rest(audit: Audit) -> None:
    """20:30 to 06:00 is 9.5 h, 1.5 h short of 11 h."""
    frame = roster(
        eight_hours("A001", "2026-01-05", "12:30"),
        eight_hours("A001", "2026-01-06", "06:00"),
    )
    assert audit(frame, "rest") == [
        Violation(
            "rest",
            "A001",
            dt.date(2026, 1, 6),
            "rest of 9.5 h between the shift ending 2026-01-05 20:30 and the one "
            "starting 2026-01-06 06:00 is 1.5 h short of 11 h",
            1.5,
            "h",
        )
    ]


def test_rest_counts_from_the_previous_weeks_last_shift(audit: Audit) -> None:
    """Sunday 22:30 to Monday 08:00 is 9.5 h of rest."""
    previous = {"A001": at("2026-01-04", "22:30")}
    [violation] = audit(full_week(), "rest", previous_shift_end=previous)
    assert (violation.date, violation.amount) == (dt.date(2026, 1, 5), 1.5)


def test_seven_days_of_work_leave_no_weekly_rest(audit: Audit) -> None:
    """The longest rest of a seven-day week of day shifts is 16 h, 19 h short."""
    [violation] = audit(full_week(days=week_days(7)), "rest")
    assert violation == Violation(
        "rest",
        "A001",
        None,
        "longest rest in the week is 16 h, 19 h short of "
        "labour.min_weekly_rest_hours 35 h",
        19.0,
        "h",
    )
