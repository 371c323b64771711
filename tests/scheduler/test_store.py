"""The plan store: round trips, listing, differences, the audit trail, crashes and
schema migrations."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import event, inspect

import scheduler.store as store_module
from scheduler.evaluate import evaluate_roster
from scheduler.exceptions import InvalidInputError
from scheduler.plan import KPIS_FILE, Plan, load_plan_dir, plan_files, write_plan_dir
from scheduler.store import (
    SCHEMA_VERSION,
    PlanStore,
    default_store_path,
    describe_changes,
    describe_roster_change,
    roster_diff,
)

TUESDAY = dt.date(2026, 2, 3)
WEDNESDAY = dt.date(2026, 2, 4)
HOUR = pd.Timedelta(hours=1)


def _url(path: Path) -> str:
    return f"sqlite:///{path}"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "plans.db"


@pytest.fixture
def store(db: Path) -> PlanStore:
    return PlanStore(_url(db))


def _first_agent_on(roster: pd.DataFrame, day: dt.date) -> str:
    return str(roster.loc[roster["date"] == day, "agent_id"].min())


def _shift(roster: pd.DataFrame, agent: str, day: dt.date) -> pd.Series:
    return (roster["agent_id"] == agent) & (roster["date"] == day)


def _scheduled(plan: Plan, channel: str) -> pd.Series:
    """Agents scheduled on ``channel`` per interval start, from the evaluation."""
    coverage = plan.evaluation.coverage
    mine = coverage.loc[coverage["channel"] == channel]
    return mine.set_index("interval_start")["scheduled"]


def _work_channels(rows: pd.DataFrame) -> str:
    return ";".join(sorted(set(rows.loc[rows["activity"] == "work", "channel"])))


@pytest.fixture(scope="module")
def moved_plan(sample_plan: Plan) -> Plan:
    """The sample plan with one agent's Tuesday shift an hour later, re-evaluated."""
    roster = sample_plan.roster.copy()
    rows = _shift(roster, _first_agent_on(roster, TUESDAY), TUESDAY)
    roster.loc[rows, "start"] += HOUR
    roster.loc[rows, "end"] += HOUR
    evaluation = evaluate_roster(
        roster, sample_plan.requirements, sample_plan.centre, sample_plan.agents
    )
    return dataclasses.replace(
        sample_plan, roster=roster, evaluation=evaluation, name="Tuesday moved"
    )


def _assert_same_plan(back: Plan, plan: Plan) -> None:
    """Every part equal, frames exactly."""
    assert back.centre == plan.centre
    assert (back.week_start, back.name, back.changes, back.created_at) == (
        plan.week_start,
        plan.name,
        plan.changes,
        plan.created_at,
    )
    assert back.kpis == plan.kpis
    for part in (
        "agents",
        "forecast",
        "requirements",
        "roster",
        "coverage",
        "bent_rules",
        "violations",
        "findings",
    ):
        pd.testing.assert_frame_equal(
            getattr(back, part), getattr(plan, part), check_exact=True, obj=part
        )
    if plan.availability is None:
        assert back.availability is None
    else:
        assert back.availability is not None
        pd.testing.assert_frame_equal(back.availability, plan.availability)


