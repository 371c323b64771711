"""The staffing model: how many of each agent group work each shift, and on what.

Variables, per agent group ``g`` (see :mod:`scheduler.roster.problem`):

* ``n[g, d, s]`` agents of ``g`` working shift template ``s`` on day ``d``;
* ``b[g, d, r, k]`` of them starting the break of rule ``r`` at slot ``k`` of day
  ``d``. Breaks of one rule are counted, not assigned: as many as the day's shifts
  that need one, each at a slot some such shift's window allows. (Conditions that
  every count is also assignable made the LP several times slower for a bound
  within 0.1 %, so they are left to :mod:`scheduler.roster.break_placement` and to
  the exact pricing of :mod:`scheduler.roster.solve`, which place every agent's
  break.)
* ``present[g, t]`` agents at work and not on a break in slot ``t`` (a running sum
  of shift starts and ends and break starts and ends);
* ``y[g, c, t]`` of them on channel ``c``: every present agent is on one of their
  channels that is open.

The group rules hold exactly for working days (each agent of a group works one day
pattern that keeps the contract's day rules) and in sum for weekly hours, which every
roster of named agents satisfies; the per-agent rules are for
:mod:`scheduler.roster.assign`. So this model's optimum bounds the whole problem's
from below, and its best bound is the bound the gap is measured against.

Coverage per channel (``scheduler.roster.coverage``) and the objective are added by
the functions here; every penalty is a named term.

The same builder writes the model for CP-SAT (integers) or for an LP solver
(continuous variables, through ``model_builder``): the LP relaxation bounds the
objective and, rounded, starts the search; without agent rules it gives the LP
bound on paid hours (:mod:`scheduler.roster.bound`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from ortools.linear_solver.python import model_builder as mb
from ortools.sat.python import cp_model

from scheduler.roster.problem import (
    AgentGroup,
    RosterProblem,
    day_pattern_ok,
    preferred_days,
)
from scheduler.roster.weights import DEFAULT_WEIGHTS, Weights
from scheduler.shifts import BreakWindow

logger = logging.getLogger(__name__)

Mode = Literal["weekly", "interval"]
BIG = 10**9


class Backend:
    """The few modelling calls the builder needs, for CP-SAT or an LP solver.

    Parameters
    ----------
    model : ortools.sat.python.cp_model.CpModel or model_builder.Model
        The model to write into: CP-SAT gets integer variables, ``model_builder``
        continuous ones (an LP), or integer counts (a MIP, see ``integer_counts``).
    integer_counts : bool
        For ``model_builder``: make the counts of agents (shifts, breaks, day
        patterns, agents present and on each channel) integers, the rest
        continuous.
    """

    def __init__(
        self, model: cp_model.CpModel | mb.Model, *, integer_counts: bool = False
    ) -> None:
        self.model = model
        self.integral = isinstance(model, cp_model.CpModel)
        self.integer_counts = integer_counts

    def var(self, lb: int, ub: int, name: str) -> Any:
        """A new variable in ``[lb, ub]``."""
        if isinstance(self.model, cp_model.CpModel):
            return self.model.new_int_var(lb, ub, name)
        return self.model.new_num_var(float(lb), float(ub), name)

    def count(self, lb: int, ub: int, name: str) -> Any:
        """A new count of agents in ``[lb, ub]``."""
        if isinstance(self.model, cp_model.CpModel):
            return self.model.new_int_var(lb, ub, name)
        if self.integer_counts:
            return self.model.new_int_var(float(lb), float(ub), name)
        return self.model.new_num_var(float(lb), float(ub), name)

    def add(self, constraint: Any) -> None:
        """Post a linear constraint."""
        self.model.add(constraint)

    def sum(self, terms: Iterable[Any]) -> Any:
        """Sum of linear terms (0 when there are none)."""
        listed = list(terms)
        if not listed:
            return 0
        if self.integral:
            return cp_model.LinearExpr.sum(listed)
        return mb.LinearExpr.sum(listed)

    def weighted(self, terms: Iterable[Any], weights: Iterable[float]) -> Any:
        """Weighted sum of linear terms; CP-SAT weights are rounded to integers."""
        t, w = list(terms), list(weights)
        if not t:
            return 0
        if self.integral:
            return cp_model.LinearExpr.weighted_sum(t, [round(x) for x in w])
        return mb.LinearExpr.weighted_sum(t, w)


@dataclass
class Penalty:
    """A named penalty term: what it measures, its price, and the variable.

    Attributes
    ----------
    rule : str
        The rule bent, e.g. ``coverage.shortfall`` or ``email.deadline``.
    subject : str
        Whom or what: a channel, an agent, a group.
    when : str
        The slot, day or ``week``.
    unit : str
        Unit of the variable's value, e.g. ``agent-slots/100``.
    cents_per_unit : float
        Price per unit.
    var : Any
        The model variable (or expression) measuring it.
    """

    rule: str
    subject: str
    when: str
    unit: str
    cents_per_unit: float
    var: Any


@dataclass
class MasterModel:
    """The built model and its variables, for solving and reading back."""

    backend: Backend
    n: dict[tuple[int, int, int], Any] = field(default_factory=dict)
    b: dict[tuple[int, int, int, int], Any] = field(default_factory=dict)
    present: dict[tuple[int, int], Any] = field(default_factory=dict)
    y: dict[tuple[int, str, int], Any] = field(default_factory=dict)
    cost_terms: list[tuple[Any, int]] = field(default_factory=list)
    penalties: list[Penalty] = field(default_factory=list)
    paid_slots_terms: list[tuple[Any, int]] = field(default_factory=list)
    patterns: dict[tuple[int, tuple[int, ...]], Any] = field(default_factory=dict)

    def objective(self) -> Any:
        """Pay plus every priced penalty, in cents."""
        terms = [v for v, _ in self.cost_terms] + [p.var for p in self.penalties]
        weights = [c for _, c in self.cost_terms] + [
            p.cents_per_unit for p in self.penalties
        ]
        return self.backend.weighted(terms, weights)

    def paid_slots(self) -> Any:
        """Paid agent-slots of all shifts."""
        return self.backend.weighted(
            [v for v, _ in self.paid_slots_terms], [w for _, w in self.paid_slots_terms]
        )


@dataclass(frozen=True)
class Fixed:
    """Counts to hold fixed (a roster of named agents being evaluated).

    Attributes
    ----------
    n : Mapping
        ``(g, d, s) -> count`` of shifts; every other shift count is 0.
    b : Mapping or None
        ``(g, d, r, k) -> count`` of breaks; every other break count is 0.
        ``None`` leaves the break counts free.
    patterns : Mapping or None
        ``(g, days) -> agents`` working exactly those days (a roster of named
        agents says); ``None`` leaves the day patterns free.
    """

    n: Mapping[tuple[int, int, int], int]
    b: Mapping[tuple[int, int, int, int], int] | None
    patterns: Mapping[tuple[int, tuple[int, ...]], int] | None = None


def break_rules_of(
    problem: RosterProblem, g: AgentGroup, day: int
) -> dict[int, list[tuple[int, BreakWindow]]]:
    """For each break rule, the (template, window) pairs on the group's day menu."""
    out: dict[int, list[tuple[int, BreakWindow]]] = defaultdict(list)
    for s in g.menus[day]:
        for w in problem.templates[s].breaks:
            out[w.rule].append((s, w))
    return out


