"""A planner's judgement on top of the forecast: per-day adjustments, and views.

A supervisor knows things the history does not: a campaign on Monday (+15 % calls),
a system outage, a public event. :func:`adjust_forecast` scales the contacts of
chosen days (and channels) by a factor; the 80 % band scales with them and handle
time is unchanged. The adjusted frame is an ordinary forecast frame, so everything
downstream (requirements, roster, evaluation) sees the adjustment.

:func:`chart_frame` and :func:`model_choice` turn a forecast and its history into
the small frames a person reads: history beside forecast with its band, and which
model each channel uses and why.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from forecasts.backtest import BacktestResult
from forecasts.schema import (
    CHANNEL,
    CONTACTS,
    CONTACTS_HI,
    CONTACTS_LO,
    INTERVAL_START,
    ForecastError,
)

Resolution = Literal["interval", "day"]
#: Columns of :func:`chart_frame`.
CHART_COLUMNS = ("time", "series", CONTACTS, CONTACTS_LO, CONTACTS_HI)
#: Columns of :func:`model_choice`.
CHOICE_COLUMNS = ("channel", "model", "wape", "runner_up", "runner_up_wape", "why")


@dataclass(frozen=True, slots=True)
class DayAdjustment:
    """Scale the contacts of one day by a factor.

    Attributes
    ----------
    date : datetime.date
        The local date whose intervals are scaled.
    factor : float
        Multiplier of contacts and of the 80 % band (``1.15`` is +15 %); ``>= 0``.
    channel : str or None
        The channel; ``None`` for every channel.
    reason : str
        Why, for people ("spring campaign mailing").
    """

    date: dt.date
    factor: float
    channel: str | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.factor) and self.factor >= 0):
            raise ForecastError(
                f"adjustment of {self.date}: factor {self.factor!r} must be a "
                "number >= 0 (1.15 is +15 %, 0.9 is -10 %)"
            )

    @property
    def percent_change(self) -> float:
        """The change as a fraction (``0.15`` for a factor of 1.15)."""
        return self.factor - 1.0

    def describe(self) -> str:
        """The adjustment in words, e.g. ``+15 % phone on Mon 2026-02-02``."""
        where = self.channel or "every channel"
        why = f" ({self.reason})" if self.reason else ""
        return (
            f"{100 * self.percent_change:+.0f} % {where} on {self.date:%a} "
            f"{self.date.isoformat()}{why}"
        )


def _local_dates(stamps: pd.Series) -> pd.Series:
    """Local calendar dates of ``interval_start`` (naive or tz-aware local times)."""
    dates: pd.Series = stamps.dt.date
    return dates


def adjust_forecast(
    frame: pd.DataFrame, adjustments: Sequence[DayAdjustment]
) -> pd.DataFrame:
    """The forecast with each day's contacts scaled by its adjustments.

    Several adjustments of the same day and channel multiply.

    Parameters
    ----------
    frame : pandas.DataFrame
        A forecast frame (``channel, interval_start, contacts`` and optionally
        ``contacts_lo, contacts_hi, aht_seconds``).
    adjustments : sequence of DayAdjustment
        What to scale.

    Returns
    -------
    pandas.DataFrame
        A new frame; ``contacts`` and the band scaled, everything else unchanged.

    Raises
    ------
    ForecastError
        When an adjustment names a channel the forecast does not have, or a date
        outside it.
    """
    out = frame.copy()
    if not adjustments:
        return out
    dates = _local_dates(out[INTERVAL_START])
    channels = set(out[CHANNEL])
    days = set(dates)
    scale = pd.Series(1.0, index=out.index)
    for adjustment in adjustments:
        if adjustment.channel is not None and adjustment.channel not in channels:
            raise ForecastError(
                f"adjustment {adjustment.describe()}: the forecast has no channel "
                f"{adjustment.channel!r} (channels: {', '.join(sorted(channels))})"
            )
        if adjustment.date not in days:
            raise ForecastError(
                f"adjustment {adjustment.describe()}: the date is outside the "
                f"forecast ({min(days)} to {max(days)}); pick a day of the week "
                "being planned"
            )
        rows = dates == adjustment.date
        if adjustment.channel is not None:
            rows &= out[CHANNEL] == adjustment.channel
        scale[rows] *= adjustment.factor
    for name in (CONTACTS, CONTACTS_LO, CONTACTS_HI):
        if name in out.columns:
            out[name] = out[name] * scale
    return out


def daily_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Contacts per channel and local date: ``channel, date, contacts``."""
    totals = (
        frame.assign(date=_local_dates(frame[INTERVAL_START]))
        .groupby([CHANNEL, "date"], sort=True)[CONTACTS]
        .sum()
    )
    return totals.reset_index()


