"""Shifts as people read them: span, paid minutes and channels, from the roster."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from scheduler.export.shifts import shift_view
from scheduler.plan import Plan


def test_every_shift_of_the_sample_spans_its_segments(sample_plan: Plan) -> None:
    view = shift_view(sample_plan)
    roster = sample_plan.roster
    expected = (
        roster.groupby(["agent_id", "date"])
        .agg(start=("start", "min"), end=("end", "max"))
        .reset_index()
    )
    shifts = view.shifts[["agent_id", "date", "start", "end"]]
    pd.testing.assert_frame_equal(shifts, expected)
    # The evaluation counts the same shifts and the same paid hours.
    assert len(shifts) == sample_plan.kpis["overall"]["shifts"]
    assert (
        view.shifts["paid_min"].sum() / 60 == sample_plan.kpis["overall"]["paid_hours"]
    )


def test_channels_are_ordered_by_work_minutes(spring_plan: Plan) -> None:
    shifts = shift_view(spring_plan).shifts.set_index(["agent_id", "date"])
    monday = shifts.loc[("A001", dt.date(2026, 3, 23))]
    # phone 120 + 105 minutes, chat 210 minutes.
    assert monday["channels"] == ("phone", "chat")
    assert monday["main_channel"] == "phone"
    assert monday["work_min"] == 435
    # 8 h less the unpaid 30-minute lunch.
    assert monday["paid_min"] == 450


def test_a_shift_across_midnight_and_the_clock_change_is_one_shift(
    spring_plan: Plan,
) -> None:
    view = shift_view(spring_plan)
    saturday = view.shifts.set_index(["agent_id", "date"]).loc[
        ("A001", dt.date(2026, 3, 28))
    ]
    # 20:00 EET (18:00 UTC) to 04:00 EEST (01:00 UTC): seven hours elapse.
    assert saturday["start"] == pd.Timestamp("2026-03-28T18:00Z")
    assert saturday["end"] == pd.Timestamp("2026-03-29T01:00Z")
    assert saturday["work_min"] == 7 * 60 - 15
    assert len(view.segments_of("A001", dt.date(2026, 3, 28))) == 3
    segments, shifts = view.of_agent("A002")
    assert len(segments) == 1
    assert [shift["date"] for shift in shifts] == [dt.date(2026, 3, 29)]
