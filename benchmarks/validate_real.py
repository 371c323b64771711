"""The staffing maths against a real call centre: Anonymous Bank, January 1999.

From the bank's per-call log (``../shared/data/anonymous_bank_1999/``, read by
:func:`forecasts.anonymous_bank.read_calls`; data of I. Guedj and A. Mandelbaum,
Technion SEE lab, as studied by Brown et al. 2005, JASA) this script reconstructs,
per 30-minute interval:

* calls offered to agents: calls that reached the agents' queue (served, or hung up
  while queued); calls that hung up in the voice-response unit never asked for an
  agent and "phantom" calls are left out. A call belongs to the interval in which
  it was offered (queue entry, or service start for a call answered at once);
* handle time: the mean ``ser_time`` of the interval's served calls (the month's
  mean where none was served);
* agents serving: the distinct ``server`` names with a service in progress during
  the interval (a reconstruction: an agent on duty who served nobody is missed,
  one who served a single call is counted for the whole interval);
* observed shares of the calls offered: answered, waiting (time in queue > 0) and
  abandoning (hung up while queued);
* patience: exponential, estimated by maximum likelihood from the whole month with
  abandonment as the event and service as censoring: mean patience = total time
  in queue of the calls that queued / calls abandoned.

Each interval's shares are then predicted from those inputs by Erlang C (no
abandonment: everyone is answered), Erlang A (:mod:`scheduler.erlang`, with the
estimated patience) and the simulator (:mod:`scheduler.simulate`, the whole month
played out with the reconstructed agents per interval, Poisson arrivals at the
offered counts, exponential handle times and patience, ``--replications``
replications). Printed, one JSON line each: the month (mean absolute error over
intervals per model and share, contact-weighted shares), and every hour of the day.
Intervals with fewer than ``MIN_OFFERED`` calls offered, or no agent, are left out
of the errors (their shares are mostly noise).

Usage: ``python benchmarks/validate_real.py [--smoke] [--replications N]``;
``--smoke`` uses the first three days of the log and 3 replications.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import sys
import time
import tomllib
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from forecasts.anonymous_bank import (
    CALL_LOG_FILE,
    HUNG_UP,
    NO_SERVER,
    SERVED,
    read_calls,
)
from scheduler import schema as col
from scheduler.config import SAMPLE_DIR, WEEKDAYS, Centre, parse_centre
from scheduler.erlang import LiveQueue, queue_metrics
from scheduler.evaluate import scheduled_per_interval
from scheduler.requirements import compute_requirements
from scheduler.simulate import SimulationSettings, simulate_roster

logger = logging.getLogger("benchmarks.validate_real")

INTERVAL_MINUTES = 30
INTERVAL_S = INTERVAL_MINUTES * 60
ZONE = "Asia/Jerusalem"
#: Least calls offered in an interval for its shares to count in the errors.
MIN_OFFERED = 10
#: The bank's service-level threshold is not published; 20 s is only used for the
#: models' inputs here and none of the shares compared depends on it.
ANSWER_WITHIN_S = 20
SHARES = ("answered", "waiting", "abandoning")
#: Idle time after which a server counts as away, in the "sessions" staffing.
SESSION_GAP_MINUTES = 10.0
MODELS = ("erlang_c", "erlang_a", "simulation")
FloatArray = npt.NDArray[np.float64]


def reconstruct(calls: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """Per-interval inputs and observed shares, and the estimated mean patience.

    Parameters
    ----------
    calls : pandas.DataFrame
        :func:`forecasts.anonymous_bank.read_calls`.

    Returns
    -------
    intervals : pandas.DataFrame
        One row per 30-minute interval of every day in the log: ``interval_start``
        (naive local), ``offered, answered, waiting, abandoning`` (counts) and
        ``aht_seconds`` (NaN where nothing was served).
    patience_s : float
        Mean patience of the exponential fitted to the month, seconds.
    """
    queued = calls["queued"].notna()
    served = calls["outcome"] == SERVED
    abandoned = (calls["outcome"] == HUNG_UP) & queued
    offered = calls.loc[served | abandoned].copy()
    offered_at = offered["queued"].fillna(offered["service_start"])
    offered_at = offered_at.fillna(offered["arrival"])
    offered["interval_start"] = offered_at.dt.floor(f"{INTERVAL_MINUTES}min")
    offered["answered"] = offered["outcome"] == SERVED
    offered["abandoning"] = offered["outcome"] == HUNG_UP
    offered["waiting"] = offered["queue_s"] > 0
    offered["handle_s"] = offered["service_s"].where(
        offered["answered"] & (offered["service_s"] > 0)
    )
    counts = offered.groupby("interval_start").agg(
        offered=("call_id", "size"),
        answered=("answered", "sum"),
        waiting=("waiting", "sum"),
        abandoning=("abandoning", "sum"),
        aht_seconds=("handle_s", "mean"),
    )

    days = pd.DatetimeIndex(sorted(calls["arrival"].dt.normalize().unique()))
    per_day = pd.timedelta_range(
        "0min", periods=24 * 60 // INTERVAL_MINUTES, freq=f"{INTERVAL_MINUTES}min"
    )
    grid = pd.DatetimeIndex(
        (days.to_numpy()[:, None] + per_day.to_numpy()[None, :]).ravel()
    )
    intervals = counts.reindex(grid)
    for name in ("offered", "answered", "waiting", "abandoning"):
        intervals[name] = intervals[name].fillna(0).astype(int)
    intervals = intervals.rename_axis("interval_start").reset_index()

    waited_s = float(offered.loc[offered["queued"].notna(), "queue_s"].sum())
    patience_s = waited_s / max(int(offered["abandoning"].sum()), 1)
    return intervals, patience_s


def _spans(calls: pd.DataFrame) -> pd.DataFrame:
    """Services with their times: ``server, start, end`` (end after start)."""
    spans = calls.loc[
        calls["service_start"].notna() & (calls["server"] != NO_SERVER),
        ["server", "service_start", "service_end"],
    ].rename(columns={"service_start": "start", "service_end": "end"})
    spans["end"] = spans["end"].where(
        spans["end"] > spans["start"], spans["start"] + pd.Timedelta(seconds=1)
    )
    return spans.sort_values(["server", "start"], ignore_index=True)


def distinct_servers(calls: pd.DataFrame, grid: pd.Series) -> pd.DataFrame:
    """Roster of the "distinct servers" reconstruction: in each interval, as many
    agents all through it as distinct servers served during it."""
    spans = _spans(calls)
    step = pd.Timedelta(minutes=INTERVAL_MINUTES)
    first = spans["start"].dt.floor(f"{INTERVAL_MINUTES}min")
    last = (spans["end"] - pd.Timedelta(seconds=1)).dt.floor(f"{INTERVAL_MINUTES}min")
    steps = ((last - first) / step).astype(int).to_numpy() + 1
    covered = pd.DataFrame(
        {
            "server": np.repeat(spans["server"].to_numpy(), steps),
            "interval_start": np.repeat(first.to_numpy(), steps)
            + np.concatenate([np.arange(k) for k in steps]) * step,
        }
    )
    count = covered.groupby("interval_start")["server"].nunique()
    agents = count.reindex(pd.DatetimeIndex(grid)).fillna(0).astype(int).to_numpy()
    rows = []
    for i in range(int(agents.max(initial=0))):
        edges = np.diff(np.concatenate([[0], (agents > i).astype(int), [0]]))
        for begin, stop in zip(
            np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True
        ):
            rows.append(
                {
                    "agent_id": f"S{i:03d}",
                    "start": grid.iloc[begin],
                    "end": grid.iloc[stop - 1] + step,
                }
            )
    return pd.DataFrame(rows)


def sessions(calls: pd.DataFrame, gap_minutes: float) -> pd.DataFrame:
    """Roster of the "sessions" reconstruction: each server is at work from the
    start of a run of services to its end, runs split by idle gaps longer than
    ``gap_minutes``."""
    spans = _spans(calls)
    reach = spans.groupby("server")["end"].cummax()
    before = reach.groupby(spans["server"]).shift()
    new = before.isna() | (spans["start"] - before > pd.Timedelta(minutes=gap_minutes))
    runs = spans.assign(run=new.cumsum()).groupby("run")
    return pd.DataFrame(
        {
            "agent_id": runs["server"].first(),
            "start": runs["start"].min(),
            "end": runs["end"].max(),
        }
    ).reset_index(drop=True)


def bank_centre(patience_s: float) -> Centre:
    """The sample centre's rules with one phone channel open round the clock."""
    data: dict[str, Any] = copy.deepcopy(
        tomllib.loads((SAMPLE_DIR / "centre.toml").read_text(encoding="utf-8"))
    )
    data["centre"].update(
        name="Anonymous Bank 1999",
        time_zone=ZONE,
        interval_minutes=INTERVAL_MINUTES,
        week_start="sunday",
        country="IL",
    )
    data["sites"] = ["contact_centre"]
    data["channels"] = {
        "phone": {
            "kind": "live",
            "service_level": 0.8,
            "answer_within_seconds": ANSWER_WITHIN_S,
            "default_aht_seconds": 180,
            "patience_seconds": patience_s,
            "opening_hours": dict.fromkeys(WEEKDAYS, "00:00-24:00"),
        }
    }
    return parse_centre(data, source="Anonymous Bank centre")


