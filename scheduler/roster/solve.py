"""Solving a week: staffing model, named agents, breaks, channels, and the gap.

1. The staffing model (:mod:`scheduler.roster.master` with
   :mod:`scheduler.roster.coverage`) is relaxed to an LP (HiGHS), whose optimum is
   a lower bound on the whole problem's objective; rounded, it is a first plan (a
   previous roster or a greedy week are the others; the cheapest starts).
2. On small weeks CP-SAT runs briefly on the whole staffing model from there
   (they come back proven optimal); then
   :func:`scheduler.roster.search.window_search` re-plans one day of some groups,
   or one group's whole week, at a time with HiGHS until :data:`PLAN_SHARE` of the
   time limit.
3. Each group's planned shifts go to named agents: a constructed week
   (:mod:`scheduler.roster.construct`) that CP-SAT checks and improves
   (:mod:`scheduler.roster.assign`).
4. HiGHS places every agent's breaks together with the channel allocation (from
   its LP relaxation, and for the whole week) and that roster is priced; unless
   HiGHS proved its placement optimal, the LP's placement rounded (or the breaks
   placed first deadline first from the plan,
   :mod:`scheduler.roster.break_placement`) is priced too, and the cheaper
   placement is kept.
5. The roster of named agents is priced exactly (:func:`price_counts`): the
   staffing model with every shift, break and day-pattern count fixed to the
   roster's, its channel allocation by HiGHS, its price by CP-SAT. That price plus
   the soft rules of the assignment is the roster's objective; the gap is measured
   against the bound of step 1 (or CP-SAT's, when higher).
6. Each agent gets a channel in each slot, from the group's allocation rearranged,
   at the same totals per channel and slot, for the fewest moves between channels
   (:mod:`scheduler.roster.channels`).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from ortools.linear_solver.python import model_builder as mb
from ortools.sat.python import cp_model

from scheduler import schema as col
from scheduler.roster.assign import assign_agents
from scheduler.roster.break_placement import place_breaks
from scheduler.roster.channels import (
    Quota,
    agent_channels,
    fewest_moves,
    present_slots,
)
from scheduler.roster.coverage import FloatArray, add_coverage, slot_values
from scheduler.roster.initial import (
    allocation_hint,
    default_breaks,
    initial_week,
    largest_remainder,
    rounded_breaks,
    rounded_counts,
)
from scheduler.roster.master import (
    Backend,
    Fixed,
    MasterModel,
    Mode,
    Penalty,
    build_master,
)
from scheduler.roster.problem import RosterProblem
from scheduler.roster.search import (
    Incumbent,
    LpSolution,
    linear_model,
    solve_linear,
    solve_lp,
    solve_mip,
    window_search,
)
from scheduler.roster.weights import DEFAULT_WEIGHTS, Weights

logger = logging.getLogger(__name__)

#: CP-SAT runs on the whole staffing model only up to this many shift-count
#: variables: it proves small weeks optimal, but on the benchmark centres (S has
#: 6,200) a tenth of the staffing time rarely improved the first plan, and the
#: day-by-day search makes better use of it.
CP_SAT_SHIFT_VARIABLES = 3000
#: Share of the time limit the LP relaxation may take (at least 3 s): on the S
#: centre HiGHS needs 3-5 s, and without it the gap is measured against the
#: contracts' minimum pay.
LP_SHARE = 0.5
#: Share of the time limit the LP placing the rounded shifts' breaks may take.
BREAK_LP_SHARE = 0.1
#: HiGHS's stopping gap for a priced roster's channel allocation. With the
#: shifts fixed the pay is a constant that dominates the objective: on the M
#: centre's first plan 0.1 % took 9.1 s and 0.5 % 3.5 s, for the same price.
ALLOCATION_REL_GAP = 0.005
#: Share of the time limit by which the staffing model's search ends.
PLAN_SHARE = 0.6
#: Share of the time then left that the assignment gets: it starts from a
#: constructed week that usually realises the plan, and CP-SAT only polishes it.
ASSIGN_SHARE = 0.35


@dataclass(frozen=True, slots=True)
class Progress:
    """One improvement of the staffing model during the solve.

    Attributes
    ----------
    wall_s : float
        Seconds since the solve began.
    objective : float
        Objective of the best solution so far, in cents.
    best_bound : float
        Best proven lower bound, in cents.
    """

    wall_s: float
    objective: float
    best_bound: float

    @property
    def gap(self) -> float:
        """Relative gap between objective and bound."""
        return abs(self.objective - self.best_bound) / max(abs(self.objective), 1.0)


@dataclass(frozen=True, slots=True)
class SolveSettings:
    """How to solve.

    Attributes
    ----------
    mode : {"weekly", "interval"}
        Coverage of live channels: the weekly service-level target with interval
        floors, or each interval's requirement.
    time_limit_s : float
        Wall-clock seconds for the whole solve.
    workers : int
        Threads: CP-SAT's search workers; with two or more, the final phase
        places breaks from the LP and for the whole week at once (HiGHS solves
        single-threaded).
    seed : int
        Random seed, for repeatable results.
    relative_gap : float
        Stop the staffing model once its gap is at most this.
    floor_share : float
        Weekly mode: each interval's floor reaches this share of the target.
    email_carry_in_s : float or None
        Email backlog at the start in agent-seconds; ``None`` for the steady state.
    weights : Weights
        Prices of every term of the objective.
    """

    mode: Mode = "weekly"
    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 0
    relative_gap: float = 0.002
    floor_share: float = 0.75
    email_carry_in_s: float | None = None
    weights: Weights = field(default_factory=lambda: DEFAULT_WEIGHTS)

    def __post_init__(self) -> None:
        if self.mode not in ("weekly", "interval"):
            raise ValueError(f"mode must be 'weekly' or 'interval', got {self.mode!r}")
        if not self.time_limit_s > 0:
            raise ValueError(
                f"time_limit_s must be > 0 seconds, got {self.time_limit_s!r}"
            )
        if self.workers < 1:
            raise ValueError(f"workers must be >= 1, got {self.workers!r}")


@dataclass(frozen=True)
class RosterSolution:
    """A solved week.

    Attributes
    ----------
    roster : pandas.DataFrame
        The roster frame (DESIGN section 3), one row per segment.
    status : str
        ``OPTIMAL`` when the staffing model was proven optimal and the assignment
        realised it exactly, else ``FEASIBLE``.
    objective : float
        The roster's objective in cents (pay plus every penalty).
    best_bound : float
        Proven lower bound on any roster's objective, in cents.
    wall_s : float
        Seconds spent.
    penalties : pandas.DataFrame
        Every penalty term that is not zero: ``rule, subject, when, amount, unit,
        cost_cents``.
    progress : list of Progress
        The staffing model's improvements over time.
    email_carry_in_s : dict of str to float
        Email backlog assumed at the start, per channel.
    """

    roster: pd.DataFrame
    status: str
    objective: float
    best_bound: float
    wall_s: float
    penalties: pd.DataFrame
    progress: list[Progress]
    email_carry_in_s: dict[str, float]

    @property
    def gap(self) -> float:
        """Relative gap between the roster's objective and the bound."""
        return max(self.objective - self.best_bound, 0.0) / max(
            abs(self.objective), 1.0
        )


