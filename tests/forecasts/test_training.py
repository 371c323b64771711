from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasts.schema import ForecastError, to_long
from forecasts.special_days import SpecialDay
from forecasts.synthetic import contact_rates
from forecasts.training import Preparation, clean_days, predict, preparation_for
from tests.conftest import MONDAY

FI_HOLIDAY = dt.date(2025, 1, 6)  # Epiphany (loppiainen), a Monday


def _rates_history(spec, start: dt.date, weeks: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return contact_rates(spec, start, weeks * 7)


def test_clean_days_replaces_a_special_day_by_neighbouring_same_weekdays() -> None:
    days = np.ones((28, 2))
    days[14] = [0.0, 0.0]
    days[7] = [2.0, 2.0]
    special = {dt.date(2025, 1, 15): SpecialDay(dt.date(2025, 1, 15), "holiday")}
    cleaned = clean_days(days, dt.date(2025, 1, 1), special, None)
    np.testing.assert_allclose(cleaned[14], [1.5, 1.5])  # mean of days 7 and 21
    np.testing.assert_allclose(cleaned[:14].sum(), days[:14].sum())


def test_clean_days_flags_an_outlier_day_beyond_the_threshold() -> None:
    days = np.ones((35, 4))
    days[21] = 3.0
    cleaned = clean_days(days, dt.date(2025, 1, 1), {}, 0.35)
    np.testing.assert_allclose(cleaned[21], 1.0)
    np.testing.assert_allclose(clean_days(days, dt.date(2025, 1, 1), {}, None), days)


def test_a_holiday_dip_is_kept_out_of_the_profile(small_spec) -> None:  # type: ignore[no-untyped-def]
    start = dt.date(2024, 12, 30)
    history = _rates_history(small_spec, start, 4)
    dip = history["interval_start"].dt.date == FI_HOLIDAY
    history.loc[dip, "contacts"] = 0.0
    long = to_long(history)
    origin = pd.Timestamp("2025-01-27")
    kwargs = {"horizon_days": 1, "interval_minutes": 60, "models": ["mean4"]}
    plain = predict(
        long, origin, preparation=Preparation(outlier_threshold=None), **kwargs
    )
    holidays = preparation_for(
        start, origin.date(), country="FI", outlier_threshold=None
    )
    cleaned = predict(long, origin, preparation=holidays, **kwargs)
    monday = contact_rates(small_spec, origin.date(), 1)
    phone = (plain["unique_id"] == "phone").to_numpy()
    truth = monday["contacts"][monday["channel"] == "phone"].sum()
    assert plain["mean4"][phone].sum() == pytest.approx(0.75 * truth)
    assert cleaned["mean4"][phone].sum() == pytest.approx(truth)


def test_a_holiday_in_the_horizon_is_forecast_like_the_quietest_weekday(
    small_spec,
) -> None:  # type: ignore[no-untyped-def]
    history = _rates_history(small_spec, dt.date(2024, 12, 2), 5)
    holidays = preparation_for(dt.date(2024, 12, 2), dt.date(2025, 1, 12), country="FI")
    forecast = predict(
        to_long(history), pd.Timestamp("2025-01-06"), 7, 60, ["mean4"], holidays
    )
    phone = forecast[forecast["unique_id"] == "phone"]
    by_day = phone.groupby(phone["ds"].dt.date)["mean4"].sum()
    assert by_day[FI_HOLIDAY] == 0.0  # phone is closed on Sundays
    assert by_day[dt.date(2025, 1, 7)] > 1000


def test_user_multipliers_and_closures_apply_to_the_horizon(small_history) -> None:  # type: ignore[no-untyped-def]
    origin = pd.Timestamp(MONDAY) + pd.Timedelta(weeks=8)
    tuesday, wednesday = (origin + pd.Timedelta(days=d) for d in (1, 2))
    special = (
        SpecialDay(tuesday.date(), "multiplier", 2.0, "phone"),
        SpecialDay(wednesday.date(), "closed", 0.0),
    )
    long = to_long(small_history)
    base = predict(long, origin, 3, 60, ["mean4"], Preparation())
    adjusted = predict(
        long, origin, 3, 60, ["mean4"], Preparation(special_days=special)
    )
    day = base["ds"].dt.normalize()
    phone = base["unique_id"] == "phone"
    np.testing.assert_allclose(
        adjusted["mean4"][phone & (day == tuesday)],
        2 * base["mean4"][phone & (day == tuesday)],
    )
    assert adjusted["mean4"][day == wednesday].sum() == 0.0
    np.testing.assert_allclose(
        adjusted["mean4"][day == origin], base["mean4"][day == origin]
    )


def test_predict_rejects_less_than_a_week_of_history(small_history) -> None:  # type: ignore[no-untyped-def]
    short = to_long(small_history[small_history["interval_start"] < "2025-01-10"])
    with pytest.raises(
        ForecastError, match=r"'email' has 4 whole day\(s\).*at least 7"
    ):
        predict(short, pd.Timestamp("2025-01-10"), 1, 60, ["mean4"], Preparation())


def test_predict_rejects_a_start_that_is_not_midnight(small_history) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ForecastError, match="not a midnight"):
        predict(
            to_long(small_history),
            pd.Timestamp("2025-03-03 08:00"),
            1,
            60,
            ["mean4"],
            Preparation(),
        )
