"""Sweeps: one scenario per value of a parameter, run in parallel.

A sweep runs the same kind of change at a list of values (deflection 0 %, 10 %, ...
50 %) through :func:`scheduler.scenarios.run.run_scenario`, each scenario in its own
process. Executors:

* ``local`` (default): a pool of local processes (``spawn``, so OR-Tools' threads
  are never forked); CP-SAT's workers are shared out over the pool, two at the
  least;
* ``ray`` (the ``ray`` extra): each scenario is a Ray task, on the cluster at
  ``ray_address`` or on a local Ray started for the sweep when no address is given,
  so a centre with many sites or many scenarios can use many machines.

The result is a long frame, one row per value, way (``keep_roster`` or
``replan``) and channel, and the break-even value: the value past which the
re-planned cost stops falling.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from scheduler.exceptions import InvalidInputError
from scheduler.plan import Plan
from scheduler.roster.solve import SolveSettings
from scheduler.scenarios.changes import Deflection
from scheduler.scenarios.run import (
    KEEP_ROSTER,
    REPLAN,
    Scenario,
    ScenarioResult,
    run_scenario,
    scenario_inputs,
)

logger = logging.getLogger(__name__)

Executor = Literal["local", "ray"]

#: CP-SAT workers of each re-plan's solve at the least (see :func:`_local`).
MIN_WORKERS = 2
EXECUTORS: tuple[str, ...] = ("local", "ray")

#: Columns of :attr:`SweepResult.table`.
SWEEP_COLUMNS = (
    "value",
    "scenario",
    "way",
    "channel",
    "required_agent_hours",
    "service_level",
    "meets_target",
    "cost_per_contact",
    "paid_hours",
    "cost",
    "fte",
)


@dataclass(frozen=True)
class SweepSettings:
    """How to run a sweep.

    Attributes
    ----------
    executor : {"local", "ray"}
        Local processes, or Ray tasks.
    processes : int or None
        Scenarios run at once (local); the machine's CPU count when ``None``.
    ray_address : str or None
        Address of a Ray cluster (``ray://host:10001`` or ``auto``); a local Ray
        when ``None``.
    replan : bool
        Re-plan each scenario (else only keep the roster: seconds per scenario).
    solve : SolveSettings
        Settings of each re-plan's solve; with the local executor its ``workers``
        are capped at CPUs / processes, but not below two.
    """

    executor: Executor = "local"
    processes: int | None = None
    ray_address: str | None = None
    replan: bool = True
    solve: SolveSettings = dataclasses.field(default_factory=SolveSettings)


@dataclass(frozen=True)
class SweepResult:
    """What a sweep found.

    Attributes
    ----------
    parameter : str
        The swept parameter ("deflection rate").
    table : pandas.DataFrame
        One row per value, way and channel (:data:`SWEEP_COLUMNS`); ``paid_hours``,
        ``cost`` and ``fte`` are the week's totals, repeated on each channel's row.
    results : tuple of ScenarioResult
        Each scenario in full, in the order of the values.
    break_even : float or None
        The value past which the re-planned cost stops falling (``None`` without
        re-plans).
    wall_s : float
        Seconds for the whole sweep.
    executor : str
        The executor used.
    """

    parameter: str
    table: pd.DataFrame
    results: tuple[ScenarioResult, ...]
    break_even: float | None
    wall_s: float
    executor: str

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready mapping per value: the value and the scenario's summary."""
        values = self.table.drop_duplicates("scenario")["value"].tolist()
        return [
            {"value": value, **result.summary()}
            for value, result in zip(values, self.results, strict=True)
        ]


def deflection_scenarios(rates: Sequence[float], **deflection: Any) -> list[Scenario]:
    """One deflection scenario per rate (other :class:`Deflection` fields fixed)."""
    return [
        Scenario(
            name=f"{100 * rate:g} % {deflection.get('from_channel', 'phone')} to "
            f"{deflection.get('to_channel', 'chat')}",
            changes=(Deflection(rate=rate, **deflection),),
        )
        for rate in rates
    ]


def _rows(value: float, result: ScenarioResult) -> list[dict[str, Any]]:
    summary = result.summary()
    rows = []
    for way in (KEEP_ROSTER, REPLAN):
        figures = summary.get(way)
        if figures is None:
            continue
        for channel, hours in summary["required_agent_hours"].items():
            rows.append(
                {
                    "value": value,
                    "scenario": result.scenario.name,
                    "way": way,
                    "channel": channel,
                    "required_agent_hours": hours,
                    "service_level": figures["weekly_service_level"].get(channel),
                    "meets_target": figures["meets_target"].get(channel),
                    "cost_per_contact": figures["cost_per_contact"].get(channel),
                    "paid_hours": figures["paid_hours"],
                    "cost": figures["cost"],
                    "fte": figures["fte"],
                }
            )
    return rows


def break_even(values: Sequence[float], costs: Sequence[float]) -> float | None:
    """The first value after which the cost no longer falls.

    Parameters
    ----------
    values : sequence of float
        The swept values, ascending.
    costs : sequence of float
        The re-planned cost at each value.

    Returns
    -------
    float or None
        The value with the lowest cost before the first rise (the last value when
        the cost falls all the way); ``None`` for no values.
    """
    if not values:
        return None
    best = 0
    for index in range(1, len(values)):
        if costs[index] >= costs[best]:
            break
        best = index
    return float(values[best])


def _run_one(
    base: Plan, scenario: Scenario, replan: bool, solve: SolveSettings
) -> ScenarioResult:
    """One scenario (module level so processes and Ray can call it)."""
    return run_scenario(base, scenario, replan=replan, settings=solve)


def _local(
    base: Plan, scenarios: Sequence[Scenario], settings: SweepSettings
) -> list[ScenarioResult]:
    cpus = os.cpu_count() or 1
    processes = max(1, min(settings.processes or cpus, len(scenarios)))
    # CP-SAT is much weaker on one worker (no portfolio: nothing follows the hint
    # while another searches), so each solve keeps two even if that oversubscribes.
    solve = dataclasses.replace(
        settings.solve,
        workers=max(MIN_WORKERS, min(settings.solve.workers, cpus // processes)),
    )
    if processes == 1:
        return [_run_one(base, s, settings.replan, solve) for s in scenarios]
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(processes, mp_context=context) as pool:
        futures = [
            pool.submit(_run_one, base, s, settings.replan, solve) for s in scenarios
        ]
        return [future.result() for future in futures]


def _ray(
    base: Plan, scenarios: Sequence[Scenario], settings: SweepSettings
) -> list[ScenarioResult]:
    try:
        import ray
    except ImportError:
        raise InvalidInputError(
            "the ray executor needs Ray: pip install -e '.[ray]' (or use the local "
            "executor)"
        ) from None
    started = False
    if not ray.is_initialized():
        ray.init(
            address=settings.ray_address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
        )
        started = True
    try:
        task = ray.remote(_run_one)
        shared = ray.put(base)
        refs = [
            task.remote(shared, s, settings.replan, settings.solve) for s in scenarios
        ]
        results: list[ScenarioResult] = ray.get(refs)
        return results
    finally:
        if started:
            ray.shutdown()


def run_sweep(
    base: Plan,
    scenarios: Sequence[Scenario],
    values: Sequence[float],
    settings: SweepSettings | None = None,
    *,
    parameter: str = "value",
) -> SweepResult:
    """Run scenarios in parallel and tabulate them against their values.

    Parameters
    ----------
    base : Plan
        The plan every scenario changes.
    scenarios : sequence of Scenario
        One per value.
    values : sequence of float
        The swept values, ascending, one per scenario.
    settings : SweepSettings or None
        Executor, processes and the re-plans' solve settings.
    parameter : str
        Name of the swept parameter, for tables and charts.

    Raises
    ------
    InvalidInputError
        For an unknown executor, values and scenarios of different lengths, or a
        change that does not fit the base.
    """
    settings = settings or SweepSettings()
    if len(values) != len(scenarios):
        raise InvalidInputError(
            f"{len(values)} values for {len(scenarios)} scenarios; give one each"
        )
    if list(values) != sorted(values):
        raise InvalidInputError(f"sweep values {list(values)} are not ascending")
    if settings.executor not in EXECUTORS:
        raise InvalidInputError(
            f"executor {settings.executor!r} is not one of {', '.join(EXECUTORS)}"
        )
    for scenario in scenarios:  # a bad change fails here, before any process starts
        scenario.apply(scenario_inputs(base))
    began = time.perf_counter()
    run: Callable[..., list[ScenarioResult]] = (
        _ray if settings.executor == "ray" else _local
    )
    results = run(base, scenarios, settings)
    wall_s = time.perf_counter() - began
    table = pd.DataFrame(
        [row for v, r in zip(values, results, strict=True) for row in _rows(v, r)],
        columns=list(SWEEP_COLUMNS),
    )
    replans = [r.replan for r in results]
    even = None
    if all(p is not None for p in replans):
        costs = [float(p.kpis["overall"]["cost"]) for p in replans if p is not None]
        even = break_even(list(values), costs)
    logger.info(
        "sweep of %d scenarios with %s in %.1f s",
        len(scenarios),
        settings.executor,
        wall_s,
    )
    return SweepResult(
        parameter=parameter,
        table=table,
        results=tuple(results),
        break_even=even,
        wall_s=wall_s,
        executor=settings.executor,
    )
