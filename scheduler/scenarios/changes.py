"""What-if changes: each one turns the inputs of a plan into the inputs of a scenario.

A scenario is a base plan plus named changes. Every change is a frozen dataclass
with :meth:`apply` (new :class:`ScenarioInputs` from old ones, never mutating them)
and :meth:`record` (a JSON-ready mapping, kept with the scenario's plan). The
changes and their models:

**Chat deflection** (:class:`Deflection`): in every interval where the target
channel is open, a share ``rate`` of the source channel's contacts is steered to
it. Of the deflected contacts a share ``contained_share`` is fully resolved by
self-service and leaves the centre; of the rest a share ``bounce_back_share``
comes back to the source channel (the customer gives up on chat and calls) and is
handled there at the source's handle time; the remainder is handled on the target
channel with handle time ``aht_s`` (the target's own interval AHT when not given).
Contacts are conserved: source + target before = source + target after +
contained. Deflected chats that need a different ``concurrency`` from the channel's
own are converted to the channel's workload: a chat that holds an agent's whole
attention (concurrency 1) on a channel where agents hold 3 uses three chat slots,
so its handle time counts ``channel concurrency / deflected concurrency`` times.

**First-contact resolution** (:class:`FirstContactResolution`): a contact on
channel ``i`` that is not resolved causes one repeat contact, arriving on channel
``j`` with share ``r_ij`` (``repeat_to``; the same channel by default). With
resolution rates ``f`` the week's contacts ``T`` satisfy ``T = F + T·diag(1-f)·R``
for the first contacts ``F``; the change backs ``F`` out of the forecast at the old
rate, solves for ``T'`` at the new rate and scales every interval of each channel
by ``T'_j / T_j`` (repeats follow the channel's own intraday shape).

**Call-backs** (:class:`Callbacks`): outbound calls to customers who gave a poor
score: a share ``share`` of the source channel's contacts (e.g. 12 % detractors x
50 % called back) becomes a new deferrable channel ``name``, arriving as the
source's contacts do, processed in the source's opening hours and due within
``deadline_business_hours``; every agent with the source skill gets the call-back
skill.

The rest change one thing each: :class:`VolumeChange` and :class:`AhtChange`
(multiply contacts or handle time of a channel), :class:`TargetChange` (service
level and answer time), :class:`ShrinkageChange`, :class:`AddAgents` and
:class:`RemoveAgents`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler import schema as col
from scheduler.agents import AGENT_COLUMNS, AGENT_ID, CONTRACT, NAME, SITE, SKILLS
from scheduler.config import Centre, edited_centre
from scheduler.exceptions import InvalidInputError

logger = logging.getLogger(__name__)

#: Forecast columns scaled with ``contacts`` when a change scales a channel.
_BAND_COLUMNS = ("contacts_lo", "contacts_hi")


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything a plan is made from: what changes act on.

    Attributes
    ----------
    centre : Centre
        Channels, targets, contracts.
    agents : pandas.DataFrame
        ``agent_id, name, contract, skills, site`` (``skills`` tuples).
    forecast : pandas.DataFrame
        ``channel, interval_start, contacts, aht_seconds`` (tz-aware).
    week_start : datetime.date
        First day of the week.
    availability : pandas.DataFrame or None
        Leave and preferences of the agents.
    """

    centre: Centre
    agents: pd.DataFrame
    forecast: pd.DataFrame
    week_start: dt.date
    availability: pd.DataFrame | None = None


