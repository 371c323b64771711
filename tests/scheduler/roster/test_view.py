"""The roster view: shifts, breaks and paid minutes derived from segments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from scheduler.roster.view import RosterView, blocked_days, leave_days
from tests.scheduler.roster.conftest import eight_hours, make_shift, roster


def test_an_eight_hour_shift_pays_7_5_hours_and_works_7(
    make_inputs: Callable[..., Any],
) -> None:
    """Only the 30-minute lunch is unpaid; the three breaks are not work."""
    view = RosterView.build(make_inputs(), eight_hours("A001", "2026-01-05"))
    [shift] = view.shifts.to_dict("records")
    assert (shift["length_min"], shift["paid_min"], shift["work_min"]) == (
        480.0,
        450.0,
        420.0,
    )
    assert (shift["start_min"], shift["end_min"], shift["segments"]) == (480, 960, 7)


def test_breaks_carry_their_offset_and_the_rule_they_meet(
    make_inputs: Callable[..., Any],
) -> None:
    """Offsets are in 15-minute slots; a misplaced lunch meets no rule (-1)."""
    breaks = [("break", "09:30", 15), ("lunch", "13:00", 30), ("break", "14:00", 15)]
    frame = make_shift("A001", "2026-01-05", "08:00", 8.0, breaks)
    view = RosterView.build(make_inputs(), frame)
    table = view.breaks[["activity", "offset_slots", "rule", "paid"]]
    expected = pd.DataFrame(
        {
            "activity": ["break", "lunch", "break"],
            "offset_slots": [6.0, 20.0, 24.0],
            "rule": [0, -1, 1],
            "paid": [True, False, True],
        }
    )
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected)


def test_naive_roster_times_are_read_as_local(make_inputs: Callable[..., Any]) -> None:
    """A roster written without offsets means Helsinki time."""
    frame = roster(eight_hours("A001", "2026-01-05"))
    frame["start"] = frame["start"].dt.tz_localize(None)
    frame["end"] = frame["end"].dt.tz_localize(None)
    view = RosterView.build(make_inputs(), frame)
    assert str(view.shifts["start"].iloc[0]) == "2026-01-05 08:00:00+02:00"


def test_leave_days_and_blocked_days_per_agent(make_inputs: Callable[..., Any]) -> None:
    """A whole leave day is a leave day and blocked; a short absence blocks nothing."""
    inputs = make_inputs(
        availability=[
            ("A001", "2026-01-06", "00:00", "24:00", "leave"),
            ("A001", "2026-01-07", "12:00", "13:00", "unavailable"),
        ]
    )
    assert leave_days(inputs).to_dict() == {"A001": 1}
    assert blocked_days(inputs).loc["A001"].tolist() == [
        False,
        True,
        False,
        False,
        False,
        False,
        False,
    ]
