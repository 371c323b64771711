from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import typer
from typer.testing import CliRunner

from scheduler.cli.forecasting import register

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def _history_csv(tmp_path: Path, history: pd.DataFrame) -> Path:
    path = tmp_path / "history.csv"
    history.assign(
        interval_start=history["interval_start"].map(pd.Timestamp.isoformat)
    ).to_csv(path, index=False)
    return path


def test_forecast_command_writes_a_complete_forecast_csv(
    tmp_path: Path, small_history
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "forecast.csv"
    args = [
        "forecast",
        "--history",
        str(_history_csv(tmp_path, small_history)),
        "--start",
        "2025-03-03",
        "--days",
        "2",
        "--out",
        str(out),
        "--json",
    ]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert len(written) == 2 * 2 * 24
    assert written["interval_start"].iloc[0] == "2025-03-03T00:00:00"
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert {line["channel"] for line in lines} == {"email", "phone"}


def test_backtest_command_prints_errors_and_the_auto_pick(
    tmp_path: Path, small_history
) -> None:  # type: ignore[no-untyped-def]
    args = [
        "backtest",
        "--history",
        str(_history_csv(tmp_path, small_history)),
        "--folds",
        "2",
        "--json",
    ]
    result = runner.invoke(_app(), args)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {row["model"] for row in rows} >= {"mean4", "daily_profile"}
    assert sum(row["auto_pick"] for row in rows) == 2
    assert all(0 < row["wape"] < 1 for row in rows)


def test_bad_history_exits_with_code_2_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text("channel,interval_start,contacts\nphone,2026-01-05T08:00,-1\n")
    result = runner.invoke(_app(), ["backtest", "--history", str(path)])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "line 2, column 'contacts': value '-1' is negative" in message
