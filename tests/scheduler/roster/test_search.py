"""Searching the staffing model: neighbourhoods that reach what one day cannot."""

from __future__ import annotations

import time

import pandas as pd

from scheduler.requirements import compute_requirements
from scheduler.roster.problem import RosterProblem
from scheduler.roster.search import (
    Incumbent,
    _Neighbourhoods,
    _weeks_to_fix,
    window_search,
)
from scheduler.roster.solve import SolveSettings, counts_of, price_counts
from scheduler.roster.weights import DEFAULT_WEIGHTS
from tests.scheduler.roster.tiny import (
    EVERY_DAY,
    contract,
    phone,
    problem_of,
    slots,
    staff,
    template_at,
    tiny_centre,
    week_forecast,
    with_required,
)


def three_day_week() -> RosterProblem:
    """One agent on exactly three 4-hour shifts a week; the phone needs one agent
    08-12 Thursday-Saturday."""
    centre = tiny_centre(
        {"phone": phone(dict.fromkeys(EVERY_DAY, "08:00-12:00"))},
        {"three": contract(12, 12, 3, 3, max_consecutive_days=7)},
    )
    demand = {s: 1 for d in (3, 4, 5) for s in slots(d, "08:00", "12:00")}
    requirements = with_required(
        compute_requirements(week_forecast("phone", {}), centre), "phone", demand
    )
    return problem_of(centre, staff(1, "three"), requirements)


def test_a_groups_whole_week_moves_when_no_single_day_can() -> None:
    """One agent on exactly three 4-hour shifts a week works
    Monday-Wednesday, but the phone needs one agent 08-12 Thursday-Saturday.
    Moving any one day breaks the contract (three days, 12 h), so only the
    agent's whole week re-planned at once reaches the optimum: Thursday-Saturday,
    pay only (8 h at 20.00 and Saturday's 4 h at 1.5 times: 28,000 cents)."""
    problem = three_day_week()
    morning = template_at(problem, "08:00", 4)
    settings = SolveSettings(mode="interval", time_limit_s=5.0)
    start = counts_of(problem, {("A1", d): morning for d in (0, 1, 2)}, {})
    price, master, values, _ = price_counts(problem, settings, start)
    assert price.objective > 28_000
    best = window_search(
        problem,
        "interval",
        DEFAULT_WEIGHTS,
        Incumbent(values, price.objective),
        floor_share=settings.floor_share,
        email_carry_in_s=None,
        deadline=time.monotonic() + 30,
        seed=0,
        target=28_000,
    )
    assert best.objective == 28_000
    worked = {d for (_, d, s), v in master.n.items() if best.by_name.get(v.name)}
    assert worked == {3, 4, 5}


def test_groups_paying_for_unpaired_shifts_are_re_planned_first() -> None:
    """Contracts of at most 12 h on three days: a 6-hour shift must pair with a
    shorter one. The plan leaves two of group ``b``'s shifts unpaired and one of
    group ``a``'s: ``b``'s week comes first, then ``a``'s; a group outside its
    weekly hours comes before both."""
    centre = tiny_centre(
        {"phone": phone(dict.fromkeys(EVERY_DAY, "08:00-14:00"))},
        {
            "a": contract(0, 12, 0, 3),
            "b": contract(0, 12, 0, 3),
            "c": contract(0, 12, 0, 3),
        },
        lengths_hours=(4, 6),
        latest_end="14:00",
    )
    agents = pd.concat(
        [staff(1, "a"), staff(1, "b", first=2), staff(1, "c", first=3)],
        ignore_index=True,
    )
    problem = problem_of(
        centre, agents, compute_requirements(week_forecast("phone", {}), centre)
    )
    space = _Neighbourhoods(problem, "interval", DEFAULT_WEIGHTS, 0.75, None)
    group = {g.contract_name: gi for gi, g in enumerate(problem.groups)}
    slack = {
        p.subject.split("|")[0]: p.var.name
        for p in space.master.penalties
        if p.rule == "contract.hours_pairing" and p.when == "day 0 (max hours)"
    }
    plan = {slack["a"]: 1, slack["b"]: 2}
    assert _weeks_to_fix(problem, space.master, Incumbent(plan, 0)) == [
        group["b"],
        group["a"],
    ]
    long = template_at(problem, "08:00", 6)
    over = {
        space.master.n[group["c"], d, long].name: 1 for d in range(3)
    }  # 18 h > 12 h
    assert _weeks_to_fix(problem, space.master, Incumbent(plan | over, 0)) == [
        group["c"],
        group["b"],
        group["a"],
    ]
