"""vuoro verify, driven as a user would, on the sample plan written to a folder."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.plan import Plan, write_plan_dir

runner = CliRunner()


@pytest.fixture(scope="module")
def plan_dir(sample_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    write_plan_dir(sample_plan, folder)
    return folder


def test_verify_json_has_analytic_and_simulated_service_level_per_channel(
    plan_dir: Path, sample_plan: Plan, tmp_path: Path
) -> None:
    result = runner.invoke(
        app,
        [
            "verify",
            "--dir",
            str(plan_dir),
            "--replications",
            "3",
            "--routing",
            "rostered",
            "--workers",
            "1",
            "--out",
            str(tmp_path),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["plan"] == "sample week"
    assert (record["replications"], record["routing"]) == (3, "rostered")
    assert set(record["channels"]) == set(sample_plan.centre.channels)
    for name, figures in record["channels"].items():
        promised = sample_plan.kpis["channels"][name]["service_level"]
        assert figures["analytic_service_level"] == promised
        assert 0.0 <= figures["simulated_service_level"] <= 1.0
        assert figures["service_level_half_width"] >= 0.0
        difference = figures["simulated_service_level"] - promised
        assert figures["difference"] == pytest.approx(difference, abs=2e-4)
        assert figures["flagged"] == (
            abs(figures["difference"]) > 0.03
            and abs(figures["difference"]) > figures["service_level_half_width"]
        )
        assert (name in record["flagged_channels"]) == figures["flagged"]
    written = pd.read_csv(tmp_path / "simulation.csv").set_index("channel")
    for name, figures in record["channels"].items():
        assert written.loc[name, "simulated_service_level"] == pytest.approx(
            figures["simulated_service_level"], abs=1e-4
        )


def test_verify_prints_the_table_and_a_warning_for_each_flagged_channel(
    plan_dir: Path,
) -> None:
    args = ["verify", "--dir", str(plan_dir), "--replications", "2", "--workers", "1"]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    record = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert record["routing"] == "skills"
    text = " ".join(shown.output.split())
    assert "promised SL" in text
    for name, figures in record["channels"].items():
        warned = f"warning: {name}: simulated weekly service level" in text
        assert warned == figures["flagged"], name


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--plan", "x"], "not both"),
        (["--routing", "random"], "--routing 'random' is not skills or rostered"),
        (["--replications", "0"], "replications = 0"),
        (["--handle-time", "gamma"], "--handle-time 'gamma'"),
    ],
)
def test_verify_rejects_bad_arguments_with_exit_2(
    plan_dir: Path, extra: list[str], message: str
) -> None:
    result = runner.invoke(app, ["verify", "--dir", str(plan_dir), *extra])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_verify_of_a_folder_that_is_not_a_plan_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a complete plan folder" in " ".join(result.output.split())
