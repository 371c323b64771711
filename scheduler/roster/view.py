"""A finished roster seen the way the rules check it: shifts, breaks and contracts.

:class:`RosterView` is built once from the roster's
:class:`~scheduler.roster.inputs.RosterInputs` and a roster frame (one row per
segment: ``agent_id, date, start, end, activity, channel``) and holds, computed
with groupby rather than loops, what the audits of :mod:`scheduler.roster.rules`
read:

* ``segments``: the roster rows, normalised (tz-aware times in the centre's zone,
  ``date`` as :class:`datetime.date`, blank channels as ``""``), sorted;
* ``shifts``: one row per shift (all segments of an agent with the same ``date``);
* ``breaks``: one row per break or lunch, with its offset from the shift's start and
  the break rule it meets (from :func:`scheduler.shifts.break_windows`, so the audit
  agrees with the optimiser);
* ``agents``: one row per agent with its contract's limits and its leave days;
* ``periods``: the hard availability periods (``unavailable`` and ``leave``).

Times are compared as elapsed time between tz-aware timestamps; clock positions
(``start_min``, ``end_min``) are wall-clock minutes after the local midnight of the
shift's date.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from scheduler.agents import CONTRACT, FROM, KIND, SITE, SKILLS, TO
from scheduler.config import Centre, Contract
from scheduler.exceptions import InvalidInputError
from scheduler.roster.inputs import DAYS_PER_WEEK, RosterInputs
from scheduler.schema import (
    ACTIVITY,
    AGENT_ID,
    CHANNEL,
    DATE,
    END,
    LOCKED,
    ROSTER_COLUMNS,
    START,
)
from scheduler.shifts import BreakWindow, break_windows, parse_clock_minutes

logger = logging.getLogger(__name__)

WORK = "work"
MINUTES_PER_DAY = 24 * 60
#: Availability kinds no shift may overlap.
HARD_KINDS = ("unavailable", "leave")
LEAVE = "leave"

# Columns the view adds.
LENGTH_MIN = "length_min"  # shift length in minutes, breaks included
PAID_MIN = "paid_min"  # length less unpaid breaks, minutes
WORK_MIN = "work_min"  # minutes of work segments
START_MIN = "start_min"  # wall-clock minutes after the local midnight of `date`
END_MIN = "end_min"  # the same for the end (may pass 1440)
SEGMENTS = "segments"  # number of segments of the shift
DURATION_MIN = "duration_min"
OFFSET_MIN = "offset_min"  # break start after the shift's start, minutes
OFFSET_SLOTS = "offset_slots"  # the same in plan intervals (may be fractional)
BREAK_RULE = "rule"  # index in centre.shifts.breaks of the window met, -1 for none
PAID = "paid"
LEAVE_DAYS = "leave_days"
SHIFT_KEY = [AGENT_ID, DATE]


def _minutes(delta: pd.Series) -> pd.Series:
    """A timedelta series in minutes (float)."""
    return pd.Series(delta.dt.total_seconds(), index=delta.index) / 60


def wall_time(dates: pd.Series, minutes: pd.Series, zone: ZoneInfo) -> pd.Series:
    """Tz-aware timestamps of wall-clock ``minutes`` after the midnight of ``dates``.

    Parameters
    ----------
    dates : pandas.Series
        Local dates (:class:`datetime.date`).
    minutes : pandas.Series
        Minutes after local midnight, 0 to 1440.
    zone : ZoneInfo
        The centre's time zone. A repeated autumn hour is read as its first
        occurrence; a skipped spring hour moves forward.
    """
    naive = pd.to_datetime(dates.astype(str)) + pd.to_timedelta(minutes, unit="min")
    return naive.dt.tz_localize(
        zone, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward"
    )


def normalise_roster(roster: pd.DataFrame, zone: ZoneInfo) -> pd.DataFrame:
    """The roster's segments with clean types, sorted by agent, start and end.

    Parameters
    ----------
    roster : pandas.DataFrame
        Columns ``agent_id, date, start, end, activity, channel`` (others dropped).
    zone : ZoneInfo
        The centre's time zone; naive times are read as local.

    Raises
    ------
    InvalidInputError
        When a column is missing.
    """
    missing = [c for c in ROSTER_COLUMNS if c not in roster.columns]
    if missing:
        raise InvalidInputError(
            f"roster: missing column(s) {', '.join(missing)}; a roster has the "
            f"columns {', '.join(ROSTER_COLUMNS)}"
        )
    frame = roster.loc[:, list(ROSTER_COLUMNS)].copy()
    frame[AGENT_ID] = frame[AGENT_ID].astype(str)
    frame[DATE] = pd.to_datetime(frame[DATE].astype(str)).dt.date
    for column in (START, END):
        stamps = pd.to_datetime(frame[column])
        if stamps.dt.tz is None:
            stamps = stamps.dt.tz_localize(
                zone, ambiguous=np.ones(len(stamps), dtype=bool)
            )
        frame[column] = stamps.dt.tz_convert(zone)
    frame[ACTIVITY] = frame[ACTIVITY].astype(str)
    frame[CHANNEL] = frame[CHANNEL].fillna("").astype(str)
    return frame.sort_values([AGENT_ID, START, END], ignore_index=True)


def clock_limits_min(inputs: RosterInputs) -> tuple[int, int]:
    """Earliest start and latest end in minutes after the shift date's midnight.

    The latest end passes 1440 for overnight rules (``latest_end <= earliest_start``).
    """
    rules = inputs.centre.shifts
    earliest = parse_clock_minutes(rules.earliest_start)
    latest = parse_clock_minutes(rules.latest_end)
    if latest <= earliest:
        latest += MINUTES_PER_DAY
    return earliest, latest


def leave_days(inputs: RosterInputs) -> pd.Series:
    """Days of leave in the week per agent.

    A day of leave is a date of the week with at least one ``leave`` row in the
    availability, whole day or part of it. Agents without leave get 0.

    Returns
    -------
    pandas.Series
        Integer days, indexed by ``agent_id`` (every agent of ``inputs.agents``).
    """
    agents = pd.Index(inputs.agents[AGENT_ID].astype(str), name=AGENT_ID)
    counts = pd.Series(0, index=agents, dtype=int)
    availability = inputs.availability
    if availability is None or availability.empty:
        return counts
    rows = availability[
        (availability[KIND] == LEAVE) & availability[DATE].isin(inputs.days)
    ]
    per_agent = rows.groupby(AGENT_ID)[DATE].nunique()
    return counts.add(per_agent, fill_value=0).astype(int).reindex(agents)


def agent_table(inputs: RosterInputs) -> pd.DataFrame:
    """One row per agent: contract name and limits, skills, site and leave days.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``agent_id``; columns ``contract, skills, site``, every field
        of :class:`~scheduler.config.Contract` (hours in h, days in days) and
        ``leave_days``.
    """
    agents = inputs.agents.assign(**{AGENT_ID: inputs.agents[AGENT_ID].astype(str)})
    agents = agents.set_index(AGENT_ID)[[CONTRACT, SKILLS, SITE]]
    limits = pd.DataFrame.from_dict(
        {name: c.model_dump() for name, c in inputs.centre.contracts.items()},
        orient="index",
    )
    table = agents.join(limits, on=CONTRACT)
    table[LEAVE_DAYS] = leave_days(inputs)
    return table


def hard_periods(inputs: RosterInputs) -> pd.DataFrame:
    """The ``unavailable`` and ``leave`` periods as tz-aware intervals.

    Returns
    -------
    pandas.DataFrame
        ``agent_id, date, kind, from, to, start, end``: ``from``/``to`` in minutes
        after local midnight, ``start``/``end`` tz-aware in the centre's zone.
    """
    columns = [AGENT_ID, DATE, KIND, FROM, TO]
    availability = inputs.availability
    if availability is None or availability.empty:
        empty = pd.DataFrame(columns=columns)
        stamps = pd.Series([], dtype=f"datetime64[ns, {inputs.centre.zone.key}]")
        return empty.assign(**{START: stamps, END: stamps})
    periods = availability.loc[availability[KIND].isin(HARD_KINDS), columns].copy()
    periods[AGENT_ID] = periods[AGENT_ID].astype(str)
    zone = inputs.centre.zone
    periods[START] = wall_time(periods[DATE], periods[FROM], zone)
    periods[END] = wall_time(periods[DATE], periods[TO], zone)
    return periods.reset_index(drop=True)


def _window_table(
    centre: Centre, lengths_min: list[int]
) -> tuple[dict[int, tuple[BreakWindow, ...]], dict[int, str]]:
    """Break windows of each shift length, and the error for lengths they don't fit."""
    windows: dict[int, tuple[BreakWindow, ...]] = {}
    errors: dict[int, str] = {}
    for length in lengths_min:
        try:
            windows[length] = break_windows(
                centre.shifts.breaks, length, centre.interval_minutes
            )
        except InvalidInputError as err:
            errors[length] = str(err)
    return windows, errors


