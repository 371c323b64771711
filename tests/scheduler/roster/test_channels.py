"""Channels per agent: the plan's totals kept, the fewest moves between channels."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from scheduler.agents import load_agents
from scheduler.config import Centre, load_centre
from scheduler.requirements import compute_requirements
from scheduler.roster.channels import Quota, agent_channels, fewest_moves
from scheduler.roster.inputs import RosterInputs
from scheduler.roster.problem import RosterProblem, build_problem
from tests.scheduler.roster.conftest import eight_hours
from tests.scheduler.roster.flat_week import (
    FLAT,
    WEEK_START,
    flat_forecast,
    flat_problem,
)

#: Monday 10:00 on the sample centre's 15-minute grid: phone and chat are open.
TEN = 40


@pytest.fixture(scope="module")
def centre() -> Centre:
    return load_centre()


@pytest.fixture(scope="module")
def problem(centre: Centre) -> RosterProblem:
    """The sample agents against a week of flat demand on every channel."""
    return flat_problem(centre)


def _phone_and_chat(problem: RosterProblem) -> list[int]:
    return [
        gi
        for gi, g in enumerate(problem.groups)
        if set(g.skills) == {"phone", "chat"} and not g.locked
    ]


def _moves(quota: Quota) -> int:
    """Agents leaving a channel from one slot to the next, summed."""
    out = 0
    for (gi, t), shares in quota.items():
        before = quota.get((gi, t - 1), {})
        out += sum(max(k - shares.get(c, 0), 0) for c, k in before.items())
    return out


def _totals(quota: Quota) -> dict[tuple[str, int], int]:
    out: dict[tuple[str, int], int] = defaultdict(int)
    for (_, t), shares in quota.items():
        for c, k in shares.items():
            out[c, t] += k
    return {key: k for key, k in out.items() if k}


def _present(quota: Quota) -> dict[tuple[int, int], int]:
    return {key: sum(shares.values()) for key, shares in quota.items()}


def test_two_groups_trading_an_agent_every_slot_stop_moving(
    problem: RosterProblem,
) -> None:
    """Two groups of three trade an agent between phone and chat every slot (one
    move in each group at each of three slot changes): the same totals need none."""
    first, second = _phone_and_chat(problem)[:2]
    quota: Quota = {}
    for k in range(4):
        phone = 2 if k % 2 == 0 else 1
        quota[first, TEN + k] = {"phone": phone, "chat": 3 - phone}
        quota[second, TEN + k] = {"phone": 3 - phone, "chat": phone}
    assert _moves(quota) == 6
    got = fewest_moves(problem, quota)
    assert _moves(got) == 0
    assert (
        _totals(got)
        == _totals(quota)
        == {
            **{("phone", TEN + k): 3 for k in range(4)},
            **{("chat", TEN + k): 3 for k in range(4)},
        }
    )
    assert _present(got) == _present(quota)


def test_random_allocations_keep_totals_and_presence_with_fewer_moves(
    problem: RosterProblem,
) -> None:
    """Seeded random allocations of every phone-and-chat group over two hours: the
    totals per channel and slot and the agents present per group are unchanged,
    and the moves fall (never rise)."""
    rng = np.random.default_rng(7)
    groups = _phone_and_chat(problem)
    quota: Quota = {}
    for gi in groups:
        size = problem.groups[gi].size
        for t in range(TEN, TEN + 8):
            present = int(rng.integers(0, size + 1))
            phone = int(rng.integers(0, present + 1))
            quota[gi, t] = {
                c: k for c, k in (("phone", phone), ("chat", present - phone)) if k
            }
    got = fewest_moves(problem, quota)
    assert _totals(got) == _totals(quota)
    assert _present(got) == _present(quota)
    assert all(
        k > 0 and int(k) == k for shares in got.values() for k in shares.values()
    )
    assert _moves(got) < _moves(quota)


def test_single_skill_groups_keep_their_allocation(problem: RosterProblem) -> None:
    """Only multi-skilled groups can trade: a phone-only group's quota is kept."""
    phone_only = next(
        gi for gi, g in enumerate(problem.groups) if g.skills == ("phone",)
    )
    quota: Quota = {
        (phone_only, TEN): {"phone": 2},
        (phone_only, TEN + 1): {"phone": 1},
    }
    assert fewest_moves(problem, quota) == quota


def test_a_group_with_a_locked_shift_keeps_its_allocation(centre: Centre) -> None:
    """A phone-and-chat agent with a locked Monday keeps the model's allocation,
    even where trading with another group would save a move."""
    agents = load_agents(None, centre)
    agent = agents.loc[agents["skills"] == ("phone", "chat"), "agent_id"].iloc[0]
    locked = eight_hours(agent, "2026-01-05", "08:00", channel="chat")
    forecast = pd.concat([flat_forecast(name) for name in FLAT])
    problem = build_problem(
        RosterInputs(centre, agents, WEEK_START, locked=locked),
        compute_requirements(forecast, centre),
    )
    mine = next(gi for gi, g in enumerate(problem.groups) if agent in g.agent_ids)
    other = _phone_and_chat(problem)[0]
    quota: Quota = {
        (mine, TEN): {"chat": 1},
        (mine, TEN + 1): {"phone": 1},
        (other, TEN): {"phone": 1},
        (other, TEN + 1): {"chat": 1},
    }
    assert problem.groups[mine].locked
    assert fewest_moves(problem, quota) == quota


def test_agents_keep_their_channel_and_return_to_it_after_a_break(
    problem: RosterProblem,
) -> None:
    """A, B and C of one group: A on chat, B and C on phone; A and C take a break
    in the second slot; back in the third, each returns to the channel they left
    (filling channels in quota order would put A on phone and C on chat)."""
    gi = _phone_and_chat(problem)[0]
    a, b, c = problem.groups[gi].agent_ids[:3]
    present = {a: {TEN, TEN + 2}, b: {TEN, TEN + 1, TEN + 2}, c: {TEN, TEN + 2}}
    quota = {
        (gi, TEN): {"chat": 1, "phone": 2},
        (gi, TEN + 1): {"phone": 1},
        (gi, TEN + 2): {"phone": 2, "chat": 1},
    }
    got = agent_channels(problem, quota, present)
    assert got == {
        (a, TEN): "chat",
        (b, TEN): "phone",
        (c, TEN): "phone",
        (b, TEN + 1): "phone",
        (a, TEN + 2): "chat",
        (b, TEN + 2): "phone",
        (c, TEN + 2): "phone",
    }
