"""Tiny hand-made roster problems: one or two channels, a few agents, a short day.

The sample centre with its channels, shifts and contracts replaced, at 30-minute
slots, so that each model is small enough to solve to optimality in well under a
second and its optimum can be worked out by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from scheduler import schema as col
from scheduler.config import WEEKDAYS, Centre
from scheduler.roster.coverage import add_coverage
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.master import Backend, Fixed, MasterModel, Mode, build_master
from scheduler.roster.problem import RosterProblem, build_problem
from scheduler.roster.weights import DEFAULT_WEIGHTS, Weights
from tests.scheduler.conftest import edited_centre

WEEK_START = dt.date(2026, 1, 5)  # a Monday
SLOT_MINUTES = 30
#: Weekday names as the centre's opening hours spell them, Monday first.
EVERY_DAY = WEEKDAYS
SLOT_HOURS = SLOT_MINUTES / 60
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
#: Slot of 08:00 within a day.
EIGHT = 8 * 60 // SLOT_MINUTES

#: Break rules on the 30-minute grid: a paid break in each half, an unpaid lunch.
BREAKS_30 = [
    {
        "activity": "break",
        "duration_minutes": 30,
        "paid": True,
        "min_shift_hours": 4,
        "window": "first_half",
    },
    {
        "activity": "break",
        "duration_minutes": 30,
        "paid": True,
        "min_shift_hours": 6,
        "window": "second_half",
    },
    {
        "activity": "lunch",
        "duration_minutes": 30,
        "paid": False,
        "min_shift_hours": 6,
        "window": "middle",
    },
]


def phone(hours: Mapping[str, str], **settings: Any) -> dict[str, Any]:
    """A phone channel (Erlang C, no shrinkage) open ``hours`` by weekday."""
    return {
        "kind": "live",
        "service_level": 0.8,
        "answer_within_seconds": 20,
        "default_aht_seconds": 300,
        "shrinkage": 0.0,
        "opening_hours": dict(hours),
        **settings,
    }


def contract(
    hours_min: float, hours_max: float, days_min: int, days_max: int, **rules: Any
) -> dict[str, Any]:
    """A contract costing 20 per hour with the given weekly hours and days."""
    return {
        "weekly_hours_min": hours_min,
        "weekly_hours_max": hours_max,
        "min_days": days_min,
        "max_days": days_max,
        "hourly_cost": 20.0,
        **rules,
    }


def tiny_centre(
    channels: Mapping[str, Mapping[str, Any]],
    contracts: Mapping[str, Mapping[str, Any]],
    *,
    lengths_hours: Sequence[float] = (4,),
    earliest_start: str = "08:00",
    latest_end: str = "12:00",
    breaks: Sequence[Mapping[str, Any]] = (),
    **edits: Any,
) -> Centre:
    """The sample centre at 30-minute slots with these channels, shifts, contracts."""
    return edited_centre(
        {
            "centre.interval_minutes": SLOT_MINUTES,
            "channels": dict(channels),
            "contracts": dict(contracts),
            "shifts": {
                "start_granularity_minutes": SLOT_MINUTES,
                "lengths_hours": list(lengths_hours),
                "earliest_start": earliest_start,
                "latest_end": latest_end,
                "breaks": [dict(b) for b in breaks],
            },
            **edits,
        }
    )


def staff(
    count: int,
    contract_name: str,
    skills: tuple[str, ...] = ("phone",),
    site: str = "contact_centre",
    first: int = 1,
) -> pd.DataFrame:
    """An agents frame of ``count`` agents ``A1, A2, ...`` alike."""
    ids = [f"A{n}" for n in range(first, first + count)]
    return pd.DataFrame(
        {
            "agent_id": ids,
            "name": [f"Agent {a}" for a in ids],
            "contract": contract_name,
            "skills": [skills] * count,
            "site": site,
        }
    )


def week_forecast(
    channel: str, contacts: Mapping[tuple[int, str], float], aht_s: float = 300.0
) -> pd.DataFrame:
    """A forecast of every slot of the week: ``(day, "HH:MM") -> contacts``, else 0."""
    stamps = pd.date_range(
        pd.Timestamp(WEEK_START), periods=7 * SLOTS_PER_DAY, freq=f"{SLOT_MINUTES}min"
    )
    counts = np.zeros(len(stamps))
    for (day, clock), value in contacts.items():
        counts[slot(day, clock)] = value
    return pd.DataFrame(
        {
            col.CHANNEL: channel,
            col.INTERVAL_START: stamps,
            col.CONTACTS: counts,
            col.AHT_SECONDS: aht_s,
        }
    )


def with_required(
    requirements: pd.DataFrame, channel: str, required: Mapping[int, float]
) -> pd.DataFrame:
    """Requirements with ``channel``'s agents set by week slot (others 0)."""
    out = requirements.astype({col.REQUIRED: float})
    local = out[col.INTERVAL_START].dt.tz_localize(None)
    slot = (local - pd.Timestamp(WEEK_START)) // pd.Timedelta(minutes=SLOT_MINUTES)
    values = slot.map(lambda s: float(required.get(int(s), 0.0)))
    mine = out[col.CHANNEL] == channel
    out.loc[mine, col.REQUIRED] = values[mine]
    out.loc[mine, col.REQUIRED_FRACTIONAL] = values[mine]
    return out


