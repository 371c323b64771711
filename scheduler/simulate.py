"""Discrete-event simulation of a planned week: does the roster deliver its promise?

The analytic figures of :mod:`scheduler.evaluate` assume, per interval and channel,
a steady queue with the roster's agents on it: Erlang C or A for phone and walk-in,
the concurrency model for chat (each at the load carried over from the intervals
before: agents whose work on a channel ends take the contacts in hand with them;
without patience, behind the fluid backlog an overload leaves), a fluid FIFO
backlog for email. This module plays the
week out contact by contact instead, with the same inputs, and reports the figures
side by side with the analytic ones. It is a hand-rolled event loop (a heap of
completions merged with two pre-sorted streams, arrivals and roster events) in pure
Python: ``benchmarks/simulate.py`` measures a week of benchmark centre M (150 agents,
31 000 contacts) at about 0.6 s per replication, and simpy ran a bare M/M/n week of
30 000 calls slower than this whole model, so it is not used.

What is simulated
-----------------
Arrivals
    Per channel and interval a Poisson number of contacts with the forecast mean
    (``contacts`` of the requirements frame), at uniform times within the interval:
    a non-homogeneous Poisson process with a piecewise-constant rate. Live, chat
    and walk-in contacts arrive only in open intervals (the analytic side counts no
    others); email arrives round the clock.
Handle times
    The interval's forecast AHT times a draw with mean 1: exponential (the Erlang
    assumption) or lognormal with coefficient of variation ``lognormal_cv``
    (:class:`SimulationSettings`).
Patience
    Phone and walk-in contacts of channels with ``patience_seconds`` draw an
    exponential patience with that mean (the Erlang A assumption) and abandon
    when it runs out before an agent answers.
Chat concurrency
    The model of :mod:`scheduler.erlang`: an agent holds up to ``concurrency``
    chats; holding ``k`` slows each to ``1 / (1 + slowdown·(k - 1))`` of its solo
    speed (a chat's handle time is the work it needs at solo speed), so with
    exponential work the agent completes ``r(k)`` chats a second, as the analytic
    chain assumes. A new chat goes to the least-loaded agent; when every slot is
    full it queues first come first served. The one difference: the analytic chain
    keeps the chats spread evenly, while a simulated chat stays with its agent
    until it ends, so after completions the spread can be uneven (slightly slower
    when ``slowdown > 0``; identical when ``slowdown = 0``).
Email
    One FIFO backlog per deferrable channel, worked only in its processing hours
    (``opening_hours``). Each email's deadline is ``answer_within_business_hours``
    after its arrival on the business-hours clock (which runs only in processing
    hours; an email that arrives at night starts its clock at the next opening).
    An email counts as answered within its deadline when its handling *ends* by
    then; its "ASA" is the wall-clock time from arrival to that end. The backlog
    carried in at the start of the week is given in agent-seconds (by default the
    analytic steady state, the one the analytic figures assume) and becomes that
    many emails of the week's mean AHT, at the head of the queue, not counted.
    Emails that arrive near the end of the week are worked in a following week
    with the same roster and the same forecast (as the analytic model assumes):
    the simulation runs on until the latest deadline of the week's emails.
Roster
    Agents work their ``work`` segments and nothing else: breaks, lunches and
    time off shift are unavailable. A segment that ends while the agent is busy
    (shift end, break, lunch, a change of channel) ends after the contact in hand
    (for chat, after every chat held); the agent takes nothing new. The next
    segment still starts at its rostered time, so an overrun shortens a break.
    Contacts are not pre-empted.
Shrinkage
    The analytic side has ``scheduled × (1 − shrinkage)`` net agents on a channel,
    interpolating its figures between ``floor(net)`` and ``floor(net) + 1``. The
    simulation matches this exactly in expectation: in every interval, of the
    ``k`` agents the roster puts on a channel, ``floor(k·s)``, and one more when a
    draw falls below ``frac(k·s)``, are away for the interval (after finishing the
    contact in hand). So ``floor(net)`` or ``floor(net) + 1`` agents are at work,
    with the weights the analytic interpolation gives them. Who goes away first
    (a random order of the agents) and that draw are drawn once per day, so the
    same agents stay away while the roster stays the same, as with absence; a
    reshuffle every interval would let the agents leaving finish their contacts
    every 15 minutes and add capacity the analytic side does not have.
Routing (``routing``)
    ``"rostered"``: an agent serves only the channel its current work segment
    names, as the analytic model assumes (the optimiser's allocation). ``"skills"``
    (the default, and the truth of a blended centre): an agent serves every channel
    among its ``skills`` (walk-in channels only at its own site) and the channel of
    its segment. A free agent takes the waiting contact of its highest-priority
    channel (ties: the one that has waited longest); a new contact goes to an idle
    agent rostered on its channel if there is one, else to any idle agent with the
    skill (the longest idle first). Priorities default to live and walk-in first,
    then chat, then email (email in idle time) and can be set per channel
    (:attr:`SimulationSettings.priorities`, lower first). An agent holding chats
    takes only more chats; an agent on a call or an email takes nothing else.

Figures
-------
Per interval and channel (the interval a contact *arrives* in), and per week and
channel, as the analytic side defines them: ``service_level`` is the share of all
offered contacts answered within the target time (abandoned ones count as not
answered in time; for email, answered within the deadline), ``asa_seconds`` the
mean time in queue until answer or abandonment over all offered contacts (email:
arrival to reply, over the replied), ``prob_abandon`` the share that abandoned,
``prob_wait`` the share that waited at all, and ``occupancy`` the time spent on the
channel's contacts (chat: chat slots in use) over that time plus the idle time of
the agents rostered on the channel. Each replication gives one value; the report is
their mean and the half-width of its confidence interval (Student t, 95 % by
default). Weekly figures are contact-weighted within each replication.

Replications are independent and seeded (``numpy.random.SeedSequence(seed)``
spawns one seed per replication), so the result does not depend on how many
processes run them (``workers``).
"""

from __future__ import annotations

import bisect
import heapq
import logging
import math
import os
import time
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from scheduler import schema as col
from scheduler.agents import AGENT_ID, SITE, SKILLS
from scheduler.config import Centre, Channel
from scheduler.evaluate import Evaluation, evaluate_roster
from scheduler.exceptions import InvalidInputError
from scheduler.export import write_csv
from scheduler.plan import Plan
from scheduler.units import SECONDS_PER_HOUR

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

HandleTime = Literal["exponential", "lognormal"]
Routing = Literal["rostered", "skills"]

#: Weekly figures of the simulation, per channel (``simulation.csv``).
SIMULATION_FILE = "simulation.csv"
#: Service-level difference (a fraction: 0.03 is 3 points) beyond which a channel
#: is flagged.
DEFAULT_TOLERANCE = 0.03

# Channel kinds inside the event loop.
_QUEUE, _CHAT, _EMAIL = 0, 1, 2
# Roster events; at equal times ends come before starts, starts before wake-ups.
_END, _START, _WAKE = 0, 1, 2
_DEFAULT_PRIORITY = {"live": 0, "walk_in": 0, "concurrent": 1, "deferrable": 2}
_SECONDS_PER_DAY = 86_400
_WEEK_S = 7 * _SECONDS_PER_DAY
# Figures kept per replication, channel and interval (the tallies).
_TALLIES = (
    "offered",
    "answered",
    "answered_within",
    "abandoned",
    "waited",
    "wait_s",
    "busy_s",
    "capacity_s",
)


