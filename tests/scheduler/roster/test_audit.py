"""The audit of a whole roster: every hard rule, summaries and frames."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scheduler.roster.audit import (
    HARD_RULES,
    VIOLATION_COLUMNS,
    audit_roster,
    diagnose,
    summarise,
    violations_frame,
)
from tests.scheduler.roster.conftest import full_week, week_days


def test_a_valid_week_has_no_violation_and_a_zero_summary(
    make_inputs: Callable[..., Any],
) -> None:
    """Every hard rule is listed in the summary, each with 0."""
    violations = audit_roster(make_inputs(), full_week())
    assert violations == []
    assert summarise(violations) == {rule.name: 0 for rule in HARD_RULES}


def test_violations_are_counted_per_rule_and_tabulated(
    make_inputs: Callable[..., Any],
) -> None:
    """Four days are short of both days and hours."""
    violations = audit_roster(make_inputs(), full_week(days=week_days(4)))
    counts = summarise(violations)
    assert (counts["contract_hours"], counts["working_days"]) == (1, 1)
    frame = violations_frame(violations)
    assert tuple(frame.columns) == VIOLATION_COLUMNS
    assert frame["amount"].tolist() == [7.5, 1.0]


def test_the_sample_centre_diagnoses_clean(make_inputs: Callable[..., Any]) -> None:
    """Nothing in the sample centre's inputs makes a hard rule impossible."""
    findings = diagnose(make_inputs(agent_ids=None))
    assert findings == []
    assert tuple(violations_frame(findings).columns) == VIOLATION_COLUMNS


def test_hard_rules_have_unique_names() -> None:
    """Reports key violations by rule name."""
    names = [rule.name for rule in HARD_RULES]
    assert len(names) == len(set(names))
    assert all(rule.hard for rule in HARD_RULES)