def build_master(
    problem: RosterProblem,
    backend: Backend,
    *,
    agent_rules: bool = True,
    fixed: Fixed | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    break_order: bool = False,
) -> MasterModel:
    """Shift, break, presence and allocation variables with the group rules.

    Parameters
    ----------
    problem : RosterProblem
        The problem.
    backend : Backend
        Where to write the model.
    agent_rules : bool
        Post the group forms of the contract rules and headcounts; ``False`` for the
        LP bound "without agent rules".
    fixed : Fixed or None
        Shift and break counts to fix (evaluating a given roster).
    weights : Weights
        Prices of the contract rules when they must bend.
    break_order : bool
        Post the forward and backward break constraints (:func:`_break_order`)
        that keep each group's breaks where its shifts' windows allow.
    """
    m = MasterModel(backend=backend)
    horizon = problem.n_slots
    for gi, g in enumerate(problem.groups):
        most = g.size if agent_rules else BIG // 1000
        starts: dict[int, list[Any]] = defaultdict(list)
        ends: dict[int, list[Any]] = defaultdict(list)
        for d in range(7):
            day_vars = []
            cap = g.available[d] if agent_rules else BIG // 1000
            for s in g.menus[d]:
                lo = 0
                hi = cap
                if fixed is not None:
                    lo = hi = fixed.n.get((gi, d, s), 0)
                elif d in g.locked:
                    lo = hi = 1
                v = backend.count(lo, hi, f"n[{g.key},{d},{s}]")
                m.n[gi, d, s] = v
                day_vars.append(v)
                first, end = problem.shift_span(d, s)
                starts[first].append(v)
                ends[end].append(v)
                cost = problem.shift_cost_cents(g, d, s)
                m.cost_terms.append((v, cost))
                m.paid_slots_terms.append((v, problem.templates[s].paid_slots))
            if agent_rules and day_vars:
                backend.add(backend.sum(day_vars) <= g.available[d])
            _breaks(problem, m, gi, g, d, starts, ends, fixed, most, break_order)
        if agent_rules:
            _group_rules(problem, m, gi, g, weights, fixed)
        _presence(problem, m, gi, g, starts, ends, horizon, most)
    logger.debug(
        "master: %d shift, %d break, %d allocation variables",
        len(m.n),
        len(m.b),
        len(m.y),
    )
    return m


