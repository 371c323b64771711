"""Roster + requirements -> expected coverage per interval and weekly KPIs.

The figures are those of the staffing maths (:mod:`scheduler.erlang`,
:mod:`scheduler.backlog`) with the agents the roster puts on each channel:

* ``scheduled``: agents on the channel in the interval, counting the share of the
  interval each work segment covers (a whole 15-minute interval is 1, 7.5 minutes
  0.5). Breaks and lunches are not on any channel.
* Live, chat and walk-in channels: ``net = scheduled × (1 − shrinkage)`` agents
  handle contacts (shrinkage is the time lost to what the roster does not schedule:
  absence, training, meetings). ``net`` is fractional: the figures are interpolated
  linearly between ``floor(net)`` and ``floor(net) + 1`` agents. An ASA that is
  infinite at the floor (an unstable queue) takes the value at the ceiling when the
  fractional part is above one half, and stays infinite otherwise. Closed intervals
  have no figures (NaN).
* Carry-over between intervals (live, chat and walk-in): the figures are those of
  the stationary formulas, but at the load the pool of agents actually carries,
  not the interval's offered load (:func:`scheduler.erlang.carried_over_contacts`).
  An agent whose work on a channel ends (a break, lunch, the shift's end, a move
  to another channel; :func:`leaving_per_interval`) finishes the contacts in hand
  first, so they leave the pool with it: ``(1 − shrinkage)`` of the agents leaving
  at an interval's start take the interval before's occupancy (× concurrency for
  chat) in contacts with them. The pool's contacts in service then return to the
  load with time constant ``1/((1 − P(wait))/τ + P(wait)/patience)`` (``τ`` the
  AHT, for chat the handle time among a full set of chats; ``P(wait)`` the
  stationary chance to wait, at most one half, so the constant is at most 2τ):
  where contacts wait, the queue and not the agents makes up the difference, and
  it shrinks only as contacts abandon. The
  same lag keeps the load low after an opening or a rise and high after a fall.
  The contacts in hand are those of the pool at that carried-over load: a fixed
  point, from the stationary occupancy by damped steps (at most 8, until they
  change by less than 0.005 contacts). With long contacts and short work
  segments (chat, walk-in) this is worth several points of service level; with a
  constant load and nobody leaving the figures are the stationary ones exactly.
  Measured against the simulation (:mod:`scheduler.simulate`) on the benchmark
  centres M and L, it brings the weekly service level of every channel within 2
  points where the stationary figures were 4 to 18 points below.
* Backlog beyond capacity (queues without patience): where arrivals exceed
  what the pool can serve, the contacts left waiting carry into the following
  intervals, through closed hours, until spare capacity drains them; the
  stationary formulas see none of it (and have no steady state past capacity).
  The fluid model of :func:`scheduler.erlang.fluid_backlog` tracks the
  contacts in the system: the net agents' slots (× concurrency for chat) fill
  first, each contact in service for the AHT (for chat, the handle time among
  the chats held on average at the stationary occupancy); once full, the pool
  completes ``net × r(concurrency)`` contacts a second (``net/AHT`` for
  calls), and the excess waits; agents leaving take their contacts in hand.
  Arrivals in the share of an interval with a fluid backlog wait for it, on
  average the mean backlog over the capacity, and find every slot busy; they
  are answered within the target as in the stationary queue only while the
  backlog is one the capacity clears within the target time (it changes
  linearly along the spell), and never otherwise. The rest of the interval
  has the carried-over figures above. Contacts in hand of leaving agents are
  then those of these mixed figures. With patience (Erlang A) the stationary
  queue is bounded and settles within about one patience, so the
  carried-over figures stand. Measured on the sample centre's plan with 15 %
  and 30 % of phone deflected to chat (chat far past capacity for hours), the
  weekly chat service level goes from 0.83 and 0.49 to 0.66 and 0.17 against
  a simulated 0.67 and 0.19 (20 replications); the fluid is a little
  pessimistic while a backlog drains (chance clears it earlier in some
  weeks).
* Late starts: an agent moving straight from one channel to another finishes what
  it had in hand first, so the channel it moves to loses the expected finishing
  time (occupancy × AHT for calls, visits and email; for chat the expected time to
  finish the chats held, :meth:`scheduler.erlang.ConcurrentQueue.clearing_s`),
  spread as an exponential over the following intervals, times the shares at work
  on both channels. ``scheduled`` is as rostered; the queue figures use ``net``
  less these agents (email, deferrable, absorbs late starts unmodelled).
* Email (deferrable): each interval's capacity is ``net × processing seconds``;
  the fluid FIFO backlog of :mod:`scheduler.backlog` gives, per arrival interval,
  the share of the cohort answered by its business-hours deadline
  (``service_level``), the wall-clock seconds until the middle of the cohort is
  answered (``asa_seconds``) and, per interval, served work over capacity
  (``occupancy``). Cohorts due after the horizon are answered in a following week
  with the same roster. The backlog carried in is given or, by default, the steady
  state: the backlog the week leaves behind when it starts with that backlog. When
  the roster's capacity is below the week's work there is no steady state (the
  backlog grows week after week): a warning is logged and the figures are those of
  the 50th week.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler import schema as col
from scheduler.agents import CONTRACT, CsvSource, csv_source
from scheduler.agents import _read_csv as read_csv_text
from scheduler.backlog import backlog_outcome, deadline_index, steady_carry_in
from scheduler.config import Centre, Channel
from scheduler.erlang import (
    ConcurrentQueue,
    FluidBacklog,
    QueueMetrics,
    carried_over_contacts,
    fluid_backlog,
    queue_metrics,
)
from scheduler.exceptions import InvalidInputError
from scheduler.export import write_csv, write_text_atomic
from scheduler.requirements import channel_name, open_seconds, queue_model
from scheduler.roster_file import FIRST_DATA_LINE, parse_flag, shift_numbers
from scheduler.units import SECONDS_PER_HOUR

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_EVENING_HOUR = 18
# Intervals over which a late start is spread (e^{-8} of it is left out at most).
_LATE_INTERVALS = 8
# Largest chance to wait used for the carry-over's time constant, which is then
# at most twice the time in service. Beyond it the pool nears or passes its
# capacity, where the fluid backlog (not the carried-over load) follows the
# queue; a longer time constant there piles up the contacts taken away by
# leaving agents and made a heavier load look better (20 % more chat: 0.97 to
# 0.99 with 0.95).
_MOST_WAITING = 0.5
# Damped steps towards the contacts in hand of leaving agents, and the largest
# change (contacts per agent) at which they stop.
_HELD_ROUNDS = 8
_HELD_TOLERANCE = 0.005
_SATURDAY = 5
# Decimal places of the KPIs, by the end of their key; other floats get 4.
_DIGITS = {"_hours": 2, "cost": 2, "_seconds": 1}
# Numeric columns of requirements.csv.
_NUMBER_COLUMNS = (
    col.WORKLOAD_ERLANGS,
    col.NET_REQUIRED,
    col.REQUIRED,
    col.REQUIRED_FRACTIONAL,
    col.SERVICE_LEVEL,
    col.ASA_SECONDS,
    col.PROB_WAIT,
    col.PROB_ABANDON,
    col.OCCUPANCY,
)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """What a roster is expected to achieve.

    Attributes
    ----------
    coverage : pandas.DataFrame
        One row per row of the requirements frame, with the columns of
        :data:`scheduler.schema.COVERAGE_COLUMNS` (see :func:`evaluate_roster`).
    kpis : dict
        Weekly figures per channel and overall (see :func:`evaluate_roster`),
        JSON-serialisable.
    """

    coverage: pd.DataFrame
    kpis: dict[str, Any]


@dataclass(frozen=True, slots=True)
class _Figures:
    """A channel's expected figures per interval, and what to weight them by."""

    service_level: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray
    prob_abandon: FloatArray
    counted: npt.NDArray[np.bool_]  # intervals whose contacts count
    available_s: FloatArray  # net agent-seconds available to the channel
    extra: dict[str, float]