def test_a_saved_plan_loads_back_equal_to_what_was_saved(
    sample_plan: Plan, store: PlanStore, tmp_path: Path
) -> None:
    first = _first_agent_on(sample_plan.roster, TUESDAY)
    availability = pd.DataFrame(
        {
            "agent_id": [first],
            "date": [TUESDAY],
            "from": [13 * 60],
            "to": [24 * 60],
            "kind": ["prefer_off"],
        }
    )
    changes = (
        {"kind": "volume", "channel": "phone", "factor": 1.1},
        {"kind": "deflection", "rate": 0.2, "from_channel": "phone"},
    )
    plan = dataclasses.replace(
        sample_plan, availability=availability, changes=changes, name="10 % more"
    )
    back = store.load(store.save(plan))
    # Exactly what the plan folder gives back: the store keeps the same files.
    write_plan_dir(plan, tmp_path / "folder")
    _assert_same_plan(back, load_plan_dir(tmp_path / "folder"))
    # And the plan itself: the roster and agents exactly, the figures to the six
    # significant digits of the CSV files, the KPIs exactly (JSON keeps floats).
    assert back.centre == plan.centre
    assert back.kpis == plan.kpis
    assert back.changes == changes
    assert back.created_at == plan.created_at
    assert back.week_start == dt.date(2026, 2, 2)
    pd.testing.assert_frame_equal(
        back.roster.drop(columns="locked"), plan.roster.reset_index(drop=True)
    )
    assert not back.roster["locked"].any()
    pd.testing.assert_frame_equal(back.agents, plan.agents.reset_index(drop=True))
    assert back.availability is not None
    pd.testing.assert_frame_equal(back.availability, availability)
    for part in ("forecast", "requirements", "coverage"):
        original = getattr(plan, part).reset_index(drop=True)
        pd.testing.assert_frame_equal(
            getattr(back, part)[original.columns],
            original,
            rtol=1e-5,
            check_dtype=False,  # a whole-number float column reads back as int
            obj=part,
        )


def test_plan_ids_are_short_name_the_week_and_never_repeat(
    sample_plan: Plan, store: PlanStore
) -> None:
    ids = [store.save(sample_plan) for _ in range(3)]
    assert len(set(ids)) == 3
    for plan_id in ids:
        assert plan_id.startswith("2026w06-")
        assert len(plan_id) == len("2026w06-") + 4
        int(plan_id.removeprefix("2026w06-"), 16)
    assert list(store.list()["id"]) == ids


def test_the_list_holds_each_plans_week_kpis_and_changes(
    sample_plan: Plan, moved_plan: Plan, store: PlanStore
) -> None:
    assert store.list().empty
    scenario = dataclasses.replace(
        moved_plan, changes=({"kind": "volume", "channel": "phone", "factor": 1.1},)
    )
    a = store.save(sample_plan, author="Aino", note="first draft")
    b = store.save(scenario)
    listed = store.list().set_index("id")
    assert list(listed.index) == [a, b]
    assert listed.loc[a, "name"] == "sample week"
    assert listed.loc[a, "week_start"] == dt.date(2026, 2, 2)
    assert listed.loc[a, "author"] == "Aino"
    assert listed.loc[b, "changes"] == "volume: channel=phone, factor=1.1"
    assert listed.loc[a, "changes"] == ""
    for plan_id, plan in ((a, sample_plan), (b, scenario)):
        overall = plan.kpis["overall"]
        assert listed.loc[plan_id, "paid_hours"] == overall["paid_hours"]
        assert listed.loc[plan_id, "cost"] == overall["cost"]
        assert listed.loc[plan_id, "currency"] == "EUR"
        assert listed.loc[plan_id, "violations"] == len(plan.violations) == 0
        for channel, figures in plan.kpis["channels"].items():
            level = listed.loc[plan_id, f"service_level.{channel}"]
            assert level == figures["service_level"]
    assert listed.loc[a, "created_at"] == pd.Timestamp(sample_plan.created_at)
    assert listed.loc[a, "saved_at"] <= listed.loc[b, "saved_at"]
    assert store.info(a)["note"] == "first draft"


