"""``vuoro init`` (sample files to edit) and ``vuoro plan`` (the main job)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from forecasts.schema import load_history
from scheduler.agents import load_agents, load_availability
from scheduler.cli.common import console, frame_table, input_errors
from scheduler.cli.verifying import print_warnings, verification_table
from scheduler.config import SAMPLE_DIR, load_centre
from scheduler.exceptions import InvalidInputError
from scheduler.export import write_csv
from scheduler.pipeline import next_week_start, plan_week, sample_history
from scheduler.plan import Plan, solve_plan, write_plan_dir
from scheduler.report import requirements_summary
from scheduler.roster.solve import Progress as SolverProgress
from scheduler.roster.solve import SolveSettings
from scheduler.roster_file import load_roster
from scheduler.simulate import (
    SIMULATION_FILE,
    SimulationSettings,
    simulate_plan,
    write_verification,
)
from scheduler.store import PlanStore, current_user

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
    availability: Annotated[
        Path | None, typer.Option(help="availability.csv: leave and preferences")
    ] = None,
    locked: Annotated[
        Path | None,
        typer.Option(
            help="roster.csv of an earlier plan: rows with locked=true are kept "
            "exactly, the rest is a warm start"
        ),
    ] = None,
    week: Annotated[
        str | None, typer.Option(help="first day of the week, e.g. 2026-01-05")
    ] = None,
    mode: Annotated[
        str, typer.Option(help="weekly (weekly service-level target) or interval")
    ] = "weekly",
    time_limit_s: Annotated[
        float, typer.Option("--time-limit-s", help="seconds for the roster solve")
    ] = 60.0,
    workers: Annotated[int, typer.Option(help="CP-SAT search workers")] = 2,
    seed: Annotated[int, typer.Option(help="random seed of the solver")] = 0,
    out: Annotated[Path, typer.Option(help="output folder")] = Path("vuoro-out"),
    save: Annotated[
        bool, typer.Option(help="save the plan to the plan store (vuoro plans)")
    ] = True,
    verify_replications: Annotated[
        int,
        typer.Option(
            help="weeks to simulate to verify the plan (0 skips); writes "
            "simulation.csv and warns of channels more than 3 points off"
        ),
    ] = 5,
) -> None:
    """Plan a week: forecast, requirements, roster, evaluation and audit."""
    with input_errors():
        if history is not None and forecast is not None:
            raise InvalidInputError("give --history or --forecast, not both")
        if mode not in ("weekly", "interval"):
            raise InvalidInputError(f"--mode {mode!r} is not weekly or interval")
        config = load_centre(centre)
        staff = load_agents(agents, config)
        absent = load_availability(availability, staff) if availability else None
        earlier = load_roster(locked, config, staff) if locked else None
        week_start = _week(week) if week else next_week_start(config, dt.date.today())
        forecast_frame = None
        if forecast is not None:
            forecast_frame = load_history(
                forecast,
                interval_minutes=config.interval_minutes,
                channels=list(config.channels),
            )
        settings = SolveSettings(
            mode=mode,  # type: ignore[arg-type]
            time_limit_s=time_limit_s,
            workers=workers,
            seed=seed,
        )
        with console.status("forecasting and computing requirements"):
            result = plan_week(
                config, week_start, history=history, forecast_frame=forecast_frame
            )
        solved = _solve_with_progress(
            settings,
            lambda on_progress: solve_plan(
                config,
                staff,
                week_start,
                result.forecast.frame,
                availability=absent,
                locked=None if earlier is None else earlier.loc[earlier["locked"]],
                previous=earlier,
                settings=settings,
                on_progress=on_progress,
                name=f"week of {week_start}",
            ),
        )
        verification = None
        if verify_replications > 0:
            with console.status(f"simulating {verify_replications} weeks"):
                verification = simulate_plan(
                    solved,
                    SimulationSettings(replications=verify_replications, seed=seed),
                )
    write_plan_dir(solved, out)
    if verification is None:
        (out / SIMULATION_FILE).unlink(missing_ok=True)
    else:
        write_verification(verification, out)
    plan_id = None
    if save:
        with input_errors():
            plan_id = PlanStore.from_environment().save(solved, author=current_user())
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
    _summary(solved, out)
    if verification is not None:
        console.print(
            verification_table(
                verification,
                title=f"verified by simulation: {verify_replications} weeks "
                f"(simulation.csv)",
            )
        )
        print_warnings(verification)
    if plan_id is not None:
        console.print(f"saved plan {plan_id} (vuoro plans show {plan_id})")


def _solve_with_progress(
    settings: SolveSettings, solve: Callable[[Callable[[SolverProgress], None]], Plan]
) -> Plan:
    """Run ``solve`` with a progress bar of elapsed time, objective and gap."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("optimising roster", total=settings.time_limit_s, status="")

        def show(event: SolverProgress) -> None:
            bar.update(
                task,
                completed=event.wall_s,
                status=f"objective {event.objective / 100:,.0f}  gap {event.gap:.1%}",
            )

        return solve(show)


def _number(value: float | None, spec: str) -> str:
    """A figure of kpis.json as text; ``-`` where it is undefined."""
    return "-" if value is None else format(value, spec)


def _summary(plan: Plan, out: Path) -> None:
    kpis = plan.evaluation.kpis
    table = Table(title="roster")
    for name in ("channel", "weekly service level", "target", "met"):
        table.add_column(name, justify="left" if name == "channel" else "right")
    for name, figures in kpis["channels"].items():
        table.add_row(
            name,
            f"{100 * figures['service_level']:.1f} %",
            f"{100 * figures['target']:.0f} %",
            "yes" if figures["meets_target"] else "[bold red]no[/]",
        )
    console.print(table)
    overall, solver = kpis["overall"], kpis["solver"]
    violations = sum(kpis["audit"].values())
    audit = (
        "no violations"
        if violations == 0
        else f"[bold red]{violations} violations[/] (violations.csv)"
    )
    console.print(
        f"{overall['agents_rostered']} agents, {overall['shifts']} shifts, paid "
        f"{_number(overall['paid_hours'], ',.1f')} h, cost "
        f"{_number(overall['cost'], ',.0f')} {overall['currency']}; solver "
        f"{solver['status']}, gap {_number(solver['gap'], '.2%')} in "
        f"{_number(solver['wall_s'], '.0f')} s; audit: {audit}"
    )
    for rule, bent in kpis["bent_rules"].items():
        console.print(f"  bent: {rule}: {bent['terms']} terms, {bent['cost']:,.0f}")
    if not plan.findings.empty:
        console.print(f"diagnosis before the solve: {len(plan.findings)} finding(s)")
        for detail in plan.findings["detail"].head(10):
            console.print(f"  {detail}")
    console.print(
        f"wrote the plan to {out}: roster.csv, coverage.csv, kpis.json, "
        "bent_rules.csv, violations.csv, forecast.csv, requirements.csv and the "
        "inputs it was made from (centre.json, agents.csv, plan.json)"
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
