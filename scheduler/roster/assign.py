"""Named agents to the planned shifts, one group at a time.

The staffing model says how many agents of a group work each shift; this step says
which, under each agent's own rules (one model per group, all agents of the group
interchangeable in the staffing model):

* hard: one shift a day; weekly paid hours and working days within the contract
  (leave lowers the minimums); weekend days; consecutive working days; days off
  together; rest between shifts, from the previous week's last shift too;
* soft, each a named penalty: a planned shift left unfilled or an extra one
  (``assign.count_deviation``), a shift started or ended up to an hour from a
  planned one (``assign.start_moved``), working on a ``prefer_off`` day
  (``preference.prefer_off``) or not on a ``prefer_on`` day
  (``preference.prefer_on``), start times that move between consecutive working days
  (``stability.start_change``), and an uneven spread of late and weekend shifts in
  the group (``fairness.late``, ``fairness.weekend``).

When the planned shifts cannot be realised under the hard rules, the group is solved
again with its whole shift menu; when no week keeps every rule (a lock against rest,
leave against the contract's minimum), the rules bend for the agents they must, each
a named penalty ``bent.<rule>`` for that agent, so a roster always comes back.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from scheduler.roster.construct import (
    NEAR_MINUTES,
    construct_week,
    first_free_minute,
    rest_slots,
)
from scheduler.roster.master import Penalty
from scheduler.roster.problem import AgentGroup, RosterProblem, preferred_days
from scheduler.roster.weights import Weights
from scheduler.shifts import MINUTES_PER_DAY

logger = logging.getLogger(__name__)

#: ``holds(rule, agent)``: the literal under which an agent's hard rule holds.
Holds = Callable[[str, str], Any]

LATE_END_MINUTE = 18 * 60
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _GroupModel:
    """One group's assignment model: its variables and what every rule reads.

    ``x[a, d, s]`` is agent ``a`` working template ``s`` on day ``d``;
    ``works[a, d]`` whether they work that day; ``options[d]`` the templates
    offered on day ``d``; ``holds(rule, agent)`` the literal a hard rule is
    enforced under.
    """

    problem: RosterProblem
    g: AgentGroup
    model: cp_model.CpModel
    x: dict[tuple[str, int, int], Any]
    works: dict[tuple[str, int], Any]
    options: dict[int, list[int]]
    weights: Weights
    holds: Holds


@dataclass(frozen=True)
class Assignment:
    """Who works which shift.

    Attributes
    ----------
    shifts : dict of (str, int) to int
        ``(agent_id, day) -> template index``.
    penalties : list of (Penalty, float)
        Named soft-rule terms with their values.
    status : str
        Worst CP-SAT status over the groups.
    """

    shifts: dict[tuple[str, int], int]
    penalties: list[tuple[Penalty, float]]
    status: str


#: Least seconds of the last, relaxed assignment pass of a group.
RESCUE_S = 20.0
#: Least seconds of a group's first pass: pricing the constructed week takes a
#: moment, and a whole second for each of S's 13 groups overran its 10 s limit by
#: half; a group that needs longer gets it in the wider passes.
GROUP_MIN_S = 0.25


def assign_agents(
    problem: RosterProblem,
    counts: Mapping[tuple[int, int, int], int],
    weights: Weights,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    hints: Mapping[tuple[str, int], int] | None = None,
    patterns: Mapping[tuple[int, tuple[int, ...]], int] | None = None,
    values: Mapping[str, FloatArray] | None = None,
) -> Assignment:
    """Assign each group's planned shifts to its agents.

    Parameters
    ----------
    problem : RosterProblem
        The problem.
    counts : Mapping
        ``(group, day, template) -> agents`` from the staffing model.
    weights : Weights
        Prices of the soft rules.
    time_limit_s : float
        Seconds for all groups together.
    workers, seed : int
        CP-SAT workers and random seed.
    hints : Mapping or None
        ``(agent_id, day) -> template`` of a previous roster, to change little.
    patterns : Mapping or None
        ``(group, days) -> agents`` of the staffing model's day patterns; the first
        week of each group is built from them (chosen here when ``None``).
    values : Mapping or None
        Cents an agent-slot on each channel is worth per week slot, where one agent
        less than planned would leave a floor or requirement short
        (:func:`scheduler.roster.coverage.slot_values`): a planned shift that
        cannot be kept then goes where its hours are worth least.
    """
    shifts: dict[tuple[str, int], int] = {}
    penalties: list[tuple[Penalty, float]] = []
    statuses = []
    # Each group's share of the time, by headcount, or of the time left when that
    # is more: what a quick group leaves goes to the groups after it, and a slow
    # group never takes the share of the groups after it (which then had too
    # little for any week, and the plan kept as it was broke hard rules).
    deadline = time.monotonic() + time_limit_s
    total = left = sum(g.size for g in problem.groups)
    for gi, g in enumerate(problem.groups):
        planned = {(d, s): c for (gg, d, s), c in counts.items() if gg == gi and c > 0}
        mine = None
        if patterns is not None:
            mine = {p: c for (gg, p), c in patterns.items() if gg == gi and c > 0}
        worth = None if values is None else _group_worth(problem, g, values)
        start = construct_week(problem, g, planned, weights, mine, hints, worth)
        share = (deadline - time.monotonic()) * g.size / max(left, 1)
        budget = max(share, time_limit_s * g.size / max(total, 1), GROUP_MIN_S)
        left -= g.size
        result = None
        # The plan's own shifts first; then the whole menu; then, when no week
        # keeps every rule, rules bend at a price for the agents they must; and on
        # a machine too busy for all that, the relaxed model once more with ample
        # time: overrunning the limit beats a roster that breaks hard rules.
        for whole_menu, relaxed, seconds in (
            (False, False, budget),
            (True, False, 4 * budget),
            (True, True, 4 * budget),
            (True, True, max(16 * budget, RESCUE_S)),
        ):
            result = _solve_group(
                problem,
                g,
                planned,
                weights,
                seconds,
                workers,
                seed,
                start,
                whole_menu=whole_menu,
                relaxed=relaxed,
                worth=worth,
            )
            if result is not None:
                break
            logger.info("group %s: planned shifts not realised; widening", g.key)
        if result is None:
            # Out of time even for the relaxed model: the first guess, as planned;
            # the audit names whatever it breaks.
            logger.warning("group %s: no assignment in time; plan kept as is", g.key)
            result = (start, [], "UNKNOWN")
        got, terms, status = result
        shifts.update(got)
        penalties.extend(terms)
        statuses.append(status)
    worst = "OPTIMAL" if all(s == "OPTIMAL" for s in statuses) else "FEASIBLE"
    if "UNKNOWN" in statuses:
        worst = "UNKNOWN"
    return Assignment(shifts=shifts, penalties=penalties, status=worst)


def _solve_group(
    problem: RosterProblem,
    g: AgentGroup,
    planned: dict[tuple[int, int], int],
    weights: Weights,
    time_limit_s: float,
    workers: int,
    seed: int,
    start: Mapping[tuple[str, int], int],
    *,
    whole_menu: bool,
    relaxed: bool = False,
    worth: FloatArray | None = None,
) -> tuple[dict[tuple[str, int], int], list[tuple[Penalty, float]], str] | None:
    model = cp_model.CpModel()
    options = {
        d: sorted(
            set(g.menus[d])
            if whole_menu
            else _near(problem, g, d, planned)
            | {s for (_, dd), s in start.items() if dd == d and s in g.menus[d]}
        )
        for d in range(7)
    }
    x: dict[tuple[str, int, int], Any] = {}
    works: dict[tuple[str, int], Any] = {}
    penalties: list[Penalty] = []
    for a in g.agent_ids:
        for d in range(7):
            for s in options[d]:
                x[a, d, s] = model.new_bool_var(f"x[{a},{d},{s}]")
            w = model.new_bool_var(f"works[{a},{d}]")
            model.add(sum(x[a, d, s] for s in options[d]) == w)
            works[a, d] = w
    bent: dict[tuple[str, str], Any] = {}

    def holds(rule: str, agent: str) -> Any:
        """The literal under which an agent's rule holds (always, unless relaxed)."""
        if not relaxed:
            return model.new_constant(1)
        if (rule, agent) not in bent:
            bent[rule, agent] = model.new_bool_var(f"holds[{rule},{agent}]")
        return bent[rule, agent]

    gm = _GroupModel(problem, g, model, x, works, options, weights, holds)
    for d, lock in g.locked.items():
        # A locked shift is kept whatever else must bend.
        model.add(x[g.agent_ids[0], d, problem.templates.index(lock.template)] == 1)
    _contract(gm)
    _rest(gm)
    _weekly_rest(gm)
    penalties += _planned_counts(gm, planned)
    if worth is not None:
        penalties += _planned_coverage(gm, planned, worth)
    for (rule, agent), literal in bent.items():
        broken = model.new_bool_var(f"bent[{rule},{agent}]")
        model.add(broken == 1 - literal)
        penalties.append(
            Penalty(
                f"bent.{rule}",
                agent,
                "week",
                "agents",
                weights.bent_week_cents_per_agent,
                broken,
            )
        )
    penalties += _preferences(gm)
    penalties += _stability(gm)
    penalties += _fairness(gm)
    model.minimize(sum(int(p.cents_per_unit) * p.var for p in penalties))
    for (a, d, s), v in x.items():
        model.add_hint(v, start.get((a, d)) == s)
    began = time.monotonic()
    # The constructed week as it is, priced exactly (its rules checked) in a
    # moment; if a few of its agents break a rule, those and some others re-planned
    # with everyone else held; then CP-SAT from the best of these. CP-SAT alone did
    # not always come back to the hint in time, and returned weeks that lost
    # planned shifts the hint kept.
    found: list[tuple[float, dict[tuple[str, int], int], list[Any], str]] = []
    for step in ("constructed week", "repair", "search"):
        left = time_limit_s - (time.monotonic() - began)
        if step != "constructed week" and (
            left < 0.2 or (found and min(f[0] for f in found) == 0)
        ):
            break
        if step == "repair" and found:
            continue
        solver = _solver(
            max(left if step != "repair" else left / 2, 0.2), workers, seed
        )
        solver.parameters.fix_variables_to_their_hinted_value = (
            step == "constructed week"
        )
        target = model
        if step == "repair":
            target = model.clone()
            free = _repair_set(problem, g, start, seed)
            for (a, d, s), v in x.items():
                if a not in free:
                    target.add(
                        target.get_bool_var_from_proto_index(v.index)
                        == int(start.get((a, d)) == s)
                    )
        status = solver.solve(target)
        logger.debug(
            "group %s (whole menu %s, relaxed %s, %s): %s in %.1f s of %.1f s",
            g.key,
            whole_menu,
            relaxed,
            step,
            solver.status_name(status),
            solver.wall_time,
            time_limit_s,
        )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            got = {(a, d): s for (a, d, s), v in x.items() if solver.boolean_value(v)}
            terms = [(p, float(solver.value(p.var))) for p in penalties]
            # A week without a penalty is optimal (every penalty is >= 0); else
            # only CP-SAT's own search on the whole model may prove it.
            name = solver.status_name(status)
            if step != "search" and solver.objective_value > 0:
                name = "FEASIBLE"
            found.append((solver.objective_value, got, terms, name))
            if step == "repair":
                model.clear_hints()  # type: ignore[no-untyped-call]
                for (a, d, s), v in x.items():
                    model.add_hint(v, got.get((a, d)) == s)
    if not found:
        logger.info("group %s: no week in %.1f s", g.key, time_limit_s)
        return None
    # The cheaper week; at a tie, the search's (its status may say optimal).
    _, got, terms, name = min(reversed(found), key=lambda one: one[0])
    return got, [t for t in terms if t[1] > 0], name


