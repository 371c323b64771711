"""Rest: enough hours off between shifts and once in the week.

The rule holds when, for every agent:

* daily rest: between the end of a shift and the start of the agent's next shift
  (and between ``previous_shift_end``, the end of the agent's last shift of the
  previous week, and the first shift of this week) lie at least
  ``max(contract.min_rest_hours, labour.min_daily_rest_hours)`` hours;
* weekly rest: the week, taken as ``[week_start 00:00, next week_start 00:00)``
  local time, holds a stretch without work of at least
  ``labour.min_weekly_rest_hours`` consecutive hours. The stretches are the gaps
  between the agent's shifts, the gap from the week's start (or from
  ``previous_shift_end`` when that is later) to the first shift, and the gap from
  the last shift's end to the week's end. An agent without shifts rests all week.

Hours are elapsed time between tz-aware timestamps. Amounts are hours short.
"""

from __future__ import annotations

import pandas as pd

from scheduler.roster.inputs import RosterInputs
from scheduler.roster.rules.base import EPSILON, Finding, Violation, violations_of
from scheduler.roster.view import RosterView, agent_table, clock, clock_limits_min
from scheduler.schema import AGENT_ID, END, START

PREVIOUS_END = "previous_end"
REST_H = "rest_h"


def required_rest_hours(agents: pd.DataFrame, inputs: RosterInputs) -> pd.Series:
    """Daily rest each agent needs (h): the larger of contract and labour minimum."""
    legal = inputs.centre.labour.min_daily_rest_hours
    return agents["min_rest_hours"].clip(lower=legal)


def _with_previous_end(view: RosterView) -> pd.DataFrame:
    """Shifts by agent and start, with the end of the agent's shift before each.

    The first shift of an agent gets ``previous_shift_end`` (``NaT`` without one).
    """
    shifts = view.shifts.sort_values([AGENT_ID, START], ignore_index=True)
    previous = shifts.groupby(AGENT_ID)[END].shift()
    carried = shifts[AGENT_ID].map(
        {a: pd.Timestamp(t) for a, t in view.inputs.previous_shift_end.items()}
    )
    carried = pd.to_datetime(carried, utc=True).dt.tz_convert(view.centre.zone)
    shifts[PREVIOUS_END] = previous.fillna(carried)
    return shifts


class RestRule:
    """Daily rest between shifts and a weekly rest."""

    name = "rest"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Every short daily rest and every agent without a long enough weekly rest.

        More shifts never lengthen a rest, so this holds for locked rows alone.
        """
        return self._daily(view) + self._weekly(view)

    def _daily(self, view: RosterView) -> list[Violation]:
        shifts = _with_previous_end(view)
        shifts[REST_H] = (
            shifts[START] - shifts[PREVIOUS_END]
        ).dt.total_seconds() / 3600
        required = shifts[AGENT_ID].map(required_rest_hours(view.agents, view.inputs))
        short = required - shifts[REST_H]
        rows = shifts.loc[short > EPSILON]
        details = [
            f"rest of {r:g} h between the shift ending {clock(p)} and the one "
            f"starting {clock(s)} is {x:g} h short of {q:g} h"
            for r, p, s, x, q in zip(
                rows[REST_H].round(2),
                rows[PREVIOUS_END],
                rows[START],
                short[rows.index].round(2),
                required[rows.index],
                strict=True,
            )
        ]
        return violations_of(self.name, rows, details, short[rows.index], "h")

    def _weekly(self, view: RosterView) -> list[Violation]:
        minimum = view.centre.labour.min_weekly_rest_hours
        shifts = _with_previous_end(view)
        week_h = (view.week_end - view.week_start).total_seconds() / 3600

        def hours_in_week(stamps: pd.Series) -> pd.Series:
            since = (stamps - view.week_start).dt.total_seconds() / 3600
            return since.clip(lower=0, upper=week_h)

        # The gap before each shift within the week, and after the agent's last.
        rest_from = hours_in_week(shifts[PREVIOUS_END]).fillna(0)
        before = hours_in_week(shifts[START]) - rest_from
        after = week_h - hours_in_week(shifts[END]).groupby(shifts[AGENT_ID]).max()
        longest_h = pd.concat(
            [before.groupby(shifts[AGENT_ID]).max(), after], axis=1
        ).max(axis=1)
        short = minimum - longest_h
        rows = short.loc[short > EPSILON].rename_axis(AGENT_ID).reset_index()
        details = [
            f"longest rest in the week is {h:g} h, {s:g} h short of "
            f"labour.min_weekly_rest_hours {minimum:g} h"
            for h, s in zip(
                longest_h[rows[AGENT_ID]].round(2), short[rows[AGENT_ID]], strict=True
            )
        ]
        return violations_of(self.name, rows, details, short[rows[AGENT_ID]], "h")

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """A warning for agents whose previous week ends too late to work day one.

        When ``previous_shift_end`` plus the daily rest is later than the latest
        start of the shortest shift on the week's first day, that day must be off.
        Locked shifts too close together are diagnosed by the ``locks`` rule.
        """
        agents = agent_table(inputs)
        required = required_rest_hours(agents, inputs)
        _, latest = clock_limits_min(inputs)
        shortest_min = round(min(inputs.centre.shifts.lengths_hours) * 60)
        last_start = inputs.local_midnight(inputs.week_start) + pd.Timedelta(
            minutes=latest - shortest_min
        )
        findings = []
        for agent, end in sorted(inputs.previous_shift_end.items()):
            if agent not in required.index:
                continue
            free_from = pd.Timestamp(end) + pd.Timedelta(hours=float(required[agent]))
            if free_from > last_start:
                findings.append(
                    Finding(
                        self.name,
                        agent,
                        inputs.week_start,
                        f"the previous week's last shift ends {clock(end)}; with "
                        f"{required[agent]:g} h of rest no shift fits on "
                        f"{inputs.week_start} (latest start {clock(last_start)})",
                        (free_from - last_start).total_seconds() / 3600,
                        "h",
                        "warning",
                    )
                )
        return findings


RULE = RestRule()
