"""Summaries of plans for people: small tidy frames that the CLI and app render."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scheduler import schema as col
from scheduler.config import Centre
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
