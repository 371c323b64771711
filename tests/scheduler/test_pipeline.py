"""From sample history to requirements for the coming week."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from scheduler.config import Centre
from scheduler.pipeline import (
    SAMPLE_DEMAND,
    next_week_start,
    plan_week,
    sample_history,
    sample_history_spec,
)
from scheduler.report import requirements_summary


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 23), dt.date(2026, 11, 30)),  # a Monday: the next one
        (dt.date(2026, 11, 26), dt.date(2026, 11, 30)),  # a Thursday
        (dt.date(2026, 11, 29), dt.date(2026, 11, 30)),  # a Sunday
    ],
)
def test_next_week_starts_on_the_next_configured_weekday(
    sample_centre: Centre, today: dt.date, expected: dt.date
) -> None:
    assert next_week_start(sample_centre, today) == expected


def test_sample_history_covers_ten_weeks_before_the_week_with_the_sample_volumes(
    sample_centre: Centre,
) -> None:
    week = dt.date(2026, 1, 5)
    history = sample_history(sample_centre, week)
    stamps = history["interval_start"]
    assert stamps.min() == np.datetime64("2025-10-27T00:00")
    assert stamps.max() == np.datetime64("2026-01-04T23:45")
    weekly = history.groupby("channel")["contacts"].sum() / 10
    for channel, (daily, factors, _) in SAMPLE_DEMAND.items():
        assert weekly[channel] == pytest.approx(daily * sum(factors), rel=0.03)
    # Phone is closed on Sundays and chat at weekends in the sample centre.
    sunday = stamps.dt.weekday == 6
    phone = history["channel"] == "phone"
    assert history.loc[sunday & phone, "contacts"].sum() == 0


def test_sample_history_spec_refuses_a_channel_it_does_not_know(
    centre_with: object,
) -> None:
    centre = centre_with({"channels.fax": {**_fax()}})  # type: ignore[operator]
    with pytest.raises(ValueError, match="no sample demand for channel 'fax'"):
        sample_history_spec(centre)


def _fax() -> dict[str, object]:
    return {
        "kind": "live",
        "service_level": 0.8,
        "answer_within_seconds": 60,
        "default_aht_seconds": 120,
        "opening_hours": {"monday": "08:00-16:00"},
    }


def test_planning_the_sample_week_meets_every_target(sample_centre: Centre) -> None:
    week = dt.date(2026, 2, 2)  # no Finnish public holiday that week
    plan = plan_week(sample_centre, week)
    requirements = plan.requirements
    assert len(requirements) == 4 * 672
    assert set(plan.forecast.model_by_channel) == set(SAMPLE_DEMAND)
    summary = requirements_summary(requirements, sample_centre).set_index("channel")
    for channel, row in summary.iterrows():
        assert row["weekly_service_level"] >= row["service_level_target"], channel
    # The forecast is close to the demand the history was drawn from.
    phone_week = SAMPLE_DEMAND["phone"][0] * sum(SAMPLE_DEMAND["phone"][1])
    assert summary.loc["phone", "contacts"] == pytest.approx(phone_week, rel=0.08)
