"""Breaks: every shift has exactly the breaks and lunches its length requires.

For a shift of length ``L`` minutes, the break rules of ``centre.shifts.breaks``
whose ``min_shift_hours`` it reaches apply, each with a window of allowed start
offsets given by :func:`scheduler.shifts.break_windows` (offsets in plan intervals
from the shift's start; the optimiser uses the same function). The rule holds when
each applicable rule is met by exactly one segment of its ``activity`` that lasts
its ``duration_minutes`` and starts, on the plan grid, within its window, and the
shift has no other break or lunch segments.

Amounts are in minutes: of a missing or surplus break, by which a break's duration
is wrong, or by which its start lies outside its window (or off the grid).
"""

from __future__ import annotations

import pandas as pd

from scheduler.exceptions import InvalidInputError
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.rules.base import Finding, Violation
from scheduler.roster.view import (
    BREAK_RULE,
    DURATION_MIN,
    LENGTH_MIN,
    OFFSET_MIN,
    SHIFT_KEY,
    RosterView,
    clock,
)
from scheduler.schema import ACTIVITY, AGENT_ID, DATE, START
from scheduler.shifts import BreakWindow, break_windows


class BreaksRule:
    """Each shift has exactly its required breaks, each in its window."""

    name = "breaks"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Missing, surplus, mis-sized and misplaced breaks of every shift."""
        shifts = view.shifts.assign(**{LENGTH_MIN: view.shifts[LENGTH_MIN].round()})
        expected = shifts[LENGTH_MIN].map(lambda m: len(view.windows.get(int(m), ())))
        counts = view.breaks.groupby(SHIFT_KEY).agg(
            found=(BREAK_RULE, "size"),
            met=(BREAK_RULE, lambda r: r[r >= 0].nunique()),
        )
        counts = counts.reindex(pd.MultiIndex.from_frame(shifts[SHIFT_KEY]))
        found = counts["found"].fillna(0).to_numpy()
        met = counts["met"].fillna(0).to_numpy()
        suspect = shifts.loc[(found != expected) | (met != expected)]
        # Only the shifts whose breaks do not all meet a window are looked at closely.
        by_shift = dict(tuple(view.breaks.groupby(SHIFT_KEY)))
        violations: list[Violation] = []
        for row in suspect.itertuples(index=False):
            key = (getattr(row, AGENT_ID), getattr(row, DATE))
            breaks = by_shift.get(key, view.breaks.iloc[:0])
            violations += self._check_shift(view, row, breaks)
        return violations

    def _check_shift(
        self, view: RosterView, shift: object, breaks: pd.DataFrame
    ) -> list[Violation]:
        length = int(getattr(shift, LENGTH_MIN))
        agent, day = str(getattr(shift, AGENT_ID)), getattr(shift, DATE)
        shift_start = pd.Timestamp(getattr(shift, START))
        interval = view.centre.interval_minutes

        def violation(detail: str, amount: float) -> Violation:
            return Violation(self.name, agent, day, detail, float(amount), "min")

        if length in view.window_errors:
            return [violation(view.window_errors[length], length)]
        windows = view.windows[length]
        claimed: dict[int, int] = {}
        for index, rule in zip(breaks.index, breaks[BREAK_RULE], strict=True):
            if rule >= 0 and rule not in claimed:
                claimed[int(rule)] = index
        left = breaks.drop(index=list(claimed.values()))
        found: list[Violation] = []
        for window in (w for w in windows if w.rule not in claimed):
            candidates = left.loc[left[ACTIVITY] == window.activity]
            if candidates.empty:
                found.append(
                    violation(
                        f"the {length / 60:g} h shift starting {clock(shift_start)} "
                        f"has no {window.activity} of "
                        f"{window.duration_slots * interval} min starting "
                        f"{_window_text(window, shift_start, interval)}",
                        window.duration_slots * interval,
                    )
                )
                continue
            distances = [_distance(window, m, interval) for m in candidates[OFFSET_MIN]]
            nearest = candidates.index[distances.index(min(distances))]
            left = left.drop(index=nearest)
            found += [
                violation(detail, amount)
                for detail, amount in _mismatches(
                    window, breaks.loc[nearest], shift_start, interval
                )
            ]
        found += [
            violation(
                f"{a} at {clock(s)} ({d:g} min) is more than the {length / 60:g} h "
                "shift's break rules ask for",
                d,
            )
            for a, s, d in zip(
                left[ACTIVITY], left[START], left[DURATION_MIN], strict=True
            )
        ]
        return found

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """A conflict for each allowed shift length whose breaks do not fit it."""
        centre = inputs.centre
        findings = []
        for hours in sorted(set(centre.shifts.lengths_hours)):
            try:
                break_windows(
                    centre.shifts.breaks, round(hours * 60), centre.interval_minutes
                )
            except InvalidInputError as err:
                findings.append(
                    Finding(
                        self.name, None, None, str(err), hours * 60, "min", "conflict"
                    )
                )
        return findings


def _window_text(window: BreakWindow, shift_start: pd.Timestamp, interval: int) -> str:
    """``between HH:MM and HH:MM``: the allowed starts of a window, local clock."""
    first = shift_start + pd.Timedelta(minutes=window.earliest_slot * interval)
    last = shift_start + pd.Timedelta(minutes=window.latest_slot * interval)
    return f"between {first:%H:%M} and {last:%H:%M}"


def _distance(window: BreakWindow, offset_min: float, interval: int) -> float:
    """Minutes by which a start offset misses a window's starts (0 inside, on grid)."""
    outside = max(
        window.earliest_slot * interval - offset_min,
        offset_min - window.latest_slot * interval,
        0.0,
    )
    return outside or offset_min % interval


def _mismatches(
    window: BreakWindow, row: pd.Series, shift_start: pd.Timestamp, interval: int
) -> list[tuple[str, float]]:
    """How a break of the window's activity fails the window: duration, position."""
    activity, start = window.activity, pd.Timestamp(row[START])
    required = window.duration_slots * interval
    problems = []
    if abs(row[DURATION_MIN] - required) > 0:
        problems.append(
            (
                f"{activity} at {clock(start)} lasts {row[DURATION_MIN]:g} min, "
                f"not {required} min",
                abs(row[DURATION_MIN] - required),
            )
        )
    distance = _distance(window, row[OFFSET_MIN], interval)
    if distance > 0:
        problems.append(
            (
                f"{activity} at {clock(start)} misses its window by {distance:g} min: "
                f"it must start on the {interval}-minute grid "
                f"{_window_text(window, shift_start, interval)}",
                distance,
            )
        )
    return problems


RULE = BreaksRule()
