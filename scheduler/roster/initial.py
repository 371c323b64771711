"""First plans for the solver to start from: greedy, rounded LP, channel allocation.

CP-SAT proves bounds well on the staffing model but can take long to find a good
first solution of a model with this many equalities. Three starts are built here:

* :func:`initial_week`, a greedy week per agent, valid under every contract rule by
  construction. Agents are taken one at a time, those with the fewest skills (then
  the fewest possible weeks) first; each gets, among the weeks its contract allows
  (``k`` days of shifts of one paid length, days that keep the weekend,
  consecutive-day and days-off rules, rest between days and the weekly rest), the
  one whose slots are worth most to the objective (:class:`_Worth`) less its pay,
  every slot going to the agent's most valuable channel. Breaks are staggered
  through their windows afterwards. (Leaving each agent's break slots out of what
  it covers made the plan worse on the S and M benchmark centres, so the greedy
  counts whole shifts.)
* :func:`rounded_counts` and :func:`rounded_breaks`, the LP relaxation's shift and
  break counts rounded day by day (each day to the agents whose rounded day
  pattern has it), with each group's hours kept in its contracts.
* :func:`allocation_hint`, the agents present in each slot put on channels by the
  same measure of worth.
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from scheduler.roster.curves import scheduled_curve
from scheduler.roster.master import Mode
from scheduler.roster.problem import AgentGroup, RosterProblem, day_pattern_ok
from scheduler.roster.weights import DEFAULT_WEIGHTS, Weights
from scheduler.units import gross_up

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]


class _Worth:
    """What one more agent on a channel in a slot is worth, in cents.

    Live channels follow the objective: in weekly mode the contacts the next agent
    answers in time (while the channel is short of its weekly target) at
    ``service_level_cents_per_contact``, plus ``floor_cents_per_agent_hour`` below
    the slot's floor; in interval mode the shortfall tier the next agent fills.
    Walk-in desks add the ``min_staff`` price below their minimum; email is worth
    its late-work price up to its requirement.
    """

    def __init__(
        self, problem: RosterProblem, mode: Mode, weights: Weights, floor_share: float
    ) -> None:
        horizon = problem.n_slots + problem.slots_per_day
        self.rows = np.arange(horizon)
        self.staffed = {c: np.zeros(horizon, dtype=np.int64) for c in problem.channels}
        self.tables: dict[str, FloatArray] = {}
        self.short: dict[str, float] = {}
        self.gains: dict[str, FloatArray] = {}
        self.price = weights.service_level_cents_per_contact
        for name, demand in problem.channels.items():
            top = int(np.ceil(2 * demand.required.max(initial=0.0) + 10))
            heads = np.arange(top + 1)[None, :]
            need = np.ceil(_week(demand.required_fractional, horizon) - 1e-9)[:, None]
            hours = problem.slot_hours
            if demand.channel.kind == "deferrable":
                price = weights.email_late_cents_per_agent_hour
                table = (heads < need) * price * hours
            elif mode == "interval":
                tiers = weights.shortfall_cents_per_agent_hour
                depth = need - heads
                tier = np.where(
                    depth > 3, tiers[2], np.where(depth > 1, tiers[1], tiers[0])
                )
                table = (heads < need) * tier * hours
            else:
                table = self._weekly(problem, name, weights, floor_share, top, horizon)
            if demand.channel.kind == "walk_in" and demand.channel.min_staff:
                least = int(
                    gross_up(demand.channel.min_staff, demand.channel.shrinkage)
                )
                is_open = _week(demand.open.astype(np.float64), horizon)[:, None]
                price = weights.min_staff_cents_per_agent_hour
                table = table + (heads < least) * is_open * price * hours
            self.tables[name] = np.asarray(table, dtype=np.float64)

    def _weekly(
        self,
        problem: RosterProblem,
        name: str,
        weights: Weights,
        floor_share: float,
        top: int,
        horizon: int,
    ) -> FloatArray:
        """Floor prices; the contacts each next agent answers go to ``gains``."""
        demand = problem.channels[name]
        curve = scheduled_curve(demand, problem.slot_minutes * 60, top + 1)
        level = curve.service_level
        contacts = demand.contacts[curve.slots]
        gains = np.zeros((horizon, top + 1))
        gains[curve.slots] = contacts[:, None] * np.diff(level, axis=1)
        self.gains[name] = gains
        target = demand.channel.service_level * contacts.sum()
        self.short[name] = float(target - (contacts * level[:, 0]).sum())
        floors = np.zeros(horizon)
        floors[curve.slots] = curve.least_meeting(
            floor_share * demand.channel.service_level
        )
        below = np.arange(top + 1)[None, :] < floors[:, None]
        price = weights.floor_cents_per_agent_hour * problem.slot_hours
        return np.where(below, price, 0.0)

    def _at(self, name: str, slots: npt.NDArray[np.int64]) -> FloatArray:
        table = self.tables[name]
        s = np.minimum(self.staffed[name][slots], table.shape[1] - 1)
        worth: FloatArray = table[slots, s]
        if name in self.gains and self.short[name] > 0:
            worth = worth + self.gains[name][slots, s] * self.price
        return worth

    def of(self, skills: tuple[str, ...]) -> FloatArray:
        """Worth of one more agent with these skills in each slot (best channel)."""
        worth: FloatArray = np.max([self._at(c, self.rows) for c in skills], axis=0)
        return worth

    def take(self, skills: tuple[str, ...], t: int) -> tuple[str, int]:
        """Put an agent on their most valuable channel in slot ``t``."""
        at = np.array([t])
        channel = max(skills, key=lambda c: float(self._at(c, at)[0]))
        self._move(channel, t, +1)
        return channel, t

    def give_back(self, channel: str, t: int) -> None:
        """Take an agent off a channel in slot ``t``."""
        self._move(channel, t, -1)

    def _move(self, name: str, t: int, step: int) -> None:
        s = int(self.staffed[name][t])
        if name in self.gains:
            column = min(s if step > 0 else s - 1, self.gains[name].shape[1] - 1)
            self.short[name] -= step * float(self.gains[name][t, max(column, 0)])
        self.staffed[name][t] += step


def _week(values: FloatArray, horizon: int) -> FloatArray:
    """A week's per-slot values padded with zeros to the horizon."""
    return np.concatenate([values, np.zeros(horizon - values.size)])


