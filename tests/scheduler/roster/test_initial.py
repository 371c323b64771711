"""First plans: the greedy week per agent, rounded LP counts, channel allocation."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import pytest

from scheduler.config import Centre, load_centre
from scheduler.roster.initial import (
    allocation_hint,
    initial_week,
    rounded_breaks,
    rounded_counts,
)
from scheduler.roster.problem import RosterProblem, day_pattern_ok
from scheduler.roster.solve import contract_pay_bound, counts_of
from scheduler.roster.weights import DEFAULT_WEIGHTS
from tests.scheduler.roster.flat_week import WEEK_START, flat_problem


@pytest.fixture(scope="module")
def centre() -> Centre:
    return load_centre()


@pytest.fixture(scope="module")
def problem(centre: Centre) -> RosterProblem:
    """The sample agents against a week of flat demand on every channel."""
    return flat_problem(centre)


def test_every_greedy_week_keeps_the_contract(problem: RosterProblem) -> None:
    """Each agent's greedy week has valid days and paid hours in the contract."""
    shifts, _ = initial_week(problem)
    weekday0 = WEEK_START.weekday()
    for g in problem.groups:
        for agent in g.agent_ids:
            days = tuple(sorted(d for (a, d) in shifts if a == agent))
            paid = sum(problem.templates[shifts[agent, d]].paid_slots for d in days)
            assert g.min_days <= len(days) <= g.contract.max_days
            assert day_pattern_ok(days, g.contract, weekday0)
            assert g.min_paid_slots <= paid <= g.max_paid_slots


def test_greedy_breaks_lie_in_their_windows(problem: RosterProblem) -> None:
    """Every break of the greedy plan starts inside its window."""
    shifts, breaks = initial_week(problem)
    for (agent, day, rule), offset in breaks.items():
        window = next(
            w for w in problem.templates[shifts[agent, day]].breaks if w.rule == rule
        )
        assert window.earliest_slot <= offset <= window.latest_slot


def test_rounded_counts_keep_each_days_total_and_headcount(
    problem: RosterProblem,
) -> None:
    """Rounding keeps each group-day total at the rounded LP total, within headcount."""
    menu = problem.groups[0].menus[0]
    lp = {(0, 0, s): 0.4 for s in menu[:10]}
    lp[0, 1, problem.groups[0].menus[1][0]] = 2.6
    counts = rounded_counts(problem, lp)
    day0 = sum(c for (g, d, _), c in counts.items() if (g, d) == (0, 0))
    assert day0 == 4  # 10 x 0.4
    assert counts[0, 1, problem.groups[0].menus[1][0]] == 3


def test_rounded_days_are_whole_agents_weeks_when_the_lp_gives_its_patterns(
    problem: RosterProblem,
) -> None:
    """Eight part-timers of at most five days, spread by the LP evenly over the
    six five-day weeks of Monday to Saturday (8/6 agents each, 6.67 a day):
    rounded day by day that is 7 a day, 42 days where the agents have 40; from
    the patterns rounded to whole agents (1 or 2 each), 40 days, each day's
    count the agents whose week has it."""
    g = problem.groups[1]
    assert (g.size, g.contract.max_days) == (8, 5)
    days = tuple(range(6))
    weeks = [tuple(d for d in days if d != off) for off in days]
    lp = {(1, d, g.menus[d][0]): 8 * 5 / 6 for d in days}
    patterns = {(1, week): 8 / 6 for week in weeks}
    by_day = rounded_counts(problem, lp)
    assert sum(by_day.values()) == 42
    counts = rounded_counts(problem, lp, patterns)
    assert sum(counts.values()) == 40
    # (The group's hours may then be fitted by other lengths, same days.)
    per_day = [sum(c for (_, e, _), c in counts.items() if e == d) for d in days]
    # Two of the six weeks got a second agent: their days have 7, the others 6.
    assert sorted(per_day) == [6, 6, 7, 7, 7, 7]


def test_rounded_shifts_start_where_the_lps_running_count_passes_each_half(
    problem: RosterProblem,
) -> None:
    """Five starts of 0.4 each: whole shifts where the running count passes 0.5, 1.5."""
    g = problem.groups[0]
    first = problem.templates[g.menus[0][0]]
    same_length = [
        s
        for s in g.menus[0]
        if problem.templates[s].paid_slots == first.paid_slots
        and problem.templates[s].start_slot >= first.start_slot
    ]
    by_start = sorted(same_length, key=lambda s: problem.templates[s].start_slot)[:5]
    counts = rounded_counts(problem, {(0, 0, s): 0.4 for s in by_start})
    # running counts 0.4, 0.8, 1.2, 1.6, 2.0: whole shifts where 0.5 and 1.5 are passed
    assert {s for (_, _, s) in counts} == {by_start[1], by_start[3]}


