"""Lower bound on paid hours: the coverage problem as a linear programme.

The staffing model of :mod:`scheduler.roster.master` with continuous variables, no
agent rules (no contracts, no headcounts) and every channel's interval requirement
(``required_fractional``, after shrinkage) as a hard floor in every open slot,
minimising paid hours, solved with HiGHS. Any roster that staffs every interval to
its requirement pays at least this many hours; it is the yardstick for how much a
roster's contracts and rules cost on top of the demand itself.
"""

from __future__ import annotations

import numpy as np
from ortools.linear_solver.python import model_builder as mb

from scheduler.roster.master import Backend, build_master, staffed
from scheduler.roster.problem import RosterProblem
from scheduler.roster.search import solve_linear


def lp_paid_hours_bound(
    problem: RosterProblem, *, time_limit_s: float = 300.0
) -> float:
    """Least paid hours that cover every interval's requirement (LP relaxation).

    Parameters
    ----------
    problem : RosterProblem
        The problem; its groups say who can serve which channel and when.
    time_limit_s : float
        Limit for the LP solver, in seconds.

    Returns
    -------
    float
        Paid hours, or NaN when the LP solver did not prove optimality in time.
    """
    model = mb.Model()  # type: ignore[no-untyped-call]
    master = build_master(problem, Backend(model), agent_rules=False)
    for name, demand in problem.channels.items():
        have = staffed(master, problem, name)
        for t in np.flatnonzero(demand.open & (demand.required_fractional > 0)):
            model.add(have.get(int(t), 0) >= float(demand.required_fractional[t]))
    model.minimize(master.paid_slots())
    solver = solve_linear(model, time_limit_s)
    if solver is None:
        return float("nan")
    return float(solver.objective_value) * problem.slot_hours