def _shares(metrics: Any) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "answered": 1.0 - metrics.prob_abandon,
            "waiting": metrics.prob_wait,
            "abandoning": metrics.prob_abandon,
        }
    )


def _interpolated(
    model: LiveQueue, agents: FloatArray, offered: FloatArray, aht: FloatArray
) -> pd.DataFrame:
    """Shares at a fractional headcount: linear between floor and floor + 1."""
    low = np.floor(agents + 1e-9)
    weight = (agents - low)[:, None]
    shares = [
        _shares(
            queue_metrics(
                model, n.astype(np.int64), offered, aht, INTERVAL_S, ANSWER_WITHIN_S
            )
        )
        for n in (low, low + 1)
    ]
    mixed = shares[0].to_numpy() * (1 - weight) + shares[1].to_numpy() * weight
    return pd.DataFrame(mixed, columns=list(SHARES))


def predict(
    intervals: pd.DataFrame,
    roster: pd.DataFrame,
    patience_s: float,
    replications: int,
    seed: int,
) -> tuple[dict[str, pd.DataFrame], FloatArray, float]:
    """Predicted shares per interval by each model, the agents per interval, and
    the simulation's seconds per replication."""
    grid = intervals["interval_start"]
    offered = intervals["offered"].to_numpy(np.float64)
    served = intervals["aht_seconds"].notna()
    mean_aht = float(
        np.average(
            intervals.loc[served, "aht_seconds"],
            weights=intervals.loc[served, "answered"],
        )
    )
    aht = intervals["aht_seconds"].fillna(mean_aht).to_numpy(np.float64)
    centre = bank_centre(patience_s)
    stamps = grid.dt.tz_localize(centre.zone)
    forecast = pd.DataFrame(
        {
            col.CHANNEL: "phone",
            col.INTERVAL_START: stamps,
            col.CONTACTS: offered,
            col.AHT_SECONDS: aht,
        }
    )
    requirements = compute_requirements(forecast, centre, source="bank log")
    start = roster["start"].dt.tz_localize(centre.zone)
    frame = pd.DataFrame(
        {
            col.AGENT_ID: roster["agent_id"],
            col.DATE: start.dt.date,
            col.START: start,
            col.END: roster["end"].dt.tz_localize(centre.zone),
            col.ACTIVITY: "work",
            col.CHANNEL: "phone",
        }
    )
    scheduled = scheduled_per_interval(frame, requirements, centre)[col.SCHEDULED]
    agents = scheduled.to_numpy(np.float64)
    predictions = {
        "erlang_c": _interpolated(LiveQueue(), agents, offered, aht),
        "erlang_a": _interpolated(LiveQueue(patience_s), agents, offered, aht),
    }
    names = sorted(set(roster["agent_id"]))
    staff = pd.DataFrame(
        {
            "agent_id": names,
            "name": names,
            "contract": "full_time",
            "skills": [("phone",)] * len(names),
            "site": "contact_centre",
        }
    )
    simulation = simulate_roster(
        frame,
        requirements,
        centre,
        staff,
        SimulationSettings(
            replications=replications, seed=seed, routing="rostered", workers=2
        ),
        email_carry_in_s={},
    )
    figures = simulation.intervals.set_index(col.INTERVAL_START).reindex(stamps)
    predictions["simulation"] = pd.DataFrame(
        {
            "answered": 1.0 - figures[col.PROB_ABANDON].to_numpy(),
            "waiting": figures[col.PROB_WAIT].to_numpy(),
            "abandoning": figures[col.PROB_ABANDON].to_numpy(),
        }
    )
    return predictions, agents, simulation.wall_s_per_replication


