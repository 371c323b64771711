"""Deferrable work (email): capacity against a deadline on the business-hours clock.

Email is not a queue that needs a randomness buffer; it is work that may wait until
its deadline. The model is a fluid, first-in-first-out backlog:

* work arrives in interval ``t`` as ``w_t = contacts_t · aht_t`` agent-seconds;
* in a processing interval ``u`` with ``k`` agents on email the capacity is
  ``k · (processing seconds of u)``; outside processing hours it is zero;
* the cumulative work served by the end of ``u`` is
  ``S(u) = min(C(u), min_{v <= u} [A(v) + C(u) - C(v)])``, the Lindley recursion
  in closed form, where ``A`` is cumulative arrivals (including the backlog carried
  in at the start) and ``C`` cumulative capacity;
* the cohort arriving in ``t`` has its deadline ``D`` business seconds after the
  start of ``t`` on the clock that only runs in processing hours; its share answered
  by the deadline is ``clip(S(u_t) - A(t-1), 0, w_t) / w_t``, where ``u_t`` is the
  last interval that ends by the deadline.

A cohort whose deadline falls after the planning horizon is checked against the
capacity of the following week, assumed to have the same processing hours and the
same staffing level. The backlog left at the end of the horizon carries into the
next week; by default the backlog carried *in* is the steady state (the backlog this
week would leave behind), found by fixed-point iteration.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

_BISECTION_STEPS = 60
_STEADY_STATE_ROUNDS = 50


@dataclass(frozen=True, slots=True)
class BacklogPlan:
    """A staffing level for deferrable work and what it achieves.

    Attributes
    ----------
    agents : float
        Net agents on the work in every processing interval (before shrinkage).
    answered_share : numpy.ndarray
        Per arrival interval, the share of that cohort answered by its deadline
        (NaN where nothing arrived).
    answer_delay_s : numpy.ndarray
        Per arrival interval, wall-clock seconds from the start of the interval
        until the middle of the cohort is answered (NaN where nothing arrived).
    utilisation : numpy.ndarray
        Per interval, served work over capacity (NaN outside processing hours).
    carry_in_s : float
        Work carried in at the start, in agent-seconds.
    carry_out_s : float
        Work left unanswered at the end of the horizon, in agent-seconds.
    """

    agents: float
    answered_share: FloatArray
    answer_delay_s: FloatArray
    utilisation: FloatArray
    carry_in_s: float
    carry_out_s: float


def deadline_index(
    processing_s: npt.ArrayLike, deadline_s: float
) -> npt.NDArray[np.int64]:
    """Last interval that ends within each cohort's business-hours deadline.

    Parameters
    ----------
    processing_s : array_like of float, shape (m,)
        Processing (business) seconds in each interval: the interval length when
        open, 0 when closed, in between for partly open intervals.
    deadline_s : float
        Deadline in business seconds after the start of the arrival interval.

    Returns
    -------
    numpy.ndarray of int64, shape (m,)
        Index ``u_t`` into ``processing_s``; may reach past the end (``>= m``),
        and -1 when no interval ends in time.
    """
    proc = np.asarray(processing_s, dtype=np.float64)
    clock_end = np.cumsum(proc)
    clock_start = clock_end - proc
    # A tiny tolerance keeps 24 h of 900 s intervals from missing its last interval
    # to rounding in the cumulative sum.
    limit = clock_start + deadline_s + 1e-6
    return np.searchsorted(clock_end, limit, side="right").astype(np.int64) - 1


def served_curve(
    arrivals_s: FloatArray, capacity_s: FloatArray, carry_in_s: float
) -> FloatArray:
    """Cumulative work served by the end of each interval under FIFO (fluid).

    Parameters
    ----------
    arrivals_s : numpy.ndarray
        Work arriving in each interval, agent-seconds.
    capacity_s : numpy.ndarray
        Capacity in each interval, agent-seconds.
    carry_in_s : float
        Backlog at the start, agent-seconds.
    """
    arrived = carry_in_s + np.cumsum(arrivals_s)
    capacity = np.cumsum(capacity_s)
    slack = np.minimum.accumulate(arrived - capacity)
    return capacity + np.minimum(slack, 0.0)


def cohort_shares(
    arrivals_s: FloatArray,
    capacity_s: FloatArray,
    due: npt.NDArray[np.int64],
    carry_in_s: float,
) -> tuple[FloatArray, FloatArray]:
    """Served curve, and each arrival cohort's share answered by its deadline.

    Parameters
    ----------
    arrivals_s : numpy.ndarray, shape (m,)
        Work arriving in each interval of the horizon, agent-seconds.
    capacity_s : numpy.ndarray, shape (k,), k >= m
        Capacity in each interval, agent-seconds; the intervals after the first
        ``m`` are the following week(s), in which no new work arrives.
    due : numpy.ndarray of int64, shape (m,)
        Per cohort, the last interval ending by its deadline (from
        :func:`deadline_index`); -1 when none does.
    carry_in_s : float
        Backlog at the start, agent-seconds.

    Returns
    -------
    served : numpy.ndarray, shape (k,)
        Cumulative work served by the end of each interval, agent-seconds.
    share : numpy.ndarray, shape (m,)
        Share of each cohort answered by its deadline (NaN where nothing arrived).
    """
    m = arrivals_s.size
    horizon = capacity_s.size
    arrivals = np.concatenate([arrivals_s, np.zeros(horizon - m)])
    served = served_curve(arrivals, capacity_s, carry_in_s)
    before = carry_in_s + np.cumsum(arrivals_s) - arrivals_s  # A(t - 1)
    at_deadline = np.where(due >= 0, served[np.clip(due, 0, horizon - 1)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip(at_deadline - before, 0.0, arrivals_s) / arrivals_s
    share = np.where(arrivals_s > 0, share, np.nan)
    return served, share


def _evaluate(
    level: float,
    arrivals_s: FloatArray,
    processing_s: FloatArray,
    due: npt.NDArray[np.int64],
    carry_in_s: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Served curve over two weeks, and each cohort's answered share by deadline."""
    capacity = level * np.concatenate([processing_s, processing_s])
    served, share = cohort_shares(arrivals_s, capacity, due, carry_in_s)
    return served, capacity, share


