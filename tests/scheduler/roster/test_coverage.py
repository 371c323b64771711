"""Coverage terms: interval shortfall tiers, weekly service level, desk floor, email.

Each case is a tiny hand-made problem solved by CP-SAT, with the shift counts fixed
where the point is the price of a given staffing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from scheduler.config import Centre
from scheduler.requirements import compute_requirements
from scheduler.roster.coverage import slot_values
from scheduler.roster.curves import scheduled_curve
from scheduler.roster.master import Fixed, staffed
from scheduler.roster.problem import RosterProblem
from scheduler.roster.weights import DEFAULT_WEIGHTS, Weights
from tests.scheduler.roster.tiny import (
    SLOT_HOURS,
    contract,
    phone,
    problem_of,
    slot,
    slots,
    solve_master,
    staff,
    template_at,
    tiny_centre,
    week_forecast,
    with_required,
)

TIER_1, TIER_2, TIER_3 = DEFAULT_WEIGHTS.shortfall_cents_per_agent_hour
#: Interval mode must meet every slot: shortfall dearer than any shift.
STRICT = Weights(shortfall_cents_per_agent_hour=(10**6, 10**6, 10**6))
FLEX = {"flex": contract(0, 4, 0, 1)}


def at(clock: str) -> str:
    """How a penalty term names Monday's slot at ``HH:MM``."""
    return str(pd.Timestamp(f"2026-01-05 {clock}", tz="Europe/Helsinki"))


def morning_phone(required: dict[str, float]) -> RosterProblem:
    """Phone open Monday 08:00-12:00, one 4 h shift, one agent, ``required`` by slot."""
    centre = tiny_centre({"phone": phone({"monday": "08:00-12:00"})}, FLEX)
    requirements = with_required(
        compute_requirements(week_forecast("phone", {}), centre),
        "phone",
        {slot(0, clock): need for clock, need in required.items()},
    )
    return problem_of(centre, staff(1, "flex"), requirements)


def one_agent_all_morning(problem: RosterProblem) -> Fixed:
    """The one agent works 08:00-12:00."""
    return Fixed({(0, 0, template_at(problem, "08:00", 4)): 1}, {})


def test_a_slot_one_agent_short_costs_the_first_tier() -> None:
    """Need 2, have 1 for half an hour: 60.00/h x 0.5 h = 30.00."""
    problem = morning_phone({clock: 1 for clock in ("08:30", "09:00")} | {"08:00": 2})
    solved = solve_master(problem, fixed=one_agent_all_morning(problem))
    assert solved.amounts("coverage.shortfall.tier1") == {at("08:00"): 100.0}
    assert solved.cost("coverage.shortfall") == TIER_1 * SLOT_HOURS == 3000


def test_each_further_agent_short_costs_a_deeper_tier() -> None:
    """Two short: tier 1 + tier 2; three: + tier 2 again; four: + tier 3."""
    problem = morning_phone({"08:00": 3, "08:30": 4, "09:00": 5})
    solved = solve_master(problem, fixed=one_agent_all_morning(problem))
    assert solved.amounts("coverage.shortfall.tier1") == {
        at("08:00"): 100.0,
        at("08:30"): 100.0,
        at("09:00"): 100.0,
    }
    assert solved.amounts("coverage.shortfall.tier2") == {
        at("08:00"): 100.0,
        at("08:30"): 200.0,
        at("09:00"): 200.0,
    }
    assert solved.amounts("coverage.shortfall.tier3") == {at("09:00"): 100.0}
    two, three, four = (
        (TIER_1 + TIER_2) * SLOT_HOURS,
        (TIER_1 + 2 * TIER_2) * SLOT_HOURS,
        (TIER_1 + 2 * TIER_2 + TIER_3) * SLOT_HOURS,
    )
    assert (two, three, four) == (9000, 15000, 27000)
    assert solved.cost("coverage.shortfall") == two + three + four


