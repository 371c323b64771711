"""The roster problem on the week's slot grid: demand, shift menus and agent groups.

Time is counted in *slots* of the plan interval from the local midnight that starts
the week (slot 0); a day has ``slots_per_day`` slots. Demand comes from the
requirements frame (:func:`scheduler.requirements.compute_requirements`) as one
array per channel. A shift is a day and a template of :mod:`scheduler.shifts`.

Agents who are interchangeable (same contract, skills, site and hard availability,
nothing locked) form a *group*; the optimiser decides how many of a group work each
shift and only then which of them, so a centre of 500 agents is about as hard to
staff as one of 50. Agents with locked shifts are groups of one.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler import schema as col
from scheduler.config import Centre, Channel, Contract
from scheduler.requirements import open_seconds
from scheduler.roster.inputs import DAYS_PER_WEEK, RosterInputs
from scheduler.shifts import (
    MINUTES_PER_DAY,
    ShiftTemplate,
    break_windows,
    shift_templates,
)

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
HARD_ABSENCE = ("unavailable", "leave")
WEEKEND = (5, 6)
EVENING_FROM_MINUTE = 18 * 60


@dataclass(frozen=True)
class ChannelDemand:
    """One channel's demand on the week's slots.

    Attributes
    ----------
    name : str
        Channel name.
    channel : Channel
        Its configuration.
    contacts, aht_s : numpy.ndarray
        Forecast contacts and handle time (seconds) per slot.
    open : numpy.ndarray of bool
        Whether the channel is open (email: processing) in each slot.
    processing_s : numpy.ndarray
        Seconds of each slot inside opening (processing) hours.
    required, required_fractional : numpy.ndarray
        Agents to schedule per slot after shrinkage (integer and unrounded).
    """

    name: str
    channel: Channel
    contacts: FloatArray
    aht_s: FloatArray
    open: npt.NDArray[np.bool_]
    processing_s: FloatArray
    required: FloatArray
    required_fractional: FloatArray


@dataclass(frozen=True)
class LockedShift:
    """A shift fixed by a locked roster row.

    Attributes
    ----------
    template : ShiftTemplate
        The shift's start and length (its own template if off the menu).
    breaks : tuple of (int, int)
        Rule index and start slot (from the shift's start) of each locked break.
    channels : dict of int to str
        Channel of each worked slot, by slot offset from the shift's start.
    """

    template: ShiftTemplate
    breaks: tuple[tuple[int, int], ...]
    channels: dict[int, str]


@dataclass(frozen=True)
class AgentGroup:
    """Interchangeable agents: same contract, skills, site and availability.

    Attributes
    ----------
    key : str
        Readable name of the group, e.g. ``full_time|phone+chat|contact_centre``.
    agent_ids : tuple of str
        The agents.
    contract_name : str
        Name of their contract.
    contract : Contract
        Their contract.
    skills : tuple of str
        Channels they can serve.
    menus : tuple of tuple of int
        For each day, the indices (into ``RosterProblem.templates``) of the shifts
        the group may work.
    available : tuple of int
        For each day, how many of the group may work.
    min_paid_slots, max_paid_slots : int
        Weekly paid slots per agent of the group (leave lowers the minimum).
    min_days : int
        Least days each must work (leave lowers it).
    locked : dict of int to LockedShift
        For a group of one with locked shifts: the shift fixed on each day.
    """

    key: str
    agent_ids: tuple[str, ...]
    contract_name: str
    contract: Contract
    skills: tuple[str, ...]
    menus: tuple[tuple[int, ...], ...]
    available: tuple[int, ...]
    min_paid_slots: int
    max_paid_slots: int
    min_days: int
    locked: dict[int, LockedShift] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of agents."""
        return len(self.agent_ids)


def preferred_days(
    problem: RosterProblem, g: AgentGroup
) -> dict[str, tuple[set[int], set[int]]]:
    """``agent -> (prefer_off days, prefer_on days)`` of the group, days 0-6."""
    availability = problem.inputs.availability
    out: dict[str, tuple[set[int], set[int]]] = {}
    if availability is None:
        return out
    mine = availability.loc[availability["agent_id"].isin(g.agent_ids)]
    for agent, date, kind in zip(
        mine["agent_id"].astype(str), mine["date"], mine["kind"], strict=True
    ):
        d = (date - problem.inputs.week_start).days
        if 0 <= d < 7 and kind in ("prefer_off", "prefer_on"):
            off, on = out.setdefault(agent, (set(), set()))
            (off if kind == "prefer_off" else on).add(d)
    return out


@dataclass(frozen=True)
class RosterProblem:
    """Everything the optimiser needs, on the slot grid.

    Attributes
    ----------
    inputs : RosterInputs
        The facts the roster must respect.
    requirements : pandas.DataFrame
        The requirements frame the demand came from.
    slot_minutes : int
        Plan interval in minutes.
    templates : list of ShiftTemplate
        The day's shift menu (locked off-menu shifts appended).
    channels : dict of str to ChannelDemand
        Demand per channel.
    groups : list of AgentGroup
        The agents in interchangeable groups.
    slot_starts : pandas.DatetimeIndex
        Local start of every slot of the week (tz-aware).
    """

    inputs: RosterInputs
    requirements: pd.DataFrame
    slot_minutes: int
    templates: list[ShiftTemplate]
    channels: dict[str, ChannelDemand]
    groups: list[AgentGroup]
    slot_starts: pd.DatetimeIndex

    @property
    def agent_ids(self) -> set[str]:
        """Every agent of every group."""
        return {a for g in self.groups for a in g.agent_ids}

    @property
    def centre(self) -> Centre:
        """The centre."""
        return self.inputs.centre

    @property
    def slots_per_day(self) -> int:
        """Slots in a day."""
        return MINUTES_PER_DAY // self.slot_minutes

    @property
    def n_slots(self) -> int:
        """Slots in the week."""
        return DAYS_PER_WEEK * self.slots_per_day

    @property
    def slot_hours(self) -> float:
        """Length of a slot in hours."""
        return self.slot_minutes / 60

    def shift_span(self, day: int, template: int) -> tuple[int, int]:
        """First slot and end slot (exclusive) of a shift on the week's grid."""
        t = self.templates[template]
        first = day * self.slots_per_day + t.start_slot
        return first, first + t.length_slots

    def shift_cost_cents(self, group: AgentGroup, day: int, template: int) -> int:
        """Pay for a shift in cents: hourly cost times paid hours, with multipliers.

        Evening (from 18:00) and weekend multipliers apply to the slots they cover;
        unpaid breaks reduce the pay in proportion, wherever they fall.
        """
        hours = self._priced_hours[day, template]
        return round(100 * group.contract.hourly_cost * float(hours))

    @cached_property
    def _priced_hours(self) -> npt.NDArray[np.float64]:
        """Paid hours of each (day, template) shift with the pay multipliers, h."""
        costs = self.centre.costs
        out = np.zeros((DAYS_PER_WEEK, len(self.templates)))
        weekday0 = self.inputs.week_start.weekday()
        for s, t in enumerate(self.templates):
            minute = np.arange(t.start_slot, t.end_slot) * self.slot_minutes
            evening = np.where(
                minute % MINUTES_PER_DAY >= EVENING_FROM_MINUTE,
                costs.evening_multiplier,
                1.0,
            )
            paid_share = t.paid_slots / t.length_slots
            for day in range(DAYS_PER_WEEK):
                weekday = (weekday0 + day + minute // MINUTES_PER_DAY) % 7
                weekend = np.where(
                    np.isin(weekday, WEEKEND), costs.weekend_multiplier, 1.0
                )
                factor = float((evening * weekend).sum())
                out[day, s] = factor * self.slot_hours * paid_share
        return out


def build_problem(inputs: RosterInputs, requirements: pd.DataFrame) -> RosterProblem:
    """Lay the requirements and agents out on the week's slot grid.

    Parameters
    ----------
    inputs : RosterInputs
        Centre, agents, availability, locks.
    requirements : pandas.DataFrame
        The requirements frame for the week.
    """
    centre = inputs.centre
    minutes = centre.interval_minutes
    templates = shift_templates(centre.shifts, minutes)
    start = inputs.local_midnight(inputs.week_start)
    slot_starts = pd.date_range(
        start.tz_localize(None),
        periods=DAYS_PER_WEEK * MINUTES_PER_DAY // minutes,
        freq=f"{minutes}min",
    ).tz_localize(centre.zone, ambiguous="NaT", nonexistent="NaT")
    channels = {
        name: _demand(requirements, name, channel, inputs, minutes)
        for name, channel in centre.channels.items()
    }
    on_menu = len(templates)
    locked = _locked_shifts(inputs, templates, minutes)
    groups = _groups(inputs, templates, on_menu, channels, locked, minutes)
    logger.info(
        "roster problem: %d agents in %d groups, %d shift templates a day",
        len(inputs.agents),
        len(groups),
        len(templates),
    )
    return RosterProblem(
        inputs=inputs,
        requirements=requirements,
        slot_minutes=minutes,
        templates=templates,
        channels=channels,
        groups=groups,
        slot_starts=slot_starts,
    )


def _slot_index(
    stamps: pd.Series, inputs: RosterInputs, minutes: int
) -> npt.NDArray[np.int64]:
    """Slot of each local timestamp (wall clock), counted from the week's start."""
    local = stamps.dt.tz_convert(inputs.centre.zone).dt.tz_localize(None)
    offset = (local - pd.Timestamp(inputs.week_start)).dt.total_seconds()
    slots: npt.NDArray[np.int64] = (offset // (minutes * 60)).to_numpy(np.int64)
    return slots


def _demand(
    requirements: pd.DataFrame,
    name: str,
    channel: Channel,
    inputs: RosterInputs,
    minutes: int,
) -> ChannelDemand:
    n = DAYS_PER_WEEK * MINUTES_PER_DAY // minutes
    rows = requirements.loc[requirements[col.CHANNEL] == name]
    slots = _slot_index(rows[col.INTERVAL_START], inputs, minutes)
    inside = (slots >= 0) & (slots < n)
    rows, slots = rows.loc[inside], slots[inside]

    def spread(column: str, fill: float = 0.0) -> FloatArray:
        out = np.full(n, fill)
        # The repeated hour of the autumn clock change keeps its first occurrence.
        keep = ~pd.Series(slots).duplicated().to_numpy()
        out[slots[keep]] = rows[column].to_numpy(np.float64)[keep]
        return out

    grid = inputs.local_midnight(inputs.week_start).tz_localize(None) + pd.to_timedelta(
        np.arange(n) * minutes, unit="min"
    )
    processing = open_seconds(pd.Series(grid), channel, minutes * 60)
    return ChannelDemand(
        name=name,
        channel=channel,
        contacts=spread(col.CONTACTS),
        aht_s=spread(col.AHT_SECONDS, channel.default_aht_seconds),
        open=processing > 0,
        processing_s=processing,
        required=spread(col.REQUIRED),
        required_fractional=spread(col.REQUIRED_FRACTIONAL),
    )


def _skill_window(
    skills: tuple[str, ...], channels: dict[str, ChannelDemand], weekday: int
) -> tuple[int, int] | None:
    """Earliest opening and latest closing (minutes) of an agent's channels."""
    hours = [channels[s].channel.hours(weekday) for s in skills]
    opened = [h for h in hours if h.is_open]
    if not opened:
        return None
    return min(h.open_minute for h in opened), max(h.close_minute for h in opened)


def _absences(inputs: RosterInputs) -> dict[str, list[tuple[int, int]]]:
    """Hard absences per agent as (start, end) minutes from the week's start."""
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if inputs.availability is None:
        return out
    rows = inputs.availability.loc[inputs.availability["kind"].isin(HARD_ABSENCE)]
    for agent, date, begin, end in zip(
        rows["agent_id"], rows["date"], rows["from"], rows["to"], strict=True
    ):
        day = (date - inputs.week_start).days
        if -1 <= day <= DAYS_PER_WEEK:
            base = day * MINUTES_PER_DAY
            out[str(agent)].append((base + int(begin), base + int(end)))
    return out


def _leave_days(inputs: RosterInputs) -> dict[str, int]:
    """Whole days of leave in the week per agent (lowering contract minimums)."""
    a = inputs.availability
    if a is None:
        return {}
    rows = a.loc[
        (a["kind"] == "leave") & (a["from"] == 0) & (a["to"] == MINUTES_PER_DAY)
    ]
    days = rows["date"].map(lambda date: (date - inputs.week_start).days)
    rows = rows.loc[(days >= 0) & (days < DAYS_PER_WEEK)]
    counts = rows.groupby(rows["agent_id"].astype(str))["date"].nunique()
    return {str(agent): int(n) for agent, n in counts.items()}


def _menu(
    skills: tuple[str, ...],
    absences: list[tuple[int, int]],
    templates: list[ShiftTemplate],
    channels: dict[str, ChannelDemand],
    inputs: RosterInputs,
    minutes: int,
) -> tuple[tuple[int, ...], ...]:
    """Shifts an agent may work each day: inside their channels' hours, not absent."""
    menus = []
    for day in range(DAYS_PER_WEEK):
        weekday = (inputs.week_start.weekday() + day) % 7
        window = _skill_window(skills, channels, weekday)
        allowed: list[int] = []
        if window is not None:
            base = day * MINUTES_PER_DAY
            for index, t in enumerate(templates):
                begin, end = t.start_slot * minutes, t.end_slot * minutes
                if begin < window[0] or end > window[1]:
                    continue
                if any(base + begin < b and a < base + end for a, b in absences):
                    continue
                allowed.append(index)
        menus.append(tuple(allowed))
    return tuple(menus)


def _locked_shifts(
    inputs: RosterInputs, templates: list[ShiftTemplate], minutes: int
) -> dict[str, dict[int, LockedShift]]:
    """Locked shifts per agent and day; off-menu shifts get a template of their own."""
    out: dict[str, dict[int, LockedShift]] = defaultdict(dict)
    if inputs.locked is None or inputs.locked.empty:
        return out
    locked = inputs.locked
    if col.LOCKED in locked.columns:
        locked = locked.loc[locked[col.LOCKED].astype(bool)]
    for key, rows in locked.groupby([col.AGENT_ID, col.DATE]):
        agent, date = cast(tuple[str, dt.date], key)
        day = (date - inputs.week_start).days
        if 0 <= day < DAYS_PER_WEEK:
            out[str(agent)][day] = _locked_shift(inputs, rows, date, templates, minutes)
    return out


def _locked_shift(
    inputs: RosterInputs,
    rows: pd.DataFrame,
    date: dt.date,
    templates: list[ShiftTemplate],
    minutes: int,
) -> LockedShift:
    """One locked shift from its segments."""
    base = inputs.local_midnight(date)
    starts = [_minutes_from(base, t) for t in rows[col.START]]
    ends = [_minutes_from(base, t) for t in rows[col.END]]
    begin, end = min(starts), max(ends)
    start_slot, length = begin // minutes, (end - begin) // minutes
    match = [
        t for t in templates if (t.start_slot, t.length_slots) == (start_slot, length)
    ]
    if match:
        template = match[0]
    else:
        rules = inputs.centre.shifts.breaks
        template = ShiftTemplate(
            start_slot, length, break_windows(rules, end - begin, minutes)
        )
        templates.append(template)
    breaks: list[tuple[int, int]] = []
    channels: dict[int, str] = {}
    for first_min, last_min, activity, channel in zip(
        starts, ends, rows[col.ACTIVITY], rows[col.CHANNEL], strict=True
    ):
        first = (first_min - begin) // minutes
        last = (last_min - begin) // minutes
        if activity == "work":
            channels.update({k: str(channel) for k in range(first, last)})
            continue
        taken = {rule for rule, _ in breaks}
        rule = next(
            (
                w.rule
                for w in template.breaks
                if w.activity == activity and w.rule not in taken
            ),
            -1,
        )
        breaks.append((rule, first))
    return LockedShift(template, tuple(breaks), channels)


def _minutes_from(base: pd.Timestamp, stamp: pd.Timestamp) -> int:
    """Wall-clock minutes from a local midnight to a local timestamp."""
    delta = stamp.tz_convert(base.tz).tz_localize(None) - base.tz_localize(None)
    return int(delta.total_seconds() // 60)


#: What makes agents interchangeable: contract, skills, site, hard absences
#: ((start, end) minutes of the week), days of leave, and the agent if locked.
_Signature = tuple[str, tuple[str, ...], str, tuple[tuple[int, int], ...], int, str]


def _groups(
    inputs: RosterInputs,
    templates: list[ShiftTemplate],
    on_menu: int,
    channels: dict[str, ChannelDemand],
    locked: dict[str, dict[int, LockedShift]],
    minutes: int,
) -> list[AgentGroup]:
    absences = _absences(inputs)
    leave = _leave_days(inputs)
    labour_max = round(inputs.centre.labour.max_weekly_hours * 60) // minutes
    buckets: dict[_Signature, list[str]] = defaultdict(list)
    for agent, contract_name, skills, site in zip(
        inputs.agents["agent_id"].astype(str),
        inputs.agents["contract"].astype(str),
        inputs.agents["skills"],
        inputs.agents["site"].astype(str),
        strict=True,
    ):
        signature: _Signature = (
            contract_name,
            tuple(str(skill) for skill in skills),
            site,
            tuple(sorted(absences.get(agent, []))),
            leave.get(agent, 0),
            agent if agent in locked else "",
        )
        buckets[signature].append(agent)
    groups = []
    for (
        contract_name,
        skill_tuple,
        site,
        absent,
        leave_days,
        _,
    ), agents in buckets.items():
        contract = inputs.centre.contracts[contract_name]
        usable = _usable_lengths(contract, templates[:on_menu], minutes)
        menus = _menu(
            skill_tuple, list(absent), templates[:on_menu], channels, inputs, minutes
        )
        menus = tuple(
            tuple(i for i in m if templates[i].length_slots in usable) for m in menus
        )
        agent_locks = locked.get(agents[0], {}) if len(agents) == 1 else {}
        if agent_locks:
            menus = tuple(
                (templates.index(agent_locks[d].template),) if d in agent_locks else m
                for d, m in enumerate(menus)
            )
        per_day_h = contract.weekly_hours_min / max(contract.min_days, 1)
        min_hours = max(contract.weekly_hours_min - leave_days * per_day_h, 0.0)
        groups.append(
            AgentGroup(
                key=f"{contract_name}|{'+'.join(skill_tuple)}|{site}"
                + (
                    f"|{agents[0]}"
                    if len(agents) == 1 and (absent or agent_locks)
                    else ""
                ),
                agent_ids=tuple(agents),
                contract_name=str(contract_name),
                contract=contract,
                skills=skill_tuple,
                menus=menus,
                available=tuple(len(agents) if m else 0 for m in menus),
                min_paid_slots=round(min_hours * 60) // minutes,
                max_paid_slots=min(
                    round(contract.weekly_hours_max * 60) // minutes, labour_max
                ),
                min_days=max(contract.min_days - leave_days, 0),
                locked=agent_locks,
            )
        )
    return _unique_keys(groups)


def _unique_keys(groups: list[AgentGroup]) -> list[AgentGroup]:
    """Number groups that share a key (same skills, different absences): #2, #3.

    Variable names and reports use the key, so it must tell groups apart.
    """
    seen: dict[str, int] = {}
    out = []
    for g in groups:
        seen[g.key] = seen.get(g.key, 0) + 1
        out.append(g if seen[g.key] == 1 else replace(g, key=f"{g.key}#{seen[g.key]}"))
    return out


def _usable_lengths(
    contract: Contract, templates: list[ShiftTemplate], minutes: int
) -> set[int]:
    """Shift lengths (slots) that can be part of a week the contract allows.

    A shift of ``p`` paid slots fits when, for some number of days ``k`` within the
    contract, the other ``k - 1`` shifts can make up the weekly minimum without
    passing the maximum.
    """
    paid = {t.length_slots: t.paid_slots for t in templates}
    low, high = min(paid.values()), max(paid.values())
    week_min = contract.weekly_hours_min * 60 / minutes
    week_max = contract.weekly_hours_max * 60 / minutes
    usable = set()
    for length, p in paid.items():
        for k in range(max(contract.min_days, 1), contract.max_days + 1):
            if (k - 1) * low + p <= week_max + 1e-9 and (
                k - 1
            ) * high + p >= week_min - 1e-9:
                usable.add(length)
    return usable


def day_pattern_ok(days: tuple[int, ...], c: Contract, weekday0: int) -> bool:
    """Whether a set of working days keeps the contract's day rules.

    Weekend days at most ``max_weekend_days``, no run of working days longer than
    ``max_consecutive_days``, and every run of days off wholly inside the week at
    least ``min_consecutive_days_off`` long. (The number of days is checked
    separately, because leave lowers its minimum.)
    """
    worked = [d in days for d in range(7)]
    if sum(1 for d in days if (weekday0 + d) % 7 >= 5) > c.max_weekend_days:
        return False
    run = 0
    for w in worked:
        run = run + 1 if w else 0
        if run > c.max_consecutive_days:
            return False
    # Runs of days off wholly inside the week are long enough.
    d = 0
    while d < 7:
        if worked[d]:
            d += 1
            continue
        end = d
        while end < 7 and not worked[end]:
            end += 1
        if d > 0 and end < 7 and end - d < c.min_consecutive_days_off:
            return False
        d = end
    return True
