"""Fixtures shared across the test folders: small histories and a solved plan."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from forecasts.synthetic import ChannelSpec, HistorySpec, generate_history
from scheduler.agents import load_agents
from scheduler.config import load_centre
from scheduler.pipeline import plan_week
from scheduler.plan import Plan, solve_plan
from scheduler.roster.solve import SolveSettings

MONDAY = dt.date(2025, 1, 6)


@pytest.fixture(autouse=True)
def _plan_store_in_tmp(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test's plan store is a fresh SQLite file, never the user's own.

    ``vuoro plan`` saves to the store named by ``VUORO_DATABASE_URL``; the data
    folder is moved too, so nothing a test runs can reach the home folder's store.
    """
    folder = tmp_path_factory.mktemp("store")
    monkeypatch.setenv("VUORO_DATABASE_URL", f"sqlite:///{folder / 'plans.db'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(folder / "data"))


@pytest.fixture(scope="session")
def small_spec() -> HistorySpec:
    """Two channels at 60-minute intervals: fast to forecast."""
    return HistorySpec(
        channels=(
            ChannelSpec("phone", 1200.0, 300.0),
            ChannelSpec("email", 80.0, 600.0, opening_hours=((0.0, 24.0),) * 7),
        ),
        interval_minutes=60,
    )


@pytest.fixture(scope="session")
def small_history(small_spec: HistorySpec) -> pd.DataFrame:
    """Eight weeks of the small spec starting on a Monday."""
    return generate_history(small_spec, MONDAY, weeks=8, seed=3)


#: The week of :func:`sample_plan` (a Monday).
SAMPLE_WEEK = dt.date(2026, 2, 2)


@pytest.fixture(scope="session")
def sample_plan() -> Plan:
    """A real plan of the built-in sample centre (120 agents, four channels).

    Forecast from the sample history, a 5-second roster solve (about 25 s in all),
    audited and evaluated. Shared by the export, store and simulation tests; treat
    it as read-only.
    """
    centre = load_centre()
    agents = load_agents(None, centre)
    week = plan_week(centre, SAMPLE_WEEK)
    return solve_plan(
        centre,
        agents,
        SAMPLE_WEEK,
        week.forecast.frame,
        settings=SolveSettings(time_limit_s=5.0, seed=0),
        name="sample week",
    )
