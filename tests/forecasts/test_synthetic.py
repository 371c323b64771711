from __future__ import annotations

import datetime as dt

import pytest

from forecasts.schema import ForecastError, load_history
from forecasts.synthetic import (
    ChannelSpec,
    HistorySpec,
    contact_rates,
    generate_history,
)


def test_generate_history_is_a_valid_reproducible_history() -> None:
    spec = HistorySpec()
    first = generate_history(spec, dt.date(2025, 1, 6), weeks=2, seed=1)
    again = generate_history(spec, dt.date(2025, 1, 6), weeks=2, seed=1)
    assert first.equals(again)
    assert len(load_history(first)) == 4 * 14 * 96


def test_rates_follow_daily_volume_weekday_factors_and_opening_hours() -> None:
    spec = HistorySpec(
        channels=(ChannelSpec("phone", 1000.0, 300.0),), interval_minutes=30
    )
    rates = contact_rates(spec, dt.date(2025, 1, 6), 7)  # Monday..Sunday
    by_day = rates.groupby(rates["interval_start"].dt.dayofweek)["contacts"].sum()
    assert by_day[0] == pytest.approx(1150.0)
    assert by_day[6] == 0.0
    monday = rates[rates["interval_start"].dt.dayofweek == 0]
    assert monday["contacts"][monday["interval_start"].dt.hour < 8].sum() == 0.0
    peak = monday.loc[monday["contacts"].idxmax(), "interval_start"]
    assert 10 <= peak.hour <= 11


def test_channel_spec_rejects_a_week_without_seven_days() -> None:
    with pytest.raises(ForecastError, match="need 7 entries"):
        ChannelSpec("phone", 100.0, 300.0, weekday_factors=(1.0,) * 5)
