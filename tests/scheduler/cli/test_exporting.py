"""vuoro export, driven as a user would, from a plan folder."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from typer.testing import CliRunner, Result

from scheduler.cli import app
from scheduler.plan import Plan, load_plan_dir, write_plan_dir

runner = CliRunner()


@pytest.fixture(scope="module")
def plan_dir(sample_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plan's folder, as ``vuoro plan --out DIR`` writes it."""
    folder = tmp_path_factory.mktemp("plan")
    write_plan_dir(sample_plan, folder)
    return folder


def export(*options: str) -> Result:
    return runner.invoke(app, ["export", *options])


def said(result: Result) -> str:
    """What the command printed, with the console's line wrapping undone."""
    return " ".join(result.output.split())


def test_export_xlsx_writes_a_workbook_of_the_plan(
    plan_dir: Path, sample_plan: Plan, tmp_path: Path
) -> None:
    out = tmp_path / "week.xlsx"
    result = export("--dir", str(plan_dir), "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout
    book = openpyxl.load_workbook(out)
    assert book["Roster"]["B2"].value == sample_plan.agents["name"].iloc[0]
    assert len(book.sheetnames) == 3 + len(sample_plan.agents)


def test_export_ics_to_a_zip_writes_a_calendar_per_agent(
    plan_dir: Path, sample_plan: Plan, tmp_path: Path
) -> None:
    out = tmp_path / "calendars.zip"
    result = export("--dir", str(plan_dir), "--format", "ics", "--out", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        events = sum(
            len(list(Calendar.from_ical(archive.read(n)).walk("VEVENT"))) for n in names
        )
    assert len(names) == len(sample_plan.agents)
    assert events == sample_plan.kpis["overall"]["shifts"]


def test_export_one_agents_calendar(plan_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "a001.ics"
    result = export(
        "--dir", str(plan_dir), "--format", "ics", "--agent", "A001", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical(out.read_bytes())
    assert str(calendar["X-WR-CALNAME"]).endswith("(A001): shifts")


def test_export_csv_and_json_read_back(
    plan_dir: Path, sample_plan: Plan, tmp_path: Path
) -> None:
    result = export(
        "--dir", str(plan_dir), "--format", "csv", "--out", str(tmp_path / "csv")
    )
    assert result.exit_code == 0, result.output
    assert "11 files" in result.stdout
    assert load_plan_dir(tmp_path / "csv").kpis == sample_plan.kpis
    result = export(
        "--dir", str(plan_dir), "--format", "json", "--out", str(tmp_path / "p.json")
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["kpis"] == sample_plan.kpis


def test_an_unknown_format_exits_2_naming_the_choices(
    plan_dir: Path, tmp_path: Path
) -> None:
    result = export("--dir", str(plan_dir), "--format", "pdf", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "'pdf' is not one of" in said(result)


def test_a_folder_given_for_a_workbook_exits_2(plan_dir: Path, tmp_path: Path) -> None:
    result = export("--dir", str(plan_dir), "--format", "xlsx", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "is a folder; give the Excel workbook file" in said(result)


def test_a_missing_plan_folder_exits_2(tmp_path: Path) -> None:
    result = export(
        "--dir", str(tmp_path / "nowhere"), "--format", "json", "--out", "p.json"
    )
    assert result.exit_code == 2
    assert "not a complete plan folder" in said(result)


def test_no_plan_source_exits_2(tmp_path: Path) -> None:
    result = export("--format", "json", "--out", str(tmp_path / "p.json"))
    assert result.exit_code == 2
    assert "give --plan ID" in said(result)
