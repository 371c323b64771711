"""What-if changes: each moves exactly what it says and nothing else."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from scheduler import schema as col
from scheduler.exceptions import InvalidInputError
from scheduler.plan import Plan
from scheduler.requirements import compute_requirements
from scheduler.scenarios.changes import (
    AddAgents,
    AhtChange,
    Callbacks,
    Deflection,
    FirstContactResolution,
    RemoveAgents,
    ScenarioInputs,
    ShrinkageChange,
    TargetChange,
    VolumeChange,
    change_from_record,
)
from scheduler.scenarios.run import scenario_inputs


@pytest.fixture
def inputs(sample_plan: Plan) -> ScenarioInputs:
    return scenario_inputs(sample_plan)


def totals(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(col.CHANNEL)[col.CONTACTS].sum()


def by_channel(frame: pd.DataFrame, channel: str) -> pd.DataFrame:
    return frame.loc[frame[col.CHANNEL] == channel].set_index(col.INTERVAL_START)


def test_deflection_conserves_contacts_and_returns_the_bounce_back(
    inputs: ScenarioInputs,
) -> None:
    change = Deflection(rate=0.3, bounce_back_share=0.2, contained_share=0.1)
    after = change.apply(inputs)
    phone = by_channel(inputs.forecast, "phone")
    chat = by_channel(inputs.forecast, "chat")
    # chat is open Monday to Friday 08-20: only those phone contacts move
    stamps = phone.index
    chat_open = (stamps.weekday < 5) & (stamps.hour >= 8) & (stamps.hour < 20)
    deflected = 0.3 * phone[col.CONTACTS].to_numpy() * chat_open
    contained = 0.1 * deflected
    back = 0.2 * (deflected - contained)
    new_phone = by_channel(after.forecast, "phone")[col.CONTACTS].to_numpy()
    np.testing.assert_allclose(
        new_phone, phone[col.CONTACTS].to_numpy() - deflected + back, atol=1e-9
    )
    new_chat = by_channel(after.forecast, "chat")[col.CONTACTS]
    onto = pd.Series(deflected - contained - back, index=stamps)
    expected_chat = chat[col.CONTACTS] + onto.reindex(chat.index, fill_value=0.0)
    np.testing.assert_allclose(new_chat.to_numpy(), expected_chat.to_numpy())
    before, now = totals(inputs.forecast), totals(after.forecast)
    assert now["phone"] + now["chat"] + contained.sum() == pytest.approx(
        before["phone"] + before["chat"]
    )
    assert (stamps[~chat_open].weekday == 5).any()  # phone's Saturday stays
    np.testing.assert_array_equal(
        new_phone[~chat_open], phone[col.CONTACTS][~chat_open]
    )


def test_deflection_touches_no_other_channel_and_not_the_base(
    inputs: ScenarioInputs,
) -> None:
    copy = inputs.forecast.copy()
    after = Deflection(rate=0.5).apply(inputs)
    pd.testing.assert_frame_equal(inputs.forecast, copy)
    for channel in ("email", "face_to_face"):
        pd.testing.assert_frame_equal(
            by_channel(after.forecast, channel), by_channel(copy, channel)
        )
    assert after.centre == inputs.centre
    assert after.agents is inputs.agents


def test_a_deflected_chat_held_alone_counts_as_many_chat_slots(
    inputs: ScenarioInputs,
) -> None:
    """On a channel of concurrency 3, a deflected contact that takes an agent's
    whole attention (concurrency 1) counts three times its handle time."""
    assert inputs.centre.channels["chat"].concurrency == 3
    after = Deflection(rate=0.2, aht_s=400.0, concurrency=1).apply(inputs)
    phone = by_channel(inputs.forecast, "phone")
    chat = by_channel(inputs.forecast, "chat")
    at = pd.Timestamp("2026-02-03 10:00", tz="Europe/Helsinki")
    moved = 0.2 * phone.loc[at, col.CONTACTS]
    expected_aht = (
        chat.loc[at, col.CONTACTS] * chat.loc[at, col.AHT_SECONDS] + moved * 1200.0
    ) / (chat.loc[at, col.CONTACTS] + moved)
    assert by_channel(after.forecast, "chat").loc[at, col.AHT_SECONDS] == (
        pytest.approx(expected_aht)
    )


def test_better_first_contact_resolution_removes_the_repeats_it_prevents(
    inputs: ScenarioInputs,
) -> None:
    """70 % -> 80 % resolved on phone: contacts = first contacts / rate, so phone
    falls to 0.7 / 0.8 of today's and the other channels stay."""
    after = FirstContactResolution({"phone": 0.7}, {"phone": 0.8}).apply(inputs)
    ratio = totals(after.forecast) / totals(inputs.forecast)
    assert ratio["phone"] == pytest.approx(0.7 / 0.8)
    assert ratio.drop("phone").tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_repeats_that_cross_channels_satisfy_the_repeat_equation(
    inputs: ScenarioInputs,
) -> None:
    """Half of chat's repeats come by phone: the new totals T' solve
    T' = F + T' diag(1 - f') R with the first contacts F of today's totals."""
    change = FirstContactResolution(
        rates_from={"phone": 0.7, "chat": 0.6},
        rates_to={"phone": 0.75, "chat": 0.8},
        repeat_to={"chat": {"chat": 0.5, "phone": 0.5}},
    )
    after = change.apply(inputs)
    names = ["phone", "chat"]
    today = totals(inputs.forecast)[names].to_numpy()
    then = totals(after.forecast)[names].to_numpy()
    shares = np.array([[1.0, 0.0], [0.5, 0.5]])
    first = today - today @ np.diag([0.3, 0.4]) @ shares
    np.testing.assert_allclose(then, first + then @ np.diag([0.25, 0.2]) @ shares)
    assert then[0] < today[0]
    assert then[1] < today[1]