@dataclass(frozen=True)
class SimulationSettings:
    """How to simulate a week.

    Parameters
    ----------
    replications : int
        Independent runs of the week (at least 1; 2 or more for confidence
        intervals).
    seed : int
        Seed of the first replication's random numbers; the same seed gives the
        same figures.
    handle_time : {"exponential", "lognormal"}
        Distribution of handle times around the forecast AHT.
    lognormal_cv : float
        Coefficient of variation (standard deviation over mean) of lognormal
        handle times.
    routing : {"skills", "rostered"}
        ``"skills"``: agents serve every skill, by priority; ``"rostered"``: only
        the channel of their current work segment (see the module docstring).
    priorities : Mapping of str to int or None
        Routing priority per channel name, lower first; channels not named take
        the default by kind (live and walk-in 0, chat 1, email 2).
    workers : int or None
        Processes running replications in parallel; ``None`` for one per CPU (at
        most one per replication), 1 to run in this process.
    confidence : float
        Level of the confidence intervals, in (0, 1).
    """

    replications: int = 20
    seed: int = 0
    handle_time: HandleTime = "exponential"
    lognormal_cv: float = 1.0
    routing: Routing = "skills"
    priorities: Mapping[str, int] | None = None
    workers: int | None = None
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if self.replications < 1:
            raise InvalidInputError(
                f"replications = {self.replications!r}: simulate at least 1 "
                "replication (20 gives confidence intervals of about a point)"
            )
        if self.handle_time not in ("exponential", "lognormal"):
            raise InvalidInputError(
                f"handle_time = {self.handle_time!r} is not 'exponential' or "
                "'lognormal'"
            )
        if not self.lognormal_cv > 0:
            raise InvalidInputError(
                f"lognormal_cv = {self.lognormal_cv!r} must be > 0 (1.0 is typical "
                "of call handle times)"
            )
        if self.routing not in ("skills", "rostered"):
            raise InvalidInputError(
                f"routing = {self.routing!r} is not 'skills' or 'rostered'"
            )
        if self.workers is not None and self.workers < 1:
            raise InvalidInputError(
                f"workers = {self.workers!r} must be >= 1 (or None for one per CPU)"
            )
        if not 0 < self.confidence < 1:
            raise InvalidInputError(
                f"confidence = {self.confidence!r} must be in (0, 1), e.g. 0.95"
            )


@dataclass(frozen=True)
class Simulation:
    """Simulated figures of a roster over its replications.

    Attributes
    ----------
    intervals : pandas.DataFrame
        One row per row of the requirements frame: ``interval_start, channel,
        contacts`` (forecast), ``offered`` (mean simulated count), and for each of
        ``service_level, asa_seconds, prob_abandon, prob_wait, occupancy`` the mean
        over replications and its confidence half-width (``service_level_half_width``,
        ``asa_seconds_half_width``, ...). NaN where no replication had a contact (or,
        for occupancy, any agent).
    weekly : pandas.DataFrame
        One row per channel: ``channel, kind, target, contacts, offered`` and the
        same figures, contact-weighted over the week in each replication.
    settings : SimulationSettings
        How it was simulated.
    wall_s_per_replication : float
        Mean wall-clock seconds of one replication (in its process).
    wall_s : float
        Wall-clock seconds of the whole simulation.
    """

    intervals: pd.DataFrame
    weekly: pd.DataFrame
    settings: SimulationSettings
    wall_s_per_replication: float
    wall_s: float


@dataclass(frozen=True)
class Verification:
    """Simulated figures side by side with the analytic ones.

    Attributes
    ----------
    intervals : pandas.DataFrame
        Per interval and channel: ``interval_start, channel, contacts, offered``,
        ``analytic_service_level, simulated_service_level,
        service_level_half_width, difference`` (simulated − analytic), ``flagged``,
        and analytic and simulated ``asa_seconds``, ``prob_abandon`` and
        ``occupancy`` (``analytic_*``, ``simulated_*`` and the simulated
        ``*_half_width``), and ``simulated_prob_wait``.
    weekly : pandas.DataFrame
        The same per channel over the week, with ``kind, target`` and
        ``meets_target`` (the simulated service level against the target).
    settings : SimulationSettings
        How it was simulated.
    tolerance : float
        A difference is ``flagged`` when it exceeds this (a fraction, 0.03 = 3
        points) and the confidence half-width.
    wall_s_per_replication : float
        Mean wall-clock seconds of one replication.
    wall_s : float
        Wall-clock seconds of the whole simulation.
    """

    intervals: pd.DataFrame
    weekly: pd.DataFrame
    settings: SimulationSettings
    tolerance: float
    wall_s_per_replication: float
    wall_s: float

    @property
    def flagged_channels(self) -> list[str]:
        """Channels whose weekly simulated service level is flagged."""
        return [str(c) for c in self.weekly.loc[self.weekly["flagged"], col.CHANNEL]]


# --------------------------------------------------------------------------- setup
@dataclass(frozen=True)
class _ChannelSpec:
    name: str
    kind: int  # _QUEUE, _CHAT or _EMAIL
    priority: int
    concurrency: int
    slowdown: float
    patience_s: float  # inf without patience
    target_s: float  # answer within (queues) or business-hours deadline (email)
    shrinkage: float


@dataclass(frozen=True)
class _Clock:
    """The business-hours clock of a deferrable channel (processing segments)."""

    starts: FloatArray
    ends: FloatArray
    before: FloatArray  # business seconds before each segment

    def at(self, t: FloatArray) -> FloatArray:
        """Business seconds elapsed at each wall time ``t`` (epoch seconds)."""
        i = np.maximum(np.searchsorted(self.starts, t, side="right") - 1, 0)
        run: FloatArray = self.before[i] + np.clip(
            t - self.starts[i], 0.0, self.ends[i] - self.starts[i]
        )
        return run

    def reach(self, business_s: FloatArray) -> FloatArray:
        """Earliest wall time at which the clock shows ``business_s``."""
        cumulative = self.before + (self.ends - self.starts)
        j = np.minimum(
            np.searchsorted(cumulative, business_s, side="left"), self.starts.size - 1
        )
        wall: FloatArray = self.starts[j] + (business_s - self.before[j])
        return wall


@dataclass(frozen=True)
class _Setup:
    """Everything a replication needs, independent of its random numbers."""

    channels: tuple[_ChannelSpec, ...]
    t0: float  # epoch seconds of the first interval
    step: int  # interval seconds
    horizon_s: float  # length of the planned horizon
    stop: float  # epoch seconds at which the simulation ends
    copies: int  # following horizons simulated for late email deadlines
    grid: FloatArray  # (G,) epoch seconds of each interval start
    grid_slot: IntArray  # (G,) slot of each interval
    n_slots: int
    contacts: FloatArray  # (C, G) expected arrivals
    aht_s: FloatArray  # (C, G)
    arrives: npt.NDArray[np.bool_]  # (C, G) whether contacts arrive then
    clocks: dict[int, _Clock]  # by channel index, deferrable channels
    pieces: tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray]
    agent_skills: tuple[tuple[int, ...], ...]  # eligible channels per agent
    routing: Routing
    handle_time: HandleTime
    lognormal_cv: float
    carry_in: tuple[tuple[int, int, float], ...]  # (channel, emails, AHT)
    arrivals: tuple[IntArray, FloatArray, FloatArray] | None  # given contacts


def _epoch_s(stamps: pd.Series | pd.DatetimeIndex) -> FloatArray:
    """Tz-aware timestamps as seconds since 1970-01-01 UTC."""
    index = pd.DatetimeIndex(stamps)
    values = index.tz_convert("UTC").tz_localize(None).to_numpy("datetime64[ns]")
    seconds: FloatArray = values.astype(np.int64).astype(np.float64) / 1e9
    return seconds