def test_a_fraction_of_an_agent_short_costs_its_share() -> None:
    """Need 1.25, have 1: a quarter agent for half an hour is 7.50."""
    problem = morning_phone(
        {clock: 1 for clock in ("08:00", "08:30")} | {"09:00": 1.25}
    )
    solved = solve_master(problem, fixed=one_agent_all_morning(problem))
    assert solved.amounts("coverage.shortfall.tier1") == {at("09:00"): 25.0}
    assert solved.cost("coverage.shortfall") == pytest.approx(750)


def test_overstaffing_is_priced_lightly() -> None:
    """One agent over for half an hour costs 2.00, a tenth of an hour's tier 1."""
    need = {"08:00": 1, "08:30": 1, "09:00": 0.5, "09:30": 1, "10:00": 1}
    problem = morning_phone(need | {"10:30": 1, "11:00": 1})  # 11:30 needs none
    solved = solve_master(problem, fixed=one_agent_all_morning(problem))
    assert solved.amounts("coverage.overstaffing") == {
        at("09:00"): 50.0,
        at("11:30"): 100.0,
    }
    per_agent_slot = DEFAULT_WEIGHTS.overstaffing_cents_per_agent_hour * SLOT_HOURS
    assert per_agent_slot == 200
    assert solved.cost("coverage.overstaffing") == pytest.approx(1.5 * per_agent_slot)
    assert solved.cost("coverage.shortfall") == 0


def test_a_slot_met_exactly_costs_nothing_but_pay() -> None:
    """Need 1 all morning, one agent all morning: the objective is 4 h of pay."""
    problem = morning_phone(
        {f"{h:02d}:{m:02d}": 1 for h in range(8, 12) for m in (0, 30)}
    )
    solved = solve_master(problem)
    assert solved.status == "OPTIMAL"
    assert solved.objective == solved.pay == 4 * 2000


# --------------------------------------------------------------------- weekly


def peaked_phone(agents: int) -> tuple[RosterProblem, Any]:
    """Calls rise from 30 to 120 per half hour and fall back; 2 h and 4 h shifts."""
    centre = tiny_centre(
        {"phone": phone({"monday": "08:00-12:00"})}, FLEX, lengths_hours=(2, 4)
    )
    volumes = [30, 60, 90, 120, 120, 90, 60, 30]
    clocks = [f"{8 + i // 2:02d}:{30 * (i % 2):02d}" for i in range(8)]
    forecast = week_forecast(
        "phone", {(0, clock): v for clock, v in zip(clocks, volumes, strict=True)}
    )
    problem = problem_of(
        centre, staff(agents, "flex"), compute_requirements(forecast, centre)
    )
    demand = problem.channels["phone"]
    return problem, scheduled_curve(demand, 1800, 60)


def weekly_service_level(problem: RosterProblem, curve: Any, have: list[int]) -> float:
    """Contact-weighted service level of the morning with ``have`` agents by slot."""
    demand = problem.channels["phone"]
    answered = sum(
        demand.contacts[t] * curve.service_level[row, n]
        for row, (t, n) in enumerate(zip(curve.slots, have, strict=True))
    )
    return float(answered / demand.contacts.sum())


def headcounts(problem: RosterProblem, solved: Any) -> list[int]:
    """Agents on the phone in each slot of Monday morning."""
    on_phone = staffed(solved.master, problem, "phone")
    return [round(solved.value(on_phone[t])) for t in slots(0, "08:00", "12:00")]


def test_weekly_mode_meets_the_target_with_fewer_paid_hours() -> None:
    """Meeting every interval takes 66 paid hours; the weekly 80 % takes 64."""
    problem, curve = peaked_phone(40)
    demand = problem.channels["phone"]
    interval = solve_master(problem, "interval", weights=STRICT)
    weekly = solve_master(problem, "weekly")
    assert (interval.status, weekly.status) == ("OPTIMAL", "OPTIMAL")
    per_slot = headcounts(problem, interval)
    assert per_slot == [8, 14, 19, 25, 25, 19, 14, 8]
    assert all(
        n >= demand.required_fractional[t]
        for t, n in zip(slots(0, "08:00", "12:00"), per_slot, strict=True)
    )
    assert interval.paid_hours == 66.0
    assert weekly.paid_hours == 64.0
    assert weekly.objective == weekly.pay == 64 * 2000  # no penalty left
    assert weekly_service_level(problem, curve, headcounts(problem, weekly)) >= 0.8
    assert weekly.cost("coverage.weekly_service_level") == 0