def _fallback_paid(centre: Centre) -> dict[str, bool]:
    """Paid flag of a break that meets no window: paid when all its rules are."""
    flags: dict[str, bool] = {}
    for rule in centre.shifts.breaks:
        flags[rule.activity] = flags.get(rule.activity, True) and rule.paid
    return flags


def _match_breaks(
    breaks: pd.DataFrame,
    windows: Mapping[int, tuple[BreakWindow, ...]],
    centre: Centre,
) -> pd.DataFrame:
    """Add the index of the break rule each break meets (-1 for none) and ``paid``."""
    interval = centre.interval_minutes
    table = pd.DataFrame(
        [
            {
                LENGTH_MIN: length,
                ACTIVITY: w.activity,
                BREAK_RULE: w.rule,
                "window_duration": w.duration_slots * interval,
                "window_paid": w.paid,
                "earliest": w.earliest_slot * interval,
                "latest": w.latest_slot * interval,
            }
            for length, shift_windows in windows.items()
            for w in shift_windows
        ],
        columns=[
            LENGTH_MIN,
            ACTIVITY,
            BREAK_RULE,
            "window_duration",
            "window_paid",
            "earliest",
            "latest",
        ],
    )
    keyed = breaks.reset_index(names="break_key")
    pairs = keyed.merge(table, on=[LENGTH_MIN, ACTIVITY])
    fits = (
        (pairs[DURATION_MIN] == pairs["window_duration"])
        & (pairs[OFFSET_MIN] >= pairs["earliest"])
        & (pairs[OFFSET_MIN] <= pairs["latest"])
        & (pairs[OFFSET_MIN] % interval == 0)
    )
    # Windows of one shift never overlap, so a break meets at most one.
    met = pairs.loc[fits].drop_duplicates("break_key").set_index("break_key")
    result = breaks.copy()
    result[BREAK_RULE] = met[BREAK_RULE].reindex(result.index).fillna(-1).astype(int)
    flags = _fallback_paid(centre)
    fallback = result[ACTIVITY].map(lambda activity: flags.get(activity, False))
    window_paid = met["window_paid"].reindex(result.index)
    result[PAID] = np.where(window_paid.isna(), fallback, window_paid).astype(bool)
    return result


