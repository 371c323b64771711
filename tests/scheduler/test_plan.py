"""A plan as one value, and its folder on disk."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from scheduler.exceptions import InvalidInputError
from scheduler.plan import (
    KPIS_FILE,
    PLAN_FILE,
    ROSTER_FILE,
    Plan,
    load_plan_dir,
    write_plan_dir,
)


def test_a_solved_sample_plan_is_audited_and_evaluated(sample_plan: Plan) -> None:
    assert sample_plan.violations.empty
    assert set(sample_plan.kpis["channels"]) == {
        "phone",
        "chat",
        "email",
        "face_to_face",
    }
    assert sample_plan.forecast["interval_start"].dt.tz is not None
    assert sample_plan.roster["agent_id"].nunique() > 60


def test_a_plan_folder_reads_back_equal_to_what_was_written(
    sample_plan: Plan, tmp_path: Path
) -> None:
    write_plan_dir(sample_plan, tmp_path)
    back = load_plan_dir(tmp_path)
    assert back.centre == sample_plan.centre
    assert back.week_start == sample_plan.week_start
    assert back.name == "sample week"
    assert back.kpis == sample_plan.kpis
    pd.testing.assert_frame_equal(
        back.roster.drop(columns="locked").reset_index(drop=True),
        sample_plan.roster.reset_index(drop=True),
    )
    pd.testing.assert_frame_equal(
        back.agents.reset_index(drop=True), sample_plan.agents.reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        back.forecast[["channel", "interval_start", "contacts", "aht_seconds"]],
        sample_plan.forecast[["channel", "interval_start", "contacts", "aht_seconds"]],
        rtol=1e-5,
    )
    pd.testing.assert_series_equal(
        back.requirements["required"], sample_plan.requirements["required"]
    )
    assert back.created_at == sample_plan.created_at


def test_availability_round_trips_as_clock_times(
    sample_plan: Plan, tmp_path: Path
) -> None:
    first = sample_plan.agents["agent_id"].iloc[0]
    availability = pd.DataFrame(
        {
            "agent_id": [first, first],
            "date": [sample_plan.week_start] * 2,
            "from": [0, 13 * 60],
            "to": [9 * 60 + 30, 24 * 60],
            "kind": ["unavailable", "prefer_off"],
        }
    )
    plan = dataclasses.replace(sample_plan, availability=availability)
    write_plan_dir(plan, tmp_path)
    text = (tmp_path / "availability.csv").read_text(encoding="utf-8")
    assert "00:00,09:30,unavailable" in text
    assert "13:00,24:00,prefer_off" in text
    back = load_plan_dir(tmp_path)
    assert back.availability is not None
    pd.testing.assert_frame_equal(back.availability, availability)


def test_a_write_that_fails_leaves_the_earlier_plan_intact(
    sample_plan: Plan, tmp_path: Path
) -> None:
    write_plan_dir(sample_plan, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    kpis = {**sample_plan.kpis, "overall": {"cost": float("nan")}}
    broken = dataclasses.replace(
        sample_plan,
        roster=sample_plan.roster.iloc[:10],
        evaluation=dataclasses.replace(sample_plan.evaluation, kpis=kpis),
    )
    with pytest.raises(ValueError, match="not JSON compliant"):
        write_plan_dir(broken, tmp_path)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before


def test_a_folder_without_its_roster_is_named_in_the_error(
    sample_plan: Plan, tmp_path: Path
) -> None:
    write_plan_dir(sample_plan, tmp_path)
    (tmp_path / ROSTER_FILE).unlink()
    with pytest.raises(InvalidInputError, match=r"roster\.csv: no such file"):
        load_plan_dir(tmp_path)


def test_a_newer_format_version_asks_for_an_upgrade(
    sample_plan: Plan, tmp_path: Path
) -> None:
    write_plan_dir(sample_plan, tmp_path)
    meta = (tmp_path / PLAN_FILE).read_text(encoding="utf-8")
    (tmp_path / PLAN_FILE).write_text(
        meta.replace('"format_version": 1', '"format_version": 99'), encoding="utf-8"
    )
    with pytest.raises(InvalidInputError, match="newer than this vuoro reads"):
        load_plan_dir(tmp_path)
    assert (tmp_path / KPIS_FILE).is_file()