def _epoch_s(stamps: pd.Series) -> IntArray:
    """Tz-aware timestamps as whole seconds since 1970-01-01 UTC."""
    utc = stamps.dt.tz_convert(None).to_numpy(dtype="datetime64[s]")
    seconds: IntArray = utc.astype(np.int64)
    return seconds


def _covered_s(starts: IntArray, ends: IntArray, at: IntArray) -> IntArray:
    """Total seconds of the segments ``[start, end)`` that lie before each ``at``.

    ``sum_j clip(at - start_j, 0, end_j - start_j)``, computed as the sum over
    started segments of ``at - start`` minus that over ended ones of ``at - end``.
    """

    def before(points: IntArray) -> IntArray:
        ordered = np.sort(points)
        cumulative = np.concatenate([[0], np.cumsum(ordered)])
        count = np.searchsorted(ordered, at, side="left")
        total: IntArray = count * at - cumulative[count]
        return total

    return before(starts) - before(ends)


def scheduled_per_interval(
    roster: pd.DataFrame, requirements: pd.DataFrame, centre: Centre
) -> pd.DataFrame:
    """Agents on each channel in each interval of the requirements frame.

    An interval's figure is the sum over the work segments on the channel of the
    share of the interval each covers: one agent all through a 15-minute interval
    counts 1, one for 7.5 minutes 0.5.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame (:func:`scheduler.roster_file.load_roster`).
    requirements : pandas.DataFrame
        Its ``interval_start`` and ``channel`` give the intervals.
    centre : Centre
        Its plan interval is the intervals' length.

    Returns
    -------
    pandas.DataFrame
        ``interval_start, channel, scheduled`` (agents, float), in the order and
        with the index of ``requirements``.
    """
    out = requirements[[col.INTERVAL_START, col.CHANNEL]].copy()
    scheduled = np.zeros(len(out))
    grid = _epoch_s(out[col.INTERVAL_START])
    channels = out[col.CHANNEL].to_numpy()
    work = roster.loc[roster[col.ACTIVITY] == "work"]
    for name, segments in work.groupby(col.CHANNEL):
        rows = channels == name
        starts, ends = _epoch_s(segments[col.START]), _epoch_s(segments[col.END])
        at = grid[rows]
        covered = _covered_s(starts, ends, at + centre.interval_s) - _covered_s(
            starts, ends, at
        )
        scheduled[rows] = covered / centre.interval_s
    out[col.SCHEDULED] = scheduled
    return out


@dataclass(frozen=True, slots=True)
class _WorkEnds:
    """Where agents' work on a channel ends: one entry per end."""

    at_s: IntArray  # epoch seconds of the end
    channel: npt.NDArray[np.object_]  # the channel left
    next_channel: npt.NDArray[np.object_]  # work channel taken up at once, or ""


