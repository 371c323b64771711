"""The centre's configuration: ``centre.toml``, validated.

Every setting a plan depends on lives here: time zone, plan interval, channels with
their queueing model, opening hours and service targets, shift and break rules,
contracts with their labour rules, and costs. :func:`load_centre` reads and
validates a file; every error names the key, the value and what is allowed. The
built-in sample centre (``scheduler/sample/centre.toml``) documents each key with a
comment and is what every command uses when no file is given.
"""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from collections.abc import Mapping
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from scheduler.exceptions import InvalidInputError
from scheduler.units import ALLOWED_INTERVAL_MINUTES

logger = logging.getLogger(__name__)

WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
Weekday = Literal[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
]
ChannelKind = Literal["live", "concurrent", "deferrable", "walk_in"]
Fraction01 = Annotated[float, Field(ge=0, le=1)]
PositiveSeconds = Annotated[float, Field(gt=0)]

SAMPLE_DIR = resources.files("scheduler") / "sample"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _parse_clock(text: str, *, allow_24: bool) -> dt.time | None:
    """Parse ``HH:MM``; ``24:00`` (end of day) is returned as ``None``."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(f"{text!r} is not a time of day; write HH:MM, e.g. 08:00")
    h, m = int(hours), int(minutes)
    if allow_24 and (h, m) == (24, 0):
        return None
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"{text!r} is not a time of day between 00:00 and 24:00")
    return dt.time(h, m)


def _minutes(clock: dt.time | None) -> int:
    return 24 * 60 if clock is None else clock.hour * 60 + clock.minute


class DayHours(_Model):
    """Opening hours of one day, from ``open`` to ``close`` (minutes after midnight).

    Written in TOML as ``"08:00-20:00"`` or ``"closed"``.
    """

    open_minute: int
    close_minute: int

    @property
    def is_open(self) -> bool:
        """Whether the channel opens at all on this day."""
        return self.close_minute > self.open_minute

    @classmethod
    def parse(cls, text: str) -> DayHours:
        """Parse ``"HH:MM-HH:MM"`` or ``"closed"``."""
        if text.strip().lower() == "closed":
            return cls(open_minute=0, close_minute=0)
        start, sep, end = text.partition("-")
        if not sep:
            raise ValueError(
                f"{text!r} is not opening hours; write 'HH:MM-HH:MM' (e.g. "
                "'08:00-20:00') or 'closed'"
            )
        open_minute = _minutes(_parse_clock(start, allow_24=False))
        close_minute = _minutes(_parse_clock(end, allow_24=True))
        if close_minute <= open_minute:
            raise ValueError(
                f"{text!r} closes before it opens; the closing time must be later "
                "than the opening time on the same day (use 24:00 for midnight)"
            )
        return cls(open_minute=open_minute, close_minute=close_minute)

    def __str__(self) -> str:
        if not self.is_open:
            return "closed"
        return f"{_clock_text(self.open_minute)}-{_clock_text(self.close_minute)}"


def _clock_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class Channel(_Model):
    """One channel: its queueing model, hours, target and staffing parameters.

    Kinds: ``live`` (phone: Erlang C, or Erlang A when ``patience_seconds`` is
    given), ``concurrent`` (chat: agents hold up to ``concurrency`` chats),
    ``deferrable`` (email: answered within a deadline on the business-hours clock),
    ``walk_in`` (face-to-face at one site, with a staffing floor while open).
    """

    kind: ChannelKind
    opening_hours: dict[Weekday, DayHours]
    service_level: float = Field(
        description="share of contacts to answer within the target time, in [0, 1]"
    )
    answer_within_seconds: PositiveSeconds | None = None
    answer_within_business_hours: Annotated[float, Field(gt=0)] | None = None
    max_occupancy: Annotated[float, Field(gt=0, le=1)] | None = None
    max_asa_seconds: PositiveSeconds | None = None
    max_abandon: Fraction01 | None = None
    default_aht_seconds: PositiveSeconds
    patience_seconds: PositiveSeconds | None = None
    concurrency: Annotated[int, Field(ge=1, le=12)] = 1
    concurrency_slowdown: Annotated[float, Field(ge=0, le=2)] = 0.0
    shrinkage: Annotated[float, Field(ge=0, lt=0.9)] = 0.0
    site: str | None = None
    min_staff: Annotated[int, Field(ge=0)] = 0

    @field_validator("opening_hours", mode="before")
    @classmethod
    def _parse_hours(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        parsed: dict[str, Any] = {}
        for day, text in value.items():
            key = str(day).lower()
            if isinstance(text, str):
                try:
                    parsed[key] = DayHours.parse(text)
                except ValueError as err:
                    raise ValueError(f"{key}: {err}") from None
            else:
                parsed[key] = text
        return parsed

    @field_validator("service_level")
    @classmethod
    def _fraction(cls, value: float) -> float:
        if not 0 <= value <= 1:
            hint = f" (did you mean {value / 100:g}?)" if 1 < value <= 100 else ""
            raise ValueError(
                f"service level {value!r} is not a fraction between 0 and 1{hint}"
            )
        return value

    @model_validator(mode="after")
    def _kind_rules(self) -> Channel:
        if self.kind == "deferrable":
            if self.answer_within_business_hours is None:
                raise ValueError(
                    "a deferrable channel needs answer_within_business_hours, e.g. 24"
                )
        elif self.answer_within_seconds is None:
            raise ValueError(
                f"a {self.kind} channel needs answer_within_seconds, e.g. 20"
            )
        if self.kind == "walk_in" and not self.site:
            raise ValueError("a walk_in channel needs the site that serves it")
        if self.kind != "concurrent" and self.concurrency != 1:
            raise ValueError("concurrency applies only to kind = 'concurrent'")
        if self.patience_seconds is not None and self.kind not in ("live", "walk_in"):
            raise ValueError("patience_seconds applies to live and walk_in channels")
        return self

    def hours(self, weekday: int) -> DayHours:
        """Opening hours on ``weekday`` (0 = Monday); closed when not listed."""
        hours = self.opening_hours.get(WEEKDAYS[weekday])  # type: ignore[call-overload]
        return hours if hours is not None else DayHours(open_minute=0, close_minute=0)


class BreakRule(_Model):
    """A break or lunch that every shift of at least ``min_shift_hours`` gets.

    ``window`` says where in the shift it goes: ``first_half``, ``second_half`` or
    ``middle`` (the middle third).
    """

    activity: Literal["break", "lunch"]
    duration_minutes: Annotated[int, Field(gt=0, le=120)]
    paid: bool
    min_shift_hours: Annotated[float, Field(ge=0)]
    window: Literal["first_half", "second_half", "middle"]


class ShiftRules(_Model):
    """Which shifts the optimiser may create."""

    start_granularity_minutes: Annotated[int, Field(gt=0)] = 15
    lengths_hours: list[Annotated[float, Field(gt=0, le=16)]]
    earliest_start: str = "06:00"
    latest_end: str = "24:00"
    breaks: list[BreakRule] = Field(default_factory=list)

    @field_validator("earliest_start")
    @classmethod
    def _start_clock(cls, value: str) -> str:
        _parse_clock(value, allow_24=False)
        return value

    @field_validator("latest_end")
    @classmethod
    def _end_clock(cls, value: str) -> str:
        _parse_clock(value, allow_24=True)
        return value


class Contract(_Model):
    """A contract's hours and labour rules (per week unless stated)."""

    weekly_hours_min: Annotated[float, Field(ge=0)]
    weekly_hours_max: Annotated[float, Field(gt=0)]
    max_days: Annotated[int, Field(ge=1, le=7)] = 5
    min_days: Annotated[int, Field(ge=0, le=7)] = 0
    min_rest_hours: Annotated[float, Field(ge=0)] = 11
    max_consecutive_days: Annotated[int, Field(ge=1, le=14)] = 6
    min_consecutive_days_off: Annotated[int, Field(ge=1, le=7)] = 1
    max_weekend_days: Annotated[int, Field(ge=0, le=2)] = 2
    hourly_cost: Annotated[float, Field(ge=0)]

    @model_validator(mode="after")
    def _ranges(self) -> Contract:
        if self.weekly_hours_max < self.weekly_hours_min:
            raise ValueError(
                f"weekly_hours_max {self.weekly_hours_max} is below weekly_hours_min "
                f"{self.weekly_hours_min}"
            )
        if self.min_days > self.max_days:
            raise ValueError(
                f"min_days {self.min_days} is above max_days {self.max_days}"
            )
        return self


