"""What-if benchmark: a deflection sweep on benchmark centre M, local processes and Ray.

The base plan is benchmark centre M's week (150 agents, four channels) solved once.
The sweep deflects 0 %, 10 %, ..., 50 % of phone contacts to chat (10 % of the
deflected bounce back to phone), keeps the base roster and re-plans each scenario,
first on local processes and then on a local Ray. One JSON line per executor:
``case, executor, scenarios, wall_s, seconds_per_scenario, break_even`` and the
per-scenario results (``rate``, ``required_agent_hours`` per channel, and for
``keep_roster`` and ``replan`` the weekly service level and cost per contact per
channel, paid hours, cost and FTE). A last line compares the executors' figures.

``--smoke``: benchmark centre S, rates 0 and 0.2, 5-second re-plans.

Run: ``python benchmarks/whatif.py [--smoke] [--time-limit-s 30]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The sibling module ``centres``, whether run as a script or imported as
# ``benchmarks.whatif``.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from centres import Size, benchmark_centre

from scheduler.plan import Plan, solve_plan
from scheduler.roster.solve import SolveSettings
from scheduler.scenarios.sweep import (
    SweepResult,
    SweepSettings,
    deflection_scenarios,
    run_sweep,
)

logger = logging.getLogger("benchmarks.whatif")

RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
BOUNCE_BACK = 0.1


def base_plan(size: Size, time_limit_s: float) -> Plan:
    """The benchmark centre's week, solved."""
    bench = benchmark_centre(size)
    return solve_plan(
        bench.centre,
        bench.agents,
        bench.week_start,
        bench.forecast,
        availability=bench.availability,
        settings=SolveSettings(time_limit_s=time_limit_s),
        name=f"benchmark {bench.name}",
    )


def record(case: str, result: SweepResult) -> dict[str, Any]:
    """The JSON line of one executor's sweep."""
    scenarios = result.records()
    return {
        "case": case,
        "executor": result.executor,
        "scenarios": len(scenarios),
        "wall_s": round(result.wall_s, 1),
        "seconds_per_scenario": round(result.wall_s / len(scenarios), 1),
        "break_even": result.break_even,
        "results": [{"rate": s.pop("value"), **s} for s in scenarios],
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print one JSON line per executor and one comparing them."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="S, two rates, 5 s")
    parser.add_argument(
        "--time-limit-s", type=float, help="limit of each roster solve, seconds"
    )
    parser.add_argument(
        "--executors", default="local,ray", help="comma-separated: local, ray"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    size: Size = "S" if args.smoke else "M"
    rates = (0.0, 0.2) if args.smoke else RATES
    limit = args.time_limit_s or (5.0 if args.smoke else 30.0)
    base = base_plan(size, 2 * limit)
    scenarios = deflection_scenarios(rates, bounce_back_share=BOUNCE_BACK)
    tables = {}
    for executor in args.executors.split(","):
        result = run_sweep(
            base,
            scenarios,
            rates,
            SweepSettings(
                executor=executor,  # type: ignore[arg-type]
                solve=SolveSettings(time_limit_s=limit, seed=0),
            ),
            parameter="share of phone deflected to chat",
        )
        tables[executor] = result.table
        print(json.dumps(record(size, result)), flush=True)
    if len(tables) == 2:
        local, ray = tables.values()
        keep = local["way"] == "keep_roster"
        same = local.loc[keep].equals(ray.loc[ray["way"] == "keep_roster"])
        print(
            json.dumps(
                {
                    "case": size,
                    "keep_roster_identical_across_executors": bool(same),
                    "replan_paid_hours_max_difference": float(
                        abs(
                            local.loc[~keep, "paid_hours"].to_numpy()
                            - ray.loc[ray["way"] == "replan", "paid_hours"].to_numpy()
                        ).max()
                    ),
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
