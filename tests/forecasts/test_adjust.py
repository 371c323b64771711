"""Per-day adjustments of a forecast, and the frames that show a forecast."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasts.adjust import (
    CHART_COLUMNS,
    DayAdjustment,
    adjust_forecast,
    chart_frame,
    daily_totals,
    model_choice,
)
from forecasts.backtest import BacktestResult
from forecasts.schema import ForecastError

MONDAY = dt.date(2026, 2, 2)


def forecast_frame(
    days: int = 2, channels: tuple[str, ...] = ("phone", "chat")
) -> pd.DataFrame:
    """Hourly forecast: 10 contacts an hour, band 8 to 12, AHT 300 s."""
    stamps = pd.date_range(pd.Timestamp(MONDAY), periods=24 * days, freq="h")
    frames = [
        pd.DataFrame(
            {
                "channel": name,
                "interval_start": stamps,
                "contacts": 10.0,
                "contacts_lo": 8.0,
                "contacts_hi": 12.0,
                "aht_seconds": 300.0,
            }
        )
        for name in channels
    ]
    return pd.concat(frames, ignore_index=True)


def test_an_adjustment_scales_one_day_of_one_channel_and_its_band() -> None:
    frame = forecast_frame()
    out = adjust_forecast(frame, [DayAdjustment(MONDAY, 1.15, "phone", "campaign")])
    monday_phone = (out["channel"] == "phone") & (
        out["interval_start"].dt.date == MONDAY
    )
    assert np.allclose(out.loc[monday_phone, "contacts"], 11.5)
    assert np.allclose(out.loc[monday_phone, "contacts_lo"], 9.2)
    assert np.allclose(out.loc[monday_phone, "contacts_hi"], 13.8)
    assert np.allclose(out.loc[~monday_phone, "contacts"], 10.0)
    assert (out["aht_seconds"] == 300.0).all()
    assert frame["contacts"].eq(10.0).all()  # the input is untouched


def test_adjustments_of_the_same_day_multiply_and_none_means_every_channel() -> None:
    out = adjust_forecast(
        forecast_frame(),
        [DayAdjustment(MONDAY, 1.1), DayAdjustment(MONDAY, 0.5, "chat")],
    )
    totals = daily_totals(out).set_index(["channel", "date"])["contacts"]
    assert totals["phone", MONDAY] == pytest.approx(24 * 10 * 1.1)
    assert totals["chat", MONDAY] == pytest.approx(24 * 10 * 1.1 * 0.5)
    assert totals["chat", MONDAY + dt.timedelta(days=1)] == pytest.approx(240.0)


def test_tz_aware_forecasts_are_adjusted_by_local_date() -> None:
    frame = forecast_frame()
    frame["interval_start"] = frame["interval_start"].dt.tz_localize("Europe/Helsinki")
    out = adjust_forecast(frame, [DayAdjustment(MONDAY, 2.0, "phone")])
    first = out.loc[out["channel"] == "phone"].iloc[0]
    assert first["interval_start"].hour == 0
    assert first["contacts"] == 20.0


@pytest.mark.parametrize(
    ("adjustment", "message"),
    [
        (DayAdjustment(MONDAY, 1.2, "email"), "has no channel 'email'"),
        (DayAdjustment(dt.date(2026, 3, 2), 1.2), "outside the forecast"),
    ],
)
def test_an_adjustment_that_does_not_fit_the_forecast_is_refused(
    adjustment: DayAdjustment, message: str
) -> None:
    with pytest.raises(ForecastError, match=message):
        adjust_forecast(forecast_frame(), [adjustment])


def test_a_negative_factor_is_refused_with_an_example() -> None:
    with pytest.raises(ForecastError, match=r"1.15 is \+15 %"):
        DayAdjustment(MONDAY, -0.1)


def test_an_adjustment_describes_itself_in_percent() -> None:
    assert DayAdjustment(MONDAY, 1.15, "phone", "campaign").describe() == (
        "+15 % phone on Mon 2026-02-02 (campaign)"
    )
    assert DayAdjustment(MONDAY, 0.9).describe() == (
        "-10 % every channel on Mon 2026-02-02"
    )


def test_the_chart_frame_puts_two_weeks_of_history_before_the_forecast() -> None:
    history_stamps = pd.date_range(
        pd.Timestamp(MONDAY) - pd.Timedelta(days=21),
        pd.Timestamp(MONDAY),
        freq="h",
        inclusive="left",
    )
    history = pd.DataFrame(
        {"channel": "phone", "interval_start": history_stamps, "contacts": 3.0}
    )
    frame = chart_frame(history, forecast_frame(), "phone", history_days=14)
    assert tuple(frame.columns) == CHART_COLUMNS
    past = frame.loc[frame["series"] == "history"]
    assert len(past) == 14 * 24
    assert past["time"].min() == pd.Timestamp(MONDAY) - pd.Timedelta(days=14)
    assert past["contacts_lo"].isna().all()
    daily = chart_frame(history, forecast_frame(), "phone", resolution="day")
    ahead = daily.loc[daily["series"] == "forecast"].reset_index(drop=True)
    assert list(ahead["contacts"]) == [240.0, 240.0]
    assert list(ahead["contacts_hi"]) == [288.0, 288.0]
    assert len(daily.loc[daily["series"] == "history"]) == 14
    with pytest.raises(ForecastError, match="no channel 'fax'"):
        chart_frame(history, forecast_frame(), "fax")


def _backtest() -> BacktestResult:
    errors = pd.DataFrame(
        {
            "channel": ["phone"] * 3,
            "model": ["ets_daily_profile", "daily_profile", "seasonal_naive"],
            "wape": [0.1588, 0.1593, 0.1922],
            "mase": [0.8, 0.81, 1.0],
            "bias": [-0.04, -0.05, -0.04],
            "mae": [3.49, 3.50, 4.22],
            "folds": [4, 4, 4],
        }
    )
    return BacktestResult(
        errors=errors, best={"phone": "ets_daily_profile"}, predictions=pd.DataFrame()
    )


def test_the_model_choice_names_the_winner_and_the_runner_up() -> None:
    choice = model_choice({"phone": "ets_daily_profile"}, _backtest())
    row = choice.iloc[0]
    assert row["runner_up"] == "daily_profile"
    assert row["wape"] == 0.1588
    assert row["why"] == (
        "lowest error of 3 models over 4 weekly backtest folds: WAPE 15.88 %, next "
        "best daily_profile 15.93 %"
    )


def test_a_model_chosen_by_hand_is_ranked_not_praised() -> None:
    row = model_choice({"phone": "seasonal_naive"}, _backtest()).iloc[0]
    assert row["why"] == "chosen by hand; ranks 3 of 3 in the backtest (WAPE 19.22 %)"


def test_without_a_backtest_the_choice_says_so() -> None:
    row = model_choice({"phone": "daily_profile"}, None).iloc[0]
    assert "too short to backtest" in row["why"]
    assert np.isnan(row["wape"])