def test_weekly_mode_keeps_every_slot_at_its_floor() -> None:
    """Each slot reaches 75 % of the 80 % target (60 %) with the weekly optimum."""
    problem, curve = peaked_phone(40)
    weekly = solve_master(problem, "weekly")
    floors = curve.least_meeting(0.75 * 0.8)
    assert floors.tolist() == [7, 12, 18, 23, 23, 18, 12, 7]
    have = headcounts(problem, weekly)
    assert all(n >= f for n, f in zip(have, floors, strict=True))
    assert weekly.cost("coverage.interval_floor") == 0


def test_weekly_mode_with_too_few_agents_prices_the_gap() -> None:
    """Twelve agents cannot staff the 25-agent peak: a plan with priced gaps."""
    problem, _ = peaked_phone(12)
    weekly = solve_master(problem, "weekly")
    assert weekly.status == "OPTIMAL"
    assert weekly.cost("coverage.interval_floor") > 0
    assert weekly.cost("coverage.weekly_service_level") > 0


def test_slot_values_price_an_agent_where_one_less_falls_under_the_floor() -> None:
    """At the floors an agent is worth the floor price of a half-hour (100.00 at
    200.00 an agent-hour); one above the floor, nothing; in interval mode the
    first shortfall tier where one less is short of the requirement."""
    problem, curve = peaked_phone(40)
    floors = curve.least_meeting(0.75 * 0.8).astype(float)
    have = np.zeros(problem.n_slots)
    morning = list(slots(0, "08:00", "12:00"))
    have[morning] = floors + np.array([0, 1, 0, 1, 0, 1, 0, 1])
    values = slot_values(problem, "weekly", DEFAULT_WEIGHTS, {"phone": have})
    half_hour = DEFAULT_WEIGHTS.floor_cents_per_agent_hour * SLOT_HOURS
    assert half_hour == 10000
    assert values["phone"][morning].tolist() == [half_hour, 0] * 4
    assert values["phone"].sum() == 4 * half_hour
    have[morning] = [8, 14, 19, 25, 26, 19, 14, 9]
    values = slot_values(problem, "interval", DEFAULT_WEIGHTS, {"phone": have})
    tier = TIER_1 * SLOT_HOURS
    assert values["phone"][morning].tolist() == [tier] * 4 + [0, tier, tier, 0]


# -------------------------------------------------------------------- walk-in


def test_a_desk_below_its_minimum_staffing_pays_the_min_staff_price() -> None:
    """Desk minimum 2 at 8 % shrinkage is 3 scheduled; one agent leaves 2 short."""
    desk = {
        "kind": "walk_in",
        "site": "helsinki_branch",
        "service_level": 0.8,
        "answer_within_seconds": 600,
        "default_aht_seconds": 900,
        "min_staff": 2,
        "shrinkage": 0.08,
        "opening_hours": {"monday": "10:00-12:00"},
    }
    centre = tiny_centre(
        {"desk": desk},
        FLEX,
        lengths_hours=(2,),
        earliest_start="10:00",
        latest_end="12:00",
    )
    requirements = compute_requirements(week_forecast("desk", {}), centre)
    agents = staff(1, "flex", skills=("desk",), site="helsinki_branch")
    problem = problem_of(centre, agents, requirements)
    solved = solve_master(problem)
    assert solved.amounts("coverage.min_staff") == {
        at("10:00"): 2.0,
        at("10:30"): 2.0,
        at("11:00"): 2.0,
        at("11:30"): 2.0,
    }
    price = DEFAULT_WEIGHTS.min_staff_cents_per_agent_hour * SLOT_HOURS
    assert solved.cost("coverage.min_staff") == 4 * 2 * price == 320000


