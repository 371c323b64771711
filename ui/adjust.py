"""Adjust: edit the roster by hand, see service and cost change at once, lock, undo.

Every edit is evaluated at once with the staffing maths and audited against the hard
rules, without a solve. Edited shifts are locked (unless unticked), so that
**Re-optimise around the locks** keeps them exactly and re-plans the rest.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from scheduler.dashboard import gantt_frame, kpi_cards
from scheduler.exceptions import InvalidInputError
from scheduler.roster import edit
from scheduler.roster.inputs import RosterInputs
from ui import state, widgets

KEY_DAY = "adjust_day_filter"
KEY_LOCK = "lock_edits"
KEY_EDITOR_VERSION = "_shift_editor_version"
KEY_UNDO = "undo_edit"
KEY_REOPTIMISE = "reoptimise"
KEY_ABSENT_AGENT = "absence_agent"
KEY_ABSENT_WHOLE = "absence_whole_day"
KEY_ABSENT_FROM = "absence_from"
KEY_ABSENT_TO = "absence_to"
KEY_OT_AGENT = "overtime_agent"
KEY_OT_MINUTES = "overtime_minutes"
KEY_OT_BEFORE = "overtime_before"
KEY_EDIT_ERROR = "_edit_error"


def editor_key() -> str:
    """The shift table's widget key; a new one after each applied edit."""
    return f"shift_editor_{st.session_state.get(KEY_EDITOR_VERSION, 0)}"


def _applied(edits: list[edit.Edit]) -> None:
    state.apply_edits(edits)
    st.session_state[KEY_EDITOR_VERSION] = (
        st.session_state.get(KEY_EDITOR_VERSION, 0) + 1
    )
    st.session_state[KEY_EDIT_ERROR] = None


def _shift_editor(roster: pd.DataFrame, inputs: RosterInputs, day: dt.date) -> None:
    centre = inputs.centre
    table = edit.shift_table(roster, inputs)
    shown = table.loc[table["date"] == day].reset_index(drop=True)
    agent_ids = list(inputs.agents["agent_id"])
    edited = st.data_editor(
        shown,
        key=editor_key(),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        height=420,
        disabled=["shift", "name", "paid_hours"],
        column_config={
            "shift": None,
            "agent_id": st.column_config.SelectboxColumn(
                "agent",
                options=agent_ids,
                required=True,
                help="change it to give the shift to another agent",
            ),
            "name": st.column_config.TextColumn("name"),
            "date": st.column_config.DateColumn(
                "date", required=True, help="change it to move the shift to another day"
            ),
            "start": st.column_config.TimeColumn(
                "start",
                format="HH:mm",
                step=centre.interval_minutes * 60,
                required=True,
                help="move start and end by the same time to move the shift whole; "
                "otherwise it gets longer or shorter, with its breaks re-placed",
            ),
            "end": st.column_config.TimeColumn(
                "end",
                format="HH:mm",
                step=centre.interval_minutes * 60,
                required=True,
                help="an end before the start is on the next day",
            ),
            "paid_hours": st.column_config.NumberColumn("paid h", format="%.2f"),
            "channel": st.column_config.SelectboxColumn(
                "channel",
                options=sorted({*centre.channels, *table["channel"]}),
                required=True,
                help="pick one channel to put the whole shift on it",
            ),
            "locked": st.column_config.CheckboxColumn(
                "locked", help="kept exactly when you re-optimise"
            ),
        },
    )
    if edited.equals(shown):
        return
    try:
        changes = edit.table_edits(
            roster,
            centre,
            inputs.agents,
            shown,
            edited,
            lock=bool(st.session_state[KEY_LOCK]),
        )
    except InvalidInputError as err:
        st.session_state[KEY_EDIT_ERROR] = str(err)
        return
    if changes:
        _applied(changes)
        st.rerun()


