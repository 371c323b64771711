"""Lower bound on paid hours: the coverage problem as a linear programme.

The staffing model of :mod:`scheduler.roster.master` with continuous variables, no
agent rules (no contracts, no headcounts) and every channel's interval requirement
(``required_fractional``, after shrinkage) as a hard floor in every open slot,
minimising paid hours, solved with GLOP. Any roster that staffs every interval to
its requirement pays at least this many hours; it is the yardstick for how much a
roster's contracts and rules cost on top of the demand itself.
"""

from __future__ import annotations

import logging

import numpy as np
from ortools.linear_solver.python import model_builder as mb

from scheduler.roster.master import Backend, build_master, staffed
from scheduler.roster.problem import RosterProblem

logger = logging.getLogger(__name__)


def lp_paid_hours_bound(
    problem: RosterProblem, *, time_limit_s: float = 300.0
) -> float:
    """Least paid hours that cover every interval's requirement (LP relaxation).

    Parameters
    ----------
    problem : RosterProblem
        The problem; its groups say who can serve which channel and when.
    time_limit_s : float
        Limit for GLOP, in seconds.

    Returns
    -------
    float
        Paid hours, or NaN when GLOP did not prove optimality in time.
    """
    model = mb.Model()  # type: ignore[no-untyped-call]
    master = build_master(problem, Backend(model), agent_rules=False)
    for name, demand in problem.channels.items():
        have = staffed(master, problem, name)
        for t in np.flatnonzero(demand.open & (demand.required_fractional > 0)):
            model.add(have.get(int(t), 0) >= float(demand.required_fractional[t]))
    model.minimize(master.paid_slots())
    solver = mb.Solver("glop")
    solver.set_time_limit_in_seconds(time_limit_s)
    status = solver.solve(model)
    if status != mb.SolveStatus.OPTIMAL:
        logger.warning("LP bound: GLOP ended with %s", status)
        return float("nan")
    return float(solver.objective_value) * problem.slot_hours
