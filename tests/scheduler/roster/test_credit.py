"""Planning credit: the staffing the evaluation credits beyond the stationary curves."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from scheduler.config import Centre, load_centre
from scheduler.erlang import service_level_curve
from scheduler.evaluate import carried_service_level
from scheduler.requirements import compute_requirements, queue_model, staffing_target
from scheduler.roster.credit import (
    CREDIT_SHARE,
    menu_exit_rate,
    planning_credit,
    reaching_scales,
)
from scheduler.roster.curves import scheduled_curve
from scheduler.shifts import shift_templates
from tests.scheduler.roster.flat_week import STAMPS, flat_forecast, flat_problem
from tests.scheduler.roster.tiny import BREAKS_30, contract, phone, tiny_centre

HOUR = np.asarray(STAMPS.hour + STAMPS.minute / 60)
#: A channel's agents leave (a break, a lunch, the shift's end) once in 8 slots.
EXIT_RATE = 0.125


@pytest.fixture(scope="module")
def centre() -> Centre:
    return load_centre()


def _rows(
    centre: Centre, name: str, contacts: np.ndarray, aht_s: float
) -> pd.DataFrame:
    forecast = pd.DataFrame(
        {
            "channel": name,
            "interval_start": STAMPS,
            "contacts": contacts,
            "aht_seconds": aht_s,
        }
    )
    return compute_requirements(forecast, centre)


def _flat(centre: Centre, name: str) -> pd.DataFrame:
    return compute_requirements(flat_forecast(name), centre)


def _peaked_chat(centre: Centre) -> pd.DataFrame:
    """Chats peaking at 40 a quarter-hour at noon, a bell over the day."""
    contacts = np.where(
        (HOUR >= 8) & (HOUR < 20), 40 * np.exp(-((HOUR - 12) ** 2) / 2), 0.0
    )
    return _rows(centre, "chat", contacts, 540.0)


def test_the_exit_rate_is_breaks_and_the_end_per_slot_of_the_menu() -> None:
    """On 30-minute slots a 4-hour shift has one break (2 exits in 8 slots), a
    6-hour shift two breaks and a lunch (4 exits in 12 slots)."""
    channels = {"phone": phone({"monday": "08:00-16:00"})}
    contracts = {"flex": contract(0, 40, 0, 5)}
    four, six = (
        tiny_centre(
            channels,
            contracts,
            lengths_hours=(hours,),
            latest_end="16:00",
            breaks=BREAKS_30,
        )
        for hours in (4, 6)
    )
    assert menu_exit_rate(shift_templates(four.shifts, 30)) == pytest.approx(2 / 8)
    assert menu_exit_rate(shift_templates(six.shifts, 30)) == pytest.approx(4 / 12)
    assert menu_exit_rate([]) == 0.0


@pytest.mark.parametrize("name", ["phone", "chat", "face_to_face"])
def test_a_constant_load_with_nobody_leaving_earns_almost_no_credit(
    centre: Centre, name: str
) -> None:
    """Constant load, nobody leaving: the evaluation is the stationary figure but
    for each day's opening, where the queue starts empty (under 1 %)."""
    credit = planning_credit(_flat(centre, name), centre.channels[name], centre, 0.0)
    assert 0.0 <= credit < 0.01


def test_long_contacts_earn_more_credit_than_short_calls(centre: Centre) -> None:
    """With agents leaving once in 8 slots, three concurrent 9-minute chats leave
    more with them than 15-minute visits one at a time, and those more than
    5-minute calls; each credit is the shared part of the scales' ratio."""
    credits = {}
    for name in ("phone", "chat", "face_to_face"):
        rows, channel = _flat(centre, name), centre.channels[name]
        credits[name] = planning_credit(rows, channel, centre, EXIT_RATE)
        scales = reaching_scales(rows, channel, centre, EXIT_RATE)
        assert scales is not None
        evaluated, stationary = scales
        assert credits[name] == pytest.approx(
            CREDIT_SHARE * (stationary / evaluated - 1)
        )
    assert credits["chat"] > credits["face_to_face"] > credits["phone"] > 0.01
    assert credits["chat"] == pytest.approx(0.1006, abs=0.001)


