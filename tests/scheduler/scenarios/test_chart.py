"""The sweep chart."""

from __future__ import annotations

import pandas as pd

from scheduler.scenarios.chart import (
    required_hours_chart,
    service_level_chart,
    sweep_chart,
)
from scheduler.scenarios.sweep import SWEEP_COLUMNS


def test_the_chart_shows_cost_hours_and_service_level_of_each_value() -> None:
    rows = [
        (value, f"{value}", way, channel, 10.0, level, True, 3.0, hours, cost, 1.0)
        for value, hours, cost in ((0.0, 100.0, 2500.0), (0.2, 95.0, 2400.0))
        for way in ("keep_roster", "replan")
        for channel, level in (("phone", 0.8), ("chat", 0.75))
    ]
    table = pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))
    spec = sweep_chart(table, "deflection").to_dict()
    cost, hours, service = spec["vconcat"]
    assert cost["encoding"]["y"]["field"] == "cost"
    assert hours["encoding"]["y"]["field"] == "paid_hours"
    assert service["encoding"]["strokeDash"]["field"] == "way"
    datasets = spec["datasets"]
    sizes = sorted(len(rows) for rows in datasets.values())
    assert sizes == [2, 8]  # one re-plan total per value; every channel and way
    totals = next(rows for rows in datasets.values() if len(rows) == 2)
    assert [r["cost"] for r in totals] == [2500.0, 2400.0]


def test_one_way_draws_solid_lines_and_requirements_follow_channels() -> None:
    rows = [
        (value, f"{value}", "keep_roster", channel, hours, 0.8, True, 3.0, 9, 9, 1.0)
        for value in (0.0, 0.2)
        for channel, hours in (("phone", 100.0 - 50 * value), ("chat", 40 + 60 * value))
    ]
    table = pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))
    service = service_level_chart(table).to_dict()
    assert "strokeDash" not in service["encoding"]
    hours = required_hours_chart(table, "deflection").to_dict()
    assert hours["encoding"]["x"]["title"] == "deflection"
    assert hours["encoding"]["y"]["field"] == "required_agent_hours"
