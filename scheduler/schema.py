"""Column names of the frames the scheduler reads and writes (DESIGN section 3).

The forecast frame is the contract between ``forecasts/`` and ``scheduler/``: one row
per channel and interval with ``channel, interval_start, contacts, aht_seconds``.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from scheduler.config import Centre
from scheduler.exceptions import InvalidInputError

logger = logging.getLogger(__name__)

CHANNEL = "channel"
INTERVAL_START = "interval_start"
CONTACTS = "contacts"
AHT_SECONDS = "aht_seconds"
FORECAST_COLUMNS = (CHANNEL, INTERVAL_START, CONTACTS, AHT_SECONDS)

# Requirements frame (one row per interval and channel).
OPEN = "open"
MODEL = "model"
WORKLOAD_ERLANGS = "workload_erlangs"
NET_REQUIRED = "net_required"
REQUIRED = "required"
REQUIRED_FRACTIONAL = "required_fractional"
SERVICE_LEVEL = "service_level"
ASA_SECONDS = "asa_seconds"
PROB_WAIT = "prob_wait"
PROB_ABANDON = "prob_abandon"
OCCUPANCY = "occupancy"
REQUIREMENTS_COLUMNS = (
    INTERVAL_START,
    CHANNEL,
    CONTACTS,
    AHT_SECONDS,
    OPEN,
    MODEL,
    WORKLOAD_ERLANGS,
    NET_REQUIRED,
    REQUIRED,
    REQUIRED_FRACTIONAL,
    SERVICE_LEVEL,
    ASA_SECONDS,
    PROB_WAIT,
    PROB_ABANDON,
    OCCUPANCY,
)


def validate_forecast(
    forecast: pd.DataFrame, centre: Centre, source: str = "forecast"
) -> pd.DataFrame:
    """Check a forecast frame against the centre and return a clean, sorted copy.

    Blank ``aht_seconds`` take the channel's ``default_aht_seconds``. Timestamps
    without a zone are read as the centre's local time; timestamps with one are
    converted to it.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Columns ``channel, interval_start, contacts, aht_seconds`` (others kept).
    centre : Centre
        The centre whose channels and plan interval the forecast must match.
    source : str
        Name of the file or frame, for error messages.

    Raises
    ------
    InvalidInputError
        Naming the column, channel, row or timestamp at fault and how to fix it.
    """
    missing = [c for c in FORECAST_COLUMNS if c not in forecast.columns]
    if missing:
        raise InvalidInputError(
            f"{source}: missing column(s) {', '.join(missing)}; a forecast has the "
            f"columns {', '.join(FORECAST_COLUMNS)}"
        )
    # Rows are named by their position from 1, as a person counts data rows.
    forecast = forecast.reset_index(drop=True)
    forecast.index += 1
    frame = forecast.copy()
    unknown = ~frame[CHANNEL].astype(str).isin(list(centre.channels))
    if unknown.any():
        where = frame.index[unknown][0]
        names = sorted(set(frame.loc[unknown, CHANNEL].astype(str)))
        raise InvalidInputError(
            f"{source}: row {where}: channel(s) {', '.join(map(repr, names))} are not "
            f"configured in the centre (configured: {', '.join(centre.channels)}); "
            "rename them or add [channels.NAME] to centre.toml"
        )
    frame[CHANNEL] = frame[CHANNEL].astype(str)
    stamps = pd.to_datetime(frame[INTERVAL_START], errors="coerce")
    if stamps.isna().any():
        where = frame.index[stamps.isna()][0]
        raise InvalidInputError(
            f"{source}: row {where}: interval_start "
            f"{forecast.loc[where, INTERVAL_START]!r} is not an ISO 8601 timestamp "
            "like 2026-01-05T08:00"
        )
    if stamps.dt.tz is None:
        # In autumn the hour before the clock change happens twice: a local time in
        # it is read as its first (summer-time) occurrence. In spring that hour does
        # not exist, so no contact can arrive in it: its rows (which a forecast on a
        # naive grid produces) are dropped.
        local = stamps.dt.tz_localize(
            centre.zone, ambiguous=np.ones(len(stamps), dtype=bool), nonexistent="NaT"
        )
        skipped = local.isna()
        if skipped.any():
            lost = pd.to_numeric(frame.loc[skipped, CONTACTS], errors="coerce").sum()
            logger.warning(
                "%s: dropped %d rows at local times that the clocks skip in %s "
                "(%.1f contacts)",
                source,
                int(skipped.sum()),
                centre.centre.time_zone,
                lost,
            )
        frame = frame.loc[~skipped]
        stamps = local[~skipped]
    else:
        stamps = stamps.dt.tz_convert(centre.zone)
    frame[INTERVAL_START] = stamps
    minute = stamps.dt.hour * 60 + stamps.dt.minute
    misaligned = (minute % centre.interval_minutes != 0) | (stamps.dt.second != 0)
    if misaligned.any():
        where = frame.index[misaligned][0]
        raise InvalidInputError(
            f"{source}: row {where}: interval_start {stamps[where]} is not on the "
            f"{centre.interval_minutes}-minute plan grid; aggregate the forecast to "
            f"{centre.interval_minutes}-minute intervals first"
        )
    contacts = pd.to_numeric(frame[CONTACTS], errors="coerce")
    bad_contacts = contacts.isna() | (contacts < 0)
    if bad_contacts.any():
        where = frame.index[bad_contacts][0]
        raise InvalidInputError(
            f"{source}: row {where}: contacts = "
            f"{_plain(forecast.loc[where, CONTACTS])!r} must be a number >= 0"
        )
    frame[CONTACTS] = contacts.astype(float)
    aht = pd.to_numeric(frame[AHT_SECONDS], errors="coerce")
    defaults = frame[CHANNEL].map(
        {name: ch.default_aht_seconds for name, ch in centre.channels.items()}
    )
    aht = aht.where(aht.notna(), defaults)
    if (aht <= 0).any():
        where = frame.index[aht <= 0][0]
        raise InvalidInputError(
            f"{source}: row {where}: aht_seconds = {_plain(aht[where])!r} must be > 0 "
            "(leave it blank to use the channel's default_aht_seconds)"
        )
    frame[AHT_SECONDS] = aht.astype(float)
    duplicated = frame.duplicated([CHANNEL, INTERVAL_START])
    if duplicated.any():
        where = frame.index[duplicated][0]
        raise InvalidInputError(
            f"{source}: row {where}: a second row for channel "
            f"{frame.loc[where, CHANNEL]!r} at {frame.loc[where, INTERVAL_START]}; "
            "keep one row per channel and interval"
        )
    return frame.sort_values([CHANNEL, INTERVAL_START], ignore_index=True)


def _plain(value: object) -> object:
    """A numpy scalar as the Python value it holds, for readable messages."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


# Roster frame (one row per segment of a shift).
AGENT_ID = "agent_id"
DATE = "date"  # date the shift starts (datetime.date)
START = "start"  # tz-aware pandas Timestamp in the centre's zone
END = "end"
ACTIVITY = "activity"  # "work", "break" or "lunch"
LOCKED = "locked"  # optional input column: row must be kept exactly
ROSTER_COLUMNS = (AGENT_ID, DATE, START, END, ACTIVITY, CHANNEL)
ACTIVITIES = ("work", "break", "lunch")

# Coverage frame (one row per interval and channel); reuses REQUIRED above.
SCHEDULED = "scheduled"
COVERAGE_COLUMNS = (
    INTERVAL_START,
    CHANNEL,
    CONTACTS,
    AHT_SECONDS,
    REQUIRED,
    SCHEDULED,
    SERVICE_LEVEL,
    ASA_SECONDS,
    OCCUPANCY,
    PROB_ABANDON,
)