def test_the_scales_reach_the_target_and_no_less_does(centre: Centre) -> None:
    """At its scale each figure reaches the 80 % weekly target, and 0.2 % less
    staffing falls short: the evaluation's carried-over figure with agents
    leaving, and the stationary Erlang figure interpolated between headcounts."""
    rows = _peaked_chat(centre).sort_values("interval_start").reset_index(drop=True)
    channel = centre.channels["chat"]
    scales = reaching_scales(rows, channel, centre, EXIT_RATE)
    assert scales is not None
    evaluated_scale, stationary_scale = scales
    weights = np.where(rows["open"], rows["contacts"], 0.0)
    net = rows["required_fractional"].to_numpy() * (1 - channel.shrinkage)
    before = np.concatenate([[0.0], net[:-1]])

    def evaluated(scale: float) -> float:
        level = carried_service_level(
            rows, net * scale, EXIT_RATE * before * scale, channel, centre
        )
        return float(np.nansum(level * weights) / weights.sum())

    counted = weights > 0
    curve = service_level_curve(
        queue_model(channel),
        rows["contacts"].to_numpy()[counted],
        rows["aht_seconds"].to_numpy()[counted],
        centre.interval_s,
        staffing_target(channel).answer_within_s,
        int(net.max() * 2) + 2,
    ).service_level

    def stationary(scale: float) -> float:
        agents = net[counted] * scale
        level = [
            np.interp(a, np.arange(curve.shape[1]), row)
            for a, row in zip(agents, curve, strict=True)
        ]
        return float(np.dot(level, weights[counted]) / weights.sum())

    for level, scale in ((evaluated, evaluated_scale), (stationary, stationary_scale)):
        assert level(scale) >= 0.8
        assert level(scale - 0.002) < 0.8


def test_a_credit_below_zero_is_planned_whole(centre: Centre) -> None:
    """Nobody leaving and chats rising to a noon peak: the carried-over load runs
    behind the arrivals and the evaluation needs 7 % more than the stationary
    curves; that is planned in full, not in part."""
    rows, channel = _peaked_chat(centre), centre.channels["chat"]
    scales = reaching_scales(rows, channel, centre, 0.0)
    assert scales is not None
    evaluated, stationary = scales
    credit = planning_credit(rows, channel, centre, 0.0)
    assert credit == pytest.approx(stationary / evaluated - 1)
    assert credit == pytest.approx(-0.070, abs=0.002)


def test_email_gets_no_credit(centre: Centre) -> None:
    """Deferrable work has no service-level curve to credit."""
    rows = _flat(centre, "email")
    assert planning_credit(rows, centre.channels["email"], centre, EXIT_RATE) == 0.0
    assert reaching_scales(rows, centre.channels["email"], centre, EXIT_RATE) is None


def test_the_curves_read_the_credit_as_more_scheduled_agents(centre: Centre) -> None:
    """A credit of 0.1 reads the curve at 1.1 times the scheduled agents: 10
    scheduled are 10 × 0.88 × 1.1 = 9.68 net at 12 % shrinkage, interpolated
    between Erlang's figures for 9 and 10 agents."""
    demand = flat_problem(centre).channels["chat"]
    assert demand.credit > 0
    plain = scheduled_curve(dataclasses.replace(demand, credit=0.0), 900, 20)
    credited = scheduled_curve(dataclasses.replace(demand, credit=0.1), 900, 20)
    first = credited.slots[:1]
    erlang = service_level_curve(
        queue_model(demand.channel),
        demand.contacts[first],
        demand.aht_s[first],
        900,
        60,
        12,
    ).service_level[0]
    net = 10 * 0.88 * 1.1
    expected = erlang[9] + (net - 9) * (erlang[10] - erlang[9])
    assert credited.service_level[0, 10] == pytest.approx(expected)
    assert credited.service_level[0, 10] > plain.service_level[0, 10]