def _channel_spec(name: str, channel: Channel, priority: int | None) -> _ChannelSpec:
    if channel.kind == "deferrable":
        assert channel.answer_within_business_hours is not None
        kind, target_s = _EMAIL, channel.answer_within_business_hours * SECONDS_PER_HOUR
    else:
        assert channel.answer_within_seconds is not None
        kind = _CHAT if channel.kind == "concurrent" else _QUEUE
        target_s = channel.answer_within_seconds
    patience = channel.patience_seconds
    return _ChannelSpec(
        name=name,
        kind=kind,
        priority=_DEFAULT_PRIORITY[channel.kind] if priority is None else priority,
        concurrency=channel.concurrency if kind == _CHAT else 1,
        slowdown=channel.concurrency_slowdown if kind == _CHAT else 0.0,
        patience_s=math.inf if patience is None else float(patience),
        target_s=float(target_s),
        shrinkage=channel.shrinkage,
    )


def _processing_clock(
    channel: Channel, centre: Centre, first_s: float, business_s: float
) -> _Clock:
    """Processing segments from the day before ``first_s`` until ``business_s`` of
    processing time have passed after ``first_s`` (and at least two weeks)."""
    first_day = (
        pd.Timestamp(first_s, unit="s", tz="UTC").tz_convert(centre.zone).normalize()
    )
    start_day = first_day.tz_localize(None) - pd.Timedelta(days=1)
    days = 21
    while True:
        dates = pd.date_range(start_day, periods=days, freq="D")
        hours = [channel.hours(int(d.weekday())) for d in dates]
        keep = np.array([h.is_open for h in hours])
        if not keep.any():
            raise InvalidInputError(
                f"deferrable channel has no processing hours on any day: give it "
                f"opening_hours (now {dict(channel.opening_hours)})"
            )
        opens = dates[keep] + pd.to_timedelta(
            [h.open_minute for h, k in zip(hours, keep, strict=True) if k], unit="min"
        )
        closes = dates[keep] + pd.to_timedelta(
            [h.close_minute for h, k in zip(hours, keep, strict=True) if k], unit="min"
        )
        first_time = np.ones(opens.size, dtype=bool)  # a repeated hour: its first
        starts = _epoch_s(
            opens.tz_localize(
                centre.zone, ambiguous=first_time, nonexistent="shift_forward"
            )
        )
        ends = _epoch_s(
            closes.tz_localize(
                centre.zone, ambiguous=first_time, nonexistent="shift_forward"
            )
        )
        lengths = ends - starts
        before = np.concatenate([[0.0], np.cumsum(lengths)[:-1]])
        clock = _Clock(starts=starts, ends=ends, before=before)
        needed = float(clock.at(np.array([first_s]))[0]) + business_s
        if before[-1] > needed + 1.0:
            return clock
        days += 28


def _pieces(
    roster: pd.DataFrame,
    agent_index: Mapping[str, int],
    channel_index: Mapping[str, int],
    t0: float,
    step: int,
    horizon_s: float,
) -> tuple[IntArray, IntArray, IntArray, FloatArray, FloatArray]:
    """Work segments cut at interval edges: (agent, slot, channel, start, end)."""
    work = roster.loc[roster[col.ACTIVITY] == "work"]
    unknown = sorted(set(work[col.CHANNEL]) - set(channel_index))
    if unknown:
        raise InvalidInputError(
            f"roster work segments on channel(s) {', '.join(map(repr, unknown))}, "
            "which the requirements do not have; plan those channels or fix the roster"
        )
    starts = np.maximum(_epoch_s(work[col.START]) - t0, 0.0)
    ends = np.minimum(_epoch_s(work[col.END]) - t0, horizon_s)
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    agents = np.array([agent_index[a] for a in work[col.AGENT_ID]], dtype=np.int64)
    agents = agents[keep]
    channels = np.array([channel_index[c] for c in work[col.CHANNEL]], dtype=np.int64)
    channels = channels[keep]
    first = np.floor(starts / step).astype(np.int64)
    last = np.ceil(ends / step).astype(np.int64)
    count = last - first
    segment = np.repeat(np.arange(starts.size), count)
    offset = np.arange(segment.size) - np.repeat(np.cumsum(count) - count, count)
    slot = first[segment] + offset
    piece_start = np.maximum(starts[segment], slot * float(step)) + t0
    piece_end = np.minimum(ends[segment], (slot + 1) * float(step)) + t0
    return agents[segment], slot, channels[segment], piece_start, piece_end


def _prepare(
    roster: pd.DataFrame,
    requirements: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    settings: SimulationSettings,
    email_carry_in_s: Mapping[str, float],
    arrivals: pd.DataFrame | None,
) -> _Setup:
    names = [c for c in centre.channels if c in set(requirements[col.CHANNEL])]
    priorities = dict(settings.priorities or {})
    unknown = sorted(set(priorities) - set(centre.channels))
    if unknown:
        raise InvalidInputError(
            f"priorities name channel(s) {', '.join(map(repr, unknown))}, which the "
            f"centre does not have (channels: {', '.join(centre.channels)})"
        )
    specs = tuple(
        _channel_spec(n, centre.channels[n], priorities.get(n)) for n in names
    )
    channel_index = {n: i for i, n in enumerate(names)}
    step = centre.interval_s
    grid = np.unique(_epoch_s(requirements[col.INTERVAL_START]))
    t0 = float(grid[0])
    offsets = (grid - t0) / step
    if not np.allclose(offsets, np.round(offsets)):
        raise InvalidInputError(
            "requirements: interval starts are not on one "
            f"{centre.interval_minutes}-minute grid; compute them for this centre"
        )
    grid_slot = np.round(offsets).astype(np.int64)
    horizon_s = float(grid[-1] - t0 + step)
    g_of = {float(t): g for g, t in enumerate(grid)}
    rows_c = requirements[col.CHANNEL].map(channel_index).to_numpy(np.int64)
    rows_g = np.array(
        [g_of[float(t)] for t in _epoch_s(requirements[col.INTERVAL_START])]
    )
    shape = (len(specs), grid.size)
    contacts, aht = np.zeros(shape), np.ones(shape)
    arrives = np.zeros(shape, dtype=bool)
    contacts[rows_c, rows_g] = requirements[col.CONTACTS].to_numpy(np.float64)
    aht[rows_c, rows_g] = requirements[col.AHT_SECONDS].to_numpy(np.float64)
    is_open = requirements[col.OPEN].to_numpy(bool)
    is_email = np.array([specs[c].kind == _EMAIL for c in rows_c], dtype=bool)
    arrives[rows_c, rows_g] = is_open | is_email

    clocks = {
        i: _processing_clock(
            centre.channels[s.name], centre, t0, horizon_s + s.target_s
        )
        for i, s in enumerate(specs)
        if s.kind == _EMAIL
    }
    stop = t0 + horizon_s
    for i, clock in clocks.items():
        end_clock = clock.at(np.array([t0 + horizon_s]))
        latest = float(clock.reach(end_clock + specs[i].target_s)[0])
        stop = max(stop, latest)
    copies = math.ceil((stop - t0 - horizon_s) / horizon_s - 1e-9)
    if copies and abs(horizon_s - _WEEK_S) > SECONDS_PER_HOUR:
        logger.warning(
            "the horizon is %.1f days, not a week: emails due after it are worked "
            "in a repeat of it, whose weekdays differ",
            horizon_s / _SECONDS_PER_DAY,
        )
    n_slots = math.ceil((stop - t0) / step) + 2

    ids = [str(a) for a in agents[AGENT_ID]]
    agent_index = {a: i for i, a in enumerate(ids)}
    missing = sorted(set(roster[col.AGENT_ID].astype(str)) - set(agent_index))
    if missing:
        raise InvalidInputError(
            f"roster agent(s) {', '.join(missing[:10])} are not in the agents; add "
            "them to agents.csv or remove their rows"
        )
    roster = roster.assign(**{col.AGENT_ID: roster[col.AGENT_ID].astype(str)})
    pieces = _pieces(roster, agent_index, channel_index, t0, step, horizon_s)
    agent_skills = []
    for skills, site in zip(agents[SKILLS], agents[SITE], strict=True):
        usable = [
            channel_index[s]
            for s in skills
            if s in channel_index and centre.channels[s].site in (None, site)
        ]
        agent_skills.append(tuple(sorted(usable, key=lambda c: specs[c].priority)))

    carry_in = []
    for name, work_s in email_carry_in_s.items():
        if name not in channel_index or work_s <= 0:
            continue
        c = channel_index[name]
        mean_aht = float(np.average(aht[c], weights=contacts[c] + 1e-12))
        carry_in.append((c, round(work_s / mean_aht), mean_aht))
    given = None
    if arrivals is not None:
        given = _given_arrivals(arrivals, channel_index, t0, horizon_s)
    return _Setup(
        channels=specs,
        t0=t0,
        step=step,
        horizon_s=horizon_s,
        stop=stop,
        copies=copies,
        grid=grid,
        grid_slot=grid_slot,
        n_slots=n_slots,
        contacts=contacts,
        aht_s=aht,
        arrives=arrives,
        clocks=clocks,
        pieces=pieces,
        agent_skills=tuple(agent_skills),
        routing=settings.routing,
        handle_time=settings.handle_time,
        lognormal_cv=settings.lognormal_cv,
        carry_in=tuple(carry_in),
        arrivals=given,
    )


