"""Finding good staffing plans fast: LP bound, CP-SAT, then day-window search.

The staffing model couples every slot of a shift through the running count of agents
present, so CP-SAT's generic neighbourhoods rarely free all that one move (a shift
from Tuesday to Saturday, say) needs. This module adds the neighbourhood that does:
fix every shift and break count outside one or two days, free those days whole, and
let CP-SAT re-plan them from the current plan (a large-neighbourhood search whose
neighbourhoods follow the week's structure). Each sub-problem is small enough to
solve in seconds; an improvement is kept.

The lower bound is the larger of CP-SAT's best bound and the optimum of the model's
LP relaxation, both bounds of the same model. The LP is solved by HiGHS's interior
point method with crossover (bundled with OR-Tools): on the S benchmark centre it
took 2.9 s where GLOP's primal simplex took 10.6 s and HiGHS's dual simplex did not
finish in 60 s; the long running sums of agents present make simplex crawl.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.linear_solver.python import model_builder as mb
from ortools.sat.python import cp_model

from scheduler.roster.coverage import add_coverage
from scheduler.roster.master import Backend, MasterModel, Mode, build_master
from scheduler.roster.problem import RosterProblem
from scheduler.roster.weights import Weights

logger = logging.getLogger(__name__)

DAYS = 7
#: HiGHS settings: interior point, then crossover to a vertex (fewer fractional
#: shift counts to round).
LP_PARAMETERS = "solver=ipm\nrun_crossover=on\nthreads=1\noutput_flag=false"


@dataclass(frozen=True, slots=True)
class Incumbent:
    """The best plan so far: every variable's value, by model index.

    Attributes
    ----------
    solution : list of int
        Value of each variable of the CP-SAT model, by proto index.
    objective : float
        Its objective in cents.
    """

    solution: list[int]
    objective: float


@dataclass(frozen=True)
class LpSolution:
    """The staffing model's LP relaxation, solved.

    Attributes
    ----------
    objective : float
        Its optimum in cents (``-inf`` when HiGHS did not prove one): a lower
        bound on every roster's objective.
    n : dict
        ``(group, day, template) -> agents`` (fractional).
    """

    objective: float
    n: dict[tuple[int, int, int], float]


def solve_lp(
    problem: RosterProblem,
    mode: Mode,
    weights: Weights,
    *,
    floor_share: float,
    email_carry_in_s: float | None,
    time_limit_s: float,
) -> LpSolution:
    """Solve the staffing model's LP relaxation.

    Parameters
    ----------
    problem : RosterProblem
        The problem.
    mode : {"weekly", "interval"}
        Coverage mode.
    weights : Weights
        Prices of the terms.
    floor_share : float
        Weekly mode floor, as a share of the target.
    email_carry_in_s : float or None
        Email backlog at the start, agent-seconds.
    time_limit_s : float
        Limit for the LP solver, in seconds.
    """
    model = mb.Model()  # type: ignore[no-untyped-call]
    master = build_master(problem, Backend(model), weights=weights)
    add_coverage(
        problem,
        master,
        mode,
        weights,
        floor_share=floor_share,
        email_carry_in_s=email_carry_in_s,
    )
    model.minimize(master.objective())
    solver = solve_linear(model, time_limit_s)
    if solver is None:
        return LpSolution(float("-inf"), {})
    n = {key: float(solver.value(v)) for key, v in master.n.items()}
    return LpSolution(float(solver.objective_value), n)


def solve_linear(model: mb.Model, time_limit_s: float) -> mb.Solver | None:
    """Solve a linear programme with HiGHS (interior point and crossover).

    Parameters
    ----------
    model : model_builder.Model
        The LP to minimise.
    time_limit_s : float
        Limit, in seconds (at least 1).

    Returns
    -------
    model_builder.Solver or None
        The solver holding the optimum, or ``None`` (logged) when none was proven
        in time.
    """
    solver = mb.Solver("highs")
    solver.set_solver_specific_parameters(LP_PARAMETERS)
    solver.set_time_limit_in_seconds(max(time_limit_s, 1.0))
    status = solver.solve(model)
    if status != mb.SolveStatus.OPTIMAL:
        logger.info("LP: HiGHS ended with %s", status)
        return None
    return solver


def day_window_search(
    model: cp_model.CpModel,
    master: MasterModel,
    start: Incumbent,
    *,
    deadline: float,
    workers: int,
    seed: int,
    on_improve: Callable[[Incumbent], None] | None = None,
    stop: threading.Event | None = None,
) -> Incumbent:
    """Re-plan one or two days at a time around the incumbent until the deadline.

    Parameters
    ----------
    model : CpModel
        The full staffing model.
    master : MasterModel
        Its variables (shift counts ``n``, break counts ``b`` keyed by day).
    start : Incumbent
        A feasible plan.
    deadline : float
        ``time.monotonic()`` at which to stop.
    workers, seed : int
        CP-SAT workers and seed for each sub-problem.
    on_improve : callable or None
        Called with each better plan.
    stop : threading.Event or None
        Set to stop early.

    Returns
    -------
    Incumbent
        The best plan found.
    """
    rng = random.Random(seed)
    by_day: dict[int, list[int]] = {d: [] for d in range(DAYS)}
    for (_, d, _), v in master.n.items():
        by_day[d].append(v.index)
    for (_, d, _, _), v in master.b.items():
        by_day[d].append(v.index)
    slots_per_day = max(t for _, t in master.present) // DAYS + 1
    for (_, _, t), v in master.y.items():
        by_day[min(t // slots_per_day, DAYS - 1)].append(v.index)
    best = start
    windows = [(d,) for d in range(DAYS)] + [
        (a, b) for a in range(DAYS) for b in range(a + 1, DAYS)
    ]
    budget_s = 3.0
    while time.monotonic() < deadline - 0.5 and not (stop and stop.is_set()):
        free = set(rng.choice(windows))
        sub = model.clone()
        sub.clear_hints()  # type: ignore[no-untyped-call]
        proto = sub.proto
        for d, indices in by_day.items():
            if d in free:
                continue
            for i in indices:
                proto.variables[i].domain[0] = best.solution[i]
                proto.variables[i].domain[1] = best.solution[i]
        proto.solution_hint.vars.extend(range(len(best.solution)))
        proto.solution_hint.values.extend(best.solution)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = min(
            budget_s, deadline - time.monotonic()
        )
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = rng.randrange(1 << 30)
        status = solver.solve(sub)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        if solver.objective_value < best.objective - 0.5:
            best = Incumbent(
                list(solver.response_proto.solution), solver.objective_value
            )
            logger.debug("days %s: objective %.0f", sorted(free), best.objective)
            if on_improve is not None:
                on_improve(best)
    return best
