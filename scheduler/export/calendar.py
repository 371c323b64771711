"""iCalendar files of a plan: one calendar per agent, one event per shift.

Each agent's calendar (RFC 5545) holds:

* a ``VTIMEZONE`` of the centre's zone (made from the IANA database by icalendar,
  covering the years of the plan), so that a calendar program without the IANA
  names still places the shifts right across a clock change;
* one ``VEVENT`` per shift (an agent's segments with the same ``date``; a shift may
  cross midnight) with ``DTSTART``/``DTEND`` in local time with ``TZID``, a
  ``SUMMARY`` naming the channels worked, a ``DESCRIPTION`` listing every break and
  lunch with its times and the hours per channel, ``LOCATION`` the agent's site and
  ``CATEGORIES`` the channels;
* a ``UID`` that depends only on the centre, the agent and the date, so importing
  the next version of a plan updates the same events; ``DTSTAMP`` is when the plan
  was made.

Text (names, channels, plan names) is escaped as RFC 5545 requires (``,``, ``;``,
``\\`` and line breaks) by icalendar; nothing in a calendar is ever evaluated.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from icalendar import Calendar, Event, Timezone

from scheduler.agents import NAME, SITE
from scheduler.exceptions import InvalidInputError
from scheduler.export import write_bytes_atomic, write_files_atomic, write_zip_atomic
from scheduler.export.shifts import CHANNELS, ShiftView, shift_view
from scheduler.plan import Plan
from scheduler.roster.view import PAID_MIN, WORK
from scheduler.schema import ACTIVITY, AGENT_ID, CHANNEL, DATE, END, START

logger = logging.getLogger(__name__)

PRODID = "-//vuoro//vuoro workforce scheduler//EN"
#: Namespace of the events' UIDs (a UUID 5 of centre, agent and date).
UID_NAMESPACE = uuid.UUID("6f9a0f5e-3c1b-5d7e-9a8b-2c4d6e8f0a1b")

_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def event_uid(centre_name: str, agent_id: str, date: dt.date) -> str:
    """The stable ``UID`` of an agent's shift on a date."""
    key = f"{centre_name}\x1f{agent_id}\x1f{date.isoformat()}"
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@vuoro"


def _local(stamp: pd.Timestamp, plan: Plan) -> dt.datetime:
    """A roster time as a datetime in the centre's ``ZoneInfo`` (for ``TZID``)."""
    result: dt.datetime = stamp.to_pydatetime().astimezone(plan.centre.zone)
    return result


def centre_timezone(plan: Plan, view: ShiftView) -> Timezone:
    """The ``VTIMEZONE`` of the centre's zone over the plan's years.

    It covers 1 January of the year of the earliest shift (or the week) to 31
    December of the year after the latest one.
    """
    dates = [plan.week_start, *view.shifts[DATE]]
    return Timezone.from_tzid(
        plan.centre.centre.time_zone,
        first_date=dt.date(min(dates).year, 1, 1),
        last_date=dt.date(max(dates).year + 1, 12, 31),
    )


def _clock(stamp: pd.Timestamp) -> str:
    return f"{stamp:%H:%M}"


def _description(
    plan: Plan,
    name: str,
    shift: Mapping[str, Any],
    segments: Sequence[Mapping[str, Any]],
) -> str:
    """The event's text: span and paid hours, breaks with times, hours per channel."""
    lines = [
        f"{name}: {_clock(shift[START])}-{_clock(shift[END])}, "
        f"{float(shift[PAID_MIN]) / 60:g} paid hours"
    ]
    pauses = [s for s in segments if s[ACTIVITY] != WORK]
    lines.append("Breaks:" if pauses else "No breaks.")
    lines += [f"- {p[ACTIVITY]} {_clock(p[START])}-{_clock(p[END])}" for p in pauses]
    minutes = dict.fromkeys(shift[CHANNELS], 0.0)
    for s in segments:
        if s[ACTIVITY] == WORK:
            minutes[s[CHANNEL]] = minutes.get(s[CHANNEL], 0.0) + (
                (s[END] - s[START]).total_seconds() / 60
            )
    if minutes:
        lines.append("Work:")
        lines += [f"- {channel} {total / 60:g} h" for channel, total in minutes.items()]
    lines.append(
        f"{plan.centre.centre.name}, week of {plan.week_start.isoformat()}"
        + (f", plan: {plan.name}" if plan.name else "")
        + f"; times in {plan.centre.centre.time_zone}."
    )
    return "\n".join(lines)


