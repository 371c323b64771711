"""What the supervisor's screens show of a plan: small frames and cards.

The app draws these; nothing here draws. Times in the frames are naive local
wall-clock times (a chart shows them as they are, whatever the browser's zone);
shares stay fractions until :func:`percent` writes them for people.

* :func:`kpi_cards`: the headline figures (weekly service level per channel against
  its target, paid hours, cost, understaffing, optimality gap), optionally with the
  change from an earlier evaluation, for the instant feedback of a hand edit;
* :func:`gantt_frame`: one bar per segment of the roster (work by channel, breaks,
  lunches), with locks;
* :func:`coverage_frame`: required against scheduled agents of a channel;
* :func:`bent_rules_table`: the rules a plan bent, in words, with whom and what
  they cost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from scheduler import schema as col
from scheduler.agents import NAME

DeltaColor = Literal["normal", "inverse", "off"]

#: Columns of :func:`gantt_frame`.
GANTT_COLUMNS = ("agent", col.AGENT_ID, col.DATE, col.START, col.END, "what", "locked")
#: Columns of :func:`coverage_frame`.
COVERAGE_CHART_COLUMNS = ("time", "series", "agents")
#: Columns of :func:`bent_rules_table`.
BENT_COLUMNS = ("rule", "meaning", "whom", "when", "amount", "unit", "cost")

#: What each rule of the objective means, by its name or name prefix.
RULE_MEANINGS: dict[str, str] = {
    "coverage.weekly_service_level": "channel below its weekly service-level target",
    "coverage.interval_floor": "interval below its staffing floor",
    "coverage.shortfall": "interval short of the agents it requires",
    "coverage.overstaffing": "more agents than the interval requires",
    "coverage.min_staff": "walk-in desk below its minimum staffing",
    "email.deadline": "email answered after its deadline",
    "email.carry_over": "email backlog left for next week",
    "contract.hours": "paid hours outside the contract's weekly range",
    "contract.days": "working days outside the contract's day rules",
    "preference.prefer_off": "works on a day they asked to have off",
    "preference.prefer_on": "off on a day they asked to work",
    "stability.start_change": "start time changes from one working day to the next",
    "fairness.late": "late shifts shared unevenly",
    "fairness.weekend": "weekend shifts shared unevenly",
    "bent.": "a contract or labour rule bent for this agent",
}


def percent(share: float | None, digits: int = 1) -> str:
    """A fraction as a percentage for people: ``0.8192`` gives ``81.9 %``."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{100 * share:.{digits}f} %"


def rule_meaning(rule: str) -> str:
    """What a rule of the objective means (its name when it is not known)."""
    if rule in RULE_MEANINGS:
        return RULE_MEANINGS[rule]
    prefix = max(
        (key for key in RULE_MEANINGS if rule.startswith(key)), key=len, default=""
    )
    return RULE_MEANINGS[prefix] if prefix else rule


