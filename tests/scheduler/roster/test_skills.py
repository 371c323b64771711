"""Skills: work only on the agent's channels, walk-in work only at its site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

from scheduler.roster.rules.base import Violation
from scheduler.roster.rules.skills import RULE
from tests.scheduler.roster.conftest import eight_hours

Audit = Callable[..., list[Violation]]
MONDAY = "2026-01-05"


def test_phone_work_by_a_phone_agent_passes(audit: Audit) -> None:
    """A001 has the phone skill."""
    assert audit(eight_hours("A001", MONDAY), "skills") == []


def test_chat_work_by_a_phone_only_agent_is_reported_in_minutes(audit: Audit) -> None:
    """Seven hours of chat (8 h less breaks) are off A001's skills."""
    assert audit(eight_hours("A001", MONDAY, channel="chat"), "skills") == [
        Violation(
            "skills",
            "A001",
            dt.date(2026, 1, 5),
            "channel 'chat' is not one of the agent's skills: 420 min of work",
            420.0,
            "min",
        )
    ]


def test_walk_in_work_away_from_its_site_is_reported(
    audit: Audit, agents: pd.DataFrame
) -> None:
    """A face-to-face agent moved to the contact centre may not serve the branch."""
    moved = agents.copy()
    moved.loc[moved["agent_id"] == "A109", "site"] = "contact_centre"
    [violation] = audit(
        eight_hours("A109", MONDAY, channel="face_to_face"),
        "skills",
        agent_ids=["A109"],
        staff=moved,
    )
    assert violation.detail == (
        "walk-in channel 'face_to_face' is served only at its site: 420 min of work"
    )


def test_a_channel_nobody_serves_is_a_warning(
    make_inputs: Callable[..., Any],
) -> None:
    """With A001 alone, chat, email and face to face have no agent."""
    findings = RULE.diagnose(make_inputs())
    assert [f.detail.split("'")[1] for f in findings] == [
        "chat",
        "email",
        "face_to_face",
    ]
    assert {f.severity for f in findings} == {"warning"}
