"""Coverage of each channel: the demand side of the staffing model.

* **Interval mode** (live, chat, walk-in): each slot's requirement
  (``required_fractional``, after shrinkage) against the agents scheduled on the
  channel; shortfall is priced in three tiers (the first agent short, the next two,
  deeper), each dearer than the last, and overstaffing lightly.
* **Weekly mode** (live, chat, walk-in): the service-level curve of every slot lets
  the model meet the channel's *weekly*, contact-weighted target at least cost. The
  contacts answered within target in a slot are bounded by the chords of the curve
  between whole headcounts (exact at whole headcounts where the curve is concave,
  and never above the curve); the week's sum must reach the target, and each slot
  keeps a floor: the headcount that reaches ``floor_share`` of the target service
  level in that slot.
* **Walk-in**: the desk's ``min_staff`` (grossed up for shrinkage) in every open slot.
* **Email** (deferrable, both modes): a fluid first-in-first-out backlog. Work served
  by the end of a slot is at most the capacity of the agents on email, and at most
  what has arrived; the cohort arriving in slot ``t`` has its target share answered by
  its business-hours deadline when the cumulative work served by then covers
  everything that arrived before it plus that share of it. Every cohort's shortfall
  is priced; work left to next week beyond what this week inherited is priced too.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import numpy.typing as npt

from scheduler.backlog import deadline_index, plan_backlog
from scheduler.roster.curves import ScheduledCurve, scheduled_curve
from scheduler.roster.master import MasterModel, Mode, Penalty, staffed
from scheduler.roster.problem import ChannelDemand, RosterProblem
from scheduler.roster.weights import Weights
from scheduler.units import SECONDS_PER_HOUR, gross_up

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: Fractional requirements are compared in hundredths of an agent.
SCALE = 100
#: Contacts answered in time are counted in hundredths of a contact.
CONTACT_SCALE = 100
_TIER_WIDTHS = (1, 2)


def add_coverage(
    problem: RosterProblem,
    m: MasterModel,
    mode: Mode,
    weights: Weights,
    *,
    floor_share: float = 0.75,
    email_carry_in_s: float | None = None,
) -> dict[str, float]:
    """Post every channel's coverage terms; return email carry-in per channel (s).

    Parameters
    ----------
    problem : RosterProblem
        The problem.
    m : MasterModel
        The staffing model to add to.
    mode : {"weekly", "interval"}
        How live channels are covered.
    weights : Weights
        Prices of the penalty terms.
    floor_share : float
        Weekly mode: each slot's floor reaches this share of the target level.
    email_carry_in_s : float or None
        Email backlog at the start (agent-seconds); ``None`` for the steady state.
    """
    carry: dict[str, float] = {}
    for name, demand in problem.channels.items():
        kind = demand.channel.kind
        expr = staffed(m, problem, name)
        if kind == "deferrable":
            carry[name] = _email(problem, m, demand, expr, weights, email_carry_in_s)
            continue
        if mode == "interval":
            _interval(problem, m, demand, expr, weights)
        else:
            _weekly(problem, m, demand, expr, weights, floor_share)
        if kind == "walk_in" and demand.channel.min_staff:
            _min_staff(problem, m, demand, expr, weights)
    return carry


def _per_slot(weights_per_hour: int, problem: RosterProblem) -> float:
    return weights_per_hour * problem.slot_hours


def _interval(
    problem: RosterProblem,
    m: MasterModel,
    demand: ChannelDemand,
    expr: dict[int, Any],
    weights: Weights,
) -> None:
    backend = m.backend
    tiers = weights.shortfall_cents_per_agent_hour
    for t in np.flatnonzero(demand.open):
        need = round(SCALE * demand.required_fractional[t])
        have = expr.get(int(t), 0)
        when = str(problem.slot_starts[int(t)])
        short = []
        for i, price in enumerate(tiers):
            ub = SCALE * _TIER_WIDTHS[i] if i < len(_TIER_WIDTHS) else max(need, 1)
            v = backend.var(0, ub, f"short{i}[{demand.name},{t}]")
            short.append(v)
            m.penalties.append(
                Penalty(
                    f"coverage.shortfall.tier{i + 1}",
                    demand.name,
                    when,
                    "agent-slots/100",
                    _per_slot(price, problem) / SCALE,
                    v,
                )
            )
        over = backend.var(0, 10**7, f"over[{demand.name},{t}]")
        m.penalties.append(
            Penalty(
                "coverage.overstaffing",
                demand.name,
                when,
                "agent-slots/100",
                _per_slot(weights.overstaffing_cents_per_agent_hour, problem) / SCALE,
                over,
            )
        )
        backend.add(SCALE * have + backend.sum(short) - over == need)


def _weekly(
    problem: RosterProblem,
    m: MasterModel,
    demand: ChannelDemand,
    expr: dict[int, Any],
    weights: Weights,
    floor_share: float,
) -> None:
    backend = m.backend
    channel = demand.channel
    curve, s_max = _curve(problem, demand)
    floors = curve.least_meeting(floor_share * channel.service_level)
    goods = []
    for row, t in enumerate(curve.slots):
        have = expr.get(int(t), 0)
        contacts = demand.contacts[t] * CONTACT_SCALE
        values = contacts * curve.service_level[row]
        # Below the floor the chords may fall under zero: a pessimistic count that
        # keeps every staffing level feasible.
        good = backend.var(
            -10 * math.ceil(contacts), math.floor(contacts), f"good[{demand.name},{t}]"
        )
        goods.append(good)
        lo = max(int(floors[row]) - 1, 0)
        for k in range(lo, s_max):
            slope = values[k + 1] - values[k]
            if slope < 0.5 and k > lo:
                # The curve is flat from here on (within 1/200 of a contact).
                backend.add(good <= math.floor(values[k + 1]))
                break
            intercept = values[k] - slope * k
            backend.add(good <= math.floor(intercept) + math.floor(slope) * have)
        _floor(problem, m, demand, int(t), have, int(floors[row]), weights)
    total = demand.contacts[curve.slots].sum() * CONTACT_SCALE
    need = math.ceil(channel.service_level * total)
    # Goods may be negative below the floors, so the shortfall may exceed the need.
    short = backend.var(0, need + 10 * math.ceil(total), f"sl_short[{demand.name}]")
    backend.add(backend.sum(goods) + short >= need)
    m.penalties.append(
        Penalty(
            "coverage.weekly_service_level",
            demand.name,
            "week",
            "contacts/100",
            weights.service_level_cents_per_contact / CONTACT_SCALE,
            short,
        )
    )


def _curve(problem: RosterProblem, demand: ChannelDemand) -> tuple[ScheduledCurve, int]:
    """The weekly mode's curve of a channel, and its largest headcount."""
    peak = float(demand.required[demand.open].max(initial=0.0))
    s_max = math.ceil(2 * peak + 10)
    return scheduled_curve(demand, problem.slot_minutes * 60, s_max), s_max


