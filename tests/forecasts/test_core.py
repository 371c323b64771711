from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasts.core import forecast
from forecasts.schema import FORECAST_COLUMNS, ForecastError
from forecasts.synthetic import contact_rates, generate_history
from tests.conftest import MONDAY

START = MONDAY + dt.timedelta(weeks=8)


def test_forecast_frame_is_complete_with_zeros_when_closed(small_history) -> None:  # type: ignore[no-untyped-def]
    result = forecast(small_history, START, 7, 60)
    frame = result.frame
    assert list(frame.columns) == list(FORECAST_COLUMNS)
    assert len(frame) == 2 * 7 * 24
    assert not frame.isna().any().any()
    sunday = frame["interval_start"].dt.dayofweek == 6
    assert frame["contacts"][sunday & (frame["channel"] == "phone")].sum() == 0.0
    assert (frame["contacts_lo"] <= frame["contacts"] + 1).all()
    assert (frame["contacts"] <= frame["contacts_hi"] + 1).all()
    assert (frame["aht_seconds"] > 0).all()


def test_auto_keeps_the_error_table_and_names_the_model_per_channel(
    small_history,
) -> None:  # type: ignore[no-untyped-def]
    result = forecast(small_history, START, 7, 60)
    assert result.backtest is not None
    table = result.backtest.errors
    for channel, model in result.model_by_channel.items():
        rows = table[table["channel"] == channel]
        assert rows["model"].iloc[0] == model
        assert rows["mae"].iloc[0] == rows["mae"].min()


def test_forecast_is_close_to_the_known_rates(small_spec, small_history) -> None:  # type: ignore[no-untyped-def]
    frame = forecast(small_history, START, 7, 60, "daily_profile").frame
    truth = contact_rates(small_spec, START, 7)
    for channel in ("phone", "email"):
        ours = frame["contacts"][frame["channel"] == channel].sum()
        expected = truth["contacts"][truth["channel"] == channel].sum()
        assert ours == pytest.approx(expected, rel=0.05)


def test_prediction_intervals_cover_about_80_percent_of_poisson_actuals(
    small_spec,
) -> None:  # type: ignore[no-untyped-def]
    history = generate_history(small_spec, MONDAY, weeks=10, seed=5)
    start = MONDAY + dt.timedelta(weeks=10)
    frame = forecast(history, start, 7, 60, "daily_profile").frame
    rates = contact_rates(small_spec, start, 7)[
        ["channel", "interval_start", "contacts"]
    ]
    frame = frame.drop(columns="contacts").merge(
        rates, on=["channel", "interval_start"]
    )
    rng = np.random.default_rng(9)
    open_ = frame["contacts"].to_numpy() > 0
    inside = []
    for _ in range(20):
        actual = rng.poisson(frame["contacts"].to_numpy())
        hit = (actual >= frame["contacts_lo"].to_numpy()) & (
            actual <= frame["contacts_hi"].to_numpy()
        )
        inside.append(hit[open_].mean())
    assert 0.75 <= float(np.mean(inside)) <= 0.93


def test_forecast_aggregates_finer_history_and_keeps_a_time_zone(small_history) -> None:  # type: ignore[no-untyped-def]
    zoned = small_history.assign(
        interval_start=small_history["interval_start"].dt.tz_localize("+02:00")
    )
    frame = forecast(zoned, START, 1, 120, "mean4").frame
    assert len(frame) == 2 * 12
    assert str(frame["interval_start"].dt.tz) == "UTC+02:00"
    assert frame["interval_start"].iloc[1] - frame["interval_start"].iloc[
        0
    ] == pd.Timedelta(hours=2)


def test_forecast_rejects_bad_arguments_with_the_fix(small_history) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ForecastError, match="days=0 must be at least 1"):
        forecast(small_history, START, 0)
    with pytest.raises(ForecastError, match="'someday' is not a date"):
        forecast(small_history, "someday", 7)
    with pytest.raises(ForecastError, match=r"unknown model\(s\) \['arima'\]"):
        forecast(small_history, START, 7, model="arima")
