"""Seeded benchmark centres for the roster optimiser, built in memory.

Three sizes, one week from Monday 2026-01-05, 15-minute intervals, Europe/Helsinki.
Shift, break and contract rules are the sample centre's
(``scheduler/sample/centre.toml``: full time 37.5 h fixed, part time 20-25 h and
24-30 h, two paid breaks and an unpaid lunch, 11 h rest, at most one weekend day);
the centre is a copy of the sample's TOML data with the channels and sites edited.

S (``vuoro benchmark S``, 41 agents)
    phone (``live``, Erlang A with patience) and chat (``concurrent``, concurrency
    2); one site. Mixes: phone only, phone + chat, chat only.
M (``vuoro benchmark M``, 150 agents)
    phone, chat (concurrency 3), email (``deferrable``, 90 % within 24 business
    hours, processed Mon-Fri 08-18) and face_to_face (``walk_in`` at
    ``helsinki_branch``, ``min_staff`` 2); two sites. Mixes: phone only,
    phone + chat, chat + email, email only, branch staff, branch staff + email.
L (``vuoro benchmark L``, 499 agents)
    phone, chat, email and two walk-in channels, ``face_to_face_helsinki`` at
    ``helsinki_branch`` and ``face_to_face_tampere`` at ``tampere_branch``; three
    sites. The mixes of M, with branch staff at each branch.

Opening hours are the sample's: phone Mon-Fri 08-20 and Sat 10-16, chat Mon-Fri
08-20, email processed Mon-Fri 08-18 (it arrives round the clock), branches Mon-Fri
10-18.

Demand is the expected number of contacts per interval (no Poisson noise, so every
run sees the same week): the sample centre's two-peaked intraday shapes and weekday
factors (:data:`scheduler.pipeline.SAMPLE_DEMAND`) scaled with the centre's size,
through :func:`forecasts.synthetic.contact_rates`. It does not depend on the seed.

Headcount: the weekly required agent-hours of each channel (``required_fractional``
x 0.25 h, after shrinkage) are shared out over the skill mixes in fixed shares
(e.g. 55 % of phone hours to phone-only agents, 45 % to phone + chat agents), and
each mix gets the full-time, 24-30 h and 20-25 h agents whose contracts' minimum
weekly hours are closest to 94.5 % of the mix's hours and maximum to 115 %. The
resulting ratios, contract hours over the week's required agent-hours (before
leave), are

====  ======  ==========  =========  =========  =================
size  agents  required h  min / req  max / req  full / 30 h / 20 h
====  ======  ==========  =========  =========  =================
S     41      1018        0.949      1.149      4 / 19 / 18
M     150     3717        0.946      1.149      13 / 72 / 65
L     499     12323       0.946      1.150      42 / 235 / 222
====  ======  ==========  =========  =========  =================

(:func:`contract_hour_ratios`; ``tests/benchmarks/test_centres.py`` checks them).
Paid hours need about 7 % more than the required agent-hours (paid breaks, shift
shapes: on S the LP bound on paid hours is 1085 h for 1018 required), so the
minimum stays below what covering the demand costs and the maximum leaves about
8 % room above it.
Full-time shifts are 8 h and phone's Saturday is 10-16, so Saturday falls to the
part-timers: every mix is mostly part-time (the contracts' 20-25 % spread of hours
needs it), and the phone-skilled part-timers are about twice the Saturday's peak
phone requirement (S 30 for 14, M 94 for 46, L 318 for 160).

Availability (seeded): about 5 % of the agents have one whole weekday of ``leave``
(a full-timer's on a Monday or Friday, see :func:`_availability`), 5 % a
``prefer_off`` day (Mon-Sat), 3 % a ``prefer_on`` weekday, and two part-timers are
``unavailable`` 08:00-12:00 on one weekday; each of these agents has one row. The
seed also picks the agents' names.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from forecasts.synthetic import ChannelSpec, HistorySpec, OpeningHours, contact_rates
from scheduler.config import SAMPLE_DIR, Centre, parse_centre
from scheduler.pipeline import SAMPLE_DEMAND
from scheduler.requirements import compute_requirements

Size = Literal["S", "M", "L"]

WEEK_START = dt.date(2026, 1, 5)
INTERVAL_MINUTES = 15
DAYS_PER_WEEK = 7
SATURDAY = 5
CONTACT_CENTRE = "contact_centre"
HELSINKI = "helsinki_branch"
TAMPERE = "tampere_branch"

#: Target ratios of the contracts' weekly minimum and maximum hours to the
#: requirement; each skill mix's headcount is chosen to come closest to both.
MIN_HOURS_RATIO = 0.945
MAX_HOURS_RATIO = 1.15

#: Share of the agents with one day of leave, a ``prefer_off`` day and a
#: ``prefer_on`` day, and the number with an ``unavailable`` morning.
LEAVE_SHARE = 0.05
PREFER_OFF_SHARE = 0.05
PREFER_ON_SHARE = 0.03
UNAVAILABLE_AGENTS = 2
UNAVAILABLE_FROM_MIN = 8 * 60
UNAVAILABLE_TO_MIN = 12 * 60
WHOLE_DAY = (0, 24 * 60)
#: Days of the week (Monday 0) a full-timer's leave may fall on.
FULL_TIME_LEAVE_DAYS = (0, 4)

_FIRST_NAMES = (
    "Aino", "Eino", "Helmi", "Onni", "Kerttu", "Väinö", "Siiri", "Leevi", "Aada",
    "Eetu", "Ilona", "Juho", "Lotta", "Matias", "Oona", "Pekka", "Riikka", "Sami",
    "Tuuli", "Ville",
)  # fmt: skip
_LAST_NAMES = (
    "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
    "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Salo", "Lehtinen", "Saarinen",
    "Niemi", "Heinonen",
)  # fmt: skip


@dataclass(frozen=True)
class BenchmarkCentre:
    """A benchmark centre and its week.

    Attributes
    ----------
    name : str
        ``S``, ``M`` or ``L`` with the seed, e.g. ``M-seed0``.
    centre : Centre
        The validated configuration.
    agents : pandas.DataFrame
        ``agent_id, name, contract, skills, site`` (skills as tuples), as
        :func:`scheduler.agents.load_agents` returns them.
    availability : pandas.DataFrame
        ``agent_id, date, from, to, kind`` (``date`` a :class:`datetime.date`,
        ``from``/``to`` minutes after midnight), as
        :func:`scheduler.agents.load_availability` returns them.
    forecast : pandas.DataFrame
        ``channel, interval_start, contacts, aht_seconds``: expected contacts per
        15-minute interval, ``interval_start`` tz-aware in the centre's zone.
    week_start : datetime.date
        The Monday that starts the week.
    """

    name: str
    centre: Centre
    agents: pd.DataFrame
    availability: pd.DataFrame
    forecast: pd.DataFrame
    week_start: dt.date


@dataclass(frozen=True)
class _Demand:
    """One channel's demand: the sample channel whose shape it takes, and a scale."""

    shape_of: str
    scale: float


