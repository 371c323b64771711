"""Forecast frame + centre -> agents required per channel and interval.

Each channel kind gets its own model (see :mod:`scheduler.erlang` and
:mod:`scheduler.backlog`):

* ``live``: Erlang C, or Erlang A when the channel has ``patience_seconds``;
* ``concurrent``: the chat concurrency model;
* ``walk_in``: Erlang A or C, only in opening hours, never below ``min_staff``;
* ``deferrable``: the least flat level over processing hours that answers the
  target share of every arrival cohort by its business-hours deadline.

Closed intervals need no one. Requirements are *net* (agents actually handling
contacts) and then grossed up for the channel's shrinkage, the time lost to what
the roster does not schedule (absence, training, meetings). Breaks and lunches are
scheduled by the roster, so they are not in shrinkage. ``required_fractional`` is
kept unrounded so that sums over channels and intervals are not inflated by
rounding each queue up.
"""

from __future__ import annotations

import logging

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler import schema as col
from scheduler.backlog import plan_backlog
from scheduler.config import Centre, Channel
from scheduler.erlang import (
    ConcurrentQueue,
    LiveQueue,
    QueueModel,
    StaffingTarget,
    queue_metrics,
    required_agents,
)
from scheduler.exceptions import InvalidInputError
from scheduler.units import SECONDS_PER_HOUR, gross_up

logger = logging.getLogger(__name__)


def queue_model(channel: Channel) -> QueueModel:
    """The queueing model of a live, walk-in or chat channel."""
    if channel.kind == "concurrent":
        return ConcurrentQueue(channel.concurrency, channel.concurrency_slowdown)
    if channel.kind == "deferrable":
        raise ValueError("deferrable channels have no queueing model")
    return LiveQueue(channel.patience_seconds)


def staffing_target(channel: Channel) -> StaffingTarget:
    """The per-interval target of a live, walk-in or chat channel."""
    if channel.answer_within_seconds is None:
        raise ValueError("deferrable channels have no per-interval target")
    return StaffingTarget(
        service_level=channel.service_level,
        answer_within_s=channel.answer_within_seconds,
        max_asa_s=channel.max_asa_seconds,
        max_occupancy=channel.max_occupancy,
        max_abandon=channel.max_abandon,
    )


def model_name(channel: Channel) -> str:
    """Short name of the model used for a channel, as shown in reports."""
    if channel.kind == "deferrable":
        return "backlog_fifo"
    if channel.kind == "concurrent":
        return "chat_concurrency"
    return "erlang_a" if channel.patience_seconds is not None else "erlang_c"


def open_seconds(
    starts: pd.Series, channel: Channel, interval_s: int
) -> npt.NDArray[np.float64]:
    """Seconds of each interval that fall inside the channel's opening hours.

    Parameters
    ----------
    starts : pandas.Series of tz-aware Timestamps
        Interval starts in the centre's time zone.
    channel : Channel
        Channel whose opening hours apply.
    interval_s : int
        Interval length in seconds.
    """
    hours = [channel.hours(day) for day in range(7)]
    opens = np.array([h.open_minute for h in hours], dtype=np.float64) * 60
    closes = np.array([h.close_minute for h in hours], dtype=np.float64) * 60
    weekday = starts.dt.weekday.to_numpy()
    second = (starts.dt.hour * 3600 + starts.dt.minute * 60).to_numpy(np.float64)
    overlap = np.minimum(second + interval_s, closes[weekday]) - np.maximum(
        second, opens[weekday]
    )
    seconds: npt.NDArray[np.float64] = np.clip(overlap, 0.0, float(interval_s))
    return seconds


def compute_requirements(
    forecast: pd.DataFrame,
    centre: Centre,
    *,
    email_carry_in_s: float | None = None,
    source: str = "forecast",
) -> pd.DataFrame:
    """Agents required per channel and interval, with the expected figures.

    Parameters
    ----------
    forecast : pandas.DataFrame
        The forecast frame: ``channel, interval_start, contacts, aht_seconds``.
    centre : Centre
        Channels, opening hours, targets and shrinkage.
    email_carry_in_s : float or None
        Backlog of deferrable work carried in at the start, in agent-seconds;
        ``None`` (default) for the steady state (the backlog this week leaves).
    source : str
        Name of the forecast, for error messages.

    Returns
    -------
    pandas.DataFrame
        One row per channel and interval with the columns of
        :data:`scheduler.schema.REQUIREMENTS_COLUMNS`. ``net_required`` is before
        and ``required``/``required_fractional`` after shrinkage; the figures
        (``service_level``, ``asa_seconds``, ...) are those expected with
        ``net_required`` agents handling the channel. For a deferrable channel a
        row's ``service_level`` is the share of that interval's arrivals answered
        by their deadline and ``asa_seconds`` the wall-clock time until the middle
        of them is answered.

    Raises
    ------
    InvalidInputError
        When the forecast does not fit the centre.
    """
    frame = col.validate_forecast(forecast, centre, source)
    parts = []
    for name, rows in frame.groupby(col.CHANNEL, sort=False):
        channel = centre.channels[str(name)]
        part = rows.reset_index(drop=True)
        if channel.kind == "deferrable":
            parts.append(_deferrable(part, channel, centre, email_carry_in_s, source))
        else:
            parts.append(_queue(part, channel, centre))
    result = pd.concat(parts, ignore_index=True)
    result = result.sort_values([col.INTERVAL_START, col.CHANNEL], ignore_index=True)
    logger.info(
        "requirements: %d intervals x %d channels, %.0f agent-hours",
        result[col.INTERVAL_START].nunique(),
        result[col.CHANNEL].nunique(),
        result[col.REQUIRED_FRACTIONAL].sum() * centre.interval_s / SECONDS_PER_HOUR,
    )
    return result[[*col.REQUIREMENTS_COLUMNS]]


