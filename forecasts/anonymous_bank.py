"""Importers for the Anonymous Bank call-centre data (Israel, 1999).

The Technion SEE lab "Anonymous Bank" data (I. Guedj and A. Mandelbaum) is the data
set behind Brown et al. (2005, JASA) and Shen & Huang (2008). Two files are read:

- ``calls_6min_1999_h1.csv.gz``: calls offered per 6-minute interval, January to June
  1999, with a ``source_note`` on days imputed or altered by the R package Rfssa;
- ``january_calls.txt.gz``: the raw per-call log of January 1999 (tab-separated,
  CRLF), whose ``ser_time`` (seconds) gives handle times.

The bank's week starts on Sunday; Friday and Saturday are short days.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from forecasts.schema import (
    AHT_S,
    CHANNEL,
    CONTACTS,
    HISTORY_COLUMNS,
    INTERVAL_START,
    aggregate_history,
    load_history,
)

DATA_DIR = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "anonymous_bank_1999"
)
SERIES_FILE = DATA_DIR / "calls_6min_1999_h1.csv.gz"
CALL_LOG_FILE = DATA_DIR / "january_calls.txt.gz"
SERIES_MINUTES = 6


def read_calls_6min(
    path: str | Path = SERIES_FILE, *, channel: str = "phone"
) -> pd.DataFrame:
    """Read the 6-minute call series as a validated history frame.

    Parameters
    ----------
    path : str or Path
        ``calls_6min_1999_h1.csv.gz``.
    channel : str
        Channel name given to the calls.

    Returns
    -------
    DataFrame
        History frame (``channel, interval_start, contacts, aht_seconds``) at
        6-minute intervals; ``aht_seconds`` is NaN (the series has no handle times).
    """
    raw = pd.read_csv(path, dtype={"date": str, "interval_start": str})
    frame = pd.DataFrame(
        {
            CHANNEL: channel,
            INTERVAL_START: raw["date"] + "T" + raw["interval_start"],
            CONTACTS: raw["calls"],
            AHT_S: np.nan,
        }
    )
    return load_history(frame)


def source_notes(path: str | Path = SERIES_FILE) -> dict[dt.date, str]:
    """Return the dates whose counts were imputed or altered, with the note.

    Parameters
    ----------
    path : str or Path
        ``calls_6min_1999_h1.csv.gz``.

    Returns
    -------
    dict of date to str
        E.g. ``{date(1999, 1, 11): "imputed_by_rfssa(day missing in raw data)"}``.
    """
    raw = pd.read_csv(path, usecols=["date", "source_note"]).dropna()
    notes = raw.drop_duplicates("date")
    return {
        dt.date.fromisoformat(day): str(note)
        for day, note in zip(notes["date"], notes["source_note"], strict=True)
    }


#: Outcomes of the call log: served by an agent, hung up, or a "phantom" call.
SERVED = "AGENT"
HUNG_UP = "HANG"
PHANTOM = "PHANTOM"
#: Server of calls no agent served.
NO_SERVER = "NO_SERVER"
#: Time of day the log writes for "never happened" (a call that did not queue).
_NEVER = "0:00:00"


def _clock(date: pd.Series, clock: pd.Series, after: pd.Series | None) -> pd.Series:
    """Date + ``H:MM:SS``; a day later when that falls over 12 hours before
    ``after`` (the log writes times of day, and a call can cross midnight; its
    clocks disagree by a second or two, so a slightly earlier time is that day's)."""
    stamps = pd.to_datetime(date + " " + clock, format="%y%m%d %H:%M:%S")
    if after is not None:
        crossed = stamps < after - pd.Timedelta(hours=12)
        stamps = stamps.where(~crossed, stamps + pd.Timedelta(days=1))
    return stamps


def read_calls(path: str | Path = CALL_LOG_FILE) -> pd.DataFrame:
    """Read the raw per-call log, one row per call, with times as timestamps.

    Parameters
    ----------
    path : str or Path
        ``january_calls.txt.gz``.

    Returns
    -------
    DataFrame
        ``call_id, priority, type, outcome, server, arrival`` (VRU entry),
        ``queued`` (queue entry, NaT for calls that never queued), ``queue_s``
        (seconds in queue), ``service_start, service_end`` (NaT unless served)
        and ``service_s`` (handle time, seconds; 0 unless served; a few served
        calls have no service times and 0 seconds). Times are naive
        local times of the bank (Israel); a time of day before the previous one of
        the same call is on the next day.
    """
    log = pd.read_csv(path, sep="\t", dtype=str)
    log.columns = [column.strip() for column in log.columns]
    log = log.apply(lambda column: column.str.strip())
    arrival = _clock(log["date"], log["vru_entry"], None)
    queued = _clock(log["date"], log["q_start"], arrival).where(
        log["q_start"] != _NEVER
    )
    served = log["outcome"] == SERVED
    timed = served & (log["ser_start"] != _NEVER)
    service_start = _clock(log["date"], log["ser_start"], arrival).where(timed)
    service_end = _clock(log["date"], log["ser_exit"], service_start).where(served)
    return pd.DataFrame(
        {
            "call_id": log["call_id"],
            "priority": pd.to_numeric(log["priority"]),
            "type": log["type"],
            "outcome": log["outcome"],
            "server": log["server"],
            "arrival": arrival,
            "queued": queued,
            "queue_s": pd.to_numeric(log["q_time"]).astype(float),
            "service_start": service_start,
            "service_end": service_end,
            "service_s": pd.to_numeric(log["ser_time"]).where(served, 0).astype(float),
        }
    )


def read_call_log(
    path: str | Path = CALL_LOG_FILE,
    *,
    channel: str = "phone",
    interval_minutes: int = SERIES_MINUTES,
) -> pd.DataFrame:
    """Count calls and average handle time per interval from the raw call log.

    Every logged call counts as offered in the interval of its VRU entry (this
    reproduces the 6-minute series). Handle time is the mean ``ser_time`` of the
    calls served by an agent (``outcome == "AGENT"``, ``ser_time > 0``) that
    arrived in the interval, i.e. contact-weighted.

    Parameters
    ----------
    path : str or Path
        ``january_calls.txt.gz``.
    channel : str
        Channel name given to the calls.
    interval_minutes : int
        Interval length in minutes; must divide a day.

    Returns
    -------
    DataFrame
        History frame covering every interval of each day present in the log
        (intervals without calls have 0 contacts and NaN handle time). Days absent
        from the log (1999-01-11 and 1999-01-12) are absent from the frame.
    """
    calls = read_calls(path)
    arrival = calls["arrival"]
    bucket = arrival.dt.floor(f"{interval_minutes}min")
    handle_s = calls["service_s"]
    served = (calls["outcome"] == SERVED) & (handle_s > 0)
    counts = bucket.value_counts()
    aht = handle_s[served].groupby(bucket[served]).mean()
    days = pd.DatetimeIndex(sorted(arrival.dt.normalize().unique()))
    per_day = pd.timedelta_range(
        "0min", periods=1440 // interval_minutes, freq=f"{interval_minutes}min"
    )
    grid = pd.DatetimeIndex(
        (days.to_numpy()[:, None] + per_day.to_numpy()[None, :]).ravel()
    )
    frame = pd.DataFrame(
        {
            CHANNEL: channel,
            INTERVAL_START: grid,
            CONTACTS: counts.reindex(grid, fill_value=0).to_numpy(dtype=float),
            AHT_S: aht.reindex(grid).to_numpy(dtype=float),
        }
    )
    return frame[list(HISTORY_COLUMNS)]


def load_anonymous_bank(
    interval_minutes: int = 30,
    *,
    channel: str = "phone",
    series_path: str | Path = SERIES_FILE,
    call_log_path: str | Path | None = CALL_LOG_FILE,
) -> pd.DataFrame:
    """Load the bank's history: 6-minute counts plus handle times from the log.

    Parameters
    ----------
    interval_minutes : int
        Plan interval in minutes; a multiple of 6 that divides a day (6, 12, 18,
        30, 60, ...).
    channel : str
        Channel name.
    series_path : str or Path
        ``calls_6min_1999_h1.csv.gz``.
    call_log_path : str, Path or None
        ``january_calls.txt.gz``; handle times come from it where it has calls.
        None leaves ``aht_seconds`` blank.

    Returns
    -------
    DataFrame
        Validated history at ``interval_minutes``.
    """
    series = read_calls_6min(series_path, channel=channel)
    if call_log_path is not None:
        log = read_call_log(call_log_path, channel=channel).set_index(INTERVAL_START)
        series[AHT_S] = series[INTERVAL_START].map(log[AHT_S])
    return aggregate_history(series, SERIES_MINUTES, interval_minutes)
