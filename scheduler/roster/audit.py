"""Audit a finished roster against every hard rule, without the solver.

Each rule of :mod:`scheduler.roster.rules` re-checks the roster from its rows, so a
roster the optimiser returns is trusted only once :func:`audit_roster` finds
nothing. :func:`diagnose` asks the same rules, before a solve, what in the inputs
(locks, leave, headcount) makes them impossible or hard to meet.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pandas as pd

from scheduler.roster.inputs import RosterInputs
from scheduler.roster.rules import (
    availability,
    breaks,
    contract_hours,
    locks,
    rest,
    shift_shape,
    skills,
    staffing_floor,
    weekends,
    working_days,
)
from scheduler.roster.rules.base import Finding, Rule, Violation
from scheduler.roster.view import RosterView

logger = logging.getLogger(__name__)

#: Every hard rule, in the order their violations are listed.
HARD_RULES: tuple[Rule, ...] = (
    shift_shape.RULE,
    breaks.RULE,
    contract_hours.RULE,
    working_days.RULE,
    rest.RULE,
    weekends.RULE,
    availability.RULE,
    skills.RULE,
    locks.RULE,
)

#: Rules that only diagnose (their audit is soft and reported elsewhere).
DIAGNOSIS_ONLY: tuple[Rule, ...] = (staffing_floor.RULE,)

VIOLATION_COLUMNS = ("rule", "agent_id", "date", "detail", "amount", "unit")
SEVERITY = "severity"


def audit_roster(inputs: RosterInputs, roster: pd.DataFrame) -> list[Violation]:
    """Every breach of a hard rule in ``roster``.

    Parameters
    ----------
    inputs : RosterInputs
        What the roster was built from.
    roster : pandas.DataFrame
        One row per segment: ``agent_id, date, start, end, activity, channel``.

    Returns
    -------
    list of Violation
        Grouped by rule in the order of :data:`HARD_RULES`; empty for a valid
        roster.

    Raises
    ------
    InvalidInputError
        When a roster column is missing.
    """
    view = RosterView.build(inputs, roster)
    violations = [v for rule in HARD_RULES for v in rule.audit(view)]
    logger.info(
        "audit: %d violation(s) of hard rules in %d shifts: %s",
        len(violations),
        len(view.shifts),
        {k: n for k, n in summarise(violations).items() if n},
    )
    return violations


def diagnose(inputs: RosterInputs) -> list[Finding]:
    """What in the inputs makes a hard rule (or the staffing floor) impossible.

    Returns
    -------
    list of Finding
        ``conflict`` findings no roster can avoid, then ``warning`` findings,
        each group in rule order.
    """
    findings = [
        f for rule in HARD_RULES + DIAGNOSIS_ONLY for f in rule.diagnose(inputs)
    ]
    findings.sort(key=lambda f: f.severity != "conflict")
    logger.info(
        "diagnosis: %d conflict(s), %d warning(s)",
        sum(f.severity == "conflict" for f in findings),
        sum(f.severity == "warning" for f in findings),
    )
    return findings


def violations_frame(items: Sequence[Violation] | Sequence[Finding]) -> pd.DataFrame:
    """Violations (or findings) as a frame, one row each.

    Returns
    -------
    pandas.DataFrame
        Columns ``rule, agent_id, date, detail, amount, unit``, and ``severity``
        for findings.
    """
    columns = list(VIOLATION_COLUMNS)
    if any(isinstance(item, Finding) for item in items):
        columns.append(SEVERITY)
    return pd.DataFrame(
        [[getattr(item, c) for c in columns] for item in items], columns=columns
    )


def summarise(violations: Sequence[Violation]) -> dict[str, int]:
    """Number of violations of each hard rule, every rule listed (0 when met)."""
    counts = {rule.name: 0 for rule in HARD_RULES}
    for violation in violations:
        counts[violation.rule] = counts.get(violation.rule, 0) + 1
    return counts