def _breaks(
    problem: RosterProblem,
    m: MasterModel,
    gi: int,
    g: AgentGroup,
    d: int,
    starts: dict[int, list[Any]],
    ends: dict[int, list[Any]],
    fixed: Fixed | None,
    most: int,
    order: bool,
) -> None:
    """Break counts of one group and day, between their windows' bounds."""
    backend = m.backend
    base = d * problem.slots_per_day
    locked = g.locked.get(d)
    for rule, pairs in break_rules_of(problem, g, d).items():
        ks = sorted(
            {problem.templates[s].start_slot + k for s, w in pairs for k in w.starts}
        )
        if locked is not None:
            ks = sorted(
                set(ks)
                | {
                    locked.template.start_slot + o
                    for r, o in locked.breaks
                    if r == rule
                }
            )
        duration = pairs[0][1].duration_slots
        bvars = {}
        for k in ks:
            lo, hi = 0, most
            if fixed is not None and fixed.b is not None:
                lo = hi = fixed.b.get((gi, d, rule, k), 0)
            elif locked is not None:
                lo = hi = sum(
                    1
                    for r, o in locked.breaks
                    if r == rule and locked.template.start_slot + o == k
                )
            v = backend.count(lo, hi, f"b[{g.key},{d},{rule},{k}]")
            bvars[k] = v
            m.b[gi, d, rule, k] = v
            starts[base + k + duration].append(v)
            ends[base + k].append(v)
        needing = [m.n[gi, d, s] for s, _ in pairs]
        backend.add(backend.sum(bvars.values()) == backend.sum(needing))
        if order and locked is None:
            _break_order(problem, m, gi, d, rule, pairs, bvars, most)


def _break_order(
    problem: RosterProblem,
    m: MasterModel,
    gi: int,
    d: int,
    rule: int,
    pairs: list[tuple[int, BreakWindow]],
    bvars: dict[int, Any],
    most: int,
) -> None:
    """Forward and backward break constraints of one group, day and rule.

    Counting breaks per group lets a break float anywhere in the union of the
    day's windows, away from the shift it belongs to: on the S benchmark centre
    the LP relaxation then kept coverage with breaks no shift could take, and
    rounding them to real windows cost 7k EUR more than the LP's 29k. By each
    slot ``k``, at least as many breaks must have started as there are shifts
    whose window ends by ``k`` (forward), and at most as many as there are shifts
    whose window has opened (backward): the implicit break constraints of
    Bechtold and Jacobs (1990, *Management Science* 36(11)), exact when no window
    strictly contains another. Each is a running slack kept at or above zero.
    The LP bound goes without them: they made the S centre's LP relaxation take
    9.2 s instead of 3.5 s (for a bound 0.7 % higher).
    """
    backend = m.backend
    key = problem.groups[gi].key
    opening: dict[int, list[Any]] = defaultdict(list)
    due: dict[int, list[Any]] = defaultdict(list)
    for s, w in pairs:
        start = problem.templates[s].start_slot
        opening[start + w.earliest_slot].append(m.n[gi, d, s])
        due[start + w.latest_slot].append(m.n[gi, d, s])
    ahead: Any = 0
    behind: Any = 0
    for k in sorted(bvars):
        now_ahead = backend.var(0, most, f"breaks_ahead[{key},{d},{rule},{k}]")
        backend.add(now_ahead == ahead + bvars[k] - backend.sum(due.get(k, [])))
        now_behind = backend.var(0, most, f"breaks_behind[{key},{d},{rule},{k}]")
        backend.add(now_behind == behind + backend.sum(opening.get(k, [])) - bvars[k])
        ahead, behind = now_ahead, now_behind