def per_shift(values: pd.Series, shifts: pd.DataFrame) -> np.ndarray[Any, Any]:
    """Values indexed by ``(agent_id, date)`` in the order of ``shifts`` (0 if none)."""
    index = pd.MultiIndex.from_frame(shifts[SHIFT_KEY])
    return values.reindex(index).fillna(0).to_numpy()


def _shift_table(segments: pd.DataFrame) -> pd.DataFrame:
    """One row per shift: span, clock positions and minutes of work."""
    grouped = segments.groupby(SHIFT_KEY, sort=True)
    shifts = grouped.agg(
        **{
            START: (START, "min"),
            END: (END, "max"),
            SEGMENTS: (START, "size"),
        }
    ).reset_index()
    shifts[LENGTH_MIN] = _minutes(shifts[END] - shifts[START])
    work = segments.loc[segments[ACTIVITY] == WORK]
    work_min = (
        _minutes(work[END] - work[START]).groupby([work[AGENT_ID], work[DATE]]).sum()
    )
    shifts[WORK_MIN] = per_shift(work_min, shifts)
    midnight = pd.to_datetime(shifts[DATE].astype(str))
    shifts[START_MIN] = _minutes(shifts[START].dt.tz_localize(None) - midnight)
    shifts[END_MIN] = _minutes(shifts[END].dt.tz_localize(None) - midnight)
    return shifts


def _break_table(segments: pd.DataFrame, shifts: pd.DataFrame) -> pd.DataFrame:
    """One row per break or lunch with its duration and offset in the shift."""
    rows = segments.loc[segments[ACTIVITY] != WORK, [*SHIFT_KEY, ACTIVITY, START, END]]
    spans = shifts[[*SHIFT_KEY, START, LENGTH_MIN]].rename(
        columns={START: "shift_start"}
    )
    breaks = rows.merge(spans, on=SHIFT_KEY, how="left")
    breaks[DURATION_MIN] = _minutes(breaks[END] - breaks[START])
    breaks[OFFSET_MIN] = _minutes(breaks[START] - breaks["shift_start"])
    breaks[LENGTH_MIN] = breaks[LENGTH_MIN].round().astype(int)
    return breaks.drop(columns="shift_start")