class Change(Protocol):
    """A what-if change (see the module docstring)."""

    kind: ClassVar[str]

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """The inputs with this change made."""
        ...

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping with its ``kind``."""
        ...


def _record(change: Any) -> dict[str, Any]:
    values = {f.name: getattr(change, f.name) for f in dataclasses.fields(change)}
    return {"kind": change.kind, **{k: _plain(v) for k, v in values.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _channel(inputs: ScenarioInputs, name: str, what: str) -> None:
    if name not in inputs.centre.channels:
        raise InvalidInputError(
            f"{what}: channel {name!r} is not in the centre (channels: "
            f"{', '.join(inputs.centre.channels)})"
        )


def _share(value: float, what: str) -> None:
    if not 0 <= value <= 1:
        raise InvalidInputError(
            f"{what} = {value!r} is not a share between 0 and 1"
            + (f" (did you mean {value / 100:g}?)" if 1 < value <= 100 else "")
        )


def _positive(value: float, what: str) -> None:
    if not value > 0:
        raise InvalidInputError(f"{what} = {value!r} must be above 0")


def _scaled(
    forecast: pd.DataFrame, rows: pd.Index, factor: npt.ArrayLike
) -> pd.DataFrame:
    """Contacts (and their 80 % band) of ``rows`` multiplied by ``factor``."""
    out = forecast.copy()
    for name in (col.CONTACTS, *_BAND_COLUMNS):
        if name in out:
            out[name] = out[name].astype(np.float64)
            out.loc[rows, name] = out.loc[rows, name].to_numpy() * factor
    return out


def _open_mask(inputs: ScenarioInputs, channel: str, stamps: pd.Series) -> pd.Series:
    """Whether ``channel`` is open at each interval start (local time)."""
    hours = inputs.centre.channels[channel]
    minute = stamps.dt.hour * 60 + stamps.dt.minute
    weekday = stamps.dt.weekday
    opened = np.zeros(len(stamps), dtype=bool)
    for day in range(7):
        span = hours.hours(day)
        if span.is_open:
            opened |= (
                (weekday == day)
                & (minute >= span.open_minute)
                & (minute < span.close_minute)
            ).to_numpy()
    return pd.Series(opened, index=stamps.index)


@dataclass(frozen=True)
class Deflection:
    """Steer a share of one channel's contacts to another (chat by default).

    Attributes
    ----------
    rate : float
        Share of the source channel's contacts deflected where the target is open.
    from_channel, to_channel : str
        Source (``phone``) and target (``chat``) channels.
    bounce_back_share : float
        Share of deflected (not contained) contacts that come back to the source.
    contained_share : float
        Share of deflected contacts resolved by self-service (leave the centre).
    aht_s : float or None
        Handle time of a deflected contact on the target, seconds; the target's own
        AHT in that interval when ``None``.
    concurrency : int or None
        Chats a deflected contact lets an agent hold; the channel's when ``None``.
    """

    kind: ClassVar[str] = "deflection"
    rate: float
    from_channel: str = "phone"
    to_channel: str = "chat"
    bounce_back_share: float = 0.0
    contained_share: float = 0.0
    aht_s: float | None = None
    concurrency: int | None = None

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """Move the contacts (see the module docstring)."""
        what = "deflection"
        for name in (self.from_channel, self.to_channel):
            _channel(inputs, name, what)
        if self.from_channel == self.to_channel:
            raise InvalidInputError(
                f"{what}: from and to are both {self.from_channel!r}; pick two channels"
            )
        _share(self.rate, f"{what} rate")
        _share(self.bounce_back_share, f"{what} bounce_back_share")
        _share(self.contained_share, f"{what} contained_share")
        if self.aht_s is not None:
            _positive(self.aht_s, f"{what} aht_s")
        target = inputs.centre.channels[self.to_channel]
        if self.concurrency is not None and self.concurrency < 1:
            raise InvalidInputError(f"{what} concurrency {self.concurrency} is below 1")
        frame = inputs.forecast
        source = frame.loc[frame[col.CHANNEL] == self.from_channel]
        sink = frame.loc[frame[col.CHANNEL] == self.to_channel]
        merged = source[[col.INTERVAL_START, col.CONTACTS, col.AHT_SECONDS]].merge(
            sink[[col.INTERVAL_START, col.CONTACTS, col.AHT_SECONDS]].reset_index(),
            on=col.INTERVAL_START,
            how="left",
            suffixes=("_from", "_to"),
        )
        merged.index = source.index
        opened = _open_mask(inputs, self.to_channel, merged[col.INTERVAL_START])
        opened &= merged["index"].notna()
        deflected = np.where(
            opened, self.rate * merged[f"{col.CONTACTS}_from"].to_numpy(), 0.0
        )
        handled = deflected * (1 - self.contained_share)
        back = handled * self.bounce_back_share
        onto = handled - back
        slots = (
            1.0 if self.concurrency is None else target.concurrency / self.concurrency
        )
        aht_to = merged[f"{col.AHT_SECONDS}_to"].to_numpy(np.float64)
        own_aht = np.where(np.isnan(aht_to), target.default_aht_seconds, aht_to)
        deflected_aht = slots * (
            own_aht if self.aht_s is None else np.full_like(own_aht, self.aht_s)
        )
        out = frame.copy()
        for name in (col.CONTACTS, col.AHT_SECONDS, *_BAND_COLUMNS):
            if name in out:
                out[name] = out[name].astype(np.float64)
        old_from = merged[f"{col.CONTACTS}_from"].to_numpy(np.float64)
        new_from = old_from - deflected + back
        ratio = np.divide(
            new_from, old_from, out=np.ones_like(new_from), where=old_from > 0
        )
        out = _scaled(out, source.index, ratio)
        take = opened.to_numpy()
        rows = merged.loc[take, "index"].astype(int).to_numpy()
        old_to = out.loc[rows, col.CONTACTS].to_numpy(np.float64)
        total = old_to + onto[take]
        mean_aht = np.divide(
            old_to * own_aht[take] + onto[take] * deflected_aht[take],
            total,
            out=own_aht[take].copy(),
            where=total > 0,
        )
        to_ratio = np.divide(total, old_to, out=np.ones_like(total), where=old_to > 0)
        for name in _BAND_COLUMNS:
            if name in out:
                out.loc[rows, name] = out.loc[rows, name].to_numpy() * to_ratio
        out.loc[rows, col.CONTACTS] = total
        out.loc[rows, col.AHT_SECONDS] = mean_aht
        logger.info(
            "deflection %.0f %% %s -> %s: %.0f contacts moved, %.0f contained, "
            "%.0f bounced back",
            100 * self.rate,
            self.from_channel,
            self.to_channel,
            onto.sum(),
            (deflected - handled).sum(),
            back.sum(),
        )
        return dataclasses.replace(inputs, forecast=out)


@dataclass(frozen=True)
class FirstContactResolution:
    """A change in the share of contacts resolved at first contact.

    Attributes
    ----------
    rates_from, rates_to : Mapping of str to float
        Resolution rate per channel now and in the scenario (channels not given
        keep their contacts unchanged and cause no repeats).
    repeat_to : Mapping of str to Mapping of str to float
        Where a channel's repeat contacts arrive: ``{"chat": {"phone": 0.6,
        "chat": 0.4}}``; the same channel when not given. Shares sum to 1.
    """

    kind: ClassVar[str] = "first_contact_resolution"
    rates_from: Mapping[str, float]
    rates_to: Mapping[str, float]
    repeat_to: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """Scale each channel to its contacts at the new resolution rates."""
        what = "first_contact_resolution"
        if set(self.rates_from) != set(self.rates_to):
            raise InvalidInputError(
                f"{what}: rates_from has channels {sorted(self.rates_from)} but "
                f"rates_to {sorted(self.rates_to)}; give both rates for each channel"
            )
        names = list(inputs.centre.channels)
        for name in self.rates_from:
            _channel(inputs, name, what)
            _share(self.rates_from[name], f"{what} rates_from.{name}")
            _share(self.rates_to[name], f"{what} rates_to.{name}")
            if self.rates_to[name] == 0 or self.rates_from[name] == 0:
                raise InvalidInputError(
                    f"{what}: a resolution rate of 0 on {name!r} means endless "
                    "repeats; give a rate above 0"
                )
        index = {name: i for i, name in enumerate(names)}
        shares = np.eye(len(names))
        for source, targets in self.repeat_to.items():
            _channel(inputs, source, what)
            total = sum(targets.values())
            if abs(total - 1) > 1e-9:
                raise InvalidInputError(
                    f"{what}: repeat_to.{source} shares sum to {total:g}, not 1"
                )
            shares[index[source]] = 0.0
            for target, share in targets.items():
                _channel(inputs, target, what)
                shares[index[source], index[target]] = share
        frame = inputs.forecast
        totals = (
            frame.groupby(col.CHANNEL)[col.CONTACTS]
            .sum()
            .reindex(names, fill_value=0.0)
            .to_numpy(np.float64)
        )
        unresolved_from = np.array([1 - self.rates_from.get(n, 1.0) for n in names])
        unresolved_to = np.array([1 - self.rates_to.get(n, 1.0) for n in names])
        eye = np.eye(len(names))
        first = totals @ (eye - np.diag(unresolved_from) @ shares)
        if (first < -1e-9).any():
            raise InvalidInputError(
                f"{what}: the forecast has fewer contacts than the repeats the old "
                "rates imply; check rates_from"
            )
        after = np.linalg.solve((eye - np.diag(unresolved_to) @ shares).T, first)
        factor = np.divide(after, totals, out=np.ones_like(after), where=totals > 0)
        by_row = frame[col.CHANNEL].map(dict(zip(names, factor, strict=True)))
        out = _scaled(frame, frame.index, by_row.to_numpy(np.float64))
        logger.info(
            "first-contact resolution: contacts %s",
            ", ".join(f"{n} x{f:.3f}" for n, f in zip(names, factor, strict=True)),
        )
        return dataclasses.replace(inputs, forecast=out)


@dataclass(frozen=True)
class Callbacks:
    """Outbound call-backs as deferrable work on a new channel.

    Attributes
    ----------
    share : float
        Call-backs per contact of the source channel (detractor share x share
        called back).
    from_channel : str
        The channel whose customers are called back (``phone``).
    aht_s : float
        Handle time of a call-back, seconds.
    deadline_business_hours : float
        A call-back is due within this many business hours.
    target : float
        Share of call-backs to make by their deadline.
    name : str
        Name of the new channel.
    """

    kind: ClassVar[str] = "callbacks"
    share: float
    aht_s: float = 420.0
    deadline_business_hours: float = 8.0
    target: float = 0.9
    from_channel: str = "phone"
    name: str = "callbacks"

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """Add the call-back channel, its demand and the skill."""
        what = "callbacks"
        _channel(inputs, self.from_channel, what)
        _share(self.share, f"{what} share")
        _share(self.target, f"{what} target")
        _positive(self.aht_s, f"{what} aht_s")
        _positive(self.deadline_business_hours, f"{what} deadline_business_hours")
        if self.name in inputs.centre.channels:
            raise InvalidInputError(
                f"{what}: channel {self.name!r} already exists; give another name"
            )
        source = inputs.centre.channels[self.from_channel]
        hours = source.model_dump(mode="json", by_alias=True)["opening_hours"]
        centre = edited_centre(
            inputs.centre,
            {
                "channels": {
                    self.name: {
                        "kind": "deferrable",
                        "opening_hours": hours,
                        "service_level": self.target,
                        "answer_within_business_hours": self.deadline_business_hours,
                        "default_aht_seconds": self.aht_s,
                        "shrinkage": source.shrinkage,
                    }
                }
            },
            f"scenario change {what}",
        )
        rows = inputs.forecast.loc[inputs.forecast[col.CHANNEL] == self.from_channel]
        added = rows[[col.CHANNEL, col.INTERVAL_START, col.CONTACTS]].copy()
        added[col.CHANNEL] = self.name
        added[col.CONTACTS] = added[col.CONTACTS].astype(np.float64) * self.share
        added[col.AHT_SECONDS] = self.aht_s
        forecast = pd.concat([inputs.forecast, added], ignore_index=True)
        agents = inputs.agents.copy()
        agents[SKILLS] = [
            (*skills, self.name) if self.from_channel in skills else skills
            for skills in agents[SKILLS]
        ]
        return dataclasses.replace(
            inputs, centre=centre, forecast=forecast, agents=agents
        )


@dataclass(frozen=True)
class VolumeChange:
    """Multiply a channel's contacts by ``factor`` (1.1 = 10 % more)."""

    kind: ClassVar[str] = "volume"
    channel: str
    factor: float

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """Scale the channel's contacts (and their 80 % band)."""
        _channel(inputs, self.channel, "volume")
        if self.factor < 0:
            raise InvalidInputError(f"volume.{self.channel} = {self.factor} is below 0")
        rows = inputs.forecast.index[inputs.forecast[col.CHANNEL] == self.channel]
        return dataclasses.replace(
            inputs, forecast=_scaled(inputs.forecast, rows, self.factor)
        )


