"""The whole plan as JSON: strict JSON whose tables rebuild the plan's frames."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scheduler.export.plan_json import (
    json_value,
    plan_json_text,
    plan_to_json,
    write_plan_json,
)
from scheduler.plan import Plan
from tests.scheduler.export.conftest import HOSTILE_PLAN_NAME, INJECTION


@pytest.fixture(scope="module")
def document(sample_plan: Plan) -> dict[str, Any]:
    """The sample plan's JSON, through text and back."""
    data: dict[str, Any] = json.loads(plan_json_text(sample_plan))
    return data


def test_the_document_is_strict_json_with_every_part_of_the_plan(
    sample_plan: Plan, document: dict[str, Any]
) -> None:
    json.dumps(plan_to_json(sample_plan), allow_nan=False)
    assert list(document) == [
        "format",
        "format_version",
        "name",
        "week_start",
        "created_at",
        "changes",
        "centre",
        "agents",
        "availability",
        "forecast",
        "requirements",
        "roster",
        "coverage",
        "kpis",
        "bent_rules",
        "violations",
        "findings",
    ]
    assert document["format"] == "vuoro.plan"
    assert document["week_start"] == "2026-02-02"
    assert document["name"] == "sample week"
    assert document["kpis"] == sample_plan.kpis
    assert document["centre"]["centre"]["time_zone"] == "Europe/Helsinki"
    assert len(document["requirements"]) == len(sample_plan.requirements)
    assert len(document["bent_rules"]) == len(sample_plan.bent_rules)


def test_the_roster_rebuilds_with_its_local_times_and_offsets(
    sample_plan: Plan, document: dict[str, Any]
) -> None:
    roster = pd.DataFrame(document["roster"])
    assert roster["start"].iloc[0].endswith("+02:00")
    zone = sample_plan.centre.zone
    for column in ("start", "end"):
        roster[column] = pd.to_datetime(roster[column], utc=True).dt.tz_convert(zone)
    roster["date"] = pd.to_datetime(roster["date"]).dt.date
    pd.testing.assert_frame_equal(
        roster[list(sample_plan.roster.columns)],
        sample_plan.roster.reset_index(drop=True),
        check_dtype=False,
    )


def test_coverage_keeps_its_figures_and_undefined_ones_become_null(
    sample_plan: Plan, document: dict[str, Any]
) -> None:
    coverage = pd.DataFrame(document["coverage"])
    expected = sample_plan.coverage.reset_index(drop=True)
    assert coverage["required"].tolist() == expected["required"].tolist()
    assert coverage["scheduled"].tolist() == expected["scheduled"].tolist()
    levels = expected["service_level"]
    assert coverage["service_level"].isna().tolist() == levels.isna().tolist()
    assert coverage["service_level"].dropna().tolist() == levels.dropna().tolist()
    # Infinite waits (an unstable queue) are null, not Infinity.
    infinite = int(np.isinf(expected["asa_seconds"]).sum())
    assert infinite > 0
    assert coverage["asa_seconds"].isna().sum() == expected[
        "asa_seconds"
    ].isna().sum() + (infinite)


def test_agents_keep_their_skills_as_lists_and_their_names_exactly(
    injected_plan: Plan,
) -> None:
    data = json.loads(plan_json_text(injected_plan))
    first = data["agents"][0]
    assert first == {
        "agent_id": "A001",
        "name": INJECTION,
        "contract": "full_time",
        "skills": ["phone"],
        "site": "contact_centre",
    }
    assert data["name"] == HOSTILE_PLAN_NAME


def test_times_after_the_spring_clock_change_carry_the_summer_offset(
    spring_plan: Plan,
) -> None:
    data = plan_to_json(spring_plan)
    night = [row for row in data["roster"] if row["date"] == "2026-03-28"]
    assert night[0]["start"] == "2026-03-28T20:00:00+02:00"
    assert night[-1]["end"] == "2026-03-29T04:00:00+03:00"
    assert data["availability"] == [
        {
            "agent_id": "A002",
            "date": "2026-03-24",
            "from": "00:00",
            "to": "24:00",
            "kind": "leave",
        }
    ]


def test_json_values_are_plain() -> None:
    # The second 03:30 of the autumn night (winter time) keeps its own offset.
    stamp = pd.Timestamp("2026-10-25 03:30").tz_localize(
        "Europe/Helsinki", ambiguous=False
    )
    assert json_value(
        {
            "a": np.int64(3),
            "b": np.float64(math.inf),
            "c": (1, np.bool_(True)),
            "d": pd.NaT,
            "e": stamp,
            "f": math.nan,
            7: np.array([1.5, -2.0]),
        }
    ) == {
        "a": 3,
        "b": None,
        "c": [1, True],
        "d": None,
        "e": "2026-10-25T03:30:00+02:00",
        "f": None,
        "7": [1.5, -2.0],
    }


def test_the_file_is_written_whole(sample_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    write_plan_json(sample_plan, path)
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(
        plan_json_text(sample_plan)
    )