def test_the_diff_finds_exactly_the_shift_moved_by_hand_and_the_kpi_changes(
    sample_plan: Plan, moved_plan: Plan, store: PlanStore
) -> None:
    a, b = store.save(sample_plan), store.save(moved_plan)
    diff = store.diff(a, b)
    assert (diff.a, diff.b) == (a, b)
    agent = _first_agent_on(sample_plan.roster, TUESDAY)
    before = sample_plan.roster.loc[_shift(sample_plan.roster, agent, TUESDAY)]
    assert len(diff.roster) == 1
    row = diff.roster.iloc[0]
    assert (row["agent_id"], row["date"], row["change"]) == (agent, TUESDAY, "moved")
    assert row["old_start"] == before["start"].min()
    assert row["old_end"] == before["end"].max()
    assert row["new_start"] == before["start"].min() + HOUR
    assert row["new_end"] == before["end"].max() + HOUR
    channels = _work_channels(before)
    assert row["old_channels"] == row["new_channels"] == channels
    # Every figure's change is b's figure minus a's, as stored in kpis.json.
    kpis = diff.kpis.set_index(["scope", "kpi"])
    old_kpis, new_kpis = sample_plan.kpis, moved_plan.kpis
    scopes = {
        "overall": (old_kpis["overall"], new_kpis["overall"]),
        **{
            name: (figures, new_kpis["channels"][name])
            for name, figures in old_kpis["channels"].items()
        },
    }
    compared = 0
    for scope, (old, new) in scopes.items():
        for key, value in old.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            assert kpis.loc[(scope, key), "a"] == value
            assert kpis.loc[(scope, key), "b"] == new[key]
            assert kpis.loc[(scope, key), "change"] == new[key] - value
            compared += 1
    assert compared > 40
    # The moved hour takes an agent off the channel in the shift's first hour and
    # adds one after its end; the hours are the same, so paid hours are not.
    channel = before.loc[before["activity"] == "work", "channel"].iloc[0]
    start, end = before["start"].min(), before["end"].max()
    change = _scheduled(moved_plan, channel) - _scheduled(sample_plan, channel)
    assert change[(change.index >= start) & (change.index < start + HOUR)].eq(-1).all()
    assert change[(change.index >= end) & (change.index < end + HOUR)].eq(1).all()
    # The first and the last hour, and each break moved an hour with the shift
    # (more than an hour apart on the sample centre): netting to none.
    off = before.loc[before["activity"] != "work"]
    quarters = int(((off["end"] - off["start"]).sum()) / pd.Timedelta(minutes=15))
    assert (change.abs().sum(), change.sum()) == (8 + 2 * quarters, 0)
    assert kpis.loc[("overall", "paid_hours"), "change"] == 0
    # The audit counts exist in the solved plan only.
    assert math.isnan(kpis.loc[("audit", "rest"), "b"])
    same = store.diff(a, a)
    assert same.same_roster
    assert (same.kpis["change"].dropna() == 0).all()


def test_the_roster_diff_names_added_removed_and_changed_shifts(
    sample_plan: Plan,
) -> None:
    roster = sample_plan.roster
    gone = _first_agent_on(roster, WEDNESDAY)
    cut = str(roster.loc[roster["date"] == WEDNESDAY, "agent_id"].max())
    old_gone = roster.loc[_shift(roster, gone, WEDNESDAY)]
    old_cut = roster.loc[_shift(roster, cut, WEDNESDAY)]
    # Remove one agent's Wednesday; end another's Wednesday a segment early.
    last = old_cut["end"].idxmax()
    edited = roster.drop(index=[*old_gone.index, last])
    diff = roster_diff(roster, edited)
    assert list(diff["agent_id"]) == [gone, cut]
    assert list(diff["change"]) == ["removed", "changed"]
    assert diff["old_start"].tolist() == [
        old_gone["start"].min(),
        old_cut["start"].min(),
    ]
    assert pd.isna(diff.loc[0, "new_start"])
    assert diff.loc[1, "new_start"] == old_cut["start"].min()
    assert diff.loc[1, "new_end"] == old_cut.loc[last, "start"]
    assert diff.loc[1, "old_end"] == old_cut.loc[last, "end"]
    back = roster_diff(edited, roster)
    assert list(back["change"]) == ["added", "changed"]
    assert back.loc[0, "new_end"] == old_gone["end"].max()
    start, end = old_gone["start"].min(), old_gone["end"].max()
    span = f"{start:%H:%M}-{end:%H:%M} ({_work_channels(old_gone)})"
    assert (
        describe_roster_change(diff.iloc[0]) == f"{gone} Wed 2026-02-04: removed {span}"
    )
    assert (
        describe_roster_change(back.iloc[0]) == f"{gone} Wed 2026-02-04: added {span}"
    )
    assert roster_diff(roster, roster.sample(frac=1.0, random_state=1)).empty