def test_rounding_brings_a_group_over_its_hours_back_by_a_shorter_shift(
    problem: RosterProblem,
) -> None:
    """A group rounded to a week over its most hours gets shorter shifts."""

    def longest_week(gi: int) -> dict[tuple[int, int, int], float]:
        g = problem.groups[gi]
        return {
            (
                gi,
                d,
                max(g.menus[d], key=lambda s: problem.templates[s].paid_slots),
            ): float(g.available[d])
            for d in range(7)
            if g.menus[d]
        }

    def paid_of(counts: Mapping[tuple[int, int, int], float]) -> float:
        return sum(
            problem.templates[s].paid_slots * x for (_, _, s), x in counts.items()
        )

    gi = next(
        i
        for i, g in enumerate(problem.groups)
        if paid_of(longest_week(i)) > g.size * g.max_paid_slots
    )
    g = problem.groups[gi]
    lp = longest_week(gi)
    counts = rounded_counts(problem, lp)
    paid = paid_of(counts)
    assert g.size * g.min_paid_slots <= paid <= g.size * g.max_paid_slots
    # each day keeps its agents, all starting when the LP's did
    for (_, d, s), x in lp.items():
        start = problem.templates[s].start_slot
        day = {s2: c for (_, dd, s2), c in counts.items() if dd == d}
        assert sum(day.values()) == x
        assert {problem.templates[s2].start_slot for s2 in day} == {start}


def test_rounded_breaks_lie_in_their_shifts_windows_where_the_lp_has_them(
    problem: RosterProblem,
) -> None:
    """Two shifts' breaks go to the LP's two break slots, each inside its window."""
    g = problem.groups[0]
    s = g.menus[0][0]
    t = problem.templates[s]
    w = t.breaks[0]
    late = t.start_slot + w.latest_slot
    early = t.start_slot + w.earliest_slot
    lp_b = {(0, 0, w.rule, late): 1.2, (0, 0, w.rule, early): 0.8}
    breaks = rounded_breaks(problem, {(0, 0, s): 2}, lp_b)
    assert breaks[0, 0, w.rule, late] == 1
    assert breaks[0, 0, w.rule, early] == 1
    for other in t.breaks[1:]:
        placed = sum(c for (_, _, r, _), c in breaks.items() if r == other.rule)
        assert placed == 2  # a rule the LP left out still gets every break


def test_allocation_hint_puts_every_present_agent_on_an_open_channel(
    problem: RosterProblem,
) -> None:
    """Per group and slot the hint's channels add up to the agents present."""
    shifts, breaks = initial_week(problem)
    fixed = counts_of(problem, shifts, breaks)
    assert fixed.b is not None
    hint = allocation_hint(
        problem,
        fixed.n,
        fixed.b,
        mode="weekly",
        weights=DEFAULT_WEIGHTS,
        floor_share=0.75,
    )
    present: dict[tuple[int, int], int] = defaultdict(int)
    group_of = {a: gi for gi, g in enumerate(problem.groups) for a in g.agent_ids}
    for (agent, day), s in shifts.items():
        first, end = problem.shift_span(day, s)
        on_break = {
            first + offset + k
            for (a, d, rule), offset in breaks.items()
            if (a, d) == (agent, day)
            for w in problem.templates[s].breaks
            if w.rule == rule
            for k in range(w.duration_slots)
        }
        for t in range(first, min(end, problem.n_slots)):
            if t not in on_break:
                present[group_of[agent], t] += 1
    given: dict[tuple[int, int], int] = defaultdict(int)
    for (gi, channel, t), count in hint.items():
        assert channel in problem.groups[gi].skills
        assert count == 0 or problem.channels[channel].open[t]
        given[gi, t] += count
    for (gi, t), count in given.items():
        assert count == present[gi, t]


def test_contract_pay_bound_is_every_minimum_at_base_rate(
    problem: RosterProblem,
) -> None:
    """The bound is each agent's minimum paid hours times their hourly cost."""
    by_hand = 0.0
    for g in problem.groups:
        hours = g.min_paid_slots * 15 / 60
        by_hand += g.size * hours * g.contract.hourly_cost * 100
    assert contract_pay_bound(problem) == pytest.approx(by_hand)
    full_time = [g for g in problem.groups if g.contract_name == "full_time"]
    assert all(g.min_paid_slots * 15 == 37.5 * 60 for g in full_time)
