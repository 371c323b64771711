"""The staffing model: shift and break counts, presence, group rules, LP bound."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd
import pytest
from ortools.sat.python import cp_model

from scheduler.requirements import compute_requirements
from scheduler.roster.master import Backend, Fixed, build_master
from scheduler.roster.problem import RosterProblem
from scheduler.roster.search import linear_model, solve_lp
from scheduler.roster.weights import DEFAULT_WEIGHTS
from tests.scheduler.roster.tiny import (
    BREAKS_30,
    EIGHT,
    EVERY_DAY,
    SLOT_HOURS,
    WEEK_START,
    contract,
    phone,
    problem_of,
    slots,
    solve_master,
    staff,
    template_at,
    tiny_centre,
    week_forecast,
    with_required,
)

#: Calls per half hour on Monday morning, rising to a peak and falling.
PEAKED = [30, 60, 90, 120, 120, 90, 60, 30]


def five_mornings(
    days_off_together: int, demand_days: tuple[int, ...]
) -> RosterProblem:
    """One agent, five 4 h mornings a week; one agent wanted on ``demand_days``."""
    centre = tiny_centre(
        {"phone": phone(dict.fromkeys(EVERY_DAY, "08:00-12:00"))},
        {
            "five": contract(
                20,
                20,
                5,
                5,
                min_consecutive_days_off=days_off_together,
                max_consecutive_days=5,
                max_weekend_days=2,
            )
        },
    )
    requirements = with_required(
        compute_requirements(week_forecast("phone", {}), centre),
        "phone",
        {t: 1 for d in demand_days for t in slots(d, "08:00", "12:00")},
    )
    return problem_of(centre, staff(1, "five"), requirements)


def peaked_morning(agents: int = 30) -> RosterProblem:
    """Erlang C requirements of a peaked Monday morning; 2 h and 4 h shifts."""
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-12:00"})},
        {"flex": contract(0, 4, 0, 1)},
        lengths_hours=(2, 4),
    )
    clocks = [f"{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(8)]
    forecast = week_forecast(
        "phone", {(0, c): v for c, v in zip(clocks, PEAKED, strict=True)}
    )
    return problem_of(
        centre, staff(agents, "flex"), compute_requirements(forecast, centre)
    )


def eight_hour_day(agents: int = 2) -> RosterProblem:
    """Phone open Monday 08:00-16:00, 8 h shifts with break, lunch and break."""
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-16:00"})},
        {"one_day": contract(7.5, 7.5, 1, 1)},
        lengths_hours=(8,),
        latest_end="16:00",
        breaks=BREAKS_30,
    )
    requirements = with_required(
        compute_requirements(week_forecast("phone", {}), centre),
        "phone",
        dict.fromkeys(slots(0, "08:00", "16:00"), 2),
    )
    return problem_of(centre, staff(agents, "one_day"), requirements)


def test_days_off_come_together_when_the_contract_says_so() -> None:
    """Demand skips Wednesday and Saturday, yet days off 2 apart are not allowed."""
    problem = five_mornings(2, demand_days=(0, 1, 3, 4, 6))
    solved = solve_master(problem)
    chosen = [p for (_, p), v in solved.master.patterns.items() if solved.value(v)]
    # Off on Saturday and Sunday: no weekend pay; Sunday's demand goes short.
    assert chosen == [(0, 1, 2, 3, 4)]
    assert solved.cost("contract") == 0
    short = 8 * DEFAULT_WEIGHTS.shortfall_cents_per_agent_hour[0] * SLOT_HOURS
    overstaffed = 8 * DEFAULT_WEIGHTS.overstaffing_cents_per_agent_hour * SLOT_HOURS
    assert solved.objective == 5 * 8000 + short + overstaffed == 65600


def test_single_days_off_are_chosen_when_the_contract_allows_them() -> None:
    """With one day off enough, the agent works exactly the five demand days."""
    problem = five_mornings(1, demand_days=(0, 1, 3, 4, 6))
    solved = solve_master(problem)
    chosen = [p for (_, p), v in solved.master.patterns.items() if solved.value(v)]
    assert chosen == [(0, 1, 3, 4, 6)]
    assert solved.objective == 4 * 8000 + 12000  # Sunday at the weekend rate


def test_no_pattern_with_a_lone_day_off_inside_the_week_is_free() -> None:
    """Every pattern with a single interior day off is priced as a bent week."""
    problem = five_mornings(2, demand_days=(0, 1, 3, 4, 6))
    solved = solve_master(problem)
    bent = {p.when for p in solved.master.penalties if p.rule == "contract.days"}
    assert "days 0,1,3,4,6" in bent
    assert "days 0,1,3,4,5" in bent
    assert "days 0,1,2,3,4" not in bent
    assert "days 1,2,3,4,5" not in bent  # single days off at the edges are fine


def test_a_contract_no_week_can_keep_bends_at_a_price() -> None:
    """Two 4 h days a week but one morning open: one bent week and 4 h short."""
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-12:00"})}, {"two": contract(8, 8, 2, 2)}
    )
    requirements = compute_requirements(week_forecast("phone", {}), centre)
    solved = solve_master(problem_of(centre, staff(1, "two"), requirements))
    assert solved.status == "OPTIMAL"
    assert solved.amounts("contract.days") == {"days 0": 1.0}
    assert solved.amounts("contract.hours_short") == {"week": 8.0}  # 8 slots
    hour = DEFAULT_WEIGHTS.bent_hours_cents_per_hour
    assert solved.cost("contract.hours_short") == 4 * hour
    assert solved.cost("contract.days") == DEFAULT_WEIGHTS.bent_week_cents_per_agent


def test_a_shift_length_no_week_of_the_contract_can_use_is_off_the_menu() -> None:
    """8 h in at most one day cannot use a 4 h shift: nothing to work, 8 h short."""
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-12:00"})}, {"eight": contract(8, 8, 0, 1)}
    )
    requirements = compute_requirements(week_forecast("phone", {}), centre)
    problem = problem_of(centre, staff(1, "eight"), requirements)
    assert problem.groups[0].menus == ((),) * 7
    solved = solve_master(problem)
    assert solved.amounts("contract.hours_short") == {"week": 16.0}
    assert solved.amounts("contract.days") == {"days ": 1.0}


def test_fixed_counts_are_held_and_priced() -> None:
    """Two of thirty agents 08:00-12:00 is 16 000 of pay, the rest shortfall."""
    problem = peaked_morning()
    fixed = Fixed({(0, 0, template_at(problem, "08:00", 4)): 2}, {})
    solved = solve_master(problem, fixed=fixed)
    assert [k for k, v in solved.master.n.items() if solved.value(v)] == [
        (0, 0, template_at(problem, "08:00", 4))
    ]
    assert solved.pay == 2 * 8000
    assert solved.paid_hours == 8.0


def test_break_counts_live_only_in_their_windows() -> None:
    """The 08:00 shift's first break may start 09:00-10:00: slots 18, 19 and 20."""
    problem = eight_hour_day()
    model = cp_model.CpModel()
    master = build_master(problem, Backend(model))
    by_rule: dict[int, list[int]] = {}
    for _, _, rule, k in master.b:
        by_rule.setdefault(rule, []).append(k)
    assert by_rule == {
        0: [EIGHT + 2, EIGHT + 3, EIGHT + 4],
        2: [EIGHT + 6, EIGHT + 7, EIGHT + 8, EIGHT + 9],
        1: [EIGHT + 11, EIGHT + 12, EIGHT + 13],
    }


