"""A first week for each agent of a group, built from the staffing plan.

The assignment's CP-SAT model (:mod:`scheduler.roster.assign`) finds no week at
all in a short time limit on a large part-time group (its presolve alone took 2.5
of 5 seconds on 24 agents), and a week that breaks no rule is what it needs from
the start. This module builds one the way a planner would:

1. **Days.** The staffing model says how many agents of the group work each day
   pattern (a set of days that keeps the contract's day rules). Each agent gets one
   pattern, by a minimum-cost matching that honours ``prefer_off`` and
   ``prefer_on`` days and the previous roster's days.
2. **Shifts.** Day by day, the day's planned shifts go to the agents working that
   day, again by a minimum-cost matching: a shift that breaks the rest after the
   agent's shift of the day before (or the previous week's last shift), or leaves
   the agent's week unable to reach the contract's hours, costs as much as a broken
   rule; otherwise the cost keeps each agent on course for their share of the
   group's hours and near their start time of the day before.
3. **Repair.** Agents still outside their weekly hours swap shifts on a day with
   another agent of the group when that brings both within, or closer; failing
   that (the plan itself has more or fewer hours than the group's contracts
   allow), a shift is shortened or lengthened at its end by up to two hours.

The week is a hint: CP-SAT checks it against every rule and improves it.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model
from scipy.optimize import linear_sum_assignment

from scheduler.roster.problem import (
    AgentGroup,
    RosterProblem,
    day_pattern_ok,
    preferred_days,
)
from scheduler.roster.weights import Weights
from scheduler.shifts import MINUTES_PER_DAY

logger = logging.getLogger(__name__)

#: Cost of a broken rule in the matchings: above any sum of soft costs.
BROKEN = 1e6
#: How far (minutes) a shift may start or end from a planned one in the assignment.
NEAR_MINUTES = 60
#: How far (minutes) the constructed week may move a shift's end to bring an agent
#: within their weekly hours: on the L centre the next longer part-time shift with
#: the same start ended 90 minutes later (an hour more paid, and a lunch).
RESIZE_MINUTES = 120
DAYS = 7

Week = dict[tuple[str, int], int]
Pattern = tuple[int, ...]


def rest_slots(problem: RosterProblem, g: AgentGroup) -> int:
    """Least slots between the end of one shift and the start of the next."""
    labour = problem.centre.labour
    rest_min = max(g.contract.min_rest_hours, labour.min_daily_rest_hours) * 60
    return int(-(-rest_min // problem.slot_minutes))


def first_free_minute(problem: RosterProblem, g: AgentGroup, agent: str) -> float:
    """Minute of the week (from its first midnight) the agent may start again.

    The previous week's last shift plus the rest; ``-inf`` when it is not known.
    """
    end = problem.inputs.previous_shift_end.get(agent)
    if end is None:
        return float("-inf")
    start = problem.inputs.local_midnight(problem.inputs.week_start)
    rest = rest_slots(problem, g) * problem.slot_minutes
    return (end - start).total_seconds() / 60 + rest


def construct_week(
    problem: RosterProblem,
    g: AgentGroup,
    planned: Mapping[tuple[int, int], int],
    weights: Weights,
    patterns: Mapping[Pattern, int] | None = None,
    hints: Mapping[tuple[str, int], int] | None = None,
    worth: npt.NDArray[np.float64] | None = None,
) -> Week:
    """Each agent's shifts for the week, from the group's plan.

    Parameters
    ----------
    problem : RosterProblem
        The problem.
    g : AgentGroup
        The group.
    planned : Mapping
        ``(day, template) -> agents`` the staffing model planned for the group.
    weights : Weights
        Prices of ``prefer_off`` and ``prefer_on`` days.
    patterns : Mapping or None
        ``days -> agents`` of the staffing model's day patterns for the group;
        ``None`` (or counts that do not add up to the plan) to choose them here.
    hints : Mapping or None
        ``(agent_id, day) -> template`` of a previous roster, to change little.
    worth : numpy.ndarray or None
        Cents one of the group's agents is worth per week slot (see
        :func:`scheduler.roster.assign.assign_agents`): an agent over their hours
        gives up the shift end worth least.

    Returns
    -------
    dict
        ``(agent_id, day) -> template``; a planned shift that no agent could take
        without breaking a rule is still given (CP-SAT repairs it).
    """
    hints = hints or {}
    per_day = [sum(c for (d, _), c in planned.items() if d == day) for day in range(7)]
    if patterns is None or not _consistent(g, per_day, patterns):
        patterns = _choose_patterns(problem, g, per_day)
    days_of = _patterns_to_agents(problem, g, patterns, hints, weights)
    rules = _Rules(problem, g, days_of)
    week = _shifts_by_day(problem, g, planned, days_of, hints, rules)
    _repair_hours(g, week, rules)
    _resize_shifts(problem, g, week, rules, worth)
    return week


def _consistent(
    g: AgentGroup, per_day: list[int], patterns: Mapping[Pattern, int]
) -> bool:
    if sum(patterns.values()) != g.size:
        return False
    return all(
        sum(c for p, c in patterns.items() if d in p) == per_day[d] for d in range(7)
    )


def _choose_patterns(
    problem: RosterProblem, g: AgentGroup, per_day: list[int]
) -> dict[Pattern, int]:
    """Day patterns whose days match the plan's agents per day as closely as may be."""
    c = g.contract
    weekday0 = problem.inputs.week_start.weekday()
    open_days = [d for d in range(7) if g.menus[d]]
    valid = [
        p
        for k in range(g.min_days, min(c.max_days, len(open_days)) + 1)
        for p in itertools.combinations(open_days, k)
        if set(g.locked) <= set(p) and day_pattern_ok(p, c, weekday0)
    ]
    if not valid:
        valid = [tuple(open_days)]
    model = cp_model.CpModel()
    m = {p: model.new_int_var(0, g.size, "") for p in valid}
    model.add(sum(m.values()) == g.size)
    deviation = []
    for d in range(7):
        dev = model.new_int_var(0, g.size, "")
        have = sum(v for p, v in m.items() if d in p)
        model.add(have - per_day[d] <= dev)
        model.add(per_day[d] - have <= dev)
        deviation.append(dev)
    model.minimize(sum(deviation))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 1.0
    solver.parameters.num_workers = 1
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {valid[0]: g.size}
    return {p: int(solver.value(v)) for p, v in m.items() if solver.value(v) > 0}