def initial_week(
    problem: RosterProblem,
    *,
    mode: Mode = "weekly",
    weights: Weights = DEFAULT_WEIGHTS,
    floor_share: float = 0.75,
    rounds: int = 1,
) -> tuple[dict[tuple[str, int], int], dict[tuple[str, int, int], int]]:
    """Shifts ``(agent, day) -> template``, breaks ``(agent, day, rule) -> offset``.

    Later ``rounds`` take each agent's week out and choose it again against
    everyone else's, a local search on the same measure of worth. (On the S
    benchmark centre a second round is worse: agents whose best week breaks the
    weekly rest are left without one, so one round is the default.)
    """
    worth = _Worth(problem, mode, weights, floor_share)
    horizon = problem.n_slots + problem.slots_per_day
    weekday0 = problem.inputs.week_start.weekday()
    candidates = {
        gi: _candidate_weeks(problem, g, weekday0)
        for gi, g in enumerate(problem.groups)
    }
    # Most constrained first: the fewest skills, then the fewest candidate weeks.
    order = sorted(
        candidates,
        key=lambda i: (len(problem.groups[i].skills), len(candidates[i])),
    )
    weeks: dict[str, dict[int, int]] = {}
    taken: dict[str, list[tuple[str, int]]] = {}
    for _ in range(rounds):
        for gi in order:
            g = problem.groups[gi]
            if not candidates[gi]:
                continue
            pay = g.contract.hourly_cost * 100 * problem.slot_hours
            for agent in g.agent_ids:
                for channel, t in taken.pop(agent, []):
                    worth.give_back(channel, t)
                prefix = np.concatenate([[0.0], np.cumsum(worth.of(g.skills) - pay)])
                weeks[agent] = _best_week(problem, g, candidates[gi], prefix)
                taken[agent] = [
                    worth.take(g.skills, t)
                    for d, s in weeks[agent].items()
                    for t in range(*_clipped(problem.shift_span(d, s), horizon))
                ]
    shifts = {(a, d): s for a, week in weeks.items() for d, s in week.items()}
    breaks = default_breaks(problem, shifts)
    for g in problem.groups:
        for d, lock in g.locked.items():
            for rule, offset in lock.breaks:
                breaks[g.agent_ids[0], d, rule] = offset
    logger.debug("initial week: %d shifts", len(shifts))
    return shifts, breaks


