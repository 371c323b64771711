"""A small centre whose paid hours can follow demand: for re-plan tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from scheduler import schema as col
from scheduler.agents import AGENT_COLUMNS
from scheduler.plan import Plan, solve_plan
from scheduler.roster.solve import SolveSettings
from tests.conftest import SAMPLE_WEEK
from tests.scheduler.conftest import DELETE, edited_centre

#: Share of the sample's phone and chat demand the small centre gets.
DEMAND_SHARE = 0.12


@pytest.fixture(scope="session")
def flexible_plan(sample_plan: Plan) -> Plan:
    """24 phone-and-chat agents on an hourly contract (0-40 h, no minimum days),
    12 % of the sample's phone and chat demand, solved for 5 s: paid hours are set
    by demand, not by contract minimums."""
    centre = edited_centre(
        {
            "contracts.part_time_20.weekly_hours_min": 0,
            "contracts.part_time_20.weekly_hours_max": 40,
            "contracts.part_time_20.min_days": 0,
            "channels.email": DELETE,
            "channels.face_to_face": DELETE,
        }
    )
    agents = pd.DataFrame(
        {
            "agent_id": [f"H{n:02d}" for n in range(1, 25)],
            "name": [f"Hourly {n}" for n in range(1, 25)],
            "contract": "part_time_20",
            "skills": [("phone", "chat")] * 24,
            "site": "contact_centre",
        }
    )[list(AGENT_COLUMNS)]
    forecast = sample_plan.forecast.loc[
        sample_plan.forecast[col.CHANNEL].isin(["phone", "chat"])
    ].reset_index(drop=True)
    forecast[col.CONTACTS] = forecast[col.CONTACTS] * DEMAND_SHARE
    return solve_plan(
        centre,
        agents,
        SAMPLE_WEEK,
        forecast[[*col.FORECAST_COLUMNS]],
        settings=SolveSettings(time_limit_s=5.0, mode="interval"),
        name="flexible",
    )


@pytest.fixture
def week() -> dt.date:
    return SAMPLE_WEEK
