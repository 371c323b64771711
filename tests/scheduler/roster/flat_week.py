"""The sample centre and its agents against a week of flat demand on every channel."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from scheduler.agents import load_agents
from scheduler.config import Centre
from scheduler.requirements import compute_requirements
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.problem import RosterProblem, build_problem

WEEK_START = dt.date(2026, 1, 5)  # a Monday
#: Every quarter-hour of the week, naive local time.
STAMPS = pd.date_range("2026-01-05", periods=7 * 96, freq="15min")
#: Contacts per quarter-hour and handle time (s) of each sample channel.
FLAT = {
    "phone": (60.0, 300.0),
    "chat": (20.0, 540.0),
    "email": (5.0, 420.0),
    "face_to_face": (3.0, 900.0),
}


def flat_forecast(name: str) -> pd.DataFrame:
    """A week's forecast of one sample channel at its flat volume."""
    contacts, aht_s = FLAT[name]
    return pd.DataFrame(
        {
            "channel": name,
            "interval_start": STAMPS,
            "contacts": contacts,
            "aht_seconds": aht_s,
        }
    )


def flat_problem(centre: Centre) -> RosterProblem:
    """The sample agents against the flat week of every channel."""
    forecast = pd.concat([flat_forecast(name) for name in FLAT])
    inputs = RosterInputs(centre, load_agents(None, centre), WEEK_START)
    return build_problem(inputs, compute_requirements(forecast, centre))
