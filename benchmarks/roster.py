"""Roster optimiser on the seeded benchmark centres: one JSON line per case.

Cases (``benchmarks/centres.py``; one week from 2026-01-05, 15-minute intervals)
-----
S
    ~40 agents, phone and chat, one site; time limit 10 s.
M
    ~150 agents, phone, chat, email and a walk-in branch, two sites; 60 s.
L
    ~500 agents, phone, chat, email and two walk-in branches, three sites; 300 s.

Each case is solved in ``weekly`` mode (weekly service-level targets with interval
floors), audited against every hard rule (:func:`scheduler.roster.audit.audit_roster`),
evaluated (:func:`scheduler.evaluate.evaluate_roster`), and compared with the LP lower
bound on paid hours of the same coverage problem without agent rules
(:func:`scheduler.roster.bound.lp_paid_hours_bound`); then solved again with the same
limit in ``interval`` mode (every interval's requirement) for the paid hours the
weekly mode saves.

Bars (issue 4, DESIGN section 6), in ``bars`` and ``meets_bars``:

* ``gap``: S proven optimal (gap <= 0.0001) in under 10 s, M gap <= 0.02 in 60 s,
  L gap <= 0.05 in 300 s (``wall_s`` within the case's limit plus 10 %);
* ``paid_to_lp_ratio``: paid hours over the LP bound <= 1.05;
* ``violations``: no audited hard-rule violation.

``paid_hours`` are the evaluation's (``kpis["overall"]["paid_hours"]``: every
segment but unpaid lunches). A case whose solve raises prints ``case`` and
``error`` instead and the next case runs; the exit code is 1 only when every case
failed.

Usage: ``python benchmarks/roster.py [--smoke] [--case S|M|L] [--time-limit-s S]
[--seed N] [--workers N]``. Logging goes to stderr; stdout has only the JSON lines.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The sibling module ``centres``, whether run as a script or imported as
# ``benchmarks.roster`` (``benchmarks`` is not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from centres import BenchmarkCentre, Size, benchmark_centre
from native_output import native_output_to_stderr

from scheduler.evaluate import evaluate_roster
from scheduler.requirements import compute_requirements
from scheduler.roster.audit import audit_roster, summarise
from scheduler.roster.bound import lp_paid_hours_bound
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.problem import build_problem
from scheduler.roster.solve import RosterSolution, SolveSettings, solve_roster

logger = logging.getLogger("benchmarks.roster")


CASES: tuple[Size, ...] = ("S", "M", "L")
#: Time limit of each case, in seconds.
TIME_LIMIT_S: dict[Size, float] = {"S": 10.0, "M": 60.0, "L": 300.0}
#: Largest gap each case must prove within its time limit.
GAP_BAR: dict[Size, float] = {"S": 0.0001, "M": 0.02, "L": 0.05}
PAID_TO_LP_BAR = 1.05
#: Slack on the wall-clock bar for the model building around the solve.
WALL_SLACK = 1.10
LP_TIME_LIMIT_S = 120.0


def _carry_in(solution: RosterSolution) -> float | None:
    """The email carry-in the solve assumed, when there is one email channel."""
    carry = solution.email_carry_in_s
    return next(iter(carry.values())) if len(carry) == 1 else None


def _number(value: Any, digits: int = 4) -> float | None:
    """A JSON-safe rounded float (None for missing or non-finite values)."""
    if value is None:
        return None
    number = float(value)
    return round(number, digits) if math.isfinite(number) else None


def run_case(
    size: Size, time_limit_s: float, *, seed: int = 0, workers: int = 2
) -> dict[str, Any]:
    """Solve, audit, evaluate and bound one benchmark centre.

    Parameters
    ----------
    size : {"S", "M", "L"}
        The benchmark centre.
    time_limit_s : float
        Limit of each of the two solves (weekly and interval mode), in seconds.
    seed : int
        Seed of the centre and of the solver.
    workers : int
        CP-SAT search workers.

    Returns
    -------
    dict
        The case's JSON record (see the module docstring).
    """
    bench = benchmark_centre(size, seed)
    requirements = compute_requirements(bench.forecast, bench.centre)
    inputs = _inputs(bench)
    problem = build_problem(inputs, requirements)
    weekly = solve_roster(
        problem,
        SolveSettings(
            mode="weekly", time_limit_s=time_limit_s, workers=workers, seed=seed
        ),
    )
    violations = audit_roster(inputs, weekly.roster)
    by_rule = summarise(violations)
    kpis = evaluate_roster(
        weekly.roster,
        requirements,
        bench.centre,
        bench.agents,
        email_carry_in_s=_carry_in(weekly),
    ).kpis
    started = time.monotonic()
    lp_bound_h = lp_paid_hours_bound(problem, time_limit_s=LP_TIME_LIMIT_S)
    lp_s = time.monotonic() - started
    interval = solve_roster(
        problem,
        SolveSettings(
            mode="interval", time_limit_s=time_limit_s, workers=workers, seed=seed
        ),
    )
    interval_kpis = evaluate_roster(
        interval.roster,
        requirements,
        bench.centre,
        bench.agents,
        email_carry_in_s=_carry_in(interval),
    ).kpis
    paid_h = float(kpis["overall"]["paid_hours"])
    paid_interval_h = float(interval_kpis["overall"]["paid_hours"])
    ratio = paid_h / lp_bound_h if lp_bound_h > 0 else math.nan
    channels: dict[str, dict[str, Any]] = kpis["channels"]
    bars = {
        "gap": GAP_BAR[size],
        "wall_s": TIME_LIMIT_S[size],
        "paid_to_lp_ratio": PAID_TO_LP_BAR,
        "violations": 0,
    }
    meets = {
        "gap": weekly.gap <= GAP_BAR[size]
        and weekly.wall_s <= TIME_LIMIT_S[size] * WALL_SLACK,
        "paid_to_lp_ratio": math.isfinite(ratio) and ratio <= PAID_TO_LP_BAR,
        "violations": not violations,
    }
    return {
        "case": size,
        "centre": bench.name,
        "agents": len(bench.agents),
        "groups": len(problem.groups),
        "time_limit_s": time_limit_s,
        "status": weekly.status,
        "objective": _number(weekly.objective / 100, 2),
        "best_bound": _number(weekly.best_bound / 100, 2),
        "objective_unit": bench.centre.costs.currency,
        "gap": _number(weekly.gap, 6),
        "wall_s": _number(weekly.wall_s, 2),
        "paid_hours": _number(paid_h, 2),
        "lp_bound_paid_hours": _number(lp_bound_h, 2),
        "lp_s": _number(lp_s, 2),
        "paid_to_lp_ratio": _number(ratio),
        "violations": len(violations),
        "violations_by_rule": {rule: n for rule, n in by_rule.items() if n},
        "weekly_service_level": {
            name: _number(c["service_level"]) for name, c in channels.items()
        },
        "targets": {name: c["target"] for name, c in channels.items()},
        "targets_met": {name: bool(c["meets_target"]) for name, c in channels.items()},
        "paid_hours_interval_mode": _number(paid_interval_h, 2),
        "paid_hours_saved_vs_interval": _number(paid_interval_h - paid_h, 2),
        "status_interval_mode": interval.status,
        "gap_interval_mode": _number(interval.gap, 6),
        "wall_s_interval_mode": _number(interval.wall_s, 2),
        "bars": bars,
        "meets_bars": {**meets, "all": all(meets.values())},
    }


def _inputs(bench: BenchmarkCentre) -> RosterInputs:
    return RosterInputs(
        centre=bench.centre,
        agents=bench.agents,
        week_start=bench.week_start,
        availability=bench.availability,
    )


def run_case_safely(
    size: Size, time_limit_s: float | None = None, *, seed: int = 0, workers: int = 2
) -> dict[str, Any]:
    """:func:`run_case`, or ``case`` and ``error`` when it raises.

    Parameters
    ----------
    size : {"S", "M", "L"}
        The benchmark centre.
    time_limit_s : float or None
        Limit of each solve; ``None`` for the case's own (:data:`TIME_LIMIT_S`).
    seed : int
        Seed of the centre and the solver.
    workers : int
        CP-SAT search workers.

    Returns
    -------
    dict
        The case's JSON record.
    """
    limit = TIME_LIMIT_S[size] if time_limit_s is None else time_limit_s
    logger.info("case %s: time limit %g s per solve", size, limit)
    try:
        return run_case(size, limit, seed=seed, workers=workers)
    except Exception as err:  # the optimiser is still being tuned
        logger.exception("case %s failed", size)
        return {"case": size, "error": f"{type(err).__name__}: {err}"}


def main(argv: Sequence[str] | None = None) -> int:
    """Print one JSON line per case; return 1 when every case failed, else 0."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="only S, 10 s limit")
    parser.add_argument("--case", choices=CASES, help="run only this case")
    parser.add_argument(
        "--time-limit-s", type=float, help="limit of every solve, seconds"
    )
    parser.add_argument("--seed", type=int, default=0, help="centre and solver seed")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers")
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    cases: tuple[Size, ...] = ("S",) if args.smoke else CASES
    if args.case is not None:
        cases = (args.case,)
    limit = args.time_limit_s
    if args.smoke and limit is None:
        limit = TIME_LIMIT_S["S"]
    failed = 0
    for size in cases:
        with native_output_to_stderr():
            record = run_case_safely(size, limit, seed=args.seed, workers=args.workers)
        failed += "error" in record
        print(json.dumps(record), flush=True)
    return 1 if failed == len(cases) else 0


if __name__ == "__main__":
    sys.exit(main())
