"""Forecast accuracy and speed benchmark (issue 3).

Accuracy: the real Anonymous Bank call series (``../shared/data/anonymous_bank_1999``),
aggregated to 30-minute intervals; rolling weekly origins over the last 12 weeks
(``--smoke``: 2), 7-day horizon, WAPE over intervals starting 07:00-24:00. Baselines
(``seasonal_naive``, ``mean4``, ``mstl``) are the plain models on the raw history;
the profile models and ``auto`` keep Israeli public holidays and outlier days out of
training and forecast holidays like the quietest weekday. ``auto`` picks its model per
fold from a backtest on that fold's training data only.

Speed: one ``auto`` forecast of 26 weeks of synthetic history, 4 channels, 15-minute
intervals (``--smoke``: 8 weeks).

Prints one JSON line per case.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from forecasts.anonymous_bank import CALL_LOG_FILE, SERIES_FILE, load_anonymous_bank
from forecasts.backtest import backtest_origins, run_backtest
from forecasts.core import forecast
from forecasts.models import (
    AUTO,
    DAILY_PROFILE,
    ETS_DAILY_PROFILE,
    MEAN4,
    MSTL_NAME,
    SEASONAL_NAIVE,
)
from forecasts.schema import CONTACTS, DS, INTERVAL_START, to_long
from forecasts.synthetic import HistorySpec, generate_history
from forecasts.training import Preparation, preparation_for

INTERVAL_MINUTES = 30
HORIZON_DAYS = 7
SCORE_HOURS = (7, 24)
COUNTRY = "IL"


def emit(**fields: object) -> None:
    """Print one JSON line."""
    print(json.dumps(fields), flush=True)


def accuracy(folds: int, data: Path) -> None:
    """Score the baselines, the profile models and ``auto`` on the bank's calls."""
    history = load_anonymous_bank(
        INTERVAL_MINUTES,
        series_path=data,
        call_log_path=data.with_name(CALL_LOG_FILE.name),
    )
    long = to_long(history)
    first, last = long[DS].min().date(), long[DS].max().date()
    raw = Preparation(outlier_threshold=None)
    cleaned = preparation_for(first, last, country=COUNTRY)
    cases = (
        (SEASONAL_NAIVE, SEASONAL_NAIVE, raw),
        (MEAN4, MEAN4, raw),
        (MSTL_NAME, MSTL_NAME, raw),
        (f"{SEASONAL_NAIVE}+holidays", SEASONAL_NAIVE, cleaned),
        (f"{MEAN4}+holidays", MEAN4, cleaned),
        (DAILY_PROFILE, DAILY_PROFILE, cleaned),
        (ETS_DAILY_PROFILE, ETS_DAILY_PROFILE, cleaned),
    )
    for name, model, preparation in cases:
        started = time.perf_counter()
        result = run_backtest(
            long,
            INTERVAL_MINUTES,
            [model],
            preparation,
            folds=folds,
            horizon_days=HORIZON_DAYS,
            score_hours=SCORE_HOURS,
        )
        seconds = time.perf_counter() - started
        row = result.errors.iloc[0]
        emit(
            model=name,
            wape=round(float(row["wape"]), 4),
            mase=round(float(row["mase"]), 4),
            bias=round(float(row["bias"]), 4),
            seconds=round(seconds, 3),
            folds=int(row["folds"]),
            training="raw history" if preparation is raw else "IL holidays",
        )
    emit(**auto_accuracy(history, folds))


def auto_accuracy(history: pd.DataFrame, folds: int) -> dict[str, object]:
    """Run ``auto`` from each origin with only the history before it."""
    long = to_long(history)
    absolute_error = actual_total = 0.0
    picks: dict[str, int] = {}
    started = time.perf_counter()
    for origin in backtest_origins(long, folds, HORIZON_DAYS):
        train = history[history[INTERVAL_START] < origin]
        result = forecast(
            train, origin, HORIZON_DAYS, INTERVAL_MINUTES, AUTO, country=COUNTRY
        )
        pick = result.model_by_channel["phone"]
        picks[pick] = picks.get(pick, 0) + 1
        actual = history[
            (history[INTERVAL_START] >= origin)
            & (history[INTERVAL_START] < origin + pd.Timedelta(days=HORIZON_DAYS))
        ]
        hours = actual[INTERVAL_START].dt.hour
        scored = ((hours >= SCORE_HOURS[0]) & (hours < SCORE_HOURS[1])).to_numpy()
        error = result.frame[CONTACTS].to_numpy() - actual[CONTACTS].to_numpy()
        absolute_error += float(np.abs(error[scored]).sum())
        actual_total += float(actual[CONTACTS].to_numpy()[scored].sum())
    return {
        "model": AUTO,
        "wape": round(absolute_error / actual_total, 4),
        "seconds": round(time.perf_counter() - started, 3),
        "folds": folds,
        "picks": picks,
        "training": "IL holidays",
    }


def speed(weeks: int) -> None:
    """Time one ``auto`` forecast of 4 channels at 15-minute intervals."""
    spec = HistorySpec(interval_minutes=15)
    start = pd.Timestamp("2025-07-07")
    history = generate_history(spec, start.date(), weeks, seed=7)
    origin = start + pd.Timedelta(weeks=weeks)
    started = time.perf_counter()
    result = forecast(history, origin, HORIZON_DAYS, 15, AUTO)
    seconds = time.perf_counter() - started
    emit(
        model="speed_auto_4ch_15min",
        history_weeks=weeks,
        channels=len(spec.channels),
        rows=len(result.frame),
        seconds=round(seconds, 3),
        bar_seconds=10,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; ``--smoke`` runs a small version for CI."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="2 folds, short history")
    parser.add_argument("--data", type=Path, default=SERIES_FILE)
    args = parser.parse_args(argv)
    if args.data.exists():
        accuracy(2 if args.smoke else 12, args.data)
    else:
        emit(model="accuracy", skipped=f"{args.data} not found")
    speed(8 if args.smoke else 26)
    return 0


if __name__ == "__main__":
    sys.exit(main())
