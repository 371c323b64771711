"""Weekends: each agent works at most ``max_weekend_days`` Saturday and Sunday dates.

A weekend day worked is a Saturday or Sunday on which the agent has a shift (the
date the shift starts, so a Friday night shift running into Saturday does not
count). The rule holds when every agent's count is at most the contract's
``max_weekend_days``. Amounts are days over.
"""

from __future__ import annotations

from scheduler.roster.inputs import DAYS_PER_WEEK, RosterInputs
from scheduler.roster.rules.base import Finding, Violation, violations_of
from scheduler.roster.rules.working_days import required_days
from scheduler.roster.view import RosterView, agent_table, blocked_days
from scheduler.schema import AGENT_ID

SATURDAY = 5


def weekend_columns(inputs: RosterInputs) -> list[int]:
    """Days of the week (0 = ``week_start``) that fall on a Saturday or Sunday."""
    return [i for i, day in enumerate(inputs.days) if day.weekday() >= SATURDAY]


class WeekendsRule:
    """At most ``max_weekend_days`` Saturday/Sunday dates worked."""

    name = "weekends"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Agents over their weekend days (more shifts never repair it)."""
        worked = view.worked_days()[weekend_columns(view.inputs)].sum(axis=1)
        over = worked - view.agents["max_weekend_days"]
        rows = over.loc[over > 0].rename_axis(AGENT_ID).reset_index()
        details = [
            f"works {worked[a]} weekend days, {over[a]} over max_weekend_days "
            f"{view.agents.loc[a, 'max_weekend_days']}"
            for a in rows[AGENT_ID]
        ]
        return violations_of(self.name, rows, details, over[rows[AGENT_ID]], "day")

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """Agents whose minimum days need more weekend days than they may work.

        A conflict when the free weekdays (not blocked by availability) plus
        ``max_weekend_days`` (or the free weekend days, if fewer) are fewer than
        the minimum days after leave.
        """
        agents = agent_table(inputs)
        blocked = blocked_days(inputs)
        weekend = weekend_columns(inputs)
        weekdays = [d for d in range(DAYS_PER_WEEK) if d not in weekend]
        free_weekdays = (~blocked[weekdays]).sum(axis=1)
        weekend_cap = agents["max_weekend_days"]
        weekend_days = (~blocked[weekend]).sum(axis=1).clip(upper=weekend_cap)
        need = required_days(agents)
        short = need - free_weekdays - weekend_days
        # Agents short of free days altogether are the availability rule's finding.
        short = short.loc[(short > 0) & ((~blocked).sum(axis=1) >= need)]
        return [
            Finding(
                self.name,
                agent,
                None,
                f"needs {need[agent]} working days but has {free_weekdays[agent]} "
                f"free weekdays and may work {weekend_cap[agent]} weekend day(s)",
                float(short[agent]),
                "day",
                "conflict",
            )
            for agent in map(str, short.index)
        ]


RULE = WeekendsRule()
