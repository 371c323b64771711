"""Working days: how many days each agent works, and how they lie in the week.

A day worked is a date of the week on which the agent has a shift (the date the
shift starts). The rule holds when, for every agent:

* days worked >= the contract's ``min_days`` less the agent's days of leave in the
  week (a date with a ``leave`` row), and never below 0;
* days worked <= the contract's ``max_days``;
* no run of consecutive days worked is longer than ``max_consecutive_days`` (runs
  are counted within the week only: the days worked at the end of the previous
  week are not known here);
* every run of days off that lies wholly inside the week (it includes neither the
  first nor the last day of the week) is at least ``min_consecutive_days_off``
  long; runs touching either end continue into a neighbouring week and are not
  judged.

Amounts are in days: short of the minimum, over the maximum, over the longest
allowed run, or short of the shortest allowed run of days off.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from scheduler.roster.inputs import DAYS_PER_WEEK, RosterInputs
from scheduler.roster.rules.base import Finding, Violation
from scheduler.roster.view import (
    LEAVE_DAYS,
    RosterView,
    agent_table,
    blocked_days,
    locked_days,
)


class DayLimits(NamedTuple):
    """An agent's limits on days worked in one week (days)."""

    min_days: int
    max_days: int
    max_consecutive_days: int
    min_consecutive_days_off: int


class Breach(NamedTuple):
    """How a pattern of days worked breaks the limits."""

    first_day: int | None  # day of the week (0 to 6) where it begins, None: weekly
    detail: str
    amount: int
    is_minimum: bool  # True for the minimum number of days, which more days can fix


def required_days(agents: pd.DataFrame) -> pd.Series:
    """Minimum days worked of each agent after leave (days).

    Parameters
    ----------
    agents : pandas.DataFrame
        :func:`scheduler.roster.view.agent_table`: ``min_days, leave_days``.
    """
    return (agents["min_days"] - agents[LEAVE_DAYS]).clip(lower=0).astype(int)


def _limits(agents: pd.DataFrame) -> dict[str, DayLimits]:
    """The :class:`DayLimits` of each agent, by ``agent_id``."""
    minimum = required_days(agents)
    return {
        str(agent): DayLimits(int(lo), int(hi), int(run), int(off))
        for agent, lo, hi, run, off in zip(
            agents.index,
            minimum,
            agents["max_days"],
            agents["max_consecutive_days"],
            agents["min_consecutive_days_off"],
            strict=True,
        )
    }


def _runs(worked: Sequence[bool]) -> list[tuple[int, int, bool]]:
    """Runs of equal values: ``(first day, length, value)``."""
    runs, first = [], 0
    for value, group in itertools.groupby(worked):
        length = len(list(group))
        runs.append((first, length, bool(value)))
        first += length
    return runs


@lru_cache(maxsize=4096)
def breaches(worked: tuple[bool, ...], limits: DayLimits) -> tuple[Breach, ...]:
    """Every way a week's pattern of days worked breaks ``limits``.

    Parameters
    ----------
    worked : tuple of bool
        Whether each day of the week (0 = first day) is worked.
    limits : DayLimits
        The agent's limits, the minimum already reduced for leave.
    """
    count = sum(worked)
    found = []
    if count < limits.min_days:
        found.append(
            Breach(
                None,
                f"works {count} days, {limits.min_days - count} short of the minimum "
                f"{limits.min_days} (min_days less leave days)",
                limits.min_days - count,
                True,
            )
        )
    if count > limits.max_days:
        found.append(
            Breach(
                None,
                f"works {count} days, {count - limits.max_days} over max_days "
                f"{limits.max_days}",
                count - limits.max_days,
                False,
            )
        )
    for first, length, is_work in _runs(worked):
        if is_work and length > limits.max_consecutive_days:
            found.append(
                Breach(
                    first,
                    f"works {length} days in a row from here, "
                    f"{length - limits.max_consecutive_days} over "
                    f"max_consecutive_days {limits.max_consecutive_days}",
                    length - limits.max_consecutive_days,
                    False,
                )
            )
        inside = first > 0 and first + length < len(worked)
        if not is_work and inside and length < limits.min_consecutive_days_off:
            found.append(
                Breach(
                    first,
                    f"has {length} day(s) off in a row from here, "
                    f"{limits.min_consecutive_days_off - length} short of "
                    f"min_consecutive_days_off {limits.min_consecutive_days_off}",
                    limits.min_consecutive_days_off - length,
                    False,
                )
            )
    return tuple(found)


