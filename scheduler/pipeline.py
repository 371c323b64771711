"""Composition: history -> forecast -> requirements -> roster: a whole plan.

This module and the CLI are the only places in ``scheduler/`` that use
``forecasts/``; the scheduler's core takes the forecast frame and nothing else.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from forecasts.core import ForecastResult, forecast
from forecasts.schema import load_history
from forecasts.synthetic import ChannelSpec, HistorySpec, Peak, generate_history
from scheduler.agents import load_agents
from scheduler.config import WEEKDAYS, Centre, load_centre
from scheduler.plan import Plan, solve_plan
from scheduler.requirements import compute_requirements
from scheduler.roster.solve import SolveSettings

logger = logging.getLogger(__name__)

DAYS_PER_WEEK = 7

#: Demand of the built-in sample centre: mean contacts on a day with factor 1,
#: factors Monday..Sunday, and the intraday peaks. Email arrives round the clock.
SAMPLE_DEMAND: dict[str, tuple[float, tuple[float, ...], tuple[Peak, ...]]] = {
    "phone": (
        2600.0,
        (1.18, 1.05, 1.0, 0.98, 0.92, 0.55, 0.0),
        (Peak(10.0, 1.4, 1.0), Peak(14.0, 1.8, 0.85), Peak(18.5, 1.0, 0.3)),
    ),
    "chat": (
        950.0,
        (1.1, 1.05, 1.0, 1.0, 0.95, 0.0, 0.0),
        (Peak(11.0, 2.0, 1.0), Peak(19.0, 1.2, 0.7)),
    ),
    "email": (
        620.0,
        (1.25, 1.1, 1.0, 1.0, 0.9, 0.4, 0.35),
        (Peak(9.5, 3.0, 1.0), Peak(15.0, 3.0, 0.8), Peak(21.0, 2.0, 0.4)),
    ),
    "face_to_face": (
        110.0,
        (1.0, 0.95, 0.95, 1.1, 1.2, 0.0, 0.0),
        (Peak(11.5, 1.0, 0.9), Peak(16.0, 1.2, 1.0)),
    ),
}


@dataclass(frozen=True, slots=True)
class WeekPlan:
    """What ``vuoro plan`` produces so far for one week.

    Attributes
    ----------
    week_start : datetime.date
        First day of the planned week.
    forecast : ForecastResult
        The forecast and the backtest behind it.
    requirements : pandas.DataFrame
        Agents required per channel and interval.
    """

    week_start: dt.date
    forecast: ForecastResult
    requirements: pd.DataFrame


def sample_history_spec(centre: Centre) -> HistorySpec:
    """Demand of the sample centre's channels, shaped by the centre's hours.

    Raises
    ------
    ValueError
        If the centre has a channel the sample demand does not describe.
    """
    channels = []
    for name, channel in centre.channels.items():
        if name not in SAMPLE_DEMAND:
            raise ValueError(
                f"no sample demand for channel {name!r}; sample history exists only "
                f"for {', '.join(SAMPLE_DEMAND)}"
            )
        daily, factors, peaks = SAMPLE_DEMAND[name]
        if channel.kind == "deferrable":
            hours: tuple[tuple[float, float] | None, ...] = ((0.0, 24.0),) * 7
        else:
            day_hours = [channel.hours(day) for day in range(DAYS_PER_WEEK)]
            hours = tuple(
                (h.open_minute / 60, h.close_minute / 60) if h.is_open else None
                for h in day_hours
            )
        channels.append(
            ChannelSpec(
                name=name,
                daily_contacts=daily,
                aht_s=channel.default_aht_seconds,
                weekday_factors=factors,
                opening_hours=hours,
                peaks=peaks,
            )
        )
    return HistorySpec(
        channels=tuple(channels), interval_minutes=centre.interval_minutes
    )


def next_week_start(centre: Centre, today: dt.date) -> dt.date:
    """The first day of the next planning week strictly after ``today``."""
    first = WEEKDAYS.index(centre.centre.week_start)
    ahead = (first - today.weekday()) % DAYS_PER_WEEK or DAYS_PER_WEEK
    return today + dt.timedelta(days=ahead)


def sample_history(
    centre: Centre, week_start: dt.date, weeks: int = 10, seed: int = 0
) -> pd.DataFrame:
    """Generated history of the sample centre for the ``weeks`` before a week."""
    start = week_start - dt.timedelta(days=DAYS_PER_WEEK * weeks)
    return generate_history(sample_history_spec(centre), start, weeks, seed=seed)


def plan_week(
    centre: Centre,
    week_start: dt.date,
    *,
    history: pd.DataFrame | str | Path | None = None,
    forecast_frame: pd.DataFrame | None = None,
    model: str = "auto",
) -> WeekPlan:
    """Forecast (unless given) and staffing requirements for one week.

    Parameters
    ----------
    centre : Centre
        The centre configuration.
    week_start : datetime.date
        First day of the week to plan.
    history : DataFrame, path or None
        Contact history; the sample history when neither this nor
        ``forecast_frame`` is given.
    forecast_frame : DataFrame or None
        A ready forecast; skips forecasting.
    model : str
        Forecast model (``auto`` picks per channel by backtest).
    """
    defaults = {name: ch.default_aht_seconds for name, ch in centre.channels.items()}
    if forecast_frame is None:
        if history is None:
            history = sample_history(centre, week_start)
        frame = load_history(
            history,
            interval_minutes=centre.interval_minutes,
            channels=list(centre.channels),
            default_aht_s=defaults,
        )
        result = forecast(
            frame,
            week_start,
            DAYS_PER_WEEK,
            centre.interval_minutes,
            model,
            default_aht_s=defaults,
            country=centre.country,
        )
    else:
        result = ForecastResult(
            frame=forecast_frame, model_by_channel={}, dispersion={}, backtest=None
        )
    requirements = compute_requirements(result.frame, centre)
    return WeekPlan(week_start=week_start, forecast=result, requirements=requirements)


def plan_sample_week(
    week_start: dt.date | None = None,
    settings: SolveSettings | None = None,
    *,
    today: dt.date | None = None,
) -> Plan:
    """A whole plan of the built-in sample centre: what ``vuoro plan`` makes.

    Parameters
    ----------
    week_start : datetime.date or None
        The week; next week (after ``today``) when ``None``.
    settings : SolveSettings or None
        Roster solve settings (time limit in seconds, workers, seed).
    today : datetime.date or None
        Today's date, for the default week (the real date when ``None``).
    """
    centre = load_centre()
    week = week_start or next_week_start(centre, today or dt.date.today())
    forecast_frame = plan_week(centre, week).forecast.frame
    return solve_plan(
        centre,
        load_agents(None, centre),
        week,
        forecast_frame,
        settings=settings,
        name=f"sample week of {week}",
    )