@dataclass(frozen=True)
class AhtChange:
    """Multiply a channel's handle time by ``factor`` (0.9 = 10 % shorter)."""

    kind: ClassVar[str] = "aht"
    channel: str
    factor: float

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """Scale the channel's ``aht_seconds``."""
        _channel(inputs, self.channel, "aht")
        _positive(self.factor, f"aht.{self.channel}")
        out = inputs.forecast.copy()
        mask = out[col.CHANNEL] == self.channel
        out[col.AHT_SECONDS] = out[col.AHT_SECONDS].astype(np.float64)
        out.loc[mask, col.AHT_SECONDS] = out.loc[mask, col.AHT_SECONDS] * self.factor
        return dataclasses.replace(inputs, forecast=out)


@dataclass(frozen=True)
class TargetChange:
    """A new service-level target (share, and answer time in seconds)."""

    kind: ClassVar[str] = "target"
    channel: str
    service_level: float | None = None
    answer_within_s: float | None = None

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """The centre with the channel's target changed."""
        _channel(inputs, self.channel, "target")
        edit: dict[str, Any] = {}
        if self.service_level is not None:
            _share(self.service_level, f"target.{self.channel}")
            edit["service_level"] = self.service_level
        if self.answer_within_s is not None:
            _positive(self.answer_within_s, f"answer_within.{self.channel}")
            edit["answer_within_seconds"] = self.answer_within_s
        centre = edited_centre(
            inputs.centre,
            {"channels": {self.channel: edit}},
            f"scenario change target.{self.channel}",
        )
        return dataclasses.replace(inputs, centre=centre)