class _Progress(cp_model.CpSolverSolutionCallback):
    """Reports CP-SAT's improvements, and later ones, as :class:`Progress`."""

    def __init__(
        self,
        started: float,
        on_progress: Callable[[Progress], None] | None,
        stop: threading.Event | None,
        lp_bound: float,
    ) -> None:
        super().__init__()
        self.started = started
        self.on_progress = on_progress
        self.stop = stop
        self.lp_bound = lp_bound
        self.history: list[Progress] = []

    def on_solution_callback(self) -> None:
        self.report(self.objective_value, self.best_objective_bound)
        if self.stop is not None and self.stop.is_set():
            self.stop_search()

    def report(self, objective: float, bound: float) -> None:
        """Record and pass on one improvement."""
        event = Progress(
            wall_s=time.monotonic() - self.started,
            objective=objective,
            best_bound=max(bound, self.lp_bound),
        )
        self.history.append(event)
        if self.on_progress is not None:
            self.on_progress(event)


def solve_roster(
    problem: RosterProblem,
    settings: SolveSettings | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    hints: Mapping[tuple[str, int], int] | None = None,
) -> RosterSolution:
    """Build the week's roster.

    Parameters
    ----------
    problem : RosterProblem
        The problem (:func:`scheduler.roster.problem.build_problem`).
    settings : SolveSettings or None
        Mode, time limit, workers, seed, weights.
    on_progress : callable or None
        Called with each improvement of the staffing model (objective and bound).
    stop : threading.Event or None
        Set it to stop the search early; the best roster so far comes back.
    hints : Mapping or None
        ``(agent_id, day) -> template`` of a previous roster: a warm start, and the
        assignment keeps agents on their shifts where it can.
    """
    settings = settings or SolveSettings()
    started = time.monotonic()
    weights = settings.weights
    lp = _lp(problem, settings, max(settings.time_limit_s * LP_SHARE, 3.0))
    starts = _first_counts(problem, settings, lp, hints)
    pricing_began = time.monotonic()
    first_price, master, start_values, _ = _cheapest_start(problem, settings, starts)
    pricing_s = (time.monotonic() - pricing_began) / len(starts)
    plan_until = started + settings.time_limit_s * PLAN_SHARE
    known_bound = max(lp.objective, contract_pay_bound(problem))
    callback = _Progress(started, on_progress, stop, known_bound)
    status = cp_model.UNKNOWN
    if len(master.n) <= CP_SAT_SHIFT_VARIABLES:
        # CP-SAT on the whole week first: it proves small weeks optimal at once.
        model, master, _ = _build(problem, settings, break_order=True)
        for v in _variables(model):
            model.add_hint(v, start_values.get(v.name, 0))
        solver = _solver(settings, max((plan_until - time.monotonic()) * 0.1, 1.0))
        solver.parameters.relative_gap_limit = settings.relative_gap
        status = solver.solve(model, callback)
    best = Incumbent(start_values, first_price.objective)
    bound = known_bound
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bound = max(solver.best_objective_bound, bound)
        if solver.objective_value < best.objective:
            values = {v.name: int(solver.value(v)) for v in _variables(model)}
            best = Incumbent(values, solver.objective_value)
    proven = status == cp_model.OPTIMAL
    target = bound / (1 - settings.relative_gap)
    if not proven and best.objective > target and time.monotonic() < plan_until:

        def improved(incumbent: Incumbent) -> None:
            callback.report(incumbent.objective, bound)

        best = window_search(
            problem,
            settings.mode,
            weights,
            best,
            floor_share=settings.floor_share,
            email_carry_in_s=settings.email_carry_in_s,
            deadline=plan_until,
            seed=settings.seed,
            target=target,
            on_improve=improved,
            stop=stop,
        )
    counts = {k: best.by_name.get(v.name, 0) for k, v in master.n.items()}
    break_counts = {k: best.by_name.get(v.name, 0) for k, v in master.b.items()}
    patterns = {k: best.by_name.get(v.name, 0) for k, v in master.patterns.items()}
    logger.info(
        "staffing model: objective %.0f, bound %.0f (LP %.0f), %.1f s",
        best.objective,
        bound,
        lp.objective,
        time.monotonic() - started,
    )
    on_channels: dict[str, FloatArray] = {
        name: np.zeros(problem.n_slots) for name in problem.channels
    }
    for (_, c, t), v in master.y.items():
        if t < problem.n_slots:
            on_channels[c][t] += best.by_name.get(v.name, 0)
    remaining = max(settings.time_limit_s - (time.monotonic() - started), 2.0)
    assignment = assign_agents(
        problem,
        counts,
        weights,
        time_limit_s=remaining * ASSIGN_SHARE,
        workers=settings.workers,
        seed=settings.seed,
        hints=hints,
        patterns=patterns,
        values=slot_values(
            problem,
            settings.mode,
            weights,
            on_channels,
            floor_share=settings.floor_share,
        ),
    )
    logger.info(
        "assignment: %s, %.0f planned shifts not realised, %.0f moved, %.1f s",
        assignment.status,
        sum(v for p, v in assignment.penalties if p.rule == "assign.count_deviation"),
        sum(v for p, v in assignment.penalties if p.rule == "assign.start_moved"),
        time.monotonic() - started,
    )
    planned = place_breaks(problem, assignment.shifts, break_counts)
    final, breaks, channels = _final(
        problem,
        settings,
        assignment.shifts,
        planned,
        started + settings.time_limit_s - time.monotonic(),
        pricing_s,
    )
    # The assignment's own terms for keeping to the plan (``assign.*``) steer it,
    # but are no rule of the problem: what an unrealised shift costs is in the
    # exact price of the roster already.
    rules = [
        (p, v) for p, v in assignment.penalties if not p.rule.startswith("assign.")
    ]
    soft = sum(p.cents_per_unit * value for p, value in rules)
    objective = final.objective + soft
    logger.info(
        "roster: objective %.0f, bound %.0f, %.1f s",
        objective,
        bound,
        time.monotonic() - started,
    )
    roster = roster_frame(problem, assignment.shifts, breaks, channels)
    exact = proven and objective <= best.objective + 0.5
    return RosterSolution(
        roster=roster,
        status="OPTIMAL" if exact else "FEASIBLE",
        objective=objective,
        best_bound=min(bound, objective),
        wall_s=time.monotonic() - started,
        penalties=_penalty_frame(final.penalties + rules),
        progress=callback.history,
        email_carry_in_s=first_price.email_carry_in_s,
    )