def test_callbacks_are_deferrable_phone_work_with_a_deadline(
    inputs: ScenarioInputs,
) -> None:
    after = Callbacks(share=0.06, aht_s=420.0, deadline_business_hours=8).apply(inputs)
    channel = after.centre.channels["callbacks"]
    assert channel.kind == "deferrable"
    assert channel.answer_within_business_hours == 8
    assert channel.opening_hours == inputs.centre.channels["phone"].opening_hours
    calls = by_channel(after.forecast, "callbacks")
    phone = by_channel(inputs.forecast, "phone")
    np.testing.assert_allclose(calls[col.CONTACTS], 0.06 * phone[col.CONTACTS])
    assert (calls[col.AHT_SECONDS] == 420.0).all()
    phone_agents = after.agents.loc[after.agents["skills"].map(lambda s: "phone" in s)]
    assert phone_agents["skills"].map(lambda s: "callbacks" in s).all()
    requirements = compute_requirements(after.forecast, after.centre)
    hours = (
        requirements.loc[
            requirements[col.CHANNEL] == "callbacks", col.REQUIRED_FRACTIONAL
        ].sum()
        / 4
    )
    # 6 % of the phone contacts at 420 s each, grossed up for phone's shrinkage
    work_h = 0.06 * phone[col.CONTACTS].sum() * 420 / 3600
    assert hours == pytest.approx(work_h / (1 - channel.shrinkage), rel=0.02)


def test_volume_and_handle_time_scale_only_their_channel(
    inputs: ScenarioInputs,
) -> None:
    after = AhtChange("email", 0.5).apply(VolumeChange("chat", 1.25).apply(inputs))
    ratio = totals(after.forecast) / totals(inputs.forecast)
    assert ratio.to_dict() == pytest.approx(
        {"chat": 1.25, "email": 1.0, "face_to_face": 1.0, "phone": 1.0}
    )
    email_aht = by_channel(after.forecast, "email")[col.AHT_SECONDS]
    np.testing.assert_allclose(
        email_aht, 0.5 * by_channel(inputs.forecast, "email")[col.AHT_SECONDS]
    )


