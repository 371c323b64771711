"""vuoro whatif, driven as a user would."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.plan import Plan, write_plan_dir
from scheduler.store import PlanStore

runner = CliRunner()


@pytest.fixture(scope="module")
def plan_dir(sample_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    write_plan_dir(sample_plan, folder)
    return folder


def test_a_set_scenario_prints_base_and_kept_roster_figures_as_json(
    plan_dir: Path, sample_plan: Plan
) -> None:
    result = runner.invoke(
        app,
        [
            "whatif",
            "--dir",
            str(plan_dir),
            "--set",
            "volume.chat=1.5",
            "--set",
            "target.phone=0.9",
            "--no-replan",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert [c["kind"] for c in record["changes"]] == ["volume", "target"]
    base_chat = sample_plan.kpis["channels"]["chat"]["service_level"]
    assert record["base"]["weekly_service_level"]["chat"] == pytest.approx(base_chat)
    assert record["keep_roster"]["weekly_service_level"]["chat"] < base_chat
    assert record["keep_roster"]["meets_target"]["phone"] is (
        record["keep_roster"]["weekly_service_level"]["phone"] >= 0.9
    )
    required = sample_plan.requirements.groupby("channel")["required_fractional"].sum()
    assert record["required_agent_hours"]["chat"] > required["chat"] / 4 * 1.3
    assert "replan" not in record


def test_a_deflection_sweep_writes_one_json_line_per_rate_and_the_chart(
    plan_dir: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "whatif",
            "deflection",
            "--dir",
            str(plan_dir),
            "--rates",
            "0,0.25",
            "--bounce-back",
            "0.1",
            "--no-replan",
            "--processes",
            "1",
            "--json",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [line["rate"] for line in lines] == [0.0, 0.25]
    hours = [line["required_agent_hours"] for line in lines]
    assert hours[1]["phone"] < hours[0]["phone"]
    assert hours[1]["chat"] > hours[0]["chat"]
    for line in lines:
        assert set(line["keep_roster"]["weekly_service_level"]) == {
            "phone",
            "chat",
            "email",
            "face_to_face",
        }
        assert line["keep_roster"]["paid_hours"] > 0
    table = pd.read_csv(tmp_path / "sweep.csv")
    assert sorted(table["value"].unique()) == [0.0, 0.25]
    assert "vega" in (tmp_path / "sweep.html").read_text(encoding="utf-8").lower()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["whatif", "--set", "volume.fax=2", "--no-replan"], "channel 'fax'"),
        (["whatif"], "give at least one --set change"),
        (["whatif", "deflection", "--rates", "a,b"], "give shares separated by"),
        (["whatif", "deflection", "--executor", "dask"], "not local or ray"),
    ],
)
def test_bad_what_if_input_exits_2_naming_the_value(
    plan_dir: Path, arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, [*arguments, "--dir", str(plan_dir)])
    assert result.exit_code == 2
    assert message in result.output


def test_a_saved_replan_keeps_its_changes_in_the_store(plan_dir: Path) -> None:
    result = runner.invoke(
        app,
        [
            "whatif",
            "--dir",
            str(plan_dir),
            "--set",
            "volume.chat=1.1",
            "--time-limit-s",
            "3",
            "--save",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    [plan_id] = record["saved"]
    with PlanStore.from_environment() as store:
        saved = store.load(plan_id)
    assert saved.changes == ({"kind": "volume", "channel": "chat", "factor": 1.1},)
    assert saved.kpis["overall"]["paid_hours"] == record["replan"]["paid_hours"]
    assert saved.violations.empty
