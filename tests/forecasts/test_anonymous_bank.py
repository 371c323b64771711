from __future__ import annotations

import datetime as dt

import pytest

from forecasts.anonymous_bank import (
    CALL_LOG_FILE,
    SERIES_FILE,
    load_anonymous_bank,
    read_call_log,
    read_calls,
    read_calls_6min,
    source_notes,
)
from forecasts.backtest import run_backtest
from forecasts.schema import AHT_S, CONTACTS, INTERVAL_START, to_long
from forecasts.training import Preparation, preparation_for

pytestmark = pytest.mark.skipif(
    not SERIES_FILE.exists(), reason="shared/data/anonymous_bank_1999 not available"
)


def test_the_6_minute_series_covers_181_days_of_240_intervals() -> None:
    series = read_calls_6min()
    assert len(series) == 181 * 240
    assert series[INTERVAL_START].iloc[0].isoformat() == "1999-01-01T00:00:00"
    assert series[CONTACTS].sum() == pytest.approx(214234.5)


def test_source_notes_name_the_imputed_and_altered_days() -> None:
    notes = source_notes()
    assert sorted(notes) == [
        dt.date(1999, 1, 11),
        dt.date(1999, 1, 12),
        dt.date(1999, 5, 23),
    ]
    assert notes[dt.date(1999, 1, 11)].startswith("imputed")


def test_the_call_log_reproduces_the_series_counts_for_january_4() -> None:
    log = read_call_log(CALL_LOG_FILE)
    day = log[log[INTERVAL_START].dt.date == dt.date(1999, 1, 4)]
    assert day[CONTACTS].sum() == 1834
    served = day[AHT_S].dropna()
    assert 100 < served.mean() < 300


def test_the_call_log_reads_as_one_row_per_call_with_its_times() -> None:
    calls = read_calls(CALL_LOG_FILE)
    assert len(calls) == 31599
    assert calls["outcome"].value_counts().to_dict() == {
        "AGENT": 27060,
        "HANG": 4299,
        "PHANTOM": 240,
    }
    # 3101 callers hung up while queued; the rest of the hang-ups left the VRU.
    hung = calls["outcome"] == "HANG"
    assert int((hung & calls["queued"].notna()).sum()) == 3101
    timed = calls.dropna(subset=["service_start"])
    assert len(timed) == 27018  # 42 served calls have no service times
    took = (timed["service_end"] - timed["service_start"]).dt.total_seconds()
    assert (took == timed["service_s"]).all()
    # Calls served across midnight end on the next day.
    assert int((timed["service_end"].dt.date > timed["arrival"].dt.date).sum()) == 24
    assert (timed["service_start"] >= timed["arrival"]).all()


def test_load_anonymous_bank_aggregates_to_30_minutes_with_january_aht() -> None:
    history = load_anonymous_bank(30)
    assert len(history) == 181 * 48
    assert history[CONTACTS].sum() == pytest.approx(214234.5)
    office = history[INTERVAL_START].dt.hour.between(9, 17)
    monday = history[office & (history[INTERVAL_START].dt.date == dt.date(1999, 1, 4))]
    assert monday[AHT_S].between(30, 900).all()
    assert 120 < monday[AHT_S].median() < 240
    assert history[history[INTERVAL_START] >= "1999-02-01"][AHT_S].isna().all()


@pytest.mark.slow
def test_holiday_aware_profiles_beat_seasonal_naive_by_20_percent_on_the_bank() -> None:
    history = load_anonymous_bank(30, call_log_path=None)
    long = to_long(history)
    raw = run_backtest(
        long,
        30,
        ["seasonal_naive"],
        Preparation(outlier_threshold=None),
        folds=12,
        score_hours=(7, 24),
    )
    cleaned = run_backtest(
        long,
        30,
        ["daily_profile"],
        preparation_for(dt.date(1999, 1, 1), dt.date(1999, 6, 30), country="IL"),
        folds=12,
        score_hours=(7, 24),
    )
    assert cleaned.errors["wape"].iloc[0] < 0.8 * raw.errors["wape"].iloc[0]