@dataclass(frozen=True)
class RosterView:
    """A roster with the derived tables the rules audit.

    Build it with :meth:`build`; every frame is sorted and never mutated.

    Attributes
    ----------
    inputs : RosterInputs
        What the roster was built from.
    segments : pandas.DataFrame
        The roster rows: ``agent_id, date, start, end, activity, channel``.
    shifts : pandas.DataFrame
        One row per shift: ``agent_id, date, start, end, segments, length_min,
        paid_min, work_min, start_min, end_min`` (minutes).
    breaks : pandas.DataFrame
        One row per break or lunch: ``agent_id, date, activity, start, end,
        length_min`` (of its shift), ``duration_min, offset_min, offset_slots,
        rule`` (index of the break rule met, -1 for none) and ``paid``.
    agents : pandas.DataFrame
        :func:`agent_table` of the inputs.
    periods : pandas.DataFrame
        :func:`hard_periods` of the inputs.
    windows : Mapping[int, tuple of BreakWindow]
        Break windows of each shift length in the roster (minutes).
    window_errors : Mapping[int, str]
        Why the break rules do not fit a shift length, for lengths they don't.
    """

    inputs: RosterInputs
    segments: pd.DataFrame
    shifts: pd.DataFrame
    breaks: pd.DataFrame
    agents: pd.DataFrame
    periods: pd.DataFrame
    windows: Mapping[int, tuple[BreakWindow, ...]] = field(default_factory=dict)
    window_errors: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def build(cls, inputs: RosterInputs, roster: pd.DataFrame) -> RosterView:
        """Derive the view of ``roster`` once.

        Parameters
        ----------
        inputs : RosterInputs
            The centre, agents, week, availability and locks.
        roster : pandas.DataFrame
            One row per segment (DESIGN section 3); extra columns are ignored.

        Raises
        ------
        InvalidInputError
            When a roster column is missing.
        """
        centre = inputs.centre
        segments = normalise_roster(roster, centre.zone)
        shifts = _shift_table(segments)
        lengths = sorted({round(x) for x in shifts[LENGTH_MIN]})
        windows, errors = _window_table(centre, lengths)
        breaks = _match_breaks(_break_table(segments, shifts), windows, centre)
        breaks[OFFSET_SLOTS] = breaks[OFFSET_MIN] / centre.interval_minutes
        unpaid = breaks.loc[~breaks[PAID]].groupby(SHIFT_KEY)[DURATION_MIN].sum()
        shifts[PAID_MIN] = shifts[LENGTH_MIN] - per_shift(unpaid, shifts)
        logger.debug(
            "roster view: %d segments, %d shifts, %d breaks",
            len(segments),
            len(shifts),
            len(breaks),
        )
        return cls(
            inputs=inputs,
            segments=segments,
            shifts=shifts,
            breaks=breaks,
            agents=agent_table(inputs),
            periods=hard_periods(inputs),
            windows=windows,
            window_errors=errors,
        )

    @property
    def centre(self) -> Centre:
        """The centre of the inputs."""
        return self.inputs.centre

    @property
    def week_start(self) -> pd.Timestamp:
        """Local midnight at the start of the week (tz-aware)."""
        return self.inputs.local_midnight(self.inputs.week_start)

    @property
    def week_end(self) -> pd.Timestamp:
        """Local midnight at the end of the week (tz-aware, exclusive)."""
        last = self.inputs.week_start + dt.timedelta(days=DAYS_PER_WEEK)
        return self.inputs.local_midnight(last)

    def contract_of(self, agent_id: str) -> Contract:
        """The contract of an agent (``KeyError`` for an unknown agent)."""
        return self.centre.contracts[str(self.agents.loc[agent_id, CONTRACT])]

    def worked_days(self) -> pd.DataFrame:
        """Whether each agent works each day of the week (a shift dated that day).

        Returns
        -------
        pandas.DataFrame
            Booleans indexed by ``agent_id`` (every agent), columns 0 to 6.
        """
        worked = pd.DataFrame(
            False, index=self.agents.index, columns=range(DAYS_PER_WEEK)
        )
        day = self.day_index(self.shifts[DATE])
        inside = self.shifts.loc[(day >= 0) & (day < DAYS_PER_WEEK), AGENT_ID]
        for agent, d in zip(inside, day[inside.index], strict=True):
            if agent in worked.index:
                worked.loc[agent, d] = True
        return worked

    def day_index(self, dates: pd.Series) -> pd.Series:
        """Day of the week of each date: 0 for ``week_start``, 6 for its last day."""
        start = self.inputs.week_start
        return dates.map(lambda d: (d - start).days)