def _patterns_to_agents(
    problem: RosterProblem,
    g: AgentGroup,
    patterns: Mapping[Pattern, int],
    hints: Mapping[tuple[str, int], int],
    weights: Weights,
) -> dict[str, Pattern]:
    """Each agent's working days: preferences and the previous roster honoured."""
    slots = [p for p, count in sorted(patterns.items()) for _ in range(count)]
    slots += [()] * (g.size - len(slots))
    prefer = preferred_days(problem, g)
    cost = np.zeros((g.size, len(slots)))
    for i, a in enumerate(g.agent_ids):
        off, on = prefer.get(a, (set(), set()))
        for j, p in enumerate(slots):
            days = set(p)
            cost[i, j] = (
                weights.prefer_off_cents * len(days & off)
                + weights.prefer_on_cents * len(on - days)
                + 10 * sum(1 for d in range(7) if ((a, d) in hints) != (d in days))
            )
    rows, cols = linear_sum_assignment(cost)
    return {g.agent_ids[i]: slots[j] for i, j in zip(rows, cols, strict=True)}


class _Rules:
    """The per-shift hard rules of one group's agents, against the week so far."""

    def __init__(
        self, problem: RosterProblem, g: AgentGroup, days_of: Mapping[str, Pattern]
    ) -> None:
        self.t = problem.templates
        self.spd = problem.slots_per_day
        self.slot_minutes = problem.slot_minutes
        self.rest = rest_slots(problem, g)
        self.need = int(
            -(-problem.centre.labour.min_weekly_rest_hours * 60 // problem.slot_minutes)
        )
        self.free_from = {a: first_free_minute(problem, g, a) for a in g.agent_ids}
        self.lock = {d: self.t.index(k.template) for d, k in g.locked.items()}
        self.spot = {a: _weekly_rest_spot(days_of[a]) for a in g.agent_ids}

    def breaks(self, week: Week, a: str, d: int, s: int) -> bool:
        """Whether agent ``a`` on shift ``s`` of day ``d`` breaks a rule."""
        t, spd = self.t, self.spd
        before, after = week.get((a, d - 1)), week.get((a, d + 1))
        if (
            before is not None
            and t[before].end_slot + self.rest > spd + t[s].start_slot
        ):
            return True
        if after is not None and t[s].end_slot + self.rest > spd + t[after].start_slot:
            return True
        if (
            d * MINUTES_PER_DAY + t[s].start_slot * self.slot_minutes
            < self.free_from[a]
        ):
            return True
        if d in self.lock and s != self.lock[d]:
            return True
        spot = self.spot[a]
        if self.need <= 0 or spot is None:
            return False
        if spot == 0:  # the week's first day off: the next shift starts late enough
            return d == 1 and spd + t[s].start_slot < self.need
        if spot == DAYS - 1:  # the last day off: the shift before ends early enough
            return d == DAYS - 2 and 2 * spd - t[s].end_slot < self.need
        # One day off, ``spot``, between two shifts far enough apart.
        if d == spot + 1 and (a, spot - 1) in week:
            return t[s].start_slot + 2 * spd - t[week[a, spot - 1]].end_slot < self.need
        if d == spot - 1 and (a, spot + 1) in week:
            return t[week[a, spot + 1]].start_slot + 2 * spd - t[s].end_slot < self.need
        return False


def _weekly_rest_spot(days: Pattern) -> int | None:
    """Where an agent's weekly rest goes when no two days off in a row hold it.

    ``None`` when two days off in a row do (or the agent works no day); a day off
    between two working days if there is one (its shifts rarely come close to the
    rest); else ``-1`` for the first day of the week, ``7`` for the last.
    """
    off = [d for d in range(DAYS) if d not in days]
    if not days or any(d + 1 in off for d in off):
        return None
    inner = [d for d in off if 0 < d < DAYS - 1]
    if inner:
        return inner[0]
    return 0 if 0 in off else DAYS - 1


def _shifts_by_day(
    problem: RosterProblem,
    g: AgentGroup,
    planned: Mapping[tuple[int, int], int],
    days_of: Mapping[str, Pattern],
    hints: Mapping[tuple[str, int], int],
    rules: _Rules,
) -> Week:
    """Each day's planned shifts to that day's agents, by minimum-cost matching."""
    t = problem.templates
    total_paid = sum(t[s].paid_slots * c for (_, s), c in planned.items())
    total_days = max(sum(len(p) for p in days_of.values()), 1)
    # Each agent's share of the group's paid slots, by days worked, within range.
    target = {
        a: min(
            max(total_paid * len(days_of[a]) / total_days, g.min_paid_slots),
            g.max_paid_slots,
        )
        for a in g.agent_ids
    }
    shortest = [min((t[s].paid_slots for s in m), default=0) for m in g.menus]
    longest = [max((t[s].paid_slots for s in m), default=0) for m in g.menus]
    paid = dict.fromkeys(g.agent_ids, 0)
    week: Week = {}
    for d in range(DAYS):
        shifts = [
            s for (dd, s), c in sorted(planned.items()) if dd == d for _ in range(c)
        ]
        if d in rules.lock and rules.lock[d] not in shifts:
            shifts = [rules.lock[d], *shifts[1:]]
        workers = [a for a in g.agent_ids if d in days_of[a]]
        if not shifts or not workers:
            continue
        cost = np.zeros((len(workers), len(shifts)))
        for i, a in enumerate(workers):
            later = [e for e in days_of[a] if e > d]
            done = sum(1 for e in days_of[a] if e <= d)
            ideal = target[a] * done / max(len(days_of[a]), 1)
            before = week.get((a, d - 1))
            for j, s in enumerate(shifts):
                after = paid[a] + t[s].paid_slots
                c = 0.01 * (after - ideal) ** 2
                if after + sum(shortest[e] for e in later) > g.max_paid_slots:
                    c += BROKEN
                if after + sum(longest[e] for e in later) < g.min_paid_slots:
                    c += BROKEN
                if rules.breaks(week, a, d, s):
                    c += BROKEN
                if before is not None:
                    c += 0.001 * abs(t[before].start_slot - t[s].start_slot)
                if hints.get((a, d)) == s:
                    c -= 1.0
                cost[i, j] = c
        rows, cols = linear_sum_assignment(cost)
        for i, j in zip(rows, cols, strict=True):
            week[workers[i], d] = shifts[j]
            paid[workers[i]] += t[shifts[j]].paid_slots
    return week


def _repair_hours(g: AgentGroup, week: Week, rules: _Rules) -> None:
    """Swap shifts on a day between two agents while it brings hours within range."""
    t = rules.t

    def excess(hours: int) -> int:
        return max(g.min_paid_slots - hours, 0) + max(hours - g.max_paid_slots, 0)

    def swap(a: str, b: str, d: int) -> None:
        week[a, d], week[b, d] = week[b, d], week[a, d]

    hours = {
        a: sum(t[week[a, d]].paid_slots for d in range(DAYS) if (a, d) in week)
        for a in g.agent_ids
    }
    for _ in range(4 * g.size):
        wrong = [a for a in g.agent_ids if excess(hours[a]) > 0]
        if not wrong:
            return
        move = next(
            (
                (a, b, d)
                for a in wrong
                for b in g.agent_ids
                for d in range(DAYS)
                if b != a
                and (a, d) in week
                and (b, d) in week
                and _better(
                    excess,
                    hours,
                    a,
                    b,
                    t[week[b, d]].paid_slots - t[week[a, d]].paid_slots,
                )
                and _swap_keeps_rules(week, rules, a, b, d)
            ),
            None,
        )
        if move is None:
            logger.debug("group %s: %d agents outside their hours", g.key, len(wrong))
            return
        a, b, d = move
        delta = t[week[b, d]].paid_slots - t[week[a, d]].paid_slots
        swap(a, b, d)
        hours[a] += delta
        hours[b] -= delta


def _better(
    excess: Callable[[int], int], hours: Mapping[str, int], a: str, b: str, delta: int
) -> bool:
    """Whether moving ``delta`` paid slots from ``b`` to ``a`` lowers the excess."""
    before = excess(hours[a]) + excess(hours[b])
    return excess(hours[a] + delta) + excess(hours[b] - delta) < before


def _swap_keeps_rules(week: Week, rules: _Rules, a: str, b: str, d: int) -> bool:
    sa, sb = week[a, d], week[b, d]
    week[a, d], week[b, d] = sb, sa
    ok = not rules.breaks(week, a, d, sb) and not rules.breaks(week, b, d, sa)
    week[a, d], week[b, d] = sa, sb
    return ok


def _resize_shifts(
    problem: RosterProblem,
    g: AgentGroup,
    week: Week,
    rules: _Rules,
    worth: npt.NDArray[np.float64] | None = None,
) -> None:
    """Shorten (lengthen) shifts of agents over (under) their weekly hours.

    Each such agent's shifts are tried longest (shortest) first, each replaced by
    the menu's shift with the same start ending at most :data:`RESIZE_MINUTES`
    earlier (later) that brings the week nearest the contract's range. With
    ``worth`` (cents an agent is worth per week slot), an agent over their hours
    shortens first the shift whose last :data:`RESIZE_MINUTES` are worth least.
    """
    t = problem.templates
    near = RESIZE_MINUTES // problem.slot_minutes

    def given_up(a: str, d: int) -> float:
        """Worth of the end a shortened shift would give up."""
        if worth is None:
            return 0.0
        first, end = problem.shift_span(d, week[a, d])
        return float(worth[max(end - near, first) : min(end, worth.size)].sum())

    for a in g.agent_ids:
        days = [d for d in range(DAYS) if (a, d) in week and d not in rules.lock]
        hours = sum(t[week[a, d]].paid_slots for d in range(DAYS) if (a, d) in week)
        if hours > g.max_paid_slots:
            order = sorted(
                days, key=lambda d: (given_up(a, d), -t[week[a, d]].paid_slots)
            )
        else:
            order = sorted(days, key=lambda d: t[week[a, d]].paid_slots, reverse=True)
        for d in order:
            if g.min_paid_slots <= hours <= g.max_paid_slots:
                break
            now = t[week[a, d]]
            wanted = (
                g.max_paid_slots - hours
                if hours > g.max_paid_slots
                else (g.min_paid_slots - hours)
            )
            options = [
                s
                for s in g.menus[d]
                if t[s].start_slot == now.start_slot
                and 0 < abs(t[s].end_slot - now.end_slot) <= near
                and (t[s].paid_slots - now.paid_slots) * wanted > 0
                and not rules.breaks(week, a, d, s)
            ]
            if not options:
                continue
            best = min(
                options, key=lambda s: abs(t[s].paid_slots - now.paid_slots - wanted)
            )
            hours += t[best].paid_slots - now.paid_slots
            week[a, d] = best
