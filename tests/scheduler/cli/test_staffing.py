"""vuoro erlang and vuoro requirements, driven as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scheduler.cli import app

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
