"""Contract hours: each agent's weekly paid hours fit the contract and the law.

An agent's weekly paid hours are the sum over the agent's shifts in the week of the
shift's length less its unpaid breaks (a break is paid or not as its break rule in
``centre.shifts.breaks`` says), in hours. The rule holds when, for every agent:

* paid hours >= the contract's ``weekly_hours_min`` reduced for leave: each day of
  leave in the week (a date with a ``leave`` row in the availability) counts as
  ``weekly_hours_min / min_days`` hours worked (``/ max_days`` when ``min_days`` is
  0), and the minimum never goes below 0;
* paid hours <= the contract's ``weekly_hours_max``;
* paid hours <= ``labour.max_weekly_hours`` (the legal limit, whatever the contract).

Amounts are hours short of the minimum or over a maximum; one violation per agent
and limit, dated ``None``.
"""

from __future__ import annotations

import pandas as pd

from scheduler.roster.inputs import RosterInputs
from scheduler.roster.rules.base import EPSILON, Finding, Violation, violations_of
from scheduler.roster.view import LEAVE_DAYS, PAID_MIN, RosterView, agent_table
from scheduler.schema import AGENT_ID

PAID_H = "paid_h"


def required_hours(agents: pd.DataFrame) -> pd.Series:
    """Weekly minimum paid hours of each agent after leave (h).

    Parameters
    ----------
    agents : pandas.DataFrame
        :func:`scheduler.roster.view.agent_table`: ``weekly_hours_min, min_days,
        max_days, leave_days``.
    """
    days = agents["min_days"].where(agents["min_days"] > 0, agents["max_days"])
    credit = agents["weekly_hours_min"] / days
    return (agents["weekly_hours_min"] - agents[LEAVE_DAYS] * credit).clip(lower=0)


def paid_hours(view: RosterView) -> pd.Series:
    """Weekly paid hours of every agent of the inputs (h; 0 without shifts)."""
    paid = view.shifts.groupby(AGENT_ID)[PAID_MIN].sum() / 60
    return paid.reindex(view.agents.index, fill_value=0.0)


class ContractHoursRule:
    """Weekly paid hours within the contract's range and the legal maximum."""

    name = "contract_hours"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Agents short of their minimum or over a maximum of paid hours."""
        table = view.agents.assign(**{PAID_H: paid_hours(view)})
        table["required_h"] = required_hours(table)
        short = table["required_h"] - table[PAID_H]
        rows = table.loc[short > EPSILON].reset_index()
        found = violations_of(
            self.name,
            rows,
            [
                f"paid {p:g} h is {s:g} h short of the minimum {r:g} h "
                f"(weekly_hours_min {m:g} h, {n} leave day(s))"
                for p, s, r, m, n in zip(
                    rows[PAID_H],
                    short[rows[AGENT_ID]],
                    rows["required_h"],
                    rows["weekly_hours_min"],
                    rows[LEAVE_DAYS],
                    strict=True,
                )
            ],
            short[rows[AGENT_ID]],
            "h",
        )
        return found + self.audit_maxima(view)

    def audit_maxima(self, view: RosterView) -> list[Violation]:
        """Agents over ``weekly_hours_max`` or ``labour.max_weekly_hours``.

        More shifts never undo these, so they hold for locked rows alone.
        """
        table = view.agents.assign(**{PAID_H: paid_hours(view)})
        legal = view.centre.labour.max_weekly_hours
        found: list[Violation] = []
        for limit, text in (
            (table["weekly_hours_max"], "the contract's weekly_hours_max"),
            (pd.Series(legal, index=table.index), "labour.max_weekly_hours"),
        ):
            over = table[PAID_H] - limit
            rows = table.loc[over > EPSILON].reset_index()
            found += violations_of(
                self.name,
                rows,
                [
                    f"paid {p:g} h is {o:g} h over {text} {x:g} h"
                    for p, o, x in zip(
                        rows[PAID_H],
                        over[rows[AGENT_ID]],
                        limit[rows[AGENT_ID]],
                        strict=True,
                    )
                ],
                over[rows[AGENT_ID]],
                "h",
            )
        return found

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """Contracts whose hours no week of allowed shifts can meet.

        A conflict when a contract's ``weekly_hours_min`` is above the legal
        ``labour.max_weekly_hours``, or above ``max_days`` of the longest shift's
        paid hours; a warning when ``weekly_hours_max`` is below ``min_days`` of
        the shortest shift's paid hours. Leave is diagnosed by ``availability``.
        """
        centre = inputs.centre
        longest, shortest = paid_shift_hours(inputs)
        used = set(agent_table(inputs)["contract"])
        findings = []
        for name in sorted(used):
            contract = centre.contracts[name]
            most = min(contract.max_days * longest, centre.labour.max_weekly_hours)
            if contract.weekly_hours_min > most + EPSILON:
                findings.append(
                    Finding(
                        self.name,
                        None,
                        None,
                        f"contract {name}: weekly_hours_min "
                        f"{contract.weekly_hours_min:g} h is above the most paid hours "
                        f"possible, {most:g} h "
                        f"({contract.max_days} days of {longest:g} h, legal limit "
                        f"{centre.labour.max_weekly_hours:g} h)",
                        contract.weekly_hours_min - most,
                        "h",
                        "conflict",
                    )
                )
            least = contract.min_days * shortest
            if contract.weekly_hours_max < least - EPSILON:
                findings.append(
                    Finding(
                        self.name,
                        None,
                        None,
                        f"contract {name}: weekly_hours_max "
                        f"{contract.weekly_hours_max:g} h is below {least:g} h: "
                        f"min_days {contract.min_days} of the "
                        f"shortest shift ({shortest:g} h paid)",
                        least - contract.weekly_hours_max,
                        "h",
                        "warning",
                    )
                )
        return findings


def paid_shift_hours(inputs: RosterInputs) -> tuple[float, float]:
    """Paid hours of the longest and the shortest allowed shift (h).

    Unpaid breaks are those of the break rules a shift of each length gets.
    """
    rules = inputs.centre.shifts
    paid = [
        hours
        - sum(
            r.duration_minutes / 60
            for r in rules.breaks
            if not r.paid and hours >= r.min_shift_hours
        )
        for hours in rules.lengths_hours
    ]
    return max(paid), min(paid)


RULE = ContractHoursRule()
