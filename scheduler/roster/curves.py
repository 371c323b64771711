"""Service-level curves over *scheduled* agents, as the optimiser sees them.

The staffing maths gives the service level for ``n`` agents actually handling a
queue. A roster schedules agents; shrinkage (absence, training) takes its share, so
``s`` scheduled agents are ``s·(1 - shrinkage)`` net agents on average. The figures
at a fractional net headcount are interpolated linearly between the two whole
headcounts around it; :mod:`scheduler.evaluate` reads a finished roster the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scheduler.erlang import service_level_curve
from scheduler.requirements import queue_model, staffing_target
from scheduler.roster.problem import ChannelDemand

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ScheduledCurve:
    """Service level for 0 .. ``s_max`` scheduled agents in the open slots.

    Attributes
    ----------
    slots : numpy.ndarray of int64
        The open slots with contacts.
    service_level : numpy.ndarray, shape (len(slots), s_max + 1)
        Expected share answered within the target time with ``s`` scheduled.
    """

    slots: npt.NDArray[np.int64]
    service_level: FloatArray

    def least_meeting(self, level: float) -> npt.NDArray[np.int64]:
        """Least scheduled agents reaching ``level`` per slot (``s_max`` if none)."""
        met = self.service_level >= level - 1e-12
        first = met.argmax(axis=1)
        least: npt.NDArray[np.int64] = np.where(
            met.any(axis=1), first, self.service_level.shape[1] - 1
        ).astype(np.int64)
        return least


def scheduled_curve(
    demand: ChannelDemand, interval_s: int, s_max: int
) -> ScheduledCurve:
    """The service-level curve of a live, chat or walk-in channel per scheduled agent.

    Parameters
    ----------
    demand : ChannelDemand
        The channel's demand on the week's slots.
    interval_s : int
        Slot length in seconds.
    s_max : int
        Largest scheduled headcount on the curve.
    """
    channel = demand.channel
    slots = np.flatnonzero(demand.open & (demand.contacts > 0))
    kept = 1.0 - channel.shrinkage
    net = np.arange(s_max + 1) * kept
    low = np.floor(net + 1e-9).astype(np.int64)
    share = net - low
    curve = service_level_curve(
        queue_model(channel),
        demand.contacts[slots],
        demand.aht_s[slots],
        interval_s,
        staffing_target(channel).answer_within_s,
        int(low.max()) + 1,
    ).service_level
    level = curve[:, low] * (1 - share) + curve[:, low + 1] * share
    return ScheduledCurve(slots=slots, service_level=level)