def _quick_actions(roster: pd.DataFrame, inputs: RosterInputs, day: dt.date) -> None:
    """Absence and overtime forms for the day chosen above the table."""
    centre, agents = inputs.centre, inputs.agents
    step_s = centre.interval_minutes * 60
    working = sorted(set(roster.loc[roster["date"] == day, "agent_id"]))
    lock = bool(st.session_state[KEY_LOCK])
    absence, overtime = st.columns(2)
    with absence.form("absence_form", border=True):
        st.markdown(f"**Mark an absence on {day:%a %d.%m}**")
        agent = st.selectbox("Agent", list(agents["agent_id"]), key=KEY_ABSENT_AGENT)
        whole = st.checkbox("All day", value=True, key=KEY_ABSENT_WHOLE)
        a, b = st.columns(2)
        start = a.time_input("From", dt.time(12, 0), step=step_s, key=KEY_ABSENT_FROM)
        end = b.time_input("To", dt.time(16, 0), step=step_s, key=KEY_ABSENT_TO)
        if st.form_submit_button("Mark absent"):
            try:
                made = edit.mark_absence(
                    roster,
                    centre,
                    agent,
                    day,
                    None if whole else start,
                    None if whole else end,
                )
            except InvalidInputError as err:
                st.session_state[KEY_EDIT_ERROR] = str(err)
            else:
                _applied([made])
                st.rerun()
    with overtime.form("overtime_form", border=True):
        st.markdown(f"**Overtime on {day:%a %d.%m}**")
        agent = st.selectbox("Agent (working that day)", working, key=KEY_OT_AGENT)
        minutes = st.number_input(
            "Minutes",
            min_value=centre.interval_minutes,
            max_value=8 * 60,
            value=60,
            step=centre.interval_minutes,
            key=KEY_OT_MINUTES,
        )
        before = st.checkbox("Before the start (else after the end)", key=KEY_OT_BEFORE)
        if st.form_submit_button("Add overtime", disabled=not working):
            try:
                made = edit.add_overtime(
                    roster,
                    centre,
                    agents,
                    str(agent),
                    day,
                    int(minutes),
                    before=before,
                    lock=lock,
                )
            except InvalidInputError as err:
                st.session_state[KEY_EDIT_ERROR] = str(err)
            else:
                _applied([made])
                st.rerun()


def main() -> None:
    """Render the page."""
    st.title("Adjust")
    st.caption(
        "Change shifts in the table (times, day, agent, channel, lock; add a row for "
        "a new shift, delete a row to delete it), mark absences and give overtime. "
        "Service level and cost update at once, without re-optimising."
    )
    if not widgets.need_plan():
        return
    widgets.stale_warning()
    history = state.edits()
    made, before, now = state.plan(), state.base_plan(), state.current_plan()
    if history is None or made is None or before is None or now is None:
        return
    widgets.kpi_row(kpi_cards(now.kpis, before=before.kpis if history.steps else None))
    st.session_state.setdefault(KEY_LOCK, True)

    roster = history.roster
    inputs = RosterInputs(
        centre=now.centre,
        agents=now.agents,
        week_start=now.week_start,
        availability=now.availability,
    )
    locks = edit.locked_shifts(roster)
    a, b, c, d = st.columns([2, 2, 1, 3], vertical_alignment="bottom")
    day = a.selectbox(
        "Day", inputs.days, key=KEY_DAY, format_func=lambda x: f"{x:%a %d.%m.%Y}"
    )
    b.checkbox(
        "Lock the shifts I change",
        key=KEY_LOCK,
        help="locked shifts are kept exactly when you re-optimise",
    )
    c.button(
        "Undo",
        key=KEY_UNDO,
        on_click=state.undo_edit,
        disabled=not history.steps,
        help="undo the last edit",
    )
    if d.button(
        f"Re-optimise around {len(locks)} lock(s)",
        key=KEY_REOPTIMISE,
        type="primary",
        disabled=state.job() is not None,
        help="keep the locked shifts exactly and the absences you marked; "
        "re-plan everything else, starting from this roster",
    ):
        state.start_solve(around_locks=True)
        st.rerun()
    error = st.session_state.get(KEY_EDIT_ERROR)
    if error:
        st.error(error)
    _shift_editor(roster, inputs, day)
    _quick_actions(roster, inputs, day)

    left, right = st.columns(2)
    with left:
        st.markdown(f"**Your edits** ({len(history.steps)})")
        if history.steps:
            for number, text in enumerate(history.descriptions, start=1):
                st.markdown(f"{number}. {text}")
        else:
            st.caption("None yet.")
    with right:
        st.markdown("**Hard rules after your edits**")
        if now.violations.empty:
            st.success("Every hard rule holds.")
        else:
            st.warning(f"{len(now.violations)} violation(s): the audit found")
            st.dataframe(
                now.violations[["rule", "agent_id", "date", "detail"]],
                hide_index=True,
                width="stretch",
            )
    locked_today = gantt_frame(roster, now.agents, dates=[day])
    locked_today = locked_today.loc[locked_today["locked"]]
    if not locked_today.empty:
        st.markdown(f"**Locked shifts on {day:%A}**")
        st.altair_chart(
            widgets.gantt_chart(locked_today, list(now.centre.channels)),
            width="stretch",
        )


main()
