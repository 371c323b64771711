from __future__ import annotations

import numpy as np
import pytest
from statsforecast.models import Naive

from forecasts.models import (
    DAILY_PROFILE,
    MODEL_NAMES,
    DailyProfile,
    RecentWindow,
    intervals_per_day,
    make_models,
)
from forecasts.schema import ForecastError


def test_daily_profile_spreads_the_same_weekday_mean_over_the_pooled_profile() -> None:
    # 2 intervals a day, 8 weeks; weekday k has total 10 * (k + 1), split 1:3.
    day_totals = np.tile(10.0 * np.arange(1, 8), 8)
    y = np.column_stack([day_totals * 0.25, day_totals * 0.75]).ravel()
    mean = DailyProfile(2).forecast(y, h=14)["mean"]
    expected = np.column_stack(
        [10.0 * np.arange(1, 8) * 0.25, 10.0 * np.arange(1, 8) * 0.75]
    ).ravel()
    np.testing.assert_allclose(mean, expected)


def test_daily_profile_follows_a_level_shift_within_level_weeks() -> None:
    y = np.concatenate([np.full(4 * 7 * 2, 1.0), np.full(4 * 7 * 2, 3.0)])
    mean = DailyProfile(2, level_weeks=4).forecast(y, h=2)["mean"]
    np.testing.assert_allclose(mean, [3.0, 3.0])


def test_recent_window_passes_only_the_last_values() -> None:
    model = RecentWindow(Naive(), 3, alias="naive3").new()
    assert model.forecast(np.array([5.0, 1.0, 2.0, 7.0]), h=2)["mean"].tolist() == [
        7.0,
        7.0,
    ]


def test_make_models_builds_every_named_model_with_its_alias() -> None:
    assert [model.alias for model in make_models(MODEL_NAMES, 30)] == list(MODEL_NAMES)


def test_make_models_rejects_an_unknown_name_listing_the_choices() -> None:
    with pytest.raises(
        ForecastError, match=r"unknown model\(s\) \['prophet'\].*'auto'"
    ):
        make_models(["prophet", DAILY_PROFILE], 30)


def test_intervals_per_day_rejects_an_interval_that_does_not_divide_a_day() -> None:
    assert intervals_per_day(15) == 96
    with pytest.raises(ForecastError, match="7 does not divide a day"):
        intervals_per_day(7)
