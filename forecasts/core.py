"""Forecast contacts and handle time per channel and interval.

:func:`forecast` turns a validated history into the forecast frame of DESIGN
section 3 (``channel, interval_start, contacts, contacts_lo, contacts_hi,
aht_seconds``): every channel and interval of the horizon, closed intervals 0.

With ``model="auto"`` each channel gets the candidate model with the lowest
rolling-origin backtest error on its own history; the error table is returned with
the forecast so the choice can be checked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from forecasts.aht import forecast_aht
from forecasts.backtest import BacktestResult, run_backtest
from forecasts.models import AUTO, AUTO_CANDIDATES, DAILY_PROFILE, FloatArray
from forecasts.schema import (
    AHT_S,
    CHANNEL,
    CONTACTS,
    CONTACTS_HI,
    CONTACTS_LO,
    DS,
    FORECAST_COLUMNS,
    INTERVAL_START,
    UNIQUE_ID,
    ForecastError,
    Y,
    aggregate_history,
    infer_interval_minutes,
    to_long,
)
from forecasts.special_days import SpecialDay
from forecasts.training import Preparation, predict, preparation_for

logger = logging.getLogger(__name__)

AUTO_FOLDS = 4
"""Weekly folds of the backtest behind ``auto`` and the prediction intervals."""
DISPERSION_GRID = np.concatenate([[0.0], np.geomspace(1e-3, 1.0, 31)])
"""Candidate NB2 overdispersions (variance = mean + alpha * mean**2)."""


@dataclass(frozen=True)
class ForecastResult:
    """A forecast with the evidence behind it.

    Parameters
    ----------
    frame : DataFrame
        The forecast frame (:data:`forecasts.schema.FORECAST_COLUMNS`).
    model_by_channel : mapping of str to str
        The model used for each channel.
    dispersion : mapping of str to float
        Negative-binomial overdispersion ``alpha`` per channel (variance =
        mean + alpha * mean**2): the smallest whose intervals cover the wanted
        share of backtest actuals; 0 is Poisson.
    backtest : BacktestResult or None
        The backtest behind the model choice and intervals (None when the history
        was too short to backtest).
    """

    frame: pd.DataFrame
    model_by_channel: Mapping[str, str]
    dispersion: Mapping[str, float]
    backtest: BacktestResult | None


def forecast(
    history: pd.DataFrame,
    start: dt.date | str | pd.Timestamp,
    days: int,
    interval_minutes: int | None = None,
    model: str = AUTO,
    *,
    default_aht_s: Mapping[str, float] | None = None,
    country: str | None = None,
    special_days: Sequence[SpecialDay] = (),
    outlier_threshold: float | None = 0.35,
    level: int = 80,
) -> ForecastResult:
    """Forecast contacts, an interval and AHT for every channel and interval.

    Parameters
    ----------
    history : DataFrame
        Validated history (see :func:`forecasts.schema.load_history`).
    start : date, str or Timestamp
        First forecast day (the forecast starts at its midnight).
    days : int
        Days to forecast.
    interval_minutes : int, optional
        Plan interval in minutes; default the history's. Finer history is
        aggregated.
    model : str
        ``"auto"`` (best backtest model per channel) or a name from
        :data:`forecasts.models.MODEL_NAMES`.
    default_aht_s : mapping of str to float, optional
        Channel default AHT in seconds (see :func:`forecasts.aht.forecast_aht`).
    country : str, optional
        ISO 3166 code whose public holidays are special days.
    special_days : sequence of SpecialDay
        User special days.
    outlier_threshold : float or None
        See :class:`forecasts.training.Preparation`.
    level : int
        Prediction interval coverage in percent (80 gives ``contacts_lo`` and
        ``contacts_hi`` as the 10 % and 90 % quantiles).

    Returns
    -------
    ForecastResult
        ``.frame`` is the forecast frame; ``.model_by_channel`` and ``.backtest``
        explain it.

    Raises
    ------
    ForecastError
        For unusable inputs, with the fix.
    """
    if days < 1:
        raise ForecastError(f"days={days} must be at least 1")
    if not 0 < level < 100:
        raise ForecastError(f"level={level} must be between 0 and 100 (e.g. 80)")
    data_minutes = infer_interval_minutes(history)
    minutes = data_minutes if interval_minutes is None else interval_minutes
    history = aggregate_history(history, data_minutes, minutes)
    origin = _origin(start)
    long = to_long(history)
    preparation = preparation_for(
        long[DS].min().date(),
        (origin + pd.Timedelta(days=days)).date(),
        country=country,
        special_days=special_days,
        outlier_threshold=outlier_threshold,
    )
    candidates = list(AUTO_CANDIDATES) if model == AUTO else [model]
    evidence = _try_backtest(long, minutes, candidates, preparation)
    channels = sorted(long[UNIQUE_ID].unique())
    if evidence is None:
        fallback = DAILY_PROFILE if model == AUTO else model
        chosen = {channel: fallback for channel in channels}
        alphas = {channel: 0.0 for channel in channels}
    else:
        chosen = {channel: evidence.best[channel] for channel in channels}
        alphas = {
            channel: _dispersion(evidence.predictions, channel, chosen[channel], level)
            for channel in channels
        }
    for channel in channels:
        logger.info(
            "channel %s: model %s, dispersion %.3f",
            channel,
            chosen[channel],
            alphas[channel],
        )
    points = predict(
        long, origin, days, minutes, sorted(set(chosen.values())), preparation
    )
    model_of_row = points[UNIQUE_ID].map(chosen).to_numpy()
    mean = np.zeros(len(points))
    for name in set(chosen.values()):
        rows = model_of_row == name
        mean[rows] = points.loc[rows, name].to_numpy(dtype=float)
    alpha = points[UNIQUE_ID].map(alphas).to_numpy(dtype=float)
    tail = (100 - level) / 200
    frame = pd.DataFrame(
        {
            CHANNEL: points[UNIQUE_ID].astype(str),
            INTERVAL_START: points[DS],
            CONTACTS: mean,
            CONTACTS_LO: _quantile(tail, mean, alpha),
            CONTACTS_HI: _quantile(1 - tail, mean, alpha),
        }
    )
    frame[AHT_S] = forecast_aht(
        history.assign(**{INTERVAL_START: long_stamps(history)}),
        frame,
        default_aht_s=default_aht_s,
    )
    zone = history[INTERVAL_START].dt.tz
    if zone is not None:
        frame[INTERVAL_START] = frame[INTERVAL_START].dt.tz_localize(zone)
    return ForecastResult(
        frame=frame[list(FORECAST_COLUMNS)],
        model_by_channel=chosen,
        dispersion=alphas,
        backtest=evidence,
    )


def long_stamps(history: pd.DataFrame) -> pd.Series:
    """Return ``interval_start`` as tz-naive local wall-clock time."""
    stamps: pd.Series = history[INTERVAL_START]
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def _origin(start: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    try:
        origin = pd.Timestamp(start)
    except ValueError as error:
        raise ForecastError(
            f"start {start!r} is not a date; write it as YYYY-MM-DD"
        ) from error
    if origin.tz is not None:
        origin = origin.tz_localize(None)
    return origin


def _try_backtest(
    long: pd.DataFrame,
    interval_minutes: int,
    models: Sequence[str],
    preparation: Preparation,
) -> BacktestResult | None:
    try:
        return run_backtest(
            long,
            interval_minutes,
            models,
            preparation,
            folds=AUTO_FOLDS,
        )
    except ForecastError as error:
        logger.warning("no backtest (%s); intervals assume Poisson noise", error)
        return None


def _dispersion(
    predictions: pd.DataFrame, channel: str, model: str, level: int
) -> float:
    """Smallest NB2 overdispersion whose intervals cover ``level`` % of backtest.

    Calibrating on coverage rather than on squared errors keeps a few holiday
    misses from inflating every interval.
    """
    rows = predictions[predictions[UNIQUE_ID] == channel]
    mean = rows[model].to_numpy(dtype=float)
    actual = rows[Y].to_numpy(dtype=float)
    tail = (100 - level) / 200
    for alpha in DISPERSION_GRID:
        alphas = np.full_like(mean, alpha)
        inside = (actual >= _quantile(tail, mean, alphas)) & (
            actual <= _quantile(1 - tail, mean, alphas)
        )
        if inside.mean() >= level / 100:
            return float(alpha)
    return float(DISPERSION_GRID[-1])


def _quantile(q: float, mean: FloatArray, alpha: FloatArray) -> FloatArray:
    """Quantile ``q`` of a negative binomial with the given mean and alpha."""
    result = np.zeros_like(mean)
    positive = mean > 0
    poisson = positive & (alpha <= 0)
    result[poisson] = stats.poisson.ppf(q, mean[poisson])
    nb = positive & (alpha > 0)
    size = 1.0 / alpha[nb]
    result[nb] = stats.nbinom.ppf(q, size, size / (size + mean[nb]))
    return result