#: Least agents re-planned together when some of a constructed week break a rule.
REPAIR_AGENTS = 12


def _repair_set(
    problem: RosterProblem,
    g: AgentGroup,
    start: Mapping[tuple[str, int], int],
    seed: int,
) -> set[str]:
    """The agents whose constructed week is outside their hours or days, and
    others of the group (drawn by ``seed``): twice as many, and at least
    :data:`REPAIR_AGENTS` in all."""
    t = problem.templates
    wrong = set()
    for a in g.agent_ids:
        days = [d for d in range(7) if (a, d) in start]
        paid = sum(t[start[a, d]].paid_slots for d in days)
        if not (
            g.min_paid_slots <= paid <= g.max_paid_slots
            and g.min_days <= len(days) <= g.contract.max_days
        ):
            wrong.add(a)
    others = [a for a in g.agent_ids if a not in wrong]
    extra = max(REPAIR_AGENTS - len(wrong), 2 * len(wrong))
    return wrong | set(random.Random(seed).sample(others, min(extra, len(others))))


def _solver(time_limit_s: float, workers: int, seed: int) -> cp_model.CpSolver:
    """CP-SAT with a light presolve: the full one took half of a short limit."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    solver.parameters.max_presolve_iterations = 1
    return solver


def _near(
    problem: RosterProblem,
    g: AgentGroup,
    day: int,
    planned: Mapping[tuple[int, int], int],
) -> set[int]:
    """The day's planned shifts and those starting and ending nearby."""
    wanted = {problem.templates[s] for (d, s) in planned if d == day}
    near = NEAR_MINUTES // problem.slot_minutes
    return {
        s
        for s in g.menus[day]
        if any(
            abs(t.start_slot - problem.templates[s].start_slot) <= near
            and abs(t.end_slot - problem.templates[s].end_slot) <= near
            for t in wanted
        )
    }


