"""What every command shares: the consoles and turning input errors into exit 2."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from forecasts.schema import ForecastError
from scheduler.exceptions import InvalidInputError
from scheduler.plan import Plan, load_plan_dir
from scheduler.store import PlanStore

console = Console()
error_console = Console(stderr=True)

#: Exit code for bad input (files, arguments, configuration).
EXIT_BAD_INPUT = 2


@contextmanager
def input_errors() -> Iterator[None]:
    """Show an input error as a message, without a traceback, and exit with 2."""
    try:
        yield
    except (InvalidInputError, ForecastError) as err:
        error_console.print(
            f"[bold red]error:[/] {err}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def print_json(record: dict[str, Any]) -> None:
    """Print one JSON object on one line of standard output.

    Infinite and undefined figures (the ASA of an unstable queue) become ``null``.
    """
    typer.echo(json.dumps(_finite(record), allow_nan=False, default=str))


def frame_table(frame: pd.DataFrame, title: str | None = None) -> Table:
    """A small frame as a rich table; floats to four significant digits."""
    table = Table(title=title)
    for name in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[name])
        table.add_column(str(name), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row))
    return table


def load_plan_source(plan_id: str | None, directory: Path | None) -> Plan:
    """The plan a command works on: ``--plan ID`` from the store or ``--dir DIR``.

    Raises
    ------
    InvalidInputError
        When neither or both are given, or the plan cannot be read.
    """
    if (plan_id is None) == (directory is None):
        raise InvalidInputError(
            "give --plan ID (a saved plan, see `vuoro plans list`) or --dir DIR (a "
            "folder written by `vuoro plan --out DIR`), not both"
            if plan_id is not None
            else "give --plan ID (a saved plan, see `vuoro plans list`) or --dir DIR "
            "(a folder written by `vuoro plan --out DIR`)"
        )
    if directory is not None:
        return load_plan_dir(directory)
    return PlanStore.from_environment().load(str(plan_id))
