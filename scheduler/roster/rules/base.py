"""What every rule module provides: the records it reports and the protocol it meets.

A :class:`Violation` is a breach of a hard rule found in a finished roster; a
:class:`Finding` is what the pre-solve diagnosis says about the inputs (a
``conflict`` no roster can avoid, or a ``warning`` worth a look). Both carry the
amount in the rule's own unit (hours short, days over, minutes late) so a report can
say by how much a rule is broken.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

import pandas as pd

from scheduler.schema import AGENT_ID, DATE

if TYPE_CHECKING:
    from scheduler.roster.inputs import RosterInputs
    from scheduler.roster.view import RosterView

Severity = Literal["conflict", "warning"]

#: Tolerance for comparing hours and minutes computed from timestamps.
EPSILON = 1e-6


@dataclass(frozen=True, slots=True)
class Violation:
    """A breach of a hard rule in a finished roster.

    Attributes
    ----------
    rule : str
        Name of the rule broken (``Rule.name``).
    agent_id : str or None
        The agent, or ``None`` when the breach is not an agent's.
    date : datetime.date or None
        The date of the shift concerned, or ``None`` for a weekly rule.
    detail : str
        One sentence saying what is wrong, with the values compared.
    amount : float
        By how much the rule is broken, in ``unit`` (always > 0).
    unit : str
        Unit of ``amount``: ``"h"``, ``"min"``, ``"day"`` or ``"row"``.
    """

    rule: str
    agent_id: str | None
    date: dt.date | None
    detail: str
    amount: float
    unit: str


@dataclass(frozen=True, slots=True)
class Finding(Violation):
    """What the pre-solve diagnosis found about one rule: a violation foreseen.

    Attributes
    ----------
    rule, agent_id, date, detail, amount, unit
        As in :class:`Violation`; ``date`` is ``None`` when no day is singled out.
    severity : {"conflict", "warning"}
        ``"conflict"``: no roster can meet the rule; ``"warning"``: a roster
        probably cannot, or the inputs look wrong.
    """

    severity: Severity


class Rule(Protocol):
    """A hard rule: its name, and how to audit a roster and diagnose inputs."""

    @property
    def name(self) -> str:
        """Short snake_case name used in reports (``"rest"``)."""
        ...

    @property
    def hard(self) -> bool:
        """Whether no roster may break the rule."""
        ...

    def audit(self, view: RosterView) -> list[Violation]:
        """Every breach of the rule in the roster of ``view``."""
        ...

    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """What about the inputs makes the rule hard or impossible to meet."""
        ...


def violations_of(
    rule: str,
    rows: pd.DataFrame,
    details: Iterable[str],
    amounts: Iterable[float],
    unit: str,
) -> list[Violation]:
    """One :class:`Violation` per row of ``rows`` (columns ``agent_id`` and ``date``).

    Parameters
    ----------
    rule : str
        The rule's name.
    rows : pandas.DataFrame
        The offending rows; ``date`` may be absent (weekly rules) or hold ``None``.
    details, amounts : iterables
        One sentence and one amount (in ``unit``) per row, in the rows' order.
    unit : str
        Unit of the amounts.
    """
    agents = rows[AGENT_ID] if AGENT_ID in rows else [None] * len(rows)
    dates = rows[DATE] if DATE in rows else [None] * len(rows)
    return [
        Violation(
            rule=rule,
            agent_id=None if agent is None else str(agent),
            date=date,
            detail=detail,
            amount=float(amount),
            unit=unit,
        )
        for agent, date, detail, amount in zip(
            agents, dates, details, amounts, strict=True
        )
    ]


def as_finding(violation: Violation, severity: Severity, prefix: str = "") -> Finding:
    """The :class:`Finding` that a violation found before the solve amounts to."""
    return Finding(
        rule=violation.rule,
        agent_id=violation.agent_id,
        date=violation.date,
        detail=prefix + violation.detail,
        amount=violation.amount,
        unit=violation.unit,
        severity=severity,
    )