def test_the_audit_trail_keeps_who_changed_what_when_and_why_in_order(
    sample_plan: Plan, store: PlanStore
) -> None:
    plan_id = store.save(sample_plan)
    assert store.edits(plan_id).empty
    noon = dt.datetime(2026, 1, 28, 12, 0, tzinfo=dt.UTC)
    helsinki = dt.timezone(dt.timedelta(hours=2))
    entries = [
        (noon + 2 * HOUR, "Maija", "locked A001's Tuesday", "agreed with A001"),
        (noon, "Aino", "chat target 85 %", "campaign week"),
        (
            dt.datetime(2026, 1, 28, 15, 0, tzinfo=helsinki),
            "Aino",
            "moved A002 to 10:00",
            "dentist",
        ),
    ]
    for at, author, change, reason in entries:
        store.record_edit(plan_id, author=author, change=change, reason=reason, at=at)
    trail = store.edits(plan_id)
    assert list(trail.columns) == ["at", "author", "change", "reason"]
    assert list(trail["author"]) == ["Aino", "Aino", "Maija"]
    assert list(trail["change"]) == [
        "chat target 85 %",
        "moved A002 to 10:00",
        "locked A001's Tuesday",
    ]
    assert list(trail["reason"]) == ["campaign week", "dentist", "agreed with A001"]
    assert list(trail["at"]) == [
        pd.Timestamp("2026-01-28T12:00Z"),
        pd.Timestamp("2026-01-28T13:00Z"),
        pd.Timestamp("2026-01-28T14:00Z"),
    ]
    before = dt.datetime.now(dt.UTC)
    store.record_edit(plan_id, author="Aino", change="re-saved", reason="check")
    assert store.edits(plan_id)["at"].iloc[-1] >= pd.Timestamp(before)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"author": " "}, "author is empty"),
        ({"reason": ""}, "reason is empty"),
        ({"at": dt.datetime(2026, 1, 28, 12)}, "has no time zone"),
    ],
)
def test_an_edit_without_author_reason_or_time_zone_is_refused(
    sample_plan: Plan, store: PlanStore, edit: dict[str, Any], message: str
) -> None:
    plan_id = store.save(sample_plan)
    entry: dict[str, Any] = {"author": "Aino", "change": "x", "reason": "y", **edit}
    with pytest.raises(InvalidInputError, match=message):
        store.record_edit(plan_id, **entry)
    assert store.edits(plan_id).empty


def test_a_revision_records_its_parent_and_each_changed_shift_in_the_trail(
    sample_plan: Plan, moved_plan: Plan, store: PlanStore
) -> None:
    parent = store.save(sample_plan)
    at = dt.datetime(2026, 1, 29, 9, 30, tzinfo=dt.UTC)
    revision = store.save_revision(
        parent, moved_plan, author="Maija", reason="A001 asked to start later", at=at
    )
    assert store.info(revision)["parent_id"] == parent
    assert store.info(revision)["author"] == "Maija"
    assert store.list().set_index("id").loc[revision, "parent_id"] == parent
    agent = _first_agent_on(sample_plan.roster, TUESDAY)
    before = sample_plan.roster.loc[_shift(sample_plan.roster, agent, TUESDAY)]
    start, end = before["start"].min(), before["end"].max()
    channels = _work_channels(before)
    trail = store.edits(revision)
    assert trail.to_dict("records") == [
        {
            "at": pd.Timestamp(at),
            "author": "Maija",
            "change": f"{agent} Tue 2026-02-03: moved {start:%H:%M}-{end:%H:%M} "
            f"({channels}) -> {start + HOUR:%H:%M}-{end + HOUR:%H:%M} ({channels})",
            "reason": "A001 asked to start later",
        }
    ]
    assert store.edits(parent).empty


