"""Forecasting models, in statsforecast's model interface.

Every model here is either a statsforecast model or a small class with the same
interface (``alias``, ``new()``, ``forecast(y, h, X, X_future, level, fitted)``
returning ``{"mean": array}``), so all of them run through
``statsforecast.StatsForecast`` on the long ``unique_id, ds, y`` frame.

Series given to the models start at midnight and hold whole days, so a position's
day and time of day follow from its index.

Models (by name, see :func:`make_models`):

``seasonal_naive``
    The same interval one week earlier.
``mean4``
    Mean of the same interval over the last 4 same weekdays.
``mstl``
    MSTL with daily and weekly seasonality and an AutoETS trend, fitted on the last
    8 weeks (MSTL is slow on long high-frequency series).
``daily_profile``
    Daily total = mean of the last 4 same weekdays' totals, spread over the day by
    the weekday's intraday profile averaged over the last 8 weeks. Less noisy than
    interval-level models for low-volume channels.
``ets_daily_profile``
    As ``daily_profile`` but the daily totals come from AutoETS with weekly
    seasonality, which follows trends and level shifts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from statsforecast.models import (
    MSTL,
    AutoETS,
    SeasonalNaive,
    SeasonalWindowAverage,
)

from forecasts.schema import MINUTES_PER_DAY, ForecastError

FloatArray = NDArray[np.float64]
DAYS_PER_WEEK = 7

SEASONAL_NAIVE = "seasonal_naive"
MEAN4 = "mean4"
MSTL_NAME = "mstl"
DAILY_PROFILE = "daily_profile"
ETS_DAILY_PROFILE = "ets_daily_profile"
MODEL_NAMES = (SEASONAL_NAIVE, MEAN4, MSTL_NAME, DAILY_PROFILE, ETS_DAILY_PROFILE)
AUTO = "auto"
AUTO_CANDIDATES = (SEASONAL_NAIVE, MEAN4, DAILY_PROFILE, ETS_DAILY_PROFILE)
"""Models ``auto`` chooses from. MSTL is left out: on the Anonymous Bank data it is
less accurate than the profile models and too slow for interactive use at 15-minute
intervals (about 2 s per channel-week fit); ask for it by name."""

MSTL_WEEKS = 8


class DailyProfile:
    """Forecast daily totals, then spread them by a weekday's intraday profile.

    Parameters
    ----------
    intervals_per_day : int
        Intervals in a day (48 for 30-minute intervals).
    level_weeks : int
        Same weekdays averaged for the daily total (ignored with ``daily_model``).
    profile_weeks : int
        Same weekdays whose intervals are pooled into the intraday profile.
    daily_model : statsforecast model, optional
        Model forecasting the series of daily totals (season 7); default: the mean
        of the last ``level_weeks`` same weekdays.
    alias : str
        Column name in statsforecast's output.
    """

    uses_exog = False

    def __init__(
        self,
        intervals_per_day: int,
        *,
        level_weeks: int = 4,
        profile_weeks: int = 8,
        daily_model: Any = None,
        alias: str = DAILY_PROFILE,
    ) -> None:
        self.intervals_per_day = intervals_per_day
        self.level_weeks = level_weeks
        self.profile_weeks = profile_weeks
        self.daily_model = daily_model
        self.alias = alias
        self.prediction_intervals = None

    def __repr__(self) -> str:
        return self.alias

    def new(self) -> DailyProfile:
        """Return an unfitted copy (statsforecast calls this per series)."""
        return DailyProfile(
            self.intervals_per_day,
            level_weeks=self.level_weeks,
            profile_weeks=self.profile_weeks,
            daily_model=self.daily_model,
            alias=self.alias,
        )

    def forecast(
        self,
        y: FloatArray,
        h: int,
        X: FloatArray | None = None,
        X_future: FloatArray | None = None,
        level: Sequence[int] | None = None,
        fitted: bool = False,
    ) -> dict[str, FloatArray]:
        """Forecast ``h`` intervals after ``y``.

        Parameters
        ----------
        y : ndarray
            Contacts per interval, whole days starting at midnight.
        h : int
            Intervals to forecast.
        X, X_future, level, fitted
            Part of statsforecast's interface; unused.

        Returns
        -------
        dict
            ``{"mean": ndarray of shape (h,)}`` in contacts per interval.
        """
        per_day = self.intervals_per_day
        days = np.asarray(y, dtype=float).reshape(-1, per_day)
        n_days = days.shape[0]
        h_days = math.ceil(h / per_day)
        totals = days.sum(axis=1)
        levels = self._daily_levels(totals, h_days)
        out = np.empty((h_days, per_day))
        for ahead in range(h_days):
            same = np.arange((n_days + ahead) % DAYS_PER_WEEK, n_days, DAYS_PER_WEEK)
            pooled = days[same[-self.profile_weeks :]].sum(axis=0)
            volume = pooled.sum()
            share = pooled / volume if volume > 0 else pooled
            out[ahead] = levels[ahead] * share
        return {"mean": out.ravel()[:h]}

    def _daily_levels(self, totals: FloatArray, h_days: int) -> FloatArray:
        n_days = totals.size
        if self.daily_model is not None:
            mean = self.daily_model.forecast(y=totals, h=h_days)["mean"]
            clipped: FloatArray = np.clip(np.asarray(mean, dtype=float), 0.0, None)
            return clipped
        levels = np.empty(h_days)
        for ahead in range(h_days):
            same = np.arange((n_days + ahead) % DAYS_PER_WEEK, n_days, DAYS_PER_WEEK)
            levels[ahead] = totals[same[-self.level_weeks :]].mean()
        return levels


class RecentWindow:
    """Fit a model on the most recent part of the series only.

    Parameters
    ----------
    model : statsforecast model
        The wrapped model.
    length : int
        Number of most recent observations passed to it.
    alias : str
        Column name in statsforecast's output.
    """

    uses_exog = False

    def __init__(self, model: Any, length: int, *, alias: str) -> None:
        self.model = model
        self.length = length
        self.alias = alias
        self.prediction_intervals = None

    def __repr__(self) -> str:
        return self.alias

    def new(self) -> RecentWindow:
        """Return an unfitted copy (statsforecast calls this per series)."""
        return RecentWindow(self.model.new(), self.length, alias=self.alias)

    def forecast(
        self,
        y: FloatArray,
        h: int,
        X: FloatArray | None = None,
        X_future: FloatArray | None = None,
        level: Sequence[int] | None = None,
        fitted: bool = False,
    ) -> dict[str, FloatArray]:
        """Forecast ``h`` steps from the last ``length`` values of ``y``."""
        result: dict[str, FloatArray] = self.model.forecast(y=y[-self.length :], h=h)
        return result


def intervals_per_day(interval_minutes: int) -> int:
    """Return the number of intervals in a day.

    Raises
    ------
    ForecastError
        If ``interval_minutes`` does not divide a day.
    """
    if interval_minutes <= 0 or MINUTES_PER_DAY % interval_minutes:
        raise ForecastError(
            f"interval_minutes={interval_minutes} does not divide a day; use e.g. "
            "15 or 30"
        )
    return MINUTES_PER_DAY // interval_minutes


def make_models(names: Sequence[str], interval_minutes: int) -> list[Any]:
    """Build statsforecast-compatible models by name.

    Parameters
    ----------
    names : sequence of str
        Names from :data:`MODEL_NAMES`.
    interval_minutes : int
        Interval length in minutes.

    Returns
    -------
    list
        Models whose ``alias`` is their name.

    Raises
    ------
    ForecastError
        For an unknown name.
    """
    per_day = intervals_per_day(interval_minutes)
    per_week = DAYS_PER_WEEK * per_day
    factories: dict[str, Callable[[], Any]] = {
        SEASONAL_NAIVE: lambda: SeasonalNaive(per_week, alias=SEASONAL_NAIVE),
        MEAN4: lambda: SeasonalWindowAverage(per_week, 4, alias=MEAN4),
        MSTL_NAME: lambda: RecentWindow(
            MSTL([per_day, per_week], trend_forecaster=AutoETS(model="ZZN")),
            MSTL_WEEKS * per_week,
            alias=MSTL_NAME,
        ),
        DAILY_PROFILE: lambda: DailyProfile(per_day),
        ETS_DAILY_PROFILE: lambda: DailyProfile(
            per_day,
            daily_model=AutoETS(season_length=DAYS_PER_WEEK),
            alias=ETS_DAILY_PROFILE,
        ),
    }
    unknown = [name for name in names if name not in factories]
    if unknown:
        raise ForecastError(
            f"unknown model(s) {unknown}; choose from {[AUTO, *MODEL_NAMES]}"
        )
    return [factories[name]() for name in names]
