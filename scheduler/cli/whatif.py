"""``vuoro whatif``: a scenario against the base plan, and deflection sweeps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from scheduler.cli.common import console, input_errors, load_plan_source, print_json
from scheduler.exceptions import InvalidInputError
from scheduler.export import write_csv, write_text_atomic
from scheduler.pipeline import plan_sample_week
from scheduler.plan import Plan
from scheduler.roster.solve import SolveSettings
from scheduler.scenarios.chart import sweep_chart
from scheduler.scenarios.parse import changes_from_settings
from scheduler.scenarios.run import (
    KEEP_ROSTER,
    REPLAN,
    Scenario,
    keep_roster,
    outcome_figures,
    run_scenario,
    scenario_inputs,
)
from scheduler.scenarios.sweep import (
    SweepResult,
    SweepSettings,
    deflection_scenarios,
    run_sweep,
)
from scheduler.store import PlanStore

whatif_app = typer.Typer(
    help="What-if scenarios: change the forecast, the centre or the agents and see "
    "the service level with today's roster and the roster re-planned for it.",
    no_args_is_help=False,
    invoke_without_command=True,
)

PlanOption = Annotated[
    str | None, typer.Option("--plan", help="id of a saved plan to start from")
]
DirOption = Annotated[
    Path | None,
    typer.Option("--dir", help="plan folder to start from (vuoro plan --out DIR)"),
]
TimeLimitOption = Annotated[
    float,
    typer.Option(
        "--time-limit-s", help="seconds for each roster solve (base, re-plan)"
    ),
]
ReplanOption = Annotated[
    bool, typer.Option("--replan/--no-replan", help="re-plan each scenario's roster")
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON lines on stdout")]
SaveOption = Annotated[
    bool,
    typer.Option(
        "--save",
        help="save each re-planned scenario to the plan store, with its changes",
    ),
]
WeekOption = Annotated[
    str | None,
    typer.Option(help="week of the sample base plan, e.g. 2026-01-05 (default: next)"),
]


def _base(
    plan_id: str | None, directory: Path | None, week: str | None, time_limit_s: float
) -> Plan:
    """The plan to change: saved, from a folder, or the sample centre's week."""
    if plan_id is not None or directory is not None:
        return load_plan_source(plan_id, directory)
    try:
        week_start = dt.date.fromisoformat(week) if week else None
    except ValueError:
        raise InvalidInputError(
            f"--week {week!r} is not a date like 2026-01-05"
        ) from None
    with console.status("planning the sample centre's week as the base"):
        return plan_sample_week(
            week_start, SolveSettings(time_limit_s=time_limit_s), today=dt.date.today()
        )


def _save(plans: list[Plan], parent_id: str | None) -> list[str]:
    """Save re-planned scenarios to the store; their ids."""
    with PlanStore.from_environment() as store:
        return [
            store.save(plan, note=f"what-if: {plan.name}", parent_id=parent_id)
            for plan in plans
        ]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _money(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f}"


@whatif_app.callback()
def whatif(
    ctx: typer.Context,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="a change, e.g. volume.chat=1.1, target.phone=0.85, "
            "deflection.rate=0.2, fcr.phone=0.7:0.8, callbacks.share=0.06, "
            "agents.add=3:part_time_30:phone:contact_centre (repeatable)",
        ),
    ] = None,
    plan_id: PlanOption = None,
    directory: DirOption = None,
    week: WeekOption = None,
    time_limit_s: TimeLimitOption = 30.0,
    replan: ReplanOption = True,
    save: SaveOption = False,
    as_json: JsonOption = False,
) -> None:
    """Evaluate one scenario (--set ...) against the base plan."""
    if ctx.invoked_subcommand is not None:
        return
    with input_errors():
        if not settings:
            raise InvalidInputError(
                "give at least one --set change (e.g. --set volume.chat=1.1) or a "
                "sweep command (vuoro whatif deflection --rates 0,0.1,0.2)"
            )
        changes = changes_from_settings(settings)
        base = _base(plan_id, directory, week, time_limit_s)
        scenario = Scenario(name=", ".join(settings), changes=changes)
        with console.status("evaluating the scenario"):
            result = run_scenario(
                base,
                scenario,
                replan=replan,
                settings=SolveSettings(time_limit_s=time_limit_s),
            )
        saved = _save([result.replan], plan_id) if save and result.replan else []
    summary = result.summary()
    base_figures = outcome_figures(keep_roster(base, scenario_inputs(base))[2].kpis)
    if as_json:
        print_json(
            {
                **summary,
                "changes": list(scenario.records()),
                "base": base_figures,
                "saved": saved,
            }
        )
        return
    table = Table(title=f"what if {scenario.name}")
    ways: list[tuple[str, dict[str, Any]]] = [
        ("base", base_figures),
        ("keep roster", summary[KEEP_ROSTER]),
    ]
    if REPLAN in summary:
        ways.append(("re-plan", summary[REPLAN]))
    table.add_column("channel")
    table.add_column("required h", justify="right")
    for label, _ in ways:
        table.add_column(f"SL {label}", justify="right")
    for label, _ in ways:
        table.add_column(f"cost/contact {label}", justify="right")
    for channel, hours in summary["required_agent_hours"].items():
        table.add_row(
            channel,
            f"{hours:,.1f}",
            *(_percent(f["weekly_service_level"].get(channel)) for _, f in ways),
            *(_money(f["cost_per_contact"].get(channel)) for _, f in ways),
        )
    console.print(table)
    for label, figures in ways:
        console.print(
            f"{label}: paid {figures['paid_hours']:,.1f} h ({figures['fte']} FTE), "
            f"cost {_money(figures['cost'])} {base.centre.costs.currency}"
        )
    for plan_saved in saved:
        console.print(
            f"saved the re-plan as {plan_saved} (vuoro plans show {plan_saved})"
        )


