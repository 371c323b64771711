"""export_plan: one entry point, the right writer per format, clear errors."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from scheduler.exceptions import InvalidInputError
from scheduler.export.formats import ExportFormat, export_plan
from scheduler.plan import Plan


def test_each_format_writes_where_it_is_told(spring_plan: Plan, tmp_path: Path) -> None:
    agents = len(spring_plan.agents)
    (xlsx,) = export_plan(spring_plan, "xlsx", tmp_path / "plan.xlsx")
    assert openpyxl.load_workbook(xlsx)["Roster"]["A2"].value == "A001"
    (plan_json,) = export_plan(spring_plan, ExportFormat.JSON, tmp_path / "p.json")
    assert json.loads(plan_json.read_text(encoding="utf-8"))["name"] == "clock change"
    folder = export_plan(spring_plan, "ics", tmp_path / "calendars")
    assert len(folder) == agents
    assert folder[0] == tmp_path / "calendars" / "A001.ics"
    (archive,) = export_plan(spring_plan, "ICS", tmp_path / "calendars.zip")
    with zipfile.ZipFile(archive) as opened:
        assert len(opened.namelist()) == agents
    (single,) = export_plan(spring_plan, "ics", tmp_path / "a1.ics", agent_id="A001")
    assert len(list(Calendar.from_ical(single.read_bytes()).walk("VEVENT"))) == 2
    files = export_plan(spring_plan, "csv", tmp_path / "csv")
    assert tmp_path / "csv" / "roster.csv" in files
    (zipped,) = export_plan(spring_plan, "csv", tmp_path / "csv.zip")
    assert zipped.is_file()


@pytest.mark.parametrize(
    ("fmt", "target", "message"),
    [
        ("pdf", "plan.pdf", r"export format 'pdf' is not known; use one of csv"),
        ("xlsx", "plan.csv", r"Excel workbook files end in \.xlsx"),
        ("xlsx", "", r"is a folder; give the Excel workbook file"),
        ("json", "", r"is a folder; give the JSON file"),
        ("ics", "existing.txt", r"is a file; give a folder to write into"),
        ("csv", "existing.txt", r"is a file; give a folder to write into"),
    ],
)
def test_a_target_that_cannot_hold_the_format_is_refused(
    spring_plan: Plan, tmp_path: Path, fmt: str, target: str, message: str
) -> None:
    (tmp_path / "existing.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=message):
        export_plan(spring_plan, fmt, tmp_path / target)
    assert (tmp_path / "existing.txt").read_text(encoding="utf-8") == "keep me"


def test_an_agent_is_only_for_calendars(spring_plan: Plan, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="ics format only, not xlsx"):
        export_plan(spring_plan, "xlsx", tmp_path / "a.xlsx", agent_id="A001")
    with pytest.raises(InvalidInputError, match=r"iCalendar files end in \.ics"):
        export_plan(spring_plan, "ics", tmp_path / "a.zip", agent_id="A001")


def test_a_target_that_cannot_be_written_is_named(
    spring_plan: Plan, tmp_path: Path
) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"cannot write the json export"):
        export_plan(spring_plan, "json", blocker / "plan.json")


def test_a_plan_without_shifts_exports_empty_grids_and_calendars(
    spring_plan: Plan, tmp_path: Path
) -> None:
    empty = dataclasses.replace(spring_plan, roster=spring_plan.roster.iloc[:0])
    (xlsx,) = export_plan(empty, "xlsx", tmp_path / "plan.xlsx")
    grid = openpyxl.load_workbook(xlsx)["Roster"]
    assert [grid.cell(row=2, column=c).value for c in range(5, 13)] == [
        *([None] * 7),
        0,
    ]
    (archive,) = export_plan(empty, "ics", tmp_path / "calendars.zip")
    with zipfile.ZipFile(archive) as opened:
        calendars = [Calendar.from_ical(opened.read(n)) for n in opened.namelist()]
    assert len(calendars) == len(empty.agents)
    assert all(not list(c.walk("VEVENT")) for c in calendars)
    (document,) = export_plan(empty, "json", tmp_path / "plan.json")
    assert json.loads(document.read_text(encoding="utf-8"))["roster"] == []
