"""Staffing floor: enough free walk-in agents at the branch while it is open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from scheduler.roster.rules.base import Finding
from scheduler.roster.rules.staffing_floor import RULE

BRANCH = [f"A{n}" for n in range(109, 121)]  # the twelve face-to-face agents


def test_the_sample_branch_can_staff_its_desk(make_inputs: Callable[..., Any]) -> None:
    """Twelve branch agents can keep two at the desk every open hour."""
    assert RULE.diagnose(make_inputs(agent_ids=None)) == []


def test_leave_for_all_but_one_branch_agent_is_a_conflict(
    make_inputs: Callable[..., Any],
) -> None:
    """With eleven of twelve on leave on Monday, one agent cannot make two."""
    leave = [(agent, "2026-01-05", "00:00", "24:00", "leave") for agent in BRANCH[1:]]
    assert RULE.diagnose(make_inputs(agent_ids=BRANCH, availability=leave)) == [
        Finding(
            "staffing_floor",
            None,
            dt.date(2026, 1, 5),
            "face_to_face at helsinki_branch needs 2 agents while open but only 1 "
            "with the skill are free at 10:00",
            1.0,
            "agent",
            "conflict",
        )
    ]
