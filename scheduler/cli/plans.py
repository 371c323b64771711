"""``vuoro plans list|show|diff|delete``: the plans saved in the plan store."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

from scheduler.cli.common import console, frame_table, input_errors, print_json
from scheduler.cli.evaluating import kpi_table
from scheduler.export import iso_frame
from scheduler.store import (
    SERVICE_LEVEL_PREFIX,
    PlanDiff,
    PlanStore,
    describe_roster_change,
)

plans_app = typer.Typer(
    name="plans",
    help="Plans saved in the plan store (VUORO_DATABASE_URL, else a SQLite file "
    "in your data folder).",
    no_args_is_help=True,
)

JsonOption = Annotated[
    bool, typer.Option("--json", help="print JSON instead of tables")
]
IdArgument = Annotated[str, typer.Argument(help="plan id (see vuoro plans list)")]


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready mappings: timestamps ISO 8601, dates as text."""
    return [
        {
            str(k): (v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in r.items()
        }
        for r in iso_frame(frame).to_dict("records")
    ]


def _percent(value: Any) -> str:
    return "-" if value is None or pd.isna(value) else f"{100 * value:.1f} %"


def _amount(value: Any, spec: str = ",.1f") -> str:
    return "-" if value is None or pd.isna(value) else format(value, spec)


def _when(value: Any) -> str:
    """A UTC time as ``YYYY-MM-DD HH:MM`` local to this computer."""
    return pd.Timestamp(value).to_pydatetime().astimezone().strftime("%Y-%m-%d %H:%M")


def list_plans(as_json: JsonOption = False) -> None:
    """List the saved plans, oldest first: week, KPIs and scenario changes."""
    with input_errors():
        frame = PlanStore.from_environment().list()
    if as_json:
        for record in _records(frame):
            print_json(record)
        return
    if frame.empty:
        console.print("no saved plans yet; `vuoro plan` saves one")
        return
    channels = [c for c in frame.columns if c.startswith(SERVICE_LEVEL_PREFIX)]
    # Who saved and what a plan was edited from, only when some plan says so.
    optional = [
        (header, key)
        for header, key in (("by", "author"), ("edited from", "parent_id"))
        if frame[key].notna().any()
    ]
    currencies = set(frame["currency"].dropna())
    cost = f"cost {currencies.pop()}" if len(currencies) == 1 else "cost"
    table = Table(
        title="saved plans", caption="channel columns: weekly service level, %"
    )
    table.add_column("id", no_wrap=True, min_width=int(frame["id"].str.len().max()))
    for name in ("week", "saved", "name"):
        table.add_column(name)
    for header, _ in optional:
        table.add_column(header, no_wrap=True)
    table.add_column("changes")
    for name in channels:
        table.add_column(
            name.removeprefix(SERVICE_LEVEL_PREFIX),
            justify="right",
        )
    for name in ("paid h", cost, "audit violations"):
        table.add_column(name, justify="right")
    for row in frame.to_dict("records"):
        table.add_row(
            row["id"],
            str(row["week_start"]),
            _when(row["saved_at"]),
            row["name"],
            *(row[key] or "" for _, key in optional),
            row["changes"],
            *(_amount(100 * row[name]) for name in channels),
            _amount(row["paid_hours"], ",.0f"),
            _amount(row["cost"], ",.0f"),
            str(row["violations"]),
        )
    console.print(table)


def show(plan_id: IdArgument) -> None:
    """Show a saved plan: its KPIs, scenario changes and audit trail of edits."""
    with input_errors():
        store = PlanStore.from_environment()
        info = store.info(plan_id)
        plan = store.load(plan_id)
        edits = store.edits(plan_id)
    console.print(
        f"[bold]{plan_id}[/]: {plan.name or '(no name)'}, week of {plan.week_start}; "
        f"made {_when(plan.created_at)}, saved {_when(info['saved_at'])}"
        + (f" by {info['author']}" if info["author"] else ""),
        highlight=False,
    )
    if info["parent_id"]:
        console.print(f"edited from {info['parent_id']}", highlight=False)
    if info["note"]:
        console.print(f"note: {info['note']}", highlight=False)
    for line in info["changes"].split("; ") if info["changes"] else ():
        console.print(f"  change: {line}", highlight=False)
    console.print(kpi_table(plan.kpis, title=f"plan {plan_id}"))
    overall = plan.kpis["overall"]
    console.print(
        f"paid {_amount(overall['paid_hours'])} h, productive "
        f"{_amount(overall['productive_hours'])} h, cost "
        f"{_amount(overall['cost'], ',.0f')} {overall['currency']}; "
        f"{len(plan.violations)} audit violation(s)",
        highlight=False,
    )
    if edits.empty:
        console.print("no edits recorded")
        return
    table = Table(title="edits")
    for name in ("when", "by", "change", "why"):
        table.add_column(name)
    for row in edits.to_dict("records"):
        table.add_row(_when(row["at"]), row["author"], row["change"], row["reason"])
    console.print(table)


def _changed_kpis(diff: PlanDiff) -> pd.DataFrame:
    """The KPI rows whose figure differs (a figure only one plan has counts)."""
    same = (diff.kpis["a"] == diff.kpis["b"]) | (
        diff.kpis["a"].isna() & diff.kpis["b"].isna()
    )
    return diff.kpis.loc[~same].reset_index(drop=True)


def diff(
    a: Annotated[str, typer.Argument(help="the plan to compare from")],
    b: Annotated[str, typer.Argument(help="the plan to compare to")],
    as_json: JsonOption = False,
) -> None:
    """Compare two saved plans: KPI changes and the shifts that differ (b - a)."""
    with input_errors():
        result = PlanStore.from_environment().diff(a, b)
    if as_json:
        print_json(
            {
                "a": a,
                "b": b,
                "kpis": _records(result.kpis),
                "roster": _records(result.roster),
            }
        )
        return
    changed = _changed_kpis(result)
    if changed.empty:
        console.print("the KPIs are the same")
    else:
        console.print(frame_table(changed, title=f"KPIs: {a} -> {b}"))
    unchanged = len(result.kpis) - len(changed)
    console.print(f"{len(changed)} figure(s) differ, {unchanged} are the same")
    if result.same_roster:
        console.print("the rosters are the same, shift for shift")
        return
    counts = result.roster["change"].value_counts()
    console.print(
        f"{len(result.roster)} shift(s) differ: "
        + ", ".join(f"{n} {kind}" for kind, n in counts.items()),
        highlight=False,
    )
    for row in result.roster.to_dict("records"):
        console.print(f"  {describe_roster_change(row)}", highlight=False)


def delete(
    plan_id: IdArgument,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask to confirm")] = False,
) -> None:
    """Delete a saved plan with its audit trail (its revisions stay)."""
    with input_errors():
        store = PlanStore.from_environment()
        info = store.info(plan_id)
        if not yes:
            typer.confirm(
                f"delete plan {plan_id} ({info['name']}, week of "
                f"{info['week_start']})?",
                abort=True,
            )
        store.delete(plan_id)
    console.print(f"deleted plan {plan_id}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``vuoro plans`` to the ``vuoro`` app."""
    plans_app.command("list")(list_plans)
    plans_app.command()(show)
    plans_app.command()(diff)
    plans_app.command()(delete)
    app.add_typer(plans_app)