def slot_values(
    problem: RosterProblem,
    mode: Mode,
    weights: Weights,
    staffed_now: dict[str, FloatArray],
    *,
    floor_share: float = 0.75,
) -> dict[str, FloatArray]:
    """What one scheduled agent less would cost in each slot, by channel (cents).

    From a plan's agents on each channel per slot (``staffed_now``): the price of
    the interval floor (weekly mode) or of the first shortfall tier (interval mode)
    where one agent less would leave the slot short of it, and the walk-in desk's
    minimum staffing alike; 0 elsewhere, and for deferrable channels. The
    assignment prices the coverage of the planned shifts it cannot keep with it
    (:func:`scheduler.roster.assign.assign_agents`).

    Parameters
    ----------
    problem : RosterProblem
        The problem.
    mode : {"weekly", "interval"}
        Coverage mode.
    weights : Weights
        Prices of the penalty terms.
    staffed_now : dict of str to numpy.ndarray
        Scheduled agents on each channel per week slot.
    floor_share : float
        Weekly mode: each slot's floor reaches this share of the target level.

    Returns
    -------
    dict of str to numpy.ndarray
        Cents per agent-slot, per channel and week slot.
    """
    out: dict[str, FloatArray] = {}
    for name, demand in problem.channels.items():
        have = staffed_now.get(name, np.zeros(demand.open.size))
        value = np.zeros(have.size)
        kind = demand.channel.kind
        if kind == "deferrable":
            out[name] = value
            continue
        if mode == "interval":
            short = demand.open & (have - 1 < demand.required_fractional - 1e-9)
            tier = weights.shortfall_cents_per_agent_hour[0]
            value[short] += _per_slot(tier, problem)
        else:
            curve, _ = _curve(problem, demand)
            floors = curve.least_meeting(floor_share * demand.channel.service_level)
            slots = curve.slots[have[curve.slots] - 1 < floors]
            value[slots] += _per_slot(weights.floor_cents_per_agent_hour, problem)
        if kind == "walk_in" and demand.channel.min_staff:
            least = int(gross_up(demand.channel.min_staff, demand.channel.shrinkage))
            short = demand.open & (have - 1 < least)
            value[short] += _per_slot(weights.min_staff_cents_per_agent_hour, problem)
        out[name] = value
    return out


