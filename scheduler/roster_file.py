"""``roster.csv``: reading and validating a roster (DESIGN section 3).

A roster has one row per *segment* of a shift: ``agent_id, date, start, end,
activity, channel`` and, as input, an optional ``locked`` column (``true``/``false``,
``1``/``0``, ``yes``/``no`` or blank) marking rows the optimiser must keep exactly.
``activity`` is ``work``, ``break`` or ``lunch``; ``channel`` is set on work rows and
blank on breaks and lunches; ``date`` is the date the shift starts (a shift may cross
midnight). A *shift* is a run of contiguous segments of one agent with the same
``date``.

In the roster frame ``start`` and ``end`` are tz-aware timestamps in the centre's
zone. In the file they are ISO 8601, with or without a UTC offset: without one they
are local times in the centre's zone (in the autumn clock change the repeated hour is
read as its first occurrence); with one they are converted to the zone. Writing a
roster frame with :func:`scheduler.export.write_csv` and reading it back with
:func:`load_roster` gives the same frame.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler import schema as col
from scheduler.agents import SKILLS, CsvSource, TextFile, csv_source
from scheduler.agents import _read_csv as read_csv_text
from scheduler.config import Centre
from scheduler.exceptions import InvalidInputError

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no", ""})
#: Line of a CSV file's first data row (the header is line 1).
FIRST_DATA_LINE = 2
_LINE = "_line"


def parse_flag(text: str, where: str, column: str) -> bool:
    """Read a yes/no cell: ``true``/``false``, ``1``/``0``, ``yes``/``no`` or blank.

    Parameters
    ----------
    text : str
        The cell, any case; blank means false.
    where : str
        ``"FILE: line N"``, for the error message.
    column : str
        The column's name, for the error message.

    Raises
    ------
    InvalidInputError
        When the cell is none of these.
    """
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInputError(
        f"{where}: {column} {text!r} is not a yes/no value; write true or false "
        "(1/0, yes/no; blank means false)"
    )


def parse_instant(text: str, where: str, column: str, centre: Centre) -> pd.Timestamp:
    """Read an ISO 8601 timestamp as a tz-aware timestamp in the centre's zone.

    Parameters
    ----------
    text : str
        E.g. ``2026-01-05T08:00`` (local time) or ``2026-01-05T08:00+02:00``.
    where : str
        ``"FILE: line N"``, for the error message.
    column : str
        The column's name, for the error message.
    centre : Centre
        Its ``time_zone`` is where times without an offset are.

    Raises
    ------
    InvalidInputError
        When the text is not ISO 8601 or names a local time the clocks skip.
    """
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            f"{where}: {column} {text!r} is not an ISO 8601 timestamp; write e.g. "
            "2026-01-05T08:00 (local time) or 2026-01-05T08:00+02:00"
        ) from None
    stamp = pd.Timestamp(moment)
    if stamp.tzinfo is not None:
        return stamp.tz_convert(centre.zone)
    local = stamp.tz_localize(centre.zone, ambiguous=True, nonexistent="NaT")
    if pd.isna(local):
        raise InvalidInputError(
            f"{where}: {column} {text!r} does not exist in {centre.centre.time_zone} "
            "(the clocks skip it in spring); give the time with its UTC offset"
        )
    return local


def load_roster(path: CsvSource, centre: Centre, agents: pd.DataFrame) -> pd.DataFrame:
    """Read and validate ``roster.csv``.

    Parameters
    ----------
    path : str, Path or TextFile
        The file to read (or its text, :class:`scheduler.agents.TextFile`).
    centre : Centre
        Channels, time zone and plan interval the roster must fit.
    agents : pandas.DataFrame
        The agents (:func:`scheduler.agents.load_agents`); every row's agent must
        be one of them and have the skill of its channel.

    Returns
    -------
    pandas.DataFrame
        The roster frame: columns :data:`scheduler.schema.ROSTER_COLUMNS` and
        ``locked`` (bool, False where the file has no such column); ``date`` as
        :class:`datetime.date`, ``start``/``end`` tz-aware in the centre's zone,
        ``channel`` ``""`` on breaks and lunches; sorted by agent and start.

    Raises
    ------
    InvalidInputError
        Naming the file, line, column and value at fault and how to fix it: an
        unknown agent, a bad date or timestamp, an end not after its start, an
        unknown activity or channel, a channel on a break, a segment off the plan
        grid, or two segments of one agent that overlap.
    """
    file = csv_source(path)
    frame = read_csv_text(file, col.ROSTER_COLUMNS)
    skills = dict(zip(agents[col.AGENT_ID], agents[SKILLS], strict=True))
    rows = [
        _segment(record, file, line, centre, skills)
        for line, record in enumerate(frame.to_dict("records"), start=FIRST_DATA_LINE)
    ]
    roster = _frame(rows, centre)
    _check_grid(roster, file, centre)
    _check_overlaps(roster, file)
    return roster.drop(columns=_LINE)


def _segment(
    record: Mapping[Any, Any],
    file: Path | TextFile,
    line: int,
    centre: Centre,
    skills: Mapping[str, tuple[str, ...]],
) -> dict[str, Any]:
    """One validated row as a record of the roster frame."""
    where = f"{file}: line {line}"
    agent = record[col.AGENT_ID]
    if agent not in skills:
        raise InvalidInputError(
            f"{where}: agent_id {agent!r} is not in agents.csv; fix the id or add "
            "the agent"
        )
    try:
        day = dt.date.fromisoformat(record[col.DATE])
    except ValueError:
        raise InvalidInputError(
            f"{where}: date {record[col.DATE]!r} is not an ISO date like 2026-01-05 "
            "(the date the shift starts)"
        ) from None
    start = parse_instant(record[col.START], where, col.START, centre)
    end = parse_instant(record[col.END], where, col.END, centre)
    if end <= start:
        raise InvalidInputError(
            f"{where}: end {record[col.END]!r} is not after start "
            f"{record[col.START]!r}; a segment crossing midnight ends on the next day"
        )
    if start.date() not in (day, day + dt.timedelta(days=1)):
        raise InvalidInputError(
            f"{where}: start {record[col.START]!r} is not on the shift's date "
            f"{day} (or the next day, for a shift crossing midnight); date is the "
            "date the shift starts"
        )
    activity = record[col.ACTIVITY]
    channel = _channel(record[col.CHANNEL], activity, agent, where, centre, skills)
    locked = parse_flag(str(record.get(col.LOCKED, "")), where, col.LOCKED)
    return {
        col.AGENT_ID: agent,
        col.DATE: day,
        col.START: start.value,
        col.END: end.value,
        col.ACTIVITY: activity,
        col.CHANNEL: channel,
        col.LOCKED: locked,
        _LINE: line,
    }


def _channel(
    channel: str,
    activity: str,
    agent: str,
    where: str,
    centre: Centre,
    skills: Mapping[str, tuple[str, ...]],
) -> str:
    """The checked channel of a segment: a skill of the agent's on work, else ""."""
    if activity not in col.ACTIVITIES:
        raise InvalidInputError(
            f"{where}: activity {activity!r} is not one of {', '.join(col.ACTIVITIES)}"
        )
    if activity != "work":
        if channel:
            raise InvalidInputError(
                f"{where}: a {activity} has channel {channel!r}; leave channel blank "
                "on break and lunch rows"
            )
        return ""
    if channel not in centre.channels:
        shown = repr(channel) if channel else "blank"
        raise InvalidInputError(
            f"{where}: channel {shown} of a work row is not a configured channel "
            f"({', '.join(centre.channels)}); every work row names its channel"
        )
    if channel not in skills[agent]:
        raise InvalidInputError(
            f"{where}: agent {agent} works on channel {channel!r} without the skill "
            f"(skills: {', '.join(skills[agent])}); change the channel or add the "
            "skill in agents.csv"
        )
    return channel


