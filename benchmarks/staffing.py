"""Speed of the staffing maths on a whole week: one JSON line per case.

Cases (``_x5``: the same week with five times the contacts, a centre of ~600 agents)
-----
erlang_c_week, erlang_a_week
    Required agents for 4 channels x 672 fifteen-minute intervals (2,688 queues),
    every channel staffed as a live queue (Erlang C; Erlang A with each channel's
    patience or 240 s), against the same formulas in a plain per-interval Python
    loop. Bars (DESIGN section 6): Erlang C < 20 ms, Erlang A < 200 ms.
chat_week
    The chat concurrency model on the same 2,688 intervals (no bar).
requirements_week
    ``compute_requirements`` for the sample centre's forecast week, all channel
    models included (no bar).

``ms`` is the best of several repeats (the least disturbed by other load on a noisy
machine); ``speedup`` is loop time over vectorised time. The loop's answers must
equal the vectorised ones, else the case reports ``"agree": false``.

Usage: ``python benchmarks/staffing.py [--smoke]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import time
from collections.abc import Callable

import numpy as np
from scipy import special

from forecasts.synthetic import contact_rates
from scheduler.config import load_centre
from scheduler.erlang import (
    ConcurrentQueue,
    LiveQueue,
    QueueModel,
    StaffingTarget,
    required_agents,
)
from scheduler.pipeline import sample_history_spec
from scheduler.requirements import compute_requirements

WEEK = dt.date(2026, 1, 5)
DEFAULT_PATIENCE_S = 240.0


def _best_ms(run: Callable[[], object], repeats: int) -> float:
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def _erlang_c_loop(
    contacts: float, aht_s: float, interval_s: float, t: StaffingTarget
) -> int:
    """Least agents by Erlang C, one interval at a time in plain Python."""
    if contacts <= 0:
        return 0
    load = contacts * aht_s / interval_s
    n = math.floor(load) + 1
    while True:
        b = 1.0
        for k in range(1, n + 1):
            b = load * b / (k + load * b)
        c = n * b / (n - load * (1 - b))
        sl = 1 - c * math.exp(-(n - load) * t.answer_within_s / aht_s)
        occupancy_ok = t.max_occupancy is None or load / n <= t.max_occupancy
        if sl >= t.service_level and occupancy_ok:
            return n
        n += 1


def _erlang_a_loop(
    contacts: float,
    aht_s: float,
    interval_s: float,
    t: StaffingTarget,
    patience_s: float,
) -> int:
    """Least agents by Erlang A (same closed forms), one interval at a time."""
    if contacts <= 0:
        return 0
    lam, theta = contacts / interval_s, 1 / patience_s
    load = lam * aht_s
    x = lam / theta
    n = 1
    while True:
        b = 1.0
        for k in range(1, n + 1):
            b = load * b / (k + load * b)
        a = n / aht_s / theta
        p1 = special.gammainc(a + 1, x)
        log_s = (
            math.log(a)
            + special.gammaln(a)
            + x
            - a * math.log(x)
            + math.log(special.gammainc(a, x))
        )
        pw = 1 / (1 + (1 / b - 1) * math.exp(-log_s))
        answered = (a / x) * -math.expm1(-log_s)
        within = (
            1 - special.gammainc(a + 1, x * math.exp(-theta * t.answer_within_s)) / p1
        )
        sl = (1 - pw) + pw * answered * within
        pab = pw * (1 - answered)
        occupancy = lam * (1 - pab) * aht_s / n
        occupancy_ok = t.max_occupancy is None or occupancy <= t.max_occupancy
        if sl >= t.service_level and occupancy_ok:
            return n
        n += 1


def _week(smoke: bool) -> tuple[np.ndarray, np.ndarray, list[str]]:
    centre = load_centre()
    rates = contact_rates(sample_history_spec(centre), WEEK, 2 if smoke else 7)
    rates = rates.sort_values(["channel", "interval_start"])
    return (
        rates["contacts"].to_numpy(),
        rates["aht_seconds"].to_numpy(),
        rates["channel"].tolist(),
    )


def _case(
    name: str,
    model: QueueModel,
    loop: Callable[[float, float, float, StaffingTarget], int] | None,
    contacts: np.ndarray,
    aht: np.ndarray,
    repeats: int,
    bar_ms: float | None,
) -> dict[str, object]:
    interval_s = 900.0
    target = StaffingTarget(0.8, 20.0, max_occupancy=0.88)
    vectorised = required_agents(model, contacts, aht, interval_s, target).agents
    ms = _best_ms(
        lambda: required_agents(model, contacts, aht, interval_s, target), repeats
    )
    record: dict[str, object] = {
        "case": name,
        "ms": round(ms, 3),
        "intervals": int(contacts.size),
        "open_intervals": int((contacts > 0).sum()),
        "agent_intervals": int(vectorised.sum()),
    }
    if loop is not None:
        start = time.perf_counter()
        looped = [
            loop(c, a, interval_s, target) for c, a in zip(contacts, aht, strict=True)
        ]
        loop_ms = (time.perf_counter() - start) * 1000
        record.update(
            loop_ms=round(loop_ms, 1),
            speedup=round(loop_ms / ms, 1),
            agree=bool(np.array_equal(np.asarray(looped), vectorised)),
        )
    if bar_ms is not None:
        record.update(bar_ms=bar_ms, meets_bar=ms < bar_ms)
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="two days, few repeats")
    args = parser.parse_args()
    repeats = 3 if args.smoke else 30
    contacts, aht, _ = _week(args.smoke)
    for scale, suffix in ((1, ""), (5, "_x5")):
        volume = contacts * scale
        cases = [
            _case(
                f"erlang_c_week{suffix}",
                LiveQueue(),
                _erlang_c_loop,
                volume,
                aht,
                repeats,
                20.0,
            ),
            _case(
                f"erlang_a_week{suffix}",
                LiveQueue(DEFAULT_PATIENCE_S),
                lambda c, a, i, t: _erlang_a_loop(c, a, i, t, DEFAULT_PATIENCE_S),
                volume,
                aht,
                repeats,
                200.0,
            ),
            _case(
                f"chat_week{suffix}",
                ConcurrentQueue(3, 0.25),
                None,
                volume,
                aht,
                repeats,
                None,
            ),
        ]
        for record in cases:
            print(json.dumps({**record, "volume_scale": scale}))

    centre = load_centre()
    rates = contact_rates(sample_history_spec(centre), WEEK, 7)
    ms = _best_ms(lambda: compute_requirements(rates, centre), 1 if args.smoke else 5)
    print(
        json.dumps(
            {"case": "requirements_week", "ms": round(ms, 1), "rows": len(rates)}
        )
    )


if __name__ == "__main__":
    main()