def _clipped(span: tuple[int, int], horizon: int) -> tuple[int, int]:
    return span[0], min(span[1], horizon)


Week = tuple[tuple[int, ...], dict[int, list[int]]]


def _candidate_weeks(
    problem: RosterProblem, g: AgentGroup, weekday0: int
) -> list[Week]:
    """Valid day patterns, each with its templates per day (one paid length)."""
    c = g.contract
    open_days = [d for d in range(7) if g.menus[d] and g.available[d]]
    paid_lengths = sorted(
        {problem.templates[s].paid_slots for d in open_days for s in g.menus[d]}
    )
    weeks: list[Week] = []
    for k in range(max(g.min_days, 1), min(c.max_days, len(open_days)) + 1):
        for paid in paid_lengths:
            if not g.min_paid_slots <= k * paid <= g.max_paid_slots:
                continue
            by_day = {
                d: [s for s in g.menus[d] if problem.templates[s].paid_slots == paid]
                for d in open_days
            }
            usable = [d for d in open_days if by_day[d]]
            weeks += [
                (p, by_day)
                for p in itertools.combinations(usable, k)
                if day_pattern_ok(p, c, weekday0) and set(g.locked) <= set(p)
            ]
    if not weeks:
        logger.info("group %s: no uniform week fits its contract", g.key)
    return weeks


def _best_week(
    problem: RosterProblem, g: AgentGroup, weeks: list[Week], prefix: FloatArray
) -> dict[int, int]:
    """The candidate week covering the most uncovered demand, rest kept."""
    best: dict[int, int] = {}
    best_value = -np.inf
    rest = _rest_slots(problem, g)
    cache: dict[tuple[int, int], tuple[float, int]] = {}
    for days, by_day in weeks:
        chosen: dict[int, int] = {}
        value = 0.0
        previous_end = -(10**9)
        for d in days:
            options = by_day[d]
            if d in g.locked:
                options = [problem.templates.index(g.locked[d].template)]
            key = (d, id(by_day))
            if key not in cache:
                values = [
                    prefix[min(e, prefix.size - 1)] - prefix[f]
                    for f, e in (problem.shift_span(d, s) for s in options)
                ]
                i = int(np.argmax(values))
                cache[key] = (values[i], options[i])
            gain, s = cache[key]
            first, end = problem.shift_span(d, s)
            if first < previous_end + rest:
                value = -np.inf
                break
            chosen[d] = s
            value += gain
            previous_end = end
        if value > best_value and _weekly_rest_ok(problem, chosen):
            best, best_value = chosen, value
    return best


def _weekly_rest_ok(problem: RosterProblem, week: dict[int, int]) -> bool:
    """Whether the week holds one rest of ``labour.min_weekly_rest_hours``."""
    need = problem.centre.labour.min_weekly_rest_hours * 60 / problem.slot_minutes
    edges = [0]
    for d in sorted(week):
        first, end = problem.shift_span(d, week[d])
        edges += [first, end]
    edges.append(problem.n_slots)
    return any(b - a >= need for a, b in zip(edges[::2], edges[1::2], strict=True))


def _rest_slots(problem: RosterProblem, g: AgentGroup) -> int:
    rest_h = max(g.contract.min_rest_hours, problem.centre.labour.min_daily_rest_hours)
    return int(np.ceil(rest_h * 60 / problem.slot_minutes))


def default_breaks(
    problem: RosterProblem,
    shifts: Mapping[tuple[str, int], int],
    skip: Mapping[tuple[str, int, int], int] | None = None,
) -> dict[tuple[str, int, int], int]:
    """Breaks staggered through their windows: ``(agent, day, rule) -> offset``."""
    out = {}
    for i, ((agent, d), template) in enumerate(sorted(shifts.items())):
        for w in problem.templates[template].breaks:
            if skip is not None and (agent, d, w.rule) in skip:
                continue
            width = w.latest_slot - w.earliest_slot + 1
            out[agent, d, w.rule] = w.earliest_slot + (i * 3) % width
    return out


