"""History and forecast frames: column names, loading, validation and aggregation.

The public contract (DESIGN section 3) is a long frame with one row per channel and
interval: ``channel, interval_start, contacts, aht_seconds`` and, in forecasts,
``contacts_lo, contacts_hi`` (80 % prediction interval). Internally the package uses
statsforecast's long frame ``unique_id, ds, y``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

CHANNEL = "channel"
INTERVAL_START = "interval_start"
CONTACTS = "contacts"
AHT_S = "aht_seconds"
CONTACTS_LO = "contacts_lo"
CONTACTS_HI = "contacts_hi"
HISTORY_COLUMNS = (CHANNEL, INTERVAL_START, CONTACTS, AHT_S)
FORECAST_COLUMNS = (CHANNEL, INTERVAL_START, CONTACTS, CONTACTS_LO, CONTACTS_HI, AHT_S)

UNIQUE_ID = "unique_id"
DS = "ds"
Y = "y"

MINUTES_PER_DAY = 1440


class ForecastError(ValueError):
    """Input to the forecasting package is invalid; the message says how to fix it."""


class HistoryError(ForecastError):
    """A history file or frame is invalid.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    source : str
        The file name, or ``"<DataFrame>"``.
    line : int or None
        1-based CSV line (the header is line 1), or 1-based row of a frame.
    column : str or None
        The offending column.
    value : object
        The offending value.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str,
        line: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        where = source
        if line is not None:
            where += f", {'line' if source != _FRAME_SOURCE else 'row'} {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line
        self.column = column
        self.value = value


_FRAME_SOURCE = "<DataFrame>"
_LINE = "_line"