def _work_ends(roster: pd.DataFrame) -> _WorkEnds:
    """Ends of agents' work on a channel (the roster sorted by agent and start).

    A work segment ends the agent's work on its channel unless the agent's next
    segment is work on the same channel starting when it ends; ``next_channel``
    is the channel of a work segment on another channel starting then.
    """
    agent = roster[col.AGENT_ID].to_numpy()
    channel = roster[col.CHANNEL].to_numpy().astype(object)
    work = (roster[col.ACTIVITY] == "work").to_numpy()
    starts, ends = _epoch_s(roster[col.START]), _epoch_s(roster[col.END])
    follows = np.zeros(len(roster), dtype=bool)  # next segment starts at the end
    follows[:-1] = (agent[1:] == agent[:-1]) & (starts[1:] == ends[:-1])
    next_work = np.zeros(len(roster), dtype=bool)
    next_work[:-1] = work[1:]
    next_channel = np.full(len(roster), "", dtype=object)
    next_channel[:-1] = channel[1:]
    goes_on = follows & next_work & (next_channel == channel)
    last = work & ~goes_on
    moves = follows & next_work
    return _WorkEnds(
        at_s=ends[last],
        channel=channel[last],
        next_channel=np.where(moves, next_channel, "")[last],
    )


def _channel_rows(requirements: pd.DataFrame, name: str) -> tuple[IntArray, IntArray]:
    """Every row's interval start (epoch seconds) and channel ``name``'s rows in
    time order."""
    grid = _epoch_s(requirements[col.INTERVAL_START])
    rows = np.flatnonzero(requirements[col.CHANNEL].to_numpy() == name)
    return grid, rows[np.argsort(grid[rows], kind="stable")]


def _boundary_rows(requirements: pd.DataFrame, name: str, at_s: IntArray) -> IntArray:
    """Positions of the rows of channel ``name`` whose interval starts at the first
    interval start at or after each time (-1 when none, or when that is the
    channel's first interval)."""
    grid, order = _channel_rows(requirements, name)
    if order.size == 0:
        return np.full(at_s.size, -1, dtype=np.int64)
    boundary = np.searchsorted(grid[order], at_s, side="left")
    inside = (boundary > 0) & (boundary < order.size)
    found: IntArray = np.where(inside, order[np.minimum(boundary, order.size - 1)], -1)
    return found


def leaving_per_interval(
    roster: pd.DataFrame, requirements: pd.DataFrame, centre: Centre
) -> pd.Series:
    """Agents whose work on each row's channel ends at the start of its interval.

    An agent's work on a channel ends where its work segment on it is not
    followed at once by another work segment of the same agent on the same
    channel (a break, a lunch, the end of the shift, a move to another
    channel). An end inside an interval counts at the start of the next one;
    ends at or before the first interval's start, or after the last interval,
    are not counted.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame, sorted by agent and start.
    requirements : pandas.DataFrame
        Its ``interval_start`` and ``channel`` give the intervals (positions,
        not labels, are used).
    centre : Centre
        The centre (its channels name the rows).

    Returns
    -------
    pandas.Series
        Agents (a whole number, as float) per row, with the index of
        ``requirements``.
    """
    ends = _work_ends(roster)
    out = np.zeros(len(requirements))
    for name in centre.channels:
        rows = _boundary_rows(requirements, name, ends.at_s[ends.channel == name])
        np.add.at(out, rows[rows >= 0], 1.0)
    return pd.Series(out, index=requirements.index, name="leaving")


def _finish_s(channel: Channel, occupancy: FloatArray, aht_s: FloatArray) -> FloatArray:
    """Expected seconds an agent leaving the channel spends finishing its work in
    hand: the chats held (:meth:`ConcurrentQueue.clearing_s` of occupancy ×
    concurrency), else the busy share times the mean handle time left (the AHT,
    for exponential handle times)."""
    busy = np.nan_to_num(occupancy)
    if channel.kind == "concurrent":
        model = ConcurrentQueue(channel.concurrency, channel.concurrency_slowdown)
        return model.clearing_s(busy * channel.concurrency, aht_s)
    out: FloatArray = busy * aht_s
    return out


def _row_at(
    requirements: pd.DataFrame, name: str, at_s: IntArray, interval_s: int
) -> IntArray:
    """Position of the row of channel ``name`` whose interval holds each time
    (-1 when none)."""
    grid, order = _channel_rows(requirements, name)
    if order.size == 0:
        return np.full(at_s.size, -1, dtype=np.int64)
    j = np.searchsorted(grid[order], at_s, side="right") - 1
    held = (j >= 0) & (at_s < grid[order[np.maximum(j, 0)]] + interval_s)
    found: IntArray = np.where(held, order[np.maximum(j, 0)], -1)
    return found


