"""A whole plan as one value, and its folder on disk.

A :class:`Plan` bundles everything a week's plan is made of: the centre it was made
for, its agents (and their availability), the forecast, the requirements, the roster
and its evaluation (``coverage`` and ``kpis``), the rules it bent, the audit's
violations and, for a what-if, the scenario changes that made it. Exports, the plan
store, simulation and the app all take a :class:`Plan`, so none of them re-reads
files of its own.

A plan folder (what ``vuoro plan --out DIR`` writes) holds one file per part:

=====================  ==============================================================
``plan.json``          name, week start, created time, scenario changes, format version
``centre.json``        the centre configuration, as validated (a snapshot, not a path)
``agents.csv``         ``agent_id, name, contract, skills, site``
``availability.csv``   ``agent_id, date, from, to, kind`` (only when there is any)
``forecast.csv``       ``channel, interval_start, contacts, aht_seconds``
``requirements.csv``   the requirements frame
``roster.csv``         ``agent_id, date, start, end, activity, channel``
``coverage.csv``       the coverage frame of the evaluation
``kpis.json``          the KPIs of the evaluation
``bent_rules.csv``     penalty terms that are not zero
``violations.csv``     what the audit found
``findings.csv``       what the diagnosis before the solve found
=====================  ==============================================================

Every file is written atomically; :func:`write_plan_dir` computes all text before it
writes any, so a failure leaves the previous plan in the folder intact.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import pandas as pd

from scheduler import schema as col
from scheduler.agents import (
    AGENT_COLUMNS,
    AVAILABILITY_COLUMNS,
    FROM,
    SKILLS,
    TO,
    TextFile,
    load_agents,
    load_availability,
)
from scheduler.config import Centre, parse_centre
from scheduler.evaluate import Evaluation, load_requirements
from scheduler.exceptions import InvalidInputError
from scheduler.export import csv_text, write_files_atomic
from scheduler.requirements import compute_requirements
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.solve import Progress, SolveSettings
from scheduler.roster.week import plan_roster
from scheduler.roster_file import load_roster
from scheduler.schema import validate_forecast

logger = logging.getLogger(__name__)

#: Version of the plan folder's layout; bump it with a migration when it changes.
PLAN_FORMAT_VERSION = 1

PLAN_FILE = "plan.json"
CENTRE_FILE = "centre.json"
AGENTS_FILE = "agents.csv"
AVAILABILITY_FILE = "availability.csv"
FORECAST_FILE = "forecast.csv"
REQUIREMENTS_FILE = "requirements.csv"
ROSTER_FILE = "roster.csv"
COVERAGE_FILE = "coverage.csv"
KPIS_FILE = "kpis.json"
BENT_RULES_FILE = "bent_rules.csv"
VIOLATIONS_FILE = "violations.csv"
FINDINGS_FILE = "findings.csv"


@dataclass(frozen=True)
class Plan:
    """One week's plan with everything it was made from.

    Attributes
    ----------
    centre : Centre
        The centre configuration the plan was made for.
    agents : pandas.DataFrame
        ``agent_id, name, contract, skills, site``; ``skills`` a tuple of channels.
    week_start : datetime.date
        First day of the planned week.
    forecast : pandas.DataFrame
        ``channel, interval_start, contacts, aht_seconds`` (tz-aware local times).
    requirements : pandas.DataFrame
        The requirements frame (:data:`scheduler.schema.REQUIREMENTS_COLUMNS`).
    roster : pandas.DataFrame
        The roster frame (:data:`scheduler.schema.ROSTER_COLUMNS`, plus ``locked``).
    evaluation : Evaluation
        ``coverage`` frame and ``kpis`` mapping of the roster.
    availability : pandas.DataFrame or None
        ``agent_id, date, from, to, kind``; ``None`` when nobody has any.
    bent_rules : pandas.DataFrame
        Penalty terms that are not zero (may be empty).
    violations : pandas.DataFrame
        Hard-rule breaches found by the audit (empty for a valid roster).
    findings : pandas.DataFrame
        What the diagnosis before the solve found in the inputs (same columns as
        ``violations``; may be empty).
    name : str
        A name for people ("week 6", "20 % deflection").
    changes : tuple of dict
        The scenario changes that made this plan from its base (empty for a base).
    created_at : datetime.datetime
        When the plan was made (UTC).
    """

    centre: Centre
    agents: pd.DataFrame
    week_start: dt.date
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    roster: pd.DataFrame
    evaluation: Evaluation
    availability: pd.DataFrame | None = None
    bent_rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    violations: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    name: str = ""
    changes: tuple[dict[str, Any], ...] = ()
    created_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0)
    )

    @property
    def kpis(self) -> dict[str, Any]:
        """The KPIs of the roster (``kpis.json``)."""
        return self.evaluation.kpis

    @property
    def coverage(self) -> pd.DataFrame:
        """The coverage frame (``coverage.csv``)."""
        return self.evaluation.coverage


def agents_csv_frame(agents: pd.DataFrame) -> pd.DataFrame:
    """Agents as ``agents.csv`` writes them: skills ``;``-separated."""
    out = agents[list(AGENT_COLUMNS)].copy()
    out[SKILLS] = out[SKILLS].map(lambda skills: ";".join(skills))
    return out


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def availability_csv_frame(availability: pd.DataFrame) -> pd.DataFrame:
    """Availability as ``availability.csv`` writes it: ``from``/``to`` as ``HH:MM``."""
    out = availability[list(AVAILABILITY_COLUMNS)].copy()
    for name in (FROM, TO):
        out[name] = out[name].map(_clock)
    return out


def plan_files(plan: Plan) -> dict[str, str]:
    """The text of every file of a plan folder, by file name.

    Parameters
    ----------
    plan : Plan
        The plan to write.

    Returns
    -------
    dict of str to str
        File name to its whole text; :data:`AVAILABILITY_FILE` only when the plan
        has availability rows.
    """
    meta = {
        "format_version": PLAN_FORMAT_VERSION,
        "name": plan.name,
        "week_start": plan.week_start.isoformat(),
        "created_at": plan.created_at.isoformat(),
        "changes": list(plan.changes),
    }
    roster = plan.roster[[c for c in plan.roster.columns if c != "locked"]]
    files = {
        PLAN_FILE: json.dumps(meta, indent=2) + "\n",
        CENTRE_FILE: plan.centre.model_dump_json(by_alias=True, indent=2) + "\n",
        AGENTS_FILE: csv_text(agents_csv_frame(plan.agents)),
        FORECAST_FILE: csv_text(plan.forecast),
        REQUIREMENTS_FILE: csv_text(plan.requirements),
        ROSTER_FILE: csv_text(roster),
        COVERAGE_FILE: csv_text(plan.coverage),
        KPIS_FILE: json.dumps(plan.kpis, indent=2, allow_nan=False, default=str) + "\n",
        BENT_RULES_FILE: csv_text(plan.bent_rules),
        VIOLATIONS_FILE: csv_text(plan.violations),
        FINDINGS_FILE: csv_text(plan.findings),
    }
    if plan.availability is not None and not plan.availability.empty:
        files[AVAILABILITY_FILE] = csv_text(availability_csv_frame(plan.availability))
    return files


def write_plan_files(files: Mapping[str, str], out_dir: str | Path) -> None:
    """Write the files of a plan folder (:func:`plan_files`), every file atomically.

    A stale ``availability.csv`` of an earlier plan is removed when ``files`` has
    none.

    Parameters
    ----------
    files : Mapping of str to str
        File name to its whole text.
    out_dir : str or Path
        The folder, created if needed.
    """
    folder = Path(out_dir)
    write_files_atomic(files, folder)
    if AVAILABILITY_FILE not in files:
        (folder / AVAILABILITY_FILE).unlink(missing_ok=True)


def write_plan_dir(plan: Plan, out_dir: str | Path) -> None:
    """Write a plan folder, every file atomically.

    All text is computed first, so an error leaves the folder as it was; a stale
    ``availability.csv`` of an earlier plan is removed when this plan has none.

    Parameters
    ----------
    plan : Plan
        The plan to write.
    out_dir : str or Path
        The folder, created if needed.
    """
    write_plan_files(plan_files(plan), out_dir)
    logger.info("wrote plan %r to %s", plan.name, out_dir)


#: Every file a plan folder may hold, in the order :func:`plan_files` writes them.
PLAN_FILE_NAMES = (
    PLAN_FILE,
    CENTRE_FILE,
    AGENTS_FILE,
    FORECAST_FILE,
    REQUIREMENTS_FILE,
    ROSTER_FILE,
    COVERAGE_FILE,
    KPIS_FILE,
    BENT_RULES_FILE,
    VIOLATIONS_FILE,
    FINDINGS_FILE,
    AVAILABILITY_FILE,
)


def _read_json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InvalidInputError(f"{where}: not valid JSON: {err}") from None


def _read_frame(text: str) -> pd.DataFrame:
    """A CSV's text as a frame; an empty file (no rows, no header) as an empty one."""
    if not text.strip():
        return pd.DataFrame()
    return pd.read_csv(io.StringIO(text), keep_default_na=False)


