"""The vuoro command line, driven as a user would."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.config import load_centre
from scheduler.pipeline import next_week_start

runner = CliRunner()

ERLANG = [
    "erlang",
    "--contacts",
    "100",
    "--aht-seconds",
    "180",
    "--interval-minutes",
    "30",
    "--service-level",
    "0.8",
    "--answer-within-seconds",
    "20",
]


def run_json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    record: dict[str, object] = json.loads(result.stdout)
    return record


def test_erlang_gives_the_published_requirement_and_scheduled_agents() -> None:
    record = run_json(*ERLANG, "--max-occupancy", "0.85", "--shrinkage", "0.3")
    assert record["agents"] == 14
    assert record["scheduled_agents"] == 20
    assert record["service_level"] == pytest.approx(0.8883500191794669, rel=1e-12)
    assert record["prob_wait"] == pytest.approx(0.1741319335950498, rel=1e-12)
    assert record["asa_seconds"] == pytest.approx(7.83593701177724, rel=1e-12)
    assert record["occupancy"] == pytest.approx(0.7142857142857143)
    assert "prob_abandon" not in record


def test_erlang_shrinkage_gives_thirty_not_thirty_one() -> None:
    args = ERLANG.copy()
    args[2] = "164"
    record = run_json(*args, "--shrinkage", "0.3")
    assert (record["agents"], record["scheduled_agents"]) == (21, 30)


def test_erlang_with_agents_and_patience_reports_abandonment() -> None:
    record = run_json(*ERLANG, "--patience-seconds", "300", "--agents", "14")
    assert record["agents"] == 14
    assert record["service_level"] == pytest.approx(0.916792, abs=5e-7)
    assert record["prob_abandon"] == pytest.approx(0.013984, abs=5e-7)
    assert record["prob_wait"] == pytest.approx(0.14526, abs=5e-6)


def test_erlang_chat_concurrency_needs_fewer_agents_than_single_chats() -> None:
    single = run_json(*ERLANG, "--concurrency", "1")
    triple = run_json(*ERLANG, "--concurrency", "3", "--concurrency-slowdown", "0.25")
    assert single["agents"] == 14  # concurrency 1 is Erlang C
    assert triple["agents"] < single["agents"]


def test_erlang_unstable_headcount_prints_null_asa() -> None:
    record = run_json(*ERLANG, "--agents", "9")
    assert record["asa_seconds"] is None
    assert record["service_level"] == 0.0


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--service-level", "1.5"], "service_level must be a fraction in [0, 1]"),
        (["--shrinkage", "1.2"], "--shrinkage 1.2 must be in [0, 1)"),
        (["--concurrency", "20"], "concurrency must be 1 to 12"),
    ],
)
def test_erlang_bad_values_exit_2_with_the_reason(
    extra: list[str], fragment: str
) -> None:
    result = runner.invoke(app, [*ERLANG, *extra])
    assert result.exit_code == 2
    assert fragment in result.output
    assert "Traceback" not in result.output


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


def test_plan_from_init_files_writes_forecast_and_requirements(tmp_path: Path) -> None:
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
        ],
    )
    assert result.exit_code == 0, result.output
    requirements = pd.read_csv(out / "requirements.csv")
    assert len(requirements) == 4 * 672
    week = next_week_start(load_centre(), dt.date.today())
    assert requirements["interval_start"].iloc[0].startswith(f"{week}T00:00:00+0")
    forecast = pd.read_csv(out / "forecast.csv")
    assert {"contacts_lo", "contacts_hi"} <= set(forecast.columns)
    assert "roster optimiser" in result.output


def test_requirements_command_reads_a_forecast_file(tmp_path: Path) -> None:
    forecast = tmp_path / "forecast.csv"
    forecast.write_text(
        "channel,interval_start,contacts,aht_seconds\n"
        "phone,2026-02-02T10:00,100,180\n"
        "phone,2026-02-02T10:15,120,\n",
        encoding="utf-8",
    )
    out = tmp_path / "requirements.csv"
    result = runner.invoke(
        app, ["requirements", "--forecast", str(forecast), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out)
    assert rows["aht_seconds"].tolist() == [180, 300]  # blank: the channel default
    assert (rows["required"] > 0).all()


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
