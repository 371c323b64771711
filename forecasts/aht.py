"""Handle-time forecast per channel, weekday and time of day.

For each channel, the forecast AHT of a (weekday, time-of-day) cell is the
contact-weighted mean handle time of that cell over the last weeks of history,
shrunk towards the channel's base AHT where the cell has few contacts:

    aht = (sum(contacts * aht) + k * base) / (sum(contacts) + k)

with ``k`` = ``prior_contacts``. The base is the channel's default AHT if given,
else its contact-weighted mean over the whole history.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecasts.models import DAYS_PER_WEEK
from forecasts.schema import AHT_S, CHANNEL, CONTACTS, INTERVAL_START, ForecastError

AHT_WEEKS = 8
PRIOR_CONTACTS = 30.0


def forecast_aht(
    history: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    default_aht_s: Mapping[str, float] | None = None,
    weeks: int = AHT_WEEKS,
    prior_contacts: float = PRIOR_CONTACTS,
) -> pd.Series:
    """Forecast the average handle time of each target interval.

    Parameters
    ----------
    history : DataFrame
        Validated history (``channel, interval_start, contacts, aht_seconds``);
        blank ``aht_seconds`` are ignored.
    targets : DataFrame
        ``channel, interval_start`` of the intervals to forecast.
    default_aht_s : mapping of str to float, optional
        Channel default AHT in seconds, the base the estimate is shrunk towards.
    weeks : int
        Weeks of history used per channel, counted back from its last known AHT.
    prior_contacts : float
        Weight of the base, in contacts (larger = more shrinkage).

    Returns
    -------
    Series
        AHT in seconds (> 0), aligned with ``targets``.

    Raises
    ------
    ForecastError
        If a target channel has neither handle times in the history nor a default.
    """
    defaults = dict(default_aht_s or {})
    known = history[history[AHT_S].notna() & (history[CONTACTS] > 0)]
    result = pd.Series(np.nan, index=targets.index, dtype=float)
    for channel, wanted in targets.groupby(CHANNEL, sort=False):
        rows = known[known[CHANNEL] == channel]
        base = defaults.get(str(channel))
        if base is None:
            if rows.empty:
                raise ForecastError(
                    f"channel {channel!r} has no handle times in the history and no "
                    "default AHT; fill aht_seconds in the history or give the "
                    "channel's default AHT"
                )
            base = float((rows[CONTACTS] * rows[AHT_S]).sum() / rows[CONTACTS].sum())
        cutoff = rows[INTERVAL_START].max() - pd.Timedelta(days=DAYS_PER_WEEK * weeks)
        recent = rows[rows[INTERVAL_START] > cutoff]
        work = (recent[CONTACTS] * recent[AHT_S]).groupby(_cell(recent)).sum()
        contacts = recent[CONTACTS].groupby(_cell(recent)).sum()
        cells = _cell(wanted)
        numerator = cells.map(work).fillna(0.0) + prior_contacts * base
        denominator = cells.map(contacts).fillna(0.0) + prior_contacts
        result[wanted.index] = (numerator / denominator).to_numpy()
    return result


def _cell(frame: pd.DataFrame) -> pd.Series:
    """Weekday and minute of day of each row, as one integer key."""
    stamps = frame[INTERVAL_START]
    minute = stamps.dt.hour * 60 + stamps.dt.minute
    key: pd.Series = stamps.dt.dayofweek * 1440 + minute
    return key