def _frame(rows: list[dict[str, Any]], centre: Centre) -> pd.DataFrame:
    """The records as a roster frame sorted by agent and start."""
    frame = pd.DataFrame(rows, columns=[*col.ROSTER_COLUMNS, col.LOCKED, _LINE])
    for name in (col.START, col.END):
        nanoseconds = frame[name].to_numpy(dtype=np.int64)
        frame[name] = pd.to_datetime(nanoseconds, utc=True).tz_convert(centre.zone)
    frame[col.AGENT_ID] = frame[col.AGENT_ID].astype(str)
    frame[col.ACTIVITY] = frame[col.ACTIVITY].astype(str)
    frame[col.CHANNEL] = frame[col.CHANNEL].astype(str)
    frame[col.LOCKED] = frame[col.LOCKED].astype(bool)
    return frame.sort_values([col.AGENT_ID, col.START], ignore_index=True)


def _check_grid(roster: pd.DataFrame, file: Path | TextFile, centre: Centre) -> None:
    """Every start and end on the plan interval's grid of local times."""
    for name in (col.START, col.END):
        stamps = roster[name]
        minute = stamps.dt.hour * 60 + stamps.dt.minute
        off = (minute % centre.interval_minutes != 0) | (stamps.dt.second != 0)
        if off.any():
            line, stamp = roster.loc[off, _LINE].iloc[0], stamps[off].iloc[0]
            raise InvalidInputError(
                f"{file}: line {line}: {name} {stamp.isoformat()} is not on the "
                f"{centre.interval_minutes}-minute plan grid; segments start and end "
                f"on whole {centre.interval_minutes}-minute intervals"
            )


def _check_overlaps(roster: pd.DataFrame, file: Path | TextFile) -> None:
    """No two segments of one agent overlap (the frame is sorted by agent, start)."""
    same_agent = roster[col.AGENT_ID].eq(roster[col.AGENT_ID].shift())
    previous_end = roster[col.END].shift()
    overlap = same_agent & (roster[col.START] < previous_end)
    if overlap.any():
        at = int(np.flatnonzero(overlap.to_numpy())[0])
        row, before = roster.iloc[at], roster.iloc[at - 1]
        raise InvalidInputError(
            f"{file}: line {row[_LINE]}: segment {row[col.START].isoformat()} to "
            f"{row[col.END].isoformat()} of agent {row[col.AGENT_ID]} overlaps the "
            f"one from {before[col.START].isoformat()} to "
            f"{before[col.END].isoformat()} (line {before[_LINE]}); an "
            "agent does one thing at a time: shorten or remove one of them"
        )


def shift_numbers(roster: pd.DataFrame) -> npt.NDArray[np.int64]:
    """Number the shifts of a roster frame: 0, 1, ... in the frame's order.

    A shift is a run of contiguous segments of one agent with the same ``date``;
    the frame must be sorted by agent and start (as :func:`load_roster` returns
    it).

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame.

    Returns
    -------
    numpy.ndarray of int64
        Per segment, the number of its shift.
    """
    if roster.empty:
        return np.zeros(0, dtype=np.int64)
    starts_new = (
        roster[col.AGENT_ID].ne(roster[col.AGENT_ID].shift())
        | roster[col.DATE].ne(roster[col.DATE].shift())
        | roster[col.START].ne(roster[col.END].shift())
    )
    numbers: npt.NDArray[np.int64] = np.cumsum(starts_new.to_numpy()) - 1
    return numbers