def _group_rules(
    problem: RosterProblem,
    m: MasterModel,
    gi: int,
    g: AgentGroup,
    weights: Weights,
    fixed: Fixed | None,
) -> None:
    """Contract rules for the group: day patterns per agent, hours summed.

    ``p[g, π]`` agents of the group work exactly the days of pattern ``π``; the
    shifts worked each day must match. A pattern that breaks the contract's day
    rules, or whose days cannot hold the contract's hours, is allowed only at a
    price (``contract.days`` bent), so leave or locks
    that leave no valid week still give a roster. Paid hours are summed over the
    group, with hours outside the contract's range priced (``contract.hours``).
    """
    backend = m.backend
    c = g.contract
    weekday0 = problem.inputs.week_start.weekday()
    open_days = [d for d in range(7) if g.menus[d]]
    locked = set(g.locked)
    patterns = [
        p
        for k in range(len(open_days) + 1)
        for p in itertools.combinations(open_days, k)
        if locked <= set(p)
    ]
    span = _DaySpan.of(problem, g, open_days)
    chosen = []
    for pattern in patterns:
        lo, hi = 0, g.size
        if fixed is not None and fixed.patterns is not None:
            lo = hi = fixed.patterns.get((gi, pattern), 0)
        v = backend.count(lo, hi, f"pattern[{g.key},{''.join(map(str, pattern))}]")
        m.patterns[gi, pattern] = v
        chosen.append(v)
        ok = (
            g.min_days <= len(pattern) <= c.max_days
            and day_pattern_ok(pattern, c, weekday0)
            and span.hours_fit(g, pattern)
            and span.weekly_rest_possible(problem, pattern)
        )
        if not ok:
            m.penalties.append(
                Penalty(
                    "contract.days",
                    g.key,
                    "days " + ",".join(map(str, pattern)),
                    "agents",
                    weights.bent_week_cents_per_agent,
                    v,
                )
            )
    backend.add(backend.sum(chosen) == g.size)
    for d in open_days:
        working = [m.patterns[gi, p] for p in patterns if d in p]
        backend.add(
            backend.sum(m.n[gi, d, s] for s in g.menus[d]) == backend.sum(working)
        )
    if fixed is None or fixed.patterns is None:
        _preferences(problem, m, gi, g, weights)
    paid = backend.weighted(
        [m.n[gi, d, s] for d in range(7) for s in g.menus[d]],
        [problem.templates[s].paid_slots for d in range(7) for s in g.menus[d]],
    )
    if backend.integral or backend.integer_counts:
        # The LP relaxation keeps them with fractional counts anyway (its optimum
        # on the S centre is the same); they only moved its vertex.
        _hours_pairing(problem, m, gi, g, weights, open_days, patterns)
    price = weights.bent_hours_cents_per_hour * problem.slot_hours
    short = backend.var(0, g.size * g.min_paid_slots, f"hours_short[{g.key}]")
    over = backend.var(0, g.size * 7 * problem.slots_per_day, f"hours_over[{g.key}]")
    backend.add(paid + short >= g.size * g.min_paid_slots)
    backend.add(paid - over <= g.size * g.max_paid_slots)
    for name, v in (("contract.hours_short", short), ("contract.hours_over", over)):
        m.penalties.append(Penalty(name, g.key, "week", "agent-slots", price, v))