def test_deleting_a_plan_removes_it_and_its_trail_and_keeps_its_revisions(
    sample_plan: Plan, moved_plan: Plan, store: PlanStore, db: Path
) -> None:
    parent = store.save(sample_plan)
    store.record_edit(parent, author="Aino", change="x", reason="y")
    revision = store.save_revision(parent, moved_plan, author="Aino", reason="z")
    store.delete(parent)
    assert list(store.list()["id"]) == [revision]
    assert store.info(revision)["parent_id"] is None
    assert len(store.edits(revision)) == 1
    with sqlite3.connect(db) as raw:
        for table in ("plan_files", "plan_channels", "edits"):
            left = raw.execute(
                f"SELECT count(*) FROM {table} WHERE plan_id = ?", (parent,)
            ).fetchone()
            assert left == (0,), table
    with pytest.raises(InvalidInputError, match=parent):
        store.load(parent)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.load("2026w06-ffff"),
        lambda s: s.edits("2026w06-ffff"),
        lambda s: s.delete("2026w06-ffff"),
        lambda s: s.info("2026w06-ffff"),
        lambda s: s.record_edit("2026w06-ffff", author="a", change="b", reason="c"),
    ],
)
def test_an_unknown_id_is_named_with_where_to_find_the_ids(
    store: PlanStore, call: Any
) -> None:
    with pytest.raises(
        InvalidInputError, match=r"no plan '2026w06-ffff'.*`vuoro plans list`"
    ):
        call(store)


def test_a_diff_or_revision_of_an_unknown_plan_is_refused(
    sample_plan: Plan, store: PlanStore
) -> None:
    known = store.save(sample_plan)
    with pytest.raises(InvalidInputError, match="no plan 'nope'"):
        store.diff(known, "nope")
    with pytest.raises(InvalidInputError, match="no plan 'nope'"):
        store.save(sample_plan, parent_id="nope")
    assert list(store.list()["id"]) == [known]


def test_a_save_that_fails_midway_leaves_the_store_as_it_was(
    sample_plan: Plan, moved_plan: Plan, store: PlanStore, db: Path
) -> None:
    kept = [store.save(sample_plan), store.save(moved_plan)]

    def fail_on_files(
        conn: Any, cursor: Any, statement: str, *args: Any, **kwargs: Any
    ) -> None:
        if statement.startswith("INSERT INTO plan_files"):
            raise OSError("disk unplugged")

    event.listen(store.engine, "before_cursor_execute", fail_on_files)
    with pytest.raises(OSError, match="disk unplugged"):
        store.save(moved_plan)
    event.remove(store.engine, "before_cursor_execute", fail_on_files)
    assert list(store.list()["id"]) == kept
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT count(*) FROM plans").fetchone() == (2,)
        assert raw.execute(
            "SELECT count(DISTINCT plan_id) FROM plan_channels"
        ).fetchone() == (2,)
    assert store.load(kept[0]).kpis == sample_plan.kpis
    assert store.load(kept[1]).kpis == moved_plan.kpis


_CRASHING_SAVE = """
import os, sys
from sqlalchemy import event
from scheduler.plan import load_plan_dir
from scheduler.store import PlanStore

store = PlanStore(sys.argv[1])
plan = load_plan_dir(sys.argv[2])

def die(conn, cursor, statement, *args):
    if statement.startswith("INSERT INTO plan_files"):
        os._exit(17)  # killed: no rollback, no close, files half written

event.listen(store.engine, "after_cursor_execute", die)
store.save(plan)
"""