@dataclass(frozen=True, slots=True)
class KpiCard:
    """One headline figure, as ``st.metric`` shows it.

    Attributes
    ----------
    key : str
        Stable identifier (``sl.phone``, ``paid_hours``, ``cost``, ...).
    label : str
        For people.
    value : str
        The figure with its unit.
    delta : str or None
        The change (``+0.4 pts vs before``) or the margin to target.
    delta_color : {"normal", "inverse", "off"}
        ``normal`` when up is good, ``inverse`` when up is bad.
    help : str
        What the figure is and how it is computed.
    number : float or None
        The figure itself (a fraction for service levels), for tests and sorting.
    group : str
        Which row of cards it belongs to: ``service level`` or ``week``.
    """

    key: str
    label: str
    value: str
    delta: str | None
    delta_color: DeltaColor
    help: str
    number: float | None
    group: str = "week"


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _change(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


def kpi_cards(
    kpis: Mapping[str, Any], before: Mapping[str, Any] | None = None
) -> list[KpiCard]:
    """The headline figures of a plan's KPIs, optionally against earlier ones.

    Parameters
    ----------
    kpis : Mapping
        ``kpis.json`` of the plan (:func:`scheduler.evaluate.evaluate_roster`).
    before : Mapping or None
        Earlier KPIs to compare with (the roster before hand edits); without
        them, each channel's delta is its margin to the target.

    Returns
    -------
    list of KpiCard
        Per channel its weekly service level (contact-weighted), then paid hours,
        cost, understaffed agent-hours and, when the KPIs have solver figures,
        the optimality gap.
    """
    cards = []
    then_channels = (before or {}).get("channels", {})
    for name, figures in kpis["channels"].items():
        level = _number(figures.get("service_level"))
        target = float(figures["target"])
        if before is None:
            margin = _change(level, target)
            delta = None if margin is None else f"{100 * margin:+.1f} pts vs target"
        else:
            earlier = _number(then_channels.get(name, {}).get("service_level"))
            change = _change(level, earlier)
            delta = None if change is None else f"{100 * change:+.1f} pts"
        cards.append(
            KpiCard(
                key=f"sl.{name}",
                label=name,
                value=percent(level),
                delta=delta,
                delta_color="normal",
                help=f"weekly service level of {name}, contact-weighted; target "
                f"{percent(target, 0)}"
                + ("" if figures.get("meets_target") else " (not met)"),
                number=level,
                group="service level",
            )
        )
    overall = kpis["overall"]
    then = (before or {}).get("overall", {})
    currency = str(overall.get("currency", ""))
    for key, label, unit, spec, help_text in (
        ("paid_hours", "paid hours", "h", ",.1f", "all shifts less unpaid breaks"),
        (
            "cost",
            f"cost ({currency})",
            "",
            ",.0f",
            "paid hours x contract pay, with the evening and weekend multipliers",
        ),
        (
            "understaffed_agent_hours",
            "understaffed (agent-h)",
            "",
            ",.1f",
            "agent-hours below the requirement, summed over channels and intervals",
        ),
    ):
        value = _number(overall.get(key))
        change = _change(value, _number(then.get(key))) if before is not None else None
        cards.append(
            KpiCard(
                key=key,
                label=label,
                value="–" if value is None else f"{value:{spec}} {unit}".strip(),
                delta=None if change is None else f"{change:+{spec}} {unit}".strip(),
                delta_color="inverse",
                help=help_text,
                number=value,
            )
        )
    solver = kpis.get("solver")
    if solver:
        gap = _number(solver.get("gap"))
        cards.append(
            KpiCard(
                key="gap",
                label="optimality gap",
                value=percent(gap),
                delta=None,
                delta_color="off",
                help="how far the roster's objective may be above the best "
                f"possible, as the solver proved it (status {solver.get('status')})",
                number=gap,
            )
        )
    return cards


def _naive(stamps: pd.Series) -> pd.Series:
    out: pd.Series = stamps.dt.tz_localize(None) if stamps.dt.tz else stamps
    return out


def agent_labels(agents: pd.DataFrame) -> dict[str, str]:
    """``agent_id`` to ``"A001 Kerttu Mäkelä"``."""
    return {
        str(a): f"{a} {n}".strip()
        for a, n in zip(agents[col.AGENT_ID], agents[NAME], strict=True)
    }


def gantt_frame(
    roster: pd.DataFrame,
    agents: pd.DataFrame,
    *,
    dates: Sequence[Any] | None = None,
    agent_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One bar per roster segment, for a Gantt chart of shifts.

    Parameters
    ----------
    roster : pandas.DataFrame
        The roster frame (a ``locked`` column is optional).
    agents : pandas.DataFrame
        The agents, for names.
    dates : sequence of datetime.date or None
        Only shifts dated on these days.
    agent_ids : sequence of str or None
        Only these agents.

    Returns
    -------
    pandas.DataFrame
        :data:`GANTT_COLUMNS`: ``agent`` (id and name), ``agent_id``, ``date``,
        ``start`` and ``end`` (naive local times), ``what`` (the channel of work,
        else ``break`` or ``lunch``) and ``locked``. Sorted by agent and start.
    """
    rows = roster
    if dates is not None:
        rows = rows.loc[rows[col.DATE].isin(list(dates))]
    if agent_ids is not None:
        rows = rows.loc[rows[col.AGENT_ID].isin(list(agent_ids))]
    labels = agent_labels(agents)
    locked = (
        rows[col.LOCKED].fillna(False).astype(bool)
        if col.LOCKED in rows
        else pd.Series(False, index=rows.index)
    )
    frame = pd.DataFrame(
        {
            "agent": rows[col.AGENT_ID].map(labels).fillna(rows[col.AGENT_ID]),
            col.AGENT_ID: rows[col.AGENT_ID].astype(str),
            col.DATE: rows[col.DATE],
            col.START: _naive(rows[col.START]),
            col.END: _naive(rows[col.END]),
            "what": rows[col.CHANNEL].where(
                rows[col.ACTIVITY] == "work", rows[col.ACTIVITY]
            ),
            "locked": locked,
        }
    )
    return frame.sort_values([col.AGENT_ID, col.START], ignore_index=True)[
        list(GANTT_COLUMNS)
    ]


def coverage_frame(
    coverage: pd.DataFrame, channel: str, dates: Sequence[Any] | None = None
) -> pd.DataFrame:
    """Required and scheduled agents of one channel per interval, long, for a chart.

    Parameters
    ----------
    coverage : pandas.DataFrame
        The coverage frame of an evaluation.
    channel : str
        The channel.
    dates : sequence of datetime.date or None
        Only these local dates.

    Returns
    -------
    pandas.DataFrame
        :data:`COVERAGE_CHART_COLUMNS`: ``time`` (naive local), ``series``
        (``required`` or ``scheduled``) and ``agents``.
    """
    part = coverage.loc[coverage[col.CHANNEL] == channel]
    times = _naive(part[col.INTERVAL_START])
    if dates is not None:
        keep = times.dt.date.isin(list(dates))
        part, times = part.loc[keep], times[keep]
    frames = [
        pd.DataFrame(
            {
                "time": times.to_numpy(),
                "series": series,
                "agents": part[series].to_numpy(dtype=float),
            }
        )
        for series in (col.REQUIRED, col.SCHEDULED)
    ]
    return pd.concat(frames, ignore_index=True)[list(COVERAGE_CHART_COLUMNS)]


def bent_rules_table(
    bent_rules: pd.DataFrame, agents: pd.DataFrame, cents_per_unit: int = 100
) -> pd.DataFrame:
    """The rules a plan bent, dearest first, in words and with whom.

    Parameters
    ----------
    bent_rules : pandas.DataFrame
        ``rule, subject, when, amount, unit, cost_cents`` (``bent_rules.csv``).
    agents : pandas.DataFrame
        For names: a subject that is an agent id is shown with the name.
    cents_per_unit : int
        Cents in the currency unit (for ``cost``).

    Returns
    -------
    pandas.DataFrame
        :data:`BENT_COLUMNS`; ``cost`` in the currency unit.
    """
    if bent_rules.empty:
        return pd.DataFrame(columns=list(BENT_COLUMNS))
    labels = agent_labels(agents)
    table = pd.DataFrame(
        {
            "rule": bent_rules["rule"].astype(str),
            "meaning": bent_rules["rule"].astype(str).map(rule_meaning),
            "whom": bent_rules["subject"].astype(str).map(lambda s: labels.get(s, s)),
            "when": bent_rules["when"].astype(str),
            "amount": bent_rules["amount"].astype(float),
            "unit": bent_rules["unit"].astype(str),
            "cost": bent_rules["cost_cents"].astype(float) / cents_per_unit,
        }
    )
    return table.sort_values("cost", ascending=False, ignore_index=True)