def _planned_counts(
    gm: _GroupModel, planned: Mapping[tuple[int, int], int]
) -> list[Penalty]:
    """The staffing plan, softly: each day's number of shifts, then each shift.

    A shift that starts or ends up to an hour from a planned one (so that an
    agent's hours or rest hold) costs ``count_moved_cents`` for the planned shift
    left and again for the one taken; a shift missing or added on a day costs
    ``count_deviation_cents``.
    """
    g, model, x, options, weights = gm.g, gm.model, gm.x, gm.options, gm.weights
    out = []
    for d in range(7):
        want = sum(planned.get((d, s), 0) for s in options[d])
        have = sum(x[a, d, s] for a in g.agent_ids for s in options[d])
        out.append(
            _deviation(
                model,
                have,
                want,
                g,
                f"day {d}",
                "assign.count_deviation",
                weights.count_deviation_cents,
            )
        )
        for s in options[d]:
            have_s = sum(x[a, d, s] for a in g.agent_ids)
            out.append(
                _deviation(
                    model,
                    have_s,
                    planned.get((d, s), 0),
                    g,
                    f"day {d} shift {s}",
                    "assign.start_moved",
                    weights.count_moved_cents,
                )
            )
    return out


def _group_worth(
    problem: RosterProblem, g: AgentGroup, values: Mapping[str, FloatArray]
) -> FloatArray:
    """Cents one of the group's agents is worth per week slot: the least among the
    group's channels open then (the allocation moves an agent off the cheapest)."""
    worth = np.full(problem.n_slots, np.inf)
    for c in g.skills:
        is_open = problem.channels[c].open[: problem.n_slots]
        value = values[c][: problem.n_slots]
        worth = np.where(is_open, np.minimum(worth, value), worth)
    out: FloatArray = np.where(np.isfinite(worth), worth, 0.0)
    return out


