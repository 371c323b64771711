"""vuoro plans list|show|diff|delete, and vuoro plan saving to the store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from scheduler.cli import app
from scheduler.evaluate import evaluate_roster
from scheduler.plan import Plan
from scheduler.store import PlanStore

runner = CliRunner()
WEDNESDAY = dt.date(2026, 2, 4)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PlanStore:
    """The store the commands use: a SQLite file of this test."""
    monkeypatch.setenv("VUORO_DATABASE_URL", f"sqlite:///{tmp_path / 'plans.db'}")
    return PlanStore.from_environment()


@pytest.fixture(scope="module")
def without_a_shift(sample_plan: Plan) -> tuple[Plan, str]:
    """The sample plan without its first agent's Wednesday shift, re-evaluated."""
    roster = sample_plan.roster
    agent = str(roster.loc[roster["date"] == WEDNESDAY, "agent_id"].min())
    kept = roster.loc[~((roster["agent_id"] == agent) & (roster["date"] == WEDNESDAY))]
    evaluation = evaluate_roster(
        kept, sample_plan.requirements, sample_plan.centre, sample_plan.agents
    )
    plan = dataclasses.replace(
        sample_plan, roster=kept, evaluation=evaluation, name="one shift fewer"
    )
    return plan, agent


def _json_lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_an_empty_store_lists_nothing_and_says_how_to_save(store: PlanStore) -> None:
    result = runner.invoke(app, ["plans", "list"])
    assert result.exit_code == 0, result.output
    assert "no saved plans yet" in result.output
    assert runner.invoke(app, ["plans", "list", "--json"]).output == ""


