"""Plans the export tests share: the sample with a hostile name, and hand-made
rosters around the clock changes of Europe/Helsinki."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from scheduler.plan import Plan

#: A name that would be a live link if a spreadsheet ran it.
INJECTION = '=HYPERLINK("http://x","y")'
#: A plan name that would run a command in old spreadsheets (DDE).
HOSTILE_PLAN_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"

ZONE = "Europe/Helsinki"
#: The spring week: clocks go from 03:00 EET to 04:00 EEST on Sunday 2026-03-29.
SPRING_WEEK = dt.date(2026, 3, 23)
#: The autumn week: clocks go from 04:00 EEST back to 03:00 EET on 2026-10-25.
AUTUMN_WEEK = dt.date(2026, 10, 19)


@pytest.fixture(scope="session")
def injected_plan(sample_plan: Plan) -> Plan:
    """The sample plan with agent A001 named :data:`INJECTION`."""
    agents = sample_plan.agents.copy()
    agents.loc[agents["agent_id"] == "A001", "name"] = INJECTION
    return dataclasses.replace(sample_plan, agents=agents, name=HOSTILE_PLAN_NAME)


def local(text: str) -> pd.Timestamp:
    """A wall-clock time in Helsinki (never one the clocks skip or repeat)."""
    return pd.Timestamp(text).tz_localize(ZONE)


def segment(
    agent: str,
    start: str,
    end: str,
    activity: str = "work",
    channel: str = "phone",
    shift_date: str | None = None,
) -> dict[str, object]:
    """One roster row; its ``date`` is ``shift_date`` or else the date of ``start``."""
    return {
        "agent_id": agent,
        "date": dt.date.fromisoformat(shift_date or start[:10]),
        "start": local(start),
        "end": local(end),
        "activity": activity,
        "channel": channel if activity == "work" else "",
    }


def with_roster(
    base: Plan,
    week_start: dt.date,
    rows: list[dict[str, object]],
    availability: pd.DataFrame | None = None,
) -> Plan:
    """``base`` with a hand-made roster (its coverage and KPIs are left as they
    were: only the roster-based exports read these plans)."""
    roster = pd.DataFrame(rows)
    for column in ("start", "end"):
        roster[column] = pd.to_datetime(roster[column]).dt.tz_convert(ZONE)
    return dataclasses.replace(
        base,
        week_start=week_start,
        roster=roster,
        availability=availability,
        name="clock change",
    )


@pytest.fixture(scope="session")
def spring_plan(sample_plan: Plan) -> Plan:
    """Three shifts of the spring week.

    * A001 Monday 08:00-16:00: phone with a break and a lunch, then chat;
    * A001 Saturday 20:00 to Sunday 04:00, across midnight and the clock change
      (7 hours elapse: 18:00 to 01:00 UTC), with a break at 23:00;
    * A002 Sunday 10:00-14:00 in summer time; A002 on leave on Tuesday.
    """
    rows = [
        segment("A001", "2026-03-23 08:00", "2026-03-23 10:00"),
        segment("A001", "2026-03-23 10:00", "2026-03-23 10:15", "break"),
        segment("A001", "2026-03-23 10:15", "2026-03-23 12:00"),
        segment("A001", "2026-03-23 12:00", "2026-03-23 12:30", "lunch"),
        segment("A001", "2026-03-23 12:30", "2026-03-23 16:00", channel="chat"),
        segment("A001", "2026-03-28 20:00", "2026-03-28 23:00"),
        segment("A001", "2026-03-28 23:00", "2026-03-28 23:15", "break"),
        segment("A001", "2026-03-28 23:15", "2026-03-29 04:00"),
        segment("A002", "2026-03-29 10:00", "2026-03-29 14:00"),
    ]
    leave = pd.DataFrame(
        [
            {
                "agent_id": "A002",
                "date": dt.date(2026, 3, 24),
                "from": 0,
                "to": 1440,
                "kind": "leave",
            }
        ]
    )
    return with_roster(sample_plan, SPRING_WEEK, rows, leave)


@pytest.fixture(scope="session")
def autumn_plan(sample_plan: Plan) -> Plan:
    """A002 Saturday 22:00 to Sunday 06:00 across the autumn clock change (9
    hours elapse: 19:00 to 04:00 UTC), with a break at 01:00 (summer time)."""
    saturday = "2026-10-24"
    rows = [
        segment("A002", "2026-10-24 22:00", "2026-10-25 01:00"),
        segment("A002", "2026-10-25 01:00", "2026-10-25 01:15", "break", "", saturday),
        segment("A002", "2026-10-25 01:15", "2026-10-25 06:00", shift_date=saturday),
    ]
    return with_roster(sample_plan, AUTUMN_WEEK, rows)
