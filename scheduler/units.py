"""Units and exact arithmetic shared by the staffing maths.

Durations are seconds (``_s``); shares such as service level, occupancy and shrinkage
are fractions in [0, 1]. Percentages exist only in the user interface.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import numpy.typing as npt

SECONDS_PER_MINUTE = 60
SECONDS_PER_HOUR = 3600
ALLOWED_INTERVAL_MINUTES = (15, 30)


def exact_fraction(value: float) -> Fraction:
    """Return the decimal a user meant by ``value`` as an exact fraction.

    ``0.3`` is stored in binary as 0.29999999999999998890; the user meant 3/10. The
    shortest decimal repr of the float recovers what was typed.

    Parameters
    ----------
    value : float
        A decimal share such as a shrinkage of 0.3.

    Returns
    -------
    Fraction
        The exact rational value of the shortest decimal repr of ``value``.
    """
    return Fraction(repr(float(value)))


def gross_up(net_agents: npt.ArrayLike, shrinkage: float) -> npt.NDArray[np.int64]:
    """Scheduled agents needed so that ``net_agents`` remain after shrinkage.

    Computes ``ceil(net / (1 - shrinkage))`` in integer arithmetic, so that 21 agents
    at 30 % shrinkage give 30 (the float division gives 30.000000000000004 and a
    float ``ceil`` would give 31).

    Parameters
    ----------
    net_agents : array_like of int
        Agents needed on the phones (or chat, email, desk), before shrinkage.
    shrinkage : float
        Share of scheduled time lost to absence, training and meetings, in [0, 1).

    Returns
    -------
    numpy.ndarray of int64
        Agents to schedule.
    """
    share = exact_fraction(shrinkage)
    if not 0 <= share < 1:
        raise ValueError(f"shrinkage must be in [0, 1), got {shrinkage!r}")
    kept = 1 - share  # the share of scheduled agents actually available
    net = np.asarray(net_agents, dtype=np.int64)
    # ceil(net * den / num) with integers: -((-a) // b)
    return -((-net * kept.denominator) // kept.numerator)
