"""``vuoro verify``: a plan played out by simulation, beside its analytic figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from scheduler.cli.common import console, input_errors, load_plan_source, print_json
from scheduler.exceptions import InvalidInputError
from scheduler.simulate import (
    DEFAULT_TOLERANCE,
    SimulationSettings,
    Verification,
    simulate_plan,
    verification_record,
    write_verification,
)

#: Replications ``vuoro verify`` runs unless told otherwise.
DEFAULT_REPLICATIONS = 20


def _percent(value: Any) -> str:
    return "-" if value is None or value != value else f"{100 * value:.1f} %"


def _seconds(value: Any) -> str:
    return "-" if value is None or value != value else f"{value:,.0f}"


def _pair(analytic: Any, simulated: Any, show: Any) -> str:
    return f"{show(analytic)} / {show(simulated)}"


def verification_table(verification: Verification, title: str) -> Table:
    """Weekly analytic against simulated figures per channel, differences flagged.

    Parameters
    ----------
    verification : Verification
        From :func:`scheduler.simulate.simulate_plan`.
    title : str
        The table's title.
    """
    table = Table(title=title)
    table.add_column("channel")
    for name in ("promised SL", "simulated SL", "diff.", "ASA s", "abandoned"):
        table.add_column(name, justify="right")
    for row in verification.weekly.to_dict(orient="records"):
        difference = f"{100 * row['difference']:+.1f} pt"
        table.add_row(
            str(row["channel"]),
            _percent(row["analytic_service_level"]),
            f"{_percent(row['simulated_service_level'])} ± "
            f"{_percent(row['service_level_half_width'])}",
            f"[bold red]{difference}[/]" if row["flagged"] else difference,
            _pair(row["analytic_asa_seconds"], row["simulated_asa_seconds"], _seconds),
            _pair(
                row["analytic_prob_abandon"], row["simulated_prob_abandon"], _percent
            ),
        )
    return table


def print_warnings(verification: Verification) -> None:
    """One warning line per channel whose simulation disagrees with its promise."""
    points = 100 * verification.tolerance
    for row in verification.weekly.loc[verification.weekly["flagged"]].to_dict(
        orient="records"
    ):
        console.print(
            f"[bold red]warning:[/] {row['channel']}: simulated weekly service level "
            f"{_percent(row['simulated_service_level'])} "
            f"(± {_percent(row['service_level_half_width'])}) differs from the "
            f"promised {_percent(row['analytic_service_level'])} by "
            f"{100 * row['difference']:+.1f} points (more than {points:.0f})",
            highlight=False,
        )


def verify(
    plan_id: Annotated[
        str | None, typer.Option("--plan", help="id of a saved plan to verify")
    ] = None,
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="plan folder to verify (vuoro plan --out DIR)"),
    ] = None,
    replications: Annotated[
        int, typer.Option(help="independent simulated weeks")
    ] = DEFAULT_REPLICATIONS,
    seed: Annotated[int, typer.Option(help="random seed of the first week")] = 0,
    routing: Annotated[
        str,
        typer.Option(
            help="skills (agents serve every skill, live first, email in idle time) "
            "or rostered (only the channel of their segment, as the analytic model)"
        ),
    ] = "skills",
    handle_time: Annotated[
        str, typer.Option(help="exponential or lognormal handle times")
    ] = "exponential",
    lognormal_cv: Annotated[
        float, typer.Option(help="coefficient of variation of lognormal handle times")
    ] = 1.0,
    workers: Annotated[
        int, typer.Option(help="processes running replications in parallel")
    ] = 2,
    out: Annotated[
        Path | None,
        typer.Option(help="folder to write simulation.csv (weekly figures) into"),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print the figures as one JSON line")
    ] = False,
) -> None:
    """Verify a plan by simulation: simulated service level beside the promise."""
    with input_errors():
        if routing not in ("skills", "rostered"):
            raise InvalidInputError(f"--routing {routing!r} is not skills or rostered")
        if handle_time not in ("exponential", "lognormal"):
            raise InvalidInputError(
                f"--handle-time {handle_time!r} is not exponential or lognormal"
            )
        settings = SimulationSettings(
            replications=replications,
            seed=seed,
            handle_time=handle_time,  # type: ignore[arg-type]
            lognormal_cv=lognormal_cv,
            routing=routing,  # type: ignore[arg-type]
            workers=workers,
        )
        plan = load_plan_source(plan_id, directory)
        with console.status(f"simulating {replications} weeks"):
            verification = simulate_plan(plan, settings, tolerance=DEFAULT_TOLERANCE)
        if out is not None:
            write_verification(verification, out)
    if as_json:
        print_json({"plan": plan.name, **verification_record(verification)})
        return
    console.print(
        verification_table(
            verification,
            title=f"{plan.name or 'plan'}: analytic against simulated, "
            f"{replications} weeks, {routing} routing",
        )
    )
    print_warnings(verification)
    console.print(
        f"{verification.wall_s_per_replication:.2f} s per simulated week. SL: "
        "weekly service level (± the 95 % confidence half-width); ASA s and "
        "abandoned: promised / simulated"
        + (f"; wrote {out / 'simulation.csv'}" if out is not None else "")
    )


def register(app: typer.Typer) -> None:
    """Add ``vuoro verify`` to the ``vuoro`` app."""
    app.command()(verify)
