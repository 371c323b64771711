"""``vuoro forecast`` and ``vuoro backtest``: thin wrappers over ``forecasts``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from forecasts.backtest import run_backtest
from forecasts.core import forecast as run_forecast
from forecasts.models import AUTO, AUTO_CANDIDATES
from forecasts.schema import (
    CHANNEL,
    CONTACTS,
    INTERVAL_START,
    infer_interval_minutes,
    load_history,
    to_long,
)
from forecasts.special_days import SpecialDay, load_special_days
from forecasts.training import preparation_for
from scheduler.cli.common import console, input_errors, print_json
from scheduler.config import load_centre

HistoryOption = Annotated[
    Path, typer.Option("--history", help="history.csv: channel, interval_start, ...")
]
CentreOption = Annotated[
    Path | None,
    typer.Option(
        "--centre", help="centre.toml: channels, interval, default AHT, country"
    ),
]
IntervalOption = Annotated[
    int | None,
    typer.Option(
        "--interval-minutes", help="plan interval; default the centre's or the data's"
    ),
]
CountryOption = Annotated[
    str | None,
    typer.Option("--country", help="ISO country code for public holidays, e.g. IL"),
]
SpecialDaysOption = Annotated[
    Path | None,
    typer.Option(
        "--special-days", help="special_days.csv: date, kind, multiplier, channel"
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="print JSON lines instead of a table")
]


@dataclass(frozen=True)
class ForecastSettings:
    """What a centre file (or the data) tells the forecast."""

    interval_minutes: int | None
    channels: tuple[str, ...] | None
    default_aht_s: Mapping[str, float]
    country: str | None


def centre_settings(
    centre: Path | None, interval_minutes: int | None, country: str | None
) -> ForecastSettings:
    """Combine ``centre.toml`` (when given) with the command-line overrides."""
    if centre is None:
        return ForecastSettings(interval_minutes, None, {}, country)
    config = load_centre(centre)
    return ForecastSettings(
        interval_minutes=interval_minutes or config.interval_minutes,
        channels=tuple(config.channels),
        default_aht_s={
            name: float(channel.default_aht_seconds)
            for name, channel in config.channels.items()
        },
        country=country or config.country,
    )


def _history(history: Path, settings: ForecastSettings) -> tuple[pd.DataFrame, int]:
    frame = load_history(
        history,
        interval_minutes=settings.interval_minutes,
        channels=settings.channels,
        default_aht_s=settings.default_aht_s,
    )
    return frame, infer_interval_minutes(frame)


def _special_days(
    path: Path | None, channels: tuple[str, ...] | None
) -> tuple[SpecialDay, ...]:
    return () if path is None else load_special_days(path, channels=channels)


def forecast(
    history: HistoryOption,
    start: Annotated[str, typer.Option("--start", help="first day, YYYY-MM-DD")],
    out: Annotated[Path, typer.Option("--out", help="forecast.csv to write")],
    days: Annotated[int, typer.Option("--days", help="days to forecast")] = 7,
    model: Annotated[
        str, typer.Option("--model", help="auto (best backtest per channel) or a name")
    ] = AUTO,
    centre: CentreOption = None,
    interval_minutes: IntervalOption = None,
    country: CountryOption = None,
    special_days: SpecialDaysOption = None,
    json_lines: JsonOption = False,
) -> None:
    """Forecast contacts and handle time per channel and interval."""
    with input_errors():
        settings = centre_settings(centre, interval_minutes, country)
        frame, minutes = _history(history, settings)
        result = run_forecast(
            frame,
            start,
            days,
            minutes,
            model,
            default_aht_s=settings.default_aht_s,
            country=settings.country,
            special_days=_special_days(special_days, settings.channels),
        )
    written = result.frame.assign(
        **{INTERVAL_START: result.frame[INTERVAL_START].map(pd.Timestamp.isoformat)}
    )
    written.round(3).to_csv(out, index=False)
    totals = result.frame.groupby(CHANNEL)[CONTACTS].sum()
    rows = [
        {
            "channel": channel,
            "model": result.model_by_channel[channel],
            "contacts": round(float(totals[channel]), 1),
            "dispersion": round(result.dispersion[channel], 4),
        }
        for channel in sorted(result.model_by_channel)
    ]
    if json_lines:
        for row in rows:
            print_json(row)
        return
    table = Table(title=f"Forecast {start}, {days} day(s), {minutes}-minute intervals")
    for column in ("channel", "model", "contacts", "dispersion"):
        table.add_column(
            column, justify="left" if column in {"channel", "model"} else "right"
        )
    for row in rows:
        table.add_row(*(str(row[key]) for key in row))
    console.print(table)
    console.print(f"wrote {out}")


def backtest(
    history: HistoryOption,
    folds: Annotated[int, typer.Option("--folds", help="weekly origins")] = 8,
    horizon_days: Annotated[
        int, typer.Option("--horizon-days", help="days forecast per origin")
    ] = 7,
    model: Annotated[
        list[str] | None,
        typer.Option("--model", help="models to compare (repeat); default auto's"),
    ] = None,
    centre: CentreOption = None,
    interval_minutes: IntervalOption = None,
    country: CountryOption = None,
    special_days: SpecialDaysOption = None,
    json_lines: JsonOption = False,
) -> None:
    """Compare models by rolling-origin backtest: WAPE, MASE, bias, auto's pick."""
    with input_errors():
        settings = centre_settings(centre, interval_minutes, country)
        frame, minutes = _history(history, settings)
        long = to_long(frame)
        preparation = preparation_for(
            long["ds"].min().date(),
            long["ds"].max().date(),
            country=settings.country,
            special_days=_special_days(special_days, settings.channels),
        )
        result = run_backtest(
            long,
            minutes,
            model or list(AUTO_CANDIDATES),
            preparation,
            folds=folds,
            horizon_days=horizon_days,
        )
    records = [
        {
            **{key: row[key] for key in ("channel", "model", "wape", "mase", "bias")},
            "folds": int(row["folds"]),
            "auto_pick": result.best[row["channel"]] == row["model"],
        }
        for row in result.errors.to_dict("records")
    ]
    if json_lines:
        for record in records:
            print_json(record)
        return
    table = Table(title=f"Backtest: {folds} weekly origins, {horizon_days}-day horizon")
    for column in ("channel", "model", "WAPE", "MASE", "bias", "folds", "auto picks"):
        table.add_column(
            column, justify="left" if column in {"channel", "model"} else "right"
        )
    for record in records:
        table.add_row(
            str(record["channel"]),
            str(record["model"]),
            f"{record['wape']:.1%}",
            f"{record['mase']:.3f}",
            f"{record['bias']:+.1%}",
            str(record["folds"]),
            "*" if record["auto_pick"] else "",
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``forecast`` and ``backtest`` to the ``vuoro`` app."""
    app.command()(forecast)
    app.command()(backtest)
