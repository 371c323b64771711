"""Email as deferrable work: FIFO backlog against business-hours deadlines.

The plans are checked against an independent discrete simulation written here:
work is processed oldest first in one-minute steps during processing seconds only,
and the business-clock time at which each cohort's target share is answered is
compared with that cohort's deadline.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scheduler.backlog import BacklogPlan, deadline_index, plan_backlog, served_curve

HOUR_S = 3600.0
BUSINESS_DAY_S = 10 * HOUR_S  # processing 08-18


# ---------------------------------------------------------------------------
# Independent FIFO simulation
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FifoRun:
    """What the simulation saw.

    Attributes
    ----------
    answered_at : dict
        Cohort (arrival interval) -> business-clock second at which its target
        share was answered; cohorts never reaching it within two weeks are absent.
    opened_at : list of float
        Business-clock second at the start of each arrival interval.
    carry_out_s : float
        Work still waiting at the end of the first week.
    """

    answered_at: dict[int, float]
    opened_at: list[float]
    carry_out_s: float


def simulate_fifo(
    arrivals_s: list[float],
    processing_s: list[float],
    agents: float,
    carry_in_s: float,
    target: float,
    step_s: float = 60.0,
) -> FifoRun:
    """Serve a week of email first come first served, then a second week with the
    same processing hours and staffing but no new work (later work queues behind,
    so it cannot change when this week's cohorts are answered).

    Work arriving in an interval is there from the interval's start; ``agents``
    agents answer ``agents`` agent-seconds of work per processing second, spent
    on the oldest work first, in steps of ``step_s`` seconds.
    """
    weeks = len(arrivals_s)
    rounding = 1e-10 * (carry_in_s + sum(arrivals_s))
    queue: deque[list[float]] = deque()  # [cohort, still waiting, size]
    if carry_in_s > 0:
        queue.append([-1, carry_in_s, carry_in_s])
    answered_at: dict[int, float] = {}
    opened_at: list[float] = []
    carry_out = 0.0
    clock = 0.0  # business seconds
    for u in range(2 * weeks):
        if u < weeks:
            opened_at.append(clock)
            if arrivals_s[u] > 0:
                queue.append([u, arrivals_s[u], arrivals_s[u]])
        open_s = processing_s[u % weeks]
        elapsed = 0.0
        while elapsed < open_s:
            step = min(step_s, open_s - elapsed)
            budget = agents * step
            used = 0.0
            while queue and used < budget:
                head = queue[0]
                cohort, waiting, size = int(head[0]), head[1], head[2]
                take = min(budget - used, waiting)
                answered = size - waiting
                need = target * size
                # Reached up to rounding: plan_backlog forgives 1e-12 of a share,
                # and its cumulative sums carry ~1e-16 of the total work.
                if (
                    cohort >= 0
                    and cohort not in answered_at
                    and answered + take >= need - 2e-12 * size - rounding
                ):
                    offset = (used + max(need - answered, 0.0)) / agents
                    answered_at[cohort] = clock + elapsed + min(offset, step)
                head[1] -= take
                used += take
                if head[1] <= 1e-12 * size:
                    queue.popleft()
            elapsed += step
        clock += open_s
        if u == weeks - 1:
            carry_out = sum(head[1] for head in queue)
    return FifoRun(answered_at, opened_at, carry_out)


def late_cohorts(
    run: FifoRun, arrivals_s: list[float], deadline_s: float, slack_s: float
) -> list[int]:
    """Cohorts whose target share was not answered by their business deadline."""
    return [
        t
        for t, work in enumerate(arrivals_s)
        if work > 0
        and run.answered_at.get(t, np.inf) > run.opened_at[t] + deadline_s + slack_s
    ]


def _plan(
    arrivals: list[float],
    processing: list[float],
    interval_s: float,
    deadline_s: float,
    target: float,
    carry_in_s: float | None,
) -> BacklogPlan:
    return plan_backlog(
        arrivals,
        processing,
        interval_s=interval_s,
        deadline_s=deadline_s,
        target=target,
        carry_in_s=carry_in_s,
    )


# ---------------------------------------------------------------------------
# Hand-computed cases
# ---------------------------------------------------------------------------

# Two days of four one-hour intervals; email is processed in the first two of each
# day and waits overnight in the other two. Deadline: one business day = 2 hours.
TWO_DAYS_PROCESSING = [HOUR_S, HOUR_S, 0.0, 0.0, HOUR_S, HOUR_S, 0.0, 0.0]
TWO_DAYS_ARRIVALS = [3600.0, 3600.0, 1800.0, 0.0, 0.0, 3600.0, 0.0, 1800.0]
TWO_HOURS_S = 2 * HOUR_S


def test_least_level_of_the_two_day_example_answering_everything_is_0_7() -> None:
    """By hand, with L agents (3600·L agent-seconds per open hour), carry-in 0.

    Business-clock deadlines (2 open hours after the arrival interval starts):
    cohort 0 by the end of hour 1; cohort 1 by the end of hour 4; cohorts 2 (night)
    by the end of day 2; cohort 5 by the end of the first hour of the next week;
    cohort 7 (night) by the end of the next week's second hour. With L <= 1 the
    agents never idle (3600·L <= the work waiting), so each cohort needs the
    cumulative capacity to cover all work up to and including it:

    * cohort 0: 2 h · 3600 L >= 3600            -> L >= 0.5
    * cohort 1: 3 h · 3600 L >= 7200            -> L >= 2/3
    * cohort 2: 4 h · 3600 L >= 9000            -> L >= 0.625
    * cohort 5: 5 h · 3600 L >= 12600           -> L >= 0.7   (binding)
    * cohort 7: 6 h · 3600 L >= 14400           -> L >= 2/3
    """
    plan = _plan(TWO_DAYS_ARRIVALS, TWO_DAYS_PROCESSING, HOUR_S, TWO_HOURS_S, 1.0, 0.0)
    assert plan.agents == pytest.approx(0.7, rel=1e-9)
    assert plan.carry_in_s == 0.0
    # Left after day 2 at 0.7: 14400 arrived, 4 h · 2520 answered.
    assert plan.carry_out_s == pytest.approx(14400 - 4 * 2520, rel=1e-9)
    np.testing.assert_allclose(
        plan.answered_share, [1, 1, 1, np.nan, np.nan, 1, np.nan, 1]
    )
    # The middle of cohort 0 (1800 s of work) is answered 1800 / 2520 h in.
    assert plan.answer_delay_s[0] == pytest.approx(1800 / 2520 * HOUR_S)
    np.testing.assert_allclose(plan.utilisation, [1, 1, np.nan, np.nan] * 2)


def test_least_level_of_the_two_day_example_answering_half_is_0_625() -> None:
    """As above, but half of each cohort must be answered in time:

    * cohort 0: 7200 L >= 1800                  -> L >= 0.25
    * cohort 1: 10800 L >= 3600 + 1800          -> L >= 0.5
    * cohort 2: 14400 L >= 7200 + 900           -> L >= 0.5625
    * cohort 5: 18000 L >= 9000 + 1800          -> L >= 0.6
    * cohort 7: 21600 L >= 12600 + 900          -> L >= 0.625 (binding)
    """
    plan = _plan(TWO_DAYS_ARRIVALS, TWO_DAYS_PROCESSING, HOUR_S, TWO_HOURS_S, 0.5, 0.0)
    assert plan.agents == pytest.approx(0.625, rel=1e-9)
    # Shares at 0.625: cohort 1 gets 10800·0.625 - 3600 = 3150 of 3600 by its
    # deadline, cohort 7 exactly half.
    np.testing.assert_allclose(
        plan.answered_share, [1, 0.875, 1, np.nan, np.nan, 0.625, np.nan, 0.5]
    )


def test_two_day_example_deadlines_on_the_business_clock() -> None:
    doubled = TWO_DAYS_PROCESSING * 2
    due = deadline_index(doubled, TWO_HOURS_S)[:8]
    np.testing.assert_array_equal(due, [3, 4, 7, 7, 7, 8, 11, 11])


@pytest.mark.parametrize("target", [0.5, 1.0])
def test_two_day_example_agrees_with_the_simulation(target: float) -> None:
    plan = _plan(
        TWO_DAYS_ARRIVALS, TWO_DAYS_PROCESSING, HOUR_S, TWO_HOURS_S, target, 0.0
    )
    run = simulate_fifo(
        TWO_DAYS_ARRIVALS, TWO_DAYS_PROCESSING, plan.agents, 0.0, target
    )
    assert late_cohorts(run, TWO_DAYS_ARRIVALS, TWO_HOURS_S, 1e-6) == []
    slower = simulate_fifo(
        TWO_DAYS_ARRIVALS,
        TWO_DAYS_PROCESSING,
        plan.agents * (1 - 1e-6),
        0.0,
        target,
    )
    assert late_cohorts(slower, TWO_DAYS_ARRIVALS, TWO_HOURS_S, 1e-6) == [
        7 if target == 0.5 else 5
    ]
    assert run.carry_out_s == pytest.approx(plan.carry_out_s, rel=1e-9)


# ---------------------------------------------------------------------------
# The business-hours clock
# ---------------------------------------------------------------------------


def _office_week() -> list[float]:
    """Hourly intervals Monday to Sunday, processing Monday to Friday 08-18."""
    day = [HOUR_S if 8 <= hour < 18 else 0.0 for hour in range(24)]
    return day * 5 + [0.0] * 48


def _index(day: int, hour: int, week: int = 0) -> int:
    return week * 168 + day * 24 + hour


FRIDAY, THURSDAY, MONDAY, WEDNESDAY = 4, 3, 0, 2


def test_email_arriving_friday_evening_is_due_on_monday_not_saturday() -> None:
    week = _office_week()
    doubled = np.array(week * 2)
    friday_evening = _index(FRIDAY, 19)
    due = int(deadline_index(doubled, BUSINESS_DAY_S)[friday_evening])
    # The deadline is the end of next Monday's processing: 50 business hours this
    # week, then 10 more. The interval returned is the last one ending by then on
    # the business clock; the last one in which anything can be answered is
    # Monday 17:00-18:00.
    assert doubled[: due + 1].sum() == 60 * HOUR_S
    last_open = max(u for u in range(due + 1) if doubled[u] > 0)
    assert last_open == _index(MONDAY, 17, week=1)
    # On the wall clock the deadline would be Saturday 19:00, with no processing.
    saturday = _index(FRIDAY + 1, 19)
    assert doubled[friday_evening : saturday + 1].sum() == 0


@pytest.mark.parametrize(
    ("arrival", "due"),
    [
        # 24 business hours after Friday 19:00: Mon 10 h + Tue 10 h + Wed 4 h.
        ((FRIDAY, 19), (WEDNESDAY, 11, 1)),
        # After Friday 17:00: 1 h Friday, 20 h Mon-Tue, 3 h Wednesday.
        ((FRIDAY, 17), (WEDNESDAY, 10, 1)),
        # After Thursday 10:00: 8 h Thursday, 10 h Friday, 6 h Monday.
        ((THURSDAY, 10), (MONDAY, 13, 1)),
        # After Monday 08:00: Monday, Tuesday and 4 h of Wednesday.
        ((MONDAY, 8), (WEDNESDAY, 11, 0)),
    ],
)
def test_24_business_hours_deadlines_skip_nights_and_the_weekend(
    arrival: tuple[int, int], due: tuple[int, int, int]
) -> None:
    doubled = np.array(_office_week() * 2)
    got = deadline_index(doubled, 24 * HOUR_S)[_index(*arrival)]
    assert got == _index(*due)


def test_a_whole_day_of_quarter_hours_does_not_lose_its_last_interval() -> None:
    """96 intervals of 900 s sum to 86400 only up to rounding."""
    processing = np.full(96 * 3, 900.0)
    due = deadline_index(processing, 86400.0)
    np.testing.assert_array_equal(due[:96], np.arange(96) + 95)


def test_friday_evening_email_is_planned_against_monday_capacity() -> None:
    """Everything arriving Friday 19:00 must be answered within one business day:
    Monday's ten processing hours at a flat level, so level = work / 36000 s."""
    week = _office_week()
    arrivals = [0.0] * len(week)
    arrivals[_index(FRIDAY, 19)] = 18000.0
    plan = _plan(arrivals, week, HOUR_S, BUSINESS_DAY_S, 1.0, 0.0)
    assert plan.agents == pytest.approx(0.5, rel=1e-9)
    # Half of it is answered after five hours on Monday: 13:00, 66 h after Friday
    # 19:00 on the wall clock.
    assert plan.answer_delay_s[_index(FRIDAY, 19)] == pytest.approx(66 * HOUR_S)
    run = simulate_fifo(arrivals, week, plan.agents, 0.0, 1.0)
    assert late_cohorts(run, arrivals, BUSINESS_DAY_S, 1e-6) == []


def test_office_week_plan_meets_every_cohort_in_the_simulation() -> None:
    """A realistic week: email arriving around the clock, more in office hours,
    processed Monday to Friday 08-18, 90 % within 24 business hours, steady state."""
    week = _office_week()
    hours = np.arange(len(week)) % 24
    arrivals = list(np.where((hours >= 8) & (hours < 20), 2400.0, 600.0))
    plan = _plan(arrivals, week, HOUR_S, 24 * HOUR_S, 0.9, None)
    run = simulate_fifo(arrivals, week, plan.agents, plan.carry_in_s, 0.9)
    assert late_cohorts(run, arrivals, 24 * HOUR_S, 1e-6) == []
    assert run.carry_out_s == pytest.approx(plan.carry_in_s, rel=1e-6)
    assert plan.carry_out_s == pytest.approx(plan.carry_in_s, rel=1e-6)
    np.testing.assert_array_less(0.9 - 1e-9, plan.answered_share)
    slower = simulate_fifo(
        arrivals, week, plan.agents * (1 - 1e-6), plan.carry_in_s, 0.9
    )
    assert late_cohorts(slower, arrivals, 24 * HOUR_S, 1e-6) or (
        slower.carry_out_s > plan.carry_in_s
    )


# ---------------------------------------------------------------------------
# Known defects
# ---------------------------------------------------------------------------


def least_level_by_simulation(
    arrivals: list[float],
    processing: list[float],
    deadline_s: float,
    target: float,
    carry_in_s: float,
    high: float,
) -> float:
    """The least flat level meeting every cohort in the simulation (bisection)."""
    low = 0.0
    for _ in range(60):
        middle = 0.5 * (low + high)
        run = simulate_fifo(
            arrivals, processing, middle, carry_in_s, target, step_s=HOUR_S
        )
        if late_cohorts(run, arrivals, deadline_s, 1e-6):
            low = middle
        else:
            high = middle
    return high


@pytest.mark.xfail(
    strict=True,
    reason=(
        "backlog.py: the steady-state fixed point is iterated as carry -> least "
        "level -> carry-out, which here alternates between (carry 1/6 h, 2/3 "
        "agent) and (1/3 h, 5/6 agent); after 50 rounds it logs 'did not settle' "
        "and returns 0.8333 agents, 11 % above the least steady level 0.75"
    ),
)
def test_steady_state_level_is_the_least_that_repeats_week_after_week() -> None:
    """Three open hours; one agent-hour of email arrives at the start of the first
    and of the third; half of each must be answered within one business hour.

    With level L and carry-in C (ahead of everything, answered first):
    the first cohort needs C + 1/2 <= L; after the first two hours the backlog is
    max(0, C + 1 - 2L), and the carry-out is max(0, that + 1 - L). For L >= 2/3
    and C < 2L - 1 the carry-out is 1 - L, so the steady carry is C = 1 - L and
    the first cohort needs 1 - L + 1/2 <= L: L >= 3/4 (C = 1/4 agent-hour). The
    third cohort then needs C + 1 + 1/2 <= 3L, which holds.
    """
    arrivals = [0.0, 0.0, 0.0, 0.0, HOUR_S, 0.0, HOUR_S]
    processing = [0.0, 0.0, 0.0, 0.0, HOUR_S, HOUR_S, HOUR_S]
    steady = _plan(arrivals, processing, HOUR_S, HOUR_S, 0.5, None)
    fixed = _plan(arrivals, processing, HOUR_S, HOUR_S, 0.5, 0.25 * HOUR_S)
    assert fixed.agents == pytest.approx(0.75, rel=1e-9)  # the hand result
    assert fixed.carry_out_s == pytest.approx(0.25 * HOUR_S, rel=1e-9)  # steady
    assert steady.agents == pytest.approx(0.75, rel=1e-6)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "backlog.py: with target 1.0 a cohort's share is (S(u) - A(t-1)) / w, which "
        "loses ~1e-16 x the cumulative work to rounding, while _least_level only "
        "forgives 1e-12 of the share: a cohort of 0.1 s behind 20000 s never "
        "reaches 1 - 1e-12, so plan_backlog raises 'no staffing level answers "
        "every cohort' (expected 20000.1 / 900 = 22.2223 agents)"
    ),
)
def test_full_target_with_a_tiny_cohort_behind_a_large_one_is_feasible() -> None:
    plan = _plan(
        [20000.0, 0.1, 0.1, 0.1], [0.0, 900.0, 0.0, 0.0], 900.0, 900.0, 1.0, 0.0
    )
    assert plan.agents == pytest.approx(20000.1 / 900, rel=1e-9)