def staggered_starts() -> RosterProblem:
    """Phone Monday 08:00-17:00; 8 h shifts with breaks, starting 08:00-09:00."""
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-17:00"})},
        {"one_day": contract(7.5, 7.5, 1, 1)},
        lengths_hours=(8,),
        latest_end="17:00",
        breaks=BREAKS_30,
    )
    requirements = compute_requirements(week_forecast("phone", {}), centre)
    return problem_of(centre, staff(2, "one_day"), requirements)


@pytest.mark.parametrize(
    ("first_breaks", "status"),
    [
        ({EIGHT + 2: 1, EIGHT + 6: 1}, "OPTIMAL"),  # one in each shift's window
        ({EIGHT + 4: 2}, "OPTIMAL"),  # 10:00 lies in both windows
        ({EIGHT + 2: 2}, "INFEASIBLE"),  # 09:00 is before the 09:00 shift's
        ({EIGHT + 6: 2}, "INFEASIBLE"),  # 11:00 is after the 08:00 shift's
    ],
)
def test_breaks_of_given_shifts_each_fit_a_window_of_their_own(
    first_breaks: dict[int, int], status: str
) -> None:
    """Shifts 08:00 and 09:00: first breaks 09:00-10:00 and 10:00-11:00."""
    problem = staggered_starts()
    shifts = {(0, 0, template_at(problem, s, 8)): 1 for s in ("08:00", "09:00")}
    model = cp_model.CpModel()
    master = build_master(
        problem, Backend(model), fixed=Fixed(shifts, None), break_order=True
    )
    for (_, _, rule, k), v in master.b.items():
        if rule == 0:
            model.add(v == first_breaks.get(k, 0))
    solver = cp_model.CpSolver()
    assert solver.status_name(solver.solve(model)) == status


