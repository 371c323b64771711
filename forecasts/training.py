"""Training data preparation and point forecasts shared by forecasts and backtests.

Before any model is fitted, each channel's history is cut to whole days and its
special days (holidays, user closures and multipliers) and outlier days (a daily
total far from the same weekday's median in the surrounding weeks) are replaced by
the mean of the nearest ordinary same weekdays, so they do not distort the
profiles. After forecasting, special days in the horizon are applied.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import SeasonalNaive

from forecasts.models import DAYS_PER_WEEK, FloatArray, intervals_per_day, make_models
from forecasts.schema import DS, UNIQUE_ID, ForecastError, Y
from forecasts.special_days import SpecialDay, public_holidays

logger = logging.getLogger(__name__)

NEIGHBOUR_WEEKS = 4
"""Same weekdays looked at on each side to judge and replace an unusual day."""


@dataclass(frozen=True)
class Preparation:
    """How training history is cleaned and special days applied.

    Parameters
    ----------
    special_days : tuple of SpecialDay
        Holidays and user special days (training and horizon).
    outlier_threshold : float or None
        A day whose total differs from the median of the surrounding same weekdays
        by more than this fraction (0.35 = 35 %) is treated as an outlier and kept
        out of training. None keeps every ordinary day.
    """

    special_days: tuple[SpecialDay, ...] = ()
    outlier_threshold: float | None = 0.35

    def __post_init__(self) -> None:
        if self.outlier_threshold is not None and self.outlier_threshold <= 0:
            raise ForecastError(
                f"outlier_threshold={self.outlier_threshold} must be > 0 (e.g. 0.35) "
                "or None to keep every day"
            )

    def days_for(self, channel: str) -> dict[dt.date, SpecialDay]:
        """Return the special days that affect ``channel``, by date."""
        return {day.date: day for day in self.special_days if day.applies_to(channel)}


MIN_HISTORY_DAYS = DAYS_PER_WEEK


def predict(
    long: pd.DataFrame,
    origin: pd.Timestamp,
    horizon_days: int,
    interval_minutes: int,
    models: Sequence[str],
    preparation: Preparation,
) -> pd.DataFrame:
    """Forecast every channel from the history before ``origin``.

    Parameters
    ----------
    long : DataFrame
        History as ``unique_id, ds, y`` (tz-naive local time).
    origin : Timestamp
        First forecast interval; must be a midnight.
    horizon_days : int
        Days to forecast.
    interval_minutes : int
        Interval length in minutes.
    models : sequence of str
        Model names (see :mod:`forecasts.models`).
    preparation : Preparation
        Special days and outlier rule.

    Returns
    -------
    DataFrame
        ``unique_id, ds`` and one column of contacts per model, for every interval
        of the horizon, >= 0, special days applied.

    Raises
    ------
    ForecastError
        If a channel has less than a week of whole days before ``origin``.
    """
    if origin != origin.normalize():
        raise ForecastError(
            f"forecast start {origin} is not a midnight; forecasts start at 00:00"
        )
    per_day = intervals_per_day(interval_minutes)
    train = long[long[DS] < origin]
    cleaned, rest_days, closed, gaps = [], {}, {}, {}
    for channel, group in train.groupby(UNIQUE_ID, sort=True):
        days, first_day = _whole_days(group, per_day, str(channel), origin)
        special = preparation.days_for(str(channel))
        days = clean_days(days, first_day, special, preparation.outlier_threshold)
        rest_days[channel] = _rest_day_curve(days)
        closed[channel] = _closed_mask(days)
        gaps[channel] = (origin.date() - first_day).days - days.shape[0]
        cleaned.append(_to_long(str(channel), days, first_day, interval_minutes))
    if not cleaned:
        raise ForecastError(f"no history before the forecast start {origin}")
    per_week = DAYS_PER_WEEK * per_day
    engine = StatsForecast(
        models=make_models(models, interval_minutes),
        freq=f"{interval_minutes}min",
        fallback_model=SeasonalNaive(per_week),
    )
    result = engine.forecast(
        df=pd.concat(cleaned, ignore_index=True),
        h=(max(gaps.values()) + horizon_days) * per_day,
    )
    end = origin + pd.Timedelta(days=horizon_days)
    result = result[(result[DS] >= origin) & (result[DS] < end)]
    result = result.reset_index(drop=True)
    for channel in rest_days:
        rows = (result[UNIQUE_ID] == channel).to_numpy()
        block = result.loc[rows, list(models)].to_numpy(dtype=float)
        block = block.reshape(horizon_days, per_day, len(models))
        _apply_horizon(
            block,
            origin,
            preparation.days_for(str(channel)),
            rest_days[channel],
            closed[channel],
            gaps[channel],
        )
        result.loc[rows, list(models)] = block.reshape(-1, len(models))
    return result


def _whole_days(
    group: pd.DataFrame, per_day: int, channel: str, origin: pd.Timestamp
) -> tuple[FloatArray, dt.date]:
    stamps = group[DS]
    first = stamps.iloc[0]
    start = (
        first
        if first == first.normalize()
        else first.normalize() + pd.Timedelta(days=1)
    )
    kept = group[stamps >= start]
    n_days = len(kept) // per_day
    if n_days < MIN_HISTORY_DAYS:
        raise ForecastError(
            f"channel {channel!r} has {n_days} whole day(s) of history before "
            f"{origin}; forecasting needs at least {MIN_HISTORY_DAYS}"
        )
    values = kept[Y].to_numpy(dtype=float)[: n_days * per_day]
    return values.reshape(n_days, per_day), start.date()


def clean_days(
    days: FloatArray,
    first_day: dt.date,
    special: dict[dt.date, SpecialDay],
    outlier_threshold: float | None,
) -> FloatArray:
    """Replace special and outlier days by the mean of nearby ordinary same weekdays.

    Parameters
    ----------
    days : ndarray of shape (n_days, intervals_per_day)
        Contacts per interval, one row per day.
    first_day : datetime.date
        Date of the first row.
    special : dict of date to SpecialDay
        Special days of this channel.
    outlier_threshold : float or None
        Relative deviation of a day's total from the median of its neighbouring
        same weekdays beyond which the day is an outlier; None disables.

    Returns
    -------
    ndarray
        A cleaned copy of ``days``.
    """
    n_days = days.shape[0]
    dates = [first_day + dt.timedelta(days=i) for i in range(n_days)]
    unusual = np.array([date in special for date in dates])
    totals = days.sum(axis=1)
    if outlier_threshold is not None:
        for i in range(n_days):
            others = [j for j in _neighbours(i, n_days) if not unusual[j]]
            if len(others) >= 2:
                median = float(np.median(totals[others]))
                if median > 0 and abs(totals[i] / median - 1) > outlier_threshold:
                    unusual[i] = True
    outliers = [dates[i] for i in np.flatnonzero(unusual) if dates[i] not in special]
    if outliers:
        logger.debug("outlier days kept out of training: %s", outliers)
    cleaned = days.copy()
    for i in map(int, np.flatnonzero(unusual)):
        ordinary = sorted(
            (j for j in _neighbours(i, n_days) if not unusual[j]),
            key=lambda j: abs(j - i),
        )
        if ordinary:
            cleaned[i] = days[ordinary[:2]].mean(axis=0)
    return cleaned


def _neighbours(i: int, n_days: int) -> list[int]:
    span = DAYS_PER_WEEK * NEIGHBOUR_WEEKS
    return [
        j
        for j in range(i - span, i + span + 1, DAYS_PER_WEEK)
        if 0 <= j < n_days and j != i
    ]


def _rest_day_curve(days: FloatArray) -> FloatArray:
    """Mean recent day of the quietest weekday: how a public holiday looks."""
    recent = days[-DAYS_PER_WEEK * NEIGHBOUR_WEEKS :]
    totals = recent.sum(axis=1)
    slot = min(range(DAYS_PER_WEEK), key=lambda s: totals[s::DAYS_PER_WEEK].mean())
    result: FloatArray = recent[slot::DAYS_PER_WEEK].mean(axis=0)
    return result


def _closed_mask(days: FloatArray) -> FloatArray:
    """Weekly pattern (7, intervals_per_day) of intervals with no recent contacts.

    Row ``k`` is the weekday ``k`` days after the last history day's weekday + 1,
    i.e. row 0 is the weekday of the first day after the history.
    """
    n_days = days.shape[0]
    rows = []
    for ahead in range(DAYS_PER_WEEK):
        same = np.arange((n_days + ahead) % DAYS_PER_WEEK, n_days, DAYS_PER_WEEK)
        rows.append(days[same[-NEIGHBOUR_WEEKS:]].max(axis=0) == 0)
    return np.array(rows, dtype=float)


def _apply_horizon(
    block: FloatArray,
    origin: pd.Timestamp,
    special: dict[dt.date, SpecialDay],
    rest_day: FloatArray,
    closed: FloatArray,
    gap_days: int,
) -> None:
    """Clip, zero closed intervals and apply special days, in place.

    ``block`` has shape (horizon_days, intervals_per_day, n_models).
    """
    np.clip(block, 0.0, None, out=block)
    for day in range(block.shape[0]):
        block[day][closed[(gap_days + day) % DAYS_PER_WEEK] > 0] = 0.0
        date = (origin + pd.Timedelta(days=day)).date()
        if date not in special:
            continue
        what = special[date]
        if what.kind == "holiday":
            block[day] = rest_day[:, None]
        else:
            block[day] *= what.multiplier


def _to_long(
    channel: str, days: FloatArray, first_day: dt.date, interval_minutes: int
) -> pd.DataFrame:
    stamps = pd.date_range(
        pd.Timestamp(first_day), periods=days.size, freq=f"{interval_minutes}min"
    )
    return pd.DataFrame({UNIQUE_ID: channel, DS: stamps, Y: days.ravel()})


def preparation_for(
    first: dt.date,
    last: dt.date,
    *,
    country: str | None = None,
    special_days: Sequence[SpecialDay] = (),
    outlier_threshold: float | None = 0.35,
) -> Preparation:
    """Combine a country's public holidays with user special days.

    Parameters
    ----------
    first, last : datetime.date
        Dates covered (history start to forecast end).
    country : str, optional
        ISO 3166 code for public holidays; None for none.
    special_days : sequence of SpecialDay
        User special days; they take precedence over a holiday on the same date.
    outlier_threshold : float or None
        See :class:`Preparation`.

    Returns
    -------
    Preparation
    """
    holidays = () if country is None else public_holidays(country, first, last)
    user_dates = {(day.date, day.channel) for day in special_days}
    merged = [day for day in holidays if (day.date, None) not in user_dates] + list(
        special_days
    )
    return Preparation(
        special_days=tuple(sorted(merged, key=lambda day: day.date)),
        outlier_threshold=outlier_threshold,
    )
