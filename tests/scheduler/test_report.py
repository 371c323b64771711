"""Summaries for people: weekly service level, heatmaps, why-this-number."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from scheduler.config import Centre
from scheduler.report import explain_interval, heatmap_frame, requirements_summary
from scheduler.requirements import compute_requirements


def test_weekly_service_level_weights_intervals_by_contacts(
    sample_centre: Centre,
) -> None:
    frame = pd.DataFrame(
        {
            "channel": ["phone"] * 3,
            "model": ["erlang_a"] * 3,
            "contacts": [100.0, 300.0, 0.0],
            "service_level": [0.9, 0.7, 1.0],
            "required": [10, 20, 0],
            "required_fractional": [9.5, 19.0, 0.0],
        }
    )
    row = requirements_summary(frame, sample_centre).iloc[0]
    # (100 * 0.9 + 300 * 0.7) / 400; the empty interval does not count.
    assert row["weekly_service_level"] == pytest.approx(0.75)
    # 28.5 agent-intervals of 15 minutes.
    assert row["required_agent_hours"] == pytest.approx(7.125)
    assert row["peak_required"] == 20
    assert row["service_level_target"] == 0.8


def test_heatmap_frame_has_one_cell_per_interval_of_the_channel(
    sample_centre: Centre,
) -> None:
    stamps = pd.date_range(
        "2026-01-05 08:00", periods=3, freq="15min", tz="Europe/Helsinki"
    )
    frame = pd.DataFrame(
        {
            "interval_start": list(stamps) * 2,
            "channel": ["phone"] * 3 + ["chat"] * 3,
            "required": [1, 2, 3, 4, 5, 6],
            "required_fractional": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
            "contacts": [1.0] * 6,
        }
    )
    cells = heatmap_frame(frame, "chat")
    assert cells["day"].tolist() == ["Mon 05.01"] * 3
    assert cells["time"].tolist() == ["08:00", "08:15", "08:30"]
    assert cells["required"].tolist() == [4, 5, 6]


def test_explanation_of_the_published_case_shows_the_curve_crossing_the_target(
    centre_with: Callable[[dict[str, Any]], Centre],
) -> None:
    centre = centre_with(
        {
            "centre.interval_minutes": 30,
            "channels.phone.patience_seconds": "<delete>",
            "channels.phone.max_occupancy": 0.85,
        }
    )
    start = pd.Timestamp("2026-01-05 10:00", tz="Europe/Helsinki")
    forecast = pd.DataFrame(
        {
            "channel": ["phone"],
            "interval_start": [start.tz_localize(None)],
            "contacts": [100.0],
            "aht_seconds": [180.0],
        }
    )
    requirements = compute_requirements(forecast, centre)
    why = explain_interval(requirements, centre, "phone", start)
    assert why.inputs["workload_erlangs"] == pytest.approx(10.0)
    assert why.inputs["net_required"] == 14
    assert "Erlang C" in why.formula
    curve = why.curve.set_index("agents")
    assert curve.loc[13, "service_level"] == pytest.approx(0.7955947884, rel=1e-9)
    assert curve.loc[14, "service_level"] == pytest.approx(0.8883500192, rel=1e-9)
    assert curve["meets_target"].tolist() == [n >= 14 for n in curve.index]
    with pytest.raises(KeyError, match="no requirement for chat"):
        explain_interval(requirements, centre, "chat", start)
