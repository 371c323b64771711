"""Staffing floor: can a walk-in channel have ``min_staff`` agents while it is open?

A walk-in channel (kind ``walk_in``) needs at least ``min_staff`` agents at its
desk in every plan interval of its opening hours. Coverage is soft in the optimiser
and reported with the roster's coverage, so this module audits nothing. Its
diagnosis says, before the solve, where the floor cannot be met at all: an interval
of the opening hours in which fewer than ``min_staff`` agents of the channel's site
with the channel as a skill are free (no ``unavailable`` or ``leave`` period
overlaps it, and it lies between ``shifts.earliest_start`` and
``shifts.latest_end``). Amounts are agents short, one finding per channel and day
(at the day's worst interval).
"""

from __future__ import annotations

import numpy as np

from scheduler.agents import FROM, SITE, SKILLS, TO
from scheduler.config import Channel
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.rules.base import Finding, Violation
from scheduler.roster.view import RosterView, clock_limits_min, hard_periods
from scheduler.schema import AGENT_ID, DATE

WALK_IN = "walk_in"


class StaffingFloorRule:
    """Walk-in channels can have ``min_staff`` skilled agents while open."""

    name = "staffing_floor"
    hard = False

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Nothing: coverage is soft and reported with the roster's coverage."""
        return []

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """Days on which a walk-in channel cannot reach ``min_staff`` free agents."""
        findings = []
        for name, channel in inputs.centre.channels.items():
            if channel.kind == WALK_IN and channel.min_staff > 0:
                findings += self._channel(inputs, name, channel)
        return findings

    def _channel(
        self, inputs: RosterInputs, name: str, channel: Channel
    ) -> list[Finding]:
        agents = inputs.agents
        staff = agents.loc[
            (agents[SITE] == channel.site)
            & agents[SKILLS].map(lambda skills: name in skills),
            AGENT_ID,
        ].astype(str)
        periods = hard_periods(inputs)
        periods = periods.loc[periods[AGENT_ID].isin(staff)]
        earliest, latest = clock_limits_min(inputs)
        step = inputs.centre.interval_minutes
        position = {agent: i for i, agent in enumerate(staff)}
        findings = []
        for day in inputs.days:
            hours = channel.hours(day.weekday())
            if not hours.is_open:
                continue
            slots = np.arange(hours.open_minute, hours.close_minute, step)
            in_reach = (slots >= earliest) & (slots + step <= latest)
            busy = np.zeros((len(staff), len(slots)), dtype=bool)
            today = periods.loc[periods[DATE] == day]
            for agent, start, end in zip(
                today[AGENT_ID], today[FROM], today[TO], strict=True
            ):
                busy[position[agent]] |= (slots < end) & (slots + step > start)
            free = (~busy).sum(axis=0) * in_reach
            worst = int(np.argmin(free))
            if free[worst] < channel.min_staff:
                minute = int(slots[worst])
                findings.append(
                    Finding(
                        self.name,
                        None,
                        day,
                        f"{name} at {channel.site} needs {channel.min_staff} agents "
                        f"while open but only {free[worst]} with the skill are free "
                        f"at {minute // 60:02d}:{minute % 60:02d}",
                        float(channel.min_staff - free[worst]),
                        "agent",
                        "conflict",
                    )
                )
        return findings


RULE = StaffingFloorRule()
