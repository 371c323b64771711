"""Fixtures shared across the test folders: small synthetic histories."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from forecasts.synthetic import ChannelSpec, HistorySpec, generate_history

MONDAY = dt.date(2025, 1, 6)


@pytest.fixture(scope="session")
def small_spec() -> HistorySpec:
    """Two channels at 60-minute intervals: fast to forecast."""
    return HistorySpec(
        channels=(
            ChannelSpec("phone", 1200.0, 300.0),
            ChannelSpec("email", 80.0, 600.0, opening_hours=((0.0, 24.0),) * 7),
        ),
        interval_minutes=60,
    )


@pytest.fixture(scope="session")
def small_history(small_spec: HistorySpec) -> pd.DataFrame:
    """Eight weeks of the small spec starting on a Monday."""
    return generate_history(small_spec, MONDAY, weeks=8, seed=3)
