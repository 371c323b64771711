"""Native code's standard output, sent to standard error while a benchmark runs.

The benchmark scripts print only JSON lines on standard output. HiGHS (inside
OR-Tools) prints a debugging line of its own on file descriptor 1 in some MIP
solves of the L centre (``HighsMipSolverData::transformNewIntegerFeasibleSolution
tmpSolver.run();``), whatever its output settings.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_output_to_stderr() -> Iterator[None]:
    """Send what native code writes to file descriptor 1 to standard error."""
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        ctypes.CDLL(None).fflush(None)  # C stdio buffers, before fd 1 returns
        os.dup2(saved, 1)
        os.close(saved)