def test_a_higher_phone_target_and_more_shrinkage_need_more_agents(
    inputs: ScenarioInputs,
) -> None:
    def phone_hours(centre_inputs: ScenarioInputs) -> float:
        req = compute_requirements(centre_inputs.forecast, centre_inputs.centre)
        return float(
            req.loc[req[col.CHANNEL] == "phone", col.REQUIRED_FRACTIONAL].sum()
        )

    base = phone_hours(inputs)
    target = TargetChange("phone", service_level=0.9, answer_within_s=15).apply(inputs)
    assert target.centre.channels["phone"].service_level == 0.9
    assert phone_hours(target) > base
    shrink = ShrinkageChange("phone", 0.4).apply(inputs)
    old = inputs.centre.channels["phone"].shrinkage
    assert phone_hours(shrink) == pytest.approx(base * (1 - old) / 0.6, rel=0.01)


def test_added_agents_get_new_ids_and_removed_ones_lose_their_leave(
    inputs: ScenarioInputs,
) -> None:
    first = inputs.agents["agent_id"].iloc[0]
    leave = pd.DataFrame(
        {
            "agent_id": [first],
            "date": [inputs.week_start],
            "from": [0],
            "to": [1440],
            "kind": ["leave"],
        }
    )
    with_leave = dataclasses.replace(inputs, availability=leave)
    after = AddAgents(2, "part_time_30", ("phone", "chat"), "contact_centre").apply(
        with_leave
    )
    assert after.agents["agent_id"].iloc[-2:].tolist() == ["NEW001", "NEW002"]
    assert len(after.agents) == len(inputs.agents) + 2
    removed = RemoveAgents(agent_ids=(first,)).apply(after)
    assert first not in set(removed.agents["agent_id"])
    assert removed.availability is not None
    assert removed.availability.empty
    phone = RemoveAgents(count=3, skill="phone").apply(inputs)
    gone = set(inputs.agents["agent_id"]) - set(phone.agents["agent_id"])
    assert len(gone) == 3
    assert all(
        "phone" in s
        for s in inputs.agents.set_index("agent_id").loc[sorted(gone), "skills"]
    )


def test_bad_changes_name_the_value_and_the_fix(inputs: ScenarioInputs) -> None:
    with pytest.raises(InvalidInputError, match=r"rate = 20 .*did you mean 0\.2"):
        Deflection(rate=20).apply(inputs)
    with pytest.raises(InvalidInputError, match="channel 'fax' is not in the centre"):
        VolumeChange("fax", 1.1).apply(inputs)
    with pytest.raises(InvalidInputError, match="contract 'zero_hours'"):
        AddAgents(1, "zero_hours", ("phone",), "contact_centre").apply(inputs)
    with pytest.raises(InvalidInputError, match="served only at site"):
        AddAgents(1, "full_time", ("face_to_face",), "contact_centre").apply(inputs)
    with pytest.raises(InvalidInputError, match="rate of 0 on 'phone'"):
        FirstContactResolution({"phone": 0.7}, {"phone": 0.0}).apply(inputs)


def test_every_change_reads_back_from_its_record() -> None:
    changes = [
        Deflection(rate=0.2, bounce_back_share=0.1, aht_s=500.0),
        FirstContactResolution({"phone": 0.7}, {"phone": 0.8}),
        Callbacks(share=0.05),
        VolumeChange("chat", 1.1),
        AhtChange("phone", 0.9),
        TargetChange("phone", service_level=0.85),
        ShrinkageChange("chat", 0.2),
        AddAgents(2, "full_time", ("phone", "chat"), "contact_centre"),
        RemoveAgents(agent_ids=("A001",)),
    ]
    for change in changes:
        assert change_from_record(change.record()) == change
    with pytest.raises(InvalidInputError, match="change kind 'teleport'"):
        change_from_record({"kind": "teleport"})
