"""Breaks to named agents: the staffing model's break counts, first deadline first.

The staffing model decides how many agents of a group start each break at each slot,
within bounds that guarantee an assignment exists when the windows are ordered. Here
the breaks are handed out slot by slot to the waiting agent whose window closes
first (earliest deadline first), which finds such an assignment whenever one exists.
An agent left without a break (the counts were planned for shifts that the
assignment changed) gets it at the slot of their window with the fewest planned
breaks, and the final evaluation prices the difference.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Mapping

import numpy as np

from scheduler.roster.problem import RosterProblem

logger = logging.getLogger(__name__)


def place_breaks(
    problem: RosterProblem,
    shifts: Mapping[tuple[str, int], int],
    break_counts: Mapping[tuple[int, int, int, int], int],
) -> dict[tuple[str, int, int], int]:
    """Start slot (from the shift's start) of each break of each agent's shift.

    Parameters
    ----------
    problem : RosterProblem
        The problem.
    shifts : Mapping
        ``(agent_id, day) -> template``.
    break_counts : Mapping
        ``(group, day, rule, slot of day) -> breaks`` from the staffing model.

    Returns
    -------
    dict
        ``(agent_id, day, rule) -> offset`` in slots from the shift's start.
    """
    out: dict[tuple[str, int, int], int] = {}
    for gi, g in enumerate(problem.groups):
        for d in range(7):
            working = [(a, shifts[a, d]) for a in g.agent_ids if (a, d) in shifts]
            locked = g.locked.get(d)
            if locked is not None:
                for a, _ in working:
                    for rule, offset in locked.breaks:
                        out[a, d, rule] = offset
                continue
            rules = {w.rule for _, s in working for w in problem.templates[s].breaks}
            for rule in sorted(rules):
                counts = {
                    k: c
                    for (gg, dd, r, k), c in break_counts.items()
                    if gg == gi and dd == d and r == rule and c > 0
                }
                _edf(problem, working, rule, counts, d, out)
    return out


def _edf(
    problem: RosterProblem,
    working: list[tuple[str, int]],
    rule: int,
    counts: dict[int, int],
    day: int,
    out: dict[tuple[str, int, int], int],
) -> None:
    windows = {}
    for a, s in working:
        t = problem.templates[s]
        for w in t.breaks:
            if w.rule == rule:
                windows[a] = (
                    t.start_slot + w.earliest_slot,
                    t.start_slot + w.latest_slot,
                    t.start_slot,
                )
    by_open = sorted(windows.items(), key=lambda item: item[1][0])
    waiting: list[tuple[int, str]] = []
    i = 0
    for k in sorted(counts):
        while i < len(by_open) and by_open[i][1][0] <= k:
            agent, (_, close, _) = by_open[i]
            heapq.heappush(waiting, (close, agent))
            i += 1
        given = 0
        while waiting and given < counts[k]:
            close, agent = heapq.heappop(waiting)
            if close < k:
                continue  # missed: placed below
            out[agent, day, rule] = k - windows[agent][2]
            given += 1
    missed = [a for a in windows if (a, day, rule) not in out]
    if missed:
        logger.debug(
            "day %d rule %d: %d breaks placed outside the plan", day, rule, len(missed)
        )
    for a in missed:
        first, last, start = windows[a]
        load = np.array([counts.get(k, 0) for k in range(first, last + 1)])
        out[a, day, rule] = first + int(load.argmin()) - start
