"""Hand edits of a roster: pure functions from one roster frame to the next.

A supervisor moves, lengthens, shortens, deletes or adds a shift, gives overtime,
marks an absence, changes the channel an agent works on, and locks what they
changed so that a re-optimisation keeps it. Each edit here takes a roster frame
(:data:`scheduler.schema.ROSTER_COLUMNS` plus ``locked``) and returns an
:class:`Edit`: the new frame, a sentence saying what changed, and for an absence the
``availability`` row to respect when re-optimising. Nothing is modified in place.

A *shift* is named by its agent and ``date`` (the date it starts). Times of day are
local to the centre and must lie on the plan interval's grid; an end at or before
the start is on the next day (a shift crossing midnight).

How the segments of a changed shift are laid out:

* a shift that keeps its length (moved to another time, day or agent) is shifted
  whole: its breaks keep their place in the shift and every work segment its
  channel;
* a shift whose length changes gets the breaks the centre's rules require for the
  new length (:func:`scheduler.shifts.break_windows`): a break of the old shift
  that lies in its window stays where it was, a missing one is put in the middle
  of its window; a slot of work keeps the channel it had at that time of day, and
  new time takes the channel of the nearest work of the old shift.

:class:`EditHistory` keeps the edits in order, so the last can be undone.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from scheduler import schema as col
from scheduler.agents import AVAILABILITY_COLUMNS, FROM, KIND, NAME, SKILLS, TO
from scheduler.config import Centre
from scheduler.evaluate import evaluate_roster
from scheduler.exceptions import InvalidInputError
from scheduler.plan import Plan
from scheduler.roster.audit import audit_roster, summarise, violations_frame
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.view import PAID_MIN, START_MIN, RosterView
from scheduler.shifts import break_windows

logger = logging.getLogger(__name__)

MINUTES_PER_DAY = 24 * 60
#: Kinds of absence that :func:`mark_absence` accepts (hard in the optimiser).
ABSENCE_KINDS = ("unavailable", "leave")
#: Columns of :func:`shift_table`.
SHIFT_TABLE_COLUMNS = (
    "shift",
    col.AGENT_ID,
    NAME,
    col.DATE,
    col.START,
    col.END,
    "paid_hours",
    col.CHANNEL,
    col.LOCKED,
)
_MIXED = "/"

Label = tuple[str, str]  # (activity, channel) of one slot of a shift


@dataclass(frozen=True, eq=False)
class Edit:
    """One change to a roster.

    Attributes
    ----------
    roster : pandas.DataFrame
        The roster after the change (sorted by agent and start, with ``locked``).
    description : str
        What changed, in a sentence for people.
    absence : pandas.DataFrame
        ``availability.csv`` rows the change adds (``agent_id, date, from, to,
        kind``, minutes after midnight); empty except for :func:`mark_absence`.
    """

    roster: pd.DataFrame
    description: str
    absence: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(AVAILABILITY_COLUMNS))
    )


@dataclass(frozen=True, eq=False)
class EditHistory:
    """The edits made to a roster, in order, so that they can be undone.

    Attributes
    ----------
    base : pandas.DataFrame
        The roster before any edit.
    steps : tuple of Edit
        The edits, oldest first.
    """

    base: pd.DataFrame
    steps: tuple[Edit, ...] = ()

    @property
    def roster(self) -> pd.DataFrame:
        """The roster after every edit."""
        return self.steps[-1].roster if self.steps else with_locked(self.base)

    @property
    def absences(self) -> pd.DataFrame:
        """Every absence the edits marked (``availability.csv`` rows)."""
        frames = [step.absence for step in self.steps if not step.absence.empty]
        if not frames:
            return pd.DataFrame(columns=list(AVAILABILITY_COLUMNS))
        return pd.concat(frames, ignore_index=True)

    @property
    def descriptions(self) -> tuple[str, ...]:
        """What each edit did, oldest first."""
        return tuple(step.description for step in self.steps)

    def then(self, edit: Edit) -> EditHistory:
        """This history with ``edit`` after its last step."""
        return replace(self, steps=(*self.steps, edit))

    def undo(self) -> EditHistory:
        """This history without its last step (unchanged when there is none)."""
        return replace(self, steps=self.steps[:-1])


def with_locked(roster: pd.DataFrame) -> pd.DataFrame:
    """The roster sorted by agent and start, with a boolean ``locked`` column."""
    out = roster.copy()
    if col.LOCKED not in out.columns:
        out[col.LOCKED] = False
    out[col.LOCKED] = out[col.LOCKED].fillna(False).astype(bool)
    return out.sort_values([col.AGENT_ID, col.START], ignore_index=True)


def _when(agent: str, date: dt.date) -> str:
    return f"agent {agent}, shift of {date:%a} {date.isoformat()}"


def _shift_mask(roster: pd.DataFrame, agent: str, date: dt.date) -> pd.Series:
    mask = (roster[col.AGENT_ID] == agent) & (roster[col.DATE] == date)
    if not mask.any():
        raise InvalidInputError(
            f"{_when(agent, date)}: there is no such shift; pick an agent and date "
            "from the roster"
        )
    return mask


def _local(date: dt.date, minute: int, centre: Centre) -> pd.Timestamp:
    """The local time ``minute`` minutes after the wall-clock midnight of ``date``."""
    day, rest = divmod(minute, MINUTES_PER_DAY)
    naive = pd.Timestamp(date) + pd.Timedelta(days=day, minutes=rest)
    return naive.tz_localize(centre.zone, ambiguous=True, nonexistent="shift_forward")


def _clock(value: dt.time | str) -> int:
    """Minutes after midnight of a time of day (``HH:MM`` text or a time)."""
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInputError(
                f"{value!r} is not a time of day; write HH:MM, e.g. 08:00"
            ) from None
    return value.hour * 60 + value.minute


def _span(
    start: dt.time | str, end: dt.time | str, centre: Centre, where: str
) -> tuple[int, int]:
    """Start and end minutes after the shift date's midnight, checked on the grid."""
    first, last = _clock(start), _clock(end)
    if last <= first:
        last += MINUTES_PER_DAY
    step = centre.interval_minutes
    for name, minute in (("start", first), ("end", last)):
        if minute % step:
            raise InvalidInputError(
                f"{where}: {name} {minute % MINUTES_PER_DAY // 60:02d}:"
                f"{minute % 60:02d} is not on the {step}-minute plan grid; use a "
                f"time on whole {step} minutes"
            )
    return first, last