@dataclass(frozen=True)
class ShrinkageChange:
    """A channel's shrinkage (absence, training, meetings) set to ``shrinkage``."""

    kind: ClassVar[str] = "shrinkage"
    channel: str
    shrinkage: float

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """The centre with the channel's shrinkage changed."""
        _channel(inputs, self.channel, "shrinkage")
        what = f"shrinkage.{self.channel}"
        centre = edited_centre(
            inputs.centre,
            {"channels": {self.channel: {"shrinkage": self.shrinkage}}},
            f"scenario change {what}",
        )
        return dataclasses.replace(inputs, centre=centre)


@dataclass(frozen=True)
class AddAgents:
    """Hire ``count`` agents of one contract, skills and site.

    Their ids are ``NEW001``, ``NEW002``, ... (after any already used).
    """

    kind: ClassVar[str] = "add_agents"
    count: int
    contract: str
    skills: tuple[str, ...]
    site: str

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """The agents with the new ones appended."""
        what = "add_agents"
        if self.count < 1:
            raise InvalidInputError(f"{what}: count {self.count} is below 1")
        if self.contract not in inputs.centre.contracts:
            raise InvalidInputError(
                f"{what}: contract {self.contract!r} is not in the centre (contracts: "
                f"{', '.join(inputs.centre.contracts)})"
            )
        for skill in self.skills:
            _channel(inputs, skill, what)
            site = inputs.centre.channels[skill].site
            if site is not None and site != self.site:
                raise InvalidInputError(
                    f"{what}: skill {skill!r} is served only at site {site!r}, not "
                    f"{self.site!r}"
                )
        used = set(inputs.agents[AGENT_ID])
        ids: list[str] = []
        number = 1
        while len(ids) < self.count:
            candidate = f"NEW{number:03d}"
            if candidate not in used:
                ids.append(candidate)
            number += 1
        new = pd.DataFrame(
            {
                AGENT_ID: ids,
                NAME: [f"new agent {i}" for i in ids],
                CONTRACT: self.contract,
                SKILLS: [tuple(self.skills)] * self.count,
                SITE: self.site,
            }
        )
        agents = pd.concat([inputs.agents, new], ignore_index=True)
        return dataclasses.replace(inputs, agents=agents[list(AGENT_COLUMNS)])


