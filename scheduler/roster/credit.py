"""The capacity the optimiser plans for beyond the stationary staffing curves.

The optimiser's service-level curves (:mod:`scheduler.roster.curves`) are the
stationary figures of each interval on its own. The evaluation of a roster
(:mod:`scheduler.evaluate`) and the simulation (:mod:`scheduler.simulate`) see
more: the load carried over from one interval to the next, backlogs, and above all
agents who finish the contacts in hand when their work on a channel ends (a break,
a lunch, the end of the shift), so that those contacts leave the queue with them.
With long contacts (three concurrent chats of ten minutes, a 15-minute visit) that
is worth 10 to 20 points of weekly service level: on the benchmark centres the
stationary curves planned chat at its 80 % target and the evaluation, confirmed
by the simulation, found 96 % (M) and 99 % (L).

:func:`planning_credit` measures it per channel before any roster exists, at the
requirements' own staffing: ``s`` scheduled agents in each interval, scaled by a
factor, with agents leaving at ``exit_rate`` per agent and interval (the shift
menu's breaks and ends: :func:`menu_exit_rate`).

1. ``λ``: the scale at which the evaluation's figures reach the channel's weekly
   target (contact-weighted);
2. ``μ``: the scale at which the stationary figures reach it;
3. the credit ``μ/λ − 1``: the stationary curves read at ``s·(1 + credit)``
   scheduled agents reach the target where the evaluation does.

A negative credit (the evaluation below the stationary figures: a load that rises
faster than the carried-over load follows, a backlog) is planned whole; a
positive one at :data:`CREDIT_SHARE`. Measured on the M centre's roster, the
evaluation credited phone 0.024, chat 0.17 and face-to-face 0.17 of the scheduled
agents, where this estimate gives 0.035, 0.16 and 0.13: phone gets less than
estimated because agents moving to it from chat start late, finishing their
chats, which no estimate before the roster can know. Half the estimate stays
under every channel's measured credit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler import schema as col
from scheduler.config import Centre, Channel
from scheduler.erlang import service_level_curve
from scheduler.evaluate import carried_service_level
from scheduler.requirements import queue_model, staffing_target
from scheduler.shifts import ShiftTemplate

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: Share of a positive credit the optimiser plans for (see the module docstring).
CREDIT_SHARE = 0.5
#: Staffing scales searched, as a factor of the requirements' staffing.
_SCALES = (0.3, 3.0)
#: Bisection steps: the scale to within 2.7/2**12, under 0.001.
_STEPS = 12


def menu_exit_rate(templates: Sequence[ShiftTemplate]) -> float:
    """Times an agent's work ends per slot worked, over the shift menu.

    Each shift's work ends at each break or lunch and at the shift's end: ``(breaks
    + 1) / length`` in slots, averaged over the menu's shifts (moves between
    channels are not counted: they credit one channel what they cost another).
    """
    if not templates:
        return 0.0
    return float(np.mean([(len(t.breaks) + 1) / t.length_slots for t in templates]))


def planning_credit(
    rows: pd.DataFrame, channel: Channel, centre: Centre, exit_rate: float
) -> float:
    """The share of scheduled agents the optimiser adds to a channel's staffing.

    Parameters
    ----------
    rows : pandas.DataFrame
        The channel's requirement rows for the week (``interval_start``, ``open``,
        ``contacts``, ``aht_seconds``, ``required_fractional``).
    channel : Channel
        The channel; deferrable channels (email) get none.
    centre : Centre
        The centre (its interval length).
    exit_rate : float
        Times an agent's work on the channel ends per interval worked
        (:func:`menu_exit_rate`).

    Returns
    -------
    float
        The credit (see the module docstring): the curves read at
        ``s·(1 + credit)`` scheduled agents; 0 where it cannot be measured (no
        contacts, or a target out of reach at three times the requirement).
    """
    scales = reaching_scales(rows, channel, centre, exit_rate)
    if scales is None:
        return 0.0
    evaluated, stationary = scales
    credit = stationary / evaluated - 1
    planned = credit if credit < 0 else CREDIT_SHARE * credit
    logger.info(
        "%s: the evaluation reaches the target at %.3f of the requirement, the "
        "stationary curves at %.3f: planning credit %.3f",
        _label(rows),
        evaluated,
        stationary,
        planned,
    )
    return planned


def reaching_scales(
    rows: pd.DataFrame, channel: Channel, centre: Centre, exit_rate: float
) -> tuple[float, float] | None:
    """Scales of the requirements' staffing at which the weekly target is reached.

    Parameters
    ----------
    rows, channel, centre, exit_rate
        As for :func:`planning_credit`.

    Returns
    -------
    tuple of (float, float) or None
        ``(λ, μ)``: the least scale (to within 0.001) at which the evaluation's
        figures, then the stationary figures, reach the channel's weekly service
        level (contact-weighted over open intervals); ``None`` for a deferrable
        channel, one without contacts, or a target out of reach within
        0.3-3 times the requirement.
    """
    if channel.kind == "deferrable" or rows.empty:
        return None
    rows = rows.sort_values(col.INTERVAL_START).reset_index(drop=True)
    contacts = rows[col.CONTACTS].to_numpy(np.float64)
    weights = np.where(rows[col.OPEN].to_numpy(bool), contacts, 0.0)
    counted = np.flatnonzero(weights > 0)
    if counted.size == 0:
        return None
    net = rows[col.REQUIRED_FRACTIONAL].to_numpy(np.float64) * (1 - channel.shrinkage)
    before = np.concatenate([[0.0], net[:-1]])

    def weekly(level: FloatArray) -> float:
        return float(np.sum(level[counted] * weights[counted]) / weights.sum())

    def evaluated(scale: float) -> float:
        level = carried_service_level(
            rows, net * scale, exit_rate * before * scale, channel, centre
        )
        return weekly(np.nan_to_num(level))

    top = int(np.ceil(net.max() * _SCALES[1])) + 2
    curve = service_level_curve(
        queue_model(channel),
        contacts[counted],
        rows[col.AHT_SECONDS].to_numpy(np.float64)[counted],
        centre.interval_s,
        staffing_target(channel).answer_within_s,
        top,
    ).service_level
    at = np.arange(counted.size)

    def stationary(scale: float) -> float:
        agents = net[counted] * scale
        low = np.minimum(np.floor(agents).astype(np.int64), top - 1)
        share = agents - low
        level = np.zeros(net.size)
        level[counted] = curve[at, low] * (1 - share) + curve[at, low + 1] * share
        return weekly(level)

    goal = channel.service_level
    reached_evaluated = _scale_reaching(evaluated, goal)
    reached_stationary = _scale_reaching(stationary, goal)
    if reached_evaluated is None or reached_stationary is None:
        logger.info("%s: no planning credit (target out of reach)", _label(rows))
        return None
    return reached_evaluated, reached_stationary


def _label(rows: pd.DataFrame) -> str:
    return str(rows[col.CHANNEL].iloc[0]) if col.CHANNEL in rows else "channel"


def _scale_reaching(level: Callable[[float], float], goal: float) -> float | None:
    """A scale at which ``level`` reaches ``goal``, less than 0.001 above the least
    one; None when none within :data:`_SCALES` does. ``level`` rises with the
    scale."""
    low, high = _SCALES
    if level(high) < goal:
        return None
    if level(low) >= goal:
        return low
    for _ in range(_STEPS):
        middle = (low + high) / 2
        if level(middle) < goal:
            low = middle
        else:
            high = middle
    return high