def _floor(
    problem: RosterProblem,
    m: MasterModel,
    demand: ChannelDemand,
    t: int,
    have: Any,
    floor: int,
    weights: Weights,
) -> None:
    if floor <= 0:
        return
    v = m.backend.var(0, floor, f"floor_short[{demand.name},{t}]")
    m.backend.add(have + v >= floor)
    m.penalties.append(
        Penalty(
            "coverage.interval_floor",
            demand.name,
            str(problem.slot_starts[int(t)]),
            "agent-slots",
            _per_slot(weights.floor_cents_per_agent_hour, problem),
            v,
        )
    )


def _min_staff(
    problem: RosterProblem,
    m: MasterModel,
    demand: ChannelDemand,
    expr: dict[int, Any],
    weights: Weights,
) -> None:
    floor = int(gross_up(demand.channel.min_staff, demand.channel.shrinkage))
    for t in np.flatnonzero(demand.open):
        v = m.backend.var(0, floor, f"min_staff_short[{demand.name},{t}]")
        m.backend.add(expr.get(int(t), 0) + v >= floor)
        m.penalties.append(
            Penalty(
                "coverage.min_staff",
                demand.name,
                str(problem.slot_starts[int(t)]),
                "agent-slots",
                _per_slot(weights.min_staff_cents_per_agent_hour, problem),
                v,
            )
        )


def steady_email_carry_in_s(problem: RosterProblem, demand: ChannelDemand) -> float:
    """Backlog the week inherits in the steady state of the flat email requirement."""
    channel = demand.channel
    assert channel.answer_within_business_hours is not None
    plan = plan_backlog(
        demand.contacts * demand.aht_s,
        demand.processing_s,
        interval_s=problem.slot_minutes * 60,
        deadline_s=channel.answer_within_business_hours * SECONDS_PER_HOUR,
        target=channel.service_level,
    )
    return float(plan.carry_in_s)


def _email(
    problem: RosterProblem,
    m: MasterModel,
    demand: ChannelDemand,
    expr: dict[int, Any],
    weights: Weights,
    carry_in_s: float | None,
) -> float:
    backend = m.backend
    channel = demand.channel
    carry = (
        steady_email_carry_in_s(problem, demand) if carry_in_s is None else carry_in_s
    )
    work = demand.contacts * demand.aht_s
    arrived = np.round(carry + np.cumsum(work)).astype(np.int64)
    before = np.round(carry + np.cumsum(work) - work).astype(np.int64)
    assert channel.answer_within_business_hours is not None
    # Two weeks of processing hours, so that deadlines in next week are known.
    two_weeks = np.concatenate([demand.processing_s, demand.processing_s])
    due = deadline_index(
        two_weeks, channel.answer_within_business_hours * SECONDS_PER_HOUR
    )[: problem.n_slots]
    # A deadline at a closing time is met by the end of the last open slot before
    # it, not the last closed one (which may lie in next week).
    clock = np.cumsum(two_weeks)
    due = np.where(due >= 0, np.searchsorted(clock, clock[np.maximum(due, 0)]), due)
    kept = 1.0 - channel.shrinkage
    total = int(arrived[-1]) + 1
    served: list[Any] = []
    cumulative: Any = 0
    for t in range(problem.n_slots):
        if demand.processing_s[t] > 0 and t in expr:
            e = backend.var(0, total, f"email_served[{demand.name},{t}]")
            per_agent = math.floor(kept * demand.processing_s[t])
            backend.add(e <= per_agent * expr[t])
            running = backend.var(0, total, f"email_cum[{demand.name},{t}]")
            backend.add(running == cumulative + e)
            backend.add(running <= int(arrived[t]))
            cumulative = running
        served.append(cumulative)
    late_price = weights.email_late_cents_per_agent_hour / SECONDS_PER_HOUR
    for cohort in np.flatnonzero(work > 0):
        t = int(cohort)
        u = int(due[t])
        if u < 0 or u >= problem.n_slots:
            continue  # due next week: the carry-over term keeps the backlog steady
        goal = int(before[t]) + math.ceil(channel.service_level * work[t])
        late = backend.var(0, goal, f"email_late[{demand.name},{t}]")
        backend.add(served[u] + late >= goal)
        m.penalties.append(
            Penalty(
                "email.deadline",
                demand.name,
                str(problem.slot_starts[int(t)]),
                "agent-seconds",
                late_price,
                late,
            )
        )
    carry_over = backend.var(0, total, f"email_carry_over[{demand.name}]")
    backend.add(served[-1] + carry_over >= int(arrived[-1]) - round(carry))
    m.penalties.append(
        Penalty(
            "email.carry_over",
            demand.name,
            "week",
            "agent-seconds",
            weights.email_carry_over_cents_per_agent_hour / SECONDS_PER_HOUR,
            carry_over,
        )
    )
    return carry