def test_breaks_of_free_shifts_are_counted_per_group_only() -> None:
    """With shift counts free, two breaks at 09:00 stand (the LP's relaxation)."""
    problem = staggered_starts()
    model = cp_model.CpModel()
    master = build_master(problem, Backend(model))
    for key in (template_at(problem, s, 8) for s in ("08:00", "09:00")):
        model.add(master.n[0, 0, key] == 1)
    for (_, _, rule, k), v in master.b.items():
        if rule == 0:
            model.add(v == (2 if k == EIGHT + 2 else 0))
    solver = cp_model.CpSolver()
    assert solver.status_name(solver.solve(model)) == "OPTIMAL"


def two_days_of_eight_hours() -> RosterProblem:
    """Three agents, each exactly 2 days and at most 8 h: 4 h a day on average."""
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-13:00", "tuesday": "08:00-13:00"})},
        {"two": contract(6, 8, 2, 2)},
        lengths_hours=(3, 4, 5),
        latest_end="13:00",
    )
    requirements = compute_requirements(week_forecast("phone", {}), centre)
    return problem_of(centre, staff(3, "two"), requirements)


@pytest.mark.parametrize(
    ("tuesday", "unpaired"),
    [
        ((3, 3, 5), 0.0),  # weeks 5+3, 5+3 and 3+5 h
        ((3, 4, 4), 1.0),  # 24 h in all, yet one 5 h Monday meets a 4 h Tuesday
    ],
)
def test_long_shifts_need_short_ones_to_keep_each_agent_in_hours(
    tuesday: tuple[int, int, int], unpaired: float
) -> None:
    """Mondays of 5, 5 and 3 h in 8 h weeks: both 5 h need a Tuesday under 4 h."""
    problem = two_days_of_eight_hours()
    n: dict[tuple[int, int, int], int] = defaultdict(int)
    for day, hours in [(0, 5), (0, 5), (0, 3)] + [(1, h) for h in tuesday]:
        n[0, day, template_at(problem, "08:00", hours)] += 1
    solved = solve_master(problem, fixed=Fixed(dict(n), {}))
    assert solved.amounts("contract.hours_pairing") == (
        {"day 0 (max hours)": unpaired} if unpaired else {}
    )
    price = DEFAULT_WEIGHTS.hours_pairing_cents_per_agent
    assert solved.cost("contract.hours_pairing") == unpaired * price
    # The group's hours are inside its range either way: 24 h of 3 x 8 h.
    assert solved.cost("contract.hours_over") == solved.cost("contract.hours_short")
    assert solved.cost("contract.hours_over") == 0


def test_the_lp_relaxation_does_not_pair_shifts() -> None:
    """Fractional counts keep the pairing anyway: the LP model has no such terms."""
    problem = two_days_of_eight_hours()
    _, master = linear_model(
        problem, "interval", DEFAULT_WEIGHTS, floor_share=0.75, email_carry_in_s=0.0
    )
    assert not [p for p in master.penalties if p.rule == "contract.hours_pairing"]
    _, mip = linear_model(
        problem,
        "interval",
        DEFAULT_WEIGHTS,
        floor_share=0.75,
        email_carry_in_s=0.0,
        integer_counts=True,
    )
    # No shift is under min/k = 3 h, so only the max side has terms.
    assert {p.when for p in mip.penalties if p.rule == "contract.hours_pairing"} == {
        "day 0 (max hours)",
        "day 1 (max hours)",
    }


def wished_week(*wishes: tuple[int, str]) -> RosterProblem:
    """One agent of five 4 h mornings a week, with whole-day wishes ``(day, kind)``."""
    centre = tiny_centre(
        {"phone": phone(dict.fromkeys(EVERY_DAY, "08:00-12:00"))},
        {"five": contract(20, 20, 5, 5, max_consecutive_days=5, max_weekend_days=2)},
    )
    availability = pd.DataFrame(
        [("A1", WEEK_START + dt.timedelta(days=d), 0, 1440, k) for d, k in wishes],
        columns=["agent_id", "date", "from", "to", "kind"],
    )
    requirements = compute_requirements(week_forecast("phone", {}), centre)
    return problem_of(centre, staff(1, "five"), requirements, availability=availability)


