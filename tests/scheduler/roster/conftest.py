"""Small hand-built rosters on the sample centre, for the audit of each rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import pytest

from scheduler.agents import load_agents
from scheduler.config import Centre, load_centre
from scheduler.roster.audit import audit_roster
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.rules.base import Violation
from scheduler.schema import ROSTER_COLUMNS

WEEK_START = dt.date(2026, 1, 5)  # a Monday
ZONE = "Europe/Helsinki"
#: The standard breaks of an 8-hour shift, as (activity, minutes after start, length).
EIGHT_HOUR_BREAKS = (("break", 90, 15), ("lunch", 240, 30), ("break", 360, 15))

Break = tuple[str, str, int]


def at(day: str, clock: str) -> pd.Timestamp:
    """Local time ``clock`` on ``day`` (``"2026-01-05"``), tz-aware."""
    return pd.Timestamp(f"{day} {clock}").tz_localize(ZONE)


def make_shift(
    agent: str,
    day: str,
    start: str,
    hours: float,
    breaks: Sequence[Break] = (),
    channel: str = "phone",
) -> pd.DataFrame:
    """The segments of one shift: work on ``channel`` around the given breaks.

    Parameters
    ----------
    agent, day, start : str
        Agent id, the shift's date (ISO) and local start (``HH:MM``).
    hours : float
        Shift length in hours, breaks included.
    breaks : sequence of (activity, HH:MM, minutes)
        Breaks and lunches by local start (on the shift's date) and length.
    channel : str
        Channel of every work segment.
    """
    begin = at(day, start)
    end = begin + pd.Timedelta(hours=hours)
    rows, cursor = [], begin
    for activity, clock, minutes in sorted(breaks, key=lambda b: b[1]):
        break_start = at(day, clock)
        if break_start > cursor:
            rows.append((cursor, break_start, "work", channel))
        cursor = break_start + pd.Timedelta(minutes=minutes)
        rows.append((break_start, cursor, activity, ""))
    if end > cursor:
        rows.append((cursor, end, "work", channel))
    date = dt.date.fromisoformat(day)
    return pd.DataFrame(
        [(agent, date, s, e, a, c) for s, e, a, c in rows], columns=list(ROSTER_COLUMNS)
    )


def eight_hours(
    agent: str, day: str, start: str = "08:00", channel: str = "phone"
) -> pd.DataFrame:
    """A valid 8-hour shift of the sample centre with its three breaks."""
    begin = at(day, start)
    breaks = [
        (activity, (begin + pd.Timedelta(minutes=offset)).strftime("%H:%M"), minutes)
        for activity, offset, minutes in EIGHT_HOUR_BREAKS
    ]
    return make_shift(agent, day, start, 8.0, breaks, channel)


def week_days(count: int = 5) -> list[str]:
    """The first ``count`` dates of the week, ISO."""
    return [(WEEK_START + dt.timedelta(days=d)).isoformat() for d in range(count)]


def roster(*shifts: pd.DataFrame) -> pd.DataFrame:
    """A roster from shifts."""
    return pd.concat(shifts, ignore_index=True)


def full_week(agent: str = "A001", days: Sequence[str] | None = None) -> pd.DataFrame:
    """A valid full-time week: 8-hour shifts at 08:00 Monday to Friday."""
    return roster(*(eight_hours(agent, day) for day in days or week_days()))


def only(violations: list[Violation], rule: str) -> list[Violation]:
    """The violations of one rule."""
    return [v for v in violations if v.rule == rule]


@pytest.fixture(scope="session")
def centre() -> Centre:
    return load_centre()


@pytest.fixture(scope="session")
def agents(centre: Centre) -> pd.DataFrame:
    return load_agents(None, centre)


@pytest.fixture
def make_inputs(centre: Centre, agents: pd.DataFrame) -> Callable[..., RosterInputs]:
    """Inputs for the sample centre's week of 2026-01-05.

    ``make_inputs(agent_ids=("A001",), availability=[(agent, day, "HH:MM",
    "HH:MM", kind)], locked=frame, previous_shift_end={...}, staff=frame)``;
    ``agent_ids=None`` keeps all 120 agents, ``staff`` replaces the agents frame.
    """

    def make(
        agent_ids: Sequence[str] | None = ("A001",),
        availability: Sequence[tuple[str, str, str, str, str]] = (),
        locked: pd.DataFrame | None = None,
        previous_shift_end: dict[str, pd.Timestamp] | None = None,
        staff: pd.DataFrame | None = None,
    ) -> RosterInputs:
        chosen = agents if staff is None else staff
        if agent_ids is not None:
            chosen = chosen.loc[chosen["agent_id"].isin(agent_ids)]
        frame = None
        if availability:
            frame = pd.DataFrame(
                [
                    (a, dt.date.fromisoformat(d), _minutes(f), _minutes(t), k)
                    for a, d, f, t, k in availability
                ],
                columns=["agent_id", "date", "from", "to", "kind"],
            )
        return RosterInputs(
            centre=centre,
            agents=chosen.reset_index(drop=True),
            week_start=WEEK_START,
            availability=frame,
            locked=locked,
            previous_shift_end=previous_shift_end or {},
        )

    return make


@pytest.fixture
def audit(make_inputs: Callable[..., RosterInputs]) -> Callable[..., list[Violation]]:
    """``audit(roster, rule, **inputs)``: the violations of ``rule`` in ``roster``."""

    def run(frame: pd.DataFrame, rule: str, **inputs: Any) -> list[Violation]:
        return only(audit_roster(make_inputs(**inputs), frame), rule)

    return run


def _minutes(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes)
