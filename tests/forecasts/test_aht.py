from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasts.aht import forecast_aht
from forecasts.schema import ForecastError


def _history(aht: list[float | None], contacts: list[float]) -> pd.DataFrame:
    stamps = pd.date_range("2025-01-06 08:00", periods=len(aht), freq="7D")
    return pd.DataFrame(
        {
            "channel": "chat",
            "interval_start": stamps,
            "contacts": contacts,
            "aht_seconds": np.array(aht, dtype=float),
        }
    )


TARGET = pd.DataFrame(
    {"channel": ["chat"], "interval_start": [pd.Timestamp("2025-03-03 08:00")]}
)


def test_aht_is_contact_weighted_and_shrunk_to_the_default() -> None:
    history = _history([300.0, 600.0], [30.0, 10.0])
    aht = forecast_aht(
        history, TARGET, default_aht_s={"chat": 400.0}, prior_contacts=10.0
    )
    assert aht.iloc[0] == pytest.approx((300 * 30 + 600 * 10 + 400 * 10) / 50)


def test_aht_falls_back_to_the_default_where_history_is_blank() -> None:
    history = _history([None, None], [30.0, 10.0])
    aht = forecast_aht(history, TARGET, default_aht_s={"chat": 420.0})
    assert aht.iloc[0] == 420.0


def test_aht_without_data_or_default_names_the_channel() -> None:
    with pytest.raises(ForecastError, match=r"'chat' has no handle times.*default AHT"):
        forecast_aht(_history([None, None], [1.0, 1.0]), TARGET)


def test_aht_differs_by_time_of_day() -> None:
    stamps = pd.date_range("2025-01-06", periods=48 * 7 * 2, freq="30min")
    aht = np.where(stamps.hour < 12, 200.0, 500.0)
    history = pd.DataFrame(
        {
            "channel": "phone",
            "interval_start": stamps,
            "contacts": 100.0,
            "aht_seconds": aht,
        }
    )
    targets = pd.DataFrame(
        {
            "channel": "phone",
            "interval_start": pd.to_datetime(["2025-01-20 09:00", "2025-01-20 15:00"]),
        }
    )
    result = forecast_aht(history, targets)
    assert result.iloc[0] < 230
    assert result.iloc[1] > 470