# ---------------------------------------------------------------------- email


def email_centre(deadline_h: float, processing: str) -> Centre:
    """Email processed Monday ``processing``, all of each cohort by ``deadline_h``."""
    email = {
        "kind": "deferrable",
        "service_level": 1.0,
        "answer_within_business_hours": deadline_h,
        "default_aht_seconds": 600,
        "shrinkage": 0.0,
        "opening_hours": {"monday": processing},
    }
    return tiny_centre(
        {"email": email}, FLEX, lengths_hours=(2, 3, 4), latest_end="16:00"
    )


def email_problem(centre: Centre, arrivals: dict[str, float]) -> RosterProblem:
    """One email agent; ``arrivals`` are emails of 10 minutes each by ``HH:MM``."""
    forecast = week_forecast(
        "email", {(0, clock): n for clock, n in arrivals.items()}, aht_s=600.0
    )
    requirements = compute_requirements(forecast, centre, email_carry_in_s=0.0)
    agents = staff(1, "flex", skills=("email",))
    return problem_of(centre, agents, requirements)


def shift(problem: RosterProblem, start: str, hours: float) -> Fixed:
    """The one agent works from ``start`` for ``hours``."""
    return Fixed({(0, 0, template_at(problem, start, hours)): 1}, {})


#: One agent-hour arrives at 08:00 (due 11:00), two at 09:00 (due 12:00).
COHORTS = {"08:00": 6.0, "09:00": 12.0}


def test_email_capacity_exactly_sufficient_meets_every_deadline() -> None:
    """Three agent-hours by 11:00 answer both cohorts in time, nothing carried."""
    problem = email_problem(email_centre(3, "08:00-16:00"), COHORTS)
    solved = solve_master(problem, fixed=shift(problem, "08:00", 3))
    assert solved.cost("email.deadline") == 0
    assert solved.cost("email.carry_over") == 0
    assert solved.objective == solved.pay == 3 * 2000


def test_email_one_agent_hour_short_makes_a_cohort_late() -> None:
    """Two agent-hours leave the 09:00 cohort one agent-hour late and carried over."""
    problem = email_problem(email_centre(3, "08:00-16:00"), COHORTS)
    solved = solve_master(problem, fixed=shift(problem, "08:00", 2))
    assert solved.amounts("email.deadline") == {at("09:00"): 3600.0}
    assert solved.cost("email.deadline") == pytest.approx(
        DEFAULT_WEIGHTS.email_late_cents_per_agent_hour
    )
    assert solved.amounts("email.carry_over") == {"week": 3600.0}
    assert solved.cost("email.carry_over") == pytest.approx(
        DEFAULT_WEIGHTS.email_carry_over_cents_per_agent_hour
    )


def test_email_is_answered_first_in_first_out() -> None:
    """Starting at 10:00 serves the 08:00 cohort by 11:00; the 09:00 one runs late."""
    problem = email_problem(email_centre(3, "08:00-16:00"), COHORTS)
    solved = solve_master(problem, fixed=shift(problem, "10:00", 3))
    assert solved.amounts("email.deadline") == {at("09:00"): 3600.0}
    assert solved.cost("email.carry_over") == 0


def test_the_email_optimum_buys_just_enough_capacity() -> None:
    """Free to choose, the model buys one 3 h shift and is never late."""
    problem = email_problem(email_centre(3, "08:00-16:00"), COHORTS)
    solved = solve_master(problem)
    assert solved.status == "OPTIMAL"
    assert solved.paid_hours == 3.0
    assert solved.cost("email") == 0


def test_a_cohort_due_at_the_weeks_last_closing_is_held_to_its_deadline() -> None:
    """Processing ends Monday 12:00 and four agent-hours arrive at 08:00, due 12:00."""
    problem = email_problem(email_centre(4, "08:00-12:00"), {"08:00": 24.0})
    solved = solve_master(problem, fixed=shift(problem, "08:00", 3))
    assert solved.amounts("email.deadline") == {at("08:00"): 3600.0}
