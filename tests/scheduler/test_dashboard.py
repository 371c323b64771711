"""What the supervisor's screens show: KPI cards, Gantt bars, coverage, bent rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from scheduler.agents import load_agents
from scheduler.config import load_centre
from scheduler.dashboard import (
    BENT_COLUMNS,
    GANTT_COLUMNS,
    bent_rules_table,
    coverage_frame,
    gantt_frame,
    kpi_cards,
    percent,
    rule_meaning,
)

ZONE = "Europe/Helsinki"
MONDAY = dt.date(2026, 2, 2)


def kpis(phone_sl: float, paid: float, cost: float, short: float) -> dict[str, Any]:
    return {
        "channels": {
            "phone": {"service_level": phone_sl, "target": 0.8, "meets_target": True},
            "email": {"service_level": None, "target": 0.9, "meets_target": False},
        },
        "overall": {
            "paid_hours": paid,
            "cost": cost,
            "currency": "EUR",
            "understaffed_agent_hours": short,
        },
    }


def test_percent_writes_fractions_for_people() -> None:
    assert percent(0.8192) == "81.9 %"
    assert percent(0.8, 0) == "80 %"
    assert percent(None) == "–"
    assert percent(float("nan")) == "–"


def test_cards_show_each_channel_against_its_target() -> None:
    cards = {card.key: card for card in kpi_cards(kpis(0.8192, 4010.5, 107119.64, 3))}
    assert list(cards) == [
        "sl.phone",
        "sl.email",
        "paid_hours",
        "cost",
        "understaffed_agent_hours",
    ]
    phone = cards["sl.phone"]
    assert (phone.label, phone.value, phone.delta) == (
        "phone",
        "81.9 %",
        "+1.9 pts vs target",
    )
    assert phone.group == "service level"
    assert phone.number == 0.8192
    assert cards["sl.email"].value == "–"
    assert cards["sl.email"].delta is None
    assert "(not met)" in cards["sl.email"].help
    assert cards["paid_hours"].value == "4,010.5 h"
    assert cards["cost"].label == "cost (EUR)"
    assert cards["cost"].value == "107,120"
    assert cards["cost"].delta_color == "inverse"


def test_cards_against_earlier_kpis_show_the_change() -> None:
    before = kpis(0.8192, 4010.5, 107119.64, 243.69)
    after = kpis(0.8011, 4003.0, 106917.14, 250.0)
    cards = {card.key: card for card in kpi_cards(after, before=before)}
    assert cards["sl.phone"].delta == "-1.8 pts"
    assert cards["paid_hours"].delta == "-7.5 h"
    assert cards["cost"].delta == "-202"
    assert cards["understaffed_agent_hours"].delta == "+6.3"


def test_a_gap_card_appears_with_solver_figures() -> None:
    figures = {
        **kpis(0.8, 1.0, 1.0, 0.0),
        "solver": {"gap": 0.031, "status": "FEASIBLE"},
    }
    gap = kpi_cards(figures)[-1]
    assert (gap.key, gap.value) == ("gap", "3.1 %")
    assert "FEASIBLE" in gap.help


def _roster() -> pd.DataFrame:
    def at(clock: str) -> pd.Timestamp:
        return pd.Timestamp(f"{MONDAY} {clock}").tz_localize(ZONE)

    rows = [
        ("A002", MONDAY, at("09:00"), at("11:00"), "work", "chat", True),
        ("A001", MONDAY, at("08:00"), at("09:30"), "work", "phone", False),
        ("A001", MONDAY, at("09:30"), at("09:45"), "break", "", False),
        ("A001", dt.date(2026, 2, 3), at("08:00"), at("09:00"), "work", "phone", False),
    ]
    return pd.DataFrame(
        rows,
        columns=["agent_id", "date", "start", "end", "activity", "channel", "locked"],
    )


def test_gantt_bars_name_the_agent_and_colour_work_by_channel() -> None:
    centre = load_centre()
    agents = load_agents(None, centre)
    frame = gantt_frame(_roster(), agents, dates=[MONDAY])
    assert tuple(frame.columns) == GANTT_COLUMNS
    assert list(frame["agent"]) == [
        "A001 Kerttu Mäkelä",
        "A001 Kerttu Mäkelä",
        "A002 Ville Salo",
    ]
    assert list(frame["what"]) == ["phone", "break", "chat"]
    assert list(frame["locked"]) == [False, False, True]
    assert frame["start"].iloc[0] == pd.Timestamp(f"{MONDAY} 08:00")  # naive local
    only = gantt_frame(_roster(), agents, agent_ids=["A001"])
    assert len(only) == 3


def test_coverage_frame_is_required_and_scheduled_long() -> None:
    stamps = pd.date_range(f"{MONDAY} 08:00", periods=2, freq="15min", tz=ZONE)
    coverage = pd.DataFrame(
        {
            "interval_start": [*stamps, *stamps],
            "channel": ["phone", "phone", "chat", "chat"],
            "required": [3, 4, 1, 1],
            "scheduled": [2.5, 4.0, 1.0, 0.0],
        }
    )
    frame = coverage_frame(coverage, "phone")
    assert list(frame["series"]) == ["required", "required", "scheduled", "scheduled"]
    assert list(frame["agents"]) == [3.0, 4.0, 2.5, 4.0]
    assert frame["time"].iloc[1] == pd.Timestamp(f"{MONDAY} 08:15")


def test_bent_rules_are_explained_with_whom_and_cost() -> None:
    agents = load_agents(None, load_centre())
    bent = pd.DataFrame(
        {
            "rule": ["stability.start_change", "coverage.weekly_service_level"],
            "subject": ["A001", "phone"],
            "when": ["day 1-2", "week"],
            "amount": [1.0, 82358.0],
            "unit": ["slots", "contacts/100"],
            "cost_cents": [50.0, 1647160.0],
        }
    )
    table = bent_rules_table(bent, agents)
    assert tuple(table.columns) == BENT_COLUMNS
    assert list(table["whom"]) == ["phone", "A001 Kerttu Mäkelä"]
    assert list(table["cost"]) == [16471.6, 0.5]
    assert table["meaning"].iloc[0] == "channel below its weekly service-level target"
    assert bent_rules_table(pd.DataFrame(), agents).empty


@pytest.mark.parametrize(
    ("rule", "meaning"),
    [
        ("coverage.shortfall.tier2", "interval short of the agents it requires"),
        ("bent.rest", "a contract or labour rule bent for this agent"),
        ("something.new", "something.new"),
    ],
)
def test_rules_are_explained_by_their_longest_known_prefix(
    rule: str, meaning: str
) -> None:
    assert rule_meaning(rule) == meaning
