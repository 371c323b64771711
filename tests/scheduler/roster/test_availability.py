"""Availability: no shift over unavailability or leave; leave that leaves no room."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from scheduler.roster.rules.availability import RULE
from scheduler.roster.rules.base import Finding, Violation
from tests.scheduler.roster.conftest import full_week

Audit = Callable[..., list[Violation]]
ALL_DAY = ("00:00", "24:00")


def test_a_week_clear_of_leave_passes(audit: Audit) -> None:
    """Leave on Saturday does not touch a Monday-to-Friday week."""
    leave = [("A001", "2026-01-10", *ALL_DAY, "leave")]
    assert audit(full_week(), "availability", availability=leave) == []


def test_a_shift_over_an_unavailable_period_overlaps_by_hours(audit: Audit) -> None:
    """Unavailable 12:00 to 14:00 on Monday overlaps the Monday shift by 2 h."""
    busy = [("A001", "2026-01-05", "12:00", "14:00", "unavailable")]
    assert audit(full_week(), "availability", availability=busy) == [
        Violation(
            "availability",
            "A001",
            dt.date(2026, 1, 5),
            "shift 2026-01-05 08:00 to 2026-01-05 16:00 overlaps unavailable from "
            "2026-01-05 12:00 to 2026-01-05 14:00 by 2 h",
            2.0,
            "h",
        )
    ]


def test_leave_and_unavailability_that_leave_no_day_free_are_a_conflict(
    make_inputs: Callable[..., Any],
) -> None:
    """Three leave days lower min days to 2, but the other four are unavailable."""
    rows = [
        ("A001", f"2026-01-{day:02d}", *ALL_DAY, "leave" if day < 8 else "unavailable")
        for day in range(5, 12)
    ]
    assert RULE.diagnose(make_inputs(availability=rows)) == [
        Finding(
            "availability",
            "A001",
            None,
            "needs 2 working days (min_days 5 less 3 leave day(s)) but availability "
            "leaves 0 day(s) free",
            2.0,
            "day",
            "conflict",
        )
    ]


def test_too_few_free_days_for_the_minimum_hours_are_a_conflict(
    make_inputs: Callable[..., Any],
) -> None:
    """24 h of part time need more than three 7.5-hour shifts."""
    rows = [
        ("A027", f"2026-01-{day:02d}", *ALL_DAY, "unavailable")
        for day in (8, 9, 10, 11)
    ]
    [finding] = RULE.diagnose(make_inputs(agent_ids=["A027"], availability=rows))
    assert finding.detail == (
        "needs 24 paid hours (after 0 leave day(s)) but at most 22.5 h fit in 3 free "
        "day(s)"
    )
    assert (finding.amount, finding.unit, finding.severity) == (1.5, "h", "conflict")
