"""Benchmark scripts: their standard output carries only JSON lines."""

from __future__ import annotations

import ctypes

import pytest

from benchmarks.native_output import native_output_to_stderr


def test_native_output_during_a_case_goes_to_standard_error(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A C-level line printed inside the guard lands on stderr, after it stdout."""
    with native_output_to_stderr():
        ctypes.CDLL(None).printf(b"HighsMipSolverData debugging line\n")
    print('{"case": "S"}', flush=True)
    out, err = capfd.readouterr()
    assert out == '{"case": "S"}\n'
    assert "HighsMipSolverData debugging line" in err
