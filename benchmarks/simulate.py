"""Plans verified by simulation on the benchmark centres: one JSON line per case.

Cases (``benchmarks/centres.py``; the week of 2026-01-05, 15-minute intervals)
-----
M
    ~150 agents: phone, chat, email and a walk-in branch; roster solved with a
    60 s limit.
L
    ~500 agents: phone, chat, email and two walk-in branches; 300 s.
S (``--smoke``)
    ~40 agents, phone and chat; 5 s, and 2 replications.

Each case's plan comes from :func:`scheduler.plan.solve_plan` (weekly mode), or
from ``--plans DIR/<case>`` when a plan folder is there (a solved plan is written
there for the next run). It is simulated (:func:`scheduler.simulate.simulate_plan`)
twice, each a line: ``routing = "rostered"`` (every agent serves only the channel
of its work segment: each channel is then single-skill, as the analytic model
assumes) and ``routing = "skills"`` (multi-skilled agents serve every skill, live
first, email in idle time: the multi-skill truth).

Figures: ``wall_s_per_replication`` (seconds one simulated week takes in its
process) and ``wall_s`` (the whole simulation, replications in parallel on
``--workers`` processes); per channel the analytic and simulated weekly service
level, the simulation's 95 % half-width and the difference (simulated − analytic).

Bars (issue 7), in ``bars`` and ``meets_bars``: under 5 s per replication for M;
with rostered routing every channel's difference within 3 points. With skills
routing the differences are reported, not barred.

Usage: ``python benchmarks/simulate.py [--smoke] [--case M|L]
[--replications N] [--workers N] [--plans DIR]``. Logging goes to stderr; stdout
has only the JSON lines.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The sibling module ``centres``, whether run as a script or imported.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from centres import Size, benchmark_centre
from native_output import native_output_to_stderr

from scheduler.evaluate import evaluate_roster
from scheduler.plan import Plan, load_plan_dir, solve_plan, write_plan_dir
from scheduler.roster.solve import SolveSettings
from scheduler.simulate import Routing, SimulationSettings, simulate_plan
from scheduler.units import SECONDS_PER_HOUR

logger = logging.getLogger("benchmarks.simulate")

CASES: tuple[Size, ...] = ("M", "L")
#: Roster solve time limit of each case, seconds.
TIME_LIMIT_S: dict[Size, float] = {"S": 5.0, "M": 60.0, "L": 300.0}
#: Seconds per simulated week each case must stay under (M only).
WALL_BAR_S: dict[Size, float] = {"M": 5.0}
#: Largest service-level difference (a fraction) with rostered routing.
DIFFERENCE_BAR = 0.03
ROUTINGS: tuple[Routing, ...] = ("rostered", "skills")


def _number(value: Any, digits: int = 4) -> float | None:
    number = float(value)
    return round(number, digits) if math.isfinite(number) else None


def case_plan(size: Size, plans: Path | None, seed: int) -> tuple[Plan, float | None]:
    """The case's plan, from ``plans/<size>`` or solved (then written there).

    A plan read from disk is evaluated again, so its analytic figures are those
    of :func:`scheduler.evaluate.evaluate_roster` as it is now.

    Returns
    -------
    tuple
        The plan and the solve's wall-clock seconds (None when read from disk).
    """
    folder = None if plans is None else plans / size
    if folder is not None and (folder / "plan.json").is_file():
        logger.info("case %s: plan read from %s, evaluated again", size, folder)
        plan = load_plan_dir(folder)
        # The analytic figures of this code, not those the plan was written with,
        # from the email backlog the plan carried in (the optimiser's).
        carry_h = [
            figures["carry_in_agent_hours"]
            for figures in plan.kpis["channels"].values()
            if figures.get("carry_in_agent_hours") is not None
        ]
        carry_s = carry_h[0] * SECONDS_PER_HOUR if len(carry_h) == 1 else None
        evaluation = evaluate_roster(
            plan.roster,
            plan.requirements,
            plan.centre,
            plan.agents,
            email_carry_in_s=carry_s,
            solver=plan.kpis.get("solver"),
        )
        return dataclasses.replace(plan, evaluation=evaluation), None
    bench = benchmark_centre(size, seed)
    started = time.perf_counter()
    plan = solve_plan(
        bench.centre,
        bench.agents,
        bench.week_start,
        bench.forecast,
        availability=bench.availability,
        settings=SolveSettings(time_limit_s=TIME_LIMIT_S[size], seed=seed),
        name=f"benchmark {bench.name}",
    )
    solve_s = time.perf_counter() - started
    if folder is not None:
        write_plan_dir(plan, folder)
    return plan, solve_s


def run_case(
    size: Size,
    *,
    replications: int,
    workers: int,
    seed: int,
    plans: Path | None,
) -> list[dict[str, Any]]:
    """Simulate one case's plan with both routings; one record each."""
    plan, solve_s = case_plan(size, plans, seed)
    records = []
    for routing in ROUTINGS:
        settings = SimulationSettings(
            replications=replications, seed=seed, routing=routing, workers=workers
        )
        verification = simulate_plan(plan, settings)
        weekly = verification.weekly.set_index("channel")
        channels = {
            str(name): {
                "analytic_service_level": _number(row["analytic_service_level"]),
                "simulated_service_level": _number(row["simulated_service_level"]),
                "half_width": _number(row["service_level_half_width"]),
                "difference": _number(row["difference"]),
                "target": _number(row["target"]),
                "analytic_asa_seconds": _number(row["analytic_asa_seconds"], 1),
                "simulated_asa_seconds": _number(row["simulated_asa_seconds"], 1),
            }
            for name, row in weekly.iterrows()
        }
        within = bool((weekly["difference"].abs() <= DIFFERENCE_BAR).all())
        bars: dict[str, Any] = {}
        meets: dict[str, bool] = {}
        if size in WALL_BAR_S:
            bars["wall_s_per_replication"] = WALL_BAR_S[size]
            meets["wall_s_per_replication"] = (
                verification.wall_s_per_replication < WALL_BAR_S[size]
            )
        if routing == "rostered":
            bars["difference"] = DIFFERENCE_BAR
            meets["difference"] = within
        records.append(
            {
                "case": size,
                "routing": routing,
                "plan": plan.name,
                "agents": len(plan.agents),
                "contacts": _number(plan.requirements["contacts"].sum(), 1),
                "solve_s": None if solve_s is None else _number(solve_s, 1),
                "replications": replications,
                "workers": workers,
                "wall_s_per_replication": _number(
                    verification.wall_s_per_replication, 3
                ),
                "wall_s": _number(verification.wall_s, 2),
                "channels": channels,
                "max_abs_difference": _number(weekly["difference"].abs().max()),
                "bars": bars,
                "meets_bars": {**meets, "all": all(meets.values())},
            }
        )
    return records


def main(argv: Sequence[str] | None = None) -> int:
    """Print one JSON line per case and routing; 1 when a case failed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="S, 2 replications")
    parser.add_argument("--case", choices=CASES, help="run only this case")
    parser.add_argument("--replications", type=int, help="simulated weeks (10)")
    parser.add_argument("--workers", type=int, default=2, help="processes")
    parser.add_argument("--seed", type=int, default=0, help="centre, solver, runs")
    parser.add_argument("--plans", type=Path, help="folder of solved plans to reuse")
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    cases: tuple[Size, ...] = ("S",) if args.smoke else CASES
    if args.case is not None:
        cases = (args.case,)
    replications = args.replications or (2 if args.smoke else 10)
    failed = 0
    for size in cases:
        try:
            with native_output_to_stderr():
                records = run_case(
                    size,
                    replications=replications,
                    workers=args.workers,
                    seed=args.seed,
                    plans=args.plans,
                )
        except Exception as err:  # report the case and go on with the next
            logger.exception("case %s failed", size)
            records = [{"case": size, "error": f"{type(err).__name__}: {err}"}]
            failed += 1
        for record in records:
            print(json.dumps(record), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
