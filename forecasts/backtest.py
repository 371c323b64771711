"""Rolling-origin backtests: WAPE, MASE and bias per channel and model.

Origins are midnights one week apart, the last one ``horizon_days`` before the end
of the history; each fold trains on everything before its origin (cleaned as in
:mod:`forecasts.training`) and is scored on the raw actuals of its horizon.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasts.models import DAYS_PER_WEEK, MODEL_NAMES, intervals_per_day
from forecasts.schema import DS, UNIQUE_ID, ForecastError, Y, to_long
from forecasts.training import MIN_HISTORY_DAYS, Preparation, predict

logger = logging.getLogger(__name__)

FOLD = "fold"
ERROR_COLUMNS = ("channel", "model", "wape", "mase", "bias", "mae", "folds")


@dataclass(frozen=True)
class BacktestResult:
    """Errors of each model on each channel, and the best model per channel.

    Parameters
    ----------
    errors : DataFrame
        One row per channel and model: ``wape`` (sum of absolute errors over sum of
        actuals), ``mase`` (mean absolute error over the in-sample mean absolute
        error of the same-interval-last-week forecast), ``bias`` (sum of forecast
        minus actual over sum of actuals; > 0 means over-forecast), ``mae``
        (contacts per interval) and ``folds``. Sorted by channel, then ``mae``.
    best : mapping of str to str
        Channel to the model with the lowest ``mae`` (equivalently ``wape``).
    predictions : DataFrame
        ``unique_id, ds, fold, y`` and one column per model, for the scored
        intervals.
    """

    errors: pd.DataFrame
    best: Mapping[str, str]
    predictions: pd.DataFrame


def backtest_origins(
    long: pd.DataFrame, folds: int, horizon_days: int
) -> list[pd.Timestamp]:
    """Return up to ``folds`` weekly origins ending with the history's last horizon.

    Parameters
    ----------
    long : DataFrame
        History as ``unique_id, ds, y``.
    folds : int
        Wanted number of folds.
    horizon_days : int
        Days forecast from each origin.

    Returns
    -------
    list of Timestamp
        Oldest first; fewer than ``folds`` when the history is too short to keep at
        least a week of training before the first origin (logged).
    """
    stamps = long[DS].drop_duplicates().sort_values()
    end = (stamps.iloc[-1] + stamps.diff().min()).floor("D")
    first_day = long[DS].min().ceil("D")
    last = end - pd.Timedelta(days=horizon_days)
    origins = [last - pd.Timedelta(days=DAYS_PER_WEEK * k) for k in range(folds)]
    earliest = first_day + pd.Timedelta(days=MIN_HISTORY_DAYS)
    usable = [origin for origin in reversed(origins) if origin >= earliest]
    if len(usable) < folds:
        logger.warning("history allows %d of %d backtest folds", len(usable), folds)
    return usable


def run_backtest(
    long: pd.DataFrame,
    interval_minutes: int,
    models: Sequence[str],
    preparation: Preparation,
    *,
    folds: int = 8,
    horizon_days: int = 7,
    score_hours: tuple[int, int] = (0, 24),
) -> BacktestResult:
    """Backtest models on a ``unique_id, ds, y`` history.

    Parameters
    ----------
    long : DataFrame
        History as ``unique_id, ds, y`` (tz-naive local time).
    interval_minutes : int
        Interval length in minutes.
    models : sequence of str
        Model names.
    preparation : Preparation
        Special days and outlier rule used for training and the horizon.
    folds : int
        Weekly origins.
    horizon_days : int
        Days forecast from each origin.
    score_hours : tuple of int
        Only intervals starting at an hour in ``[start, end)`` are scored.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ForecastError
        If the history is too short for a single fold.
    """
    origins = backtest_origins(long, folds, horizon_days)
    if not origins:
        raise ForecastError(
            f"the history is too short to backtest a {horizon_days}-day horizon: "
            f"it needs at least {MIN_HISTORY_DAYS + horizon_days} whole days"
        )
    pieces = []
    for fold, origin in enumerate(origins):
        predicted = predict(
            long, origin, horizon_days, interval_minutes, models, preparation
        )
        predicted[FOLD] = fold
        pieces.append(predicted)
    predictions = pd.concat(pieces, ignore_index=True).merge(
        long, on=[UNIQUE_ID, DS], how="left"
    )
    hours = predictions[DS].dt.hour
    predictions = predictions[(hours >= score_hours[0]) & (hours < score_hours[1])]
    scales = _mase_scales(long[long[DS] < origins[0]], interval_minutes)
    errors = error_table(predictions, models, scales)
    best = {
        str(channel): str(group["model"].iloc[0])
        for channel, group in errors.groupby("channel", sort=True)
    }
    return BacktestResult(
        errors=errors, best=best, predictions=predictions.reset_index(drop=True)
    )


def backtest(
    history: pd.DataFrame,
    interval_minutes: int,
    *,
    models: Sequence[str] = MODEL_NAMES,
    preparation: Preparation | None = None,
    folds: int = 8,
    horizon_days: int = 7,
    score_hours: tuple[int, int] = (0, 24),
) -> BacktestResult:
    """Backtest models on a validated history frame.

    Parameters
    ----------
    history : DataFrame
        A history at ``interval_minutes`` (see :func:`forecasts.schema.load_history`).
    interval_minutes : int
        Interval length in minutes.
    models, preparation, folds, horizon_days, score_hours
        See :func:`run_backtest`; ``preparation`` defaults to no special days and
        the default outlier rule.

    Returns
    -------
    BacktestResult
    """
    return run_backtest(
        to_long(history),
        interval_minutes,
        models,
        Preparation() if preparation is None else preparation,
        folds=folds,
        horizon_days=horizon_days,
        score_hours=score_hours,
    )


def _mase_scales(train: pd.DataFrame, interval_minutes: int) -> dict[str, float]:
    lag = DAYS_PER_WEEK * intervals_per_day(interval_minutes)
    scales = {}
    for channel, group in train.groupby(UNIQUE_ID):
        values = group[Y].to_numpy(dtype=float)
        diffs = np.abs(values[lag:] - values[:-lag])
        scales[str(channel)] = float(diffs.mean()) if diffs.size else float("nan")
    return scales


def error_table(
    predictions: pd.DataFrame, models: Sequence[str], scales: Mapping[str, float]
) -> pd.DataFrame:
    """Compute WAPE, MASE, bias and MAE per channel and model.

    Parameters
    ----------
    predictions : DataFrame
        ``unique_id, y, fold`` and one column per model.
    models : sequence of str
        Model columns to score.
    scales : mapping of str to float
        MASE denominator per channel (contacts per interval).

    Returns
    -------
    DataFrame
        Columns :data:`ERROR_COLUMNS`, sorted by channel and ``mae``.
    """
    rows = []
    for channel, group in predictions.groupby(UNIQUE_ID, sort=True):
        actual = group[Y].to_numpy(dtype=float)
        total = actual.sum()
        for model in models:
            error = group[model].to_numpy(dtype=float) - actual
            mae = float(np.abs(error).mean())
            scale = scales.get(str(channel), float("nan"))
            rows.append(
                {
                    "channel": str(channel),
                    "model": model,
                    "wape": float(np.abs(error).sum() / total) if total else np.nan,
                    "mase": mae / scale if scale else np.nan,
                    "bias": float(error.sum() / total) if total else np.nan,
                    "mae": mae,
                    "folds": int(group[FOLD].nunique()),
                }
            )
    table = pd.DataFrame(rows, columns=list(ERROR_COLUMNS))
    return table.sort_values(["channel", "mae"], kind="stable", ignore_index=True)
