"""Summaries of plans for people: small tidy frames that the CLI and app render."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scheduler import schema as col
from scheduler.config import Centre
from scheduler.erlang import meets_target, service_level_curve
from scheduler.requirements import queue_model, staffing_target
from scheduler.units import SECONDS_PER_HOUR


def requirements_summary(requirements: pd.DataFrame, centre: Centre) -> pd.DataFrame:
    """Per channel: contacts, agent-hours, peak agents and weekly service level.

    The weekly service level is contact-weighted over open intervals (for email, the
    share of all emails answered by their deadline).

    Parameters
    ----------
    requirements : pandas.DataFrame
        A requirements frame (:func:`scheduler.requirements.compute_requirements`).
    centre : Centre
        For the interval length and the targets.

    Returns
    -------
    pandas.DataFrame
        Columns ``channel, model, contacts, required_agent_hours,
        peak_required, service_level_target, weekly_service_level``.
    """
    hours_per_interval = centre.interval_s / SECONDS_PER_HOUR
    rows = []
    for name, part in requirements.groupby(col.CHANNEL, sort=False):
        channel = centre.channels[str(name)]
        weighted = part[col.SERVICE_LEVEL].notna() & (part[col.CONTACTS] > 0)
        contacts = part.loc[weighted, col.CONTACTS]
        weekly = (
            float(np.average(part.loc[weighted, col.SERVICE_LEVEL], weights=contacts))
            if contacts.sum() > 0
            else float("nan")
        )
        rows.append(
            {
                col.CHANNEL: name,
                col.MODEL: part[col.MODEL].iloc[0],
                col.CONTACTS: float(part[col.CONTACTS].sum()),
                "required_agent_hours": float(
                    part[col.REQUIRED_FRACTIONAL].sum() * hours_per_interval
                ),
                "peak_required": int(part[col.REQUIRED].max()),
                "service_level_target": channel.service_level,
                "weekly_service_level": weekly,
            }
        )
    return pd.DataFrame(rows)


def heatmap_frame(requirements: pd.DataFrame, channel: str) -> pd.DataFrame:
    """Required agents of one channel by day and time of day, for a heatmap.

    Returns
    -------
    pandas.DataFrame
        Columns ``day`` (e.g. ``Mon 05.01``), ``time`` (``HH:MM``), ``required``,
        ``required_fractional`` and ``contacts``, one row per interval.
    """
    part = requirements[requirements[col.CHANNEL] == channel]
    starts = part[col.INTERVAL_START]
    return pd.DataFrame(
        {
            "day": starts.dt.strftime("%a %d.%m"),
            "time": starts.dt.strftime("%H:%M"),
            col.REQUIRED: part[col.REQUIRED],
            col.REQUIRED_FRACTIONAL: part[col.REQUIRED_FRACTIONAL],
            col.CONTACTS: part[col.CONTACTS],
        }
    ).reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class IntervalExplanation:
    """Why an interval needs the agents it needs.

    Attributes
    ----------
    inputs : dict
        The figures the requirement comes from, by name (units in the names).
    formula : str
        The model and its formula in words.
    curve : pandas.DataFrame
        For live channels: ``agents, service_level, asa_seconds, occupancy,
        prob_abandon, meets_target`` around the requirement; empty for deferrable
        work.
    """

    inputs: dict[str, float | int | str]
    formula: str
    curve: pd.DataFrame


_FORMULAS = {
    "erlang_c": (
        "Erlang C: P(wait) C from the Erlang B recursion; service level = "
        "1 - C·exp(-(N - A)·T/AHT); ASA = C·AHT/(N - A); A = contacts·AHT/interval."
    ),
    "erlang_a": (
        "Erlang A (callers abandon after an exponential patience): exact M/M/N+M "
        "figures; service level = share of all contacts answered within T, "
        "abandoned contacts counted as not answered in time."
    ),
    "chat_concurrency": (
        "Chat: each agent holds up to `concurrency` chats; each extra chat slows "
        "every chat by `concurrency_slowdown`; birth-death model of chats in the "
        "system, waiting when every slot is full."
    ),
    "backlog_fifo": (
        "Email: first in, first out; the least flat level over processing hours "
        "that answers the target share of every arrival cohort within the "
        "deadline on the business-hours clock."
    ),
}


def explain_interval(
    requirements: pd.DataFrame,
    centre: Centre,
    channel: str,
    interval_start: pd.Timestamp,
    extra_agents: int = 4,
) -> IntervalExplanation:
    """The inputs, formula and service-level curve behind one requirement.

    Parameters
    ----------
    requirements : pandas.DataFrame
        A requirements frame.
    centre : Centre
        The centre it was computed for.
    channel : str
        Channel name.
    interval_start : pandas.Timestamp
        The interval (tz-aware, in the centre's zone).
    extra_agents : int
        How far beyond the requirement the curve runs.

    Raises
    ------
    KeyError
        If the frame has no such channel and interval.
    """
    rows = requirements[
        (requirements[col.CHANNEL] == channel)
        & (requirements[col.INTERVAL_START] == interval_start)
    ]
    if rows.empty:
        raise KeyError(f"no requirement for {channel} at {interval_start}")
    row = rows.iloc[0]
    config = centre.channels[channel]
    inputs: dict[str, float | int | str] = {
        "contacts": float(row[col.CONTACTS]),
        "aht_seconds": float(row[col.AHT_SECONDS]),
        "interval_seconds": centre.interval_s,
        "workload_erlangs": float(row[col.WORKLOAD_ERLANGS]),
        "service_level_target": config.service_level,
        "shrinkage": config.shrinkage,
        "net_required": int(row[col.NET_REQUIRED]),
        "required": int(row[col.REQUIRED]),
        "required_fractional": float(row[col.REQUIRED_FRACTIONAL]),
    }
    model = str(row[col.MODEL])
    if model == "backlog_fifo":
        inputs["deadline_business_hours"] = float(
            config.answer_within_business_hours or 0
        )
        return IntervalExplanation(inputs, _FORMULAS[model], pd.DataFrame())
    target = staffing_target(config)
    inputs["answer_within_seconds"] = target.answer_within_s
    if config.patience_seconds is not None:
        inputs["patience_seconds"] = config.patience_seconds
    if config.kind == "concurrent":
        inputs["concurrency"] = config.concurrency
        inputs["concurrency_slowdown"] = config.concurrency_slowdown
    if config.min_staff:
        inputs["min_staff"] = config.min_staff
    n_max = int(row[col.NET_REQUIRED]) + extra_agents
    curve = service_level_curve(
        queue_model(config),
        [row[col.CONTACTS]],
        row[col.AHT_SECONDS],
        centre.interval_s,
        target.answer_within_s,
        n_max,
    )
    frame = pd.DataFrame(
        {
            "agents": np.arange(n_max + 1),
            col.SERVICE_LEVEL: curve.service_level[0],
            col.ASA_SECONDS: curve.asa_s[0],
            col.OCCUPANCY: curve.occupancy[0],
            col.PROB_ABANDON: curve.prob_abandon[0],
        }
    )
    frame["meets_target"] = meets_target(curve, target)[0]
    return IntervalExplanation(inputs, _FORMULAS[model], frame)
