"""Hand edits of a roster: each a pure function with a checked result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest

from scheduler import schema as col
from scheduler.config import Centre
from scheduler.exceptions import InvalidInputError
from scheduler.plan import Plan
from scheduler.roster import edit
from scheduler.roster.audit import audit_roster
from scheduler.roster.inputs import RosterInputs
from tests.conftest import SAMPLE_WEEK
from tests.scheduler.roster.conftest import at, eight_hours, make_shift, roster

MONDAY, TUESDAY = "2026-01-05", "2026-01-06"
MON, TUE = dt.date(2026, 1, 5), dt.date(2026, 1, 6)


def segments(frame: pd.DataFrame, agent: str, date: dt.date) -> list[tuple[str, ...]]:
    """``(start HH:MM, end HH:MM, activity, channel)`` of one shift, in order."""
    rows = frame.loc[(frame[col.AGENT_ID] == agent) & (frame[col.DATE] == date)]
    rows = rows.sort_values(col.START)
    return [
        (f"{s:%H:%M}", f"{e:%H:%M}", a, c)
        for s, e, a, c in zip(
            rows[col.START],
            rows[col.END],
            rows[col.ACTIVITY],
            rows[col.CHANNEL],
            strict=True,
        )
    ]


@pytest.fixture
def week(centre: Centre) -> pd.DataFrame:
    """A001 on Monday and Tuesday, A041 (phone and chat) on Monday: 8 h shifts."""
    return edit.with_locked(
        roster(
            eight_hours("A001", MONDAY),
            eight_hours("A001", TUESDAY),
            eight_hours("A041", MONDAY, "10:00", channel="chat"),
        )
    )


def test_moving_a_shift_shifts_every_segment_and_locks_it(
    week: pd.DataFrame, centre: Centre, agents: pd.DataFrame
) -> None:
    moved = edit.set_shift(week, centre, agents, "A001", MON, "09:00", "17:00")
    assert segments(moved.roster, "A001", MON) == [
        ("09:00", "10:30", "work", "phone"),
        ("10:30", "10:45", "break", ""),
        ("10:45", "13:00", "work", "phone"),
        ("13:00", "13:30", "lunch", ""),
        ("13:30", "15:00", "work", "phone"),
        ("15:00", "15:15", "break", ""),
        ("15:15", "17:00", "work", "phone"),
    ]
    changed = moved.roster.loc[moved.roster[col.DATE] == MON]
    assert changed.loc[changed[col.AGENT_ID] == "A001", col.LOCKED].all()
    assert not changed.loc[changed[col.AGENT_ID] == "A041", col.LOCKED].any()
    assert segments(moved.roster, "A001", TUE) == segments(week, "A001", TUE)
    assert moved.description == (
        "agent A001, shift of Mon 2026-01-05: 08:00-16:00 -> 09:00-17:00, locked"
    )


def test_a_shift_can_go_to_another_day_or_another_agent_with_the_skill(
    week: pd.DataFrame, centre: Centre, agents: pd.DataFrame
) -> None:
    to_wednesday = edit.set_shift(
        week, centre, agents, "A001", TUE, "08:00", "16:00", to_date=dt.date(2026, 1, 7)
    )
    assert segments(to_wednesday.roster, "A001", TUE) == []
    assert len(segments(to_wednesday.roster, "A001", dt.date(2026, 1, 7))) == 7
    to_a002 = edit.set_shift(
        week, centre, agents, "A001", MON, "08:00", "16:00", to_agent="A002"
    )
    assert segments(to_a002.roster, "A002", MON) == segments(week, "A001", MON)
    with pytest.raises(InvalidInputError, match=r"does not have the skill 'chat'"):
        edit.set_shift(
            week, centre, agents, "A041", MON, "10:00", "18:00", to_agent="A002"
        )


def test_overtime_gives_the_longer_shift_the_breaks_its_rules_need(
    week: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    make_inputs: Callable[..., RosterInputs],
) -> None:
    longer = edit.add_overtime(week, centre, agents, "A001", MON, 60)
    # A 9 h shift: its first break may start 1 h..3 h in (09:00-10:45), its lunch
    # 3 h..6 h (11:00-13:30), its last break 6 h..8 h (14:00-15:45): the 09:30
    # break, the 12:00 lunch and the 14:00 break all stay where they were.
    assert segments(longer.roster, "A001", MON) == [
        ("08:00", "09:30", "work", "phone"),
        ("09:30", "09:45", "break", ""),
        ("09:45", "12:00", "work", "phone"),
        ("12:00", "12:30", "lunch", ""),
        ("12:30", "14:00", "work", "phone"),
        ("14:00", "14:15", "break", ""),
        ("14:15", "17:00", "work", "phone"),
    ]
    assert "60 min overtime after the end" in longer.description
    inputs = make_inputs(agent_ids=("A001", "A041"))
    assert [v for v in audit_roster(inputs, longer.roster) if v.rule == "breaks"] == []


def test_shortening_a_shift_moves_a_break_that_left_its_window(
    week: pd.DataFrame, centre: Centre, agents: pd.DataFrame
) -> None:
    shorter = edit.set_shift(week, centre, agents, "A001", MON, "08:00", "13:00")
    # A 5 h shift has one break, in its first half [1 h, 2.5 h]: the 09:30 break
    # stays; the lunch and the second break go.
    assert segments(shorter.roster, "A001", MON) == [
        ("08:00", "09:30", "work", "phone"),
        ("09:30", "09:45", "break", ""),
        ("09:45", "13:00", "work", "phone"),
    ]


def test_new_time_takes_the_channel_of_the_nearest_work(
    centre: Centre, agents: pd.DataFrame
) -> None:
    mixed = edit.with_locked(
        roster(
            make_shift("A041", MONDAY, "10:00", 4.0, [("break", "11:30", 15)], "chat")
        )
    )
    mixed.loc[mixed[col.START] >= at(MONDAY, "11:45"), col.CHANNEL] = "phone"
    mixed = edit.with_locked(mixed)
    longer = edit.set_shift(mixed, centre, agents, "A041", MON, "09:00", "15:00")
    work = [s for s in segments(longer.roster, "A041", MON) if s[2] == "work"]
    assert work[0][3] == "chat"  # 09:00 takes the channel of 10:00
    assert work[-1][3] == "phone"  # 14:00-15:00 takes the channel of 13:45
    assert work[-1][1] == "15:00"


def test_deleting_a_shift_removes_only_that_shift(week: pd.DataFrame) -> None:
    gone = edit.delete_shift(week, "A001", TUE)
    assert segments(gone.roster, "A001", TUE) == []
    assert len(gone.roster) == len(week) - 7
    assert (
        gone.description == "agent A001, shift of Tue 2026-01-06: 08:00-16:00 deleted"
    )
    with pytest.raises(InvalidInputError, match="no such shift"):
        edit.delete_shift(week, "A001", dt.date(2026, 1, 9))


def test_an_added_shift_gets_its_breaks_in_the_middle_of_their_windows(
    week: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    make_inputs: Callable[..., RosterInputs],
) -> None:
    added = edit.add_shift(
        week, centre, agents, "A002", MON, "08:00", "16:00", "phone", lock=False
    )
    # 8 h with a lunch: first half [60, 160] min, middle [160, 320], second half
    # [320, 420]; on the 15-minute grid the break starts 60..135 min, the lunch
    # 165..285, the last break 330..405; the middles are 90, 225 and 360 min.
    assert segments(added.roster, "A002", MON) == [
        ("08:00", "09:30", "work", "phone"),
        ("09:30", "09:45", "break", ""),
        ("09:45", "11:45", "work", "phone"),
        ("11:45", "12:15", "lunch", ""),
        ("12:15", "14:00", "work", "phone"),
        ("14:00", "14:15", "break", ""),
        ("14:15", "16:00", "work", "phone"),
    ]
    inputs = make_inputs(agent_ids=("A001", "A002", "A041"))
    found = audit_roster(inputs, added.roster.drop(columns=col.LOCKED))
    assert [v for v in found if v.rule in ("breaks", "shift_shape")] == []


def test_an_added_shift_must_not_clash_with_the_agents_day_or_skills(
    week: pd.DataFrame, centre: Centre, agents: pd.DataFrame
) -> None:
    with pytest.raises(InvalidInputError, match="already has a shift that day"):
        edit.add_shift(week, centre, agents, "A001", MON, "17:00", "21:00", "phone")
    with pytest.raises(InvalidInputError, match=r"skill 'email' \(skills: phone\)"):
        edit.add_shift(week, centre, agents, "A002", MON, "08:00", "12:00", "email")
    with pytest.raises(InvalidInputError, match="not on the 15-minute plan grid"):
        edit.add_shift(week, centre, agents, "A002", MON, "08:10", "12:00", "phone")
    with pytest.raises(InvalidInputError, match="overlap agent A001's shift of Tue"):
        edit.set_shift(week, centre, agents, "A001", MON, "20:00", "09:00")


def test_changing_the_channel_puts_the_whole_shift_on_it(
    week: pd.DataFrame, agents: pd.DataFrame
) -> None:
    moved = edit.change_channel(week, agents, "A041", MON, "phone")
    shift = segments(moved.roster, "A041", MON)
    assert [s[3] for s in shift if s[2] == "work"] == ["phone"] * 4
    assert len(shift) == 7
    with pytest.raises(InvalidInputError, match="does not have the skill 'chat'"):
        edit.change_channel(week, agents, "A001", MON, "chat")


def test_a_changed_channel_joins_segments_that_now_say_the_same(
    centre: Centre, agents: pd.DataFrame
) -> None:
    split = make_shift("A041", MONDAY, "10:00", 2.0, channel="chat")
    split = pd.concat(
        [
            split.assign(end=at(MONDAY, "11:00")),
            split.assign(start=at(MONDAY, "11:00"), channel="phone"),
        ],
        ignore_index=True,
    )
    joined = edit.change_channel(edit.with_locked(split), agents, "A041", MON, "chat")
    assert segments(joined.roster, "A041", MON) == [("10:00", "12:00", "work", "chat")]


def test_an_absence_takes_the_agent_off_and_comes_back_as_availability(
    week: pd.DataFrame, centre: Centre, make_inputs: Callable[..., RosterInputs]
) -> None:
    part = edit.mark_absence(week, centre, "A001", MON, "12:00", "14:00")
    assert segments(part.roster, "A001", MON) == [
        ("08:00", "09:30", "work", "phone"),
        ("09:30", "09:45", "break", ""),
        ("09:45", "12:00", "work", "phone"),
        ("14:00", "14:15", "break", ""),
        ("14:15", "16:00", "work", "phone"),
    ]
    assert part.absence.to_dict("records") == [
        {"agent_id": "A001", "date": MON, "from": 720, "to": 840, "kind": "unavailable"}
    ]
    whole = edit.mark_absence(week, centre, "A001", TUE, kind="leave")
    assert segments(whole.roster, "A001", TUE) == []
    assert whole.description == (
        "agent A001, absence on Tue 2026-01-06: leave all day (24 h); rostered "
        "time removed"
    )
    inputs = make_inputs(
        agent_ids=("A001", "A041"),
        availability=[("A001", TUESDAY, "00:00", "24:00", "leave")],
    )
    found = audit_roster(inputs, whole.roster.drop(columns=col.LOCKED))
    assert [v for v in found if v.rule == "availability"] == []
    with pytest.raises(InvalidInputError, match="kind 'sick' is not one of"):
        edit.mark_absence(week, centre, "A001", MON, kind="sick")


def test_undo_returns_the_roster_before_the_last_edit(
    week: pd.DataFrame, centre: Centre
) -> None:
    history = edit.EditHistory(week)
    history = history.then(edit.delete_shift(history.roster, "A001", MON))
    history = history.then(edit.mark_absence(history.roster, centre, "A001", TUE))
    assert len(history.steps) == 2
    assert len(history.absences) == 1
    undone = history.undo()
    assert undone.descriptions == (
        "agent A001, shift of Mon 2026-01-05: 08:00-16:00 deleted",
    )
    assert undone.absences.empty
    assert undone.roster.equals(history.steps[0].roster)
    assert undone.undo().roster.equals(edit.with_locked(week))
    assert undone.undo().undo().steps == ()


def test_the_shift_table_has_one_row_per_shift_with_paid_hours(
    week: pd.DataFrame, make_inputs: Callable[..., RosterInputs]
) -> None:
    table = edit.shift_table(week, make_inputs(agent_ids=None))
    assert list(table.columns) == list(edit.SHIFT_TABLE_COLUMNS)
    assert list(table["shift"]) == [
        "A001@2026-01-05",
        "A041@2026-01-05",
        "A001@2026-01-06",
    ]
    first = table.iloc[0]
    assert (first["start"], first["end"]) == (dt.time(8), dt.time(16))
    assert first["paid_hours"] == 7.5  # 8 h less the unpaid 30-minute lunch
    assert list(table["channel"]) == ["phone", "chat", "phone"]
    assert first["name"] == "Kerttu Mäkelä"


def test_table_edits_turn_a_changed_table_into_edits(
    week: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    make_inputs: Callable[..., RosterInputs],
) -> None:
    before = edit.shift_table(week, make_inputs(agent_ids=None))
    after = before.copy()
    after.loc[0, "start"], after.loc[0, "end"] = dt.time(9), dt.time(17)
    after.loc[1, "channel"] = "phone"
    after = after.drop(index=2)
    new = {
        "shift": None,
        "agent_id": "A002",
        "name": None,
        "date": TUE,
        "start": dt.time(12),
        "end": dt.time(16),
        "paid_hours": None,
        "channel": "phone",
        "locked": False,
    }
    after = pd.DataFrame([*after.to_dict("records"), new])
    edits = edit.table_edits(week, centre, agents, before, after)
    assert [e.description.split(":")[0] for e in edits] == [
        "agent A001, shift of Tue 2026-01-06",
        "agent A001, shift of Mon 2026-01-05",
        "agent A041, shift of Mon 2026-01-05",
        "agent A002, new shift on Tue 2026-01-06",
    ]
    final = edits[-1].roster
    assert segments(final, "A001", TUE) == []
    assert segments(final, "A001", MON)[0] == ("09:00", "10:30", "work", "phone")
    assert edit.locked_shifts(final) == [("A001", MON), ("A002", TUE), ("A041", MON)]
    # 4 h: one break in the first half [1 h, 2 h], starts 13:00..13:45, middle 13:15.
    assert segments(final, "A002", TUE) == [
        ("12:00", "13:15", "work", "phone"),
        ("13:15", "13:30", "break", ""),
        ("13:30", "16:00", "work", "phone"),
    ]


def test_ticking_locked_in_the_table_only_locks(
    week: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    make_inputs: Callable[..., RosterInputs],
) -> None:
    before = edit.shift_table(week, make_inputs(agent_ids=None))
    after = before.assign(locked=[False, True, False])
    edits = edit.table_edits(week, centre, agents, before, after, lock=False)
    assert [e.description for e in edits] == [
        "agent A041, shift of Mon 2026-01-05: locked"
    ]
    assert (
        edits[0].roster.drop(columns=col.LOCKED).equals(week.drop(columns=col.LOCKED))
    )
    assert edit.table_edits(week, centre, agents, before, before.copy()) == []


def test_a_table_row_with_two_channels_is_refused_with_the_fix(
    week: pd.DataFrame,
    centre: Centre,
    agents: pd.DataFrame,
    make_inputs: Callable[..., RosterInputs],
) -> None:
    before = edit.shift_table(week, make_inputs(agent_ids=None))
    after = before.assign(channel=["phone", "chat/phone", "phone"])
    with pytest.raises(InvalidInputError, match="write one channel"):
        edit.table_edits(week, centre, agents, before, after)


def test_locks_carried_to_a_new_roster_mark_only_unchanged_shifts(
    week: pd.DataFrame, centre: Centre, agents: pd.DataFrame
) -> None:
    locked = edit.set_locked(week, "A001", MON).roster
    locked = edit.set_locked(locked, "A041", MON).roster
    resolved = edit.set_shift(
        locked.assign(locked=False),
        centre,
        agents,
        "A041",
        MON,
        "11:00",
        "19:00",
        lock=False,
    ).roster.drop(columns=col.LOCKED)
    carried = edit.carry_locks(resolved, locked)
    assert edit.locked_shifts(carried) == [("A001", MON)]
    assert edit.same_shifts(carried, locked, [("A001", MON)])
    assert not edit.same_shifts(carried, locked, [("A041", MON)])


def test_an_edited_plan_is_evaluated_again_without_a_solve(sample_plan: Plan) -> None:
    monday = SAMPLE_WEEK
    table = edit.shift_table(
        sample_plan.roster,
        RosterInputs(
            centre=sample_plan.centre,
            agents=sample_plan.agents,
            week_start=sample_plan.week_start,
        ),
    )
    contract = sample_plan.agents.set_index("agent_id")["contract"]
    phone = table.loc[
        (table["date"] == monday)
        & (table["channel"] == "phone")
        & (table["agent_id"].map(contract) == "full_time")
    ]
    assert len(phone) >= 10
    history = edit.EditHistory(sample_plan.roster)
    for row in phone.head(10).itertuples():
        history = history.then(edit.delete_shift(history.roster, row.agent_id, monday))
    before = edit.edited_plan(sample_plan, edit.EditHistory(sample_plan.roster))
    after = edit.edited_plan(sample_plan, history)
    removed_hours = float(phone.head(10)["paid_hours"].sum())
    assert after.kpis["overall"]["paid_hours"] == pytest.approx(
        before.kpis["overall"]["paid_hours"] - removed_hours
    )
    assert (
        after.kpis["channels"]["phone"]["service_level"]
        < before.kpis["channels"]["phone"]["service_level"]
    )
    assert after.kpis["overall"]["shifts"] == before.kpis["overall"]["shifts"] - 10
    # Full-time agents (37.5 h on exactly 5 days) left with 4 days: the audit,
    # run again on the edited roster, names each of them under both rules.
    gone = set(phone.head(10)["agent_id"])
    assert sum(before.kpis["audit"].values()) == 0
    assert after.kpis["audit"]["contract_hours"] == 10
    assert after.kpis["audit"]["working_days"] == 10
    for rule in ("contract_hours", "working_days"):
        rows = after.violations.loc[after.violations["rule"] == rule]
        assert set(rows["agent_id"]) == gone
    assert after.name == "sample week (edited: 10 change(s))"
    assert after.requirements is sample_plan.requirements