def _calendar(
    plan: Plan, agent: Mapping[str, Any], view: ShiftView, timezone: Timezone
) -> Calendar:
    agent_id, name = str(agent[AGENT_ID]), str(agent[NAME])
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{name} ({agent_id}): shifts")
    calendar.add("x-wr-timezone", plan.centre.centre.time_zone)
    calendar.add_component(timezone)
    stamp = plan.created_at.astimezone(dt.UTC)
    segments, shifts = view.of_agent(agent_id)
    for shift in shifts:
        date = shift[DATE]
        channels = list(shift[CHANNELS])
        own = [s for s in segments if s[DATE] == date]
        event = Event()
        event.add("uid", event_uid(plan.centre.centre.name, agent_id, date))
        event.add("dtstamp", stamp)
        event.add("dtstart", _local(shift[START], plan))
        event.add("dtend", _local(shift[END], plan))
        event.add("summary", f"Shift: {', '.join(channels)}" if channels else "Shift")
        event.add("description", _description(plan, name, shift, own))
        event.add("location", str(agent[SITE]))
        if channels:
            event.add("categories", channels)
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar


def _agent_records(plan: Plan) -> dict[str, dict[str, Any]]:
    """The plan's agents by ``agent_id``, in order."""
    return {
        str(record[AGENT_ID]): {str(k): v for k, v in record.items()}
        for record in plan.agents.to_dict("records")
    }


def agent_calendar(
    plan: Plan,
    agent_id: str,
    *,
    view: ShiftView | None = None,
    timezone: Timezone | None = None,
) -> Calendar:
    """The calendar of one agent's shifts.

    Parameters
    ----------
    plan : Plan
        Any plan.
    agent_id : str
        An agent of the plan.
    view : ShiftView or None
        The plan's shifts, when already computed (:func:`shift_view`).
    timezone : icalendar.Timezone or None
        The centre's ``VTIMEZONE``, when already computed (:func:`centre_timezone`).

    Returns
    -------
    icalendar.Calendar
        One ``VEVENT`` per shift of the agent (none when the agent has no shift).

    Raises
    ------
    InvalidInputError
        When the agent is not in the plan.
    """
    agents = _agent_records(plan)
    if agent_id not in agents:
        known = ", ".join(list(agents)[:5])
        raise InvalidInputError(
            f"agent {agent_id!r} is not in plan {plan.name!r} (its agents: {known}"
            f"{', ...' if len(agents) > 5 else ''}); use an agent_id of agents.csv"
        )
    view = view if view is not None else shift_view(plan)
    timezone = timezone if timezone is not None else centre_timezone(plan, view)
    return _calendar(plan, agents[agent_id], view, timezone)


def agent_calendars(plan: Plan) -> dict[str, bytes]:
    """Every agent's calendar as ``.ics`` bytes, by ``agent_id``.

    Parameters
    ----------
    plan : Plan
        Any plan.

    Returns
    -------
    dict of str to bytes
        One calendar per agent of the plan, in the order of its agents; an agent
        without shifts gets a calendar without events.
    """
    view = shift_view(plan)
    timezone = centre_timezone(plan, view)
    return {
        agent_id: _calendar(plan, agent, view, timezone).to_ical()
        for agent_id, agent in _agent_records(plan).items()
    }


def calendar_file_names(agent_ids: list[str]) -> dict[str, str]:
    """A safe, unique ``.ics`` file name for each agent id.

    Characters other than letters, digits, ``.``, ``_`` and ``-`` become ``_``
    (so no id can name a folder or a path); clashes get ``~2``, ``~3``...
    """
    taken: set[str] = set()
    names: dict[str, str] = {}
    for agent in agent_ids:
        base = _FILE_UNSAFE.sub("_", agent).lstrip(".") or "agent"
        name, number = f"{base}.ics", 1
        while name.casefold() in taken:
            number += 1
            name = f"{base}~{number}.ics"
        taken.add(name.casefold())
        names[agent] = name
    return names


def _files(plan: Plan) -> dict[str, bytes]:
    calendars = agent_calendars(plan)
    names = calendar_file_names(list(calendars))
    return {names[agent]: data for agent, data in calendars.items()}


def write_agent_calendar(plan: Plan, agent_id: str, path: str | Path) -> None:
    """Write one agent's calendar to ``path`` (``.ics``), atomically."""
    write_bytes_atomic(agent_calendar(plan, agent_id).to_ical(), path)
    logger.info("wrote the calendar of %s to %s", agent_id, path)


def write_calendars_zip(plan: Plan, path: str | Path) -> list[str]:
    """Write every agent's calendar into one zip archive, atomically.

    Returns
    -------
    list of str
        The archive's members (:func:`calendar_file_names`).
    """
    files = _files(plan)
    write_zip_atomic(files, path)
    logger.info("wrote %d calendars to %s", len(files), path)
    return list(files)


def write_calendars_dir(plan: Plan, folder: str | Path) -> list[str]:
    """Write every agent's calendar into a folder, one ``.ics`` each, atomically.

    Returns
    -------
    list of str
        The files written (:func:`calendar_file_names`).
    """
    files = _files(plan)
    write_files_atomic(files, folder)
    logger.info("wrote %d calendars to %s", len(files), folder)
    return list(files)
