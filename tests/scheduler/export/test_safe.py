"""Formula neutralisation: text that would run in a spreadsheet is made inert,
numbers stay numbers."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.export.safe import (
    is_formula_like,
    neutralise_csv,
    neutralise_frame,
    neutralise_text,
)

#: Payloads from the OWASP CSV-injection page's families: formulas, DDE, @-calls,
#: and the tab / carriage-return prefixes.
PAYLOADS = [
    '=HYPERLINK("http://x","y")',
    "=1+1",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-",
    "+-",
    "=",
]

NUMBERS = ["-3.5", "+2", "-1e3", "1.5", "0", "-0.25", ".5", "-7.", "3E+05"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_payload_gets_a_leading_apostrophe(payload: str) -> None:
    assert is_formula_like(payload)
    assert neutralise_text(payload) == "'" + payload


@pytest.mark.parametrize("number", NUMBERS)
def test_a_signed_or_plain_number_is_left_a_number(number: str) -> None:
    assert not is_formula_like(number)
    assert neutralise_text(number) == number


@pytest.mark.parametrize(
    "text", ["Kerttu Mäkelä", "", "a=b", "2026-02-02T08:00:00+02:00", "'=already"]
)
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert neutralise_text(text) == text


@given(st.text())
def test_no_neutralised_text_is_formula_like_and_only_a_mark_is_added(
    text: str,
) -> None:
    safe = neutralise_text(text)
    assert not is_formula_like(safe)
    assert safe in (text, "'" + text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_as_python_writes_it_stays_a_number(value: float) -> None:
    assert neutralise_text(repr(value)) == repr(value)


def test_a_frame_keeps_its_numbers_and_neutralises_only_text() -> None:
    frame = pd.DataFrame(
        {
            "name": ["=1+1", "Ville Salo", None],
            "hours": [-3.5, 7.0, math.nan],
            "count": [-2, 0, 5],
            "text_number": ["-4", "+x", "@a"],
        }
    )
    safe = neutralise_frame(frame)
    assert safe["name"].tolist() == ["'=1+1", "Ville Salo", None]
    assert safe["text_number"].tolist() == ["-4", "'+x", "'@a"]
    pd.testing.assert_series_equal(safe["hours"], frame["hours"])
    pd.testing.assert_series_equal(safe["count"], frame["count"])
    assert frame["name"].iloc[0] == "=1+1"  # the input is not changed


def test_csv_text_is_neutralised_cell_by_cell_with_quoting_kept() -> None:
    text = (
        "agent_id,name,note,amount\n"
        'A001,"=HYPERLINK(""http://x"",""y"")","two\nlines, one comma",-3.5\n'
        "A002,Ville Salo,@home,-1e-05\n"
    )
    safe = neutralise_csv(text)
    rows = list(csv.reader(io.StringIO(safe, newline="")))
    assert rows == [
        ["agent_id", "name", "note", "amount"],
        ["A001", '\'=HYPERLINK("http://x","y")', "two\nlines, one comma", "-3.5"],
        ["A002", "Ville Salo", "'@home", "-1e-05"],
    ]
    frame = pd.read_csv(io.StringIO(safe))
    assert frame["amount"].tolist() == [-3.5, -1e-05]


def test_csv_text_without_formulas_comes_back_byte_for_byte() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": [
                "2026-02-02T08:00:00+02:00",
                "2026-02-02T08:15:00+02:00",
            ],
            "channel": ["phone", "face_to_face"],
            "required": [12, -1],
            "service_level": [0.81, math.nan],
            "note": ['say "hi", then', ""],
        }
    )
    text = frame.to_csv(index=False, float_format="%.6g")
    assert neutralise_csv(text) == text
    assert neutralise_csv("") == ""
    assert neutralise_csv("\n") == "\n"