def test_a_process_killed_in_the_middle_of_a_save_loses_nothing(
    sample_plan: Plan, moved_plan: Plan, db: Path, tmp_path: Path
) -> None:
    store = PlanStore(_url(db))
    kept = [store.save(sample_plan), store.save(moved_plan)]
    store.close()
    write_plan_dir(moved_plan, tmp_path / "folder")
    killed = subprocess.run(
        [sys.executable, "-c", _CRASHING_SAVE, _url(db), str(tmp_path / "folder")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert killed.returncode == 17, killed.stderr
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("SELECT count(*) FROM plans").fetchone() == (2,)
        assert raw.execute("SELECT count(*) FROM plan_files").fetchone()[0] == len(
            plan_files(sample_plan)
        ) + len(plan_files(moved_plan))
    reopened = PlanStore(_url(db))
    assert list(reopened.list()["id"]) == kept
    assert reopened.load(kept[0]).kpis == sample_plan.kpis
    assert reopened.load(kept[1]).kpis == moved_plan.kpis
    assert reopened.save(sample_plan) not in kept


def test_two_stores_on_one_file_see_each_others_plans(
    sample_plan: Plan, db: Path
) -> None:
    writer, reader = PlanStore(_url(db)), PlanStore(_url(db))
    assert reader.list().empty
    plan_id = writer.save(sample_plan)
    assert list(reader.list()["id"]) == [plan_id]
    assert reader.load(plan_id).kpis == sample_plan.kpis


#: The first schema, as version 1 of vuoro created it.
_VERSION_1_DDL = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE plans (
    id VARCHAR(32) NOT NULL,
    name TEXT NOT NULL,
    week_start VARCHAR(10) NOT NULL,
    created_at DATETIME NOT NULL,
    saved_at DATETIME NOT NULL,
    changes TEXT NOT NULL,
    paid_hours FLOAT,
    cost FLOAT,
    currency VARCHAR(8),
    violations INTEGER NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_plans_week_start ON plans (week_start);
CREATE TABLE plan_files (
    plan_id VARCHAR(32) NOT NULL,
    name VARCHAR(64) NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (plan_id, name),
    FOREIGN KEY(plan_id) REFERENCES plans (id) ON DELETE CASCADE
);
INSERT INTO schema_version (version) VALUES (1);
"""


def _version_1_database(db: Path, plan: Plan, plan_id: str) -> None:
    overall = plan.kpis["overall"]
    with sqlite3.connect(db) as raw:
        raw.executescript(_VERSION_1_DDL)
        raw.execute(
            "INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                plan_id,
                plan.name,
                plan.week_start.isoformat(),
                "2026-01-26 08:00:00.000000",
                "2026-01-26 08:00:01.000000",
                "",
                overall["paid_hours"],
                overall["cost"],
                overall["currency"],
                0,
            ),
        )
        raw.executemany(
            "INSERT INTO plan_files VALUES (?, ?, ?)",
            [(plan_id, name, text) for name, text in plan_files(plan).items()],
        )


def _columns(db: Path) -> dict[str, list[str]]:
    check = PlanStore(_url(db))
    found = inspect(check.engine)
    out = {
        table: [column["name"] for column in found.get_columns(table)]
        for table in found.get_table_names()
    }
    check.close()
    return out


def test_a_version_1_database_is_migrated_and_its_plans_still_load(
    sample_plan: Plan, db: Path, tmp_path: Path
) -> None:
    _version_1_database(db, sample_plan, "2026w06-0001")
    store = PlanStore(_url(db))
    assert store.schema_version() == SCHEMA_VERSION == 2
    listed = store.list()
    assert list(listed["id"]) == ["2026w06-0001"]
    # Version 2's channel figures were filled from the stored kpis.json.
    for channel, figures in sample_plan.kpis["channels"].items():
        assert listed[f"service_level.{channel}"].iloc[0] == figures["service_level"]
    assert listed["parent_id"].iloc[0] is None
    assert listed["saved_at"].iloc[0] == pd.Timestamp("2026-01-26T08:00:01Z")
    assert store.load("2026w06-0001").kpis == sample_plan.kpis
    store.record_edit("2026w06-0001", author="Aino", change="x", reason="y")
    assert list(store.edits("2026w06-0001")["author"]) == ["Aino"]
    revision = store.save(sample_plan, parent_id="2026w06-0001")
    assert store.info(revision)["parent_id"] == "2026w06-0001"
    # The migrated tables are those of a new store and those the queries use.
    fresh = tmp_path / "fresh.db"
    assert _columns(db) == _columns(fresh)
    assert _columns(db) == {
        name: [c.name for c in table.columns]
        for name, table in store_module._METADATA.tables.items()
    }


def test_a_migration_that_fails_leaves_the_database_at_its_old_version(
    sample_plan: Plan, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _version_1_database(db, sample_plan, "2026w06-0001")

    def broken_step(conn: Any) -> None:
        store_module._version_1_to_2(conn)
        raise RuntimeError("power cut during the migration")

    monkeypatch.setattr(
        store_module, "MIGRATIONS", (store_module._create_version_1, broken_step)
    )
    with pytest.raises(RuntimeError, match="power cut"):
        PlanStore(_url(db))
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
        columns = [row[1] for row in raw.execute("PRAGMA table_info(plans)")]
        assert "parent_id" not in columns
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
        assert "edits" not in tables
    monkeypatch.undo()
    assert PlanStore(_url(db)).load("2026w06-0001").kpis == sample_plan.kpis


def test_a_database_of_a_newer_vuoro_is_refused_untouched(db: Path) -> None:
    PlanStore(_url(db)).close()
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE schema_version SET version = 3")
    with pytest.raises(
        InvalidInputError, match=r"schema version 3, newer than this vuoro knows \(2\)"
    ):
        PlanStore(_url(db))
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(3,)]


def test_the_default_store_is_a_sqlite_file_in_the_users_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("VUORO_DATABASE_URL")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_store_path() == tmp_path / "data" / "vuoro" / "plans.db"
    store = PlanStore.from_environment()
    assert (tmp_path / "data" / "vuoro" / "plans.db").is_file()
    assert store.url == f"sqlite:///{tmp_path / 'data' / 'vuoro' / 'plans.db'}"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_store_path() == tmp_path / "home/.local/share/vuoro/plans.db"


def test_the_environment_url_chooses_the_database(
    monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    monkeypatch.setenv("VUORO_DATABASE_URL", _url(db))
    assert PlanStore.from_environment().url == _url(db)
    assert db.is_file()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("plans.db", "is not a database URL"),
        ("nosuchdb://host/plans", "no driver"),
        ("postgresql+nosuchdriver://me@host/vuoro", "no driver"),
        ("sqlite:////no/such/folder/plans.db", "cannot open the plan store"),
    ],
)
def test_a_bad_database_url_says_what_to_fix(url: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        PlanStore(url)


def test_scenario_changes_read_as_one_line() -> None:
    assert describe_changes(()) == ""
    assert (
        describe_changes(
            (
                {"kind": "volume", "channel": "phone", "factor": 1.1},
                {"kind": "remove_agents", "agent_ids": ["A001", "A002"]},
                {"share": 0.2},
            )
        )
        == "volume: channel=phone, factor=1.1; remove_agents: agent_ids=['A001', "
        "'A002']; share=0.2"
    )


def test_a_stored_plan_missing_a_file_is_named_in_the_error(
    sample_plan: Plan, store: PlanStore, db: Path
) -> None:
    plan_id = store.save(sample_plan)
    with sqlite3.connect(db) as raw:
        raw.execute(
            "DELETE FROM plan_files WHERE plan_id = ? AND name = ?",
            (plan_id, KPIS_FILE),
        )
    with pytest.raises(InvalidInputError, match=rf"plan {plan_id}/kpis\.json"):
        store.load(plan_id)
