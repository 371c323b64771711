"""Locks: locked rows kept exactly; locked shifts that break rules on their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from scheduler.roster.rules.base import Finding, Violation
from scheduler.roster.rules.locks import RULE
from tests.scheduler.roster.conftest import at, eight_hours, full_week

Audit = Callable[..., list[Violation]]
MONDAY = "2026-01-05"


def test_a_roster_keeping_the_locked_shift_passes(audit: Audit) -> None:
    """Monday's locked shift is in the roster as it was locked."""
    assert audit(full_week(), "locks", locked=eight_hours("A001", MONDAY)) == []


def test_a_moved_locked_shift_misses_every_locked_row(audit: Audit) -> None:
    """Locked at 08:00 but rostered at 09:00: all seven segments are missing."""
    locked = eight_hours("A001", MONDAY)
    violations = audit(eight_hours("A001", MONDAY, "09:00"), "locks", locked=locked)
    assert len(violations) == 7
    assert violations[0] == Violation(
        "locks",
        "A001",
        dt.date(2026, 1, 5),
        "locked work 2026-01-05 08:00 to 2026-01-05 09:30 on phone is not in the "
        "roster",
        1.0,
        "row",
    )


def test_only_rows_flagged_locked_count(audit: Audit) -> None:
    """Rows whose ``locked`` column is false are not kept."""
    locked = eight_hours("A001", MONDAY).assign(locked=False)
    assert audit(eight_hours("A001", MONDAY, "09:00"), "locks", locked=locked) == []


def test_a_locked_shift_too_close_to_last_week_is_a_rest_conflict(
    make_inputs: Callable[..., Any],
) -> None:
    """Sunday 22:30 to a locked Monday 08:00 is 9.5 h of rest, 1.5 h short."""
    inputs = make_inputs(
        locked=eight_hours("A001", MONDAY),
        previous_shift_end={"A001": at("2026-01-04", "22:30")},
    )
    assert RULE.diagnose(inputs) == [
        Finding(
            "rest",
            "A001",
            dt.date(2026, 1, 5),
            "locked rows: rest of 9.5 h between the shift ending 2026-01-04 22:30 "
            "and the one starting 2026-01-05 08:00 is 1.5 h short of 11 h",
            1.5,
            "h",
            "conflict",
        )
    ]


def test_a_locked_shift_on_leave_is_an_availability_conflict(
    make_inputs: Callable[..., Any],
) -> None:
    """A shift locked on a day of leave overlaps it by its 8 hours."""
    inputs = make_inputs(
        locked=eight_hours("A001", MONDAY),
        availability=[("A001", MONDAY, "00:00", "24:00", "leave")],
    )
    [finding] = RULE.diagnose(inputs)
    assert (finding.rule, finding.date, finding.amount, finding.severity) == (
        "availability",
        dt.date(2026, 1, 5),
        8.0,
        "conflict",
    )
