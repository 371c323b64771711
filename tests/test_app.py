"""The Streamlit app, run headlessly with AppTest: every page, every supervisor story.

Most tests put the shared solved sample plan (``sample_plan``) into the session, so
only the stories that need the optimiser solve (with a 5-second limit).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from scheduler.config import edited_centre, load_centre
from scheduler.plan import Plan
from scheduler.requirements import compute_requirements
from scheduler.roster import edit
from scheduler.roster.inputs import RosterInputs
from scheduler.scenarios import Deflection, ScenarioInputs
from tests.conftest import SAMPLE_WEEK

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGES = (
    "ui/data.py",
    "ui/forecast.py",
    "ui/requirements.py",
    "ui/roster.py",
    "ui/adjust.py",
    "ui/whatif.py",
    "ui/plans.py",
)
TITLES = {
    "ui/data.py": "Data",
    "ui/forecast.py": "Forecast",
    "ui/requirements.py": "Requirements",
    "ui/roster.py": "Roster",
    "ui/adjust.py": "Adjust",
    "ui/whatif.py": "What-if",
    "ui/plans.py": "Export and plans",
}
SOLVE_WAIT_S = 240.0

MakeApp = Callable[..., AppTest]


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MakeApp:
    """``make_app(plan=None, auto_solve=False)``: the app on the sample week, run once.

    The plan store is a fresh SQLite file; solves get a 5-second limit.
    """
    monkeypatch.setenv("VUORO_DATABASE_URL", f"sqlite:///{tmp_path / 'plans.db'}")

    def make(plan: Plan | None = None, auto_solve: bool = False) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=120)
        at.session_state["week_start"] = SAMPLE_WEEK
        at.session_state["auto_solve"] = auto_solve
        at.session_state["time_limit_s"] = 5.0
        if plan is not None:
            at.session_state["plan"] = plan
            at.session_state["edits"] = edit.EditHistory(plan.roster)
        return at.run()

    return make


def metric(at: AppTest, label: str) -> str:
    """The value of the metric with this label."""
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r} in {[m.label for m in at.metric]}"
    return str(values[0])


def number(text: str) -> float:
    """A shown figure as a number: ``"1,677"`` or ``"81.9 %"``."""
    return float(text.replace(",", "").replace("%", "").replace("h", "").strip())


def wait_for_solve(at: AppTest) -> AppTest:
    """Rerun the app until the background solve has ended and been collected."""
    began = time.monotonic()
    while at.session_state["solve_job"] is not None:
        assert time.monotonic() - began < SOLVE_WAIT_S, "the solve did not end"
        time.sleep(1.0)
        at.run()
    return at


def agent_hours(requirements: pd.DataFrame, channel: str, interval_s: int) -> float:
    part = requirements.loc[requirements["channel"] == channel]
    return float(part["required_fractional"].sum()) * interval_s / 3600


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_before_there_is_a_plan(
    make_app: MakeApp, page: str
) -> None:
    at = make_app()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title[0].value == TITLES[page]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_the_sample_plan(
    make_app: MakeApp, sample_plan: Plan, page: str
) -> None:
    at = make_app(sample_plan)
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error
    assert at.title[0].value == TITLES[page]


def test_the_roster_page_shows_the_plans_kpis_and_the_rules_it_bent(
    make_app: MakeApp, sample_plan: Plan
) -> None:
    at = make_app(sample_plan)
    assert at.title[0].value == "Roster"  # the first page
    channels = sample_plan.kpis["channels"]
    for name in ("phone", "chat", "email", "face_to_face"):
        shown = channels[name]["service_level"]
        assert metric(at, name) == f"{100 * shown:.1f} %"
    paid = sample_plan.kpis["overall"]["paid_hours"]
    assert metric(at, "paid hours") == f"{paid:,.1f} h"
    gap = sample_plan.kpis["solver"]["gap"]
    assert metric(at, "optimality gap") == f"{100 * gap:.1f} %"
    bent = [frame.value for frame in at.dataframe if "meaning" in frame.value.columns]
    assert bent, "the rules-bent table is missing"
    rules = set(bent[0]["rule"])
    assert rules == set(sample_plan.bent_rules["rule"])


def test_the_app_starts_optimising_the_sample_at_once_and_can_be_stopped(
    make_app: MakeApp,
) -> None:
    at = make_app(auto_solve=True)
    assert at.session_state["solve_job"] is not None
    assert at.button(key="stop_solve").label == "Stop"
    assert at.get("progress"), "no progress bar while the solve runs"
    at.button(key="stop_solve").click().run()
    wait_for_solve(at)
    assert not at.exception
    plan = at.session_state["plan"]
    assert plan is not None
    assert plan.kpis["audit"] == dict.fromkeys(plan.kpis["audit"], 0)
    assert metric(at, "paid hours") == f"{plan.kpis['overall']['paid_hours']:,.1f} h"


def test_raising_the_phone_target_raises_required_agents(make_app: MakeApp) -> None:
    at = make_app()
    at.switch_page("ui/requirements.py").run()
    before = number(metric(at, "phone agent-hours"))
    at.switch_page("ui/data.py").run()
    at.number_input(key="target_phone").set_value(90.0)
    submit = [b for b in at.button if b.label == "Apply targets"]
    submit[0].click().run()
    assert not at.exception
    assert at.session_state["centre"].channels["phone"].service_level == 0.9
    at.switch_page("ui/requirements.py").run()
    after = number(metric(at, "phone agent-hours"))
    plan_week = at.session_state["centre"]
    forecast = _forecast(at)
    expected = agent_hours(
        compute_requirements(forecast, plan_week), "phone", plan_week.interval_s
    )
    assert after == round(expected)
    assert after > before
    assert plan_week == edited_centre(
        load_centre(), {"channels": {"phone": {"service_level": 0.9}}}
    )


def test_opening_hours_are_edited_in_a_form(make_app: MakeApp) -> None:
    at = make_app()
    at.switch_page("ui/data.py").run()
    at.selectbox(key="hours_channel").select("phone").run()
    at.session_state["hours_editor_phone"] = {
        "edited_rows": {5: {"hours": "closed"}, 6: {"hours": "10:00-14:00"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    next(b for b in at.button if b.label == "Apply opening hours").click().run()
    assert not at.exception
    phone = at.session_state["centre"].channels["phone"]
    assert [str(phone.hours(day)) for day in range(7)] == [
        *["08:00-20:00"] * 5,
        "closed",
        "10:00-14:00",
    ]
    assert at.session_state["sources"]["centre.toml"] == "built-in sample (edited)"


def test_a_contract_that_breaks_a_rule_is_refused_naming_the_key(
    make_app: MakeApp,
) -> None:
    at = make_app()
    at.switch_page("ui/data.py").run()
    at.session_state["contracts_editor"] = {
        "edited_rows": {1: {"weekly_hours_max": 20.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    next(b for b in at.button if b.label == "Apply contracts").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "contracts: contracts.part_time_30: weekly_hours_max 20.0 is below "
        "weekly_hours_min 24.0"
    ]
    assert at.session_state["centre"] == load_centre()


def _forecast(at: AppTest) -> pd.DataFrame:
    """The forecast the app uses (the sample history's, as cached)."""
    from scheduler.pipeline import plan_week

    return plan_week(at.session_state["centre"], SAMPLE_WEEK).forecast.frame


def test_choosing_an_interval_explains_its_requirement(make_app: MakeApp) -> None:
    at = make_app()
    at.switch_page("ui/requirements.py").run()
    at.selectbox(key="channel").select("phone").run()
    at.selectbox(key="explain_day").select(SAMPLE_WEEK).run()
    at.selectbox(key="explain_time").select("10:00").run()
    assert not at.exception
    inputs = next(f.value for f in at.dataframe if "input" in f.value.columns)
    values = dict(zip(inputs["input"], inputs["value"], strict=True))
    requirements = compute_requirements(_forecast(at), load_centre())
    stamp = pd.Timestamp(f"{SAMPLE_WEEK} 10:00").tz_localize("Europe/Helsinki")
    row = requirements.loc[
        (requirements["channel"] == "phone") & (requirements["interval_start"] == stamp)
    ].iloc[0]
    assert values["answer_within_seconds"] == "20"
    assert int(values["net_required"]) == row["net_required"]
    assert int(values["required"]) == row["required"]
    assert any("Erlang A" in m.value for m in at.markdown)


def test_email_explanation_has_no_queue_curve(make_app: MakeApp) -> None:
    at = make_app()
    at.switch_page("ui/requirements.py").run()
    at.selectbox(key="channel").select("email").run()
    assert not at.exception
    assert any("first in, first out" in m.value for m in at.markdown)
    assert any("Email is not a queue" in i.value for i in at.info)


def test_a_day_adjustment_of_the_forecast_flows_into_requirements(
    make_app: MakeApp,
) -> None:
    at = make_app()
    at.switch_page("ui/requirements.py").run()
    before = number(metric(at, "phone agent-hours"))
    at.switch_page("ui/forecast.py").run()
    at.selectbox(key="adjust_channel").select("phone")
    at.selectbox(key="adjust_day").select(SAMPLE_WEEK)
    at.number_input(key="adjust_percent").set_value(15.0)
    at.text_input(key="adjust_reason").input("campaign")
    at.button(key="adjust_add").click().run()
    assert not at.exception
    assert [a.describe() for a in at.session_state["adjustments"]] == [
        "+15 % phone on Mon 2026-02-02 (campaign)"
    ]
    at.switch_page("ui/requirements.py").run()
    after = number(metric(at, "phone agent-hours"))
    assert after > before


def test_an_edit_in_adjust_changes_the_kpis_at_once_without_a_solve(
    make_app: MakeApp, sample_plan: Plan
) -> None:
    at = make_app(sample_plan)
    at.switch_page("ui/adjust.py").run()
    before = number(metric(at, "paid hours"))
    shown = at.data_editor[0].value
    gone = shown.iloc[[0, 1]]
    assert set(gone["date"]) == {SAMPLE_WEEK}
    at.session_state["shift_editor_0"] = {
        "edited_rows": {},
        "added_rows": [],
        "deleted_rows": [0, 1],
    }
    at.run()
    assert not at.exception
    assert at.session_state["solve_job"] is None  # no solve was started
    history = at.session_state["edits"]
    assert len(history.steps) == 2
    after = number(metric(at, "paid hours"))
    assert after == pytest.approx(before - float(gone["paid_hours"].sum()))
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["paid hours"] == f"{after - before:+,.1f} h"
    phone = next(m for m in at.metric if m.label == "phone")
    assert phone.delta.startswith("-")  # fewer phone agents, lower service level
    at.button(key="undo_edit").click().run()
    assert len(at.session_state["edits"].steps) == 1


def test_a_locked_shift_survives_re_optimisation(
    make_app: MakeApp, sample_plan: Plan
) -> None:
    at = make_app(sample_plan)
    at.switch_page("ui/adjust.py").run()
    first = at.data_editor[0].value.iloc[0]
    agent, date = str(first["agent_id"]), first["date"]
    at.session_state["shift_editor_0"] = {
        "edited_rows": {0: {"start": "09:00:00.000", "end": "17:00:00.000"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    locked_roster = at.session_state["edits"].roster
    assert edit.locked_shifts(locked_roster) == [(agent, date)]
    at.button(key="reoptimise").click().run()
    assert at.session_state["solve_job"] is not None
    wait_for_solve(at)
    assert not at.exception
    plan = at.session_state["plan"]
    assert plan is not sample_plan
    kept = plan.roster.loc[
        (plan.roster["agent_id"] == agent) & (plan.roster["date"] == date)
    ]
    assert kept["start"].min().strftime("%H:%M") == "09:00"
    assert kept["end"].max().strftime("%H:%M") == "17:00"
    assert edit.same_shifts(plan.roster, locked_roster, [(agent, date)])
    assert edit.locked_shifts(plan.roster) == [(agent, date)]
    assert plan.kpis["audit"]["locks"] == 0


def test_the_deflection_slider_moves_phone_and_chat_requirements(
    make_app: MakeApp, sample_plan: Plan
) -> None:
    at = make_app(sample_plan)
    at.switch_page("ui/whatif.py").run()
    phone_before = number(metric(at, "phone agent-hours"))
    chat_before = number(metric(at, "chat agent-hours"))
    at.slider(key="deflection_pct").set_value(20).run()
    assert not at.exception
    phone_after = number(metric(at, "phone agent-hours"))
    chat_after = number(metric(at, "chat agent-hours"))
    assert phone_after < phone_before
    assert chat_after > chat_before
    inputs = ScenarioInputs(
        centre=sample_plan.centre,
        agents=sample_plan.agents,
        forecast=sample_plan.forecast,
        week_start=sample_plan.week_start,
    )
    moved = Deflection(rate=0.2).apply(inputs)
    requirements = compute_requirements(moved.forecast, moved.centre)
    interval_s = sample_plan.centre.interval_s
    assert phone_after == round(agent_hours(requirements, "phone", interval_s))
    assert chat_after == round(agent_hours(requirements, "chat", interval_s))
    table = next(f.value for f in at.dataframe if "figure" in f.value.columns)
    assert list(table.columns)[:3] == ["figure", "base plan", "scenario, roster kept"]
    rows = table.set_index("figure")
    # the same roster serves more chats: chat gets cheaper per contact, phone dearer
    chat = rows.loc["chat: cost per contact"]
    phone = rows.loc["phone: cost per contact"]
    assert money(chat["scenario, roster kept"]) < money(chat["base plan"])
    assert money(phone["scenario, roster kept"]) > money(phone["base plan"])


def money(text: str) -> float:
    """A shown amount as a number: ``"4.32 EUR"``."""
    return float(text.split()[0].replace(",", ""))


def test_upload_errors_are_shown_per_file_and_row(make_app: MakeApp) -> None:
    at = make_app()
    at.switch_page("ui/data.py").run()
    bad_agents = (
        b"agent_id,name,contract,skills,site\n"
        b"Z1,Ada,full_time,phone,contact_centre\n"
        b"Z2,Bo,full_time,fax,contact_centre\n"
    )
    uploader = next(u for u in at.get("file_uploader") if "agents.csv" in u.label)
    uploader.upload("agents.csv", bad_agents, "text/csv").run()
    assert not at.exception
    messages = [e.value for e in at.error]
    assert "Your files were not used; fix these and upload again:" in messages
    assert any(
        m.startswith("agents.csv: line 3: skill 'fax' of agent Z2 is not a channel")
        for m in messages
    )
    assert len(at.session_state["agents"]) == 120  # the sample's agents stay


def test_good_uploads_replace_the_sample(make_app: MakeApp) -> None:
    at = make_app()
    at.switch_page("ui/data.py").run()
    agents = (
        b"agent_id,name,contract,skills,site\n"
        b"Z1,Ada,full_time,phone;chat,contact_centre\n"
        b"Z2,Bo,part_time_30,email,contact_centre\n"
    )
    uploader = next(u for u in at.get("file_uploader") if "agents.csv" in u.label)
    uploader.upload("agents.csv", agents, "text/csv").run()
    assert not at.exception
    assert list(at.session_state["agents"]["agent_id"]) == ["Z1", "Z2"]
    assert at.session_state["sources"]["agents.csv"] == "your agents.csv"


def test_plans_are_saved_opened_and_deleted(
    make_app: MakeApp, sample_plan: Plan
) -> None:
    at = make_app(sample_plan)
    at.switch_page("ui/plans.py").run()
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "roster.csv",
        "Excel (.xlsx)",
        "Calendars (.zip)",
        "CSV files (.zip)",
        "Plan (.json)",
    ]
    at.text_input(key="save_author").input("Sanna")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    saved_id = at.session_state["opened_plan_id"]
    assert any(f"Saved as {saved_id}." == s.value for s in at.success)
    listed = next(f.value for f in at.dataframe if "id" in f.value.columns)
    assert list(listed["id"]) == [saved_id]
    assert listed["author"].iloc[0] == "Sanna"
    at.button(key="open_button").click().run()
    opened = at.session_state["plan"]
    assert opened.roster[["agent_id", "date", "start", "end"]].equals(
        sample_plan.roster[["agent_id", "date", "start", "end"]]
    )
    at.checkbox(key="delete_sure").check().run()
    at.button(key="delete_button").click().run()
    assert any(f"Deleted {saved_id}." == s.value for s in at.success)
    assert not [f for f in at.dataframe if "id" in f.value.columns]


def test_two_saved_plans_are_compared_figure_by_figure(
    make_app: MakeApp, sample_plan: Plan
) -> None:
    from scheduler.store import PlanStore

    edited = edit.edited_plan(
        sample_plan,
        edit.EditHistory(sample_plan.roster).then(
            edit.delete_shift(sample_plan.roster, "A001", SAMPLE_WEEK)
        ),
    )
    with PlanStore.from_environment() as store:
        first = store.save(sample_plan)
        second = store.save(dataclasses.replace(edited, name="without A001 Monday"))
    at = make_app(sample_plan)
    at.switch_page("ui/plans.py").run()
    at.selectbox(key="compare_a").select(first)
    at.selectbox(key="compare_b").select(second).run()
    assert not at.exception
    shifts = next(f.value for f in at.dataframe if "old_start" in f.value.columns)
    assert shifts[["agent_id", "change"]].to_dict("records") == [
        {"agent_id": "A001", "change": "removed"}
    ]
    figures = next(f.value for f in at.dataframe if "kpi" in f.value.columns)
    paid = figures.loc[
        (figures["scope"] == "overall") & (figures["kpi"] == "paid_hours")
    ]
    table = edit.shift_table(
        sample_plan.roster,
        RosterInputs(
            centre=sample_plan.centre,
            agents=sample_plan.agents,
            week_start=SAMPLE_WEEK,
        ),
    )
    removed = table.loc[(table["agent_id"] == "A001") & (table["date"] == SAMPLE_WEEK)]
    assert float(paid["change"].iloc[0]) == pytest.approx(
        -float(removed["paid_hours"].iloc[0])
    )


@pytest.mark.slow
def test_a_re_planned_scenario_stands_beside_the_base_plan(
    make_app: MakeApp, sample_plan: Plan
) -> None:
    at = make_app(sample_plan)
    at.switch_page("ui/whatif.py").run()
    at.slider(key="deflection_pct").set_value(20).run()
    at.button(key="whatif_replan").click().run()
    assert at.session_state["solve_job"] is not None
    wait_for_solve(at)
    assert not at.exception
    replanned = at.session_state["scenario_plan"]
    assert replanned is not None
    assert replanned.changes[0]["kind"] == "deflection"
    assert replanned.changes[0]["rate"] == 0.2
    assert at.session_state["plan"] is sample_plan  # the base plan stays
    table = next(f.value for f in at.dataframe if "figure" in f.value.columns)
    assert list(table.columns) == [
        "figure",
        "base plan",
        "scenario, roster kept",
        "scenario, re-planned",
    ]
    paid = table.loc[table["figure"] == "paid hours", "scenario, re-planned"].iloc[0]
    assert paid == f"{replanned.kpis['overall']['paid_hours']:,.1f} h"