#: Columns of an explicit arrivals frame (see :func:`simulate_week`).
ARRIVAL = "arrival"
HANDLE_SECONDS = "handle_seconds"


def _given_arrivals(
    arrivals: pd.DataFrame,
    channel_index: Mapping[str, int],
    t0: float,
    horizon_s: float,
) -> tuple[IntArray, FloatArray, FloatArray]:
    missing = {col.CHANNEL, ARRIVAL, HANDLE_SECONDS} - set(arrivals.columns)
    if missing:
        raise InvalidInputError(
            f"arrivals: missing column(s) {', '.join(sorted(missing))}; give "
            f"{col.CHANNEL}, {ARRIVAL} (tz-aware) and {HANDLE_SECONDS}"
        )
    unknown = sorted(set(arrivals[col.CHANNEL]) - set(channel_index))
    if unknown:
        raise InvalidInputError(
            f"arrivals: channel(s) {', '.join(map(repr, unknown))} are not planned"
        )
    at = _epoch_s(arrivals[ARRIVAL])
    outside = (at < t0) | (at >= t0 + horizon_s)
    if outside.any():
        raise InvalidInputError(
            f"arrivals: row {int(np.flatnonzero(outside)[0]) + 1}: arrival "
            f"{arrivals[ARRIVAL].iloc[int(np.flatnonzero(outside)[0])]} is outside "
            "the planned intervals"
        )
    work = arrivals[HANDLE_SECONDS].to_numpy(np.float64)
    if not (work > 0).all():
        raise InvalidInputError(
            f"arrivals: row {int(np.flatnonzero(~(work > 0))[0]) + 1}: "
            f"{HANDLE_SECONDS} must be > 0"
        )
    chan = np.asarray(arrivals[col.CHANNEL].map(channel_index), dtype=np.int64)
    return chan, at, work


# ---------------------------------------------------------------------------- draws
@dataclass(frozen=True)
class _Draw:
    """One replication's random inputs."""

    channel: IntArray
    arrival: FloatArray
    work_s: FloatArray
    patience_at: FloatArray  # wall time at which patience runs out (inf: never)
    deadline: FloatArray  # email deadline (NaN for other channels)
    row: IntArray  # interval index of counted contacts, -1 for others
    events: tuple[list[float], list[int], list[int], list[int]]


def handle_time_factors(
    handle_time: HandleTime, lognormal_cv: float, rng: np.random.Generator, n: int
) -> FloatArray:
    """Handle-time multipliers with mean 1: exponential, or lognormal with the
    given coefficient of variation (``sigma² = ln(1 + cv²)``, ``mu = -sigma²/2``).

    Parameters
    ----------
    handle_time : {"exponential", "lognormal"}
        The distribution.
    lognormal_cv : float
        Standard deviation over mean of the lognormal.
    rng : numpy.random.Generator
        Source of the draws.
    n : int
        How many.
    """
    if handle_time == "exponential":
        return rng.exponential(1.0, n)
    sigma2 = math.log1p(lognormal_cv**2)
    return rng.lognormal(-sigma2 / 2, math.sqrt(sigma2), n)


def _work_factors(setup: _Setup, rng: np.random.Generator, n: int) -> FloatArray:
    return handle_time_factors(setup.handle_time, setup.lognormal_cv, rng, n)


def _draw(setup: _Setup, seed: np.random.SeedSequence) -> _Draw:
    n_channels = len(setup.channels)
    # One stream per channel and purpose: a channel's draws depend neither on the
    # other channels nor on its kind.
    arrival_seed, work_seed, patience_seed, away_seed = seed.spawn(4)
    arrival_seeds = arrival_seed.spawn(n_channels)
    work_seeds = work_seed.spawn(n_channels + 1)
    patience_seeds = patience_seed.spawn(n_channels)
    parts: list[tuple[IntArray, FloatArray, FloatArray, FloatArray, IntArray]] = []
    carry_rng = np.random.default_rng(work_seeds[-1])
    for c, count, mean_aht in setup.carry_in:
        parts.append(
            (
                np.full(count, c, dtype=np.int64),
                np.full(count, setup.t0),
                mean_aht * _work_factors(setup, carry_rng, count),
                np.full(count, np.inf),
                np.full(count, -1, dtype=np.int64),
            )
        )
    for c, spec in enumerate(setup.channels):
        arrive_rng = np.random.default_rng(arrival_seeds[c])
        work_rng = np.random.default_rng(work_seeds[c])
        patience_rng = np.random.default_rng(patience_seeds[c])
        for copy in range(setup.copies + 1):
            if setup.arrivals is not None:
                given_c, given_t, given_w = setup.arrivals
                mine = given_c == c
                at = given_t[mine] + copy * setup.horizon_s
                work = given_w[mine]
                row = np.searchsorted(setup.grid, given_t[mine], side="right") - 1
            else:
                lam = np.where(setup.arrives[c], setup.contacts[c], 0.0)
                row = np.repeat(np.arange(lam.size), arrive_rng.poisson(lam))
                at = (
                    setup.grid[row]
                    + copy * setup.horizon_s
                    + arrive_rng.random(row.size) * setup.step
                )
                work = setup.aht_s[c, row] * _work_factors(setup, work_rng, row.size)
            patience_at = (
                at + patience_rng.exponential(spec.patience_s, at.size)
                if math.isfinite(spec.patience_s)
                else np.full(at.size, np.inf)
            )
            keep = at < setup.stop
            counted = row[keep] if copy == 0 else np.full(int(keep.sum()), -1)
            parts.append(
                (
                    np.full(int(keep.sum()), c, dtype=np.int64),
                    at[keep],
                    work[keep],
                    patience_at[keep],
                    counted.astype(np.int64),
                )
            )
    arrival = np.concatenate([p[1] for p in parts])
    order = np.argsort(arrival, kind="stable")
    arrival = arrival[order]
    channel = np.concatenate([p[0] for p in parts])[order]
    work_s = np.concatenate([p[2] for p in parts])[order]
    patience_at = np.concatenate([p[3] for p in parts])[order]
    row = np.concatenate([p[4] for p in parts])[order]
    deadline = np.full(arrival.size, np.nan)
    for c, clock in setup.clocks.items():
        mine = channel == c
        deadline[mine] = clock.reach(
            clock.at(arrival[mine]) + setup.channels[c].target_s
        )
    return _Draw(
        channel=channel,
        arrival=arrival,
        work_s=work_s,
        patience_at=patience_at,
        deadline=deadline,
        row=row,
        events=_roster_events(setup, np.random.default_rng(away_seed)),
    )