def _late_agents(
    requirements: pd.DataFrame,
    centre: Centre,
    ends: _WorkEnds,
    finish_s: FloatArray,
) -> FloatArray:
    """Agents per row lost to a channel while agents moving to it finish the work
    they had in hand on the channel they left.

    An agent leaving channel ``c`` for ``c'`` at time ``t`` is late on ``c'`` by
    the expected finishing time ``F`` of ``c`` in the interval before ``t``
    (``finish_s``, per row), taken as exponential: from the interval holding
    ``t`` on, ``c'`` loses ``F·e^{−kD/F}·(1 − e^{−D/F})/D`` agents in its ``k``-th
    interval (``D`` the interval length), times the shares at work on both
    channels (``1 − shrinkage``).
    """
    step = centre.interval_s
    lost = np.zeros(len(requirements))
    later = np.arange(_LATE_INTERVALS)
    for target in centre.channels:
        into = (ends.next_channel == target) & (ends.channel != target)
        grid, order = _channel_rows(requirements, target)
        if not into.any() or order.size == 0:
            continue
        at_s = ends.at_s[into]
        seconds = np.zeros(at_s.size)
        weight = np.zeros(at_s.size)
        for source in np.unique(ends.channel[into]):
            mine = ends.channel[into] == source
            source_rows = _row_at(requirements, str(source), at_s[mine] - 1, step)
            seconds[mine] = np.where(
                source_rows >= 0, finish_s[np.maximum(source_rows, 0)], 0.0
            )
            weight[mine] = (1 - centre.channels[str(source)].shrinkage) * (
                1 - centre.channels[target].shrinkage
            )
        first = np.searchsorted(grid[order], at_s, side="right") - 1
        keep = (first >= 0) & (seconds > 0)
        for k0, f, w in zip(first[keep], seconds[keep], weight[keep], strict=True):
            spread = w * f / step * np.exp(-later * step / f) * -np.expm1(-step / f)
            stop = min(order.size, k0 + _LATE_INTERVALS)
            lost[order[k0:stop]] += spread[: stop - k0]
    return lost