def _planned_coverage(
    gm: _GroupModel, planned: Mapping[tuple[int, int], int], worth: FloatArray
) -> list[Penalty]:
    """The planned shifts' agents in each slot where one agent less costs coverage.

    In each slot where the group's agent is worth something (``worth``: a floor or
    requirement the plan only just meets), the agents the planned shifts put there
    are wanted, each missing one priced at that worth, so that a planned shift
    that must move (an agent's hours, rest) moves where it costs least.
    """
    problem, g, model, x, options = gm.problem, gm.g, gm.model, gm.x, gm.options
    need: dict[int, int] = {}
    for (d, s), k in planned.items():
        first, end = problem.shift_span(d, s)
        for t in range(first, min(end, worth.size)):
            if worth[t] > 0:
                need[t] = need.get(t, 0) + k
    if not need:
        return []
    cover: dict[int, list[Any]] = {t: [] for t in need}
    for d in range(7):
        for s in options[d]:
            first, end = problem.shift_span(d, s)
            for t in range(first, min(end, worth.size)):
                if t in cover:
                    cover[t].extend(x[a, d, s] for a in g.agent_ids)
    out = []
    for t, k in sorted(need.items()):
        short = model.new_int_var(0, k, f"cover_short[{g.key},{t}]")
        model.add(sum(cover[t]) + short >= k)
        out.append(
            Penalty(
                "assign.coverage_lost",
                g.key,
                str(problem.slot_starts[t]),
                "agent-slots",
                round(float(worth[t])),
                short,
            )
        )
    return out


def _deviation(
    model: cp_model.CpModel,
    have: Any,
    want: int,
    g: AgentGroup,
    when: str,
    rule: str,
    price: int,
) -> Penalty:
    dev = model.new_int_var(0, g.size, f"{rule}[{g.key},{when}]")
    model.add(have - want <= dev)
    model.add(want - have <= dev)
    return Penalty(rule, g.key, when, "shifts", price, dev)