@dataclass(frozen=True)
class _Mix:
    """A skill mix: skills, site and the share of each channel's hours it covers."""

    skills: tuple[str, ...]
    site: str
    shares: Mapping[str, float]


_PHONE_CHAT_MIXES = (
    _Mix(("phone",), CONTACT_CENTRE, {"phone": 0.55}),
    _Mix(("phone", "chat"), CONTACT_CENTRE, {"phone": 0.45, "chat": 0.5}),
)

_DEMAND: dict[Size, dict[str, _Demand]] = {
    "S": {"phone": _Demand("phone", 0.33), "chat": _Demand("chat", 0.52)},
    "M": {
        "phone": _Demand("phone", 1.31),
        "chat": _Demand("chat", 1.31),
        "email": _Demand("email", 1.31),
        "face_to_face": _Demand("face_to_face", 1.2),
    },
    "L": {
        "phone": _Demand("phone", 4.45),
        "chat": _Demand("chat", 4.45),
        "email": _Demand("email", 4.45),
        "face_to_face_helsinki": _Demand("face_to_face", 1.6),
        "face_to_face_tampere": _Demand("face_to_face", 1.0),
    },
}

_MIXES: dict[Size, tuple[_Mix, ...]] = {
    "S": (
        *_PHONE_CHAT_MIXES,
        _Mix(("chat",), CONTACT_CENTRE, {"chat": 0.5}),
    ),
    "M": (
        *_PHONE_CHAT_MIXES,
        _Mix(("chat", "email"), CONTACT_CENTRE, {"chat": 0.5, "email": 0.5}),
        _Mix(("email",), CONTACT_CENTRE, {"email": 0.35}),
        _Mix(("face_to_face",), HELSINKI, {"face_to_face": 0.7}),
        _Mix(("face_to_face", "email"), HELSINKI, {"face_to_face": 0.3, "email": 0.15}),
    ),
    "L": (
        *_PHONE_CHAT_MIXES,
        _Mix(("chat", "email"), CONTACT_CENTRE, {"chat": 0.5, "email": 0.45}),
        _Mix(("email",), CONTACT_CENTRE, {"email": 0.3}),
        _Mix(("face_to_face_helsinki",), HELSINKI, {"face_to_face_helsinki": 0.7}),
        _Mix(
            ("face_to_face_helsinki", "email"),
            HELSINKI,
            {"face_to_face_helsinki": 0.3, "email": 0.15},
        ),
        _Mix(("face_to_face_tampere",), TAMPERE, {"face_to_face_tampere": 0.7}),
        _Mix(
            ("face_to_face_tampere", "email"),
            TAMPERE,
            {"face_to_face_tampere": 0.3, "email": 0.1},
        ),
    ),
}