def load_history(
    source: str | Path | pd.DataFrame,
    *,
    interval_minutes: int | None = None,
    channels: Iterable[str] | None = None,
    default_aht_s: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Load, validate and (if needed) aggregate a contact history.

    Parameters
    ----------
    source : str, Path or DataFrame
        A ``history.csv`` path (may be gzipped) or a frame with the history columns.
    interval_minutes : int, optional
        The plan's interval in minutes. Finer data is aggregated to it when it is a
        whole multiple of the data's interval. Default: the data's own interval.
    channels : iterable of str, optional
        Configured channel names; rows for any other channel are an error.
    default_aht_s : mapping of str to float, optional
        Default handle time in seconds per channel, used where ``aht_seconds`` is
        blank.

    Returns
    -------
    DataFrame
        Columns ``channel`` (str), ``interval_start`` (Timestamp, tz-naive unless the
        file carries an offset), ``contacts`` (float, >= 0) and ``aht_seconds``
        (float seconds, NaN where unknown), sorted by channel and time, with no gaps.

    Raises
    ------
    HistoryError
        Naming the file, line, column and value of the first problem found.
    """
    name, raw = _read(source)
    frame = _validate_rows(raw, name, channels, default_aht_s)
    data_minutes = _infer_interval(frame, name)
    _check_alignment(frame, name, data_minutes)
    _check_duplicates(frame, name)
    _check_gaps(frame, name, data_minutes)
    frame = frame.drop(columns=_LINE)
    target = data_minutes if interval_minutes is None else interval_minutes
    return aggregate_history(frame, data_minutes, target, source=name)


def _read(source: str | Path | pd.DataFrame) -> tuple[str, pd.DataFrame]:
    if isinstance(source, pd.DataFrame):
        raw = source.reset_index(drop=True).copy()
        raw[_LINE] = np.arange(1, len(raw) + 1)
        return _FRAME_SOURCE, raw
    name = str(source)
    try:
        raw = pd.read_csv(source, dtype={CHANNEL: str, INTERVAL_START: str})
    except FileNotFoundError as error:
        raise HistoryError(
            "file not found; pass the path of a history CSV", source=name
        ) from error
    raw[_LINE] = np.arange(2, len(raw) + 2)
    return name, raw


def _validate_rows(
    raw: pd.DataFrame,
    name: str,
    channels: Iterable[str] | None,
    default_aht_s: Mapping[str, float] | None,
) -> pd.DataFrame:
    missing = [c for c in (CHANNEL, INTERVAL_START, CONTACTS) if c not in raw.columns]
    if missing:
        raise HistoryError(
            f"missing column(s) {missing}; a history needs the columns "
            f"{list(HISTORY_COLUMNS)} ({AHT_S!r} may be blank)",
            source=name,
        )
    if raw.empty:
        raise HistoryError("the history has no rows", source=name)
    frame = pd.DataFrame({_LINE: raw[_LINE].to_numpy()})
    frame[CHANNEL] = _channels(raw, name, channels)
    frame[INTERVAL_START] = _timestamps(raw, name)
    frame[CONTACTS] = _numbers(raw, name, CONTACTS, allow_blank=False)
    bad = frame[CONTACTS] < 0
    if bad.any():
        _raise_at(
            raw,
            bad,
            name,
            CONTACTS,
            "is negative; contacts must be >= 0 (use 0 "
            "for an interval without contacts)",
        )
    if AHT_S in raw.columns:
        aht = _numbers(raw, name, AHT_S, allow_blank=True)
        bad = aht <= 0
        if bad.any():
            _raise_at(
                raw,
                bad,
                name,
                AHT_S,
                "is not positive; aht_seconds must be > 0 or left blank",
            )
    else:
        aht = pd.Series(np.nan, index=raw.index)
    if default_aht_s:
        aht = aht.fillna(frame[CHANNEL].map(default_aht_s))
    frame[AHT_S] = aht.astype(float)
    return frame


def _raise_at(
    raw: pd.DataFrame, bad: pd.Series, name: str, column: str, problem: str
) -> None:
    first = int(np.flatnonzero(bad.to_numpy())[0])
    value = raw[column].iloc[first]
    raise HistoryError(
        f"value {str(value)!r} {problem}",
        source=name,
        line=int(raw[_LINE].iloc[first]),
        column=column,
        value=value,
    )


def _channels(
    raw: pd.DataFrame, name: str, channels: Iterable[str] | None
) -> pd.Series:
    values = raw[CHANNEL].astype("string").str.strip()
    blank = values.isna() | (values == "")
    if blank.any():
        _raise_at(raw, blank, name, CHANNEL, "is blank; every row needs a channel")
    if channels is not None:
        known = sorted(set(channels))
        unknown = ~values.isin(known)
        if unknown.any():
            _raise_at(
                raw,
                unknown,
                name,
                CHANNEL,
                f"is not a configured channel; use one of {known} or add it to "
                "the centre's channels",
            )
    return values.astype(str)


def _timestamps(raw: pd.DataFrame, name: str) -> pd.Series:
    text = raw[INTERVAL_START].astype("string").str.strip()
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    bad = parsed.isna()
    if bad.any():
        _raise_at(
            raw,
            bad,
            name,
            INTERVAL_START,
            "is not an ISO 8601 time; write it like 2026-01-05T08:30 "
            "(optionally with an offset like +02:00)",
        )
    if parsed.dtype == object:
        raise HistoryError(
            "timestamps mix UTC offsets (daylight saving?); write local times "
            "without an offset, or all with the same offset",
            source=name,
            column=INTERVAL_START,
        )
    return parsed


def _numbers(
    raw: pd.DataFrame, name: str, column: str, *, allow_blank: bool
) -> pd.Series:
    values = pd.to_numeric(raw[column], errors="coerce")
    bad = values.isna() & raw[column].notna()
    if not allow_blank:
        bad |= raw[column].isna()
    if bad.any():
        _raise_at(raw, bad, name, column, "is not a number")
    bad = ~np.isfinite(values.fillna(0.0))
    if bad.any():
        _raise_at(raw, bad, name, column, "is not finite")
    return values.astype(float)


def _minute_of_day(stamps: pd.Series) -> pd.Series:
    minutes: pd.Series = stamps.dt.hour * 60 + stamps.dt.minute + stamps.dt.second / 60
    return minutes


def _infer_interval(frame: pd.DataFrame, name: str) -> int:
    steps = (
        frame.sort_values([CHANNEL, INTERVAL_START])
        .groupby(CHANNEL)[INTERVAL_START]
        .diff()
        .dropna()
    )
    steps = steps[steps > pd.Timedelta(0)]
    if steps.empty:
        raise HistoryError(
            "cannot tell the data's interval from a single timestamp per channel; "
            "give at least two consecutive intervals",
            source=name,
            column=INTERVAL_START,
        )
    minutes = steps.dt.total_seconds() / 60
    step = float(minutes.mode().min())
    if step != int(step) or MINUTES_PER_DAY % int(step):
        raise HistoryError(
            f"the usual step between timestamps is {step:g} min, which does not "
            f"divide a day; use an interval such as 5, 6, 10, 15, 30 or 60 min",
            source=name,
            column=INTERVAL_START,
        )
    return int(step)


def infer_interval_minutes(history: pd.DataFrame) -> int:
    """Return the interval of a validated history frame, in minutes.

    Parameters
    ----------
    history : DataFrame
        A frame as returned by :func:`load_history`.

    Returns
    -------
    int
        The most common step between consecutive timestamps of a channel, in
        minutes.
    """
    return _infer_interval(history, _FRAME_SOURCE)


def _check_alignment(frame: pd.DataFrame, name: str, data_minutes: int) -> None:
    bad = (_minute_of_day(frame[INTERVAL_START]) % data_minutes) != 0
    if bad.any():
        row = frame[bad].iloc[0]
        raise HistoryError(
            f"value {row[INTERVAL_START].isoformat()!r} is not aligned to the data's "
            f"{data_minutes}-minute interval; interval starts must fall on multiples "
            f"of {data_minutes} min after midnight",
            source=name,
            line=int(row[_LINE]),
            column=INTERVAL_START,
            value=row[INTERVAL_START],
        )


def _check_duplicates(frame: pd.DataFrame, name: str) -> None:
    dup = frame.duplicated([CHANNEL, INTERVAL_START], keep="first")
    if dup.any():
        row = frame[dup].iloc[0]
        first = frame[
            (frame[CHANNEL] == row[CHANNEL])
            & (frame[INTERVAL_START] == row[INTERVAL_START])
        ].iloc[0]
        raise HistoryError(
            f"duplicate row for channel {row[CHANNEL]!r} at "
            f"{row[INTERVAL_START].isoformat()} (first seen at line/row "
            f"{int(first[_LINE])}); keep one row per channel and interval",
            source=name,
            line=int(row[_LINE]),
            column=INTERVAL_START,
            value=row[INTERVAL_START],
        )


def _check_gaps(frame: pd.DataFrame, name: str, data_minutes: int) -> None:
    step = pd.Timedelta(minutes=data_minutes)
    for channel, group in frame.sort_values(INTERVAL_START).groupby(CHANNEL):
        stamps = group[INTERVAL_START]
        jumps = stamps.diff() > step
        if jumps.any():
            position = int(np.flatnonzero(jumps.to_numpy())[0])
            before = stamps.iloc[position - 1]
            after = stamps.iloc[position]
            count = int((after - before) / step) - 1
            raise HistoryError(
                f"channel {channel!r} has a gap of {count} interval(s) between "
                f"{before.isoformat()} and {after.isoformat()}; add rows with "
                "contacts 0 for closed intervals",
                source=name,
                line=int(group[_LINE].iloc[position]),
                column=INTERVAL_START,
                value=after,
            )


def aggregate_history(
    history: pd.DataFrame,
    data_minutes: int,
    interval_minutes: int,
    *,
    source: str = _FRAME_SOURCE,
) -> pd.DataFrame:
    """Aggregate a history to a coarser interval.

    Contacts are summed; handle time is the contact-weighted mean of the known
    values. Buckets only partly covered at the start or end of a channel's history
    are dropped (logged), so totals of the complete buckets are preserved exactly.

    Parameters
    ----------
    history : DataFrame
        A validated history at ``data_minutes``.
    data_minutes : int
        The history's interval, in minutes.
    interval_minutes : int
        The target interval, in minutes; a whole multiple of ``data_minutes`` that
        divides a day.
    source : str
        Name used in error messages.

    Returns
    -------
    DataFrame
        The history at ``interval_minutes``.

    Raises
    ------
    HistoryError
        If the target is finer than the data or not a whole multiple of it.
    """
    if interval_minutes == data_minutes:
        return history.sort_values([CHANNEL, INTERVAL_START], ignore_index=True)
    if (
        interval_minutes < data_minutes
        or interval_minutes % data_minutes
        or MINUTES_PER_DAY % interval_minutes
    ):
        raise HistoryError(
            f"cannot aggregate {data_minutes}-minute data to {interval_minutes}-minute "
            f"intervals exactly: the plan interval must be a whole multiple of "
            f"{data_minutes} min that divides a day (e.g. "
            f"{math.lcm(data_minutes, 15)} or {math.lcm(data_minutes, 30)}); change "
            "the plan interval or supply data at a compatible interval",
            source=source,
            column=INTERVAL_START,
            value=interval_minutes,
        )
    per_bucket = interval_minutes // data_minutes
    frame = history.copy()
    frame[INTERVAL_START] = frame[INTERVAL_START].dt.floor(f"{interval_minutes}min")
    frame["_work"] = frame[CONTACTS] * frame[AHT_S]
    frame["_known"] = frame[CONTACTS].where(frame[AHT_S].notna(), 0.0)
    grouped = frame.groupby([CHANNEL, INTERVAL_START], sort=True)
    out = grouped.agg(
        **{
            CONTACTS: (CONTACTS, "sum"),
            "_work": ("_work", "sum"),
            "_known": ("_known", "sum"),
            "_any_aht": (AHT_S, "count"),
            "_n": (CONTACTS, "size"),
        }
    ).reset_index()
    complete = out["_n"] == per_bucket
    if not complete.all():
        logger.warning(
            "dropped %d partly covered %d-minute bucket(s) at the edges of the history",
            int((~complete).sum()),
            interval_minutes,
        )
    out = out[complete]
    weighted = out["_work"] / out["_known"].where(out["_known"] > 0)
    plain = (
        grouped[AHT_S]
        .mean()
        .reindex(pd.MultiIndex.from_frame(out[[CHANNEL, INTERVAL_START]]))
    )
    out[AHT_S] = weighted.fillna(pd.Series(plain.to_numpy(), index=out.index))
    out[AHT_S] = out[AHT_S].where(out["_any_aht"] > 0)
    return out[list(HISTORY_COLUMNS)].reset_index(drop=True)


def to_long(history: pd.DataFrame) -> pd.DataFrame:
    """Convert a history frame to statsforecast's ``unique_id, ds, y`` frame.

    Parameters
    ----------
    history : DataFrame
        A validated history.

    Returns
    -------
    DataFrame
        Columns ``unique_id`` (channel), ``ds`` (tz-naive local time) and ``y``
        (contacts), sorted.
    """
    stamps = history[INTERVAL_START]
    if stamps.dt.tz is not None:
        stamps = stamps.dt.tz_localize(None)
    return (
        pd.DataFrame({UNIQUE_ID: history[CHANNEL], DS: stamps, Y: history[CONTACTS]})
        .sort_values([UNIQUE_ID, DS])
        .reset_index(drop=True)
    )
