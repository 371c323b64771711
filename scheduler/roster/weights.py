"""Every weight of the roster objective, in one place.

The objective is in cents: pay is cents, and every penalty is priced in cents per
unit of what it measures, so the weights read as "what is it worth to avoid this".
Shortfall is priced well above the pay of an agent (so the optimiser staffs when it
can) and deeper shortfall above shallow; overstaffing far below pay (it is already
paid for).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Weights:
    """Prices of the objective's terms.

    Attributes
    ----------
    shortfall_cents_per_agent_hour : tuple of int
        Interval mode: price of missing agent-hours against the requirement, by
        tier: the first agent short, the next two, and any deeper shortfall.
    overstaffing_cents_per_agent_hour : int
        Interval mode: price of agent-hours above the requirement.
    service_level_cents_per_contact : int
        Weekly mode: price of each contact below the weekly service-level target.
    floor_cents_per_agent_hour : int
        Weekly mode: price of agent-hours below an interval's floor.
    min_staff_cents_per_agent_hour : int
        Price of agent-hours below a walk-in desk's minimum staffing.
    email_late_cents_per_agent_hour : int
        Price of email work (agent-hours) answered after its deadline.
    email_carry_over_cents_per_agent_hour : int
        Price of email work left to next week beyond what this week inherited.
    count_deviation_cents : int
        Price of each shift the agent assignment could not realise as planned.
    count_moved_cents : int
        Price of each shift the assignment started away from its planned start.
    bent_week_cents_per_agent : int
        Price of an agent whose working days break the contract's day rules
        (number of days, weekends, consecutive days, days off together): only when
        leave, locks or closed days leave no valid week.
    bent_hours_cents_per_hour : int
        Price of each paid hour outside the contract's weekly range.
    hours_pairing_cents_per_agent : int
        Staffing model: price of each long shift (or short one) that no shorter
        (longer) shift on another day can pair with in an agent's week, so that
        the assignment must move a shift: about an agent-hour under the floor.
    prefer_off_cents, prefer_on_cents : int
        Price of working on a ``prefer_off`` day, or not on a ``prefer_on`` day.
    start_change_cents_per_hour : int
        Price of each hour a start time moves between consecutive working days.
    fairness_cents_per_shift : int
        Price of each late or weekend shift between the agent of a group with the
        most and the one with the fewest.
    """

    shortfall_cents_per_agent_hour: tuple[int, int, int] = (6000, 12000, 24000)
    overstaffing_cents_per_agent_hour: int = 400
    service_level_cents_per_contact: int = 2000
    floor_cents_per_agent_hour: int = 20000
    min_staff_cents_per_agent_hour: int = 80000
    email_late_cents_per_agent_hour: int = 18000
    email_carry_over_cents_per_agent_hour: int = 10800
    count_deviation_cents: int = 50000
    count_moved_cents: int = 1500
    bent_week_cents_per_agent: int = 1_000_000
    bent_hours_cents_per_hour: int = 100_000
    hours_pairing_cents_per_agent: int = 20000
    prefer_off_cents: int = 3000
    prefer_on_cents: int = 1500
    start_change_cents_per_hour: int = 200
    fairness_cents_per_shift: int = 1000


DEFAULT_WEIGHTS = Weights()