def _least_level(
    arrivals_s: FloatArray,
    processing_s: FloatArray,
    due: npt.NDArray[np.int64],
    carry_in_s: float,
    target: float,
) -> float:
    def meets(level: float) -> bool:
        share = _evaluate(level, arrivals_s, processing_s, due, carry_in_s)[2]
        return bool(np.all(np.nan_to_num(share, nan=1.0) >= target - 1e-12))

    total = carry_in_s + arrivals_s.sum()
    if total <= 0:
        return 0.0
    high = max(float(total) / max(float(processing_s.sum()), 1.0), 1e-3)
    while not meets(high):
        high *= 2
        if high > 1e7:
            raise ValueError(
                "no staffing level answers every cohort by its deadline: a cohort "
                "has no processing time before its deadline; lengthen the deadline "
                "or the processing hours"
            )
    low = 0.0
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (low + high)
        if meets(mid):
            high = mid
        else:
            low = mid
    return high


def plan_backlog(
    arrivals_s: npt.ArrayLike,
    processing_s: npt.ArrayLike,
    *,
    interval_s: float,
    deadline_s: float,
    target: float,
    carry_in_s: float | None = None,
) -> BacklogPlan:
    """The least flat staffing level that answers every cohort in time.

    The level is the same in every processing interval: the standalone estimate of
    the capacity email needs. The roster optimiser later places that capacity in
    the troughs of the live channels instead.

    Parameters
    ----------
    arrivals_s : array_like, shape (m,)
        Work arriving in each interval (contacts times handle time), agent-seconds.
    processing_s : array_like, shape (m,)
        Business seconds in each interval (0 when closed).
    interval_s : float
        Interval length in seconds.
    deadline_s : float
        Deadline in business seconds (24 business hours = 86 400).
    target : float
        Share of every cohort to answer by its deadline, in (0, 1].
    carry_in_s : float or None
        Backlog at the start, agent-seconds; ``None`` for the steady state, the
        backlog this same week leaves at its end.

    Returns
    -------
    BacklogPlan
    """
    work = np.asarray(arrivals_s, dtype=np.float64)
    proc = np.asarray(processing_s, dtype=np.float64)
    if work.shape != proc.shape:
        raise ValueError("arrivals_s and processing_s must have the same length")
    if (work < 0).any():
        raise ValueError("arrivals_s must be >= 0 agent-seconds in every interval")
    if not 0 < target <= 1:
        raise ValueError(f"target must be in (0, 1], got {target!r}")
    due = deadline_index(np.concatenate([proc, proc]), deadline_s)[: work.size]
    m = work.size

    def carry_out(level: float, carry: float) -> float:
        served = _evaluate(level, work, proc, due, carry)[0]
        return float(carry + float(work.sum()) - float(served[m - 1]))

    if carry_in_s is None:
        # Week after week the backlog cannot grow: capacity covers the week's work.
        sustainable = work.sum() / proc.sum() if proc.sum() > 0 else 0.0

        def level_for(carry: float) -> float:
            return float(max(_least_level(work, proc, due, carry, target), sustainable))

        carry, last_round = steady_carry_in(
            lambda carry: carry_out(level_for(carry), carry), float(work.sum())
        )
        level = level_for(last_round)
    else:
        carry = float(carry_in_s)
        level = _least_level(work, proc, due, carry, target)
    outcome = backlog_outcome(
        work, level * np.concatenate([proc, proc]), due, carry, interval_s
    )
    return BacklogPlan(
        agents=level,
        answered_share=outcome.answered_share,
        answer_delay_s=outcome.answer_delay_s,
        utilisation=outcome.utilisation,
        carry_in_s=carry,
        carry_out_s=outcome.carry_out_s,
    )