def slot(day: int, clock: str) -> int:
    """Week slot of ``HH:MM`` on ``day`` (0 = Monday)."""
    hours, _, minutes = clock.partition(":")
    return day * SLOTS_PER_DAY + (int(hours) * 60 + int(minutes)) // SLOT_MINUTES


def slots(day: int, start: str, end: str) -> range:
    """Week slots from ``start`` to ``end`` (exclusive) on ``day``."""
    return range(slot(day, start), slot(day, end))


def problem_of(
    centre: Centre,
    agents: pd.DataFrame,
    requirements: pd.DataFrame,
    **inputs: Any,
) -> RosterProblem:
    """The roster problem of the week of :data:`WEEK_START`."""
    return build_problem(
        RosterInputs(centre=centre, agents=agents, week_start=WEEK_START, **inputs),
        requirements,
    )


def template_at(problem: RosterProblem, start: str, hours: float) -> int:
    """Index of the menu's shift starting at ``HH:MM`` lasting ``hours``."""
    first = slot(0, start)
    length = round(hours * 60) // SLOT_MINUTES
    return next(
        i
        for i, t in enumerate(problem.templates)
        if (t.start_slot, t.length_slots) == (first, length)
    )


class Solved:
    """A staffing model solved by CP-SAT: objective, status and penalty values."""

    def __init__(self, master: MasterModel, solver: cp_model.CpSolver, status: int):
        self.master = master
        self.solver = solver
        self.status = solver.status_name(status)
        self.objective = solver.objective_value
        self.terms = [(p, float(solver.value(p.var))) for p in master.penalties]

    def value(self, var: Any) -> float:
        """Value of a variable or expression."""
        return float(self.solver.value(var))

    def cost(self, rule: str) -> float:
        """Cents of every term whose rule starts with ``rule``."""
        return sum(
            p.cents_per_unit * v for p, v in self.terms if p.rule.startswith(rule)
        )

    def amounts(self, rule: str) -> dict[str, float]:
        """Non-zero amounts of ``rule`` by term ``when``."""
        return {p.when: v for p, v in self.terms if p.rule == rule and v > 0}

    @property
    def pay(self) -> float:
        """Cents of pay."""
        return sum(c * self.value(v) for v, c in self.master.cost_terms)

    @property
    def paid_hours(self) -> float:
        """Paid agent-hours of all shifts."""
        return self.value(self.master.paid_slots()) * SLOT_HOURS


def solve_master(
    problem: RosterProblem,
    mode: Mode = "interval",
    *,
    fixed: Fixed | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    email_carry_in_s: float | None = 0.0,
    time_limit_s: float = 10.0,
) -> Solved:
    """Build the staffing model with coverage and solve it with CP-SAT."""
    model = cp_model.CpModel()
    master = build_master(problem, Backend(model), fixed=fixed, weights=weights)
    add_coverage(problem, master, mode, weights, email_carry_in_s=email_carry_in_s)
    model.minimize(master.objective())
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    return Solved(master, solver, status)
