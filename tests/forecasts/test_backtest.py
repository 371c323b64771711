from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasts.backtest import backtest, backtest_origins, error_table, run_backtest
from forecasts.schema import DS, UNIQUE_ID, ForecastError, Y, to_long
from forecasts.training import Preparation


def _long(values: np.ndarray, minutes: int = 360) -> pd.DataFrame:
    stamps = pd.date_range("2025-01-06", periods=values.size, freq=f"{minutes}min")
    return pd.DataFrame({UNIQUE_ID: "phone", DS: stamps, Y: values})


def test_backtest_origins_are_weekly_and_end_with_the_last_horizon() -> None:
    long = _long(np.ones(4 * 7 * 4))  # 4 weeks of 6-hour intervals
    origins = backtest_origins(long, folds=8, horizon_days=7)
    # The first origin keeps a week of training before it.
    assert origins == [pd.Timestamp(f"2025-01-{day}") for day in (13, 20, 27)]


def test_error_table_computes_wape_mase_and_bias_by_hand() -> None:
    predictions = pd.DataFrame(
        {UNIQUE_ID: "phone", "fold": 0, Y: [10.0, 20.0], "m": [12.0, 15.0]}
    )
    row = error_table(predictions, ["m"], {"phone": 2.0}).iloc[0]
    assert row["wape"] == pytest.approx(7 / 30)
    assert row["bias"] == pytest.approx(-3 / 30)
    assert row["mae"] == pytest.approx(3.5)
    assert row["mase"] == pytest.approx(1.75)


def test_selection_picks_seasonal_naive_on_a_steadily_growing_series() -> None:
    # Each week is 10 % busier than the last: last week beats a 4-week average.
    weeks = 10
    shape = np.tile([1.0, 5.0, 8.0, 3.0], 7)
    values = np.concatenate([shape * 100 * 1.1**week for week in range(weeks)])
    result = run_backtest(
        _long(values),
        360,
        ["mean4", "seasonal_naive"],
        Preparation(outlier_threshold=None),
        folds=3,
    )
    assert result.best == {"phone": "seasonal_naive"}
    assert result.errors["model"].tolist() == ["seasonal_naive", "mean4"]
    assert result.errors["wape"].iloc[0] == pytest.approx(1 - 1 / 1.1)


def test_selection_picks_the_averaging_model_on_stationary_poisson_noise() -> None:
    rng = np.random.default_rng(11)
    rates = np.tile([5.0, 40.0, 60.0, 20.0], 7 * 12)
    result = run_backtest(
        _long(rng.poisson(rates).astype(float)),
        360,
        ["seasonal_naive", "mean4"],
        Preparation(outlier_threshold=None),
        folds=6,
    )
    assert result.best == {"phone": "mean4"}
    wape = result.errors.set_index("model")["wape"]
    assert wape["mean4"] < 0.85 * wape["seasonal_naive"]


def test_backtest_of_a_history_frame_reports_every_channel(small_history) -> None:  # type: ignore[no-untyped-def]
    result = backtest(small_history, 60, models=["mean4", "daily_profile"], folds=2)
    assert sorted(result.best) == ["email", "phone"]
    assert set(result.errors["folds"]) == {2}
    assert len(result.predictions) == 2 * 2 * 7 * 24


def test_backtest_needs_more_than_a_week_of_history() -> None:
    with pytest.raises(ForecastError, match=r"too short to backtest.*14 whole days"):
        run_backtest(_long(np.ones(4 * 10)), 360, ["mean4"], Preparation())


def test_to_long_feeds_backtest_with_unique_id_ds_y(small_history) -> None:  # type: ignore[no-untyped-def]
    assert list(to_long(small_history).columns) == [UNIQUE_ID, DS, Y]
