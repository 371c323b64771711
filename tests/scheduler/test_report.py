"""Requirement summaries: weekly service level is contact-weighted."""

from __future__ import annotations

import pandas as pd
import pytest

from scheduler.config import Centre
from scheduler.report import requirements_summary


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
