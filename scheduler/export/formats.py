"""One entry point for every export: :func:`export_plan`.

==========  =====================================================================
format      ``out`` is
==========  =====================================================================
``csv``     a folder for the plan's CSV files, or a ``.zip`` archive of them
            (:mod:`scheduler.export.csv_files`)
``xlsx``    an ``.xlsx`` workbook (:mod:`scheduler.export.workbook`)
``ics``     a folder for one ``.ics`` per agent, a ``.zip`` archive of them, or,
            with ``agent_id``, that agent's ``.ics`` file
            (:mod:`scheduler.export.calendar`)
``json``    a ``.json`` file of the whole plan (:mod:`scheduler.export.plan_json`)
==========  =====================================================================

Every file is written atomically: a failed export leaves an existing file at the
target as it was.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path

from scheduler.exceptions import InvalidInputError
from scheduler.export.calendar import (
    write_agent_calendar,
    write_calendars_dir,
    write_calendars_zip,
)
from scheduler.export.csv_files import is_zip_target, write_csv_export
from scheduler.export.plan_json import write_plan_json
from scheduler.export.workbook import write_workbook
from scheduler.plan import Plan

logger = logging.getLogger(__name__)


class ExportFormat(StrEnum):
    """The export formats."""

    CSV = "csv"
    XLSX = "xlsx"
    ICS = "ics"
    JSON = "json"


def _format(value: str | ExportFormat) -> ExportFormat:
    try:
        return ExportFormat(str(value).lower())
    except ValueError:
        known = ", ".join(f.value for f in ExportFormat)
        raise InvalidInputError(
            f"export format {value!r} is not known; use one of {known}"
        ) from None


def _file_target(out: Path, suffix: str, what: str) -> None:
    if out.is_dir():
        example = out / f"plan{suffix}"
        raise InvalidInputError(
            f"{out} is a folder; give the {what} file to write, like {example}"
        )
    if out.suffix.lower() != suffix:
        raise InvalidInputError(
            f"{out}: {what} files end in {suffix}; name the file like "
            f"{out.with_suffix(suffix).name}"
        )


def _folder_or_zip(out: Path) -> None:
    if not is_zip_target(out) and out.exists() and not out.is_dir():
        raise InvalidInputError(
            f"{out} is a file; give a folder to write into, or a .zip file"
        )
    if is_zip_target(out) and out.is_dir():
        raise InvalidInputError(f"{out} is a folder; give a .zip file or a folder name")


def _check_target(kind: ExportFormat, out: Path, agent_id: str | None) -> None:
    """Raise for a target that cannot hold this format, before anything is computed."""
    if agent_id is not None and kind is not ExportFormat.ICS:
        raise InvalidInputError(
            f"--agent picks one agent's calendar; it works with the ics format only, "
            f"not {kind.value}"
        )
    if kind is ExportFormat.XLSX:
        _file_target(out, ".xlsx", "Excel workbook")
    elif kind is ExportFormat.JSON:
        _file_target(out, ".json", "JSON")
    elif kind is ExportFormat.ICS and agent_id is not None:
        _file_target(out, ".ics", "iCalendar")
    else:
        _folder_or_zip(out)


def export_plan(
    plan: Plan,
    format: str | ExportFormat,
    out_path: str | Path,
    *,
    agent_id: str | None = None,
) -> list[Path]:
    """Export a plan in one of the formats of :class:`ExportFormat`.

    Parameters
    ----------
    plan : Plan
        The plan to export.
    format : str or ExportFormat
        ``csv``, ``xlsx``, ``ics`` or ``json``.
    out_path : str or Path
        Where to write (see the module's table).
    agent_id : str or None
        With ``ics``: write only this agent's calendar, to ``out_path``.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    InvalidInputError
        For an unknown format or agent, a target that cannot hold the format (a
        folder where a file is needed, a wrong suffix), or a target that cannot
        be written (naming the path and the reason).
    """
    kind = _format(format)
    out = Path(out_path)
    _check_target(kind, out, agent_id)
    try:
        if kind is ExportFormat.XLSX:
            write_workbook(plan, out)
            return [out]
        if kind is ExportFormat.JSON:
            write_plan_json(plan, out)
            return [out]
        if kind is ExportFormat.ICS and agent_id is not None:
            write_agent_calendar(plan, agent_id, out)
            return [out]
        if kind is ExportFormat.ICS:
            if is_zip_target(out):
                write_calendars_zip(plan, out)
                return [out]
            return [out / name for name in write_calendars_dir(plan, out)]
        names = write_csv_export(plan, out)
        return [out] if is_zip_target(out) else [out / name for name in names]
    except OSError as err:
        raise InvalidInputError(
            f"{out}: cannot write the {kind.value} export: "
            f"{err.strerror or err} ({err.filename or out})"
        ) from err