def _labels(rows: pd.DataFrame, centre: Centre) -> list[Label]:
    """Per slot from the shift's first start: ``(activity, channel)``."""
    step = pd.Timedelta(minutes=centre.interval_minutes)
    first = rows[col.START].min()
    count = int((rows[col.END].max() - first) / step)
    labels: list[Label] = [("", "")] * count
    for start, end, activity, channel in zip(
        rows[col.START],
        rows[col.END],
        rows[col.ACTIVITY],
        rows[col.CHANNEL],
        strict=True,
    ):
        for k in range(int((start - first) / step), int((end - first) / step)):
            labels[k] = (str(activity), str(channel))
    return labels


def _segments(
    agent: str,
    date: dt.date,
    first_minute: int,
    labels: Sequence[Label],
    centre: Centre,
    locked: bool,
) -> pd.DataFrame:
    """Roster rows of one shift from its per-slot labels (empty labels are gaps)."""
    step = centre.interval_minutes
    rows: list[dict[str, Any]] = []
    k = 0
    while k < len(labels):
        if labels[k] == ("", ""):
            k += 1
            continue
        end = k
        while end < len(labels) and labels[end] == labels[k]:
            end += 1
        rows.append(
            {
                col.AGENT_ID: agent,
                col.DATE: date,
                col.START: _local(date, first_minute + k * step, centre),
                col.END: _local(date, first_minute + end * step, centre),
                col.ACTIVITY: labels[k][0],
                col.CHANNEL: labels[k][1],
                col.LOCKED: locked,
            }
        )
        k = end
    return pd.DataFrame(rows, columns=[*col.ROSTER_COLUMNS, col.LOCKED])


def _minute_of(stamp: pd.Timestamp, date: dt.date, centre: Centre) -> int:
    """Wall-clock minutes from the midnight of ``date`` to a local timestamp."""
    local = stamp.tz_convert(centre.zone).tz_localize(None)
    return round((local - pd.Timestamp(date)) / pd.Timedelta(minutes=1))


