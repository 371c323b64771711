"""Contract hours: weekly paid hours within the contract and the legal maximum."""

from __future__ import annotations

from collections.abc import Callable

from scheduler.roster.rules.base import Violation
from tests.scheduler.roster.conftest import full_week, week_days

Audit = Callable[..., list[Violation]]


def test_five_eight_hour_shifts_pay_the_full_time_37_5_hours(audit: Audit) -> None:
    """8 h less a 30-minute unpaid lunch, five times, is 37.5 paid hours."""
    assert audit(full_week(), "contract_hours") == []


def test_four_shifts_are_7_5_hours_short(audit: Audit) -> None:
    """Four shifts pay 30 h, 7.5 h short of the full-time minimum."""
    assert audit(full_week(days=week_days(4)), "contract_hours") == [
        Violation(
            "contract_hours",
            "A001",
            None,
            "paid 30 h is 7.5 h short of the minimum 37.5 h "
            "(weekly_hours_min 37.5 h, 0 leave day(s))",
            7.5,
            "h",
        )
    ]


def test_a_leave_day_counts_as_a_day_of_minimum_hours(audit: Audit) -> None:
    """With Friday on leave, 30 paid hours meet the full-time minimum."""
    leave = [("A001", "2026-01-09", "00:00", "24:00", "leave")]
    assert (
        audit(full_week(days=week_days(4)), "contract_hours", availability=leave) == []
    )


def test_seven_shifts_break_the_contract_and_the_legal_maximum(audit: Audit) -> None:
    """52.5 paid hours are 15 h over the contract and 4.5 h over the 48 h limit."""
    violations = audit(full_week(days=week_days(7)), "contract_hours")
    assert [(v.detail, v.amount) for v in violations] == [
        ("paid 52.5 h is 15 h over the contract's weekly_hours_max 37.5 h", 15.0),
        ("paid 52.5 h is 4.5 h over labour.max_weekly_hours 48 h", 4.5),
    ]