def _errors(
    observed: pd.DataFrame,
    predictions: dict[str, pd.DataFrame],
    rows: npt.NDArray[np.bool_],
) -> dict[str, dict[str, float | None]]:
    """Mean absolute error over the selected intervals, per model and share."""
    out: dict[str, dict[str, float | None]] = {}
    for model, predicted in predictions.items():
        out[model] = {}
        for share in SHARES:
            gap = (predicted[share].to_numpy() - observed[share].to_numpy())[rows]
            gap = gap[np.isfinite(gap)]
            out[model][share] = (
                round(float(np.abs(gap).mean()), 4) if gap.size else None
            )
    return out


def _weighted(
    observed: pd.DataFrame,
    predictions: dict[str, pd.DataFrame],
    rows: npt.NDArray[np.bool_],
) -> dict[str, dict[str, float]]:
    """Shares over the selected intervals, weighted by calls offered."""
    weights = observed["offered"].to_numpy(np.float64)[rows]
    frames = {"observed": observed, **predictions}
    return {
        name: {
            share: round(
                float(
                    np.average(
                        np.nan_to_num(frame[share].to_numpy()[rows]), weights=weights
                    )
                ),
                4,
            )
            for share in SHARES
        }
        for name, frame in frames.items()
    }


def run(days: int | None, replications: int, seed: int) -> list[dict[str, Any]]:
    """Per staffing reconstruction: the month's record and one per hour of the day."""
    calls = read_calls(CALL_LOG_FILE)
    if days is not None:
        first = calls["arrival"].dt.normalize().min()
        calls = calls.loc[calls["arrival"] < first + pd.Timedelta(days=days)]
    intervals, patience_s = reconstruct(calls)
    grid = intervals["interval_start"]
    observed = intervals.copy()
    for share in SHARES:
        with np.errstate(invalid="ignore", divide="ignore"):
            observed[share] = intervals[share] / intervals["offered"]
    rosters = {
        "distinct_servers": distinct_servers(calls, grid),
        f"sessions_{SESSION_GAP_MINUTES:g}min_gaps": sessions(
            calls, SESSION_GAP_MINUTES
        ),
    }
    records: list[dict[str, Any]] = []
    hours = grid.dt.hour.to_numpy()
    for staffing, roster in rosters.items():
        started = time.perf_counter()
        predictions, agents, sim_s = predict(
            intervals, roster, patience_s, replications, seed
        )
        rows = ((intervals["offered"] >= MIN_OFFERED) & (agents > 0)).to_numpy()
        served = intervals["aht_seconds"].notna().to_numpy() & rows
        records.append(
            {
                "case": "anonymous_bank_1999_01" + ("_smoke" if days else ""),
                "staffing": staffing,
                "days": int(grid.dt.normalize().nunique()),
                "intervals": int(rows.sum()),
                "calls_offered": int(intervals.loc[rows, "offered"].sum()),
                "min_offered_per_interval": MIN_OFFERED,
                "patience_s": round(patience_s, 1),
                "aht_s": round(
                    float(
                        np.average(
                            intervals.loc[served, "aht_seconds"],
                            weights=intervals.loc[served, "answered"],
                        )
                    ),
                    1,
                ),
                "mean_agents": round(float(agents[rows].mean()), 2),
                "mean_offered_load_erlangs": round(
                    float(
                        (
                            intervals.loc[rows, "offered"]
                            * intervals.loc[rows, "aht_seconds"].fillna(0)
                        ).sum()
                        / INTERVAL_S
                        / rows.sum()
                    ),
                    2,
                ),
                "replications": replications,
                "simulation_s_per_replication": round(sim_s, 3),
                "mae": _errors(observed, predictions, rows),
                "contact_weighted_shares": _weighted(observed, predictions, rows),
                "wall_s": round(time.perf_counter() - started, 2),
            }
        )
        for hour in range(24):
            in_hour = rows & (hours == hour)
            if in_hour.any():
                records.append(
                    {
                        "case": "by_hour",
                        "staffing": staffing,
                        "hour": hour,
                        "intervals": int(in_hour.sum()),
                        "mae": _errors(observed, predictions, in_hour),
                        "contact_weighted_shares": _weighted(
                            observed, predictions, in_hour
                        ),
                    }
                )
    return records


def main(argv: Sequence[str] | None = None) -> int:
    """Print the JSON lines; 0 on success."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="three days, 3 replications"
    )
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    replications = args.replications or (3 if args.smoke else 20)
    for record in run(3 if args.smoke else None, replications, args.seed):
        print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