def contract_pay_bound(problem: RosterProblem) -> float:
    """Pay every roster owes at least: each agent's minimum hours at base rate (cents).

    Multipliers only raise pay and penalties are never negative, so no roster's
    objective is below this.
    """
    return sum(
        g.size * g.min_paid_slots * problem.slot_hours * g.contract.hourly_cost * 100
        for g in problem.groups
    )


def _solver(settings: SolveSettings, time_limit_s: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    return solver


@dataclass(frozen=True)
class _Final:
    objective: float
    penalties: list[tuple[Penalty, float]]
    email_carry_in_s: dict[str, float] = field(default_factory=dict)


def _build(
    problem: RosterProblem,
    settings: SolveSettings,
    fixed: Fixed | None = None,
    *,
    agent_rules: bool = True,
    break_order: bool = False,
) -> tuple[cp_model.CpModel, MasterModel, dict[str, float]]:
    """The staffing model with coverage and objective (counts fixed if given)."""
    model = cp_model.CpModel()
    master = build_master(
        problem,
        Backend(model),
        agent_rules=agent_rules,
        fixed=fixed,
        weights=settings.weights,
        break_order=break_order,
    )
    carry = add_coverage(
        problem,
        master,
        settings.mode,
        settings.weights,
        floor_share=settings.floor_share,
        email_carry_in_s=settings.email_carry_in_s,
    )
    model.minimize(master.objective())
    return model, master, carry


def _linear(
    problem: RosterProblem,
    settings: SolveSettings,
    *,
    fixed: Fixed,
    agent_rules: bool = True,
) -> tuple[mb.Model, MasterModel]:
    """The staffing model with counts fixed, as a MIP for HiGHS."""
    return linear_model(
        problem,
        settings.mode,
        settings.weights,
        floor_share=settings.floor_share,
        email_carry_in_s=settings.email_carry_in_s,
        integer_counts=True,
        agent_rules=agent_rules,
        fixed=fixed,
    )


def _variables(model: cp_model.CpModel) -> list[cp_model.IntVar]:
    proto = model.proto
    return [model.get_int_var_from_proto_index(i) for i in range(len(proto.variables))]


def counts_of(
    problem: RosterProblem,
    shifts: Mapping[tuple[str, int], int],
    breaks: Mapping[tuple[str, int, int], int],
) -> Fixed:
    """Shift, break and day-pattern counts per group of a roster of named agents."""
    group_of = {a: gi for gi, g in enumerate(problem.groups) for a in g.agent_ids}
    n: dict[tuple[int, int, int], int] = defaultdict(int)
    days: dict[str, list[int]] = {a: [] for a in group_of}
    for (a, d), s in shifts.items():
        n[group_of[a], d, s] += 1
        days[a].append(d)
    b: dict[tuple[int, int, int, int], int] = defaultdict(int)
    for (a, d, rule), offset in breaks.items():
        start = problem.templates[shifts[a, d]].start_slot
        b[group_of[a], d, rule, start + offset] += 1
    patterns: dict[tuple[int, tuple[int, ...]], int] = defaultdict(int)
    for a, worked in days.items():
        patterns[group_of[a], tuple(sorted(worked))] += 1
    return Fixed(n, b, patterns)


def _lp(
    problem: RosterProblem,
    settings: SolveSettings,
    time_limit_s: float,
    fixed: Fixed | None = None,
) -> LpSolution:
    """The staffing model's LP relaxation under the solve's settings."""
    return solve_lp(
        problem,
        settings.mode,
        settings.weights,
        floor_share=settings.floor_share,
        email_carry_in_s=settings.email_carry_in_s,
        time_limit_s=time_limit_s,
        fixed=fixed,
    )


def _first_counts(
    problem: RosterProblem,
    settings: SolveSettings,
    lp: LpSolution,
    hints: Mapping[tuple[str, int], int] | None,
) -> list[Fixed]:
    """Where the search may start: a previous roster and the rounded LP (the
    cheaper is taken, so a warm start from a roster made for other demand does not
    hold the search back), or the greedy when there is neither."""
    starts = []
    if hints:
        shifts = {k: v for k, v in hints.items() if k[0] in problem.agent_ids}
        starts.append(counts_of(problem, shifts, default_breaks(problem, shifts)))
    if lp.n:
        counts = rounded_counts(problem, lp.n, lp.patterns)
        # The LP's breaks may float away from the shifts that take them; with
        # the whole shifts fixed, an LP places them in their windows (S centre:
        # first plan 36.5k -> 32.4k EUR, for 1.2 s).
        placed = _lp(
            problem,
            settings,
            settings.time_limit_s * BREAK_LP_SHARE,
            Fixed(counts, None, None),
        )
        mass = placed.b or lp.b
        starts.append(Fixed(counts, rounded_breaks(problem, counts, mass)))
    if starts:
        return starts
    week = initial_week(
        problem,
        mode=settings.mode,
        weights=settings.weights,
        floor_share=settings.floor_share,
    )
    return [counts_of(problem, *week)]


def _cheapest_start(
    problem: RosterProblem, settings: SolveSettings, starts: list[Fixed]
) -> tuple[_Final, MasterModel, dict[str, int], cp_model.CpSolver]:
    """The cheapest of the starts that could be priced in time.

    Raises
    ------
    RuntimeError
        When none of them could (the machine is far too slow for the time limit).
    """
    priced = []
    for fixed in starts:
        try:
            priced.append(price_counts(problem, settings, fixed))
        except RuntimeError as err:
            logger.warning("a first roster was left out: %s", err)
    if not priced:
        raise RuntimeError(
            "no first roster could be priced in time; give the solve a longer time "
            "limit"
        )
    return min(priced, key=lambda one: one[0].objective)


def price_counts(
    problem: RosterProblem,
    settings: SolveSettings,
    fixed: Fixed,
    allocation: Mapping[str, int] | None = None,
) -> tuple[_Final, MasterModel, dict[str, int], cp_model.CpSolver]:
    """Solve the staffing model with shift and break counts fixed: allocation, price.

    With the counts fixed, what is left is which channel each present agent
    serves. A MIP solver (HiGHS, LP-based) finds that allocation within 0.1 % of
    its optimum in seconds, where CP-SAT alone, from a greedy allocation, ended
    three times dearer on the M benchmark centre (it has no good view of the
    email backlog across the week); CP-SAT then prices the allocation exactly in
    the model's own integer terms. Should the counts break the group rules
    outright (a plan kept as it was when an assignment ran out of time), the price
    leaves those rules to the audit.

    ``allocation`` (value of each allocation and day-pattern variable by name),
    when HiGHS has already chosen it with the counts, saves solving for it again.
    """
    limit_s = max(settings.time_limit_s * 0.05, 3.0)
    for agent_rules in (True, False):
        model, master, carry = _build(problem, settings, fixed, agent_rules=agent_rules)
        chosen = (
            allocation
            if allocation is not None and agent_rules
            else _mip_allocation(problem, settings, fixed, agent_rules, 2 * limit_s)
        )
        if chosen is not None:
            for v in itertools.chain(master.y.values(), master.patterns.values()):
                if v.name in chosen:
                    model.add(v == chosen[v.name])
        elif fixed.b is not None:
            channels = allocation_hint(
                problem,
                fixed.n,
                fixed.b,
                mode=settings.mode,
                weights=settings.weights,
                floor_share=settings.floor_share,
            )
            for key, v in master.y.items():
                model.add_hint(v, channels.get(key, 0))
        for attempt_s in (limit_s, 4 * limit_s):  # a busy machine may need longer
            solver = _solver(settings, attempt_s)
            solver.parameters.relative_gap_limit = 0.001
            status = solver.solve(model)
            if status != cp_model.UNKNOWN:
                break
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        logger.warning(
            "pricing with%s group rules: %s",
            "" if agent_rules else "out",
            solver.status_name(status),
        )
    else:
        raise RuntimeError(f"pricing a roster failed: {solver.status_name(status)}")
    terms = [(p, float(solver.value(p.var))) for p in master.penalties]
    values = {v.name: int(solver.value(v)) for v in _variables(model)}
    final = _Final(solver.objective_value, [t for t in terms if t[1] > 0], carry)
    return final, master, values, solver


def _mip_allocation(
    problem: RosterProblem,
    settings: SolveSettings,
    fixed: Fixed,
    agent_rules: bool,
    time_limit_s: float,
) -> dict[str, int] | None:
    """Channel allocation and day patterns of fixed counts, by HiGHS's MIP solver.

    Returns
    -------
    dict of str to int or None
        Value of every allocation (``y``) and day-pattern variable by name, or
        ``None`` (logged) when HiGHS found no allocation in time.
    """
    model, master = _linear(problem, settings, fixed=fixed, agent_rules=agent_rules)
    solved = solve_mip(model, time_limit_s, ALLOCATION_REL_GAP)
    if solved is not None:
        solver = solved[0]
        return {
            v.name: round(solver.value(v))
            for v in itertools.chain(master.y.values(), master.patterns.values())
        }
    logger.info("allocation: HiGHS found none in %.1f s; rounding the LP", time_limit_s)
    counts = [*master.n.values(), *master.b.values(), *master.patterns.values()]
    for v in [*counts, *master.present.values(), *master.y.values()]:
        v.is_integral = False
    relaxed = solve_linear(model, time_limit_s)
    if relaxed is None:
        return None
    by_slot: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    for (g, _, t), v in master.y.items():
        by_slot[g, t][v.name] = relaxed.value(v)
    out: dict[str, int] = {}
    for (g, t), shares in by_slot.items():
        out |= largest_remainder(shares, round(relaxed.value(master.present[g, t])))
    return out


def _final(
    problem: RosterProblem,
    settings: SolveSettings,
    shifts: Mapping[tuple[str, int], int],
    planned: Mapping[tuple[str, int, int], int],
    time_limit_s: float,
    pricing_s: float,
) -> tuple[_Final, dict[tuple[str, int, int], int], dict[tuple[str, int], str]]:
    """Place every agent's breaks, price the roster exactly, give everyone a channel.

    HiGHS places every agent's break of each rule within its window together
    with the channel allocation (:func:`_mip_breaks`), in the time left less one
    and a half pricings (``pricing_s``: what pricing a first plan took), and that
    roster is priced with HiGHS's allocation. Unless HiGHS proved its placement
    optimal, the LP relaxation's placement rounded (or, without it, the
    ``planned`` breaks, placed earliest deadline first from the staffing model's
    break counts) is priced too and the cheaper kept. (Pricing the planned breaks
    first and solving the allocation again for HiGHS's placement left HiGHS 11 s
    of M's 30 s: roster 113.6k EUR, against 105.4k EUR with the time for HiGHS.)
    """
    began = time.monotonic()
    # Room for pricing HiGHS's placement and, should it not be proven, another.
    deadline = began + time_limit_s - 1.5 * pricing_s
    # The cheaper placement's price, breaks and the priced model it came from; the
    # channels are given once, to the placement kept.
    best: (
        tuple[_Final, dict[tuple[str, int, int], int], MasterModel, cp_model.CpSolver]
        | None
    ) = None
    proven = False
    fallback = dict(planned)
    if deadline - time.monotonic() >= 2.0:
        placed, rounded = _mip_breaks(problem, settings, shifts, deadline)
        fallback = rounded or fallback
        if placed is not None:
            _, breaks, allocation, proven = placed
            price, master, _, solver = price_counts(
                problem, settings, counts_of(problem, shifts, breaks), allocation
            )
            best = (price, breaks, master, solver)
    if best is None or not (proven or best[1] == fallback):
        price, master, _, solver = price_counts(
            problem, settings, counts_of(problem, shifts, fallback)
        )
        if best is None or price.objective < best[0].objective:
            if best is not None:
                logger.info("break placement: the rounded or planned one kept")
            best = (price, fallback, master, solver)
    price, breaks, master, solver = best
    return price, breaks, _channels(problem, master, solver, shifts, breaks)


def _mip_breaks(
    problem: RosterProblem,
    settings: SolveSettings,
    shifts: Mapping[tuple[str, int], int],
    deadline: float,
) -> tuple[_Placement | None, dict[tuple[str, int, int], int] | None]:
    """Each agent's break starts, chosen with the allocation by HiGHS's MIP solver.

    The staffing model with the roster's shift counts fixed, and each agent's
    break of each rule a choice of start within its window (a locked break kept),
    the group's break counts being the sums of those choices
    (:class:`_BreakModel`). HiGHS may find no placement of the whole week in time
    (M benchmark centre: proven in 4-6 s on most rosters, on some none in 10 s),
    yet its LP relaxation takes 2-3 s and places most breaks whole (865 of M's
    1,013 on one roster, 101.2k EUR). So the LP is solved, its whole breaks held
    where it put them, and HiGHS places the rest with the allocation (that
    roster: 101.3k EUR proven in 3.5 s, and 101.3-101.7k in 3.4-9.2 s on three
    others); the LP's placement rounded (each break where most of it is) is a
    placement too, priced when no MIP's is proven (101.4-102.0k, against
    105.4-105.6k for the planned breaks). With two workers the whole week is
    placed on the other core meanwhile, until the deadline, and the cheaper MIP
    placement is kept.

    Parameters
    ----------
    deadline : float
        ``time.monotonic()`` by which to be done (at least 2 s of solving).

    Returns
    -------
    tuple of (_Placement or None, dict or None)
        The cheaper MIP placement (``None``, logged, when HiGHS found none in
        time), and the LP's placement rounded (``None`` when the LP was not
        solved in time): ``(agent_id, day, rule) -> offset`` in slots from the
        shift's start.
    """
    whole: list[_Placement | None] = [None]

    def run() -> None:
        whole[0] = _BreakModel(problem, settings, shifts).solve(deadline, "whole week")

    helper = None
    if settings.workers >= 2:
        helper = threading.Thread(target=run, name="breaks", daemon=True)
        helper.start()
    model = _BreakModel(problem, settings, shifts)
    shares = model.relax(deadline)
    rounded = None
    from_lp = None
    if shares is not None:
        rounded = {which: max(s, key=lambda o: s[o]) for which, s in shares.items()}
        model.hold_whole(shares)
        from_lp = model.solve(deadline, "from the LP")
    if helper is not None:
        helper.join()
    placements = [f for f in (whole[0], from_lp) if f is not None]
    if not placements:
        return None, rounded
    return min(placements, key=lambda f: f[0]), rounded


#: A break placement: HiGHS's objective (cents), the break starts, the allocation
#: and day-pattern values by name, and whether it is proven optimal.
_Placement = tuple[float, dict[tuple[str, int, int], int], dict[str, int], bool]
#: An LP relaxation's share of each break at each of its starts.
_Shares = dict[tuple[str, int, int], dict[int, float]]


class _BreakModel:
    """The staffing model with a roster's shifts fixed and a break choice per agent."""

    def __init__(
        self,
        problem: RosterProblem,
        settings: SolveSettings,
        shifts: Mapping[tuple[str, int], int],
    ) -> None:
        group_of = {a: gi for gi, g in enumerate(problem.groups) for a in g.agent_ids}
        fixed = counts_of(problem, shifts, {})
        model, master = _linear(
            problem, settings, fixed=Fixed(fixed.n, None, fixed.patterns)
        )
        choice: dict[tuple[str, int, int], dict[int, Any]] = {}
        members: dict[tuple[int, int, int, int], list[Any]] = defaultdict(list)
        for (a, d), s in shifts.items():
            g = problem.groups[group_of[a]]
            t = problem.templates[s]
            locked = dict(g.locked[d].breaks) if d in g.locked else {}
            for w in t.breaks:
                offsets = [locked[w.rule]] if w.rule in locked else list(w.starts)
                options = {
                    o: model.new_bool_var(f"z[{a},{d},{w.rule},{o}]") for o in offsets
                }
                model.add(mb.LinearExpr.sum(list(options.values())) == 1)
                choice[a, d, w.rule] = options
                for o, z in options.items():
                    members[group_of[a], d, w.rule, t.start_slot + o].append(z)
        for key, v in master.b.items():
            model.add(v == mb.LinearExpr.sum(members.get(key, [])))
        self.model = model
        self.choice = choice
        self.allocated = [*master.y.values(), *master.patterns.values()]

    def relax(self, deadline: float) -> _Shares | None:
        """The LP relaxation's breaks, or ``None`` (logged) if not solved in time."""
        model = self.model
        integral = [
            v
            for v in (model.var_from_index(i) for i in range(model.num_variables))
            if v.is_integral
        ]
        for v in integral:
            v.is_integral = False
        try:
            solver = solve_linear(model, deadline - time.monotonic())
        finally:
            for v in integral:
                v.is_integral = True
        if solver is None:
            logger.info("break placement: its LP relaxation was not solved in time")
            return None
        return {
            which: {o: float(solver.value(z)) for o, z in options.items()}
            for which, options in self.choice.items()
        }

    def hold_whole(self, shares: _Shares) -> None:
        """Keep each break the LP placed whole at its start; the rest stay free."""
        for which, options in self.choice.items():
            for o, z in options.items():
                if shares[which][o] > 1 - 1e-6:
                    z.lower_bound = 1

    def solve(self, deadline: float, label: str) -> _Placement | None:
        """The placement HiGHS finds by ``deadline`` (at least 2 s), or ``None``."""
        solved = solve_mip(self.model, max(deadline - time.monotonic(), 2.0))
        if solved is None:
            logger.info("break placement (%s): HiGHS found none in time", label)
            return None
        solver, optimal = solved
        placed = {
            which: next(o for o, z in options.items() if solver.value(z) > 0.5)
            for which, options in self.choice.items()
        }
        allocation = {v.name: round(solver.value(v)) for v in self.allocated}
        logger.info(
            "break placement (%s): %.0f%s",
            label,
            solver.objective_value,
            ", proven" if optimal else "",
        )
        return solver.objective_value, placed, allocation, optimal


def _channels(
    problem: RosterProblem,
    master: MasterModel,
    solver: cp_model.CpSolver,
    shifts: Mapping[tuple[str, int], int],
    breaks: Mapping[tuple[str, int, int], int],
) -> dict[tuple[str, int], str]:
    """Channel of each agent in each slot they work, from the group allocation
    rearranged for the fewest moves (:mod:`scheduler.roster.channels`)."""
    quota: Quota = defaultdict(dict)
    for (gi, c, t), v in master.y.items():
        value = int(solver.value(v))
        if value:
            quota[gi, t][c] = value
    present = present_slots(problem, shifts, breaks)
    return agent_channels(problem, fewest_moves(problem, quota), present)


def roster_frame(
    problem: RosterProblem,
    shifts: Mapping[tuple[str, int], int],
    breaks: Mapping[tuple[str, int, int], int],
    channels: Mapping[tuple[str, int], str],
) -> pd.DataFrame:
    """The roster as segments: ``agent_id, date, start, end, activity, channel``."""
    rows = []
    zone = problem.centre.zone
    base = pd.Timestamp(problem.inputs.week_start)
    minutes = problem.slot_minutes

    def stamp(slot: int) -> pd.Timestamp:
        return (base + pd.Timedelta(minutes=slot * minutes)).tz_localize(
            zone, ambiguous=True, nonexistent="shift_forward"
        )

    for (a, d), s in sorted(shifts.items()):
        first, end = problem.shift_span(d, s)
        activity = {}
        for w in problem.templates[s].breaks:
            offset = breaks.get((a, d, w.rule))
            if offset is None:
                continue
            for k in range(first + offset, first + offset + w.duration_slots):
                activity[k] = w.activity
        date = problem.inputs.days[d]
        current: tuple[str, str] | None = None
        seg_start = first
        for t in range(first, end + 1):
            key = None
            if t < end:
                act = activity.get(t, "work")
                key = (act, channels.get((a, t), "") if act == "work" else "")
            if key != current:
                if current is not None:
                    rows.append(
                        (a, date, stamp(seg_start), stamp(t), current[0], current[1])
                    )
                current, seg_start = key, t
    return pd.DataFrame(rows, columns=list(col.ROSTER_COLUMNS))


def _penalty_frame(terms: list[tuple[Penalty, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (p.rule, p.subject, p.when, value, p.unit, p.cents_per_unit * value)
            for p, value in terms
        ],
        columns=["rule", "subject", "when", "amount", "unit", "cost_cents"],
    )
