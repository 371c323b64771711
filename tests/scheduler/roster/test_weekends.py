"""Weekends: Saturday and Sunday dates worked at most max_weekend_days."""

from __future__ import annotations

from collections.abc import Callable

from scheduler.roster.rules.base import Violation
from tests.scheduler.roster.conftest import full_week, week_days

Audit = Callable[..., list[Violation]]


def test_a_weekday_week_works_no_weekend_day(audit: Audit) -> None:
    """Monday to Friday uses none of the one allowed weekend day."""
    assert audit(full_week(), "weekends") == []


def test_both_weekend_days_are_one_over_for_full_time(audit: Audit) -> None:
    """Full time may work one of Saturday and Sunday."""
    days = [d for i, d in enumerate(week_days(7)) if i in (0, 1, 2, 5, 6)]
    assert audit(full_week(days=days), "weekends") == [
        Violation(
            "weekends",
            "A001",
            None,
            "works 2 weekend days, 1 over max_weekend_days 1",
            1.0,
            "day",
        )
    ]
