"""iCalendar files parse with icalendar and hold one event per shift at its local
times, across midnight and both clock changes."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from scheduler.exceptions import InvalidInputError
from scheduler.export.calendar import (
    agent_calendar,
    agent_calendars,
    calendar_file_names,
    event_uid,
    write_agent_calendar,
    write_calendars_dir,
    write_calendars_zip,
)
from scheduler.plan import Plan
from tests.scheduler.export.conftest import INJECTION

HELSINKI = ZoneInfo("Europe/Helsinki")
UTC = dt.UTC


@pytest.fixture(scope="module")
def calendars(sample_plan: Plan) -> dict[str, bytes]:
    return agent_calendars(sample_plan)


def events(data: bytes) -> list[Event]:
    """The events of a calendar file, parsed back."""
    return list(Calendar.from_ical(data).walk("VEVENT"))


def only_event(plan: Plan, agent: str, date: dt.date) -> Event:
    uid = event_uid(plan.centre.centre.name, agent, date)
    found = [e for e in events(agent_calendars(plan)[agent]) if str(e["UID"]) == uid]
    assert len(found) == 1
    return found[0]


def test_every_agent_has_a_calendar_with_one_event_per_shift(
    calendars: dict[str, bytes], sample_plan: Plan
) -> None:
    assert list(calendars) == sample_plan.agents["agent_id"].tolist()
    shifts = sample_plan.roster.groupby("agent_id")["date"].nunique()
    for agent, data in calendars.items():
        assert len(events(data)) == shifts.get(agent, 0), agent
    total = sum(len(events(data)) for data in calendars.values())
    assert total == sample_plan.kpis["overall"]["shifts"]


def test_each_event_starts_and_ends_with_its_shift_in_the_centres_zone(
    calendars: dict[str, bytes], sample_plan: Plan
) -> None:
    roster = sample_plan.roster.loc[sample_plan.roster["agent_id"] == "A005"]
    spans = roster.groupby("date").agg(start=("start", "min"), end=("end", "max"))
    found = events(calendars["A005"])
    assert len(found) == len(spans)
    for event, (_date, span) in zip(found, spans.iterrows(), strict=True):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == span["start"].to_pydatetime()
        assert end == span["end"].to_pydatetime()
        assert start.tzinfo == HELSINKI
        assert event["DTSTART"].params["TZID"] == "Europe/Helsinki"


def test_a_calendar_carries_the_vtimezone_of_its_tzid(
    calendars: dict[str, bytes],
) -> None:
    calendar = Calendar.from_ical(calendars["A001"])
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Helsinki"]
    assert calendar.get_missing_tzids() == set()


def test_the_description_lists_the_breaks_with_their_times(
    calendars: dict[str, bytes], sample_plan: Plan
) -> None:
    roster = sample_plan.roster
    first = roster.loc[roster["agent_id"] == "A001", "date"].min()
    pauses = roster.loc[
        (roster["agent_id"] == "A001")
        & (roster["date"] == first)
        & (roster["activity"] != "work")
    ]
    event = events(calendars["A001"])[0]
    description = str(event["DESCRIPTION"])
    assert len(pauses) > 0
    for pause in pauses.itertuples(index=False):
        assert f"- {pause.activity} {pause.start:%H:%M}-{pause.end:%H:%M}" in (
            description
        )
    assert str(event["SUMMARY"]) == "Shift: phone"


def test_uids_are_unique_and_stable_between_exports(
    calendars: dict[str, bytes], sample_plan: Plan
) -> None:
    uids = [str(e["UID"]) for data in calendars.values() for e in events(data)]
    assert len(set(uids)) == len(uids)
    again = agent_calendars(sample_plan)["A001"]
    assert [str(e["UID"]) for e in events(again)] == [
        str(e["UID"]) for e in events(calendars["A001"])
    ]
    stamp = events(calendars["A001"])[0].decoded("DTSTAMP")
    assert stamp == sample_plan.created_at.astimezone(UTC)


def test_a_shift_across_midnight_in_the_spring_clock_change_keeps_its_times(
    spring_plan: Plan,
) -> None:
    event = only_event(spring_plan, "A001", dt.date(2026, 3, 28))
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    # Wall clock 20:00 Saturday to 04:00 Sunday, the zone's own times ...
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        dt.datetime(2026, 3, 28, 20, 0),
        dt.datetime(2026, 3, 29, 4, 0),
    )
    # ... which are 18:00 and 01:00 UTC: seven hours, as the clocks jump at 03:00.
    assert start.astimezone(UTC) == dt.datetime(2026, 3, 28, 18, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert "- break 23:00-23:15" in str(event["DESCRIPTION"])
    after = only_event(spring_plan, "A002", dt.date(2026, 3, 29))
    assert after.decoded("DTSTART").astimezone(UTC) == dt.datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC
    )


def test_a_shift_across_the_autumn_clock_change_lasts_nine_hours(
    autumn_plan: Plan,
) -> None:
    event = only_event(autumn_plan, "A002", dt.date(2026, 10, 24))
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.astimezone(UTC) == dt.datetime(2026, 10, 24, 19, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == dt.datetime(2026, 10, 25, 4, 0, tzinfo=UTC)
    # Aware datetimes of one zone subtract as wall clocks (8 h); in UTC it is 9 h.
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(hours=9)
    assert "- break 01:00-01:15" in str(event["DESCRIPTION"])


def test_the_vtimezone_alone_places_the_shift_right(spring_plan: Plan) -> None:
    """A calendar program without the IANA names uses the file's VTIMEZONE."""
    data = agent_calendars(spring_plan)["A001"]
    assert b"DTSTART;TZID=Europe/Helsinki:20260328T200000" in data
    assert b"DTEND;TZID=Europe/Helsinki:20260329T040000" in data
    (timezone,) = Calendar.from_ical(data).timezones
    zone = timezone.to_tz()
    start = dt.datetime(2026, 3, 28, 20, 0, tzinfo=zone)
    end = dt.datetime(2026, 3, 29, 4, 0, tzinfo=zone)
    assert start.astimezone(UTC) == dt.datetime(2026, 3, 28, 18, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_a_formula_name_is_escaped_text_in_the_calendar(injected_plan: Plan) -> None:
    data = agent_calendars(injected_plan)["A001"]
    # RFC 5545 escapes the comma; parsed back, the text is the name as written.
    assert b'=HYPERLINK("http://x"\\,"y")' in data
    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == f"{INJECTION} (A001): shifts"
    description = str(events(data)[0]["DESCRIPTION"])
    assert description.startswith(f"{INJECTION}: ")


def test_a_zip_holds_one_parsable_calendar_per_agent(
    sample_plan: Plan, tmp_path: Path
) -> None:
    path = tmp_path / "calendars.zip"
    names = write_calendars_zip(sample_plan, path)
    agents = sample_plan.agents["agent_id"].tolist()
    assert names == [f"{agent}.ics" for agent in agents]
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == names
        a001 = archive.read("A001.ics")
    assert (
        len(events(a001))
        == sample_plan.roster.loc[
            sample_plan.roster["agent_id"] == "A001", "date"
        ].nunique()
    )


def test_one_agents_file_and_a_folder_of_files_are_written(
    spring_plan: Plan, tmp_path: Path
) -> None:
    write_agent_calendar(spring_plan, "A001", tmp_path / "a001.ics")
    assert len(events((tmp_path / "a001.ics").read_bytes())) == 2
    folder = tmp_path / "all"
    written = write_calendars_dir(spring_plan, folder)
    assert len(written) == len(spring_plan.agents)
    assert len(events((folder / "A002.ics").read_bytes())) == 1
    assert events((folder / "A003.ics").read_bytes()) == []


def test_an_unknown_agent_is_named_in_the_error(spring_plan: Plan) -> None:
    with pytest.raises(InvalidInputError, match=r"agent 'Z999' is not in plan"):
        agent_calendar(spring_plan, "Z999")


def test_file_names_cannot_leave_the_folder_and_never_clash() -> None:
    assert calendar_file_names(["A001", "../etc/passwd", "a b", "a_b", "A001 "]) == {
        "A001": "A001.ics",
        "../etc/passwd": "_etc_passwd.ics",
        "a b": "a_b.ics",
        "a_b": "a_b~2.ics",
        "A001 ": "A001_.ics",
    }