def _roster_events(
    setup: _Setup, rng: np.random.Generator
) -> tuple[list[float], list[int], list[int], list[int]]:
    """Sorted (time, kind, agent, channel) of availability starts and ends, and of
    the openings of email processing, with this replication's shrinkage."""
    agent, slot, channel, start, end = setup.pieces
    copies = setup.copies + 1
    shift = np.repeat(np.arange(copies), agent.size)
    agent, channel = np.tile(agent, copies), np.tile(channel, copies)
    slot = np.tile(slot, copies) + shift * round(setup.horizon_s / setup.step)
    start = np.tile(start, copies) + shift * setup.horizon_s
    end = np.tile(end, copies) + shift * setup.horizon_s
    keep = start < setup.stop
    agent, channel, slot = agent[keep], channel[keep], slot[keep]
    start, end = start[keep], np.minimum(end[keep], setup.stop)

    # Shrinkage: in each interval and channel, floor(k·s) of the k agents on it,
    # and one more when a draw falls below frac(k·s), are away. The order in
    # which agents go away and that draw are drawn once per day (per agent, and
    # per channel), so the same agents stay away while the roster stays the same.
    n_channels = len(setup.channels)
    n_agents = len(setup.agent_skills)
    day = slot // max(round(_SECONDS_PER_DAY / setup.step), 1)
    n_days = int(day.max(initial=0)) + 1
    agent_order = rng.random((n_agents, n_days))[agent, day]
    extra_draw = rng.random((n_channels, n_days))
    key = slot * n_channels + channel
    order = np.lexsort((agent_order, key))
    keys, first, counts = np.unique(key[order], return_index=True, return_counts=True)
    group = np.repeat(np.arange(keys.size), counts)
    rank = np.arange(key.size) - first[group]
    group_channel = keys % n_channels
    group_day = day[order][first]
    shrinkage = np.array([s.shrinkage for s in setup.channels])[group_channel]
    expected = counts * shrinkage
    whole = np.floor(expected + 1e-9)
    away_n = whole + (extra_draw[group_channel, group_day] < expected - whole)
    away = np.empty(key.size, dtype=bool)
    away[order] = rank < away_n[group]
    present = ~away
    agent, channel = agent[present], channel[present]
    start, end = start[present], end[present]

    # Merge back-to-back pieces of one agent on one channel into windows.
    order = np.lexsort((start, agent))
    agent, channel, start, end = agent[order], channel[order], start[order], end[order]
    new = np.ones(agent.size, dtype=bool)
    new[1:] = (
        (agent[1:] != agent[:-1])
        | (channel[1:] != channel[:-1])
        | (start[1:] != end[:-1])
    )
    window = np.cumsum(new) - 1
    w_agent, w_channel, w_start = agent[new], channel[new], start[new]
    w_end = np.zeros(w_agent.size)
    np.maximum.at(w_end, window, end)

    times = [w_end, w_start]
    kinds = [np.full(w_end.size, _END), np.full(w_start.size, _START)]
    who = [w_agent, w_agent]
    what = [w_channel, w_channel]
    for c, clock in setup.clocks.items():
        opens = clock.starts[(clock.starts >= setup.t0) & (clock.starts < setup.stop)]
        times.append(opens)
        kinds.append(np.full(opens.size, _WAKE))
        who.append(np.full(opens.size, -1))
        what.append(np.full(opens.size, c))
    t = np.concatenate(times)
    k = np.concatenate(kinds)
    order = np.lexsort((k, t))
    return (
        t[order].tolist(),
        k[order].tolist(),
        np.concatenate(who)[order].tolist(),
        np.concatenate(what)[order].tolist(),
    )


# ------------------------------------------------------------------------ the loop
@dataclass(frozen=True)
class _Outcome:
    """What happened to each contact, and time spent per channel and slot."""

    answered_at: FloatArray  # -1 when never answered
    done_at: FloatArray  # -1 when not finished by the end
    busy_s: FloatArray  # (C, slots) seconds handling the channel's contacts
    capacity_s: FloatArray  # (C, slots) seconds of contact slots available