def benchmark_centre(size: Size, seed: int = 0) -> BenchmarkCentre:
    """Build a seeded benchmark centre.

    Parameters
    ----------
    size : {"S", "M", "L"}
        About 40, 150 or 500 agents (see the module docstring).
    seed : int
        Seed of the availability and the agents' names; the centre, demand and
        headcount do not depend on it.

    Returns
    -------
    BenchmarkCentre
        Centre, agents, availability and forecast of the week of 2026-01-05.

    Raises
    ------
    ValueError
        When ``size`` is not S, M or L.
    """
    if size not in _DEMAND:
        raise ValueError(f"size must be 'S', 'M' or 'L', got {size!r}")
    centre = _centre(size)
    forecast = _forecast(centre, _DEMAND[size])
    required_h = required_agent_hours(forecast, centre)
    rng = np.random.default_rng(seed)
    agents = _agents(_MIXES[size], required_h, rng)
    availability = _availability(agents, WEEK_START, rng)
    return BenchmarkCentre(
        name=f"{size}-seed{seed}",
        centre=centre,
        agents=agents,
        availability=availability,
        forecast=forecast,
        week_start=WEEK_START,
    )


def required_agent_hours(forecast: pd.DataFrame, centre: Centre) -> dict[str, float]:
    """Weekly required agent-hours per channel (``required_fractional`` x hours).

    Parameters
    ----------
    forecast : pandas.DataFrame
        The forecast frame.
    centre : Centre
        The centre.

    Returns
    -------
    dict of str to float
        Agent-hours per channel, after shrinkage.
    """
    requirements = compute_requirements(forecast, centre)
    interval_h = centre.interval_minutes / 60
    hours = requirements.groupby("channel")["required_fractional"].sum() * interval_h
    return {str(name): float(value) for name, value in hours.items()}


