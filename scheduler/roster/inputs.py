"""What a roster is built from: the centre, its agents and what binds them.

:class:`RosterInputs` gathers everything the optimiser, the pre-solve diagnosis and
the audit read, so that each rule sees the same facts. It holds validated frames
(:func:`scheduler.agents.load_agents`, :func:`scheduler.agents.load_availability`,
:func:`scheduler.roster_file.load_roster`), never file paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from scheduler.config import Centre, Contract

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class RosterInputs:
    """The facts a week's roster must respect.

    Attributes
    ----------
    centre : Centre
        Channels, shift and break rules, contracts, labour rules and costs.
    agents : pandas.DataFrame
        ``agent_id, name, contract, skills, site`` (skills as tuples).
    week_start : datetime.date
        First day of the planned week (local).
    availability : pandas.DataFrame or None
        ``agent_id, date, from, to, kind`` with ``from``/``to`` in minutes after
        midnight; ``unavailable`` and ``leave`` are hard, ``prefer_off`` and
        ``prefer_on`` soft.
    locked : pandas.DataFrame or None
        Roster rows (segments) to keep exactly.
    previous_shift_end : Mapping[str, pandas.Timestamp]
        End of each agent's last shift of the previous week (tz-aware), for rest
        across the week boundary.
    """

    centre: Centre
    agents: pd.DataFrame
    week_start: dt.date
    availability: pd.DataFrame | None = None
    locked: pd.DataFrame | None = None
    previous_shift_end: Mapping[str, pd.Timestamp] = field(default_factory=dict)

    @property
    def days(self) -> list[dt.date]:
        """The seven dates of the week."""
        return [self.week_start + dt.timedelta(days=d) for d in range(DAYS_PER_WEEK)]

    def contract_of(self, agent_id: str) -> Contract:
        """The contract of an agent."""
        row = self.agents.loc[self.agents["agent_id"] == agent_id]
        return self.centre.contracts[str(row["contract"].iloc[0])]

    def local_midnight(self, day: dt.date) -> pd.Timestamp:
        """The start of ``day`` in the centre's time zone."""
        return pd.Timestamp(day).tz_localize(self.centre.zone)