def steady_carry_in(
    step: Callable[[float], float], work_s: float
) -> tuple[float, float]:
    """The backlog carried in at the steady state, by fixed-point iteration.

    Starting from no backlog, the carry-in becomes the backlog the week leaves at
    its end, until it settles (to within a millionth of the week's work) or
    50 rounds pass (then a warning is logged).

    Parameters
    ----------
    step : callable
        Maps a carry-in to the backlog left at the end of the week, agent-seconds.
    work_s : float
        The week's work, agent-seconds: the scale of the convergence tolerance.

    Returns
    -------
    carry_in_s : float
        The carry-in, agent-seconds.
    last_round_s : float
        The carry-in the last round started from: equal to ``carry_in_s`` when it
        settled, the one before it when it did not.
    """
    carry = previous = 0.0
    for _ in range(_STEADY_STATE_ROUNDS):
        new_carry = step(carry)
        if abs(new_carry - carry) <= 1e-6 * max(1.0, work_s):
            return carry, carry
        previous, carry = carry, new_carry
    logger.warning(
        "email backlog did not settle in %d weeks; carry-in %.0f s",
        _STEADY_STATE_ROUNDS,
        carry,
    )
    return carry, previous


@dataclass(frozen=True, slots=True)
class BacklogOutcome:
    """What a given capacity achieves on deferrable work.

    The attributes ``answered_share``, ``answer_delay_s``, ``utilisation`` and
    ``carry_out_s`` mean what those of :class:`BacklogPlan` do.
    """

    answered_share: FloatArray
    answer_delay_s: FloatArray
    utilisation: FloatArray
    carry_out_s: float


def backlog_outcome(
    arrivals_s: FloatArray,
    capacity_s: FloatArray,
    due: npt.NDArray[np.int64],
    carry_in_s: float,
    interval_s: float,
) -> BacklogOutcome:
    """Answered shares, answer delays and utilisation of a capacity profile.

    Parameters
    ----------
    arrivals_s : numpy.ndarray, shape (m,)
        Work arriving in each interval, agent-seconds.
    capacity_s : numpy.ndarray, shape (k,), k >= m
        Capacity per interval, agent-seconds, including the following week(s) in
        which the cohorts near the end of the horizon are answered.
    due : numpy.ndarray of int64, shape (m,)
        Per cohort, the last interval ending by its deadline
        (:func:`deadline_index`).
    carry_in_s : float
        Backlog at the start, agent-seconds.
    interval_s : float
        Interval length, seconds.

    Returns
    -------
    BacklogOutcome
    """
    m = arrivals_s.size
    served, share = cohort_shares(arrivals_s, capacity_s, due, carry_in_s)
    with np.errstate(divide="ignore", invalid="ignore"):
        used = np.diff(served, prepend=0.0)[:m]
        utilisation = np.where(capacity_s[:m] > 0, used / capacity_s[:m], np.nan)
    before = carry_in_s + np.cumsum(arrivals_s) - arrivals_s
    delay = time_to_serve(served, before + 0.5 * arrivals_s, interval_s) - (
        np.arange(m) * interval_s
    )
    return BacklogOutcome(
        answered_share=share,
        answer_delay_s=np.where(arrivals_s > 0, delay, np.nan),
        utilisation=utilisation,
        carry_out_s=float(carry_in_s + float(arrivals_s.sum()) - float(served[m - 1])),
    )


def time_to_serve(
    served: FloatArray, level: FloatArray, interval_s: float
) -> FloatArray:
    """Seconds from the horizon start until the served curve reaches ``level``.

    Parameters
    ----------
    served : numpy.ndarray
        Cumulative work served by the end of each interval (:func:`served_curve`).
    level : numpy.ndarray
        Amounts of cumulative work, agent-seconds.
    interval_s : float
        Interval length, seconds.

    Returns
    -------
    numpy.ndarray
        Seconds, interpolated within the interval that reaches each level; ``inf``
        when the curve never does.
    """
    index = np.searchsorted(served, level - 1e-9, side="left")
    index = np.clip(index, 0, served.size - 1)
    previous = np.where(index > 0, served[np.maximum(index - 1, 0)], 0.0)
    step = served[index] - previous
    with np.errstate(divide="ignore", invalid="ignore"):
        within = np.where(step > 0, (level - previous) / step, 1.0)
    reached = served[-1] >= level - 1e-9
    return np.where(reached, (index + np.clip(within, 0, 1)) * interval_s, np.inf)
