"""The whole plan as one JSON document, for other systems.

:func:`plan_to_json` gives a mapping of plain JSON values (``json.dumps`` takes it
with ``allow_nan=False``)::

    {
      "format": "vuoro.plan", "format_version": 1,
      "name": "...", "week_start": "2026-02-02",
      "created_at": "2026-02-01T12:00:00+00:00", "changes": [...],
      "centre": {...},          # as centre.json: the validated configuration
      "agents": [{"agent_id", "name", "contract", "skills": [...], "site"}, ...],
      "availability": [{"agent_id", "date", "from": "HH:MM", "to", "kind"}, ...],
      "forecast": [...], "requirements": [...],
      "roster": [{"agent_id", "date", "start", "end", "activity", "channel"}, ...],
      "coverage": [...], "kpis": {...},
      "bent_rules": [...], "violations": [...], "findings": [...]
    }

Each list holds one object per row of the frame of the same name (DESIGN section
3, and :class:`scheduler.plan.Plan`), with the same column names. Times are ISO
8601 local to the centre with their UTC offset (``2026-03-29T04:00:00+03:00``),
dates ``YYYY-MM-DD``; figures that are undefined or infinite (the ASA of an
unstable queue, service level of a closed interval) are ``null``. Text is text:
JSON is never evaluated, so names are written exactly as they are.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from scheduler.export import write_text_atomic
from scheduler.plan import PLAN_FORMAT_VERSION, Plan, availability_csv_frame

logger = logging.getLogger(__name__)

#: The ``format`` field of the document.
JSON_FORMAT = "vuoro.plan"


def json_value(value: Any) -> Any:
    """``value`` as plain JSON data: numbers, text, booleans, lists, objects, null.

    Non-finite floats and missing values become ``None``; timestamps, dates and
    times ISO 8601 text; numpy scalars Python ones; tuples and arrays lists.
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [json_value(v) for v in value]
    return str(value)


def frame_records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """One JSON object per row of ``frame`` (``[]`` for ``None``)."""
    if frame is None or frame.empty:
        return []
    return [
        {str(k): json_value(v) for k, v in record.items()}
        for record in frame.to_dict("records")
    ]


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The whole plan as JSON data (see the module's docstring for the layout).

    Parameters
    ----------
    plan : Plan
        Any plan.

    Returns
    -------
    dict
        Plain JSON values only.
    """
    availability = (
        availability_csv_frame(plan.availability)
        if plan.availability is not None and not plan.availability.empty
        else None
    )
    return {
        "format": JSON_FORMAT,
        "format_version": PLAN_FORMAT_VERSION,
        "name": plan.name,
        "week_start": plan.week_start.isoformat(),
        "created_at": plan.created_at.isoformat(),
        "changes": json_value(list(plan.changes)),
        "centre": plan.centre.model_dump(mode="json", by_alias=True),
        "agents": frame_records(plan.agents),
        "availability": frame_records(availability),
        "forecast": frame_records(plan.forecast),
        "requirements": frame_records(plan.requirements),
        "roster": frame_records(plan.roster),
        "coverage": frame_records(plan.coverage),
        "kpis": json_value(plan.kpis),
        "bent_rules": frame_records(plan.bent_rules),
        "violations": frame_records(plan.violations),
        "findings": frame_records(plan.findings),
    }


def plan_json_text(plan: Plan) -> str:
    """:func:`plan_to_json` as compact UTF-8 JSON text (one line, ``\\n`` ended)."""
    data = plan_to_json(plan)
    return json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n"


def write_plan_json(plan: Plan, path: str | Path) -> None:
    """Write :func:`plan_json_text` to ``path``, atomically."""
    write_text_atomic(plan_json_text(plan), path)
    logger.info("wrote plan %r as JSON to %s", plan.name, path)
