"""Changes from ``key=value`` settings, as ``vuoro whatif --set`` takes them.

=================================  ===================================================
setting                            change
=================================  ===================================================
``volume.CHANNEL=1.1``             contacts x 1.1
``aht.CHANNEL=0.9``                handle time x 0.9
``target.CHANNEL=0.85``            service-level target 85 %
``answer_within.CHANNEL=30``       answer time 30 s
``shrinkage.CHANNEL=0.25``         shrinkage 25 %
``deflection.rate=0.2``            20 % of phone to chat; with ``deflection.from``,
                                   ``.to``, ``.bounce_back``, ``.contained``,
                                   ``.aht_s``, ``.concurrency``
``fcr.CHANNEL=0.7:0.8``            first-contact resolution from 70 % to 80 %
``callbacks.share=0.06``           call-backs to 6 % of phone contacts; with
                                   ``callbacks.aht_s``, ``.deadline_hours``,
                                   ``.target``, ``.from``
``agents.add=3:part_time_30:phone;chat:contact_centre``   hire 3 agents
``agents.remove=2:phone``          remove 2 phone agents (or ``=A001,A002``)
=================================  ===================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scheduler.exceptions import InvalidInputError
from scheduler.scenarios.changes import (
    AddAgents,
    AhtChange,
    Callbacks,
    Change,
    Deflection,
    FirstContactResolution,
    RemoveAgents,
    ShrinkageChange,
    TargetChange,
    VolumeChange,
)

_DEFLECTION_FIELDS = {
    "rate": ("rate", float),
    "from": ("from_channel", str),
    "to": ("to_channel", str),
    "bounce_back": ("bounce_back_share", float),
    "contained": ("contained_share", float),
    "aht_s": ("aht_s", float),
    "concurrency": ("concurrency", int),
}
_CALLBACK_FIELDS = {
    "share": ("share", float),
    "aht_s": ("aht_s", float),
    "deadline_hours": ("deadline_business_hours", float),
    "target": ("target", float),
    "from": ("from_channel", str),
}
_PER_CHANNEL = ("volume", "aht", "target", "answer_within", "shrinkage")


def _number(text: str, setting: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidInputError(f"--set {setting}: {text!r} is not a number") from None


def _grouped(
    fields: dict[str, tuple[str, type]], values: dict[str, str], what: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, text in values.items():
        if key not in fields:
            raise InvalidInputError(
                f"--set {what}.{key}: unknown setting; use one of "
                f"{', '.join(f'{what}.{k}' for k in fields)}"
            )
        name, kind = fields[key]
        setting = f"{what}.{key}"
        out[name] = text if kind is str else kind(_number(text, setting))
    return out


def _agents(key: str, text: str) -> Change:
    setting = f"agents.{key}"
    if key == "add":
        parts = text.split(":")
        if len(parts) != 4:
            raise InvalidInputError(
                f"--set {setting}={text}: give COUNT:CONTRACT:SKILLS:SITE, e.g. "
                "agents.add=3:part_time_30:phone;chat:contact_centre"
            )
        count, contract, skills, site = parts
        return AddAgents(
            count=int(_number(count, setting)),
            contract=contract,
            skills=tuple(s for s in skills.split(";") if s),
            site=site,
        )
    if key == "remove":
        head, _, skill = text.partition(":")
        if head.isdigit():
            return RemoveAgents(count=int(head), skill=skill or None)
        return RemoveAgents(agent_ids=tuple(a for a in text.split(",") if a))
    raise InvalidInputError(
        f"--set {setting}: unknown; use agents.add or agents.remove"
    )


def _per_channel(what: str, channel: str, number: float) -> Change:
    if what == "volume":
        return VolumeChange(channel, number)
    if what == "aht":
        return AhtChange(channel, number)
    if what == "target":
        return TargetChange(channel, service_level=number)
    if what == "answer_within":
        return TargetChange(channel, answer_within_s=number)
    return ShrinkageChange(channel, number)


def changes_from_settings(settings: Sequence[str]) -> tuple[Change, ...]:
    """Changes from ``key=value`` texts (see the module docstring).

    Raises
    ------
    InvalidInputError
        Naming the setting that is malformed or unknown and how to write it.
    """
    changes: list[Change] = []
    deflection: dict[str, str] = {}
    callbacks: dict[str, str] = {}
    for setting in settings:
        key, sep, value = setting.partition("=")
        what, dot, name = key.strip().partition(".")
        value = value.strip()
        if not sep or not dot or not name or not value:
            raise InvalidInputError(
                f"--set {setting!r}: write KEY.NAME=VALUE, e.g. volume.chat=1.1"
            )
        if what == "deflection":
            deflection[name] = value
        elif what == "callbacks":
            callbacks[name] = value
        elif what == "agents":
            changes.append(_agents(name, value))
        elif what == "fcr":
            old, colon, new = value.partition(":")
            if not colon:
                raise InvalidInputError(
                    f"--set {setting}: give the rates now and in the scenario, e.g. "
                    f"fcr.{name}=0.7:0.8"
                )
            changes.append(
                FirstContactResolution(
                    rates_from={name: _number(old, key)},
                    rates_to={name: _number(new, key)},
                )
            )
        elif what in _PER_CHANNEL:
            changes.append(_per_channel(what, name, _number(value, key)))
        else:
            raise InvalidInputError(
                f"--set {setting}: unknown setting {what!r}; use one of volume, aht, "
                "target, answer_within, shrinkage, deflection, fcr, callbacks, agents"
            )
    if deflection:
        values = _grouped(_DEFLECTION_FIELDS, deflection, "deflection")
        if "rate" not in values:
            raise InvalidInputError("--set deflection.*: give deflection.rate too")
        changes.append(Deflection(**values))
    if callbacks:
        values = _grouped(_CALLBACK_FIELDS, callbacks, "callbacks")
        if "share" not in values:
            raise InvalidInputError("--set callbacks.*: give callbacks.share too")
        changes.append(Callbacks(**values))
    return tuple(changes)
