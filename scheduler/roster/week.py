"""A week's roster from requirements: diagnose, solve, audit, evaluate.

:func:`plan_roster` is what the CLI and the app call once requirements exist. It
asks every rule before the solve what in the inputs makes it impossible (a locked
shift that breaks rest, leave that leaves a contract short, too few agents for a
branch), solves, audits every hard rule on the finished roster with code that does
not use the model, and evaluates the roster with the staffing maths. Nothing here
raises for an infeasible plan: the best roster comes back with its gaps, the rules it
bent and whom they concern.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scheduler import schema as col
from scheduler.evaluate import Evaluation, evaluate_roster
from scheduler.roster.audit import audit_roster, diagnose, summarise, violations_frame
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.problem import RosterProblem, build_problem
from scheduler.roster.solve import Progress, RosterSolution, SolveSettings, solve_roster

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RosterPlan:
    """A solved, audited and evaluated week.

    Attributes
    ----------
    solution : RosterSolution
        The roster with its objective, bound, gap and penalty terms.
    evaluation : Evaluation
        ``coverage`` frame and ``kpis`` (``kpis["solver"]`` and
        ``kpis["audit"]`` included).
    violations : pandas.DataFrame
        Hard-rule breaches found by the audit (empty for a valid roster).
    findings : pandas.DataFrame
        What the pre-solve diagnosis found in the inputs.
    """

    solution: RosterSolution
    evaluation: Evaluation
    violations: pd.DataFrame
    findings: pd.DataFrame

    @property
    def roster(self) -> pd.DataFrame:
        """The roster frame."""
        return self.solution.roster

    @property
    def bent_rules(self) -> pd.DataFrame:
        """Penalty terms that are not zero, dearest first: what the plan gave up."""
        frame = self.solution.penalties
        return frame.sort_values("cost_cents", ascending=False, ignore_index=True)


def hints_from_roster(
    problem: RosterProblem, roster: pd.DataFrame
) -> dict[tuple[str, int], int]:
    """``(agent_id, day) -> template`` of the shifts of an earlier roster.

    Shifts that are not on the menu (nor locked) are left out.
    """
    index = {(t.start_slot, t.length_slots): i for i, t in enumerate(problem.templates)}
    zone = problem.centre.zone
    out: dict[tuple[str, int], int] = {}
    shifts = roster.groupby([col.AGENT_ID, col.DATE], sort=False).agg(
        start=(col.START, "min"), end=(col.END, "max")
    )
    for (agent, date), start, end in zip(
        shifts.index, shifts["start"], shifts["end"], strict=True
    ):
        day = (pd.Timestamp(date).date() - problem.inputs.week_start).days
        midnight = pd.Timestamp(date).tz_localize(zone)
        start_min = (start - midnight).total_seconds() / 60
        length_min = (end - start).total_seconds() / 60
        key = (
            round(start_min) // problem.slot_minutes,
            round(length_min) // problem.slot_minutes,
        )
        if 0 <= day < len(problem.inputs.days) and key in index:
            out[str(agent), day] = index[key]
    return out


def plan_roster(
    inputs: RosterInputs,
    requirements: pd.DataFrame,
    settings: SolveSettings | None = None,
    *,
    previous: pd.DataFrame | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> RosterPlan:
    """Diagnose, solve, audit and evaluate one week.

    Parameters
    ----------
    inputs : RosterInputs
        Centre, agents, availability, locked rows.
    requirements : pandas.DataFrame
        The week's requirements frame.
    settings : SolveSettings or None
        Mode, time limit, workers, seed and weights.
    previous : pandas.DataFrame or None
        An earlier roster to start from and stay close to (warm start).
    on_progress : callable or None
        Called with each improvement (objective and bound) during the solve.
    stop : threading.Event or None
        Set to stop the search early.
    """
    settings = settings or SolveSettings()
    findings = diagnose(inputs)
    for finding in findings:
        logger.warning("diagnosis: %s", finding.detail)
    problem = build_problem(inputs, requirements)
    hints = hints_from_roster(problem, previous) if previous is not None else None
    solution = solve_roster(
        problem, settings, on_progress=on_progress, stop=stop, hints=hints
    )
    violations = audit_roster(inputs, solution.roster)
    solver: dict[str, Any] = {
        "status": solution.status,
        "mode": settings.mode,
        "objective": solution.objective / 100,
        "best_bound": solution.best_bound / 100,
        "gap": solution.gap,
        "wall_s": solution.wall_s,
        "objective_unit": inputs.centre.costs.currency,
    }
    evaluation = evaluate_roster(
        solution.roster,
        requirements,
        inputs.centre,
        inputs.agents,
        email_carry_in_s=_single(solution.email_carry_in_s),
        solver=solver,
    )
    evaluation.kpis["audit"] = summarise(violations)
    evaluation.kpis["bent_rules"] = _bent(solution.penalties)
    return RosterPlan(
        solution=solution,
        evaluation=evaluation,
        violations=violations_frame(violations),
        findings=violations_frame(findings),
    )


def _single(carry: Mapping[str, float]) -> float | None:
    """The email carry-in when there is one deferrable channel."""
    return next(iter(carry.values())) if len(carry) == 1 else None


def _bent(penalties: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per rule: how many terms, how much in their unit, and what they cost."""
    if penalties.empty:
        return {}
    grouped = penalties.groupby("rule").agg(
        terms=("amount", "size"), amount=("amount", "sum"), cost=("cost_cents", "sum")
    )
    return {
        str(rule): {
            "terms": int(row["terms"]),
            "amount": float(row["amount"]),
            "cost": round(float(row["cost"]) / 100, 2),
        }
        for rule, row in grouped.iterrows()
    }
