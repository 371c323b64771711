"""Breaks: the breaks a shift's length requires, each sized and placed right."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pandas as pd

from scheduler.roster.rules.base import Violation
from scheduler.roster.rules.breaks import RULE
from tests.scheduler.roster.conftest import eight_hours, make_shift

Audit = Callable[..., list[Violation]]
MONDAY = "2026-01-05"
DAY = pd.Timestamp(MONDAY).date()


def test_a_shift_with_its_breaks_in_their_windows_passes(audit: Audit) -> None:
    """An 8-hour shift with break, lunch and break in their windows is valid."""
    assert audit(eight_hours("A001", MONDAY), "breaks") == []


def test_a_four_hour_shift_needs_only_its_first_half_break(audit: Audit) -> None:
    """Only the first break rule applies below 6 hours."""
    shift = make_shift("A001", MONDAY, "08:00", 4.0, [("break", "09:15", 15)])
    assert audit(shift, "breaks") == []


def test_a_missing_lunch_names_its_window(audit: Audit) -> None:
    """Without its lunch an 8-hour shift is 30 minutes of lunch short."""
    shift = make_shift(
        "A001", MONDAY, "08:00", 8.0, [("break", "09:30", 15), ("break", "14:00", 15)]
    )
    assert audit(shift, "breaks") == [
        Violation(
            "breaks",
            "A001",
            DAY,
            "the 8 h shift starting 2026-01-05 08:00 has no lunch of 30 min "
            "starting between 10:45 and 12:45",
            30.0,
            "min",
        )
    ]


def test_a_late_lunch_misses_its_window_by_minutes(audit: Audit) -> None:
    """A lunch at 13:00 starts 15 minutes after its window's last start 12:45."""
    breaks = [("break", "09:30", 15), ("lunch", "13:00", 30), ("break", "14:00", 15)]
    [violation] = audit(make_shift("A001", MONDAY, "08:00", 8.0, breaks), "breaks")
    assert violation.detail == (
        "lunch at 2026-01-05 13:00 misses its window by 15 min: it must start on "
        "the 15-minute grid between 10:45 and 12:45"
    )
    assert violation.amount == 15.0


def test_a_short_lunch_is_reported_by_its_missing_minutes(audit: Audit) -> None:
    """A 15-minute lunch is 15 minutes shorter than the rule's 30."""
    breaks = [("break", "09:30", 15), ("lunch", "12:00", 15), ("break", "14:00", 15)]
    [violation] = audit(make_shift("A001", MONDAY, "08:00", 8.0, breaks), "breaks")
    assert violation.detail == "lunch at 2026-01-05 12:00 lasts 15 min, not 30 min"
    assert violation.amount == 15.0


def test_a_surplus_break_is_reported(audit: Audit) -> None:
    """A fourth break is more than the rules ask for."""
    breaks = [
        ("break", "09:30", 15),
        ("lunch", "12:00", 30),
        ("break", "14:00", 15),
        ("break", "15:00", 15),
    ]
    [violation] = audit(make_shift("A001", MONDAY, "08:00", 8.0, breaks), "breaks")
    assert violation.detail == (
        "break at 2026-01-05 15:00 (15 min) is more than the 8 h shift's break "
        "rules ask for"
    )


def test_a_break_too_long_for_a_shift_length_is_a_conflict(
    centre_with: Callable[[dict[str, Any]], Any],
    make_inputs: Callable[..., Any],
) -> None:
    """A 2-hour lunch cannot fit the middle third of a 4- or 5-hour shift."""
    lunch = {
        "activity": "lunch",
        "duration_minutes": 120,
        "paid": False,
        "min_shift_hours": 4,
        "window": "middle",
    }
    centre = centre_with({"shifts.breaks": [lunch]})
    findings = RULE.diagnose(dataclasses.replace(make_inputs(), centre=centre))
    # 4 h and 5 h shifts (240 and 300 min) are too short for it.
    assert [(f.severity, f.amount) for f in findings] == [
        ("conflict", 240.0),
        ("conflict", 300.0),
    ]
    assert "does not fit the middle of a 4 h shift" in findings[0].detail