class LabourRules(_Model):
    """Limits that hold for everyone whatever their contract (EU working time)."""

    max_weekly_hours: Annotated[float, Field(gt=0)] = 48
    min_daily_rest_hours: Annotated[float, Field(ge=0)] = 11
    min_weekly_rest_hours: Annotated[float, Field(ge=0)] = 35


class Costs(_Model):
    """Cost settings; hourly pay is per contract."""

    currency: str = "EUR"
    overtime_multiplier: Annotated[float, Field(ge=1)] = 1.5
    evening_multiplier: Annotated[float, Field(ge=1)] = 1.0
    weekend_multiplier: Annotated[float, Field(ge=1)] = 1.0


class CentreInfo(_Model):
    """Where and how the centre plans."""

    name: str
    time_zone: str
    interval_minutes: int
    week_start: Weekday = "monday"
    country: str | None = Field(
        default=None, description="ISO 3166 code for public holidays, e.g. FI"
    )

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone; use a name like Europe/Helsinki"
            ) from None
        return value

    @field_validator("interval_minutes")
    @classmethod
    def _interval(cls, value: int) -> int:
        if value not in ALLOWED_INTERVAL_MINUTES:
            raise ValueError(
                f"plan interval {value} min is not supported; use 15 or 30"
            )
        return value