def _queue(rows: pd.DataFrame, channel: Channel, centre: Centre) -> pd.DataFrame:
    interval_s = centre.interval_s
    is_open = open_seconds(rows[col.INTERVAL_START], channel, interval_s) > 0
    contacts = np.where(is_open, rows[col.CONTACTS].to_numpy(np.float64), 0.0)
    aht = rows[col.AHT_SECONDS].to_numpy(np.float64)
    staffing = required_agents(
        queue_model(channel), contacts, aht, interval_s, staffing_target(channel)
    )
    net = staffing.agents
    fractional = staffing.agents_fractional
    metrics = staffing.metrics
    if channel.min_staff:
        floor = np.where(is_open, channel.min_staff, 0)
        net = np.maximum(net, floor)
        fractional = np.maximum(fractional, floor)
        metrics = queue_metrics(
            queue_model(channel),
            net,
            contacts,
            aht,
            interval_s,
            staffing_target(channel).answer_within_s,
        )
    out = rows[[col.INTERVAL_START, col.CHANNEL, col.CONTACTS, col.AHT_SECONDS]].copy()
    out[col.OPEN] = is_open
    out[col.MODEL] = model_name(channel)
    out[col.WORKLOAD_ERLANGS] = staffing.load_erlangs
    out[col.NET_REQUIRED] = net
    out[col.REQUIRED] = gross_up(net, channel.shrinkage)
    out[col.REQUIRED_FRACTIONAL] = fractional / (1 - channel.shrinkage)
    out[col.SERVICE_LEVEL] = np.where(is_open, metrics.service_level, np.nan)
    out[col.ASA_SECONDS] = np.where(is_open, metrics.asa_s, np.nan)
    out[col.PROB_WAIT] = np.where(is_open, metrics.prob_wait, np.nan)
    out[col.PROB_ABANDON] = np.where(is_open, metrics.prob_abandon, np.nan)
    out[col.OCCUPANCY] = np.where(is_open, metrics.occupancy, np.nan)
    return out


def _deferrable(
    rows: pd.DataFrame,
    channel: Channel,
    centre: Centre,
    carry_in_s: float | None,
    source: str,
) -> pd.DataFrame:
    interval_s = centre.interval_s
    starts = rows[col.INTERVAL_START]
    stamps_s = starts.astype("int64").to_numpy() // 10**9
    steps = pd.Series(np.diff(stamps_s), index=starts.index[1:])
    if (steps != interval_s).any():
        gap = steps.index[steps != interval_s][0]
        raise InvalidInputError(
            f"{source}: deferrable channel {channel_name(rows)!r} jumps from "
            f"{starts[gap - 1]} to {starts[gap]}; its forecast needs every "
            f"{centre.interval_minutes}-minute interval (contacts 0 where none arrive)"
        )
    processing = open_seconds(starts, channel, interval_s)
    contacts = rows[col.CONTACTS].to_numpy(np.float64)
    aht = rows[col.AHT_SECONDS].to_numpy(np.float64)
    assert channel.answer_within_business_hours is not None
    try:
        plan = plan_backlog(
            contacts * aht,
            processing,
            interval_s=interval_s,
            deadline_s=channel.answer_within_business_hours * SECONDS_PER_HOUR,
            target=channel.service_level,
            carry_in_s=carry_in_s,
        )
    except ValueError as err:
        raise InvalidInputError(
            f"{source}: deferrable channel {channel_name(rows)!r}: {err}"
        ) from None
    is_open = processing > 0
    level = plan.agents * processing / interval_s  # partly open intervals pro rata
    net = np.where(is_open, np.ceil(level - 1e-9), 0).astype(np.int64)
    out = rows[[col.INTERVAL_START, col.CHANNEL, col.CONTACTS, col.AHT_SECONDS]].copy()
    out[col.OPEN] = is_open
    out[col.MODEL] = model_name(channel)
    out[col.WORKLOAD_ERLANGS] = contacts * aht / interval_s
    out[col.NET_REQUIRED] = net
    out[col.REQUIRED] = gross_up(net, channel.shrinkage)
    out[col.REQUIRED_FRACTIONAL] = level / (1 - channel.shrinkage)
    out[col.SERVICE_LEVEL] = plan.answered_share
    out[col.ASA_SECONDS] = plan.answer_delay_s
    out[col.PROB_WAIT] = np.nan
    out[col.PROB_ABANDON] = np.nan
    out[col.OCCUPANCY] = plan.utilisation
    logger.info(
        "%s: %.2f agents through processing hours, carry-in %.0f, carry-out %.0f "
        "agent-seconds",
        channel_name(rows),
        plan.agents,
        plan.carry_in_s,
        plan.carry_out_s,
    )
    return out


def channel_name(rows: pd.DataFrame) -> str:
    """The channel of a single-channel slice of a frame."""
    return str(rows[col.CHANNEL].iloc[0])
