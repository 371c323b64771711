"""vuoro evaluate, driven as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from scheduler.cli import app

runner = CliRunner()

#: 14 phone agents on Monday 10:00-10:30 of the sample centre (15-min plan).
ROSTER = "agent_id,date,start,end,activity,channel\n" + "".join(
    f"A{n:03d},2026-01-05,2026-01-05T10:00,2026-01-05T10:30,work,phone\n"
    for n in range(1, 15)
)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """roster.csv and a phone forecast.csv of 50 calls of 180 s per 15 minutes."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "forecast.csv").write_text(
        "channel,interval_start,contacts,aht_seconds\n"
        "phone,2026-01-05T10:00,50,180\n"
        "phone,2026-01-05T10:15,50,180\n",
        encoding="utf-8",
    )
    return tmp_path


def evaluate(files: Path, *options: str) -> Result:
    """Run ``vuoro evaluate --roster FILES/roster.csv OPTIONS``."""
    return runner.invoke(
        app, ["evaluate", "--roster", str(files / "roster.csv"), *options]
    )


def test_evaluate_writes_coverage_and_kpis_and_prints_them(files: Path) -> None:
    """--json prints what kpis.json holds; coverage.csv has one row per interval."""
    out = files / "out"
    result = evaluate(
        files, "--forecast", str(files / "forecast.csv"), "--out", str(out), "--json"
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == json.loads((out / "kpis.json").read_text())
    phone = printed["channels"]["phone"]
    assert phone["scheduled_agent_hours"] == 7.0
    assert phone["contacts"] == 100.0
    assert printed["overall"]["paid_hours"] == 7.0
    coverage = pd.read_csv(out / "coverage.csv")
    assert coverage["scheduled"].tolist() == [14.0, 14.0]


def test_evaluate_from_requirements_gives_the_same_service_level(
    files: Path,
) -> None:
    """requirements.csv from vuoro requirements evaluates like the forecast."""
    requirements = files / "requirements.csv"
    made = runner.invoke(
        app,
        [
            "requirements",
            "--forecast",
            str(files / "forecast.csv"),
            "--out",
            str(requirements),
        ],
    )
    assert made.exit_code == 0, made.output
    figures = []
    for option, path in (
        ("--forecast", files / "forecast.csv"),
        ("--requirements", requirements),
    ):
        out = files / option.strip("-")
        result = evaluate(files, option, str(path), "--out", str(out))
        assert result.exit_code == 0, result.output
        assert "phone" in result.stdout
        kpis = json.loads((out / "kpis.json").read_text())
        figures.append(kpis["channels"]["phone"]["service_level"])
    assert figures[0] == figures[1]


def test_a_bad_roster_exits_2_and_writes_nothing(files: Path) -> None:
    """An unknown agent is an input error: exit 2, message, no output folder."""
    (files / "roster.csv").write_text(
        ROSTER + "Z9,2026-01-05,2026-01-05T10:00,2026-01-05T10:30,work,phone\n",
        encoding="utf-8",
    )
    out = files / "out"
    result = evaluate(
        files, "--forecast", str(files / "forecast.csv"), "--out", str(out)
    )
    assert result.exit_code == 2
    assert "line 16: agent_id 'Z9' is not in agents.csv" in result.stderr
    assert not out.exists()


def test_evaluate_needs_exactly_one_source_of_requirements(files: Path) -> None:
    """Neither --forecast nor --requirements is an input error."""
    result = evaluate(files, "--out", str(files / "o"))
    assert result.exit_code == 2
    assert "give exactly one of --forecast" in result.stderr
