"""``vuoro export``: a plan as CSV, an Excel workbook, iCalendar files or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scheduler.cli.common import console, input_errors, load_plan_source
from scheduler.export.formats import ExportFormat, export_plan


def export(
    format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="csv (plan files, formula-safe), xlsx (workbook), ics (calendars) "
            "or json (the whole plan)",
            case_sensitive=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            help="csv: a folder or .zip; xlsx: a .xlsx file; ics: a folder or .zip "
            "(one .ics per agent), or a .ics file with --agent; json: a .json file"
        ),
    ],
    plan: Annotated[
        str | None,
        typer.Option("--plan", help="id of a saved plan (see `vuoro plans list`)"),
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="a plan folder written by `vuoro plan --out DIR`"),
    ] = None,
    agent: Annotated[
        str | None,
        typer.Option(help="ics only: write this agent's calendar alone"),
    ] = None,
) -> None:
    """Export a plan for people (xlsx, ics) or other systems (csv, json)."""
    with input_errors():
        source = load_plan_source(plan, directory)
        written = export_plan(source, format, out, agent_id=agent)
    what = str(written[0]) if len(written) == 1 else f"{len(written)} files to {out}"
    console.print(
        f"exported plan {source.name!r} ({format.value}): wrote {what}",
        highlight=False,
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add ``vuoro export`` to the ``vuoro`` app."""
    app.command()(export)