@pytest.mark.xfail(
    strict=True,
    reason=(
        "backlog.py: the same rounding with target 1.0 and a trickle of email at "
        "night (0.05 agent-seconds an hour) makes _least_level settle on 16.5 "
        "agents where 0.77 meet every cohort in the simulation"
    ),
)
def test_full_target_with_a_trickle_of_night_email_is_not_overstaffed() -> None:
    week = _office_week()
    hours = np.arange(len(week)) % 24
    arrivals = list(np.where((hours >= 8) & (hours < 20), 2400.0, 0.05))
    plan = _plan(arrivals, week, HOUR_S, 24 * HOUR_S, 1.0, 0.0)
    least = least_level_by_simulation(arrivals, week, 24 * HOUR_S, 1.0, 0.0, 2.0)
    assert 0.7 < least < 0.8
    assert plan.agents == pytest.approx(least, rel=1e-6)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EmailWeek:
    """One drawn horizon of email work and its answer target."""

    arrivals: list[float]
    processing: list[float]
    interval_s: float
    deadline_s: float
    target: float
    carry_in_s: float | None

    def plan(self) -> BacklogPlan:
        return _plan(
            self.arrivals,
            self.processing,
            self.interval_s,
            self.deadline_s,
            self.target,
            self.carry_in_s,
        )


