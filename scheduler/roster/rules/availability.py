"""Availability: no shift overlaps a period when the agent is unavailable or on leave.

Availability rows of kind ``unavailable`` or ``leave`` are hard: each is a period
on its ``date`` from ``from`` to ``to`` (minutes after local midnight, wall clock;
``to`` = 1440 is the next midnight). The rule holds when no shift (from the start
of its first segment to the end of its last, breaks included) overlaps such a
period of its agent by any time. ``prefer_off`` and ``prefer_on`` are soft and not
audited here. Amounts are hours of overlap, one violation per shift and period.

The diagnosis reports agents whose minimum days or hours cannot be met on the days
availability leaves free (see :func:`scheduler.roster.view.blocked_days`).
"""

from __future__ import annotations

from scheduler.agents import KIND
from scheduler.roster.inputs import DAYS_PER_WEEK, RosterInputs
from scheduler.roster.rules.base import EPSILON, Finding, Violation, violations_of
from scheduler.roster.rules.contract_hours import paid_shift_hours, required_hours
from scheduler.roster.rules.working_days import required_days
from scheduler.roster.view import (
    SHIFT_KEY,
    RosterView,
    agent_table,
    blocked_days,
    clock,
)
from scheduler.schema import AGENT_ID, END, START

OVERLAP_H = "overlap_h"


class AvailabilityRule:
    """No shift overlaps an ``unavailable`` or ``leave`` period."""

    name = "availability"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Every shift overlapping a hard availability period, by hours of overlap."""
        periods = view.periods[[AGENT_ID, KIND, START, END]].rename(
            columns={START: "period_start", END: "period_end"}
        )
        pairs = view.shifts[[*SHIFT_KEY, START, END]].merge(periods, on=AGENT_ID)
        if pairs.empty:
            return []
        overlap = pairs[[END, "period_end"]].min(axis=1) - pairs[
            [START, "period_start"]
        ].max(axis=1)
        pairs[OVERLAP_H] = overlap.dt.total_seconds() / 3600
        rows = pairs.loc[pairs[OVERLAP_H] > EPSILON]
        details = [
            f"shift {clock(s)} to {clock(e)} overlaps {k} from {clock(ps)} to "
            f"{clock(pe)} by {h:g} h"
            for s, e, k, ps, pe, h in zip(
                rows[START],
                rows[END],
                rows[KIND],
                rows["period_start"],
                rows["period_end"],
                rows[OVERLAP_H].round(2),
                strict=True,
            )
        ]
        return violations_of(self.name, rows, details, rows[OVERLAP_H], "h")

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """Agents whose free days cannot hold their minimum days or hours.

        A day is free unless availability leaves no room for the shortest shift.
        Conflicts: fewer free days than ``min_days`` less leave days (amount in
        days), or fewer paid hours in ``min(free days, max_days)`` of the longest
        shift than the minimum hours after leave (amount in hours).
        """
        agents = agent_table(inputs)
        free = DAYS_PER_WEEK - blocked_days(inputs).sum(axis=1)
        need_days = required_days(agents)
        need_hours = required_hours(agents)
        longest, _ = paid_shift_hours(inputs)
        most_hours = (free.clip(upper=agents["max_days"]) * longest).clip(
            upper=inputs.centre.labour.max_weekly_hours
        )
        findings = []
        for agent in agents.index:
            leave = agents.at[agent, "leave_days"]
            if free[agent] < need_days[agent]:
                findings.append(
                    Finding(
                        self.name,
                        str(agent),
                        None,
                        f"needs {need_days[agent]} working days (min_days "
                        f"{agents.at[agent, 'min_days']} less {leave} leave day(s)) "
                        f"but availability leaves {free[agent]} day(s) free",
                        float(need_days[agent] - free[agent]),
                        "day",
                        "conflict",
                    )
                )
            elif need_hours[agent] > most_hours[agent] + EPSILON:
                findings.append(
                    Finding(
                        self.name,
                        str(agent),
                        None,
                        f"needs {need_hours[agent]:g} paid hours (after {leave} leave "
                        f"day(s)) but at most {most_hours[agent]:g} h fit in "
                        f"{free[agent]} free day(s)",
                        float(need_hours[agent] - most_hours[agent]),
                        "h",
                        "conflict",
                    )
                )
        return findings


RULE = AvailabilityRule()
