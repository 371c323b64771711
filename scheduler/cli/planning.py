"""``vuoro init`` (sample files to edit) and ``vuoro plan`` (the main job)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated

import typer

from forecasts.schema import load_history
from scheduler.agents import load_agents
from scheduler.cli.common import console, frame_table, input_errors
from scheduler.config import SAMPLE_DIR, load_centre
from scheduler.exceptions import InvalidInputError
from scheduler.export import write_csv
from scheduler.pipeline import next_week_start, plan_week, sample_history
from scheduler.report import requirements_summary

SAMPLE_FILES = ("centre.toml", "agents.csv")


def init(
    directory: Annotated[Path, typer.Argument(help="folder to write the sample into")],
    force: Annotated[
        bool, typer.Option(help="overwrite files that already exist")
    ] = False,
) -> None:
    """Write the sample centre (centre.toml, agents.csv, history.csv) to edit."""
    targets = [directory / name for name in (*SAMPLE_FILES, "history.csv")]
    existing = [str(path) for path in targets if path.exists()]
    if existing and not force:
        console.print(
            f"[bold red]error:[/] {', '.join(existing)} already exist; nothing was "
            "written. Use --force to overwrite them.",
            highlight=False,
        )
        raise typer.Exit(2)
    directory.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_FILES:
        with (
            (SAMPLE_DIR / name).open("rb") as source,
            (directory / name).open("wb") as out,
        ):
            shutil.copyfileobj(source, out)
    centre = load_centre(directory / "centre.toml")
    week = next_week_start(centre, dt.date.today())
    write_csv(sample_history(centre, week), directory / "history.csv")
    console.print(
        f"wrote {', '.join(str(p) for p in targets)}\n"
        f"next: vuoro plan --centre {directory / 'centre.toml'} "
        f"--history {directory / 'history.csv'} --agents {directory / 'agents.csv'}"
    )


def plan(
    centre: Annotated[
        Path | None, typer.Option(help="centre.toml; the sample centre if omitted")
    ] = None,
    history: Annotated[
        Path | None, typer.Option(help="history.csv to forecast from")
    ] = None,
    forecast: Annotated[
        Path | None, typer.Option(help="forecast.csv to plan from (skips forecasting)")
    ] = None,
    agents: Annotated[
        Path | None, typer.Option(help="agents.csv; the sample agents if omitted")
    ] = None,
    week: Annotated[
        str | None, typer.Option(help="first day of the week, e.g. 2026-01-05")
    ] = None,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("vuoro-out"),
) -> None:
    """Plan a week: forecast, staffing requirements (and, soon, the roster)."""
    with input_errors():
        if history is not None and forecast is not None:
            raise InvalidInputError("give --history or --forecast, not both")
        config = load_centre(centre)
        week_start = _week(week) if week else next_week_start(config, dt.date.today())
        forecast_frame = None
        if forecast is not None:
            forecast_frame = load_history(
                forecast,
                interval_minutes=config.interval_minutes,
                channels=list(config.channels),
            )
        with console.status("forecasting and computing requirements"):
            result = plan_week(
                config, week_start, history=history, forecast_frame=forecast_frame
            )
        if agents is not None:
            # Validated now so that a broken file is reported before the roster
            # step arrives; the roster optimiser will use it.
            load_agents(agents, config)
        write_csv(result.forecast.frame, out / "forecast.csv")
        write_csv(result.requirements, out / "requirements.csv")
    source = "sample history" if history is None and forecast is None else "your data"
    console.print(
        frame_table(
            requirements_summary(result.requirements, config),
            title=f"{config.centre.name}: week of {week_start} ({source})",
        )
    )
    if result.forecast.model_by_channel:
        chosen = ", ".join(
            f"{k}: {v}" for k, v in result.forecast.model_by_channel.items()
        )
        console.print(f"forecast models (best backtest per channel): {chosen}")
    console.print(
        f"wrote {out / 'forecast.csv'} and {out / 'requirements.csv'}\n"
        "next: the roster optimiser (named agents, shifts, breaks) is not built yet; "
        "requirements.csv holds the agents needed per channel and interval."
    )


def _week(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            f"--week {text!r} is not a date like 2026-01-05"
        ) from None


def register(app: typer.Typer) -> None:
    """Add the planning commands to the ``vuoro`` app."""
    app.command()(init)
    app.command()(plan)