def _run(setup: _Setup, draw: _Draw) -> _Outcome:
    """Play one replication out, event by event."""
    specs = setup.channels
    n_channels = len(specs)
    kind = [s.kind for s in specs]
    conc = [s.concurrency for s in specs]
    slow = [s.slowdown for s in specs]
    prio = [s.priority for s in specs]
    t0, step, stop, n_slots = setup.t0, float(setup.step), setup.stop, setup.n_slots
    clock_starts = {c: k.starts.tolist() for c, k in setup.clocks.items()}
    clock_ends = {c: k.ends.tolist() for c, k in setup.clocks.items()}

    chan: list[int] = draw.channel.tolist()
    arr: list[float] = draw.arrival.tolist()
    work: list[float] = draw.work_s.tolist()
    pat: list[float] = draw.patience_at.tolist()
    n = len(arr)
    ans = [-1.0] * n
    done = [-1.0] * n

    n_agents = len(setup.agent_skills)
    skills = setup.agent_skills
    rostered_only = setup.routing == "rostered"
    avail = [False] * n_agents
    rch = [-1] * n_agents  # rostered channel of the current window
    elig: list[tuple[int, ...]] = [()] * n_agents
    mode = [-1] * n_agents  # channel being served, -1 when idle
    held: list[list[list[float]]] = [[] for _ in range(n_agents)]  # [contact, work]
    last = [0.0] * n_agents  # time the held work was last brought up to date
    version = [0] * n_agents
    since = [t0] * n_agents
    bucket: list[tuple[int, int] | None] = [None] * n_agents

    idle_own: list[dict[int, None]] = [{} for _ in range(n_channels)]
    idle_other: list[dict[int, None]] = [{} for _ in range(n_channels)]
    loads: list[list[dict[int, None]]] = [
        [{} for _ in range(conc[c])] for c in range(n_channels)
    ]
    queues: list[deque[int]] = [deque() for _ in range(n_channels)]
    busy = [[0.0] * n_slots for _ in range(n_channels)]
    manned = [[0.0] * n_slots for _ in range(n_channels)]
    heap: list[tuple[float, int, int, int]] = []
    counter = 0

    def add_span(into: list[float], a: float, b: float) -> None:
        i = int((a - t0) // step)
        while a < b:
            edge = t0 + (i + 1) * step
            e = edge if edge < b else b
            into[i] += e - a
            a = e
            i += 1

    def account(a: int, t: float) -> None:
        s = since[a]
        if t > s:
            m = mode[a]
            if m >= 0:
                add_span(manned[m], s, t)
            elif avail[a] and rch[a] >= 0:
                add_span(manned[rch[a]], s, t)
        since[a] = t

    def processing(c: int, t: float) -> bool:
        i = bisect.bisect_right(clock_starts[c], t) - 1
        return i >= 0 and t < clock_ends[c][i]

    def head(c: int, t: float) -> int:
        q = queues[c]
        while q:
            i = q[0]
            if pat[i] <= t:  # patience ran out while waiting: abandoned
                q.popleft()
                continue
            return i
        return -1

    def rebucket(a: int) -> None:
        old = bucket[a]
        if old is not None:
            del loads[old[0]][old[1]][a]
            bucket[a] = None
        m = mode[a]
        if m >= 0 and kind[m] == _CHAT and avail[a] and m in elig[a]:
            k = len(held[a])
            if 0 < k < conc[m]:
                loads[m][k][a] = None
                bucket[a] = (m, k)

    def drop_idle(a: int) -> None:
        for c in elig[a]:
            idle_own[c].pop(a, None)
            idle_other[c].pop(a, None)

    def advance(a: int, t: float) -> None:
        h = held[a]
        if h:
            speed = 1.0 / (1.0 + slow[mode[a]] * (len(h) - 1))
            elapsed = (t - last[a]) * speed
            if elapsed:
                for x in h:
                    x[1] -= elapsed
        last[a] = t

    def schedule(a: int, t: float) -> None:
        nonlocal counter
        h = held[a]
        speed = 1.0 / (1.0 + slow[mode[a]] * (len(h) - 1))
        soonest = min(x[1] for x in h)
        version[a] += 1
        counter += 1
        heapq.heappush(heap, (t + soonest / speed, counter, a, version[a]))

    def serve(a: int, i: int, t: float) -> None:
        """Agent ``a`` (idle, or holding chats of the same channel) takes ``i``."""
        if mode[a] < 0:
            account(a, t)
            mode[a] = chan[i]
        advance(a, t)
        ans[i] = t
        held[a].append([float(i), work[i]])

    def fill_chats(a: int, c: int, t: float) -> None:
        while len(held[a]) < conc[c]:
            i = head(c, t)
            if i < 0:
                break
            queues[c].popleft()
            serve(a, i, t)

    def dispatch(a: int, t: float) -> None:
        """An idle, available agent looks for work, or waits in the idle pools."""
        best, best_at = -1, math.inf
        for c in elig[a]:
            if best >= 0 and prio[c] > prio[best]:
                break
            if kind[c] == _EMAIL and not processing(c, t):
                continue
            i = head(c, t)
            if i >= 0 and arr[i] < best_at:
                best, best_at = c, arr[i]
        if best < 0:
            own = rch[a]
            for c in elig[a]:
                (idle_own if c == own else idle_other)[c][a] = None
            return
        i = queues[best].popleft()
        serve(a, i, t)
        if kind[best] == _CHAT:
            fill_chats(a, best, t)
            rebucket(a)
        schedule(a, t)

    def complete(a: int, t: float) -> None:
        c = mode[a]
        advance(a, t)
        h = held[a]
        j = min(range(len(h)), key=lambda x: h[x][1])
        i = int(h.pop(j)[0])
        done[i] = t
        add_span(busy[c], ans[i], t)
        if avail[a] and kind[c] == _CHAT and c in elig[a]:
            fill_chats(a, c, t)
        if h:
            rebucket(a)
            schedule(a, t)
            return
        account(a, t)
        mode[a] = -1
        rebucket(a)
        if avail[a]:
            dispatch(a, t)

    def arrive(i: int, t: float) -> None:
        c = chan[i]
        if kind[c] == _EMAIL and not processing(c, t):
            queues[c].append(i)
            return
        pool = idle_own[c] or idle_other[c]
        if pool:
            a = next(iter(pool))
            drop_idle(a)
            serve(a, i, t)
            if kind[c] == _CHAT:
                rebucket(a)
            schedule(a, t)
            return
        if kind[c] == _CHAT:
            for k in range(1, conc[c]):
                if loads[c][k]:
                    a = next(iter(loads[c][k]))
                    serve(a, i, t)
                    rebucket(a)
                    schedule(a, t)
                    return
        queues[c].append(i)

    ev_time, ev_kind, ev_agent, ev_channel = draw.events
    n_events = len(ev_time)
    next_arrival = next_event = 0
    inf = math.inf
    while True:
        ta = arr[next_arrival] if next_arrival < n else inf
        te = ev_time[next_event] if next_event < n_events else inf
        th = heap[0][0] if heap else inf
        if te <= th and te <= ta:
            if te >= stop:
                break
            a, what, c = (
                ev_agent[next_event],
                ev_kind[next_event],
                ev_channel[next_event],
            )
            next_event += 1
            if what == _END:
                account(a, te)
                drop_idle(a)
                avail[a] = False
                rebucket(a)
            elif what == _START:
                account(a, te)
                avail[a] = True
                rch[a] = c
                if rostered_only:
                    elig[a] = (c,)
                else:
                    own = skills[a]
                    elig[a] = (
                        own
                        if c in own
                        else (*sorted((*own, c), key=lambda x: prio[x]),)
                    )
                m = mode[a]
                if m < 0:
                    dispatch(a, te)
                elif kind[m] == _CHAT and m in elig[a]:
                    before = len(held[a])
                    fill_chats(a, m, te)
                    rebucket(a)
                    if len(held[a]) != before:
                        schedule(a, te)
            else:  # processing opens: idle agents turn to the waiting email
                for pool in (idle_own[c], idle_other[c]):
                    for a in list(pool):
                        if head(c, te) < 0:
                            break
                        drop_idle(a)
                        dispatch(a, te)
        elif th <= ta:
            if th >= stop:
                break
            _, _, a, v = heapq.heappop(heap)
            if v == version[a]:
                complete(a, th)
        else:
            if ta >= stop:
                break
            next_arrival += 1
            arrive(next_arrival - 1, ta)
    for a in range(n_agents):
        account(a, stop)
    concurrency = np.array(conc, dtype=np.float64)[:, None]
    return _Outcome(
        answered_at=np.array(ans),
        done_at=np.array(done),
        busy_s=np.array(busy),
        capacity_s=np.array(manned) * concurrency,
    )


# ------------------------------------------------------------------------- tallies
def _tally(setup: _Setup, draw: _Draw, outcome: _Outcome) -> dict[str, FloatArray]:
    """Per channel and interval sums of one replication, each of shape (C, G)."""
    n_channels, n_rows = len(setup.channels), setup.grid.size
    counted = draw.row >= 0
    channel, row = draw.channel[counted], draw.row[counted]
    arrival = draw.arrival[counted]
    answered_at = outcome.answered_at[counted]
    done_at = outcome.done_at[counted]
    patience_at = draw.patience_at[counted]
    is_email = np.array([s.kind == _EMAIL for s in setup.channels])[channel]
    target = np.array([s.target_s for s in setup.channels])[channel]

    answered = np.where(is_email, done_at >= 0, answered_at >= 0)
    wait = np.where(
        answered_at >= 0,
        answered_at - arrival,
        np.minimum(patience_at, setup.stop) - arrival,
    )
    with np.errstate(invalid="ignore"):
        within = np.where(
            is_email,
            answered & (done_at <= draw.deadline[counted] + 1e-6),
            answered & (wait <= target + 1e-9),
        )
    abandoned = (answered_at < 0) & (patience_at <= setup.stop) & ~is_email
    waited = (answered_at < 0) | (answered_at > arrival)
    # Email: time to reply over the replied; queues: time in queue over all.
    wait_s = np.where(is_email, np.where(answered, done_at - arrival, 0.0), wait)

    index = channel * n_rows + row
    size = n_channels * n_rows

    def total(weights: npt.NDArray[Any] | None) -> FloatArray:
        summed = np.bincount(index, weights=weights, minlength=size)
        out: FloatArray = summed.astype(np.float64).reshape(n_channels, n_rows)
        return out

    return {
        "offered": total(None),
        "answered": total(answered.astype(np.float64)),
        "answered_within": total(within.astype(np.float64)),
        "abandoned": total(abandoned.astype(np.float64)),
        "waited": total(waited.astype(np.float64)),
        "wait_s": total(wait_s),
        "busy_s": outcome.busy_s[:, setup.grid_slot],
        "capacity_s": outcome.capacity_s[:, setup.grid_slot],
    }


def _replicate(
    setup: _Setup, seed: np.random.SeedSequence
) -> tuple[dict[str, FloatArray], float]:
    """One replication: its tallies and its wall-clock seconds."""
    started = time.perf_counter()
    draw = _draw(setup, seed)
    outcome = _run(setup, draw)
    tallies = _tally(setup, draw, outcome)
    return tallies, time.perf_counter() - started


def _ratios(
    tallies: Mapping[str, FloatArray], is_email: npt.NDArray[np.bool_]
) -> dict[str, FloatArray]:
    """Figures from sums (any shape whose first axis after replications is C)."""
    offered = tallies["offered"]
    email = (
        is_email.reshape((-1,) + (1,) * (offered.ndim - 2))
        if offered.ndim > 1
        else is_email
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        per_offered = np.where(offered > 0, 1.0 / offered, np.nan)
        replied = tallies["answered"]
        asa = np.where(
            email,
            np.where(replied > 0, tallies["wait_s"] / replied, np.nan),
            tallies["wait_s"] * per_offered,
        )
        capacity = tallies["capacity_s"]
        occupancy = np.where(capacity > 0, tallies["busy_s"] / capacity, np.nan)
    return {
        col.SERVICE_LEVEL: tallies["answered_within"] * per_offered,
        col.ASA_SECONDS: asa,
        col.PROB_ABANDON: np.where(email, np.nan, tallies["abandoned"] * per_offered),
        col.PROB_WAIT: np.where(email, np.nan, tallies["waited"] * per_offered),
        col.OCCUPANCY: occupancy,
    }


#: Figures reported per interval and week, with a confidence half-width each.
FIGURES = (
    col.SERVICE_LEVEL,
    col.ASA_SECONDS,
    col.PROB_ABANDON,
    col.PROB_WAIT,
    col.OCCUPANCY,
)


def _mean_and_half_width(
    values: FloatArray, confidence: float
) -> tuple[FloatArray, FloatArray]:
    """Mean over the first axis (replications) ignoring NaN, and the Student t
    half-width of its confidence interval (NaN with fewer than two values)."""
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    filled = np.where(finite, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / count
        spread = np.where(finite, values - mean, 0.0)
        variance = (spread**2).sum(axis=0) / (count - 1)
        quantile = stats.t.ppf(0.5 + confidence / 2, np.maximum(count - 1, 1))
        half = np.where(count >= 2, quantile * np.sqrt(variance / count), np.nan)
    return np.where(count > 0, mean, np.nan), half


# --------------------------------------------------------------------- public API
def _carry_in_from_analytic(
    roster: pd.DataFrame,
    requirements: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
) -> dict[str, float]:
    """The analytic steady-state email backlog carried in, agent-seconds."""
    if not any(
        centre.channels[c].kind == "deferrable" for c in set(requirements[col.CHANNEL])
    ):
        return {}
    kpis = evaluate_roster(roster, requirements, centre, agents).kpis
    return _carry_in_from_kpis(kpis)


def _carry_in_from_kpis(kpis: Mapping[str, Any]) -> dict[str, float]:
    carry = {}
    for name, figures in kpis.get("channels", {}).items():
        hours = figures.get("carry_in_agent_hours")
        if hours is not None:
            carry[str(name)] = float(hours) * SECONDS_PER_HOUR
    return carry


def _seeds(settings: SimulationSettings) -> list[np.random.SeedSequence]:
    return np.random.SeedSequence(settings.seed).spawn(settings.replications)


def simulate_week(
    roster: pd.DataFrame,
    requirements: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    *,
    settings: SimulationSettings | None = None,
    seed: int | np.random.SeedSequence = 0,
    email_carry_in_s: Mapping[str, float] | None = None,
    arrivals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One replication of the week: what happened per interval and channel.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame (``agent_id, date, start, end, activity, channel``).
    requirements : pandas.DataFrame
        The requirements frame of the week: its ``interval_start, channel,
        contacts, aht_seconds, open`` give the arrivals and handle times.
    centre : Centre
        Channels (kinds, targets, patience, concurrency, shrinkage, hours).
    agents : pandas.DataFrame
        ``agent_id, skills, site`` of every rostered agent.
    settings : SimulationSettings or None
        Handle-time distribution and routing (``replications``, ``seed`` and
        ``workers`` are not used here).
    seed : int or numpy.random.SeedSequence
        This replication's seed.
    email_carry_in_s : Mapping of str to float or None
        Email backlog at the start per deferrable channel, agent-seconds; ``None``
        for the analytic steady state of this roster.
    arrivals : pandas.DataFrame or None
        Contacts to play instead of Poisson draws: ``channel, arrival``
        (tz-aware) and ``handle_seconds``, each inside the planned intervals
        (patience is still drawn). The horizon repeats them as it repeats the
        forecast.

    Returns
    -------
    pandas.DataFrame
        One row per channel and interval: ``interval_start, channel`` and the sums
        ``offered, answered, answered_within, abandoned, waited, wait_s`` (time in
        queue until answer or abandonment; for email, arrival to reply over the
        replied), ``busy_s`` and ``capacity_s`` (the occupancy's numerator and
        denominator, seconds; chat in slot-seconds).
    """
    settings = settings or SimulationSettings(replications=1)
    if email_carry_in_s is None:
        email_carry_in_s = _carry_in_from_analytic(roster, requirements, centre, agents)
    setup = _prepare(
        roster, requirements, centre, agents, settings, email_carry_in_s, arrivals
    )
    sequence = (
        seed
        if isinstance(seed, np.random.SeedSequence)
        else (np.random.SeedSequence(seed))
    )
    tallies, _ = _replicate(setup, sequence)
    return _long_frame(setup, centre, tallies)


def _long_frame(
    setup: _Setup, centre: Centre, values: Mapping[str, FloatArray]
) -> pd.DataFrame:
    """(C, G) arrays as a long frame by channel and interval."""
    n_channels, n_rows = len(setup.channels), setup.grid.size
    stamps = pd.to_datetime(np.round(setup.grid).astype(np.int64), unit="s", utc=True)
    stamps = stamps.tz_convert(centre.zone)
    frame = pd.DataFrame(
        {
            col.INTERVAL_START: np.tile(stamps, n_channels),
            col.CHANNEL: np.repeat([s.name for s in setup.channels], n_rows),
        }
    )
    for name, array in values.items():
        frame[name] = array.reshape(-1)
    return frame


def simulate_roster(
    roster: pd.DataFrame,
    requirements: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    settings: SimulationSettings | None = None,
    *,
    email_carry_in_s: Mapping[str, float] | None = None,
    arrivals: pd.DataFrame | None = None,
) -> Simulation:
    """Simulate a roster's week over independent replications.

    Parameters are those of :func:`simulate_week`; ``settings.replications``
    replications run, ``settings.workers`` at a time, replication ``r`` seeded with
    the ``r``-th child of ``SeedSequence(settings.seed)``.

    Returns
    -------
    Simulation
        Per interval and per week: means over replications with confidence
        half-widths.
    """
    settings = settings or SimulationSettings()
    started = time.perf_counter()
    if email_carry_in_s is None:
        email_carry_in_s = _carry_in_from_analytic(roster, requirements, centre, agents)
    setup = _prepare(
        roster, requirements, centre, agents, settings, email_carry_in_s, arrivals
    )
    seeds = _seeds(settings)
    workers = settings.workers or os.cpu_count() or 1
    workers = min(workers, settings.replications)
    if workers == 1:
        results = [_replicate(setup, s) for s in seeds]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_replicate, [setup] * len(seeds), seeds))
    stacked = {
        name: np.stack([tallies[name] for tallies, _ in results]) for name in _TALLIES
    }
    wall_each = float(np.mean([wall for _, wall in results]))
    intervals, weekly = _summaries(setup, centre, requirements, stacked, settings)
    wall_s = time.perf_counter() - started
    logger.info(
        "simulated %d replications (%s routing) in %.1f s, %.2f s each",
        settings.replications,
        settings.routing,
        wall_s,
        wall_each,
    )
    return Simulation(
        intervals=intervals,
        weekly=weekly,
        settings=settings,
        wall_s_per_replication=wall_each,
        wall_s=wall_s,
    )


def _summaries(
    setup: _Setup,
    centre: Centre,
    requirements: pd.DataFrame,
    stacked: Mapping[str, FloatArray],
    settings: SimulationSettings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    is_email = np.array([s.kind == _EMAIL for s in setup.channels])
    per_interval = _ratios(stacked, is_email)
    values: dict[str, FloatArray] = {"offered": stacked["offered"].mean(axis=0)}
    for name in FIGURES:
        mean, half = _mean_and_half_width(per_interval[name], settings.confidence)
        values[name] = mean
        values[f"{name}_half_width"] = half
    frame = _long_frame(setup, centre, values)
    keys = requirements[[col.INTERVAL_START, col.CHANNEL, col.CONTACTS]].reset_index(
        drop=True
    )
    intervals = keys.merge(frame, on=[col.INTERVAL_START, col.CHANNEL], how="left")

    weekly_sums = {name: array.sum(axis=2) for name, array in stacked.items()}
    per_week = _ratios(weekly_sums, is_email)
    rows: dict[str, Any] = {
        col.CHANNEL: [s.name for s in setup.channels],
        "kind": [centre.channels[s.name].kind for s in setup.channels],
        "target": [centre.channels[s.name].service_level for s in setup.channels],
        col.CONTACTS: [
            float(
                requirements.loc[
                    (requirements[col.CHANNEL] == s.name)
                    & (requirements[col.OPEN] | bool(s.kind == _EMAIL)),
                    col.CONTACTS,
                ].sum()
            )
            for s in setup.channels
        ],
        "offered": weekly_sums["offered"].mean(axis=0),
    }
    for name in FIGURES:
        mean, half = _mean_and_half_width(per_week[name], settings.confidence)
        rows[name] = mean
        rows[f"{name}_half_width"] = half
    return intervals, pd.DataFrame(rows)


def compare(
    simulation: Simulation,
    coverage: pd.DataFrame,
    kpis: Mapping[str, Any],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Verification:
    """Put simulated figures beside the analytic ones and flag the differences.

    Parameters
    ----------
    simulation : Simulation
        From :func:`simulate_roster`.
    coverage : pandas.DataFrame
        The analytic coverage frame (:func:`scheduler.evaluate.evaluate_roster`).
    kpis : Mapping
        The analytic KPIs (``kpis["channels"][name]``).
    tolerance : float
        Service-level difference (fraction) to flag: a difference is flagged when
        its size exceeds both ``tolerance`` and the confidence half-width.

    Returns
    -------
    Verification
    """
    analytic = coverage[
        [
            col.INTERVAL_START,
            col.CHANNEL,
            col.SERVICE_LEVEL,
            col.ASA_SECONDS,
            col.PROB_ABANDON,
            col.OCCUPANCY,
        ]
    ].rename(columns={name: f"analytic_{name}" for name in _COMPARED})
    simulated = simulation.intervals.rename(
        columns={name: f"simulated_{name}" for name in FIGURES}
    )
    intervals = simulated.merge(
        analytic, on=[col.INTERVAL_START, col.CHANNEL], how="left"
    )
    intervals = _flag(intervals, tolerance)

    weekly = simulation.weekly.rename(
        columns={name: f"simulated_{name}" for name in FIGURES}
    )
    channels = kpis.get("channels", {})
    for name in _COMPARED:
        weekly[f"analytic_{name}"] = [
            _number(channels.get(c, {}).get(name)) for c in weekly[col.CHANNEL]
        ]
    weekly = _flag(weekly, tolerance)
    weekly["meets_target"] = (
        weekly["simulated_service_level"] >= weekly["target"] - 1e-9
    )
    return Verification(
        intervals=intervals[_ordered(list(intervals.columns))],
        weekly=weekly[_ordered(list(weekly.columns))],
        settings=simulation.settings,
        tolerance=tolerance,
        wall_s_per_replication=simulation.wall_s_per_replication,
        wall_s=simulation.wall_s,
    )


# Figures the analytic side has too.
_COMPARED = (col.SERVICE_LEVEL, col.ASA_SECONDS, col.PROB_ABANDON, col.OCCUPANCY)


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _flag(frame: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    out = frame.copy()
    out["difference"] = out["simulated_service_level"] - out["analytic_service_level"]
    noise = out["service_level_half_width"].fillna(0.0)
    size = out["difference"].abs()
    out["flagged"] = (size > tolerance + 1e-12) & (size > noise)
    return out


def _ordered(columns: Sequence[str]) -> list[str]:
    """Keys first, then each figure's analytic, simulated and half-width columns."""
    first = [
        c
        for c in (
            col.INTERVAL_START,
            col.CHANNEL,
            "kind",
            "target",
            col.CONTACTS,
            "offered",
        )
        if c in columns
    ]
    figures = []
    for name in FIGURES:
        for c in (f"analytic_{name}", f"simulated_{name}", f"{name}_half_width"):
            if c in columns:
                figures.append(c)
        if name == col.SERVICE_LEVEL:
            figures += ["difference", "flagged"]
    rest = [c for c in columns if c not in first and c not in figures]
    return first + figures + rest


def verify_roster(
    roster: pd.DataFrame,
    requirements: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    evaluation: Evaluation,
    settings: SimulationSettings | None = None,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Verification:
    """Simulate a roster and compare it with its analytic evaluation.

    The email backlog carried in is the one the evaluation assumes (its
    ``carry_in_agent_hours``).

    Parameters
    ----------
    roster, requirements, centre, agents
        As for :func:`simulate_roster`.
    evaluation : Evaluation
        The analytic figures of this roster against these requirements.
    settings : SimulationSettings or None
        Replications, seed, handle times, routing, workers.
    tolerance : float
        Service-level difference to flag (fraction; 0.03 = 3 points).

    Returns
    -------
    Verification
    """
    simulation = simulate_roster(
        roster,
        requirements,
        centre,
        agents,
        settings,
        email_carry_in_s=_carry_in_from_kpis(evaluation.kpis),
    )
    return compare(
        simulation, evaluation.coverage, evaluation.kpis, tolerance=tolerance
    )


def simulate_plan(
    plan: Plan,
    settings: SimulationSettings | None = None,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
) -> Verification:
    """Verify a plan by simulation: its roster played out against its forecast.

    Parameters
    ----------
    plan : Plan
        The plan (roster, requirements, centre, agents and evaluation).
    settings : SimulationSettings or None
        Replications, seed, handle times, routing, workers.
    tolerance : float
        Service-level difference to flag (fraction; 0.03 = 3 points).

    Returns
    -------
    Verification
        Simulated and analytic figures per interval and per week and channel
        (:func:`verify_roster` with the plan's evaluation).
    """
    return verify_roster(
        plan.roster,
        plan.requirements,
        plan.centre,
        plan.agents,
        plan.evaluation,
        settings,
        tolerance=tolerance,
    )


def verification_record(verification: Verification) -> dict[str, Any]:
    """The weekly figures as one JSON-ready mapping (``vuoro verify --json``).

    Returns
    -------
    dict
        ``replications, seed, routing, handle_time, tolerance,
        wall_s_per_replication, flagged_channels`` and ``channels``: per channel
        ``analytic_service_level, simulated_service_level,
        service_level_half_width, difference, flagged, target, meets_target`` and
        the other figures, rounded to 4 decimals (seconds to 1); non-finite values
        are ``None``.
    """
    settings = verification.settings
    channels = {}
    for row in verification.weekly.to_dict(orient="records"):
        name = str(row.pop(col.CHANNEL))
        channels[name] = {
            str(key): _json_value(str(key), value) for key, value in row.items()
        }
    return {
        "replications": settings.replications,
        "seed": settings.seed,
        "routing": settings.routing,
        "handle_time": settings.handle_time,
        "tolerance": verification.tolerance,
        "wall_s_per_replication": round(verification.wall_s_per_replication, 3),
        "flagged_channels": verification.flagged_channels,
        "channels": channels,
    }


def _json_value(key: str, value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            return None
        return round(number, 1 if "seconds" in key else 4)
    return value


def write_verification(verification: Verification, out_dir: str | Path) -> Path:
    """Write the weekly figures to ``simulation.csv`` in ``out_dir``, atomically.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(out_dir) / SIMULATION_FILE
    write_csv(verification.weekly, path)
    return path