def rounded_counts(
    problem: RosterProblem,
    lp_n: Mapping[tuple[int, int, int], float],
    lp_patterns: Mapping[tuple[int, tuple[int, ...]], float] | None = None,
) -> dict[tuple[int, int, int], int]:
    """Whole shift counts from the LP relaxation's, day by day and group by group.

    Each group's day patterns are rounded first (largest remainders, to the
    group's size), and each day's number of shifts is then the number of agents
    whose pattern has that day, so that the day counts are those of whole agents'
    weeks. (Each day rounded on its own could ask for more working days than the
    group's contracts allow: after a change of the LP's optimal vertex on the S
    benchmark centre one agent's week had to break its contract, 10k EUR.) A
    group-day's shifts are taken in order of start (then end) and rounded
    systematically: the running count of whole shifts is the LP's running count,
    scaled to the day's number, rounded to the nearest (at most the group's
    available agents), so the whole shifts start when the LP's do, within half a
    shift. (Rounding each template's count on its own lost coverage where the LP
    spreads a shift over neighbouring starts.) Then each group's paid hours are
    brought inside its contracts' range (:func:`_fit_hours`). Without the LP's
    patterns, each day's number is the LP's rounded.
    """
    by_day: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for (g, d, s), x in lp_n.items():
        if x > 1e-9:
            by_day[g, d].append((s, x))
    working = _working_days(problem, lp_patterns or {})
    counts: dict[tuple[int, int, int], int] = {}
    for (g, d), options in by_day.items():
        options.sort(
            key=lambda o: (
                problem.templates[o[0]].start_slot,
                problem.templates[o[0]].end_slot,
            )
        )
        total = sum(x for _, x in options)
        scale = working[g, d] / total if (g, d) in working else 1.0
        available = problem.groups[g].available[d]
        running, taken = 0.0, 0
        for s, x in options:
            running += x * scale
            whole = min(int(np.floor(running + 0.5)) - taken, available - taken)
            if whole > 0:
                counts[g, d, s] = whole
                taken += whole
    return _fit_hours(problem, counts, lp_n)


def _working_days(
    problem: RosterProblem, lp_patterns: Mapping[tuple[int, tuple[int, ...]], float]
) -> dict[tuple[int, int], int]:
    """``(group, day) -> agents`` working it, from the LP's day patterns rounded
    to whole agents (largest remainders); groups without patterns are left out."""
    by_group: dict[int, dict[tuple[int, ...], float]] = defaultdict(dict)
    for (g, days), x in lp_patterns.items():
        by_group[g][days] = x
    out: dict[tuple[int, int], int] = defaultdict(int)
    for g, shares in by_group.items():
        whole = largest_remainder(shares, problem.groups[g].size)
        for d in range(7):
            out[g, d] = sum(c for p, c in whole.items() if d in p)
    return dict(out)


Key = TypeVar("Key", bound=Hashable)


def largest_remainder(shares: Mapping[Key, float], total: int) -> dict[Key, int]:
    """Whole numbers summing to ``total``, each the floor of its share or one more
    (the largest remainders get the one more)."""
    whole = {k: int(np.floor(v + 1e-9)) for k, v in shares.items()}
    order = sorted(shares, key=lambda k: whole[k] - shares[k])
    for k in order[: max(total - sum(whole.values()), 0)]:
        whole[k] += 1
    return whole


def _fit_hours(
    problem: RosterProblem,
    counts: Mapping[tuple[int, int, int], int],
    lp_n: Mapping[tuple[int, int, int], float],
) -> dict[tuple[int, int, int], int]:
    """Counts with each group's paid slots inside its contracts' range.

    Rounding may leave a group's week over its agents' most hours (or under their
    least), a bent rule priced far above a slot of coverage. While it is, one
    shift of the group is swapped for the template of the same day and start
    whose paid length brings the group nearest the range (the smallest change,
    then the one the LP used most); days and starts stay, and so do locked days.
    """
    out = dict(counts)
    keys: dict[int, set[tuple[int, int, int]]] = defaultdict(set)
    for key in out:
        keys[key[0]].add(key)
    for gi, g in enumerate(problem.groups):
        least, most = g.size * g.min_paid_slots, g.size * g.max_paid_slots
        paid = sum(
            problem.templates[s].paid_slots * out[_, d, s] for _, d, s in keys[gi]
        )
        while not least <= paid <= most:
            best: tuple[tuple[int, int, float], tuple[int, int, int], int] | None = None
            for _, d, s in keys[gi]:
                if d in g.locked:
                    continue
                now = problem.templates[s]
                for s2 in g.menus[d]:
                    then = problem.templates[s2]
                    change = then.paid_slots - now.paid_slots
                    if then.start_slot != now.start_slot or change == 0:
                        continue
                    if (change < 0) != (paid > most):
                        continue
                    outside = max(paid + change - most, least - paid - change, 0)
                    score = (outside, abs(change), -lp_n.get((gi, d, s2), 0.0))
                    if best is None or score < best[0]:
                        best = (score, (gi, d, s), s2)
            if best is None:
                break
            _, (_, d, s), s2 = best
            out[gi, d, s] -= 1
            if not out[gi, d, s]:
                del out[gi, d, s]
                keys[gi].discard((gi, d, s))
            out[gi, d, s2] = out.get((gi, d, s2), 0) + 1
            keys[gi].add((gi, d, s2))
            paid += problem.templates[s2].paid_slots - problem.templates[s].paid_slots
    return out


