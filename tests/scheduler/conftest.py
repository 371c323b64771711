"""Fixtures shared by the scheduler tests: centres built from the sample."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from scheduler.config import SAMPLE_DIR, Centre, load_centre, parse_centre

#: Value that removes a key in :func:`edited_centre`.
DELETE = "<delete>"


def edited_centre(edit: dict[str, Any]) -> Centre:
    """The sample centre with keys set by dotted path; ``"<delete>"`` removes one."""
    data = tomllib.loads((SAMPLE_DIR / "centre.toml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for path, value in edit.items():
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[key]
        if value == DELETE:
            del node[last]
        else:
            node[last] = value
    return parse_centre(data)


@pytest.fixture
def centre_with() -> Callable[[dict[str, Any]], Centre]:
    """``centre_with({"channels.phone.kind": "x"})``: the edited sample, validated."""
    return edited_centre


@pytest.fixture
def sample_centre() -> Centre:
    return load_centre()


@pytest.fixture
def make_forecast() -> Callable[..., pd.DataFrame]:
    """A forecast frame: ``make_forecast(channel, start, contacts, aht_s, minutes)``."""

    def make(
        channel: str,
        start: str,
        contacts: list[float],
        aht_s: float | None,
        interval_minutes: int = 15,
    ) -> pd.DataFrame:
        stamps = pd.date_range(
            start, periods=len(contacts), freq=f"{interval_minutes}min"
        )
        return pd.DataFrame(
            {
                "channel": channel,
                "interval_start": stamps,
                "contacts": contacts,
                "aht_seconds": aht_s,
            }
        )

    return make