def test_plans_list_shows_each_plans_kpis(
    sample_plan: Plan, without_a_shift: tuple[Plan, str], store: PlanStore
) -> None:
    fewer, _ = without_a_shift
    ids = [store.save(sample_plan, author="Aino"), store.save(fewer)]
    result = runner.invoke(app, ["plans", "list", "--json"])
    assert result.exit_code == 0, result.output
    records = _json_lines(result.output)
    assert [r["id"] for r in records] == ids
    for record, plan in zip(records, (sample_plan, fewer), strict=True):
        assert record["name"] == plan.name
        assert record["week_start"] == "2026-02-02"
        assert record["paid_hours"] == plan.kpis["overall"]["paid_hours"]
        assert record["cost"] == plan.kpis["overall"]["cost"]
        for channel, figures in plan.kpis["channels"].items():
            assert record[f"service_level.{channel}"] == figures["service_level"]
    assert records[0]["author"] == "Aino"
    table = runner.invoke(app, ["plans", "list"], env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.output
    phone = sample_plan.kpis["channels"]["phone"]["service_level"]
    for plan_id in ids:
        assert plan_id in table.output
    assert f"{100 * phone:.1f}" in table.output


def test_plans_show_gives_the_kpis_changes_and_audit_trail(
    sample_plan: Plan, store: PlanStore
) -> None:
    scenario = dataclasses.replace(
        sample_plan, changes=({"kind": "volume", "channel": "phone", "factor": 1.1},)
    )
    plan_id = store.save(scenario, author="Aino", note="for the Monday meeting")
    store.record_edit(
        plan_id, author="Maija", change="locked A001's Tuesday", reason="agreed"
    )
    result = runner.invoke(app, ["plans", "show", plan_id], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"{plan_id}: sample week, week of 2026-02-02" in result.output
    assert "by Aino" in result.output
    assert "note: for the Monday meeting" in result.output
    assert "change: volume: channel=phone, factor=1.1" in result.output
    for figures in sample_plan.kpis["channels"].values():
        assert f"{100 * figures['service_level']:.1f} %" in result.output
    overall = sample_plan.kpis["overall"]
    assert f"paid {overall['paid_hours']:,.1f} h" in result.output
    assert "Maija" in result.output
    assert "locked A001's Tuesday" in result.output


def test_plans_diff_shows_the_kpi_changes_and_the_removed_shift(
    sample_plan: Plan, without_a_shift: tuple[Plan, str], store: PlanStore
) -> None:
    fewer, agent = without_a_shift
    a, b = store.save(sample_plan), store.save(fewer)
    result = runner.invoke(app, ["plans", "diff", a, b, "--json"])
    assert result.exit_code == 0, result.output
    (record,) = _json_lines(result.output)
    assert (record["a"], record["b"]) == (a, b)
    assert [(r["agent_id"], r["date"], r["change"]) for r in record["roster"]] == [
        (agent, "2026-02-04", "removed")
    ]
    removed = sample_plan.roster.loc[
        (sample_plan.roster["agent_id"] == agent)
        & (sample_plan.roster["date"] == WEDNESDAY)
    ]
    assert record["roster"][0]["old_start"] == removed["start"].min().isoformat()
    assert record["roster"][0]["new_start"] == ""
    kpis = {(r["scope"], r["kpi"]): r for r in record["kpis"]}
    paid = kpis["overall", "paid_hours"]
    assert paid["a"] == sample_plan.kpis["overall"]["paid_hours"]
    assert paid["b"] == fewer.kpis["overall"]["paid_hours"]
    assert paid["change"] == paid["b"] - paid["a"]
    # The shift's pay goes: its length but the lunch (unpaid in the sample).
    paid_rows = removed.loc[removed["activity"] != "lunch"]
    hours = (paid_rows["end"] - paid_rows["start"]).sum() / pd.Timedelta(hours=1)
    rules = sample_plan.centre.shifts.breaks
    assert all(not rule.paid for rule in rules if rule.activity == "lunch")
    assert paid["change"] == pytest.approx(-hours)
    text = runner.invoke(app, ["plans", "diff", a, b], env={"COLUMNS": "200"})
    assert text.exit_code == 0, text.output
    assert "1 shift(s) differ: 1 removed" in text.output
    assert f"{agent} Wed 2026-02-04: removed" in text.output
    assert "paid_hours" in text.output
    same = runner.invoke(app, ["plans", "diff", a, a])
    assert "the KPIs are the same" in same.output
    assert "the rosters are the same" in same.output


def test_plans_delete_asks_first_and_then_the_id_is_unknown(
    sample_plan: Plan, store: PlanStore
) -> None:
    plan_id = store.save(sample_plan)
    kept = runner.invoke(app, ["plans", "delete", plan_id], input="n\n")
    assert kept.exit_code == 1
    assert list(store.list()["id"]) == [plan_id]
    gone = runner.invoke(app, ["plans", "delete", plan_id, "--yes"])
    assert gone.exit_code == 0, gone.output
    assert f"deleted plan {plan_id}" in gone.output
    assert store.list().empty
    shown = runner.invoke(app, ["plans", "show", plan_id])
    assert shown.exit_code == 2
    assert f"no plan '{plan_id}'" in shown.output
    assert "vuoro plans list" in shown.output


def test_a_bad_store_url_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VUORO_DATABASE_URL", "plans.db")
    result = runner.invoke(app, ["plans", "list"])
    assert result.exit_code == 2
    assert "is not a database URL" in result.output


@pytest.mark.parametrize("save", [True, False])
def test_vuoro_plan_saves_its_plan_and_prints_the_id_unless_told_not_to(
    sample_plan: Plan,
    store: PlanStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    save: bool,
) -> None:
    # The roster solve is replaced by the session's solved plan; everything
    # else (forecast, folder, store) runs for real.
    monkeypatch.setattr(
        "scheduler.cli.planning.solve_plan", lambda *args, **kwargs: sample_plan
    )
    out = tmp_path / "out"
    args = ["plan", "--week", "2026-02-02", "--out", str(out)]
    result = runner.invoke(app, args if save else [*args, "--no-save"])
    assert result.exit_code == 0, result.output
    assert (out / "kpis.json").is_file()
    listed = store.list()
    if not save:
        assert listed.empty
        assert "saved plan" not in result.output
        return
    (plan_id,) = listed["id"]
    assert f"saved plan {plan_id} (vuoro plans show {plan_id})" in result.output
    assert store.load(plan_id).kpis == sample_plan.kpis
