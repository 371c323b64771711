"""Sweeps over a parameter on local processes and on Ray."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from scheduler.exceptions import InvalidInputError
from scheduler.plan import Plan
from scheduler.roster.solve import SolveSettings
from scheduler.scenarios.changes import VolumeChange
from scheduler.scenarios.run import Scenario
from scheduler.scenarios.sweep import (
    SWEEP_COLUMNS,
    SweepSettings,
    break_even,
    deflection_scenarios,
    run_sweep,
)


def test_break_even_is_where_the_cost_stops_falling() -> None:
    values = [0.0, 0.1, 0.2, 0.3, 0.4]
    assert break_even(values, [100, 90, 85, 86, 80]) == 0.2
    assert break_even(values, [100, 90, 80, 70, 60]) == 0.4
    assert break_even(values, [100, 100, 90, 80, 70]) == 0.0
    assert break_even([], []) is None


def test_a_keep_roster_sweep_tabulates_every_value_and_channel(
    sample_plan: Plan,
) -> None:
    rates = [0.0, 0.2, 0.4]
    result = run_sweep(
        sample_plan,
        deflection_scenarios(rates, bounce_back_share=0.1),
        rates,
        SweepSettings(processes=1, replan=False),
        parameter="deflection",
    )
    table = result.table
    assert list(table.columns) == list(SWEEP_COLUMNS)
    assert len(table) == 3 * 4
    assert set(table["way"]) == {"keep_roster"}
    assert result.break_even is None
    phone = table.loc[table["channel"] == "phone"].set_index("value")
    chat = table.loc[table["channel"] == "chat"].set_index("value")
    assert phone["required_agent_hours"].is_monotonic_decreasing
    assert chat["required_agent_hours"].is_monotonic_increasing
    assert chat["service_level"].is_monotonic_decreasing
    # Phone's weekly figure weighs the intervals by their (changed) contacts, so
    # only the intervals where chat takes contacts must all improve (but for
    # 0.0001 where agents moving from a busier chat start on phone later).
    coverage = [r.keep_roster.coverage for r in result.results]
    phone_rows = [
        c.loc[c["channel"] == "phone"].reset_index(drop=True) for c in coverage
    ]
    moved = phone_rows[2]["contacts"] < phone_rows[0]["contacts"] - 1e-9
    assert moved.sum() > 200
    for lower, higher in itertools.pairwise(phone_rows):
        assert (
            higher.loc[moved, "service_level"]
            >= lower.loc[moved, "service_level"] - 1e-4
        ).all()
    records = result.records()
    assert [r["value"] for r in records] == rates
    assert records[1]["scenario"] == "20 % phone to chat"


def test_replans_in_parallel_processes_follow_the_requirement_change(
    flexible_plan: Plan,
) -> None:
    """Two re-plans of the flexible centre on two processes: the one with 40 %
    more phone contacts pays for most of its extra required hours and serves phone
    better than the kept roster would."""
    values = [1.0, 1.4]
    scenarios = [Scenario(f"phone x{v}", (VolumeChange("phone", v),)) for v in values]
    result = run_sweep(
        flexible_plan,
        scenarios,
        values,
        SweepSettings(
            processes=2, solve=SolveSettings(time_limit_s=5.0, mode="interval")
        ),
    )
    replan = result.table.loc[result.table["way"] == "replan"]
    required = replan.groupby("value")["required_agent_hours"].sum()
    paid = replan.groupby("value")["paid_hours"].first()
    extra_required = required[1.4] - required[1.0]
    assert extra_required > 40
    assert 0.5 * extra_required < paid[1.4] - paid[1.0] < 1.6 * extra_required
    phone = replan.loc[replan["channel"] == "phone"].set_index("value")
    kept = result.table.loc[
        (result.table["way"] == "keep_roster") & (result.table["channel"] == "phone")
    ].set_index("value")
    assert phone.loc[1.4, "service_level"] > kept.loc[1.4, "service_level"] + 0.05
    assert result.break_even == 1.0
    assert all(
        r.replan is not None and r.replan.violations.empty for r in result.results
    )


def test_ray_runs_the_same_scenarios_to_the_same_figures(sample_plan: Plan) -> None:
    pytest.importorskip("ray")
    rates = [0.0, 0.3]
    scenarios = deflection_scenarios(rates)
    local = run_sweep(
        sample_plan, scenarios, rates, SweepSettings(processes=1, replan=False)
    )
    on_ray = run_sweep(
        sample_plan, scenarios, rates, SweepSettings(executor="ray", replan=False)
    )
    assert on_ray.executor == "ray"
    pd.testing.assert_frame_equal(on_ray.table, local.table)


def test_a_bad_sweep_fails_before_any_process_starts(sample_plan: Plan) -> None:
    with pytest.raises(InvalidInputError, match="not one of local, ray"):
        run_sweep(
            sample_plan,
            deflection_scenarios([0.1]),
            [0.1],
            SweepSettings(executor="dask"),  # type: ignore[arg-type]
        )
    with pytest.raises(InvalidInputError, match="channel 'sms' is not in the centre"):
        run_sweep(sample_plan, deflection_scenarios([0.1], to_channel="sms"), [0.1])
    with pytest.raises(InvalidInputError, match="not ascending"):
        run_sweep(sample_plan, deflection_scenarios([0.2, 0.1]), [0.2, 0.1])