class WorkingDaysRule:
    """Days worked per week, consecutive days worked and days off together."""

    name = "working_days"
    hard = True

    # ----------------------------------------------------------------- audit
    def audit(self, view: RosterView) -> list[Violation]:
        """Every breach of the day limits, per agent."""
        return self._audit(view, maxima_only=False)

    def audit_maxima(self, view: RosterView) -> list[Violation]:
        """Breaches that more shifts cannot repair: all but the minimum days.

        They hold for locked rows alone.
        """
        return self._audit(view, maxima_only=True)

    def _audit(self, view: RosterView, *, maxima_only: bool) -> list[Violation]:
        worked = view.worked_days()
        limits = _limits(view.agents)
        days = view.inputs.days
        found = []
        for agent, limit in limits.items():
            pattern = tuple(bool(x) for x in worked.loc[agent])
            for breach in breaches(pattern, limit):
                if maxima_only and breach.is_minimum:
                    continue
                found.append(self._violation(str(agent), breach, days))
        return found

    def _violation(self, agent: str, breach: Breach, days: list[dt.date]) -> Violation:
        date = None if breach.first_day is None else days[breach.first_day]
        return Violation(self.name, agent, date, breach.detail, breach.amount, "day")

    # -------------------------------------------------------------- diagnose
    def diagnose(self, inputs: RosterInputs) -> list[Finding]:
        """Agents for whom no pattern of days worked meets every limit.

        Every one of the 128 patterns of a week is tried against the agent's
        limits, with blocked days (availability leaves no room for a shift) off
        and days with locked rows worked. Agents with fewer free days than their
        minimum are left to the ``availability`` diagnosis.
        """
        agents = agent_table(inputs)
        limits = _limits(agents)
        blocked = blocked_days(inputs)
        locked = locked_days(inputs)
        findings = []
        for agent, limit in limits.items():
            off = tuple(bool(x) for x in blocked.loc[agent])
            on = tuple(bool(x) for x in locked.loc[agent])
            if DAYS_PER_WEEK - sum(off) < limit.min_days:
                continue
            if not _some_pattern_fits(limit, off, on):
                findings.append(
                    Finding(
                        self.name,
                        str(agent),
                        None,
                        "no week of working days meets min/max days, "
                        "max_consecutive_days and min_consecutive_days_off with "
                        f"blocked days {_day_list(off)} and locked days "
                        f"{_day_list(on)}",
                        1.0,
                        "week",
                        "conflict",
                    )
                )
        return findings


@lru_cache(maxsize=1024)
def _some_pattern_fits(
    limits: DayLimits, off: tuple[bool, ...], on: tuple[bool, ...]
) -> bool:
    """Whether any week with the ``off`` days off and ``on`` days worked fits."""
    for worked in itertools.product((False, True), repeat=DAYS_PER_WEEK):
        clash = any(w and o for w, o in zip(worked, off, strict=True)) or any(
            o and not w for w, o in zip(worked, on, strict=True)
        )
        if not clash and not breaches(worked, limits):
            return True
    return False


def _day_list(days: Sequence[bool]) -> str:
    """Days of the week flagged in ``days``: ``"[0, 3]"``."""
    return str([i for i, flag in enumerate(days) if flag])


RULE = WorkingDaysRule()