class Centre(_Model):
    """A whole centre configuration, as read from ``centre.toml``."""

    centre: CentreInfo
    channels: dict[str, Channel]
    shifts: ShiftRules
    contracts: dict[str, Contract]
    labour: LabourRules = Field(default_factory=LabourRules)
    costs: Costs = Field(default_factory=Costs)
    sites: list[str] = Field(default_factory=list)

    @field_validator("channels")
    @classmethod
    def _some_channels(cls, value: dict[str, Channel]) -> dict[str, Channel]:
        if not value:
            raise ValueError("at least one channel is required, e.g. [channels.phone]")
        return value

    @field_validator("contracts")
    @classmethod
    def _some_contracts(cls, value: dict[str, Contract]) -> dict[str, Contract]:
        if not value:
            raise ValueError(
                "at least one contract is required, e.g. [contracts.full_time]"
            )
        return value

    @model_validator(mode="after")
    def _sites_known(self) -> Centre:
        for name, channel in self.channels.items():
            if (
                channel.site is not None
                and self.sites
                and channel.site not in self.sites
            ):
                raise ValueError(
                    f"channels.{name}.site {channel.site!r} is not one of the sites "
                    f"{self.sites}; add it to sites or fix the name"
                )
        return self

    @property
    def interval_minutes(self) -> int:
        """Plan interval in minutes (15 or 30)."""
        return self.centre.interval_minutes

    @property
    def interval_s(self) -> int:
        """Plan interval in seconds."""
        return self.centre.interval_minutes * 60

    @property
    def country(self) -> str | None:
        """ISO country code for public holidays, if set."""
        return self.centre.country

    @cached_property
    def zone(self) -> ZoneInfo:
        """The centre's time zone."""
        return ZoneInfo(self.centre.time_zone)


def _describe(errors: ValidationError, source: str) -> str:
    lines = []
    for error in errors.errors(include_url=False):
        key = ".".join(str(part) for part in error["loc"] if part != "__root__")
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            lines.append(f"{source}: missing key {key}; add it (see the sample centre)")
            continue
        if error["type"] == "extra_forbidden":
            lines.append(
                f"{source}: unknown key {key}; check its spelling against the sample "
                "centre (vuoro init DIR writes one)"
            )
            continue
        value = error.get("input")
        shown = "" if isinstance(value, dict | list) else f" = {value!r}"
        lines.append(f"{source}: {key or 'file'}{shown}: {message}")
    return "\n".join(lines)


def parse_centre(data: Mapping[str, Any], source: str = "centre.toml") -> Centre:
    """Validate a centre configuration already read into a mapping.

    Parameters
    ----------
    data : Mapping
        The TOML document as a nested mapping.
    source : str
        Name of the file, for error messages.

    Raises
    ------
    InvalidInputError
        Naming every offending key and value and what is allowed.
    """
    try:
        return Centre.model_validate(data)
    except ValidationError as err:
        raise InvalidInputError(_describe(err, source)) from None


def load_centre(path: str | Path | None = None) -> Centre:
    """Read and validate ``centre.toml``; the built-in sample centre when ``None``.

    Raises
    ------
    InvalidInputError
        When the file is missing, is not TOML, or breaks a rule of the schema.
    """
    if path is None:
        text = (SAMPLE_DIR / "centre.toml").read_text(encoding="utf-8")
        source = "sample centre.toml"
    else:
        file = Path(path)
        if not file.is_file():
            raise InvalidInputError(
                f"{file}: no such file; give the path of centre.toml"
            )
        text = file.read_text(encoding="utf-8")
        source = str(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidInputError(f"{source}: not valid TOML: {err}") from None
    centre = parse_centre(data, source)
    logger.debug("loaded centre %s from %s", centre.centre.name, source)
    return centre


def edited_centre(
    centre: Centre, patch: Mapping[str, Any], source: str = "edited centre"
) -> Centre:
    """The centre with ``patch`` deep-merged into its settings, validated again.

    Parameters
    ----------
    centre : Centre
        The centre to start from (not modified).
    patch : Mapping
        Nested settings as in ``centre.toml``, e.g.
        ``{"channels": {"phone": {"service_level": 0.85}}}`` or
        ``{"contracts": {"full_time": {"hourly_cost": 28.0}}}``; a mapping merges
        into the mapping it replaces, anything else replaces the value.
    source : str
        What to call the result in error messages.

    Raises
    ------
    InvalidInputError
        Naming every offending key and value, as :func:`parse_centre` does.
    """
    data = centre.model_dump(mode="json", by_alias=True)

    def merge(into: dict[str, Any], changes: Mapping[str, Any]) -> None:
        for key, value in changes.items():
            if isinstance(value, Mapping) and isinstance(into.get(key), dict):
                merge(into[key], value)
            else:
                into[key] = value

    merge(data, patch)
    return parse_centre(data, source)