def test_a_plan_working_every_agent_on_a_wished_day_off_pays_for_it() -> None:
    """Planned Monday to Friday, the one agent works their ``prefer_off`` Monday
    and misses their ``prefer_on`` Saturday, whoever they are: 30.00 + 15.00."""
    problem = wished_week((0, "prefer_off"), (5, "prefer_on"))
    morning = template_at(problem, "08:00", 4)
    n = {(0, d, morning): 1 for d in range(5)}
    solved = solve_master(problem, fixed=Fixed(n, {}))
    assert solved.amounts("preference.prefer_off") == {"2026-01-05": 1.0}
    assert solved.amounts("preference.prefer_on") == {"2026-01-10": 1.0}
    assert solved.cost("preference.") == 3000 + 1500
    # A roster of named agents (its day patterns fixed) leaves them to the
    # assignment, which prices each agent's own.
    roster = Fixed(n, {}, {(0, (0, 1, 2, 3, 4)): 1})
    assert solve_master(problem, fixed=roster).cost("preference.") == 0


def test_a_plan_leaving_a_wished_day_off_free_pays_nothing() -> None:
    """Planned Tuesday to Saturday, the same wishes are kept: nothing to pay."""
    problem = wished_week((0, "prefer_off"), (5, "prefer_on"))
    morning = template_at(problem, "08:00", 4)
    n = {(0, d, morning): 1 for d in range(1, 6)}
    solved = solve_master(problem, fixed=Fixed(n, {}))
    assert solved.cost("preference.") == 0


def test_presence_is_working_agents_less_those_on_a_break() -> None:
    """Two agents 08:00-16:00 with breaks at 09:00 and 09:30: one present then."""
    problem = eight_hour_day()
    eight = template_at(problem, "08:00", 8)
    breaks = {
        (0, 0, 0, EIGHT + 2): 1,
        (0, 0, 0, EIGHT + 3): 1,
        (0, 0, 2, EIGHT + 6): 2,  # both lunch at 11:00
        (0, 0, 1, EIGHT + 11): 1,
        (0, 0, 1, EIGHT + 13): 1,
    }
    solved = solve_master(problem, fixed=Fixed({(0, 0, eight): 2}, breaks))
    present = [solved.value(solved.master.present[0, t]) for t in range(16, 32)]
    assert present == [2, 2, 1, 1, 2, 2, 0, 2, 2, 2, 2, 1, 2, 1, 2, 2]
    # Slot 11:00 is two short: tier 1 + tier 2; four other break slots one short.
    tiers = DEFAULT_WEIGHTS.shortfall_cents_per_agent_hour
    assert (
        solved.cost("coverage.shortfall")
        == (4 * tiers[0] + tiers[0] + tiers[1]) * SLOT_HOURS
    )


def test_the_optimum_staggers_breaks_so_one_agent_is_always_present() -> None:
    """Free break counts: six break slots one short each, never two."""
    problem = eight_hour_day()
    solved = solve_master(problem)
    present = [solved.value(solved.master.present[0, t]) for t in range(16, 32)]
    assert sorted(present) == [1] * 6 + [2] * 10
    assert solved.objective == 2 * 15000 + 6 * 3000


@pytest.mark.parametrize("mode", ["interval", "weekly"])
def test_the_lp_relaxation_bounds_the_cp_sat_optimum(mode: str) -> None:
    """The LP optimum of the relaxed model is at most CP-SAT's integer optimum."""
    problem = peaked_morning()
    exact = solve_master(problem, mode)  # type: ignore[arg-type]
    relaxed = solve_lp(
        problem,
        mode,  # type: ignore[arg-type]
        DEFAULT_WEIGHTS,
        floor_share=0.75,
        email_carry_in_s=0.0,
        time_limit_s=10.0,
    )
    assert exact.status == "OPTIMAL"
    assert relaxed.objective <= exact.objective + 1e-6
    expected = {"interval": (128952.0, 132360.0), "weekly": (127505.0, 128000.0)}
    assert (relaxed.objective, exact.objective) == pytest.approx(
        expected[mode], abs=1.0
    )


def test_the_lp_relaxation_reports_fractional_shift_counts() -> None:
    """The relaxed counts need not be whole, and they add up to the paid hours."""
    problem = peaked_morning()
    relaxed = solve_lp(
        problem,
        "interval",
        DEFAULT_WEIGHTS,
        floor_share=0.75,
        email_carry_in_s=0.0,
        time_limit_s=10.0,
    )
    assert set(relaxed.n) == {(0, 0, s) for s in problem.groups[0].menus[0]}
    assert any(abs(x - round(x)) > 1e-6 for x in relaxed.n.values())