def _preferences(
    problem: RosterProblem, m: MasterModel, gi: int, g: AgentGroup, weights: Weights
) -> None:
    """The ``prefer_off`` and ``prefer_on`` days the group's planned days force.

    Of the agents working day ``d``, at most ``size - off`` have no ``prefer_off``
    for it (``off`` agents of the group have one), so at least ``working - (size
    - off)`` of them work a day they preferred off; and at least ``on -
    working`` of the ``on`` agents who prefer to work it do not. Every roster pays
    at least these (the assignment prices each agent's,
    :mod:`scheduler.roster.assign`), so the LP bound stays a bound, and the plan
    sees them: on the M benchmark centre all four ``prefer_off`` days its rosters
    paid for (120 EUR) were forced by a plan working every agent of the group
    that day. Left out when the day patterns are fixed (a roster of named agents
    being priced): the assignment prices that roster's own.
    """
    preferred = preferred_days(problem, g)
    if not preferred:
        return
    backend = m.backend
    for d in range(7):
        off = sum(1 for days_off, _ in preferred.values() if d in days_off)
        on = sum(1 for _, days_on in preferred.values() if d in days_on)
        working = backend.sum(m.n[gi, d, s] for s in g.menus[d])
        date = str(problem.inputs.week_start + dt.timedelta(days=d))
        if off:
            forced = backend.var(0, off, f"prefer_off_forced[{g.key},{d}]")
            backend.add(forced >= working - (g.size - off))
            m.penalties.append(
                Penalty(
                    "preference.prefer_off",
                    g.key,
                    date,
                    "days",
                    weights.prefer_off_cents,
                    forced,
                )
            )
        if on:
            missed = backend.var(0, on, f"prefer_on_missed[{g.key},{d}]")
            backend.add(missed >= on - working)
            m.penalties.append(
                Penalty(
                    "preference.prefer_on",
                    g.key,
                    date,
                    "days",
                    weights.prefer_on_cents,
                    missed,
                )
            )


def _hours_pairing(
    problem: RosterProblem,
    m: MasterModel,
    gi: int,
    g: AgentGroup,
    weights: Weights,
    open_days: list[int],
    patterns: list[tuple[int, ...]],
) -> None:
    """Long and short shifts of a group paired as each agent's hours require.

    The group's paid hours are summed, but each agent's must lie in the
    contract's range: with ``k`` the contract's most days, an agent on ``k`` or
    more days whose shift on day ``d`` is longer than ``max/k`` must have one
    shorter than ``max/k`` on another day (else the week passes ``max``), and an
    agent on ``k`` or fewer days with one shorter than ``min/k`` must have one
    longer than ``min/k``. A shift belongs to one agent, so on each day

    * long shifts <= short shifts on the other days + agents on fewer days;
    * short shifts <= long shifts on the other days + agents on more days.

    Every roster keeps both, so the LP bound stays a bound. Without them the M
    benchmark centre's plan gave 15 part-time agents at their most hours a
    Saturday 6 h shift (5.5 h paid, others 5 h) with too few short shifts to pair:
    the assignment shortened them all, 4.6k EUR of coverage lost. A pair missing
    costs ``hours_pairing_cents_per_agent`` (``contract.hours_pairing``): the
    move it will take in the assignment, not a bent contract.
    """
    backend = m.backend
    k = g.contract.max_days
    if k <= 0:
        return
    price = weights.hours_pairing_cents_per_agent
    sides = (("max", g.max_paid_slots / k, 1), ("min", g.min_paid_slots / k, -1))
    for side, level, sign in sides:

        def beyond(d: int, sign: float = sign, level: float = level) -> list[Any]:
            """Shifts on ``d`` past ``level`` (longer if sign is 1, else shorter)."""
            return [
                m.n[gi, d, s]
                for s in g.menus[d]
                if sign * (problem.templates[s].paid_slots - level) > 0
            ]

        ahead = {d: beyond(d) for d in open_days}
        behind = {d: beyond(d, -sign) for d in open_days}
        if not any(ahead.values()):
            continue
        for d in open_days:
            if not ahead[d]:
                continue
            others = [v for e in open_days if e != d for v in behind[e]]
            # Agents on fewer days (max side) or more (min side) need no pair.
            spare = [
                m.patterns[gi, p]
                for p in patterns
                if d in p and sign * (k - len(p)) > 0
            ]
            slack = backend.var(0, g.size, f"hours_pairing[{g.key},{side},{d}]")
            paired = backend.sum(others) + backend.sum(spare) + slack
            backend.add(backend.sum(ahead[d]) <= paired)
            m.penalties.append(
                Penalty(
                    "contract.hours_pairing",
                    g.key,
                    f"day {d} ({side} hours)",
                    "agents",
                    price,
                    slack,
                )
            )


