"""roster.csv: reading, validation messages and the round trip through write_csv."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from scheduler import schema as col
from scheduler.agents import load_agents
from scheduler.config import Centre
from scheduler.exceptions import InvalidInputError
from scheduler.export import write_csv
from scheduler.roster_file import load_roster, shift_numbers

HEADER = "agent_id,date,start,end,activity,channel"
#: A001 (phone) on Monday 5 January 2026 with a break and an unpaid lunch.
SHIFT = [
    "A001,2026-01-05,2026-01-05T08:00,2026-01-05T10:00,work,phone",
    "A001,2026-01-05,2026-01-05T10:00,2026-01-05T10:15,break,",
    "A001,2026-01-05,2026-01-05T10:15,2026-01-05T12:00,work,phone",
    "A001,2026-01-05,2026-01-05T12:00,2026-01-05T12:30,lunch,",
    "A001,2026-01-05,2026-01-05T12:30,2026-01-05T16:30,work,phone",
]


def write(tmp_path: Path, lines: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def read(tmp_path: Path, centre: Centre, lines: list[str], **kw: str) -> pd.DataFrame:
    return load_roster(write(tmp_path, lines, **kw), centre, load_agents(None, centre))


def test_a_roster_reads_as_zoned_segments_sorted_by_agent_and_start(
    tmp_path: Path, sample_centre: Centre
) -> None:
    """Local times become Helsinki timestamps; breaks have an empty channel."""
    lines = ["A002,2026-01-05,2026-01-05T09:00,2026-01-05T17:00,work,phone", *SHIFT]
    roster = read(tmp_path, sample_centre, lines[::-1])
    assert list(roster.columns) == [*col.ROSTER_COLUMNS, col.LOCKED]
    assert roster[col.AGENT_ID].tolist() == ["A001"] * 5 + ["A002"]
    first = roster.iloc[0]
    assert first[col.START] == pd.Timestamp("2026-01-05 08:00", tz="Europe/Helsinki")
    assert first[col.DATE] == dt.date(2026, 1, 5)
    assert str(roster[col.START].dt.tz) == "Europe/Helsinki"
    assert roster[col.CHANNEL].tolist()[:4] == ["phone", "", "phone", ""]
    assert not roster[col.LOCKED].any()
    assert shift_numbers(roster).tolist() == [0, 0, 0, 0, 0, 1]


def test_utc_offsets_are_converted_to_the_centres_zone(
    tmp_path: Path, sample_centre: Centre
) -> None:
    """06:00Z is 08:00 in Helsinki in January."""
    lines = ["A001,2026-01-05,2026-01-05T06:00Z,2026-01-05T10:00+02:00,work,phone"]
    roster = read(tmp_path, sample_centre, lines)
    start = pd.Timestamp("2026-01-05 08:00", tz="Europe/Helsinki")
    assert roster[col.START].iloc[0] == start
    assert roster[col.END].iloc[0] == start + pd.Timedelta(hours=2)


def test_locked_accepts_yes_no_words_and_blank(
    tmp_path: Path, sample_centre: Centre
) -> None:
    """true, 1, yes lock a row; false, 0, no and blank do not."""
    flags = ["true", "", "YES", "no", "1"]
    lines = [f"{line},{flag}" for line, flag in zip(SHIFT, flags, strict=True)]
    roster = read(tmp_path, sample_centre, lines, header=f"{HEADER},locked")
    assert roster[col.LOCKED].tolist() == [True, False, True, False, True]


def test_a_shift_across_midnight_is_one_shift_of_its_start_date(
    tmp_path: Path, sample_centre: Centre
) -> None:
    """A segment after midnight keeps the date the shift started."""
    lines = [
        "A001,2026-01-05,2026-01-05T20:00,2026-01-06T00:00,work,phone",
        "A001,2026-01-05,2026-01-06T00:00,2026-01-06T02:00,work,phone",
        "A001,2026-01-06,2026-01-06T20:00,2026-01-06T22:00,work,phone",
    ]
    roster = read(tmp_path, sample_centre, lines)
    assert shift_numbers(roster).tolist() == [0, 0, 1]


def test_a_written_roster_reads_back_the_same(
    tmp_path: Path, sample_centre: Centre
) -> None:
    """write_csv then load_roster gives the same frame, locks and all."""
    lines = [f"{line},{lock}" for line, lock in zip(SHIFT, "10011", strict=True)]
    lines.append("A079,2026-01-10,2026-01-10T22:00,2026-01-11T01:30,work,email,")
    roster = read(tmp_path, sample_centre, lines, header=f"{HEADER},locked")
    write_csv(roster, tmp_path / "again.csv")
    again = load_roster(
        tmp_path / "again.csv", sample_centre, load_agents(None, sample_centre)
    )
    pd.testing.assert_frame_equal(again, roster)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "A999,2026-01-05,2026-01-05T08:00,2026-01-05T09:00,work,phone",
            "line 3: agent_id 'A999' is not in agents.csv",
        ),
        (
            "A002,5.1.2026,2026-01-05T08:00,2026-01-05T09:00,work,phone",
            "line 3: date '5.1.2026' is not an ISO date like 2026-01-05",
        ),
        (
            "A002,2026-01-05,8:00,2026-01-05T09:00,work,phone",
            "line 3: start '8:00' is not an ISO 8601 timestamp",
        ),
        (
            "A002,2026-01-05,2026-01-05T09:00,2026-01-05T08:00,work,phone",
            "line 3: end '2026-01-05T08:00' is not after start '2026-01-05T09:00'",
        ),
        (
            "A002,2026-01-05,2026-01-05T08:00,2026-01-05T09:00,meeting,",
            "line 3: activity 'meeting' is not one of work, break, lunch",
        ),
        (
            "A002,2026-01-05,2026-01-05T08:00,2026-01-05T09:00,work,",
            "line 3: channel blank of a work row is not a configured channel",
        ),
        (
            "A002,2026-01-05,2026-01-05T08:00,2026-01-05T09:00,work,fax",
            "line 3: channel 'fax' of a work row is not a configured channel",
        ),
        (
            "A002,2026-01-05,2026-01-05T08:00,2026-01-05T09:00,work,email",
            "line 3: agent A002 works on channel 'email' without the skill",
        ),
        (
            "A002,2026-01-05,2026-01-05T08:00,2026-01-05T08:15,break,phone",
            "line 3: a break has channel 'phone'; leave channel blank",
        ),
        (
            "A002,2026-01-05,2026-01-05T08:05,2026-01-05T09:00,work,phone",
            "line 3: start 2026-01-05T08:05:00+02:00 is not on the 15-minute plan grid",
        ),
        (
            "A002,2026-01-04,2026-01-06T08:00,2026-01-06T09:00,work,phone",
            "line 3: start '2026-01-06T08:00' is not on the shift's date 2026-01-04",
        ),
        (
            "A002,2026-01-05,2026-01-05T08:00,2026-01-05T09:00,work,phone,maybe",
            "line 3: locked 'maybe' is not a yes/no value",
        ),
    ],
)
def test_a_bad_row_is_named_by_line_column_and_value(
    tmp_path: Path, sample_centre: Centre, line: str, message: str
) -> None:
    """Each kind of bad row gives a message naming its line and value."""
    good = "A001,2026-01-05,2026-01-05T08:00,2026-01-05T09:00,work,phone,"
    if line.count(",") == 5:
        line += ","
    with pytest.raises(InvalidInputError) as error:
        read(tmp_path, sample_centre, [good, line], header=f"{HEADER},locked")
    assert f"roster.csv: {message}" in str(error.value)


def test_overlapping_segments_of_one_agent_name_both_lines(
    tmp_path: Path, sample_centre: Centre
) -> None:
    """A break inside a work segment overlaps it: the message names both lines."""
    lines = [
        "A001,2026-01-05,2026-01-05T08:00,2026-01-05T12:00,work,phone",
        "A002,2026-01-05,2026-01-05T08:00,2026-01-05T12:00,work,phone",
        "A001,2026-01-05,2026-01-05T10:00,2026-01-05T10:15,break,",
    ]
    with pytest.raises(InvalidInputError, match="overlaps") as error:
        read(tmp_path, sample_centre, lines)
    assert "line 4: segment 2026-01-05T10:00:00+02:00" in str(error.value)
    assert "(line 2)" in str(error.value)


def test_a_missing_column_says_what_the_header_must_be(
    tmp_path: Path, sample_centre: Centre
) -> None:
    """Without the activity column the error lists the header."""
    with pytest.raises(InvalidInputError, match=r"missing column\(s\) activity"):
        read(tmp_path, sample_centre, [], header="agent_id,date,start,end,channel")