def chart_frame(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    channel: str,
    *,
    history_days: int = 14,
    resolution: Resolution = "interval",
) -> pd.DataFrame:
    """History and forecast of one channel in one long frame, for a chart.

    Parameters
    ----------
    history : pandas.DataFrame
        The history (``channel, interval_start, contacts``).
    forecast : pandas.DataFrame
        The forecast frame (with ``contacts_lo, contacts_hi``).
    channel : str
        The channel to show.
    history_days : int
        How many days of history before the forecast to include.
    resolution : {"interval", "day"}
        Per plan interval, or summed per day.

    Returns
    -------
    pandas.DataFrame
        :data:`CHART_COLUMNS`: ``time`` (naive local time: the interval, or the
        day's midnight), ``series`` (``history`` or ``forecast``), ``contacts``
        and, for the forecast, the band ``contacts_lo, contacts_hi`` (NaN for
        history). With ``resolution="day"`` the band is the sum of the
        intervals' bounds, which is wider than the band of the day's total.

    Raises
    ------
    ForecastError
        For an unknown channel or resolution.
    """
    if resolution not in ("interval", "day"):
        raise ForecastError(f"resolution {resolution!r} is not 'interval' or 'day'")
    if channel not in set(forecast[CHANNEL]):
        raise ForecastError(
            f"the forecast has no channel {channel!r} (channels: "
            f"{', '.join(sorted(set(forecast[CHANNEL])))})"
        )
    ahead = forecast.loc[forecast[CHANNEL] == channel]
    ahead_start = _naive(ahead[INTERVAL_START]).min()
    past = history.loc[history[CHANNEL] == channel]
    past_times = _naive(past[INTERVAL_START])
    keep = (past_times >= ahead_start - pd.Timedelta(days=history_days)) & (
        past_times < ahead_start
    )
    parts = []
    for series, part, times in (
        ("history", past.loc[keep], past_times[keep]),
        ("forecast", ahead, _naive(ahead[INTERVAL_START])),
    ):
        rows = pd.DataFrame(
            {
                "time": times.to_numpy(),
                "series": series,
                CONTACTS: part[CONTACTS].to_numpy(dtype=float),
                CONTACTS_LO: part[CONTACTS_LO].to_numpy(dtype=float)
                if CONTACTS_LO in part and series == "forecast"
                else float("nan"),
                CONTACTS_HI: part[CONTACTS_HI].to_numpy(dtype=float)
                if CONTACTS_HI in part and series == "forecast"
                else float("nan"),
            }
        )
        if resolution == "day":
            rows = (
                rows.assign(time=rows["time"].dt.normalize())
                .groupby(["time", "series"], sort=True)
                .sum(min_count=1)
                .reset_index()
            )
        parts.append(rows)
    return pd.concat(parts, ignore_index=True)[list(CHART_COLUMNS)]


def _naive(stamps: pd.Series) -> pd.Series:
    """Local wall-clock times without a zone (charts show them as they are)."""
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def model_choice(
    model_by_channel: Mapping[str, str], backtest: BacktestResult | None
) -> pd.DataFrame:
    """Which model each channel uses, its backtest error and why it was chosen.

    Parameters
    ----------
    model_by_channel : Mapping
        Channel to model (``ForecastResult.model_by_channel``).
    backtest : BacktestResult or None
        The backtest behind the choice (``ForecastResult.backtest``).

    Returns
    -------
    pandas.DataFrame
        :data:`CHOICE_COLUMNS`: the model, its WAPE (a fraction), the next best
        model and its WAPE, and a sentence saying why.
    """
    rows = []
    for channel, model in sorted(model_by_channel.items()):
        if backtest is None:
            rows.append(
                {
                    "channel": channel,
                    "model": model,
                    "wape": float("nan"),
                    "runner_up": "",
                    "runner_up_wape": float("nan"),
                    "why": "the history was too short to backtest; the default "
                    "model was used",
                }
            )
            continue
        errors = backtest.errors.loc[backtest.errors["channel"] == channel]
        errors = errors.sort_values("mae")
        mine = errors.loc[errors["model"] == model]
        others = errors.loc[errors["model"] != model]
        wape = float(mine["wape"].iloc[0]) if not mine.empty else float("nan")
        folds = int(mine["folds"].iloc[0]) if not mine.empty else 0
        second = others.iloc[0] if not others.empty else None
        if backtest.best.get(channel) == model:
            why = (
                f"lowest error of {len(errors)} models over {folds} weekly "
                f"backtest folds: WAPE {100 * wape:.2f} %"
            )
            if second is not None:
                why += (
                    f", next best {second['model']} {100 * float(second['wape']):.2f} %"
                )
        else:
            rank = list(errors["model"]).index(model) + 1 if not mine.empty else 0
            why = (
                f"chosen by hand; ranks {rank} of {len(errors)} in the backtest "
                f"(WAPE {100 * wape:.2f} %)"
            )
        rows.append(
            {
                "channel": channel,
                "model": model,
                "wape": wape,
                "runner_up": "" if second is None else str(second["model"]),
                "runner_up_wape": float("nan")
                if second is None
                else float(second["wape"]),
                "why": why,
            }
        )
    return pd.DataFrame(rows, columns=list(CHOICE_COLUMNS))
