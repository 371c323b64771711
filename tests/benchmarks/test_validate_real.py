"""Reconstructing a call centre's intervals from its call log (validate_real)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from benchmarks.validate_real import distinct_servers, reconstruct, sessions
from forecasts.anonymous_bank import CALL_LOG_FILE, read_calls

DAY = "1999-01-04 "


def _t(clock: str | None) -> Any:
    """A time of day on the log's day; NaT for None."""
    return pd.NaT if clock is None else pd.Timestamp(DAY + clock)


def tiny_log() -> pd.DataFrame:
    """Six calls: served at once, served after a wait, abandoned in the queue,
    hung up in the voice menu, a phantom, and a later call of the first agent."""
    rows = [
        # id, outcome, server, arrival, queued, queue_s, start, end, service_s
        ("A", "AGENT", "X", "10:00:00", None, 0, "10:00:05", "10:03:05", 180),
        ("B", "AGENT", "Y", "10:10:00", "10:10:05", 60, "10:11:05", "10:15:05", 240),
        ("C", "HANG", "NO_SERVER", "10:20:00", "10:20:05", 30, None, None, 0),
        ("D", "HANG", "NO_SERVER", "10:21:00", None, 0, None, None, 0),
        ("E", "PHANTOM", "NO_SERVER", "10:22:00", "10:22:05", 9, None, None, 0),
        ("F", "AGENT", "X", "10:39:50", "10:39:55", 10, "10:40:05", "10:50:05", 600),
    ]
    return pd.DataFrame(
        {
            "call_id": [r[0] for r in rows],
            "priority": 0,
            "type": "PS",
            "outcome": [r[1] for r in rows],
            "server": [r[2] for r in rows],
            "arrival": [_t(r[3]) for r in rows],
            "queued": [_t(r[4]) for r in rows],
            "queue_s": [float(r[5]) for r in rows],
            "service_start": [_t(r[6]) for r in rows],
            "service_end": [_t(r[7]) for r in rows],
            "service_s": [float(r[8]) for r in rows],
        }
    )


def test_intervals_count_the_calls_offered_to_agents_and_their_outcomes() -> None:
    intervals, patience_s = reconstruct(tiny_log())
    assert len(intervals) == 48  # every 30 minutes of the day in the log
    at = intervals.set_index("interval_start")
    ten, half_past = at.loc[_t("10:00:00")], at.loc[_t("10:30:00")]
    # A, B and C were offered (D never asked for an agent, E is a phantom).
    counts = ["offered", "answered", "waiting", "abandoning"]
    assert [ten[name] for name in counts] == [3, 2, 2, 1]
    assert ten["aht_seconds"] == 210.0
    assert [half_past[name] for name in counts[:3]] == [1, 1, 1]
    assert at["offered"].sum() == 4
    # Exponential patience: 100 s in queue (B, C, F) for one abandonment.
    assert patience_s == 100.0


def test_staffing_from_the_servers_and_from_their_sessions() -> None:
    calls = tiny_log()
    grid = reconstruct(calls)[0]["interval_start"]
    roster = distinct_servers(calls, grid)
    # Two servers serve during 10:00-10:30, one during 10:30-11:00.
    spans = sorted(zip(roster["agent_id"], roster["start"], roster["end"], strict=True))
    assert spans == [
        ("S000", _t("10:00:00"), _t("11:00:00")),
        ("S001", _t("10:00:00"), _t("10:30:00")),
    ]
    runs = sessions(calls, 10.0).sort_values(["agent_id", "start"])
    assert list(zip(runs["agent_id"], runs["start"], runs["end"], strict=True)) == [
        ("X", _t("10:00:05"), _t("10:03:05")),
        ("X", _t("10:40:05"), _t("10:50:05")),  # 37 idle minutes: away between
        ("Y", _t("10:11:05"), _t("10:15:05")),
    ]
    assert len(sessions(calls, 60.0)) == 2  # with an hour's gap X never left


@pytest.mark.skipif(not CALL_LOG_FILE.exists(), reason="shared data not available")
def test_the_bank_month_reconstructs_every_call_offered() -> None:
    intervals, patience_s = reconstruct(read_calls(CALL_LOG_FILE))
    # 27 060 served and 3 101 hung up while queued (counted from the raw log).
    assert intervals["offered"].sum() == 30161
    assert intervals["answered"].sum() == 27060
    assert intervals["abandoning"].sum() == 3101
    assert len(intervals) == 29 * 48
    assert 300 < patience_s < 420
