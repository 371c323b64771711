"""A scenario evaluated two ways: keep today's roster, and re-plan for it.

*Keep the roster* answers "what happens to service if this changes and we do
nothing": the base plan's roster (less any agents the scenario removes) is
evaluated with the staffing maths against the scenario's requirements. *Re-plan*
answers "what would it take": the optimiser builds the scenario's own roster, warm
started from the base roster, and reports its paid hours, cost, FTE and weekly
service level. Both give the cost per contact by channel, which is how a centre
decides where to steer customers.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scheduler import schema as col
from scheduler.agents import AGENT_ID
from scheduler.evaluate import Evaluation, evaluate_roster
from scheduler.plan import Plan, solve_plan
from scheduler.requirements import compute_requirements
from scheduler.roster.solve import Progress, SolveSettings
from scheduler.scenarios.changes import Change, ScenarioInputs
from scheduler.units import SECONDS_PER_HOUR

logger = logging.getLogger(__name__)

#: Weekly hours of one full-time equivalent, for the FTE figure.
FTE_HOURS = 37.5

KEEP_ROSTER = "keep_roster"
REPLAN = "replan"


@dataclass(frozen=True)
class Scenario:
    """A named list of changes to a base plan.

    Attributes
    ----------
    name : str
        For people: "20 % deflection to chat".
    changes : tuple of Change
        Applied in order.
    """

    name: str
    changes: tuple[Change, ...] = ()

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """The inputs with every change made in order (``inputs`` is untouched)."""
        for change in self.changes:
            inputs = change.apply(inputs)
        return inputs

    def records(self) -> tuple[dict[str, Any], ...]:
        """The changes as JSON-ready mappings."""
        return tuple(change.record() for change in self.changes)


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario's requirements and its two evaluations.

    Attributes
    ----------
    scenario : Scenario
        What was changed.
    inputs : ScenarioInputs
        The changed centre, agents and forecast.
    requirements : pandas.DataFrame
        The scenario's requirements frame.
    kept_roster : pandas.DataFrame
        The base roster less the shifts of agents the scenario removes.
    keep_roster : Evaluation
        ``kept_roster`` against the scenario's requirements.
    replan : Plan or None
        The roster built for the scenario (``None`` when not asked for).
    """

    scenario: Scenario
    inputs: ScenarioInputs
    requirements: pd.DataFrame
    kept_roster: pd.DataFrame
    keep_roster: Evaluation
    replan: Plan | None = None

    def summary(self) -> dict[str, Any]:
        """The figures a supervisor compares, JSON-ready.

        ``required_agent_hours`` per channel, and for ``keep_roster`` and
        ``replan`` each: ``weekly_service_level``, ``cost_per_contact`` and
        ``meets_target`` per channel, ``paid_hours``, ``cost``, ``fte`` and
        (replan) the solver's status and gap.
        """
        hours = required_agent_hours(self.requirements, self.inputs.centre.interval_s)
        out: dict[str, Any] = {
            "scenario": self.scenario.name,
            "required_agent_hours": hours,
            KEEP_ROSTER: outcome_figures(self.keep_roster.kpis),
        }
        if self.replan is not None:
            out[REPLAN] = outcome_figures(self.replan.kpis)
        return out


def required_agent_hours(
    requirements: pd.DataFrame, interval_s: int
) -> dict[str, float]:
    """Required agent-hours per channel (fractional, after shrinkage)."""
    sums = requirements.groupby(col.CHANNEL, sort=False)[col.REQUIRED_FRACTIONAL].sum()
    return {
        str(name): round(float(value) * interval_s / SECONDS_PER_HOUR, 2)
        for name, value in sums.items()
    }


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def outcome_figures(kpis: dict[str, Any]) -> dict[str, Any]:
    """Weekly service level, cost per contact, paid hours, cost and FTE of KPIs."""
    channels = kpis["channels"]
    overall = kpis["overall"]
    paid = _finite(overall.get("paid_hours"))
    figures: dict[str, Any] = {
        "weekly_service_level": {
            name: _finite(k.get("service_level")) for name, k in channels.items()
        },
        "meets_target": {name: bool(k["meets_target"]) for name, k in channels.items()},
        "cost_per_contact": {
            name: _finite(k.get("cost_per_contact")) for name, k in channels.items()
        },
        "paid_hours": paid,
        "cost": _finite(overall.get("cost")),
        "fte": None if paid is None else round(paid / FTE_HOURS, 2),
    }
    solver = kpis.get("solver")
    if solver:
        figures["status"] = solver.get("status")
        figures["gap"] = _finite(solver.get("gap"))
    return figures


def scenario_inputs(plan: Plan) -> ScenarioInputs:
    """What a plan was made from, as the starting point of a scenario."""
    return ScenarioInputs(
        centre=plan.centre,
        agents=plan.agents,
        forecast=plan.forecast,
        week_start=plan.week_start,
        availability=plan.availability,
    )


def keep_roster(
    plan: Plan, inputs: ScenarioInputs
) -> tuple[pd.DataFrame, pd.DataFrame, Evaluation]:
    """The base roster evaluated against a scenario.

    Shifts of agents the scenario removes are dropped; agents it adds have none.

    Returns
    -------
    tuple
        The scenario's requirements, the roster kept and its evaluation.
    """
    requirements = compute_requirements(inputs.forecast, inputs.centre)
    roster = plan.roster.loc[plan.roster[AGENT_ID].isin(inputs.agents[AGENT_ID])]
    roster = roster.reset_index(drop=True)
    evaluation = evaluate_roster(roster, requirements, inputs.centre, inputs.agents)
    return requirements, roster, evaluation


def run_scenario(
    base: Plan,
    scenario: Scenario,
    *,
    replan: bool = True,
    settings: SolveSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> ScenarioResult:
    """Evaluate a scenario with the base roster and, if asked, re-plan it.

    Parameters
    ----------
    base : Plan
        The plan the scenario changes (never modified).
    scenario : Scenario
        The changes.
    replan : bool
        Also build the scenario's own roster (takes the solve's time limit).
    settings : SolveSettings or None
        Settings of the re-plan's solve (mode, time limit in seconds, workers).
    on_progress : callable or None
        Called with each improvement of the re-plan's solve.
    stop : threading.Event or None
        Set to stop the re-plan early (its best roster so far is kept).

    Returns
    -------
    ScenarioResult
        Requirements, the keep-roster evaluation and the re-planned plan.

    Raises
    ------
    InvalidInputError
        When a change does not fit the base (an unknown channel, a share above 1).
    """
    inputs = scenario.apply(scenario_inputs(base))
    requirements, kept_roster, kept = keep_roster(base, inputs)
    planned = None
    if replan:
        planned = solve_plan(
            inputs.centre,
            inputs.agents,
            inputs.week_start,
            inputs.forecast,
            availability=inputs.availability,
            previous=kept_roster,
            settings=settings,
            on_progress=on_progress,
            stop=stop,
            name=scenario.name,
            changes=scenario.records(),
        )
    logger.info("scenario %r evaluated (replan=%s)", scenario.name, replan)
    return ScenarioResult(
        scenario=scenario,
        inputs=inputs,
        requirements=requirements,
        kept_roster=kept_roster,
        keep_roster=kept,
        replan=planned,
    )
