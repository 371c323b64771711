"""Finding good staffing plans fast: LP bound, then a search of one day at a time.

The staffing model couples every slot of a shift through the running count of agents
present, so generic neighbourhoods rarely free all that one move (a shift from
Tuesday to Saturday, say) needs, and CP-SAT on the whole week improved the first plan
little (not at all on the S benchmark centre in 10 s). The search here frees one day
of some agent groups at a time, with the whole day's channel allocation, and lets
HiGHS's MIP solver (LP-based branch and bound, bundled with OR-Tools) re-plan it from
the current plan: a large-neighbourhood search whose neighbourhoods follow the week's
structure. Each sub-problem solves to optimality in seconds; an improvement is kept.
On the M benchmark centre it took the plan from 27 % above the LP bound to 1 % above
in 90 s. Groups whose plan pays for shifts no agent's week can pair go first, as
whole weeks: from M's first plan (8.0 % above the bound, 3.8k EUR of it pairing),
in the 21 s a 60-s solve leaves the search, plans ended 0.7, 0.9 and 1.0 % above
the bound (seeds 0-2) against 1.5, 3.6 and 2.2 % when such weeks came at
random.

The lower bound is the larger of CP-SAT's best bound and the optimum of the model's
LP relaxation, both bounds of the same model. The LP is solved by HiGHS's interior
point method with crossover: on the S benchmark centre it took 2.9 s where GLOP's
primal simplex took 10.6 s and HiGHS's dual simplex did not finish in 60 s; the long
running sums of agents present make simplex crawl on the whole week (a day at a
time, it is quick).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.linear_solver.python import model_builder as mb

from scheduler.roster.coverage import add_coverage
from scheduler.roster.master import (
    Backend,
    Fixed,
    MasterModel,
    Mode,
    Penalty,
    build_master,
)
from scheduler.roster.problem import RosterProblem
from scheduler.roster.weights import Weights

logger = logging.getLogger(__name__)

DAYS = 7
#: HiGHS settings: interior point, then crossover to a vertex (fewer fractional
#: shift counts to round).
LP_PARAMETERS = "solver=ipm\nrun_crossover=on\nthreads=1\noutput_flag=false"
#: HiGHS settings for MIPs: quiet, single-threaded (the gap is set per solve).
MIP_PARAMETERS = "output_flag=false\nthreads=1\nmip_heuristic_effort=0.2"
#: Shift-count variables a neighbourhood frees (one day of some groups): the S
#: centre's whole day, about 900, solved in about 5 s.
FREE_SHIFT_VARIABLES = 900
#: Every this many neighbourhoods, one group's whole week (the largest groups
#: first): on the S benchmark centre's 30-s solve, plans ended 1.9 % above the
#: bound with every neighbourhood a week, 3.6 % with every other, 5.0 % with
#: every third and random groups; on M (60 s), every other with the largest
#: first 1.0 and 0.9 % (seeds 0, 1), every third 0.7-1.0 %, every one 2.3 %
#: (its largest groups' weeks take 7 s each).
WEEK_EVERY = 2
#: Seconds HiGHS may spend on one neighbourhood.
WINDOW_LIMIT_S = 8.0


@dataclass(frozen=True, slots=True)
class Incumbent:
    """The best plan so far: every variable's value, by name.

    Attributes
    ----------
    by_name : dict of str to int
        Value of each variable of the staffing model by its name (absent: 0).
    objective : float
        Its objective in cents.
    """

    by_name: dict[str, int]
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
    b : dict
        ``(group, day, break rule, slot) -> agents`` starting that break
        (fractional).
    patterns : dict
        ``(group, days) -> agents`` working exactly those days (fractional).
    """

    objective: float
    n: dict[tuple[int, int, int], float]
    b: dict[tuple[int, int, int, int], float]
    patterns: dict[tuple[int, tuple[int, ...]], float] = field(default_factory=dict)


