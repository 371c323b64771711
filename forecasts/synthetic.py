"""Synthetic multi-channel contact history with known rates.

Contacts per interval are Poisson around a known rate: a daily volume per channel,
scaled per weekday, spread over the channel's opening hours by an intraday shape
with two peaks (late morning and early afternoon by default). Handle times are the
channel's AHT with a mild time-of-day effect and the noise of averaging a handful
of log-normal handle times. Used by tests, examples and benchmarks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasts.models import DAYS_PER_WEEK, FloatArray, intervals_per_day
from forecasts.schema import AHT_S, CHANNEL, CONTACTS, INTERVAL_START, ForecastError

WEEKDAYS = 7
OpeningHours = tuple[float, float] | None


@dataclass(frozen=True)
class Peak:
    """A Gaussian bump of the intraday shape.

    Parameters
    ----------
    hour : float
        Centre, in hours after midnight.
    width_h : float
        Standard deviation, in hours.
    weight : float
        Relative height.
    """

    hour: float
    width_h: float
    weight: float = 1.0


@dataclass(frozen=True)
class ChannelSpec:
    """How one channel's synthetic contacts are generated.

    Parameters
    ----------
    name : str
        Channel name.
    daily_contacts : float
        Mean contacts on a day with weekday factor 1.
    aht_s : float
        Mean handle time, in seconds.
    weekday_factors : tuple of 7 floats
        Volume factor Monday..Sunday.
    opening_hours : tuple of 7 (open_hour, close_hour) or None
        Opening hours Monday..Sunday (hours after midnight; None = closed).
    peaks : tuple of Peak
        Intraday shape within opening hours.
    aht_cv : float
        Coefficient of variation of individual handle times.
    """

    name: str
    daily_contacts: float
    aht_s: float
    weekday_factors: tuple[float, ...] = (1.15, 1.0, 0.95, 0.95, 0.9, 0.5, 0.0)
    opening_hours: tuple[OpeningHours, ...] = (
        *((8.0, 20.0),) * 5,
        (9.0, 15.0),
        None,
    )
    peaks: tuple[Peak, ...] = (Peak(10.5, 1.5, 1.0), Peak(14.5, 1.8, 0.8))
    aht_cv: float = 0.6

    def __post_init__(self) -> None:
        if len(self.weekday_factors) != WEEKDAYS or len(self.opening_hours) != WEEKDAYS:
            raise ForecastError(
                f"channel {self.name!r}: weekday_factors and opening_hours need 7 "
                "entries, Monday to Sunday"
            )
        if self.daily_contacts < 0 or self.aht_s <= 0:
            raise ForecastError(
                f"channel {self.name!r}: daily_contacts must be >= 0 and aht_s > 0"
            )


def _default_channels() -> tuple[ChannelSpec, ...]:
    long_hours: tuple[OpeningHours, ...] = (*((7.0, 22.0),) * 6, (10.0, 18.0))
    return (
        ChannelSpec("phone", 2400.0, 300.0),
        ChannelSpec(
            "chat",
            900.0,
            480.0,
            weekday_factors=(1.1, 1.0, 1.0, 1.0, 0.95, 0.7, 0.5),
            opening_hours=long_hours,
            peaks=(Peak(11.0, 2.0, 1.0), Peak(19.5, 1.5, 0.9)),
        ),
        ChannelSpec(
            "email",
            500.0,
            420.0,
            weekday_factors=(1.3, 1.1, 1.0, 1.0, 0.9, 0.4, 0.3),
            opening_hours=((0.0, 24.0),) * 7,
            peaks=(Peak(9.0, 3.0, 1.0), Peak(15.0, 3.0, 0.8)),
        ),
        ChannelSpec(
            "face_to_face",
            120.0,
            900.0,
            weekday_factors=(1.0, 1.0, 1.0, 1.2, 1.1, 0.8, 0.0),
            opening_hours=(*((9.0, 17.0),) * 5, (10.0, 14.0), None),
            peaks=(Peak(10.0, 1.0, 1.0), Peak(13.0, 1.0, 1.2)),
        ),
    )


@dataclass(frozen=True)
class HistorySpec:
    """Channels and interval of a synthetic history.

    Parameters
    ----------
    channels : tuple of ChannelSpec
        Default: phone, chat, email and face-to-face with typical shapes.
    interval_minutes : int
        Interval length in minutes.
    """

    channels: tuple[ChannelSpec, ...] = field(default_factory=_default_channels)
    interval_minutes: int = 15


def contact_rates(spec: HistorySpec, start: dt.date, days: int) -> pd.DataFrame:
    """Return the expected contacts of every channel and interval.

    Parameters
    ----------
    spec : HistorySpec
        What to generate.
    start : datetime.date
        First day.
    days : int
        Number of days.

    Returns
    -------
    DataFrame
        ``channel, interval_start, contacts, aht_seconds`` with the Poisson rates
        and the mean handle times (seconds).
    """
    per_day = intervals_per_day(spec.interval_minutes)
    stamps = pd.date_range(
        pd.Timestamp(start), periods=days * per_day, freq=f"{spec.interval_minutes}min"
    )
    hours = (np.arange(per_day) + 0.5) * spec.interval_minutes / 60
    weekdays = stamps.dayofweek.to_numpy()[::per_day]
    frames = []
    for channel in spec.channels:
        rates = np.vstack(
            [_day_rates(channel, int(weekday), hours) for weekday in weekdays]
        )
        aht = channel.aht_s * (1 + 0.1 * np.cos(2 * np.pi * (hours - 11) / 24))
        frames.append(
            pd.DataFrame(
                {
                    CHANNEL: channel.name,
                    INTERVAL_START: stamps,
                    CONTACTS: rates.ravel(),
                    AHT_S: np.tile(aht, days),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _day_rates(channel: ChannelSpec, weekday: int, hours: FloatArray) -> FloatArray:
    opening = channel.opening_hours[weekday]
    if opening is None:
        return np.zeros_like(hours)
    shape = sum(
        peak.weight * np.exp(-0.5 * ((hours - peak.hour) / peak.width_h) ** 2)
        for peak in channel.peaks
    )
    shape = np.asarray(shape, dtype=float) + 0.05
    shape[(hours < opening[0]) | (hours > opening[1])] = 0.0
    total = channel.daily_contacts * channel.weekday_factors[weekday]
    result: FloatArray = total * shape / shape.sum()
    return result


def generate_history(
    spec: HistorySpec, start: dt.date, weeks: int, seed: int = 0
) -> pd.DataFrame:
    """Draw a synthetic contact history.

    Parameters
    ----------
    spec : HistorySpec
        What to generate.
    start : datetime.date
        First day.
    weeks : int
        Length in weeks.
    seed : int
        Random seed; the same seed gives the same history.

    Returns
    -------
    DataFrame
        A history frame (``channel, interval_start, contacts, aht_seconds``);
        ``aht_seconds`` is blank where an interval has no contacts.
    """
    rng = np.random.default_rng(seed)
    rates = contact_rates(spec, start, weeks * DAYS_PER_WEEK)
    contacts = rng.poisson(rates[CONTACTS].to_numpy()).astype(float)
    cv = rates[CHANNEL].map({c.name: c.aht_cv for c in spec.channels}).to_numpy()
    noise = rng.standard_normal(len(rates)) * cv / np.sqrt(np.maximum(contacts, 1))
    aht = rates[AHT_S].to_numpy() * np.exp(noise - 0.5 * noise**2)
    return rates.assign(
        **{CONTACTS: contacts, AHT_S: np.where(contacts > 0, aht, np.nan)}
    )