def contract_hour_ratios(bench: BenchmarkCentre) -> tuple[float, float]:
    """Contracts' weekly minimum and maximum hours over the required agent-hours.

    Parameters
    ----------
    bench : BenchmarkCentre
        The centre.

    Returns
    -------
    tuple of float
        ``(sum of weekly_hours_min, sum of weekly_hours_max)`` of all agents
        (before leave), each divided by the week's required agent-hours over all
        channels.
    """
    required = sum(required_agent_hours(bench.forecast, bench.centre).values())
    contracts = bench.centre.contracts
    low = sum(contracts[c].weekly_hours_min for c in bench.agents["contract"])
    high = sum(contracts[c].weekly_hours_max for c in bench.agents["contract"])
    return low / required, high / required


# --------------------------------------------------------------------- centre
def _centre(size: Size) -> Centre:
    """The sample centre's TOML data with this size's channels and sites."""
    text = (SAMPLE_DIR / "centre.toml").read_text(encoding="utf-8")
    data: dict[str, Any] = copy.deepcopy(tomllib.loads(text))
    data["centre"]["name"] = f"vuoro benchmark {size}"
    channels: dict[str, Any] = data["channels"]
    if size == "S":
        data["sites"] = [CONTACT_CENTRE]
        channels["chat"]["concurrency"] = 2
        del channels["email"], channels["face_to_face"]
    elif size == "L":
        data["sites"] = [CONTACT_CENTRE, HELSINKI, TAMPERE]
        walk_in = channels.pop("face_to_face")
        for name, site in (
            ("face_to_face_helsinki", HELSINKI),
            ("face_to_face_tampere", TAMPERE),
        ):
            channels[name] = {**copy.deepcopy(walk_in), "site": site}
    else:
        data["sites"] = [CONTACT_CENTRE, HELSINKI]
    return parse_centre(data, source=f"benchmark centre {size}")


def _forecast(centre: Centre, demand: Mapping[str, _Demand]) -> pd.DataFrame:
    """Expected contacts per interval, shaped like the sample centre's demand."""
    specs = []
    for name, channel in centre.channels.items():
        daily, factors, peaks = SAMPLE_DEMAND[demand[name].shape_of]
        if channel.kind == "deferrable":
            hours: tuple[OpeningHours, ...] = ((0.0, 24.0),) * DAYS_PER_WEEK
        else:
            hours = tuple(
                (h.open_minute / 60, h.close_minute / 60) if h.is_open else None
                for h in (channel.hours(d) for d in range(DAYS_PER_WEEK))
            )
        specs.append(
            ChannelSpec(
                name=name,
                daily_contacts=daily * demand[name].scale,
                aht_s=channel.default_aht_seconds,
                weekday_factors=factors,
                opening_hours=hours,
                peaks=peaks,
            )
        )
    spec = HistorySpec(channels=tuple(specs), interval_minutes=INTERVAL_MINUTES)
    frame = contact_rates(spec, WEEK_START, DAYS_PER_WEEK)
    frame["interval_start"] = frame["interval_start"].dt.tz_localize(centre.zone)
    return frame


# --------------------------------------------------------------------- agents
def _contract_counts(hours: float) -> tuple[int, int, int]:
    """Full-time, 24-30 h and 20-25 h agents whose hours best fit ``hours``.

    Minimises the squared distance of (sum of minimum hours, sum of maximum hours)
    from (``MIN_HOURS_RATIO``, ``MAX_HOURS_RATIO``) x ``hours``, then the
    imbalance between the two part-time contracts.
    """
    full = np.arange(math.ceil(MAX_HOURS_RATIO * hours / 37.5) + 1)[:, None, None]
    pt30 = np.arange(math.ceil(MAX_HOURS_RATIO * hours / 24) + 1)[None, :, None]
    pt20 = np.arange(math.ceil(MAX_HOURS_RATIO * hours / 20) + 1)[None, None, :]
    low = 37.5 * full + 24 * pt30 + 20 * pt20
    high = 37.5 * full + 30 * pt30 + 25 * pt20
    cost = (low - MIN_HOURS_RATIO * hours) ** 2 + (high - MAX_HOURS_RATIO * hours) ** 2
    cost = cost + 1e-3 * (pt30 - pt20) ** 2
    f, p30, p20 = np.unravel_index(int(np.argmin(cost)), cost.shape)
    return int(f), int(p30), int(p20)


