"""The plan's CSV files (DESIGN section 3), safe to open in a spreadsheet.

The CSV export is the plan folder of :func:`scheduler.plan.plan_files`
(``roster.csv``, ``coverage.csv``, ``kpis.json``, ``agents.csv``, ...), written to
a folder or, when the target ends in ``.zip``, into one zip archive. Every CSV
text cell that a spreadsheet would run as a formula gets a leading apostrophe
(:func:`scheduler.export.safe.neutralise_csv`); numbers, times and every ordinary
name are written exactly as in the plan folder. The JSON files are copied as they
are (no spreadsheet evaluates JSON).

The folder is still a plan folder: :func:`scheduler.plan.load_plan_dir` and
``vuoro export --dir`` read it back. A neutralised cell reads back with its
apostrophe (an agent named ``=X`` comes back as ``'=X``): identifiers are
neutralised the same way in every file, so the rows still refer to each other,
but a system that needs the raw text should read the JSON export (or the folder
``vuoro plan --out`` writes), where text is never altered.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scheduler.export import write_zip_atomic
from scheduler.export.safe import neutralise_csv
from scheduler.plan import Plan, plan_files, write_plan_files

logger = logging.getLogger(__name__)


def csv_export_files(plan: Plan) -> dict[str, str]:
    """The text of every file of the CSV export, by file name.

    Parameters
    ----------
    plan : Plan
        Any plan.

    Returns
    -------
    dict of str to str
        :func:`scheduler.plan.plan_files` with every ``.csv`` file neutralised.
    """
    return {
        name: neutralise_csv(text) if name.endswith(".csv") else text
        for name, text in plan_files(plan).items()
    }


def is_zip_target(path: str | Path) -> bool:
    """Whether an export target names a zip archive (``.zip``, any case)."""
    return Path(path).suffix.lower() == ".zip"


def write_csv_export(plan: Plan, out: str | Path) -> list[str]:
    """Write the CSV export to a folder, or a zip archive when ``out`` ends in .zip.

    All text is computed before anything is written and each file is replaced
    atomically, so a failure leaves what was there before. In a folder, a stale
    ``availability.csv`` of an earlier plan is removed when this plan has none.

    Parameters
    ----------
    plan : Plan
        Any plan.
    out : str or Path
        A folder (created if needed) or a ``.zip`` file.

    Returns
    -------
    list of str
        The file names written.
    """
    files = csv_export_files(plan)
    if is_zip_target(out):
        write_zip_atomic(files, out)
    else:
        write_plan_files(files, out)
    logger.info("wrote %d CSV export files to %s", len(files), out)
    return list(files)