def clock(stamp: Any) -> str:
    """A timestamp as ``YYYY-MM-DD HH:MM`` for messages."""
    return pd.Timestamp(stamp).strftime("%Y-%m-%d %H:%M")


def hours(minutes: float) -> str:
    """Minutes as hours for messages: ``570`` gives ``"9.5 h"``."""
    return f"{round(minutes / 60, 2):g} h"


def _longest_free_min(window: tuple[int, int], busy: list[tuple[int, int]]) -> int:
    """Longest stretch of ``window`` (minutes) that no ``busy`` period covers."""
    cursor, longest = window[0], 0
    for start, end in sorted(busy):
        if end <= cursor or start >= window[1]:
            continue
        longest = max(longest, min(start, window[1]) - cursor)
        cursor = max(cursor, end)
    return max(longest, window[1] - cursor)


def blocked_days(inputs: RosterInputs) -> pd.DataFrame:
    """Days on which availability leaves an agent no room for any shift.

    A day is blocked when the ``unavailable`` and ``leave`` periods leave no free
    stretch between the day's earliest start and latest end as long as the
    shortest allowed shift (wall-clock minutes; periods of the next day count for
    overnight shifts).

    Returns
    -------
    pandas.DataFrame
        Booleans indexed by ``agent_id`` (every agent), columns 0 to 6 (day of
        the week).
    """
    agents = pd.Index(inputs.agents[AGENT_ID].astype(str), name=AGENT_ID)
    blocked = pd.DataFrame(False, index=agents, columns=range(DAYS_PER_WEEK))
    periods = hard_periods(inputs)
    if periods.empty:
        return blocked
    earliest, latest = clock_limits_min(inputs)
    shortest = round(min(inputs.centre.shifts.lengths_hours) * 60)
    day = periods[DATE].map(lambda d: (d - inputs.week_start).days)
    periods = periods.assign(
        lo=day * MINUTES_PER_DAY + periods[FROM], hi=day * MINUTES_PER_DAY + periods[TO]
    )
    for agent, rows in periods.groupby(AGENT_ID):
        busy = list(zip(rows["lo"], rows["hi"], strict=True))
        for d in range(DAYS_PER_WEEK):
            window = (d * MINUTES_PER_DAY + earliest, d * MINUTES_PER_DAY + latest)
            if _longest_free_min(window, busy) < shortest:
                blocked.loc[agent, d] = True
    return blocked


def locked_days(inputs: RosterInputs) -> pd.DataFrame:
    """Days on which locked rows make an agent work.

    Returns
    -------
    pandas.DataFrame
        Booleans indexed by ``agent_id`` (every agent), columns 0 to 6.
    """
    agents = pd.Index(inputs.agents[AGENT_ID].astype(str), name=AGENT_ID)
    worked = pd.DataFrame(False, index=agents, columns=range(DAYS_PER_WEEK))
    rows = locked_rows(inputs)
    day = rows[DATE].map(lambda d: (d - inputs.week_start).days)
    for agent, d in set(zip(rows[AGENT_ID], day, strict=True)):
        if agent in worked.index and 0 <= d < DAYS_PER_WEEK:
            worked.loc[agent, d] = True
    return worked


def locked_rows(inputs: RosterInputs) -> pd.DataFrame:
    """The rows of ``inputs.locked`` to keep, normalised like a roster.

    When the frame has a ``locked`` column, only rows where it is true count.
    """
    locked = inputs.locked
    if locked is None:
        locked = pd.DataFrame(columns=list(ROSTER_COLUMNS))
    elif LOCKED in locked.columns:
        flags = locked[LOCKED].astype(str).str.strip().str.lower()
        locked = locked.loc[flags.isin(("true", "1", "yes", "y"))]
    return normalise_roster(locked, inputs.centre.zone)