def _contract(gm: _GroupModel) -> None:
    """Weekly hours, days, weekends, consecutive days and days off together."""
    problem, g, model = gm.problem, gm.g, gm.model
    x, works, options = gm.x, gm.works, gm.options
    holds = gm.holds
    c = g.contract
    weekday0 = problem.inputs.week_start.weekday()
    for a in g.agent_ids:
        paid = sum(
            problem.templates[s].paid_slots * x[a, d, s]
            for d in range(7)
            for s in options[d]
        )
        h = holds("contract.hours", a)
        model.add(paid >= g.min_paid_slots).only_enforce_if(h)
        model.add(paid <= g.max_paid_slots).only_enforce_if(h)
        h = holds("contract.days", a)
        days = [works[a, d] for d in range(7)]
        model.add(sum(days) >= g.min_days).only_enforce_if(h)
        model.add(sum(days) <= c.max_days).only_enforce_if(h)
        weekend = [works[a, d] for d in range(7) if (weekday0 + d) % 7 >= 5]
        model.add(sum(weekend) <= c.max_weekend_days).only_enforce_if(h)
        run = c.max_consecutive_days + 1
        for first in range(0, 7 - run + 1):
            model.add(
                sum(days[first : first + run]) <= c.max_consecutive_days
            ).only_enforce_if(h)
        # Days off inside the week come in runs of at least min_consecutive_days_off.
        for length in range(1, c.min_consecutive_days_off):
            for first in range(1, 7 - length):
                last = first + length - 1
                if last + 1 > 6:
                    continue
                model.add_bool_or(
                    [
                        days[first - 1].Not(),
                        days[last + 1].Not(),
                        *days[first : last + 1],
                    ]
                ).only_enforce_if(h)


def _rest(gm: _GroupModel) -> None:
    """Rest between consecutive shifts, and after the previous week's last shift."""
    problem, g, model = gm.problem, gm.g, gm.model
    x, options, holds = gm.x, gm.options, gm.holds
    rest = rest_slots(problem, g)
    spd = problem.slots_per_day
    t = problem.templates
    for d in range(6):
        # Shift s2 on day d + 1 clashes with any shift of day d ending at or after
        # slot clash[s2]. One literal per agent and such threshold, "ends at or
        # after k", chained downwards, keeps the encoding linear in the options
        # (every clashing pair as a clause was millions of clauses on a whole
        # menu, and CP-SAT found no week in the time).
        clash = {s2: spd + t[s2].start_slot - rest + 1 for s2 in options[d + 1]}
        latest = max((t[s].end_slot for s in options[d]), default=-1)
        thresholds = sorted({k for k in clash.values() if k <= latest})
        if not thresholds:
            continue
        for a in g.agent_ids:
            ends = {
                k: model.new_bool_var(f"ends_from[{a},{d},{k}]") for k in thresholds
            }
            for lower, upper in itertools.pairwise(thresholds):
                model.add_implication(ends[upper], ends[lower])
            for s in options[d]:
                reached = [k for k in thresholds if k <= t[s].end_slot]
                if reached:
                    model.add_implication(x[a, d, s], ends[reached[-1]])
            for s2, k in clash.items():
                if k in ends:
                    model.add_implication(
                        x[a, d + 1, s2], ends[k].Not()
                    ).only_enforce_if(holds("rest", a))
    for a in g.agent_ids:
        free_from = first_free_minute(problem, g, a)
        for d in range(7):
            for s in options[d]:
                minute = d * MINUTES_PER_DAY + t[s].start_slot * problem.slot_minutes
                if minute < free_from:
                    model.add(x[a, d, s] == 0).only_enforce_if(holds("rest", a))


