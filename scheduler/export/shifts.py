"""A plan's roster as people read it: one row per shift, with its channels.

The workbook's grid and the calendars show shifts, not segments. A shift is all
the segments of one agent with the same ``date`` (the date it starts; it may cross
midnight), as the audit counts them: the span, paid and work minutes come from
:class:`scheduler.roster.view.RosterView`, so an export and the audit never
disagree on what a shift is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from scheduler.plan import Plan
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.view import PAID_MIN, WORK, WORK_MIN, RosterView
from scheduler.schema import ACTIVITY, AGENT_ID, CHANNEL, DATE, END, START

#: Columns :func:`shift_view` adds to the shifts.
CHANNELS = "channels"  # tuple of channel names, most work minutes first
MAIN_CHANNEL = "main_channel"  # the first of them, "" for a shift without work

SHIFT_COLUMNS = (AGENT_ID, DATE, START, END, PAID_MIN, WORK_MIN, CHANNELS, MAIN_CHANNEL)


@dataclass(frozen=True)
class ShiftView:
    """A roster's segments and shifts, in the centre's time zone.

    Attributes
    ----------
    segments : pandas.DataFrame
        ``agent_id, date, start, end, activity, channel``, sorted by agent and
        start; ``start``/``end`` tz-aware local, ``date`` a :class:`datetime.date`.
    shifts : pandas.DataFrame
        :data:`SHIFT_COLUMNS`, one row per agent and date, sorted the same way;
        ``paid_min`` and ``work_min`` in minutes.
    """

    segments: pd.DataFrame
    shifts: pd.DataFrame

    @cached_property
    def _segment_records(self) -> dict[str, list[dict[str, Any]]]:
        return _by_agent(self.segments)

    @cached_property
    def _shift_records(self) -> dict[str, list[dict[str, Any]]]:
        return _by_agent(self.shifts)

    def of_agent(
        self, agent_id: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The segments and shifts of one agent as records, in order (may be empty).

        Each record maps the column names of :attr:`segments` or :attr:`shifts` to
        the row's values (times as tz-aware :class:`pandas.Timestamp`).
        """
        return (
            self._segment_records.get(agent_id, []),
            self._shift_records.get(agent_id, []),
        )

    def segments_of(self, agent_id: str, date: dt.date) -> list[dict[str, Any]]:
        """The segments of one shift as records, in order."""
        return [s for s in self.of_agent(agent_id)[0] if s[DATE] == date]


def _by_agent(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The rows of a frame as records, grouped by agent in their order."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in frame.to_dict("records"):
        grouped.setdefault(str(record[AGENT_ID]), []).append(
            {str(k): v for k, v in record.items()}
        )
    return grouped


def _channels(segments: pd.DataFrame) -> pd.Series:
    """Channels of each shift, most work minutes first (ties by name)."""
    work = segments.loc[segments[ACTIVITY] == WORK]
    minutes = (work[END] - work[START]).dt.total_seconds() / 60
    totals = (
        minutes.groupby([work[AGENT_ID], work[DATE], work[CHANNEL]])
        .sum()
        .rename("minutes")
        .reset_index()
        .sort_values(
            [AGENT_ID, DATE, "minutes", CHANNEL], ascending=[True, True, False, True]
        )
    )
    return totals.groupby([AGENT_ID, DATE], sort=False)[CHANNEL].agg(tuple)


def shift_view(plan: Plan) -> ShiftView:
    """The shifts of a plan's roster.

    Parameters
    ----------
    plan : Plan
        Any plan; its roster may be empty.

    Returns
    -------
    ShiftView
        Segments and shifts in the centre's time zone.
    """
    inputs = RosterInputs(
        centre=plan.centre,
        agents=plan.agents,
        week_start=plan.week_start,
        availability=plan.availability,
    )
    view = RosterView.build(inputs, plan.roster)
    shifts = view.shifts.copy()
    channels = _channels(view.segments)
    key = pd.MultiIndex.from_frame(shifts[[AGENT_ID, DATE]])
    shifts[CHANNELS] = [
        tuple(c) if isinstance(c, tuple) else () for c in channels.reindex(key)
    ]
    shifts[MAIN_CHANNEL] = [c[0] if c else "" for c in shifts[CHANNELS]]
    return ShiftView(
        segments=view.segments,
        shifts=shifts.loc[:, list(SHIFT_COLUMNS)].reset_index(drop=True),
    )