@dataclass(frozen=True)
class RemoveAgents:
    """Take agents out: by id, or the last ``count`` who have ``skill``."""

    kind: ClassVar[str] = "remove_agents"
    agent_ids: tuple[str, ...] = ()
    count: int = 0
    skill: str | None = None

    def record(self) -> dict[str, Any]:
        """The change as a JSON-ready mapping."""
        return _record(self)

    def apply(self, inputs: ScenarioInputs) -> ScenarioInputs:
        """The agents (and their availability) without the removed ones."""
        what = "remove_agents"
        agents = inputs.agents
        unknown = sorted(set(self.agent_ids) - set(agents[AGENT_ID]))
        if unknown:
            raise InvalidInputError(
                f"{what}: agent(s) {', '.join(unknown)} are not in agents.csv"
            )
        gone = set(self.agent_ids)
        if self.count:
            pool = agents
            if self.skill is not None:
                _channel(inputs, self.skill, what)
                pool = agents.loc[agents[SKILLS].map(lambda s: self.skill in s)]
            pool = pool.loc[~pool[AGENT_ID].isin(gone)]
            if len(pool) < self.count:
                raise InvalidInputError(
                    f"{what}: only {len(pool)} agents"
                    + (f" with skill {self.skill!r}" if self.skill else "")
                    + f" to remove, not {self.count}"
                )
            gone |= set(pool[AGENT_ID].iloc[len(pool) - self.count :])
        kept = agents.loc[~agents[AGENT_ID].isin(gone)].reset_index(drop=True)
        availability = inputs.availability
        if availability is not None:
            availability = availability.loc[
                ~availability[AGENT_ID].isin(gone)
            ].reset_index(drop=True)
        return dataclasses.replace(inputs, agents=kept, availability=availability)


#: Change classes by their ``kind``, for reading changes back from records.
CHANGE_KINDS: dict[str, type[Any]] = {
    cls.kind: cls
    for cls in (
        Deflection,
        FirstContactResolution,
        Callbacks,
        VolumeChange,
        AhtChange,
        TargetChange,
        ShrinkageChange,
        AddAgents,
        RemoveAgents,
    )
}


def change_from_record(record: Mapping[str, Any]) -> Change:
    """The change a :meth:`Change.record` mapping describes.

    Raises
    ------
    InvalidInputError
        For an unknown kind or field.
    """
    values = dict(record)
    kind = values.pop("kind", None)
    if kind not in CHANGE_KINDS:
        raise InvalidInputError(
            f"change kind {kind!r} is not one of {', '.join(CHANGE_KINDS)}"
        )
    cls = CHANGE_KINDS[str(kind)]
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise InvalidInputError(
            f"change {kind}: unknown field(s) {', '.join(unknown)}; fields are "
            f"{', '.join(sorted(names))}"
        )
    if "skills" in values:
        values["skills"] = tuple(values["skills"])
    if "agent_ids" in values:
        values["agent_ids"] = tuple(values["agent_ids"])
    change: Change = cls(**values)
    return change