def _weekly_rest(gm: _GroupModel) -> None:
    """A rest of ``labour.min_weekly_rest_hours`` somewhere in the week.

    It is two days off in a row; or one day off with the shifts either side far
    enough apart; or a day off at the week's start or end with the next (previous)
    shift far enough from the week's edge.
    """
    problem, g, model = gm.problem, gm.g, gm.model
    x, works, options = gm.x, gm.works, gm.options
    holds = gm.holds
    spd = problem.slots_per_day
    need = int(
        -(-problem.centre.labour.min_weekly_rest_hours * 60 // problem.slot_minutes)
    )
    if need <= 0:
        return
    t = problem.templates
    far = spd * 10

    def start(a: str, d: int) -> Any:
        return sum(t[s].start_slot * x[a, d, s] for s in options[d]) + far * (
            1 - works[a, d]
        )

    def end(a: str, d: int) -> Any:
        return sum(t[s].end_slot * x[a, d, s] for s in options[d])

    for a in g.agent_ids:
        ways = []
        for d in range(6):
            both = model.new_bool_var(f"two_days_off[{a},{d}]")
            model.add_implication(both, works[a, d].Not())
            model.add_implication(both, works[a, d + 1].Not())
            ways.append(both)
        for d in range(1, 6):
            gap = model.new_bool_var(f"rest_around[{a},{d}]")
            model.add_implication(gap, works[a, d].Not())
            model.add(
                2 * spd + start(a, d + 1) - end(a, d - 1) >= need
            ).only_enforce_if(gap)
            ways.append(gap)
        head = model.new_bool_var(f"rest_at_start[{a}]")
        model.add_implication(head, works[a, 0].Not())
        model.add(spd + start(a, 1) >= need).only_enforce_if(head)
        tail = model.new_bool_var(f"rest_at_end[{a}]")
        model.add_implication(tail, works[a, 6].Not())
        model.add(2 * spd - end(a, 5) >= need).only_enforce_if(tail)
        model.add_bool_or([*ways, head, tail]).only_enforce_if(holds("weekly_rest", a))


def _preferences(gm: _GroupModel) -> list[Penalty]:
    problem, g, model, works, weights = gm.problem, gm.g, gm.model, gm.works, gm.weights
    out = []
    for agent, (off, on) in preferred_days(problem, g).items():
        for d in sorted(off | on):
            date = str(problem.inputs.week_start + dt.timedelta(days=d))
            w = works[agent, d]
            if d in off:
                out.append(
                    Penalty(
                        "preference.prefer_off",
                        agent,
                        date,
                        "days",
                        weights.prefer_off_cents,
                        w,
                    )
                )
            if d in on:
                miss = model.new_bool_var(f"miss_on[{agent},{d}]")
                model.add(miss == 1 - w)
                out.append(
                    Penalty(
                        "preference.prefer_on",
                        agent,
                        date,
                        "days",
                        weights.prefer_on_cents,
                        miss,
                    )
                )
    return out


def _stability(gm: _GroupModel) -> list[Penalty]:
    problem, g, model = gm.problem, gm.g, gm.model
    x, works, options = gm.x, gm.works, gm.options
    weights = gm.weights
    spd = problem.slots_per_day
    price = weights.start_change_cents_per_hour * problem.slot_hours
    out = []
    for a in g.agent_ids:
        starts = [
            sum(problem.templates[s].start_slot * x[a, d, s] for s in options[d])
            for d in range(7)
        ]
        for d in range(6):
            if not options[d] or not options[d + 1]:
                continue
            dev = model.new_int_var(0, spd, f"start_change[{a},{d}]")
            slack = spd * (2 - works[a, d] - works[a, d + 1])
            model.add(dev >= starts[d] - starts[d + 1] - slack)
            model.add(dev >= starts[d + 1] - starts[d] - slack)
            out.append(
                Penalty(
                    "stability.start_change", a, f"day {d}-{d + 1}", "slots", price, dev
                )
            )
    return out


def _fairness(gm: _GroupModel) -> list[Penalty]:
    problem, g, model = gm.problem, gm.g, gm.model
    x, options, weights = gm.x, gm.options, gm.weights
    if g.size < 2:
        return []
    weekday0 = problem.inputs.week_start.weekday()
    late = {
        s
        for d in range(7)
        for s in options[d]
        if problem.templates[s].end_slot * problem.slot_minutes > LATE_END_MINUTE
    }
    out = []
    for name, chosen in (
        ("fairness.late", lambda d, s: s in late),
        ("fairness.weekend", lambda d, s: (weekday0 + d) % 7 >= 5),
    ):
        counts = [
            sum(x[a, d, s] for d in range(7) for s in options[d] if chosen(d, s))
            for a in g.agent_ids
        ]
        top = model.new_int_var(0, 7, f"{name}_max[{g.key}]")
        low = model.new_int_var(0, 7, f"{name}_min[{g.key}]")
        for c in counts:
            model.add(top >= c)
            model.add(low <= c)
        spread = model.new_int_var(0, 7, f"{name}[{g.key}]")
        model.add(spread == top - low)
        out.append(
            Penalty(
                name, g.key, "week", "shifts", weights.fairness_cents_per_shift, spread
            )
        )
    return out