def _relaid(
    labels: Sequence[Label],
    old_first: int,
    new_first: int,
    new_last: int,
    centre: Centre,
) -> list[Label]:
    """Labels of a shift whose span changes (see the module docstring)."""
    step = centre.interval_minutes
    work = {
        old_first + k * step: channel
        for k, (activity, channel) in enumerate(labels)
        if activity == "work"
    }
    if not work:
        raise InvalidInputError("a shift without work cannot be resized; delete it")
    times = sorted(work)
    count = (new_last - new_first) // step
    out: list[Label] = []
    for k in range(count):
        minute = new_first + k * step
        channel = work.get(minute) or work[min(times, key=lambda t: abs(t - minute))]
        out.append(("work", channel))
    old_breaks = [
        (activity, (old_first + k * step - new_first) // step)
        for k, (activity, _) in enumerate(labels)
        if activity in ("break", "lunch") and (k == 0 or labels[k - 1][0] != activity)
    ]
    used: set[int] = set()
    for window in break_windows(centre.shifts.breaks, count * step, step):
        kept = [
            (i, offset)
            for i, (activity, offset) in enumerate(old_breaks)
            if i not in used and activity == window.activity and offset in window.starts
        ]
        if kept:
            used.add(kept[0][0])
            offset = kept[0][1]
        else:
            offset = (window.earliest_slot + window.latest_slot) // 2
        for k in range(offset, offset + window.duration_slots):
            out[k] = (window.activity, "")
    return out


def _fresh(first: int, last: int, channel: str, centre: Centre) -> list[Label]:
    """Labels of a new shift: work on ``channel``, breaks in their windows' middle."""
    step = centre.interval_minutes
    count = (last - first) // step
    out: list[Label] = [("work", channel)] * count
    for window in break_windows(centre.shifts.breaks, count * step, step):
        offset = (window.earliest_slot + window.latest_slot) // 2
        for k in range(offset, offset + window.duration_slots):
            out[k] = (window.activity, "")
    return out


def _agent_row(agents: pd.DataFrame, agent: str) -> pd.Series:
    rows = agents.loc[agents[col.AGENT_ID] == agent]
    if rows.empty:
        raise InvalidInputError(
            f"agent {agent!r} is not in agents.csv; pick an agent of the centre"
        )
    return rows.iloc[0]


def _check_skill(agents: pd.DataFrame, agent: str, channel: str, where: str) -> None:
    skills = tuple(_agent_row(agents, agent)[SKILLS])
    if channel not in skills:
        raise InvalidInputError(
            f"{where}: agent {agent} does not have the skill {channel!r} (skills: "
            f"{', '.join(skills)}); pick one of those or add the skill in agents.csv"
        )


def _put(
    roster: pd.DataFrame, shift: pd.DataFrame, where: str, drop: pd.Series | None
) -> pd.DataFrame:
    """The roster without the rows ``drop`` and with ``shift``, checked for overlap."""
    kept = roster if drop is None else roster.loc[~drop]
    if not shift.empty:
        agent = shift[col.AGENT_ID].iloc[0]
        start, end = shift[col.START].min(), shift[col.END].max()
        mine = kept.loc[kept[col.AGENT_ID] == agent]
        clash = mine.loc[(mine[col.START] < end) & (mine[col.END] > start)]
        if not clash.empty:
            other = clash[col.DATE].iloc[0]
            raise InvalidInputError(
                f"{where}: it would overlap agent {agent}'s shift of {other:%a} "
                f"{other.isoformat()}; move or delete that shift first"
            )
        kept = _joined(kept, shift)
    return with_locked(kept)


def _joined(roster: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` appended to ``roster``, their times in the roster's time zone.

    Time zones that name the same place (``zoneinfo`` and ``pytz``) would make
    ``pd.concat`` fall back to a column of objects.
    """
    zone = roster[col.START].dt.tz if not roster.empty else None
    if zone is not None and not rows.empty:
        rows = rows.assign(
            **{name: rows[name].dt.tz_convert(zone) for name in (col.START, col.END)}
        )
    return pd.concat([roster, rows], ignore_index=True)


def _times(shift: pd.DataFrame) -> str:
    return (
        f"{shift[col.START].min():%H:%M}-{shift[col.END].max():%H:%M}"
        if not shift.empty
        else "nothing"
    )


def set_shift(
    roster: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    agent: str,
    date: dt.date,
    start: dt.time | str,
    end: dt.time | str,
    *,
    to_agent: str | None = None,
    to_date: dt.date | None = None,
    lock: bool = True,
) -> Edit:
    """Move or resize a shift: new times, and optionally another agent or day.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame.
    centre : Centre
        Plan interval, time zone and break rules.
    agents : pandas.DataFrame
        The agents, for skills when the shift goes to another agent.
    agent : str
        The shift's agent.
    date : datetime.date
        The date the shift starts.
    start, end : datetime.time or str
        New local start and end (``HH:MM``); an end at or before the start is on
        the next day.
    to_agent : str or None
        Give the shift to this agent instead (they need its channels' skills).
    to_date : datetime.date or None
        Move the shift to this date instead.
    lock : bool
        Lock the changed shift, so that a re-optimisation keeps it.

    Returns
    -------
    Edit
        Same length: the shift moved whole. Another length: breaks as the rules
        require for it (see the module docstring).

    Raises
    ------
    InvalidInputError
        When there is no such shift, a time is off the plan grid, the new agent
        lacks a skill, or the shift would overlap another of the agent's.
    """
    roster = with_locked(roster)
    mask = _shift_mask(roster, agent, date)
    rows = roster.loc[mask]
    new_agent, new_date = to_agent or agent, to_date or date
    where = _when(agent, date)
    if (new_agent, new_date) != (agent, date) and (
        (roster[col.AGENT_ID] == new_agent) & (roster[col.DATE] == new_date)
    ).any():
        raise InvalidInputError(
            f"{where}: agent {new_agent} already has a shift on {new_date:%a} "
            f"{new_date.isoformat()}; change or delete that shift first"
        )
    first, last = _span(start, end, centre, where)
    labels = _labels(rows, centre)
    old_first = _minute_of(rows[col.START].min(), date, centre)
    if last - first == len(labels) * centre.interval_minutes:
        new_labels = list(labels)
    else:
        new_labels = _relaid(labels, old_first, first, last, centre)
    for channel in {c for a, c in new_labels if a == "work"}:
        _check_skill(agents, new_agent, channel, where)
    shift = _segments(new_agent, new_date, first, new_labels, centre, lock)
    out = _put(roster, shift, where, mask)
    moved = []
    if new_agent != agent:
        moved.append(f"to agent {new_agent}")
    if new_date != date:
        moved.append(f"to {new_date:%a} {new_date.isoformat()}")
    text = (
        f"{where}: {_times(rows)} -> {_times(shift)}"
        + (f" ({', '.join(moved)})" if moved else "")
        + (", locked" if lock else "")
    )
    logger.info("edit: %s", text)
    return Edit(out, text)


def add_overtime(
    roster: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    agent: str,
    date: dt.date,
    minutes: int,
    *,
    before: bool = False,
    lock: bool = True,
) -> Edit:
    """Lengthen a shift by ``minutes`` at its end (or at its start).

    Parameters
    ----------
    minutes : int
        Overtime in minutes, a positive multiple of the plan interval.
    before : bool
        Add the time before the shift's start instead of after its end.

    Raises
    ------
    InvalidInputError
        When ``minutes`` is not a positive multiple of the plan interval, or as
        :func:`set_shift`.
    """
    if minutes <= 0 or minutes % centre.interval_minutes:
        raise InvalidInputError(
            f"{_when(agent, date)}: overtime of {minutes} minutes is not a positive "
            f"multiple of the {centre.interval_minutes}-minute plan interval"
        )
    roster = with_locked(roster)
    rows = roster.loc[_shift_mask(roster, agent, date)]
    first = _minute_of(rows[col.START].min(), date, centre)
    last = _minute_of(rows[col.END].max(), date, centre)
    if before:
        first -= minutes
    else:
        last += minutes
    if first < 0:
        raise InvalidInputError(
            f"{_when(agent, date)}: {minutes} minutes before the start would begin "
            "on the day before; add less overtime or add it after the end"
        )
    clock = dt.time(first // 60 % 24, first % 60), dt.time(last // 60 % 24, last % 60)
    edit = set_shift(roster, centre, agents, agent, date, *clock, lock=lock)
    where = "before the start" if before else "after the end"
    return replace(
        edit,
        description=f"{_when(agent, date)}: {minutes} min overtime {where} "
        f"({edit.description.split(': ', 1)[1]})",
    )


def delete_shift(roster: pd.DataFrame, agent: str, date: dt.date) -> Edit:
    """Remove a shift.

    Raises
    ------
    InvalidInputError
        When there is no such shift.
    """
    roster = with_locked(roster)
    mask = _shift_mask(roster, agent, date)
    text = f"{_when(agent, date)}: {_times(roster.loc[mask])} deleted"
    logger.info("edit: %s", text)
    return Edit(with_locked(roster.loc[~mask]), text)


def add_shift(
    roster: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    agent: str,
    date: dt.date,
    start: dt.time | str,
    end: dt.time | str,
    channel: str,
    *,
    lock: bool = True,
) -> Edit:
    """Add a shift of work on ``channel``, with the breaks the rules require.

    Breaks go in the middle of their windows (:func:`scheduler.shifts.break_windows`).

    Raises
    ------
    InvalidInputError
        When the agent already has a shift that day or it would overlap one, a
        time is off the grid, or the agent lacks the channel's skill.
    """
    roster = with_locked(roster)
    where = f"agent {agent}, new shift on {date:%a} {date.isoformat()}"
    _agent_row(agents, agent)
    if ((roster[col.AGENT_ID] == agent) & (roster[col.DATE] == date)).any():
        raise InvalidInputError(
            f"{where}: the agent already has a shift that day; change that shift "
            "instead (or delete it first)"
        )
    if channel not in centre.channels:
        raise InvalidInputError(
            f"{where}: channel {channel!r} is not one of {', '.join(centre.channels)}"
        )
    _check_skill(agents, agent, channel, where)
    first, last = _span(start, end, centre, where)
    shift = _segments(
        agent, date, first, _fresh(first, last, channel, centre), centre, lock
    )
    text = f"{where}: {_times(shift)} on {channel} added" + (", locked" if lock else "")
    logger.info("edit: %s", text)
    return Edit(_put(roster, shift, where, None), text)


def change_channel(
    roster: pd.DataFrame,
    agents: pd.DataFrame,
    agent: str,
    date: dt.date,
    channel: str,
    *,
    lock: bool = True,
) -> Edit:
    """Put every work segment of a shift on ``channel``.

    Raises
    ------
    InvalidInputError
        When there is no such shift or the agent lacks the skill.
    """
    roster = with_locked(roster)
    mask = _shift_mask(roster, agent, date)
    where = _when(agent, date)
    _check_skill(agents, agent, channel, where)
    out = roster.copy()
    work = mask & (out[col.ACTIVITY] == "work")
    out.loc[work, col.CHANNEL] = channel
    if lock:
        out.loc[mask, col.LOCKED] = True
    out = _merged(out, mask)
    text = f"{where}: now on {channel}" + (", locked" if lock else "")
    logger.info("edit: %s", text)
    return Edit(with_locked(out), text)


def _merged(roster: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """Join touching segments of the masked rows that now say the same thing."""
    rows = roster.loc[mask].sort_values(col.START)
    keys = [col.ACTIVITY, col.CHANNEL, col.LOCKED]
    same = rows[keys].eq(rows[keys].shift()).all(axis=1) & rows[col.START].eq(
        rows[col.END].shift()
    )
    run = (~same).cumsum()
    joined = rows.groupby(run, sort=False).agg(
        {
            col.AGENT_ID: "first",
            col.DATE: "first",
            col.START: "min",
            col.END: "max",
            col.ACTIVITY: "first",
            col.CHANNEL: "first",
            col.LOCKED: "first",
        }
    )
    return pd.concat([roster.loc[~mask], joined], ignore_index=True)


def set_locked(
    roster: pd.DataFrame, agent: str, date: dt.date, locked: bool = True
) -> Edit:
    """Lock a shift (a re-optimisation keeps it exactly) or unlock it.

    Raises
    ------
    InvalidInputError
        When there is no such shift.
    """
    roster = with_locked(roster)
    mask = _shift_mask(roster, agent, date)
    out = roster.copy()
    out.loc[mask, col.LOCKED] = locked
    text = f"{_when(agent, date)}: {'locked' if locked else 'unlocked'}"
    return Edit(out, text)


def mark_absence(
    roster: pd.DataFrame,
    centre: Centre,
    agent: str,
    date: dt.date,
    start: dt.time | str | None = None,
    end: dt.time | str | None = None,
    *,
    kind: str = "unavailable",
) -> Edit:
    """Mark an agent absent on a day (or part of it) and take them off the roster.

    Work, breaks and lunches of the agent inside the absence are removed; a shift
    the absence cuts in two stays as its two parts. The absence comes back as an
    ``availability`` row, so that a re-optimisation does not roster the agent
    then.

    Parameters
    ----------
    start, end : datetime.time, str or None
        The absent period on ``date``; the whole day when both are ``None``.
    kind : {"unavailable", "leave"}
        Kind of the availability row.

    Raises
    ------
    InvalidInputError
        For an unknown kind, a time off the grid, or an end not after the start.
    """
    if kind not in ABSENCE_KINDS:
        raise InvalidInputError(
            f"absence kind {kind!r} is not one of {', '.join(ABSENCE_KINDS)}"
        )
    where = f"agent {agent}, absence on {date:%a} {date.isoformat()}"
    first = 0 if start is None else _clock(start)
    last = MINUTES_PER_DAY if end is None else _clock(end) or MINUTES_PER_DAY
    if last <= first:
        raise InvalidInputError(
            f"{where}: the end is not after the start; split an absence across "
            "midnight into two"
        )
    for name, minute in (("start", first), ("end", last)):
        if minute % centre.interval_minutes:
            raise InvalidInputError(
                f"{where}: {name} is not on the {centre.interval_minutes}-minute "
                "plan grid"
            )
    roster = with_locked(roster)
    begin, finish = _local(date, first, centre), _local(date, last, centre)
    mine = roster[col.AGENT_ID] == agent
    touched = mine & (roster[col.START] < finish) & (roster[col.END] > begin)
    parts = []
    for _, row in roster.loc[touched].iterrows():
        for lo, hi in ((row[col.START], begin), (finish, row[col.END])):
            lo, hi = max(lo, row[col.START]), min(hi, row[col.END])
            if lo < hi:
                parts.append({**row.to_dict(), col.START: lo, col.END: hi})
    kept = roster.loc[~touched]
    if parts:
        kept = _joined(kept, pd.DataFrame(parts))
    absence = pd.DataFrame(
        [{col.AGENT_ID: agent, col.DATE: date, FROM: first, TO: last, KIND: kind}],
        columns=list(AVAILABILITY_COLUMNS),
    )
    hours = (last - first) / 60
    span = (
        "all day"
        if (first, last) == (0, MINUTES_PER_DAY)
        else (f"{first // 60:02d}:{first % 60:02d}-{last // 60:02d}:{last % 60:02d}")
    )
    removed = "; rostered time removed" if touched.any() else ""
    text = f"{where}: {kind} {span} ({hours:g} h){removed}"
    logger.info("edit: %s", text)
    return Edit(with_locked(kept), text, absence)


def merge_availability(
    availability: pd.DataFrame | None, absences: pd.DataFrame
) -> pd.DataFrame | None:
    """Availability with the absences of edits added (``None`` when both empty)."""
    frames = [f for f in (availability, absences) if f is not None and not f.empty]
    if not frames:
        return None
    merged = pd.concat(frames, ignore_index=True)
    merged[FROM] = merged[FROM].astype(int)
    merged[TO] = merged[TO].astype(int)
    return merged[list(AVAILABILITY_COLUMNS)]


def shift_key(agent: str, date: dt.date) -> str:
    """The key of a shift in :func:`shift_table`: ``AGENT@YYYY-MM-DD``."""
    return f"{agent}@{date.isoformat()}"


def shift_table(roster: pd.DataFrame, inputs: RosterInputs) -> pd.DataFrame:
    """One row per shift (an agent's segments of one date), to read and edit.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame.
    inputs : RosterInputs
        Centre, agents and week, for the shifts' paid time
        (:class:`scheduler.roster.view.RosterView`) and the agents' names.

    Returns
    -------
    pandas.DataFrame
        :data:`SHIFT_TABLE_COLUMNS`: ``shift`` (its key, :func:`shift_key`),
        ``agent_id``, ``name``, ``date``, ``start`` and ``end`` (local
        :class:`datetime.time`), ``paid_hours`` (the shift less unpaid breaks),
        ``channel`` (the channels worked, ``/``-separated in order of time) and
        ``locked`` (any segment locked). Sorted by date, start and agent.
    """
    roster = with_locked(roster)
    if roster.empty:
        return pd.DataFrame(columns=list(SHIFT_TABLE_COLUMNS))
    shifts = RosterView.build(inputs, roster).shifts
    key = [col.AGENT_ID, col.DATE]
    work = roster.loc[roster[col.ACTIVITY] == "work"]
    channels = work.groupby(key, sort=False)[col.CHANNEL].agg(
        lambda names: _MIXED.join(dict.fromkeys(str(n) for n in names))
    )
    locked = roster.groupby(key, sort=False)[col.LOCKED].any()
    index = pd.MultiIndex.from_frame(shifts[key])
    names = dict(zip(inputs.agents[col.AGENT_ID], inputs.agents[NAME], strict=True))
    table = pd.DataFrame(
        {
            "shift": [
                shift_key(str(a), d)
                for a, d in zip(shifts[col.AGENT_ID], shifts[col.DATE], strict=True)
            ],
            col.AGENT_ID: shifts[col.AGENT_ID].astype(str),
            NAME: shifts[col.AGENT_ID].map(names).fillna(""),
            col.DATE: shifts[col.DATE],
            col.START: [t.time() for t in shifts[col.START]],
            col.END: [t.time() for t in shifts[col.END]],
            "paid_hours": shifts[PAID_MIN].to_numpy(dtype=float) / 60,
            col.CHANNEL: channels.reindex(index).fillna("").to_numpy(),
            col.LOCKED: locked.reindex(index).fillna(False).to_numpy(dtype=bool),
        }
    )
    table = table.assign(_minute=shifts[START_MIN].to_numpy())
    table = table.sort_values([col.DATE, "_minute", col.AGENT_ID])
    return table[list(SHIFT_TABLE_COLUMNS)].reset_index(drop=True)


def _blank(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else pd.Timestamp(value).date()


def _time(value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        return dt.time(*divmod(_clock(value), 60))
    return pd.Timestamp(value).time()


def table_edits(
    roster: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    lock: bool = True,
) -> list[Edit]:
    """The edits that turn the shift table ``before`` into ``after``, applied.

    Rows are matched by their ``shift`` key: a key missing from ``after`` is a
    deleted shift, a row without a key an added one (its ``channel`` must be one
    channel), and a row whose agent, date, start, end, channel or lock differ is
    changed with :func:`set_shift`, :func:`change_channel` and :func:`set_locked`.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster ``before`` was made from (:func:`shift_table`).
    before, after : pandas.DataFrame
        The shift table as shown and as edited.
    lock : bool
        Lock every shift that changes.

    Returns
    -------
    list of Edit
        In order; each edit's roster includes the ones before it. Empty when
        nothing changed.

    Raises
    ------
    InvalidInputError
        Naming the row (its agent and date) that cannot be applied, and why.
    """
    edits: list[Edit] = []
    current = with_locked(roster)

    def apply(edit: Edit) -> None:
        nonlocal current
        edits.append(edit)
        current = edit.roster

    old = before.set_index("shift")
    keys = {str(k) for k in after["shift"] if not _blank(k)}
    for key in old.index:
        if key not in keys:
            row = old.loc[key]
            apply(delete_shift(current, str(row[col.AGENT_ID]), _date(row[col.DATE])))
    for _, row in after.iterrows():
        key = row["shift"]
        if any(_blank(row[c]) for c in (col.AGENT_ID, col.DATE, col.START, col.END)):
            if _blank(key):
                raise InvalidInputError(
                    "a new row needs agent_id, date, start, end and channel; fill "
                    "them in or delete the row"
                )
            raise InvalidInputError(
                f"shift {key}: agent_id, date, start and end cannot be blank; "
                "delete the row to delete the shift"
            )
        agent, date = str(row[col.AGENT_ID]).strip(), _date(row[col.DATE])
        start, end = _time(row[col.START]), _time(row[col.END])
        channel = "" if _blank(row[col.CHANNEL]) else str(row[col.CHANNEL]).strip()
        locked = not _blank(row[col.LOCKED]) and bool(row[col.LOCKED])
        if _blank(key):
            apply(
                add_shift(
                    current,
                    centre,
                    agents,
                    agent,
                    date,
                    start,
                    end,
                    channel,
                    lock=lock or locked,
                )
            )
            continue
        was = old.loc[str(key)]
        was_agent, was_date = str(was[col.AGENT_ID]), _date(was[col.DATE])
        changed = False
        if (agent, date, start, end) != (
            was_agent,
            was_date,
            _time(was[col.START]),
            _time(was[col.END]),
        ):
            apply(
                set_shift(
                    current,
                    centre,
                    agents,
                    was_agent,
                    was_date,
                    start,
                    end,
                    to_agent=agent,
                    to_date=date,
                    lock=lock,
                )
            )
            changed = True
        if channel != str(was[col.CHANNEL]):
            if _MIXED in channel or channel not in centre.channels:
                raise InvalidInputError(
                    f"shift {key}: channel {channel!r} is not one channel of "
                    f"{', '.join(centre.channels)}; write one channel to put the "
                    "whole shift on it"
                )
            apply(change_channel(current, agents, agent, date, channel, lock=lock))
            changed = True
        is_locked = bool(
            current.loc[_shift_mask(current, agent, date), col.LOCKED].any()
        )
        wanted = locked or (lock and changed)
        if wanted != is_locked:
            apply(set_locked(current, agent, date, wanted))
    return edits


def locked_rows(roster: pd.DataFrame) -> pd.DataFrame:
    """The rows a re-optimisation must keep (``locked`` true)."""
    roster = with_locked(roster)
    return roster.loc[roster[col.LOCKED]].reset_index(drop=True)


def locked_shifts(roster: pd.DataFrame) -> list[tuple[str, dt.date]]:
    """``(agent_id, date)`` of every locked shift, sorted."""
    rows = locked_rows(roster)
    return sorted(
        {(str(a), d) for a, d in zip(rows[col.AGENT_ID], rows[col.DATE], strict=True)}
    )


def same_shifts(
    roster: pd.DataFrame, other: pd.DataFrame, keys: Iterable[tuple[str, dt.date]]
) -> bool:
    """Whether both rosters have the very same segments for each shift of ``keys``.

    Useful to check that locked shifts survived a re-optimisation.
    """
    columns = list(col.ROSTER_COLUMNS)
    for agent, date in keys:
        mine = roster.loc[(roster[col.AGENT_ID] == agent) & (roster[col.DATE] == date)]
        theirs = other.loc[(other[col.AGENT_ID] == agent) & (other[col.DATE] == date)]
        left = mine[columns].sort_values(col.START).reset_index(drop=True)
        right = theirs[columns].sort_values(col.START).reset_index(drop=True)
        if left.empty or not left.equals(right):
            return False
    return True


def carry_locks(roster: pd.DataFrame, earlier: pd.DataFrame) -> pd.DataFrame:
    """``roster`` with the locks of ``earlier`` on the shifts it kept unchanged.

    A re-optimisation returns the locked shifts exactly but without the flag;
    this marks them locked again, so that the next re-optimisation keeps them too.
    """
    out = with_locked(roster)
    keys = locked_shifts(earlier)
    for agent, date in keys:
        if same_shifts(out, with_locked(earlier), [(agent, date)]):
            mask = (out[col.AGENT_ID] == agent) & (out[col.DATE] == date)
            out.loc[mask, col.LOCKED] = True
    return out


def edited_plan(plan: Plan, history: EditHistory) -> Plan:
    """The plan with the edited roster, evaluated and audited again (no solve).

    Parameters
    ----------
    plan : Plan
        The plan the edits started from (its roster is ``history.base``).
    history : EditHistory
        The edits.

    Returns
    -------
    Plan
        Same requirements; roster, availability (with the absences marked),
        evaluation (``kpis["audit"]`` included) and violations of the edited
        roster. The optimiser's bent rules are left out (they priced the
        optimiser's roster, not this one); the name says it was edited.
    """
    roster = history.roster
    availability = merge_availability(plan.availability, history.absences)
    inputs = RosterInputs(
        centre=plan.centre,
        agents=plan.agents,
        week_start=plan.week_start,
        availability=availability,
        locked=locked_rows(roster),
    )
    violations = audit_roster(inputs, roster)
    evaluation = evaluate_roster(
        roster.drop(columns=col.LOCKED), plan.requirements, plan.centre, plan.agents
    )
    evaluation.kpis["audit"] = summarise(violations)
    edits = len(history.steps)
    return replace(
        plan,
        roster=roster,
        evaluation=evaluation,
        availability=availability,
        bent_rules=pd.DataFrame(),
        violations=violations_frame(violations),
        name=plan.name if not edits else f"{plan.name} (edited: {edits} change(s))",
    )