def linear_model(
    problem: RosterProblem,
    mode: Mode,
    weights: Weights,
    *,
    floor_share: float,
    email_carry_in_s: float | None,
    integer_counts: bool = False,
    agent_rules: bool = True,
    fixed: Fixed | None = None,
    break_order: bool = False,
) -> tuple[mb.Model, MasterModel]:
    """The staffing model with coverage and objective, for HiGHS.

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
    integer_counts : bool
        Counts of agents as integers (a MIP), else an LP.
    agent_rules : bool
        Post the group forms of the contract rules.
    fixed : Fixed or None
        Counts to hold fixed.
    break_order : bool
        Keep each group's breaks inside its shifts' windows (forward and
        backward constraints; see :func:`scheduler.roster.master.build_master`).
    """
    model = mb.Model()  # type: ignore[no-untyped-call]
    master = build_master(
        problem,
        Backend(model, integer_counts=integer_counts),
        agent_rules=agent_rules,
        fixed=fixed,
        weights=weights,
        break_order=break_order,
    )
    add_coverage(
        problem,
        master,
        mode,
        weights,
        floor_share=floor_share,
        email_carry_in_s=email_carry_in_s,
    )
    model.minimize(master.objective())
    return model, master


def solve_lp(
    problem: RosterProblem,
    mode: Mode,
    weights: Weights,
    *,
    floor_share: float,
    email_carry_in_s: float | None,
    time_limit_s: float,
    fixed: Fixed | None = None,
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
    fixed : Fixed or None
        Counts to hold fixed; with shift counts fixed, the breaks are kept in
        their shifts' windows.
    """
    model, master = linear_model(
        problem,
        mode,
        weights,
        floor_share=floor_share,
        email_carry_in_s=email_carry_in_s,
        fixed=fixed,
        break_order=fixed is not None,
    )
    solver = solve_linear(model, time_limit_s)
    if solver is None:
        return LpSolution(float("-inf"), {}, {})
    n = {key: float(solver.value(v)) for key, v in master.n.items()}
    b = {key: float(solver.value(v)) for key, v in master.b.items()}
    patterns = {key: float(solver.value(v)) for key, v in master.patterns.items()}
    return LpSolution(float(solver.objective_value), n, b, patterns)


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


def window_search(
    problem: RosterProblem,
    mode: Mode,
    weights: Weights,
    start: Incumbent,
    *,
    floor_share: float,
    email_carry_in_s: float | None,
    deadline: float,
    seed: int,
    target: float = float("-inf"),
    on_improve: Callable[[Incumbent], None] | None = None,
    stop: threading.Event | None = None,
) -> Incumbent:
    """Re-plan one day for some groups at a time around the incumbent (HiGHS MIPs).

    Each neighbourhood frees one day's shift and break counts of groups drawn at
    random until about :data:`FREE_SHIFT_VARIABLES` shift counts are free, and the
    channel allocation of every group on that day; everything else stays as in the
    incumbent. HiGHS solves the sub-problem (LP-based branch and bound: on the M
    benchmark centre each solved to optimality in 1-8 s, where CP-SAT's
    neighbourhoods of whole days rarely improved); a better plan is kept. Breaks
    are counted per group here, not kept to their shifts' windows: the forward
    and backward constraints made M's neighbourhoods hit their time limit (two
    in 18 s), for no better roster.

    One neighbourhood at a time: two solved at once in threads (each with its
    own model) ended M's 60-s plans 1.8 % above the bound against 0.7-1.0 % one
    at a time (seeds 0-2). The first improvements are large and overlap (two
    part-time groups' new weeks, each found from the first plan, priced 104.4k
    EUR together with the allocation re-solved, against 103.5k for the first
    alone and 102.6k re-planned one after the other), so a neighbourhood solved
    beside another was mostly wasted.

    Parameters
    ----------
    problem : RosterProblem
        The problem.
    mode : {"weekly", "interval"}
        Coverage mode.
    weights : Weights
        Prices of the terms.
    start : Incumbent
        A feasible plan of the staffing model (values by name).
    floor_share : float
        Weekly mode floor, as a share of the target.
    email_carry_in_s : float or None
        Email backlog at the start, agent-seconds.
    deadline : float
        ``time.monotonic()`` at which to stop.
    seed : int
        Seed of the neighbourhood choice.
    target : float
        Stop once the objective is at most this, in cents.
    on_improve : callable or None
        Called with each better plan.
    stop : threading.Event or None
        Set to stop early.

    Returns
    -------
    Incumbent
        The best plan found.
    """
    space = _Neighbourhoods(problem, mode, weights, floor_share, email_carry_in_s)
    master = space.master
    days = sorted({d for _, d in space.shifts})
    groups = sorted({g for g, _ in space.shifts})
    # Whole weeks of the largest groups first, then of groups drawn at random.
    largest = sorted(groups, key=lambda g: (-problem.groups[g].size, g))
    rng = random.Random(seed)
    best = start
    rounds = 0
    skip: set[int] = set()
    while (
        time.monotonic() < deadline - 0.5
        and best.objective > target
        and not (stop and stop.is_set())
    ):
        # Groups whose week breaks its contract's hours or pays for unpaired
        # shifts get their whole week in every other neighbourhood, one day of
        # some groups in between (on the M benchmark centre three such weeks in
        # a row took 14 of the search's 21 s and left the plan 2.2 % above the
        # bound, against 0.85 % with days between; on two other M centres the
        # same within 0.05 %). Once none is left, every other neighbourhood is
        # one group's whole week (the weekly rules couple its days, which a
        # day's neighbourhood cannot see), else one day of some groups.
        bent = [g for g in _weeks_to_fix(problem, master, best) if g not in skip]
        rounds += 1
        if bent and rounds % 2 == 1:
            job = ("week", bent[0])
        elif not bent and rounds % WEEK_EVERY == 0:
            job = ("week", largest.pop(0) if largest else rng.choice(groups))
        else:
            job = ("day", rng.choice(days))
        freed = space.free(best, job, rng)
        found = space.solve(min(WINDOW_LIMIT_S, deadline - time.monotonic()))
        if found is None or found.objective >= best.objective - 0.5:
            if bent and job == ("week", bent[0]):
                # No better week for it in time: leave it to the other windows.
                skip.add(bent[0])
            continue
        best = found
        logger.debug(
            "%s: objective %.0f",
            f"group {problem.groups[job[1]].key}, whole week"
            if job[0] == "week"
            else f"day {job[1]}, {len(freed)} groups",
            best.objective,
        )
        if on_improve is not None:
            on_improve(best)
    return best


class _Neighbourhoods:
    """The staffing model as a MIP for the search, its counts by group and day."""

    def __init__(
        self,
        problem: RosterProblem,
        mode: Mode,
        weights: Weights,
        floor_share: float,
        email_carry_in_s: float | None,
    ) -> None:
        model, master = linear_model(
            problem,
            mode,
            weights,
            floor_share=floor_share,
            email_carry_in_s=email_carry_in_s,
            integer_counts=True,
        )
        spd = problem.slots_per_day
        # (variable, group, day, whether it is an allocation) of every count.
        owned: list[tuple[Any, int, int, bool]] = []
        owned += [(v, g, d, False) for (g, d, _), v in master.n.items()]
        owned += [(v, g, d, False) for (g, d, _, _), v in master.b.items()]
        owned += [
            (v, g, min(t // spd, DAYS - 1), True) for (g, _, t), v in master.y.items()
        ]
        owned += [
            (v, g, min(t // spd, DAYS - 1), False)
            for (g, t), v in master.present.items()
        ]
        self.problem = problem
        self.model = model
        self.master = master
        self.owned = owned
        self.bounds = {v.index: (v.lower_bound, v.upper_bound) for v, *_ in owned}
        self.shifts: dict[tuple[int, int], int] = defaultdict(int)
        for g, d, _ in master.n:
            self.shifts[g, d] += 1
        #: What a plan holds: every count, day pattern and pairing slack.
        self.read = [v for v, *_ in owned] + list(master.patterns.values())
        self.read += [p.var for p in _pairing(master)]

    def free(
        self, best: Incumbent, job: tuple[str, int], rng: random.Random
    ) -> set[int]:
        """Free a neighbourhood's variables and fix the rest to ``best``.

        ``job`` is ``("week", group)`` or ``("day", day)``; a day frees groups
        drawn at random up to :data:`FREE_SHIFT_VARIABLES` shift counts, and
        every group's allocation. Returns the groups freed.
        """
        kind, which = job
        if kind == "week":
            free = {which}
        else:
            order = list(range(len(self.problem.groups)))
            rng.shuffle(order)
            free = set()
            size = 0
            for g in order:
                if free and size + self.shifts[g, which] > FREE_SHIFT_VARIABLES:
                    continue
                free.add(g)
                size += self.shifts[g, which]
        for v, g, d, allocation in self.owned:
            if (g in free and (kind == "week" or d == which)) or (
                kind == "day" and d == which and allocation
            ):
                v.lower_bound, v.upper_bound = self.bounds[v.index]
            else:
                v.lower_bound = v.upper_bound = best.by_name.get(v.name, 0)
        return free

    def solve(self, time_limit_s: float) -> Incumbent | None:
        """The best plan HiGHS finds with the bounds as they are, or ``None``."""
        solved = solve_mip(self.model, time_limit_s)
        if solved is None:
            return None
        solver = solved[0]
        return Incumbent(
            {v.name: round(solver.value(v)) for v in self.read}, solver.objective_value
        )


def _weeks_to_fix(
    problem: RosterProblem, master: MasterModel, plan: Incumbent
) -> list[int]:
    """Groups whose whole week needs re-planning, most urgent first.

    First the groups whose planned paid slots fall outside their contracts'
    weekly range, then those paying for long and short shifts that no agent's
    week can pair (``contract.hours_pairing``, most first): a whole week re-planned
    pairs them, where a day's neighbourhood can only trade one day's shifts (M
    benchmark centre: the rounded first plan paid 3.8k EUR of pairing, 3.0k of it
    for Saturday's long shifts of one part-time group).
    """
    paid: dict[int, int] = defaultdict(int)
    for (g, _, s), v in master.n.items():
        paid[g] += problem.templates[s].paid_slots * plan.by_name.get(v.name, 0)
    outside = [
        gi
        for gi, g in enumerate(problem.groups)
        if not g.size * g.min_paid_slots <= paid[gi] <= g.size * g.max_paid_slots
    ]
    index = {g.key: gi for gi, g in enumerate(problem.groups)}
    unpaired: dict[int, float] = defaultdict(float)
    for p in _pairing(master):
        unpaired[index[p.subject]] += plan.by_name.get(p.var.name, 0)
    ranked = sorted((-x, g) for g, x in unpaired.items() if x > 0)
    return outside + [g for _, g in ranked if g not in outside]


def _pairing(master: MasterModel) -> list[Penalty]:
    """The staffing model's pairing penalties (their slacks are plan variables)."""
    return [p for p in master.penalties if p.rule == "contract.hours_pairing"]


def solve_mip(
    model: mb.Model, time_limit_s: float, rel_gap: float = 0.001
) -> tuple[mb.Solver, bool] | None:
    """Solve a MIP with HiGHS to within ``rel_gap``, or its best solution in time.

    Parameters
    ----------
    model : model_builder.Model
        The MIP to minimise.
    time_limit_s : float
        Limit, in seconds.
    rel_gap : float
        Relative gap at which HiGHS stops (0.001: within 0.1 %).

    Returns
    -------
    tuple of (model_builder.Solver, bool) or None
        The solver holding the solution and whether it is proven optimal (within
        ``rel_gap``), or ``None`` when there is no solution.
    """
    solver = mb.Solver("highs")
    solver.set_solver_specific_parameters(f"{MIP_PARAMETERS}\nmip_rel_gap={rel_gap}")
    solver.set_time_limit_in_seconds(max(time_limit_s, 0.1))
    status = solver.solve(model)
    if status not in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE):
        logger.debug("MIP: HiGHS ended with %s", status)
        return None
    return solver, status == mb.SolveStatus.OPTIMAL