@dataclass(frozen=True, slots=True)
class _DaySpan:
    """A group's shortest and longest paid shift, and its latest start and earliest
    end, on each of its open days (slots)."""

    least_paid: dict[int, int]
    most_paid: dict[int, int]
    latest_start: dict[int, int]
    earliest_end: dict[int, int]

    @classmethod
    def of(cls, problem: RosterProblem, g: AgentGroup, days: list[int]) -> _DaySpan:
        """Summarise the group's menus on ``days``."""
        menus = {d: [problem.templates[s] for s in g.menus[d]] for d in days}
        return cls(
            least_paid={d: min(t.paid_slots for t in m) for d, m in menus.items()},
            most_paid={d: max(t.paid_slots for t in m) for d, m in menus.items()},
            latest_start={d: max(t.start_slot for t in m) for d, m in menus.items()},
            earliest_end={d: min(t.end_slot for t in m) for d, m in menus.items()},
        )

    def hours_fit(self, g: AgentGroup, pattern: tuple[int, ...]) -> bool:
        """Whether shifts on the pattern's days can make up the contract's hours."""
        most = sum(self.most_paid[d] for d in pattern)
        least = sum(self.least_paid[d] for d in pattern)
        return most >= g.min_paid_slots and least <= g.max_paid_slots

    def weekly_rest_possible(
        self, problem: RosterProblem, pattern: tuple[int, ...]
    ) -> bool:
        """Whether some shifts on the pattern's days leave the weekly rest in the week.

        The rest may run from the week's start to the first shift, between two
        shifts, or from the last shift to the week's end; each gap is taken at its
        widest (latest start after it, earliest end before it).
        """
        need = problem.centre.labour.min_weekly_rest_hours * 60 / problem.slot_minutes
        if not pattern:
            return True
        spd = problem.slots_per_day
        latest, earliest = self.latest_start, self.earliest_end
        gaps = [pattern[0] * spd + latest[pattern[0]]]
        gaps += [
            (b - a) * spd + latest[b] - earliest[a]
            for a, b in itertools.pairwise(pattern)
        ]
        gaps.append(problem.n_slots - pattern[-1] * spd - earliest[pattern[-1]])
        return max(gaps) >= need


def _presence(
    problem: RosterProblem,
    m: MasterModel,
    gi: int,
    g: AgentGroup,
    starts: dict[int, list[Any]],
    ends: dict[int, list[Any]],
    horizon: int,
    most: int,
) -> None:
    """Agents present (working, not on a break) in each slot, and their channels."""
    backend = m.backend
    covered = np.zeros(horizon + 1, dtype=bool)
    for d in range(7):
        for s in g.menus[d]:
            first, end = problem.shift_span(d, s)
            covered[first : min(end, horizon)] = True
    previous: Any = 0
    for t in range(horizon):
        delta_in, delta_out = starts.get(t, []), ends.get(t, [])
        if not covered[t]:
            previous = 0
            continue
        v = backend.count(0, most, f"present[{g.key},{t}]")
        backend.add(v == previous + backend.sum(delta_in) - backend.sum(delta_out))
        m.present[gi, t] = v
        previous = v
        open_skills = [c for c in g.skills if problem.channels[c].open[t]]
        if not open_skills:
            continue
        ys = []
        for c in open_skills:
            y = backend.count(0, most, f"y[{g.key},{c},{t}]")
            m.y[gi, c, t] = y
            ys.append(y)
        backend.add(backend.sum(ys) == v)
        locked = g.locked.get(t // problem.slots_per_day)
        if locked is not None:
            offset = (
                t
                - (t // problem.slots_per_day) * problem.slots_per_day
                - locked.template.start_slot
            )
            channel = locked.channels.get(offset)
            if channel is not None and (gi, channel, t) in m.y:
                backend.add(m.y[gi, channel, t] == v)


def staffed(m: MasterModel, problem: RosterProblem, channel: str) -> dict[int, Any]:
    """Scheduled agents on a channel per slot, as expressions (absent slots: none)."""
    by_slot: dict[int, list[Any]] = defaultdict(list)
    for (_, c, t), v in m.y.items():
        if c == channel:
            by_slot[t].append(v)
    return {t: m.backend.sum(vs) for t, vs in by_slot.items()}