@st.composite
def email_weeks(draw: st.DrawFn) -> EmailWeek:
    """Short horizons of whole open or closed intervals, deadlines a whole number
    of business intervals (so deadlines fall on interval ends, where the fluid
    model checks them)."""
    interval_s = draw(st.sampled_from([900.0, 1800.0, 3600.0]))
    size = draw(st.integers(3, 40))
    is_open = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    assume(any(is_open))
    arrivals = draw(
        st.lists(st.just(0.0) | st.floats(1.0, 20_000.0), min_size=size, max_size=size)
    )
    assume(sum(arrivals) > 0)
    return EmailWeek(
        arrivals=arrivals,
        processing=[interval_s if o else 0.0 for o in is_open],
        interval_s=interval_s,
        deadline_s=interval_s * draw(st.integers(1, sum(is_open))),
        # A 100 % target is the rounding defect tested on its own above.
        target=draw(st.sampled_from([0.5, 0.8, 0.9, 0.99])),
        carry_in_s=draw(st.none() | st.just(0.0) | st.floats(1.0, 20_000.0)),
    )


@settings(max_examples=60, deadline=None)
@given(week=email_weeks())
def test_plan_answers_the_target_share_of_every_cohort_by_its_deadline(
    week: EmailWeek,
) -> None:
    plan = week.plan()
    work = np.array(week.arrivals)
    # The plan's own figures: every cohort at or above the target share.
    assert (plan.answered_share[work > 0] >= week.target - 1e-9).all()
    assert np.isnan(plan.answered_share[work == 0]).all()

    run = simulate_fifo(
        week.arrivals, week.processing, plan.agents, plan.carry_in_s, week.target
    )
    assert late_cohorts(run, week.arrivals, week.deadline_s, 1e-5) == []
    assert run.carry_out_s == pytest.approx(plan.carry_out_s, rel=1e-6, abs=1e-6)

    # The least such level: a millionth less and some cohort is late. (For the
    # steady state see the known defect above: the level can be too high.)
    if week.carry_in_s is not None:
        slower = simulate_fifo(
            week.arrivals,
            week.processing,
            plan.agents * (1 - 1e-6),
            plan.carry_in_s,
            week.target,
        )
        assert late_cohorts(slower, week.arrivals, week.deadline_s, 1e-5)


