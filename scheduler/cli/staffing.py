"""``vuoro erlang`` (the quick calculator) and ``vuoro requirements``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from forecasts.schema import load_history
from scheduler.cli.common import console, frame_table, input_errors, print_json
from scheduler.config import load_centre
from scheduler.erlang import (
    ConcurrentQueue,
    LiveQueue,
    QueueModel,
    StaffingTarget,
    offered_load,
    queue_metrics,
    required_agents,
)
from scheduler.exceptions import InvalidInputError
from scheduler.export import write_csv
from scheduler.report import requirements_summary
from scheduler.requirements import compute_requirements
from scheduler.units import SECONDS_PER_MINUTE, gross_up

CentreOption = Annotated[
    Path | None,
    typer.Option("--centre", help="centre.toml; the built-in sample centre if omitted"),
]


def erlang(
    contacts: Annotated[float, typer.Option(help="contacts offered in the interval")],
    aht_seconds: Annotated[float, typer.Option(help="average handle time, seconds")],
    interval_minutes: Annotated[
        float, typer.Option(help="interval length, minutes")
    ] = 30,
    service_level: Annotated[
        float, typer.Option(help="target share answered in time, e.g. 0.8")
    ] = 0.8,
    answer_within_seconds: Annotated[
        float, typer.Option(help="target answer time, seconds")
    ] = 20,
    max_occupancy: Annotated[
        float | None, typer.Option(help="upper limit on occupancy, e.g. 0.85")
    ] = None,
    max_asa_seconds: Annotated[
        float | None, typer.Option(help="upper limit on average speed of answer, s")
    ] = None,
    patience_seconds: Annotated[
        float | None, typer.Option(help="mean caller patience, s: Erlang A")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="chats an agent holds at once: chat model")
    ] = None,
    concurrency_slowdown: Annotated[
        float, typer.Option(help="extra handle time per extra chat held, e.g. 0.25")
    ] = 0.0,
    shrinkage: Annotated[
        float | None, typer.Option(help="share of scheduled time lost, e.g. 0.3")
    ] = None,
    agents: Annotated[
        int | None, typer.Option(help="figures for this headcount instead")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="print one JSON object")
    ] = False,
) -> None:
    """Agents needed for one interval, or the figures for a given headcount."""
    with input_errors():
        record = _erlang_record(
            contacts=contacts,
            aht_s=aht_seconds,
            interval_s=interval_minutes * SECONDS_PER_MINUTE,
            target=_target(
                service_level,
                answer_within_seconds,
                max_occupancy,
                max_asa_seconds,
            ),
            model=_model(patience_seconds, concurrency, concurrency_slowdown),
            shrinkage=shrinkage,
            agents=agents,
        )
    if as_json:
        print_json(record)
        return
    table = Table(
        title=f"{record['model']}: {contacts:g} contacts, AHT {aht_seconds:g} s"
    )
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in record.items():
        if key != "model":
            table.add_row(
                key, f"{value:.4g}" if isinstance(value, float) else str(value)
            )
    console.print(table)


def _target(
    service_level: float,
    answer_within_s: float,
    max_occupancy: float | None,
    max_asa_s: float | None,
) -> StaffingTarget:
    try:
        return StaffingTarget(
            service_level=service_level,
            answer_within_s=answer_within_s,
            max_occupancy=max_occupancy,
            max_asa_s=max_asa_s,
        )
    except ValueError as err:
        raise InvalidInputError(str(err)) from None


def _model(
    patience_s: float | None, concurrency: int | None, slowdown: float
) -> QueueModel:
    try:
        if concurrency is not None:
            if patience_s is not None:
                raise ValueError(
                    "--patience-seconds and --concurrency do not combine: chat "
                    "abandonment is not modelled"
                )
            return ConcurrentQueue(concurrency, slowdown)
        return LiveQueue(patience_s)
    except ValueError as err:
        raise InvalidInputError(str(err)) from None


def _erlang_record(
    *,
    contacts: float,
    aht_s: float,
    interval_s: float,
    target: StaffingTarget,
    model: QueueModel,
    shrinkage: float | None,
    agents: int | None,
) -> dict[str, Any]:
    if contacts < 0 or aht_s <= 0 or interval_s <= 0:
        raise InvalidInputError(
            "--contacts must be >= 0, --aht-seconds and --interval-minutes > 0"
        )
    if shrinkage is not None and not 0 <= shrinkage < 1:
        raise InvalidInputError(f"--shrinkage {shrinkage} must be in [0, 1), e.g. 0.3")
    if agents is not None and agents < 0:
        raise InvalidInputError(f"--agents {agents} must be >= 0")
    name = (
        "chat_concurrency"
        if isinstance(model, ConcurrentQueue)
        else ("erlang_a" if model.patience_s is not None else "erlang_c")
    )
    record: dict[str, Any] = {
        "model": name,
        "workload_erlangs": float(offered_load(contacts, aht_s, interval_s)),
    }
    if agents is None:
        staffing = required_agents(model, [contacts], aht_s, interval_s, target)
        headcount = int(staffing.agents[0])
        record["agents_fractional"] = float(staffing.agents_fractional[0])
        metrics = staffing.metrics
    else:
        headcount = agents
        metrics = queue_metrics(
            model, [agents], [contacts], aht_s, interval_s, target.answer_within_s
        )
    record = {"agents": headcount, **record}
    record.update(
        service_level=float(metrics.service_level[0]),
        prob_wait=float(metrics.prob_wait[0]),
        asa_seconds=float(metrics.asa_s[0]),
        occupancy=float(metrics.occupancy[0]),
    )
    if isinstance(model, LiveQueue) and model.patience_s is not None:
        record["prob_abandon"] = float(metrics.prob_abandon[0])
    if shrinkage is not None:
        record["scheduled_agents"] = int(gross_up([headcount], shrinkage)[0])
    return record


def requirements(
    forecast: Annotated[Path, typer.Option(help="forecast.csv (DESIGN section 3)")],
    out: Annotated[Path, typer.Option(help="where to write requirements.csv")],
    centre: CentreOption = None,
) -> None:
    """Agents required per channel and interval for a forecast."""
    with input_errors():
        config = load_centre(centre)
        frame = load_history(
            forecast,
            interval_minutes=config.interval_minutes,
            channels=list(config.channels),
            default_aht_s={
                name: ch.default_aht_seconds for name, ch in config.channels.items()
            },
        )
        result = compute_requirements(frame, config, source=str(forecast))
        write_csv(result, out)
    console.print(
        frame_table(requirements_summary(result, config), title=str(forecast))
    )
    console.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add the staffing commands to the ``vuoro`` app."""
    app.command()(erlang)
    app.command()(requirements)
