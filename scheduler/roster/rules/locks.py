"""Locks: every locked row of the inputs appears in the roster exactly.

``inputs.locked`` holds roster rows (segments) to keep; when it has a ``locked``
column only the rows where that is true count. The rule holds when each such row
appears in the roster with the same ``agent_id, date, start, end, activity,
channel`` (times compared as instants). Amounts are rows missing.

The diagnosis audits the locked rows on their own against the other rules, before
any solve. Breaches that adding shifts cannot repair (rest, availability, skills,
weekend days, maximum days and hours, consecutive days) are conflicts, named with
the rule broken. Shift shape and breaks are judged as if an agent's locked rows of
a date were the whole shift, so their breaches are warnings: a lock of part of a
shift looks mis-shaped on its own.
"""

from __future__ import annotations

from collections.abc import Callable

from scheduler.roster.inputs import RosterInputs
from scheduler.roster.rules.availability import RULE as AVAILABILITY
from scheduler.roster.rules.base import Finding, Severity, Violation, as_finding
from scheduler.roster.rules.breaks import RULE as BREAKS
from scheduler.roster.rules.contract_hours import RULE as CONTRACT_HOURS
from scheduler.roster.rules.rest import RULE as REST
from scheduler.roster.rules.shift_shape import RULE as SHIFT_SHAPE
from scheduler.roster.rules.skills import RULE as SKILLS
from scheduler.roster.rules.weekends import RULE as WEEKENDS
from scheduler.roster.rules.working_days import RULE as WORKING_DAYS
from scheduler.roster.view import RosterView, clock, locked_rows
from scheduler.schema import (
    ACTIVITY,
    AGENT_ID,
    CHANNEL,
    DATE,
    END,
    ROSTER_COLUMNS,
    START,
)

#: Audits run on the locked rows alone, with how sure their breaches are.
LOCKED_CHECKS: tuple[tuple[Callable[[RosterView], list[Violation]], Severity], ...] = (
    (REST.audit, "conflict"),
    (AVAILABILITY.audit, "conflict"),
    (SKILLS.audit, "conflict"),
    (WEEKENDS.audit, "conflict"),
    (WORKING_DAYS.audit_maxima, "conflict"),
    (CONTRACT_HOURS.audit_maxima, "conflict"),
    (SHIFT_SHAPE.audit, "warning"),
    (BREAKS.audit, "warning"),
)


class LocksRule:
    """Locked rows are kept exactly."""

    name = "locks"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """One violation per locked row missing from the roster."""
        locked = locked_rows(view.inputs)
        merged = locked.merge(
            view.segments.drop_duplicates(),
            on=list(ROSTER_COLUMNS),
            how="left",
            indicator=True,
        )
        missing = merged.loc[merged["_merge"] == "left_only"]
        return [
            Violation(
                self.name,
                str(agent),
                date,
                f"locked {activity} {clock(start)} to {clock(end)}"
                f"{f' on {channel}' if channel else ''} is not in the roster",
                1.0,
                "row",
            )
            for agent, date, start, end, activity, channel in zip(
                missing[AGENT_ID],
                missing[DATE],
                missing[START],
                missing[END],
                missing[ACTIVITY],
                missing[CHANNEL],
                strict=True,
            )
        ]

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """Locked rows that break another rule on their own, named by that rule."""
        locked = locked_rows(inputs)
        if locked.empty:
            return []
        view = RosterView.build(inputs, locked)
        return [
            as_finding(violation, severity, prefix="locked rows: ")
            for check, severity in LOCKED_CHECKS
            for violation in check(view)
        ]


RULE = LocksRule()