def plan_from_files(files: Mapping[str, str], source: str) -> Plan:
    """Rebuild a plan from the text of its files (what :func:`plan_files` gives).

    Parameters
    ----------
    files : Mapping of str to str
        File name (``roster.csv``, ...) to its whole text.
    source : str
        Where the files come from (a folder, a stored plan); errors name a file as
        ``source/name``.

    Returns
    -------
    Plan
        Equal, frame for frame, to the plan whose files these are.

    Raises
    ------
    InvalidInputError
        Naming the missing or unreadable file, or the newer format version.
    """

    def where(name: str) -> str:
        return str(PurePath(source, name))

    def required(name: str) -> str:
        if name not in files:
            raise InvalidInputError(
                f"{where(name)}: no such file; {source} is not a complete plan folder "
                "(write one with `vuoro plan --out DIR`)"
            )
        return files[name]

    def text_file(name: str) -> TextFile:
        return TextFile(where(name), required(name))

    meta = _read_json(required(PLAN_FILE), where(PLAN_FILE))
    version = int(meta.get("format_version", 0))
    if version > PLAN_FORMAT_VERSION:
        raise InvalidInputError(
            f"{where(PLAN_FILE)}: format_version {version} is newer than this vuoro "
            f"reads ({PLAN_FORMAT_VERSION}); upgrade vuoro"
        )
    centre = parse_centre(
        _read_json(required(CENTRE_FILE), where(CENTRE_FILE)), where(CENTRE_FILE)
    )
    agents = load_agents(text_file(AGENTS_FILE), centre)
    availability = (
        load_availability(text_file(AVAILABILITY_FILE), agents)
        if AVAILABILITY_FILE in files
        else None
    )
    forecast = validate_forecast(
        pd.read_csv(io.StringIO(required(FORECAST_FILE))),
        centre,
        where(FORECAST_FILE),
    )
    requirements = load_requirements(text_file(REQUIREMENTS_FILE), centre)
    roster = load_roster(text_file(ROSTER_FILE), centre, agents)
    coverage = pd.read_csv(io.StringIO(required(COVERAGE_FILE)))
    coverage[col.INTERVAL_START] = pd.to_datetime(
        coverage[col.INTERVAL_START], utc=True
    ).dt.tz_convert(centre.zone)
    kpis = _read_json(required(KPIS_FILE), where(KPIS_FILE))
    created = meta.get("created_at")
    return Plan(
        centre=centre,
        agents=agents,
        week_start=dt.date.fromisoformat(meta["week_start"]),
        forecast=forecast,
        requirements=requirements,
        roster=roster,
        evaluation=Evaluation(coverage=coverage, kpis=kpis),
        availability=availability,
        bent_rules=_read_frame(required(BENT_RULES_FILE)),
        violations=_read_frame(required(VIOLATIONS_FILE)),
        findings=_read_frame(files.get(FINDINGS_FILE, "")),
        name=str(meta.get("name", "")),
        changes=tuple(meta.get("changes", [])),
        created_at=dt.datetime.fromisoformat(created)
        if created
        else dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


def load_plan_dir(folder: str | Path) -> Plan:
    """Read a plan folder written by :func:`write_plan_dir` (or ``vuoro plan``).

    Parameters
    ----------
    folder : str or Path
        The plan folder.

    Returns
    -------
    Plan
        Equal, frame for frame, to the plan that was written.

    Raises
    ------
    InvalidInputError
        Naming the missing or unreadable file, or the newer format version.
    """
    root = Path(folder)
    files: dict[str, str] = {}
    for name in PLAN_FILE_NAMES:
        path = root / name
        if path.is_file():
            try:
                files[name] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError as err:
                raise InvalidInputError(
                    f"{path}: not a UTF-8 text file ({err}); write the folder again "
                    "with `vuoro plan --out DIR`"
                ) from None
    return plan_from_files(files, str(root))


def solve_plan(
    centre: Centre,
    agents: pd.DataFrame,
    week_start: dt.date,
    forecast: pd.DataFrame,
    *,
    availability: pd.DataFrame | None = None,
    locked: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    settings: SolveSettings | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    name: str = "",
    changes: tuple[dict[str, Any], ...] = (),
) -> Plan:
    """Requirements, roster, audit and evaluation of a week from its forecast.

    Parameters
    ----------
    centre : Centre
        The centre configuration.
    agents : pandas.DataFrame
        The agents (:func:`scheduler.agents.load_agents`).
    week_start : datetime.date
        First day of the week.
    forecast : pandas.DataFrame
        The week's forecast frame.
    availability : pandas.DataFrame or None
        Leave and preferences (:func:`scheduler.agents.load_availability`).
    locked : pandas.DataFrame or None
        Roster rows to keep exactly.
    previous : pandas.DataFrame or None
        An earlier roster to start from and stay close to (warm start).
    settings : SolveSettings or None
        Mode, time limit (seconds), workers, seed and weights.
    on_progress : callable or None
        Called with each improvement (objective and bound) during the solve.
    stop : threading.Event or None
        Set to stop the search early; the best roster so far comes back.
    name : str
        The plan's name.
    changes : tuple of dict
        Scenario changes that made this plan (kept with it).

    Returns
    -------
    Plan
        Never raises for an infeasible week: the plan names its gaps and the rules
        it bent.
    """
    forecast = validate_forecast(forecast, centre)
    requirements = compute_requirements(forecast, centre)
    inputs = RosterInputs(
        centre=centre,
        agents=agents,
        week_start=week_start,
        availability=availability,
        locked=locked,
    )
    result = plan_roster(
        inputs,
        requirements,
        settings,
        previous=previous,
        on_progress=on_progress,
        stop=stop,
    )
    return Plan(
        centre=centre,
        agents=agents,
        week_start=week_start,
        forecast=forecast,
        requirements=requirements,
        roster=result.roster,
        evaluation=result.evaluation,
        availability=availability,
        bent_rules=result.bent_rules,
        violations=result.violations,
        findings=result.findings,
        name=name,
        changes=changes,
    )
