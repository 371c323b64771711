"""``--set key=value`` settings into changes."""

from __future__ import annotations

import pytest

from scheduler.exceptions import InvalidInputError
from scheduler.scenarios.changes import (
    AddAgents,
    AhtChange,
    Callbacks,
    Deflection,
    FirstContactResolution,
    RemoveAgents,
    ShrinkageChange,
    TargetChange,
    VolumeChange,
)
from scheduler.scenarios.parse import changes_from_settings


def test_each_setting_becomes_its_change_in_order() -> None:
    changes = changes_from_settings(
        [
            "volume.chat=1.1",
            "aht.phone=0.9",
            "target.phone=0.85",
            "answer_within.phone=30",
            "shrinkage.chat=0.2",
            "fcr.phone=0.7:0.8",
            "agents.add=3:part_time_30:phone;chat:contact_centre",
            "agents.remove=2:phone",
            "agents.remove=A001,A002",
        ]
    )
    assert changes == (
        VolumeChange("chat", 1.1),
        AhtChange("phone", 0.9),
        TargetChange("phone", service_level=0.85),
        TargetChange("phone", answer_within_s=30.0),
        ShrinkageChange("chat", 0.2),
        FirstContactResolution({"phone": 0.7}, {"phone": 0.8}),
        AddAgents(3, "part_time_30", ("phone", "chat"), "contact_centre"),
        RemoveAgents(count=2, skill="phone"),
        RemoveAgents(agent_ids=("A001", "A002")),
    )


def test_grouped_settings_make_one_deflection_and_one_callback_change() -> None:
    changes = changes_from_settings(
        [
            "deflection.rate=0.2",
            "deflection.bounce_back=0.1",
            "deflection.to=chat",
            "deflection.concurrency=1",
            "callbacks.share=0.05",
            "callbacks.deadline_hours=4",
        ]
    )
    assert changes == (
        Deflection(rate=0.2, bounce_back_share=0.1, to_channel="chat", concurrency=1),
        Callbacks(share=0.05, deadline_business_hours=4.0),
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("volume.chat", "write KEY.NAME=VALUE"),
        ("volume.chat=lots", "'lots' is not a number"),
        ("speed.chat=2", "unknown setting 'speed'"),
        ("deflection.bounce_back=0.1", "give deflection.rate too"),
        ("deflection.rate=0.1,deflection.colour=red", "'0.1,deflection.colour=red'"),
        ("fcr.phone=0.8", "fcr.phone=0.7:0.8"),
        ("agents.add=3:full_time", "COUNT:CONTRACT:SKILLS:SITE"),
    ],
)
def test_a_malformed_setting_says_how_to_write_it(setting: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        changes_from_settings([setting])
