"""Shift shape: every shift is one on the centre's menu.

A shift is all segments of one agent with the same ``date`` (the date it starts).
The rule holds when, for every shift:

* its segments are contiguous: each starts when the one before it ends (a gap means
  two shifts on one date, which is not allowed), none has zero or negative length,
  each has an activity ``work``, ``break`` or ``lunch``, and breaks carry no channel;
* its ``date`` is a day of the planned week and it starts on that date;
* it starts on the ``shifts.start_granularity_minutes`` grid (minutes after local
  midnight);
* its length (end of the last segment less start of the first, breaks included) is
  one of ``shifts.lengths_hours``;
* it starts at or after ``shifts.earliest_start`` and ends by ``shifts.latest_end``
  (on the next day when ``latest_end <= earliest_start``: overnight shifts);
* it does not overlap another shift of the same agent.

Amounts are in minutes (off the grid, early, late, gap, overlap), hours (length off
the nearest allowed length), days (date outside the week) or rows (bad segments).
"""

from __future__ import annotations

import pandas as pd

from scheduler.exceptions import InvalidInputError
from scheduler.roster.inputs import DAYS_PER_WEEK, RosterInputs
from scheduler.roster.rules.base import EPSILON, Finding, Violation, violations_of
from scheduler.roster.view import (
    END_MIN,
    LENGTH_MIN,
    MINUTES_PER_DAY,
    START_MIN,
    WORK,
    RosterView,
    clock,
    clock_limits_min,
)
from scheduler.schema import ACTIVITIES, ACTIVITY, AGENT_ID, CHANNEL, DATE, END, START
from scheduler.shifts import shift_templates


class ShiftShapeRule:
    """Shifts start on the grid, have an allowed length and fit the day's limits."""

    name = "shift_shape"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Every malformed segment, misplaced or mis-sized shift and overlap."""
        return [
            *self._bad_segments(view),
            *self._gaps(view),
            *self._placement(view),
            *self._overlaps(view),
        ]

    def _bad_segments(self, view: RosterView) -> list[Violation]:
        segments = view.segments
        unknown = ~segments[ACTIVITY].isin(ACTIVITIES)
        empty = segments[END] <= segments[START]
        channelled = (segments[ACTIVITY] != WORK) & (segments[CHANNEL] != "")
        found: list[Violation] = []
        for mask, text in (
            (
                unknown,
                "segment starting {s} has activity {a!r}; use work, break or lunch",
            ),
            (empty, "{a} segment starting {s} does not end after it starts"),
            (channelled, "{a} starting {s} has channel {c!r}; breaks have none"),
        ):
            rows = segments.loc[mask]
            details = [
                text.format(a=a, s=clock(s), c=c)
                for a, s, c in zip(
                    rows[ACTIVITY], rows[START], rows[CHANNEL], strict=True
                )
            ]
            found += violations_of(self.name, rows, details, [1.0] * len(rows), "row")
        return found

    def _gaps(self, view: RosterView) -> list[Violation]:
        segments = view.segments
        same_shift = (segments[AGENT_ID] == segments[AGENT_ID].shift()) & (
            segments[DATE] == segments[DATE].shift()
        )
        gap = (segments[START] - segments[END].shift()).dt.total_seconds() / 60
        rows = segments.assign(gap=gap).loc[same_shift & (gap.abs() > EPSILON)]
        details = [
            (
                f"gap of {g:g} min before the segment at {clock(s)}: a shift's "
                "segments must be contiguous (one shift per agent and date)"
                if g > 0
                else f"segment at {clock(s)} overlaps the one before by {-g:g} min"
            )
            for g, s in zip(rows["gap"], rows[START], strict=True)
        ]
        return violations_of(self.name, rows, details, rows["gap"].abs(), "min")

    def _placement(self, view: RosterView) -> list[Violation]:
        shifts = view.shifts
        rules = view.centre.shifts
        earliest, latest = clock_limits_min(view.inputs)
        day = view.day_index(shifts[DATE])
        allowed = pd.Series(sorted(rules.lengths_hours), dtype=float)
        # (amount by which each shift breaks the limit, unit, what to say)
        checks = (
            (
                (-day).clip(lower=0) + (day - DAYS_PER_WEEK + 1).clip(lower=0),
                "day",
                "shift date {date} is outside the week",
            ),
            (
                (shifts[START_MIN] // MINUTES_PER_DAY).abs(),
                "day",
                "shift starts at {start}, not on its date {date}",
            ),
            (
                shifts[START_MIN] % rules.start_granularity_minutes,
                "min",
                "shift starts at {start}, {amount:g} min off the "
                f"{rules.start_granularity_minutes}-minute grid",
            ),
            (
                shifts[LENGTH_MIN].map(lambda m: float((allowed - m / 60).abs().min())),
                "h",
                "shift of {hours:g} h starting {start} is not one of the allowed "
                f"lengths {rules.lengths_hours} h",
            ),
            (
                earliest - shifts[START_MIN],
                "min",
                "shift starts at {start}, {amount:g} min before the earliest start "
                f"{rules.earliest_start}",
            ),
            (
                shifts[END_MIN] - latest,
                "min",
                "shift ends at {end}, {amount:g} min after the latest end "
                f"{rules.latest_end}",
            ),
        )
        found: list[Violation] = []
        for amount, unit, template in checks:
            rows = shifts.loc[amount > EPSILON]
            details = [
                template.format(
                    date=d, start=clock(s), end=clock(e), hours=m / 60, amount=a
                )
                for d, s, e, m, a in zip(
                    rows[DATE],
                    rows[START],
                    rows[END],
                    rows[LENGTH_MIN],
                    amount[rows.index],
                    strict=True,
                )
            ]
            found += violations_of(self.name, rows, details, amount[rows.index], unit)
        return found

    def _overlaps(self, view: RosterView) -> list[Violation]:
        shifts = view.shifts.sort_values([AGENT_ID, START])
        same_agent = shifts[AGENT_ID] == shifts[AGENT_ID].shift()
        previous_end = shifts[END].shift()
        overlap = (previous_end - shifts[START]).dt.total_seconds() / 60
        rows = shifts.loc[same_agent & (overlap > EPSILON)]
        details = [
            f"shift starting {clock(s)} overlaps the agent's shift ending "
            f"{clock(e)} by {m:g} min"
            for s, e, m in zip(
                rows[START], previous_end[rows.index], overlap[rows.index], strict=True
            )
        ]
        return violations_of(self.name, rows, details, overlap[rows.index], "min")

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """A conflict when the shift rules allow no shift or break the plan grid.

        Locked shifts of the wrong shape are diagnosed by the ``locks`` rule.
        """
        # Break rules that do not fit a length are the ``breaks`` rule's finding.
        rules = inputs.centre.shifts.model_copy(update={"breaks": []})
        try:
            shift_templates(rules, inputs.centre.interval_minutes)
        except InvalidInputError as err:
            return [
                Finding(
                    rule=self.name,
                    agent_id=None,
                    date=None,
                    detail=str(err),
                    amount=1.0,
                    unit="rule",
                    severity="conflict",
                )
            ]
        return []


RULE = ShiftShapeRule()