def _rates(text: str) -> list[float]:
    try:
        rates = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InvalidInputError(
            f"--rates {text!r}: give shares separated by commas, e.g. 0,0.1,0.2"
        ) from None
    if not rates:
        raise InvalidInputError("--rates is empty; give e.g. 0,0.1,0.2")
    return sorted(rates)


def _sweep_table(result: SweepResult, currency: str) -> Table:
    """One row per rate and channel; the week's paid hours and cost on the first."""
    table = Table(title=f"deflection sweep ({result.executor}, {result.wall_s:.0f} s)")
    for name in (
        "rate",
        "channel",
        "required h",
        "SL keep roster",
        "SL re-plan",
        f"cost/contact re-plan {currency}",
        "re-plan paid h",
        f"re-plan cost {currency}",
    ):
        table.add_column(name, justify="left" if name == "channel" else "right")
    frame = result.table
    for value, rows in frame.groupby("value", sort=True):
        keep = rows.loc[rows["way"] == KEEP_ROSTER].set_index("channel")
        again = rows.loc[rows["way"] == REPLAN].set_index("channel")
        for number, channel in enumerate(keep.index):
            replanned = again.loc[channel] if channel in again.index else None
            totals = replanned if number == 0 else None
            table.add_row(
                f"{100 * float(str(value)):g} %" if number == 0 else "",
                str(channel),
                f"{keep.loc[channel, 'required_agent_hours']:,.0f}",
                _percent(_float(keep.loc[channel, "service_level"])),
                "-"
                if replanned is None
                else _percent(_float(replanned["service_level"])),
                "-"
                if replanned is None
                else _money(_float(replanned["cost_per_contact"])),
                "" if totals is None else f"{totals['paid_hours']:,.0f}",
                "" if totals is None else _money(_float(totals["cost"])),
            )
    return table


@whatif_app.command()
def deflection(
    rates: Annotated[
        str, typer.Option(help="deflection rates to try, e.g. 0,0.1,0.2,0.3")
    ] = "0,0.1,0.2,0.3,0.4,0.5",
    from_channel: Annotated[
        str, typer.Option("--from", help="channel contacts are steered away from")
    ] = "phone",
    to_channel: Annotated[
        str, typer.Option("--to", help="channel they are steered to")
    ] = "chat",
    bounce_back: Annotated[
        float,
        typer.Option(help="share of deflected contacts that come back (e.g. 0.1)"),
    ] = 0.0,
    contained: Annotated[
        float, typer.Option(help="share of deflected contacts self-served (left)")
    ] = 0.0,
    chat_aht_s: Annotated[
        float | None,
        typer.Option("--chat-aht-s", help="handle time of a deflected contact, s"),
    ] = None,
    executor: Annotated[
        str, typer.Option(help="local (processes) or ray (the ray extra)")
    ] = "local",
    ray_address: Annotated[
        str | None, typer.Option(help="Ray cluster address; a local Ray if omitted")
    ] = None,
    processes: Annotated[
        int | None, typer.Option(help="scenarios at once (local; default: CPUs)")
    ] = None,
    plan_id: PlanOption = None,
    directory: DirOption = None,
    week: WeekOption = None,
    time_limit_s: TimeLimitOption = 30.0,
    replan: ReplanOption = True,
    save: SaveOption = False,
    as_json: JsonOption = False,
    out: Annotated[
        Path | None,
        typer.Option(help="folder for sweep.csv and sweep.html (the chart)"),
    ] = None,
) -> None:
    """Sweep the share of contacts deflected from phone to chat."""
    with input_errors():
        values = _rates(rates)
        if executor not in ("local", "ray"):
            raise InvalidInputError(f"--executor {executor!r} is not local or ray")
        scenarios = deflection_scenarios(
            values,
            from_channel=from_channel,
            to_channel=to_channel,
            bounce_back_share=bounce_back,
            contained_share=contained,
            aht_s=chat_aht_s,
        )
        base = _base(plan_id, directory, week, time_limit_s)
        with console.status(f"running {len(values)} scenarios ({executor})"):
            result = run_sweep(
                base,
                scenarios,
                values,
                SweepSettings(
                    executor=executor,  # type: ignore[arg-type]
                    processes=processes,
                    ray_address=ray_address,
                    replan=replan,
                    solve=SolveSettings(time_limit_s=time_limit_s),
                ),
                parameter=f"share of {from_channel} deflected to {to_channel}",
            )
        saved = (
            _save([r.replan for r in result.results if r.replan], plan_id)
            if save
            else []
        )
    if out is not None:
        write_csv(result.table, out / "sweep.csv")
        chart = sweep_chart(result.table, result.parameter)
        write_text_atomic(chart.to_html(), out / "sweep.html")
    if as_json:
        ids: list[str | None] = [*saved] if saved else [None] * len(values)
        for record, plan_saved in zip(result.records(), ids, strict=True):
            print_json({"rate": record.pop("value"), **record, "saved": plan_saved})
        return
    console.print(_sweep_table(result, base.centre.costs.currency))
    if result.break_even is not None:
        console.print(
            f"break-even: the re-planned cost stops falling at "
            f"{100 * result.break_even:g} % deflection"
        )
    if out is not None:
        console.print(f"wrote {out / 'sweep.csv'} and {out / 'sweep.html'}")
    if saved:
        console.print(f"saved the re-plans as {', '.join(saved)} (vuoro plans list)")


def register(app: typer.Typer) -> None:
    """Add ``vuoro whatif`` to the ``vuoro`` app."""
    app.add_typer(whatif_app, name="whatif")
