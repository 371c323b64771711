"""``vuoro evaluate``: a roster's expected coverage and KPIs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from forecasts.schema import load_history
from scheduler.agents import load_agents
from scheduler.cli.common import console, input_errors, print_json
from scheduler.cli.staffing import CentreOption
from scheduler.config import Centre, load_centre
from scheduler.evaluate import evaluate_roster, load_requirements, write_evaluation
from scheduler.exceptions import InvalidInputError
from scheduler.requirements import compute_requirements
from scheduler.roster_file import load_roster


def _requirements(
    forecast: Path | None, requirements: Path | None, centre: Centre
) -> pd.DataFrame:
    """The week's requirements: computed from the forecast, or read from the file."""
    if (forecast is None) == (requirements is None):
        raise InvalidInputError(
            "give exactly one of --forecast forecast.csv or --requirements "
            "requirements.csv"
        )
    if requirements is not None:
        return load_requirements(requirements, centre)
    assert forecast is not None
    frame = load_history(
        forecast,
        interval_minutes=centre.interval_minutes,
        channels=list(centre.channels),
    )
    return compute_requirements(frame, centre, source=str(forecast))


def _percent(value: Any) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _hours(value: Any) -> str:
    return "-" if value is None else f"{value:,.1f}"


def kpi_table(kpis: dict[str, Any], title: str) -> Table:
    """Service level against target and scheduled against required hours."""
    table = Table(title=title)
    for name in ("channel", "service level", "target", "met"):
        table.add_column(name, justify="left" if name == "channel" else "right")
    for name in ("scheduled h", "required h", "under h", "over h"):
        table.add_column(name, justify="right")
    for name, figures in kpis["channels"].items():
        table.add_row(
            name,
            _percent(figures["service_level"]),
            _percent(figures["target"]),
            "yes" if figures["meets_target"] else "[bold red]no[/]",
            _hours(figures["scheduled_agent_hours"]),
            _hours(figures["required_agent_hours"]),
            _hours(figures["understaffed_agent_hours"]),
            _hours(figures["overstaffed_agent_hours"]),
        )
    return table


def evaluate(
    roster: Annotated[Path, typer.Option(help="roster.csv (DESIGN section 3)")],
    out: Annotated[Path, typer.Option(help="folder for coverage.csv and kpis.json")],
    centre: CentreOption = None,
    agents: Annotated[
        Path | None,
        typer.Option(help="agents.csv; the sample centre's agents if omitted"),
    ] = None,
    forecast: Annotated[
        Path | None, typer.Option(help="forecast.csv to compute requirements from")
    ] = None,
    requirements: Annotated[
        Path | None, typer.Option(help="requirements.csv from vuoro requirements")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print kpis.json instead of a table")
    ] = False,
) -> None:
    """Expected service level, coverage and cost of a roster."""
    with input_errors():
        config = load_centre(centre)
        staff = load_agents(agents, config)
        needs = _requirements(forecast, requirements, config)
        frame = load_roster(roster, config, staff)
        evaluation = evaluate_roster(frame, needs, config, staff)
        write_evaluation(evaluation, out)
    if as_json:
        print_json(evaluation.kpis)
        return
    overall = evaluation.kpis["overall"]
    console.print(kpi_table(evaluation.kpis, title=str(roster)))
    console.print(
        f"paid {_hours(overall['paid_hours'])} h, productive "
        f"{_hours(overall['productive_hours'])} h, cost {_hours(overall['cost'])} "
        f"{overall['currency']}; wrote {out / 'coverage.csv'} and "
        f"{out / 'kpis.json'}"
    )


def register(app: typer.Typer) -> None:
    """Add ``vuoro evaluate`` to the ``vuoro`` app."""
    app.command()(evaluate)
