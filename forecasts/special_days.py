"""Special days: public holidays and a user file of closures and multipliers.

Special days are kept out of the training profiles (their values are replaced by the
same weekday of neighbouring ordinary weeks before models are fitted) and applied to
the forecast:

- ``holiday`` (from the ``holidays`` package): forecast like the channel's quietest
  weekday (the weekly rest day, e.g. Saturday in Israel, Sunday in Finland);
- ``closed``: zero contacts all day;
- ``multiplier``: the ordinary forecast times ``multiplier``.

The user file ``special_days.csv`` has columns ``date, kind, multiplier, channel``:
``kind`` is ``closed`` or ``multiplier``; ``multiplier`` is required for
``multiplier`` rows; a blank ``channel`` means every channel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import holidays
import pandas as pd

from forecasts.schema import ForecastError

Kind = Literal["holiday", "closed", "multiplier"]
USER_KINDS = ("closed", "multiplier")


@dataclass(frozen=True)
class SpecialDay:
    """One special day.

    Parameters
    ----------
    date : datetime.date
        The local calendar date.
    kind : {"holiday", "closed", "multiplier"}
        How the day is forecast (see the module docstring).
    multiplier : float
        Factor on the ordinary forecast for ``multiplier`` days (>= 0); 1.0 for
        other kinds.
    channel : str or None
        The one channel affected, or None for all channels.
    name : str
        Label for reports (e.g. the holiday's name).
    """

    date: dt.date
    kind: Kind
    multiplier: float = 1.0
    channel: str | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("holiday", *USER_KINDS):
            raise ForecastError(
                f"special day {self.date}: kind {self.kind!r} is not one of "
                f"'holiday', 'closed', 'multiplier'"
            )
        if self.multiplier < 0:
            raise ForecastError(
                f"special day {self.date}: multiplier {self.multiplier} is negative; "
                "use a factor >= 0 (0 closes the day)"
            )

    def applies_to(self, channel: str) -> bool:
        """Return whether the day affects ``channel``."""
        return self.channel is None or self.channel == channel


def public_holidays(
    country: str, start: dt.date, end: dt.date
) -> tuple[SpecialDay, ...]:
    """Return the public holidays of a country between two dates (inclusive).

    Parameters
    ----------
    country : str
        ISO 3166 country code understood by the ``holidays`` package (e.g. ``"IL"``,
        ``"FI"``, ``"GB"``).
    start, end : datetime.date
        First and last date.

    Returns
    -------
    tuple of SpecialDay
        One ``holiday`` day per public holiday, sorted by date.

    Raises
    ------
    ForecastError
        If the country code is not supported.
    """
    try:
        calendar = holidays.country_holidays(
            country, years=range(start.year, end.year + 1)
        )
    except NotImplementedError as error:
        raise ForecastError(
            f"country {country!r} is not supported by the holidays package; use an "
            "ISO 3166 alpha-2 code such as 'IL', 'FI' or 'GB'"
        ) from error
    return tuple(
        SpecialDay(date=day, kind="holiday", name=str(name))
        for day, name in sorted(calendar.items())
        if start <= day <= end
    )


def load_special_days(
    source: str | Path | pd.DataFrame, *, channels: Iterable[str] | None = None
) -> tuple[SpecialDay, ...]:
    """Load and validate a user special-days file.

    Parameters
    ----------
    source : str, Path or DataFrame
        ``special_days.csv`` with columns ``date, kind, multiplier, channel``
        (``multiplier`` and ``channel`` optional).
    channels : iterable of str, optional
        Known channel names; other names are an error.

    Returns
    -------
    tuple of SpecialDay
        Sorted by date.

    Raises
    ------
    ForecastError
        Naming the file, line, column and value of the first problem.
    """
    if isinstance(source, pd.DataFrame):
        name, raw, first_line = "<DataFrame>", source.reset_index(drop=True), 1
    else:
        name, first_line = str(source), 2
        raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    for column in ("date", "kind"):
        if column not in raw.columns:
            raise ForecastError(
                f"{name}: missing column {column!r}; special days need the columns "
                "date, kind, multiplier, channel"
            )
    known = None if channels is None else sorted(set(channels))
    days = []
    for position, record in enumerate(raw.to_dict("records")):
        row = {str(key): value for key, value in record.items()}
        where = f"{name}, line {position + first_line}"
        days.append(_special_day(row, where, known))
    return tuple(sorted(days, key=lambda day: day.date))


def _special_day(
    row: dict[str, object], where: str, known: Sequence[str] | None
) -> SpecialDay:
    text = str(row["date"]).strip()
    try:
        date = dt.date.fromisoformat(text)
    except ValueError as error:
        raise ForecastError(
            f"{where}, column 'date': {text!r} is not a date; write it as YYYY-MM-DD"
        ) from error
    kind = str(row["kind"]).strip()
    if kind not in USER_KINDS:
        raise ForecastError(
            f"{where}, column 'kind': {kind!r} is not one of {list(USER_KINDS)}"
        )
    multiplier = 0.0 if kind == "closed" else _multiplier(row, where)
    channel = str(row.get("channel") or "").strip() or None
    if channel is not None and known is not None and channel not in known:
        raise ForecastError(
            f"{where}, column 'channel': {channel!r} is not a known channel; use one "
            f"of {list(known)} or leave it blank for all channels"
        )
    return SpecialDay(
        date=date,
        kind="closed" if kind == "closed" else "multiplier",
        multiplier=multiplier,
        channel=channel,
        name=kind,
    )


def _multiplier(row: dict[str, object], where: str) -> float:
    text = str(row.get("multiplier") or "").strip()
    try:
        value = float(text)
    except ValueError as error:
        raise ForecastError(
            f"{where}, column 'multiplier': {text!r} is not a number; multiplier "
            "rows need a factor such as 1.3 (30 % more contacts)"
        ) from error
    if value < 0 or value != value:
        raise ForecastError(
            f"{where}, column 'multiplier': {text!r} must be a number >= 0"
        )
    return value
