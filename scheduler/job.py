"""A roster solve running in the background, so that a page never freezes.

:class:`SolveJob` runs a solve (any callable that takes the progress callback and
the stop event of :func:`scheduler.plan.solve_plan`) in a thread of its own. The
caller polls it: the latest objective and bound, the elapsed seconds, whether it is
done, and the plan or the error it ended with. :meth:`SolveJob.stop` asks the solver
to stop early; the best roster found so far still comes back.

Every read and write of the shared state holds one lock, so a page redrawn while
the solver reports never sees half an update.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduler.plan import Plan
from scheduler.roster.solve import Progress

logger = logging.getLogger(__name__)

#: What a job runs: ``solve(on_progress, stop) -> Plan``.
Solve = Callable[[Callable[[Progress], None], threading.Event], Plan]


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A snapshot of a job, consistent at one moment.

    Attributes
    ----------
    label : str
        What the job does, for people ("optimise", "re-optimise around 3 locks").
    elapsed_s : float
        Seconds since the job started (until it ended, once done).
    time_limit_s : float
        The solve's time limit in seconds (for a progress bar).
    events : int
        Improvements reported so far.
    latest : Progress or None
        The last improvement (objective and bound in cents), if any.
    done : bool
        Whether the solve has ended (with a plan or an error).
    stopping : bool
        Whether a stop was asked for.
    plan : Plan or None
        The result, once done without error.
    error : BaseException or None
        What the solve raised, once done with an error.
    """

    label: str
    elapsed_s: float
    time_limit_s: float
    events: int
    latest: Progress | None
    done: bool
    stopping: bool
    plan: Plan | None
    error: BaseException | None

    @property
    def fraction(self) -> float:
        """Share of the time limit used, in [0, 1]; 1 only once done.

        The finishing steps after the staffing model (named agents, breaks,
        evaluation) take time beyond the limit, so a running job stays below 0.99.
        """
        if self.done:
            return 1.0
        return min(self.elapsed_s / self.time_limit_s, 0.99)


class SolveJob:
    """Run a solve in a background thread and report on it (see the module doc).

    Parameters
    ----------
    solve : callable
        ``solve(on_progress, stop) -> Plan``.
    time_limit_s : float
        The solve's time limit in seconds (only for :attr:`JobStatus.fraction`).
    label : str
        What the job does, for people.
    """

    def __init__(self, solve: Solve, time_limit_s: float, label: str = "") -> None:
        if not time_limit_s > 0:
            raise ValueError(f"time_limit_s must be > 0 seconds, got {time_limit_s!r}")
        self._solve = solve
        self._time_limit_s = float(time_limit_s)
        self._label = label
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._events: list[Progress] = []
        self._plan: Plan | None = None
        self._error: BaseException | None = None
        self._started: float | None = None
        self._ended: float | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"vuoro-solve {label}", daemon=True
        )

    def start(self) -> SolveJob:
        """Start the solve in its thread; returns the job (``job.start()``)."""
        with self._lock:
            self._started = time.monotonic()
        self._thread.start()
        logger.info("solve job %r started", self._label)
        return self

    def _report(self, event: Progress) -> None:
        with self._lock:
            self._events.append(event)

    def _run(self) -> None:
        plan: Plan | None = None
        error: BaseException | None = None
        try:
            plan = self._solve(self._report, self._stop)
        except Exception as err:  # reported to the page, which shows it
            logger.exception("solve job %r failed", self._label)
            error = err
        with self._lock:
            self._plan, self._error = plan, error
            self._ended = time.monotonic()
        logger.info("solve job %r ended", self._label)

    def stop(self) -> None:
        """Ask the solver to stop; the best roster so far comes back."""
        self._stop.set()
        logger.info("solve job %r: stop asked", self._label)

    def join(self, timeout_s: float | None = None) -> bool:
        """Wait for the job to end (at most ``timeout_s`` seconds); whether it did."""
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def status(self) -> JobStatus:
        """A consistent snapshot of the job."""
        with self._lock:
            now = self._ended if self._ended is not None else time.monotonic()
            elapsed = 0.0 if self._started is None else now - self._started
            return JobStatus(
                label=self._label,
                elapsed_s=elapsed,
                time_limit_s=self._time_limit_s,
                events=len(self._events),
                latest=self._events[-1] if self._events else None,
                done=self._ended is not None,
                stopping=self._stop.is_set(),
                plan=self._plan,
                error=self._error,
            )

    def progress(self) -> list[Progress]:
        """Every improvement reported so far, oldest first (a copy)."""
        with self._lock:
            return list(self._events)

    def __repr__(self) -> str:
        state: dict[str, Any] = {"label": self._label, "alive": self._thread.is_alive()}
        return f"SolveJob({state})"