def _lerp(low: FloatArray, high: FloatArray, share: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore"):
        value: FloatArray = np.where(share > 0, low + share * (high - low), low)
    return value


def _queue_figures(
    rows: pd.DataFrame,
    net: FloatArray,
    leaving: FloatArray,
    channel: Channel,
    centre: Centre,
) -> _Figures:
    """Erlang C/A or chat figures at a fractional number of net agents, with the
    load carried over between intervals (see the module docstring)."""
    answer_within_s = channel.answer_within_seconds
    assert answer_within_s is not None
    is_open = rows[col.OPEN].to_numpy(dtype=bool)
    aht_s = rows[col.AHT_SECONDS].to_numpy(np.float64)
    offered = np.where(is_open, rows[col.CONTACTS].to_numpy(np.float64), 0.0)
    low = np.floor(net + 1e-9)
    share = np.clip(net - low, 0.0, 1.0)
    model = queue_model(channel)

    def figures(contacts: FloatArray) -> QueueMetrics:
        def at(agents: FloatArray) -> QueueMetrics:
            return queue_metrics(
                model,
                agents.astype(np.int64),
                contacts,
                aht_s,
                centre.interval_s,
                answer_within_s,
            )

        return _interpolated(at(low), at(low + 1), share)

    slots, slowdown = 1, 0.0
    if isinstance(model, ConcurrentQueue):
        slots, slowdown = model.concurrency, model.slowdown
    service_s = aht_s * (1 + slowdown * (slots - 1))  # among a full set of chats
    # Stationary figures first: the chance to wait sets the time constant, the
    # occupancy the first guess of the contacts in hand of agents who leave.
    stationary = figures(offered)
    wait = np.where(is_open, stationary.prob_wait, 0.0)
    wait = np.clip(np.nan_to_num(wait), 0.0, _MOST_WAITING)
    patience_s = channel.patience_seconds
    abandon_rate = 0.0 if patience_s is None else 1.0 / patience_s
    relax_s = 1.0 / ((1 - wait) / service_s + wait * abandon_rate)
    order = np.argsort(_epoch_s(rows[col.INTERVAL_START]), kind="stable")
    # The fluid backlog's pool: contacts it completes a second when full, and
    # the time a contact spends in service before, among the chats an agent
    # holds on average at the stationary occupancy.
    capacity_per_s = net * slots / service_s
    mean_held = np.clip(np.nan_to_num(stationary.occupancy) * slots, 1.0, slots)
    in_service_s = aht_s * (1 + slowdown * (mean_held - 1))

    def in_hand(got: QueueMetrics) -> FloatArray:
        """Contacts an agent leaving at the start of each interval (in time
        order) holds: the occupancy of the interval before."""
        busy = np.where(is_open, got.occupancy, 0.0)[order]
        out = np.zeros(order.size)
        out[1:] = busy[:-1] * slots
        return out

    def carried(held: FloatArray) -> FloatArray:
        out = np.empty_like(offered)
        out[order] = carried_over_contacts(
            offered[order],
            service_s[order],
            leaving[order],
            held,
            centre.interval_s,
            relax_s=relax_s[order],
        )
        return out

    def with_backlog(contacts: FloatArray, held: FloatArray) -> QueueMetrics:
        """The figures at the carried-over load where arrivals find no fluid
        backlog, and those of a pool past its capacity where they do (patient
        contacts only: with patience the stationary queue is bounded)."""
        clear = figures(contacts)
        if patience_s is not None:
            return clear
        backlog = _in_rows(
            order,
            fluid_backlog(
                offered[order],
                net[order] * slots,
                in_service_s[order],
                capacity_per_s[order],
                leaving[order] * held,
                centre.interval_s,
            ),
        )
        # Contacts wait for the backlog ahead of them, every slot busy: in time
        # (as in the stationary queue) only behind a backlog the capacity clears
        # within the target time.
        in_time = capacity_per_s * answer_within_s
        behind = QueueMetrics(
            service_level=backlog.share_at_most(in_time) * clear.service_level,
            prob_wait=np.ones(net.size),
            asa_s=np.divide(
                backlog.mean_contacts,
                capacity_per_s,
                out=np.full(net.size, np.inf),
                where=capacity_per_s > 0,
            ),
            occupancy=np.ones(net.size),
            prob_abandon=np.zeros(net.size),
        )
        return _mixed(clear, behind, backlog.share)

    # The contacts in hand are those of the pool at its carried-over load: a
    # fixed point, approached by damped steps (plain ones swing about it).
    held = in_hand(stationary)
    contacts = carried(held)
    for _ in range(_HELD_ROUNDS):
        got = with_backlog(contacts, held)
        change = in_hand(got) - held
        if np.abs(change).max(initial=0.0) < _HELD_TOLERANCE:
            break
        held = held + change / 2
        contacts = carried(held)
    else:
        got = with_backlog(contacts, held)

    def shown(values: FloatArray) -> FloatArray:
        return np.where(is_open, values, np.nan)

    return _Figures(
        service_level=shown(got.service_level),
        asa_s=shown(got.asa_s),
        occupancy=shown(got.occupancy),
        prob_abandon=shown(got.prob_abandon),
        counted=is_open,
        available_s=np.where(is_open, net * centre.interval_s, 0.0),
        extra={},
    )


def _interpolated(
    floor: QueueMetrics, ceil: QueueMetrics, share: FloatArray
) -> QueueMetrics:
    """Figures at ``floor + share`` agents, linear between the two headcounts; an
    ASA infinite at the floor (an unstable queue) is the ceiling's when the share
    is above one half, and stays infinite otherwise."""
    asa = np.where(
        np.isinf(floor.asa_s),
        np.where(share > 0.5, ceil.asa_s, np.inf),
        _lerp(floor.asa_s, ceil.asa_s, share),
    )
    return _blend(floor, ceil, share, asa)


def _in_rows(order: IntArray, backlog: FluidBacklog) -> FluidBacklog:
    """A backlog computed in time order (``rows[order]``), back in row order."""

    def back(values: FloatArray) -> FloatArray:
        out = np.empty_like(values)
        out[order] = values
        return out

    return FluidBacklog(
        share=back(backlog.share),
        start_contacts=back(backlog.start_contacts),
        end_contacts=back(backlog.end_contacts),
    )


def _mixed(
    clear: QueueMetrics, behind: QueueMetrics, share: FloatArray
) -> QueueMetrics:
    """Figures of an interval whose arrivals find a backlog ``share`` of the time
    (figures ``behind``) and none the rest (``clear``); an infinite ASA (an
    unstable queue) stays infinite."""
    asa = np.where(
        np.isinf(clear.asa_s), np.inf, _lerp(clear.asa_s, behind.asa_s, share)
    )
    return _blend(clear, behind, share, asa)


def _blend(
    low: QueueMetrics, high: QueueMetrics, share: FloatArray, asa_s: FloatArray
) -> QueueMetrics:
    """Every figure ``share`` of the way from ``low`` to ``high``, with the ASA
    given (each caller treats an infinite one its own way)."""
    return QueueMetrics(
        service_level=_lerp(low.service_level, high.service_level, share),
        prob_wait=_lerp(low.prob_wait, high.prob_wait, share),
        asa_s=asa_s,
        occupancy=_lerp(low.occupancy, high.occupancy, share),
        prob_abandon=_lerp(low.prob_abandon, high.prob_abandon, share),
    )


def _email_figures(
    rows: pd.DataFrame,
    net: FloatArray,
    channel: Channel,
    centre: Centre,
    carry_in_s: float | None,
) -> _Figures:
    """FIFO backlog figures of deferrable work with the roster's capacity."""
    assert channel.answer_within_business_hours is not None
    interval_s = centre.interval_s
    processing = open_seconds(rows[col.INTERVAL_START], channel, interval_s)
    capacity = net * processing
    two_weeks = np.concatenate([capacity, capacity])
    work = (rows[col.CONTACTS] * rows[col.AHT_SECONDS]).to_numpy(np.float64)
    deadline_s = channel.answer_within_business_hours * SECONDS_PER_HOUR
    due = deadline_index(np.concatenate([processing, processing]), deadline_s)
    due = due[: work.size]
    if capacity.sum() < work.sum():
        logger.warning(
            "%s: the roster's capacity (%.1f agent-hours) is below the week's work "
            "(%.1f agent-hours): the backlog grows week after week",
            channel_name(rows),
            capacity.sum() / SECONDS_PER_HOUR,
            work.sum() / SECONDS_PER_HOUR,
        )
    if carry_in_s is None:
        carry_in_s, _ = steady_carry_in(
            lambda carry: (
                backlog_outcome(work, two_weeks, due, carry, interval_s).carry_out_s
            ),
            float(work.sum()),
        )
    outcome = backlog_outcome(work, two_weeks, due, carry_in_s, interval_s)
    return _Figures(
        service_level=outcome.answered_share,
        asa_s=outcome.answer_delay_s,
        occupancy=outcome.utilisation,
        prob_abandon=np.full(work.size, np.nan),
        counted=np.ones(work.size, dtype=bool),
        available_s=capacity,
        extra={
            "carry_in_agent_hours": carry_in_s / SECONDS_PER_HOUR,
            "carry_out_agent_hours": outcome.carry_out_s / SECONDS_PER_HOUR,
        },
    )


def _weighted(values: FloatArray, weights: FloatArray) -> float:
    """Weighted mean over the entries with positive weight (NaN when none)."""
    used = weights > 0
    if not used.any():
        return math.nan
    return float(np.sum(values[used] * weights[used]) / np.sum(weights[used]))


def _channel_kpis(
    figures: _Figures,
    rows: pd.DataFrame,
    scheduled: FloatArray,
    channel: Channel,
    interval_h: float,
) -> dict[str, Any]:
    """Weekly figures of one channel (unrounded)."""
    contacts = np.where(figures.counted, rows[col.CONTACTS].to_numpy(np.float64), 0.0)
    required = rows[col.REQUIRED_FRACTIONAL].to_numpy(np.float64)
    service_level = _weighted(figures.service_level, contacts)
    kpis: dict[str, Any] = {
        "model": str(rows[col.MODEL].iloc[0]) if col.MODEL in rows else None,
        "contacts": float(contacts.sum()),
        "service_level": service_level,
        "target": channel.service_level,
        "meets_target": bool(
            math.isnan(service_level) or service_level >= channel.service_level - 1e-9
        ),
        "asa_seconds": _weighted(figures.asa_s, contacts),
        "occupancy": _weighted(figures.occupancy, figures.available_s),
    }
    if channel.patience_seconds is not None:
        kpis["prob_abandon"] = _weighted(figures.prob_abandon, contacts)
    kpis.update(
        scheduled_agent_hours=float(scheduled.sum()) * interval_h,
        required_agent_hours=float(required.sum()) * interval_h,
        understaffed_agent_hours=float(np.clip(required - scheduled, 0, None).sum())
        * interval_h,
        overstaffed_agent_hours=float(np.clip(scheduled - required, 0, None).sum())
        * interval_h,
        **figures.extra,
    )
    return kpis


def _unpaid_activities(centre: Centre) -> set[str]:
    """Activities all of whose break rules are unpaid (a lunch with paid = false)."""
    rules = centre.shifts.breaks
    return {
        activity
        for activity in {rule.activity for rule in rules}
        if all(not rule.paid for rule in rules if rule.activity == activity)
    }


def _hourly_cost(
    roster: pd.DataFrame, centre: Centre, agents: pd.DataFrame
) -> FloatArray:
    """Each segment's agent's contract hourly cost, per hour."""
    contracts = dict(zip(agents[col.AGENT_ID], agents[CONTRACT], strict=True))
    unknown = sorted(set(roster[col.AGENT_ID]) - set(contracts))
    if unknown:
        raise InvalidInputError(
            f"roster agent(s) {', '.join(unknown)} are not in agents.csv; add them or "
            "remove their rows"
        )
    rates = {name: c.hourly_cost for name, c in centre.contracts.items()}
    rate = roster[col.AGENT_ID].map(contracts).map(rates)
    return np.asarray(rate, dtype=np.float64)


def _segment_costs(
    roster: pd.DataFrame, centre: Centre, agents: pd.DataFrame
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Which segments are paid, and each segment's cost (0 when unpaid).

    Each plan interval of a segment is priced by the local time at its start (see
    :func:`evaluate_roster`).
    """
    paid = ~roster[col.ACTIVITY].isin(_unpaid_activities(centre)).to_numpy()
    starts, ends = _epoch_s(roster[col.START]), _epoch_s(roster[col.END])
    step = centre.interval_s
    pieces = np.where(paid, -((starts - ends) // step), 0)  # ceil((end - start)/step)
    segment = np.repeat(np.arange(len(roster)), pieces)
    first = np.cumsum(pieces) - pieces
    piece_start = starts[segment] + (np.arange(segment.size) - first[segment]) * step
    piece_h = (np.minimum(piece_start + step, ends[segment]) - piece_start) / 3600
    local = pd.DatetimeIndex(pd.to_datetime(piece_start, unit="s", utc=True))
    local = local.tz_convert(centre.zone)
    costs = centre.costs
    factor = np.where(local.hour >= _EVENING_HOUR, costs.evening_multiplier, 1.0)
    factor *= np.where(local.weekday >= _SATURDAY, costs.weekend_multiplier, 1.0)
    rate = _hourly_cost(roster, centre, agents)[segment]
    cost = np.bincount(segment, weights=piece_h * rate * factor, minlength=len(roster))
    return paid, cost.astype(np.float64)


def _channel_costs(
    roster: pd.DataFrame, centre: Centre, segment_cost: FloatArray
) -> dict[str, float]:
    """The week's paid cost attributed to each channel, in the centre's currency.

    A work segment's cost goes to its channel; the cost of a shift's paid breaks
    is shared over the channels the shift works on, in proportion to its work
    time on each. Channels nobody works on cost 0.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame, sorted by agent and start.
    centre : Centre
        The channels.
    segment_cost : numpy.ndarray
        Each segment's cost (:func:`_segment_costs`).
    """
    out = dict.fromkeys(centre.channels, 0.0)
    if roster.empty:
        return out
    work = (roster[col.ACTIVITY] == "work").to_numpy()
    seconds = (_epoch_s(roster[col.END]) - _epoch_s(roster[col.START])).astype(
        np.float64
    )
    shift = shift_numbers(roster)
    work_s = np.bincount(shift, weights=np.where(work, seconds, 0.0))
    other = np.bincount(shift, weights=np.where(work, 0.0, segment_cost))
    share = np.divide(
        seconds, work_s[shift], out=np.zeros_like(seconds), where=work_s[shift] > 0
    )
    attributed = np.where(work, segment_cost + other[shift] * share, 0.0)
    sums = pd.Series(attributed).groupby(roster[col.CHANNEL].to_numpy()).sum()
    for name, value in sums.items():
        if str(name) in out:
            out[str(name)] = float(value)
    return out


def _overall(
    channels: Mapping[str, dict[str, Any]],
    roster: pd.DataFrame,
    centre: Centre,
    paid: npt.NDArray[np.bool_],
    segment_cost: FloatArray,
) -> dict[str, Any]:
    """Figures over all channels and the whole roster (unrounded); ``paid`` and
    ``segment_cost`` per segment, from :func:`_segment_costs`."""
    live = [
        kpis
        for name, kpis in channels.items()
        if centre.channels[name].kind != "deferrable"
    ]
    live_contacts = sum(k["contacts"] for k in live)
    work = roster.loc[roster[col.ACTIVITY] == "work"]
    productive_h = float((_epoch_s(work[col.END]) - _epoch_s(work[col.START])).sum())
    productive_h /= SECONDS_PER_HOUR
    seconds = _epoch_s(roster[col.END]) - _epoch_s(roster[col.START])
    paid_h = float(seconds[paid].sum() / SECONDS_PER_HOUR)
    required_h = sum(k["required_agent_hours"] for k in channels.values())
    overall: dict[str, Any] = {
        "service_level": sum(k["service_level"] * k["contacts"] for k in live)
        / live_contacts
        if live_contacts > 0
        else math.nan,
        "contacts": sum(k["contacts"] for k in channels.values()),
    }
    for key in ("scheduled", "required", "understaffed", "overstaffed"):
        name = f"{key}_agent_hours"
        overall[name] = sum(k[name] for k in channels.values())
    overall.update(
        paid_hours=paid_h,
        productive_hours=productive_h,
        schedule_efficiency=required_h / productive_h if productive_h else math.nan,
        cost=float(segment_cost.sum()),
        currency=centre.costs.currency,
        agents_rostered=int(roster[col.AGENT_ID].nunique()),
        shifts=int(np.unique(shift_numbers(roster)).size),
    )
    return overall


def _rounded(value: Any, key: str = "") -> Any:
    """KPIs rounded for reading; non-finite floats (an unstable queue) as None."""
    if isinstance(value, dict):
        return {k: _rounded(v, k) for k, v in value.items()}
    if isinstance(value, bool) or not isinstance(value, float | np.floating):
        return value
    if not math.isfinite(value):
        return None
    digits = next((d for end, d in _DIGITS.items() if key.endswith(end)), 4)
    return round(float(value), digits)


def evaluate_roster(
    roster: pd.DataFrame,
    requirements: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    *,
    email_carry_in_s: float | None = None,
    solver: Mapping[str, Any] | None = None,
) -> Evaluation:
    """Expected service per interval and the weekly KPIs of a roster.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame (:func:`scheduler.roster_file.load_roster`), sorted by
        agent and start.
    requirements : pandas.DataFrame
        The requirements frame (:func:`scheduler.requirements.compute_requirements`
        or :func:`load_requirements`) of the same week.
    centre : Centre
        Channels, targets, shrinkage, break rules and costs.
    agents : pandas.DataFrame
        The agents (:func:`scheduler.agents.load_agents`), for their contracts'
        hourly cost.
    email_carry_in_s : float or None
        Email backlog at the start of the week, agent-seconds; ``None`` (default)
        for the steady state with this roster.
    solver : Mapping or None
        The optimiser's figures (status, objective, best bound, gap, wall time),
        copied to ``kpis["solver"]``.

    Returns
    -------
    Evaluation
        ``coverage``: per requirements row ``interval_start, channel, contacts,
        aht_seconds, required`` (agents to schedule, integer, after shrinkage),
        ``scheduled`` (agents, fractional), and the expected ``service_level``,
        ``asa_seconds``, ``occupancy`` and ``prob_abandon`` (see the module
        docstring).

        ``kpis``: ``{"channels": {name: {...}}, "overall": {...}}`` and, when given,
        ``"solver"``. Per channel: ``service_level`` (contact-weighted over the open
        intervals; for email the share of the week's email answered by its deadline),
        ``target``, ``meets_target``, ``asa_seconds`` (contact-weighted; for email the
        mean wall-clock delay to answer), ``occupancy`` (weighted by the net
        agent-seconds available, i.e. handled work over available time),
        ``prob_abandon`` (contact-weighted, channels with patience only), ``contacts``,
        and in agent-hours ``scheduled_agent_hours`` (sum of ``scheduled`` × interval
        hours), ``required_agent_hours`` (of ``required_fractional``),
        ``understaffed_agent_hours`` and ``overstaffed_agent_hours`` (positive parts of
        ``required_fractional − scheduled`` and of its opposite, over every interval: a
        closed channel requires no one, so anyone on it is overstaffing), ``cost`` (the
        paid cost of work on the channel, with each shift's paid breaks shared over its
        channels by work time) and ``cost_per_contact``; email adds
        ``carry_in_agent_hours`` and ``carry_out_agent_hours``. Overall:
        ``service_level`` (contact-weighted over the queueing channels, not email),
        ``contacts`` and the agent-hour sums over channels, ``paid_hours`` (all segments
        but unpaid ones: an activity is unpaid when every break rule for it has ``paid =
        false``), ``productive_hours`` (work segments), ``schedule_efficiency``
        (required agent-hours over productive hours, not capped: above 1 means
        understaffed overall), ``cost`` (paid hours × the agent's contract
        ``hourly_cost``, × ``evening_multiplier`` for paid time from 18:00 to midnight
        local time and × ``weekend_multiplier`` on Saturdays and Sundays, the two
        multiplying on weekend evenings; each plan interval of a segment is priced by
        the local time at its start), ``currency``, ``agents_rostered`` and ``shifts``.
        Hours and cost are rounded to 2 decimals, seconds to 1, other figures to 4;
        infinite or undefined figures (an unstable queue, a channel without contacts)
        are ``None``.

    Raises
    ------
    InvalidInputError
        When the roster has an agent the agents frame does not.
    """
    requirements = requirements.reset_index(drop=True)
    scheduled = scheduled_per_interval(roster, requirements, centre)[col.SCHEDULED]
    ends = _work_ends(roster)
    leaving = leaving_per_interval(roster, requirements, centre).to_numpy()
    coverage = requirements[
        [col.INTERVAL_START, col.CHANNEL, col.CONTACTS, col.AHT_SECONDS, col.REQUIRED]
    ].copy()
    coverage[col.SCHEDULED] = scheduled
    groups = {
        str(name): index
        for name, index in requirements.groupby(col.CHANNEL, sort=False).groups.items()
    }
    # First the figures without late starts, for the work agents have in hand
    # when they move to another channel; email's are final.
    finish_s = np.zeros(len(requirements))
    first: dict[str, _Figures] = {}
    for name, index in groups.items():
        rows = requirements.loc[index]
        channel = centre.channels[name]
        net = scheduled.loc[index].to_numpy(np.float64) * (1 - channel.shrinkage)
        if channel.kind == "deferrable":
            first[name] = _email_figures(rows, net, channel, centre, email_carry_in_s)
        else:
            first[name] = _queue_figures(rows, net, np.zeros(net.size), channel, centre)
        finish_s[index] = _finish_s(
            channel,
            first[name].occupancy,
            rows[col.AHT_SECONDS].to_numpy(np.float64),
        )
    late = _late_agents(requirements, centre, ends, finish_s)
    channels: dict[str, dict[str, Any]] = {}
    interval_h = centre.interval_s / SECONDS_PER_HOUR
    for name, index in groups.items():
        rows = requirements.loc[index]
        channel = centre.channels[name]
        on_channel = scheduled.loc[index].to_numpy(np.float64)
        figures = first[name]
        if channel.kind != "deferrable":
            net = np.maximum(on_channel * (1 - channel.shrinkage) - late[index], 0.0)
            gone = leaving[index] * (1 - channel.shrinkage)
            figures = _queue_figures(rows, net, gone, channel, centre)
        coverage.loc[index, col.SERVICE_LEVEL] = figures.service_level
        coverage.loc[index, col.ASA_SECONDS] = figures.asa_s
        coverage.loc[index, col.OCCUPANCY] = figures.occupancy
        coverage.loc[index, col.PROB_ABANDON] = figures.prob_abandon
        channels[name] = _channel_kpis(figures, rows, on_channel, channel, interval_h)
    paid, segment_cost = _segment_costs(roster, centre, agents)
    for name, cost in _channel_costs(roster, centre, segment_cost).items():
        if name in channels:
            contacts = channels[name]["contacts"]
            channels[name]["cost"] = cost
            channels[name]["cost_per_contact"] = (
                cost / contacts if contacts > 0 else math.nan
            )
    kpis: dict[str, Any] = {
        "channels": channels,
        "overall": _overall(channels, roster, centre, paid, segment_cost),
    }
    if solver is not None:
        kpis["solver"] = dict(solver)
    logger.info(
        "evaluated %d roster segments against %d requirement rows",
        len(roster),
        len(requirements),
    )
    return Evaluation(coverage=coverage[[*col.COVERAGE_COLUMNS]], kpis=_rounded(kpis))


def write_evaluation(evaluation: Evaluation, out_dir: str | Path) -> None:
    """Write ``coverage.csv`` and ``kpis.json`` into ``out_dir``, each atomically.

    Parameters
    ----------
    evaluation : Evaluation
        From :func:`evaluate_roster`.
    out_dir : str or Path
        Folder, created if needed.
    """
    folder = Path(out_dir)
    text = json.dumps(evaluation.kpis, indent=2, allow_nan=False, default=str) + "\n"
    write_csv(evaluation.coverage, folder / "coverage.csv")
    write_text_atomic(text, folder / "kpis.json")


def load_requirements(path: CsvSource, centre: Centre) -> pd.DataFrame:
    """Read ``requirements.csv`` (as written by ``vuoro requirements``).

    Parameters
    ----------
    path : str, Path or TextFile
        The file (or its text, :class:`scheduler.agents.TextFile`).
    centre : Centre
        The centre it was computed for.

    Returns
    -------
    pandas.DataFrame
        The requirements frame: ``interval_start`` tz-aware in the centre's zone,
        ``open`` bool, numbers as numbers; sorted by interval and channel.

    Raises
    ------
    InvalidInputError
        Naming the file, line, column and value at fault.
    """
    file = csv_source(path)
    frame = read_csv_text(file, col.REQUIREMENTS_COLUMNS)
    frame[col.OPEN] = [
        parse_flag(text, f"{file}: line {line}", col.OPEN)
        for line, text in enumerate(frame[col.OPEN], start=FIRST_DATA_LINE)
    ]
    for name in _NUMBER_COLUMNS:
        values = pd.to_numeric(frame[name], errors="coerce")
        bad = values.isna() & ~frame[name].isin(["", "nan"])
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + FIRST_DATA_LINE
            raise InvalidInputError(
                f"{file}: line {line}: {name} {frame.loc[bad, name].iloc[0]!r} is not "
                "a number; write the file again with vuoro requirements"
            )
        frame[name] = values
    frame[col.REQUIRED] = frame[col.REQUIRED].astype(np.int64)
    frame = col.validate_forecast(frame, centre, str(file))
    return frame.sort_values([col.INTERVAL_START, col.CHANNEL], ignore_index=True)[
        [*col.REQUIREMENTS_COLUMNS]
    ]