def rounded_breaks(
    problem: RosterProblem,
    counts: Mapping[tuple[int, int, int], int],
    lp_b: Mapping[tuple[int, int, int, int], float],
) -> dict[tuple[int, int, int, int], int]:
    """Break counts ``(group, day, rule, slot) -> agents`` where the LP has them.

    The LP relaxation places each group-day's breaks where coverage can best
    spare them. Its break counts are scaled to the whole shifts' number, and each
    whole shift's break, in order of its window's end, goes to the slot of its
    window with the most of that scaled count still unplaced (the earliest on a
    tie), so every break lies in a window of its own shift. A locked day keeps
    its locked breaks.
    """
    windows: dict[tuple[int, int, int], list[tuple[int, int]]] = defaultdict(list)
    for (g, d, s), c in counts.items():
        start = problem.templates[s].start_slot
        for w in problem.templates[s].breaks:
            span = (start + w.earliest_slot, start + w.latest_slot)
            windows[g, d, w.rule].extend([span] * c)
    mass: dict[tuple[int, int, int], dict[int, float]] = defaultdict(dict)
    for (g, d, r, k), x in lp_b.items():
        if x > 1e-9:
            mass[g, d, r][k] = x
    out: dict[tuple[int, int, int, int], int] = defaultdict(int)
    for (g, d, r), spans in windows.items():
        locked = problem.groups[g].locked.get(d)
        if locked is not None:
            for rule, offset in locked.breaks:
                if rule == r:
                    out[g, d, r, locked.template.start_slot + offset] += 1
            continue
        wanted = mass.get((g, d, r), {})
        scale = len(spans) / max(sum(wanted.values()), 1e-9)
        left = {k: x * scale for k, x in wanted.items()}
        for first, last in sorted(spans, key=lambda span: (span[1], span[0])):
            k = max(range(first, last + 1), key=lambda k: (left.get(k, 0.0), -k))
            left[k] = left.get(k, 0.0) - 1.0
            out[g, d, r, k] += 1
    return dict(out)


def allocation_hint(
    problem: RosterProblem,
    fixed_n: Mapping[tuple[int, int, int], int],
    fixed_b: Mapping[tuple[int, int, int, int], int],
    *,
    mode: Mode,
    weights: Weights,
    floor_share: float,
) -> dict[tuple[int, str, int], int]:
    """Agents of each group on each channel per slot, by marginal worth.

    Slot by slot, every agent present (from the shift and break counts) goes to the
    open channel of theirs where one more agent is worth most, groups with the
    fewest skills first: a good channel allocation for the solver to start from.
    """
    horizon = problem.n_slots + problem.slots_per_day
    present = np.zeros((len(problem.groups), horizon), dtype=np.int64)
    for (g, d, s), count in fixed_n.items():
        first, end = problem.shift_span(d, s)
        present[g, first:end] += count
    for (g, d, r, k), count in fixed_b.items():
        start = d * problem.slots_per_day + k
        duration = next(
            w.duration_slots
            for s in problem.groups[g].menus[d]
            for w in problem.templates[s].breaks
            if w.rule == r
        )
        present[g, start : start + duration] -= count
    worth = _Worth(problem, mode, weights, floor_share)
    order = sorted(
        range(len(problem.groups)), key=lambda i: len(problem.groups[i].skills)
    )
    out: dict[tuple[int, str, int], int] = {}
    for t in range(problem.n_slots):
        for gi in order:
            skills = tuple(
                c for c in problem.groups[gi].skills if problem.channels[c].open[t]
            )
            if not skills:
                continue
            for c in skills:
                out[gi, c, t] = 0
            for _ in range(int(present[gi, t])):
                channel = worth.take(skills, t)[0]
                out[gi, channel, t] += 1
    return out
