"""vuoro init and vuoro plan, driven as a user would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.config import load_centre
from scheduler.pipeline import next_week_start

runner = CliRunner()


def test_init_writes_sample_files_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "centre"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    for name in ("centre.toml", "agents.csv", "history.csv"):
        assert (target / name).is_file()
    history = pd.read_csv(target / "history.csv")
    assert set(history["channel"]) == {"phone", "chat", "email", "face_to_face"}
    assert history.groupby("channel").size().min() >= 8 * 7 * 96
    (target / "agents.csv").write_text("edited by the user\n", encoding="utf-8")
    again = runner.invoke(app, ["init", str(target)])
    assert again.exit_code == 2
    assert "already exist" in again.output
    assert (target / "agents.csv").read_text(encoding="utf-8") == "edited by the user\n"


def test_plan_from_init_files_writes_forecast_requirements_and_roster(
    tmp_path: Path,
) -> None:
    runner.invoke(app, ["init", str(tmp_path)])
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "plan",
            "--centre",
            str(tmp_path / "centre.toml"),
            "--history",
            str(tmp_path / "history.csv"),
            "--agents",
            str(tmp_path / "agents.csv"),
            "--out",
            str(out),
            "--time-limit-s",
            "8",
        ],
    )
    assert result.exit_code == 0, result.output
    requirements = pd.read_csv(out / "requirements.csv")
    assert len(requirements) == 4 * 672
    week = next_week_start(load_centre(), dt.date.today())
    assert requirements["interval_start"].iloc[0].startswith(f"{week}T00:00:00+0")
    forecast = pd.read_csv(out / "forecast.csv")
    assert {"contacts_lo", "contacts_hi"} <= set(forecast.columns)
    roster = pd.read_csv(out / "roster.csv")
    assert set(roster["activity"]) == {"work", "break", "lunch"}
    assert (out / "kpis.json").is_file()
    assert (out / "coverage.csv").is_file()
    # Verified by simulation (5 weeks by default): the promise beside the outcome.
    simulation = pd.read_csv(out / "simulation.csv")
    assert set(simulation["channel"]) == {"phone", "chat", "email", "face_to_face"}
    assert simulation["simulated_service_level"].between(0, 1).all()
    text = " ".join(result.output.split())
    assert "verified by simulation: 5 weeks" in text
    for row in simulation.itertuples():
        warned = f"warning: {row.channel}: simulated weekly service level" in text
        assert warned == row.flagged


def test_failed_plan_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "requirements.csv").write_text("last week's good plan\n", encoding="utf-8")
    centre = tmp_path / "centre.toml"
    centre.write_text("[centre]\nname = 'x'\n", encoding="utf-8")
    result = runner.invoke(app, ["plan", "--centre", str(centre), "--out", str(out)])
    assert result.exit_code == 2
    assert "missing key" in result.output
    text = (out / "requirements.csv").read_text(encoding="utf-8")
    assert text == "last week's good plan\n"
