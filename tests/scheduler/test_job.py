"""A solve in a background thread: progress, stop, result and error."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import cast

import pytest

from scheduler.job import SolveJob
from scheduler.plan import Plan
from scheduler.roster.solve import Progress

Report = Callable[[Progress], None]


def test_a_job_reports_progress_and_hands_back_the_plan() -> None:
    go_on = threading.Event()
    sample_plan = cast(Plan, object())  # whatever the solve returns comes back

    def solve(report: Report, stop: threading.Event) -> Plan:
        report(Progress(wall_s=0.5, objective=12_000.0, best_bound=9_000.0))
        report(Progress(wall_s=1.0, objective=10_000.0, best_bound=9_500.0))
        go_on.wait(5)
        return sample_plan

    job = SolveJob(solve, time_limit_s=10.0, label="optimise").start()
    while job.status().events < 2:
        threading.Event().wait(0.01)
    running = job.status()
    assert not running.done
    assert running.plan is None
    assert running.latest == Progress(
        wall_s=1.0, objective=10_000.0, best_bound=9_500.0
    )
    assert running.latest.gap == pytest.approx(0.05)
    assert 0 <= running.fraction < 0.99
    go_on.set()
    assert job.join(5)
    done = job.status()
    assert done.done
    assert done.fraction == 1.0
    assert done.plan is sample_plan
    assert done.error is None
    assert [p.objective for p in job.progress()] == [12_000.0, 10_000.0]


def test_stop_sets_the_solvers_stop_event() -> None:
    seen: list[bool] = []

    def solve(report: Report, stop: threading.Event) -> Plan:
        seen.append(stop.wait(5))
        raise RuntimeError("stopped without a plan")

    job = SolveJob(solve, time_limit_s=60.0, label="optimise").start()
    job.stop()
    assert job.join(5)
    status = job.status()
    assert seen == [True]
    assert status.stopping
    assert status.done
    assert str(status.error) == "stopped without a plan"
    assert status.elapsed_s < 5


def test_a_running_job_never_shows_a_full_bar() -> None:
    release = threading.Event()

    def solve(report: Report, stop: threading.Event) -> Plan:
        release.wait(5)
        raise RuntimeError("done")

    job = SolveJob(solve, time_limit_s=0.01, label="x").start()
    threading.Event().wait(0.05)
    assert job.status().fraction == 0.99  # past the limit, still finishing
    release.set()
    job.join(5)


def test_a_time_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="time_limit_s must be > 0"):
        SolveJob(lambda report, stop: None, time_limit_s=0)  # type: ignore[arg-type, return-value]