def _agents(
    mixes: tuple[_Mix, ...], required_h: Mapping[str, float], rng: np.random.Generator
) -> pd.DataFrame:
    """Agents of every mix, sized to its share of the required hours."""
    rows: list[tuple[str, str, tuple[str, ...], str]] = []
    for mix in mixes:
        hours = sum(share * required_h[c] for c, share in mix.shares.items())
        full, pt30, pt20 = _contract_counts(hours)
        contracts = (
            ["full_time"] * full + ["part_time_30"] * pt30 + ["part_time_20"] * pt20
        )
        rows += [(contract, "", mix.skills, mix.site) for contract in contracts]
    ids = [f"A{i + 1:03d}" for i in range(len(rows))]
    first = rng.choice(_FIRST_NAMES, size=len(rows))
    last = rng.choice(_LAST_NAMES, size=len(rows))
    return pd.DataFrame(
        {
            "agent_id": ids,
            "name": [f"{a} {b}" for a, b in zip(first, last, strict=True)],
            "contract": [r[0] for r in rows],
            "skills": [r[2] for r in rows],
            "site": [r[3] for r in rows],
        },
        dtype=object,
    )


def _availability(
    agents: pd.DataFrame, week_start: dt.date, rng: np.random.Generator
) -> pd.DataFrame:
    """Leave, preferences and unavailable mornings of seeded agents (one row each).

    Two limits keep every agent's week possible. A full-timer works five 8-hour
    days with the two days off together, and no 8-hour shift fits a Saturday
    (phone is open 10-16, the rest closed), so a full-timer's leave falls on a
    Monday or a Friday: leave mid-week would split the days off. An 8-hour shift
    after an unavailable morning would end after the branches close, so the
    unavailable mornings go to part-timers.
    """
    n = len(agents)
    part_time = np.flatnonzero(agents["contract"].to_numpy() != "full_time")
    unavailable = rng.choice(part_time, size=UNAVAILABLE_AGENTS, replace=False)
    others = rng.permutation(np.setdiff1d(np.arange(n), unavailable))
    counts = {
        "leave": round(LEAVE_SHARE * n),
        "prefer_off": round(PREFER_OFF_SHARE * n),
        "prefer_on": max(round(PREFER_ON_SHARE * n), 1),
    }
    chosen: dict[str, list[int]] = {"unavailable": sorted(unavailable.tolist())}
    position = 0
    for kind, count in counts.items():
        chosen[kind] = sorted(others[position : position + count].tolist())
        position += count
    rows = []
    for kind in (*counts, "unavailable"):
        for index in chosen[kind]:
            full_time = agents["contract"].iloc[index] == "full_time"
            if kind == "leave" and full_time:
                day = int(rng.choice(FULL_TIME_LEAVE_DAYS))
            elif kind == "prefer_off":
                day = int(rng.integers(SATURDAY + 1))
            else:
                day = int(rng.integers(SATURDAY))
            start, end = (
                (UNAVAILABLE_FROM_MIN, UNAVAILABLE_TO_MIN)
                if kind == "unavailable"
                else WHOLE_DAY
            )
            rows.append(
                (
                    str(agents["agent_id"].iloc[index]),
                    week_start + dt.timedelta(days=day),
                    start,
                    end,
                    kind,
                )
            )
    frame = pd.DataFrame(rows, columns=["agent_id", "date", "from", "to", "kind"])
    return frame.astype({"from": "int64", "to": "int64"})
