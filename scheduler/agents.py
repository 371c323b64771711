"""Agents and their availability: ``agents.csv`` and ``availability.csv``, validated.

``agents.csv`` has one row per agent: ``agent_id, name, contract, skills, site``,
with ``skills`` a ``;``-separated list of channel names. ``availability.csv`` has
``agent_id, date, from, to, kind`` with ``kind`` one of ``unavailable``, ``leave``,
``prefer_off`` or ``prefer_on``. Errors name the file, the line and the value.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scheduler.config import SAMPLE_DIR, Centre
from scheduler.exceptions import InvalidInputError

AGENT_ID = "agent_id"
NAME = "name"
CONTRACT = "contract"
SKILLS = "skills"
SITE = "site"
AGENT_COLUMNS = (AGENT_ID, NAME, CONTRACT, SKILLS, SITE)

DATE = "date"
FROM = "from"
TO = "to"
KIND = "kind"
AVAILABILITY_COLUMNS = (AGENT_ID, DATE, FROM, TO, KIND)
AVAILABILITY_KINDS = ("unavailable", "leave", "prefer_off", "prefer_on")

# pandas numbers data rows from 0; the file's first data row is line 2.
_FIRST_DATA_LINE = 2


@dataclass(frozen=True)
class TextFile:
    """The text of a file that is not on disk (a plan in the plan store).

    The loaders of this package take one wherever they take a path; errors name
    the file by ``name``.

    Attributes
    ----------
    name : str
        What errors call the file, e.g. ``plan 2026w06-3fa2/roster.csv``.
    text : str
        The file's whole text.
    """

    name: str
    text: str

    def __str__(self) -> str:
        return self.name


#: What the CSV loaders read: a path, or a file's text with its name.
CsvSource = str | Path | TextFile


def csv_source(path: CsvSource) -> Path | TextFile:
    """A path as :class:`~pathlib.Path`; a :class:`TextFile` as it is."""
    return path if isinstance(path, TextFile) else Path(path)


def _read_csv(path: Path | TextFile, columns: tuple[str, ...]) -> pd.DataFrame:
    if isinstance(path, Path) and not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    source = io.StringIO(path.text) if isinstance(path, TextFile) else path
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise InvalidInputError(f"{path}: not a readable CSV file: {err}") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInputError(
            f"{path}: missing column(s) {', '.join(missing)}; the header must be "
            f"{','.join(columns)}"
        )
    for name in frame.columns:
        frame[name] = frame[name].str.strip()
    return frame


def _line(index: object) -> int:
    return int(str(index)) + _FIRST_DATA_LINE


def load_agents(path: CsvSource | None, centre: Centre) -> pd.DataFrame:
    """Read and validate ``agents.csv``; the sample centre's agents when ``None``.

    Parameters
    ----------
    path : str, Path, TextFile or None
        The file to read.
    centre : Centre
        The centre whose contracts, channels and sites the agents must use.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent_id, name, contract, skills, site``; ``skills`` holds tuples
        of channel names.

    Raises
    ------
    InvalidInputError
        Naming the file, line, column and value at fault and how to fix it.
    """
    file = Path(str(SAMPLE_DIR / "agents.csv")) if path is None else csv_source(path)
    frame = _read_csv(file, AGENT_COLUMNS)
    seen: dict[str, int] = {}
    skills_column = []
    for index, row in frame.iterrows():
        line = _line(index)
        where = f"{file}: line {line}"
        agent = row[AGENT_ID]
        if not agent:
            raise InvalidInputError(f"{where}: agent_id is empty; give every agent one")
        if agent in seen:
            raise InvalidInputError(
                f"{where}: agent_id {agent!r} is already used on line {seen[agent]}; "
                "agent ids must be unique"
            )
        seen[agent] = line
        if row[CONTRACT] not in centre.contracts:
            raise InvalidInputError(
                f"{where}: contract {row[CONTRACT]!r} of agent {agent} is not in "
                f"centre.toml (contracts: {', '.join(centre.contracts)}); fix the name "
                "or add [contracts.NAME]"
            )
        skills = tuple(s.strip() for s in row[SKILLS].split(";") if s.strip())
        if not skills:
            raise InvalidInputError(
                f"{where}: agent {agent} has no skills; list channel names separated "
                f"by ';' (channels: {', '.join(centre.channels)})"
            )
        for skill in skills:
            if skill not in centre.channels:
                raise InvalidInputError(
                    f"{where}: skill {skill!r} of agent {agent} is not a channel "
                    f"(channels: {', '.join(centre.channels)})"
                )
            site = centre.channels[skill].site
            if site is not None and row[SITE] != site:
                raise InvalidInputError(
                    f"{where}: agent {agent} has skill {skill!r}, which is served only "
                    f"at site {site!r}, but works at {row[SITE]!r}; change the site "
                    "or the skill"
                )
        if centre.sites and row[SITE] not in centre.sites:
            raise InvalidInputError(
                f"{where}: site {row[SITE]!r} of agent {agent} is not one of the "
                f"centre's sites ({', '.join(centre.sites)})"
            )
        skills_column.append(skills)
    frame[SKILLS] = skills_column
    return frame[[*AGENT_COLUMNS]].reset_index(drop=True)


def load_availability(path: CsvSource, agents: pd.DataFrame) -> pd.DataFrame:
    """Read and validate ``availability.csv`` (a path or a :class:`TextFile`).

    Returns
    -------
    pandas.DataFrame
        Columns ``agent_id, date, from, to, kind``; ``date`` as
        :class:`datetime.date`, ``from``/``to`` as minutes after midnight
        (``to`` may be 1440 for midnight).

    Raises
    ------
    InvalidInputError
        Naming the file, line and value at fault.
    """
    file = csv_source(path)
    frame = _read_csv(file, AVAILABILITY_COLUMNS)
    known = set(agents[AGENT_ID])
    dates, starts, ends = [], [], []
    for index, row in frame.iterrows():
        where = f"{file}: line {_line(index)}"
        if row[AGENT_ID] not in known:
            raise InvalidInputError(
                f"{where}: agent_id {row[AGENT_ID]!r} is not in agents.csv"
            )
        if row[KIND] not in AVAILABILITY_KINDS:
            raise InvalidInputError(
                f"{where}: kind {row[KIND]!r} is not one of "
                f"{', '.join(AVAILABILITY_KINDS)}"
            )
        try:
            day = dt.date.fromisoformat(row[DATE])
        except ValueError:
            raise InvalidInputError(
                f"{where}: date {row[DATE]!r} is not an ISO date like 2026-01-05"
            ) from None
        start = _clock_minutes(row[FROM] or "00:00", where, FROM)
        end = _clock_minutes(row[TO] or "24:00", where, TO)
        if end <= start:
            raise InvalidInputError(
                f"{where}: 'to' {row[TO]!r} is not after 'from' {row[FROM]!r}; split a "
                "period across midnight into two rows"
            )
        dates.append(day)
        starts.append(start)
        ends.append(end)
    frame[DATE], frame[FROM], frame[TO] = dates, starts, ends
    return frame[[*AVAILABILITY_COLUMNS]].reset_index(drop=True)


def _clock_minutes(text: str, where: str, column: str) -> int:
    hours, _, minutes = text.partition(":")
    if hours.isdigit() and minutes.isdigit():
        value = int(hours) * 60 + int(minutes)
        if 0 <= value <= 24 * 60 and int(minutes) < 60:
            return value
    raise InvalidInputError(
        f"{where}: {column} {text!r} is not a time of day like 08:30 (blank means the "
        "whole day)"
    )