@settings(max_examples=60, deadline=None)
@given(week=email_weeks())
def test_steady_state_carry_in_equals_carry_out(week: EmailWeek) -> None:
    plan = replace(week, carry_in_s=None).plan()
    total = sum(week.arrivals)
    assert plan.carry_out_s == pytest.approx(
        plan.carry_in_s, abs=1e-6 * max(1.0, total)
    )
    # The staffing covers the week's work week after week.
    assert plan.agents * sum(week.processing) >= total * (1 - 1e-9)
    # And the simulation, started from that carry-in, leaves the same behind.
    run = simulate_fifo(
        week.arrivals, week.processing, plan.agents, plan.carry_in_s, week.target
    )
    assert run.carry_out_s == pytest.approx(plan.carry_in_s, abs=1e-6 * max(1.0, total))


@settings(max_examples=100, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.floats(0.0, 1e4), st.floats(0.0, 1e4)), min_size=1, max_size=50
    ),
    carry_in_s=st.floats(0.0, 1e4),
)
def test_served_curve_is_the_lindley_recursion(
    pairs: list[tuple[float, float]], carry_in_s: float
) -> None:
    arrivals = np.array([a for a, _ in pairs])
    capacity = np.array([c for _, c in pairs])
    backlog, served, expected = carry_in_s, 0.0, []
    for work, cap in zip(arrivals, capacity, strict=True):
        answered = min(backlog + work, cap)
        backlog += work - answered
        served += answered
        expected.append(served)
    np.testing.assert_allclose(
        served_curve(arrivals, capacity, carry_in_s), expected, rtol=1e-9, atol=1e-6
    )


def test_no_email_needs_no_one() -> None:
    plan = _plan([0.0] * 8, TWO_DAYS_PROCESSING, HOUR_S, TWO_HOURS_S, 0.9, None)
    assert plan.agents == 0.0
    assert np.isnan(plan.answered_share).all()


def test_plan_rejects_inputs_it_cannot_meet_or_read() -> None:
    with pytest.raises(ValueError, match="same length"):
        _plan([1.0, 2.0], [HOUR_S], HOUR_S, HOUR_S, 0.9, 0.0)
    with pytest.raises(ValueError, match=">= 0 agent-seconds"):
        _plan([-1.0], [HOUR_S], HOUR_S, HOUR_S, 0.9, 0.0)
    with pytest.raises(ValueError, match=r"target must be in \(0, 1\]"):
        _plan([1.0], [HOUR_S], HOUR_S, HOUR_S, 0.0, 0.0)
    with pytest.raises(ValueError, match="no staffing level answers every cohort"):
        _plan([1.0, 0.0], [0.0, 0.0], HOUR_S, HOUR_S, 0.9, 0.0)
