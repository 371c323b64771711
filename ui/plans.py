"""Export and plans: download the plan; save, open, compare and delete plans.

Downloads are the plan with your hand edits, in the formats of
:func:`scheduler.export.formats.export_plan` (each file is made when its button is
pressed). Saved plans live in the plan store (:mod:`scheduler.store`: SQLite in
your data folder, or the database in ``VUORO_DATABASE_URL``).
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from scheduler.dashboard import percent
from scheduler.exceptions import InvalidInputError
from scheduler.export.csv_files import csv_export_files
from scheduler.export.formats import export_plan
from scheduler.plan import ROSTER_FILE, Plan
from scheduler.store import SERVICE_LEVEL_PREFIX, PlanStore
from ui import state, widgets

KEY_SAVE_NAME = "save_name"
KEY_SAVE_AUTHOR = "save_author"
KEY_SAVE_NOTE = "save_note"
KEY_OPEN = "open_plan"
KEY_COMPARE_A = "compare_a"
KEY_COMPARE_B = "compare_b"
KEY_DELETE = "delete_plan"
KEY_DELETE_SURE = "delete_sure"
KEY_MESSAGE = "_plans_message"
DOWNLOADS = (
    (
        "xlsx",
        "Excel (.xlsx)",
        "roster.xlsx",
        "download_xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "ics",
        "Calendars (.zip)",
        "calendars.zip",
        "download_ics",
        "application/zip",
    ),
    (
        "csv",
        "CSV files (.zip)",
        "plan-csv.zip",
        "download_csv_zip",
        "application/zip",
    ),
    ("json", "Plan (.json)", "plan.json", "download_json", "application/json"),
)


def exported(plan: Plan, kind: str, file_name: str) -> Callable[[], bytes]:
    """A callable making the export's bytes (run when its button is pressed)."""

    def make() -> bytes:
        with tempfile.TemporaryDirectory(prefix="vuoro-export-") as folder:
            target = Path(folder) / file_name
            export_plan(plan, kind, target)
            return target.read_bytes()

    return make


def _downloads(plan: Plan) -> None:
    st.subheader("Download")
    week = plan.week_start.isoformat()
    st.caption(
        f"{plan.name or 'This plan'}: {plan.kpis['overall']['shifts']} shifts of "
        f"{plan.kpis['overall']['agents_rostered']} agents, with your edits. Text "
        "cells that a spreadsheet would run as a formula are made safe."
    )
    columns = st.columns(len(DOWNLOADS) + 1)
    columns[0].download_button(
        "roster.csv",
        csv_export_files(plan)[ROSTER_FILE],
        file_name=f"roster-{week}.csv",
        mime="text/csv",
        key="download_roster_csv",
        icon=":material/table:",
        on_click="ignore",
    )
    for column, (kind, label, name, key, mime) in zip(
        columns[1:], DOWNLOADS, strict=True
    ):
        stem, _, suffix = name.rpartition(".")
        column.download_button(
            label,
            exported(plan, kind, name),
            file_name=f"{stem}-{week}.{suffix}",
            mime=mime,
            key=key,
            on_click="ignore",
        )


def _store() -> PlanStore | None:
    try:
        return PlanStore.from_environment()
    except InvalidInputError as err:
        st.error(str(err))
        return None


def _saved_table(saved: pd.DataFrame) -> pd.DataFrame:
    shown = saved.copy()
    for name in shown.columns:
        if name.startswith(SERVICE_LEVEL_PREFIX):
            shown[name] = shown[name].map(percent)
    return shown.rename(
        columns={
            n: n.removeprefix(SERVICE_LEVEL_PREFIX) + " SL"
            for n in shown.columns
            if n.startswith(SERVICE_LEVEL_PREFIX)
        }
    )


def _save(store: PlanStore, plan: Plan) -> None:
    with st.form("save_form", border=True):
        st.markdown("**Save this plan**")
        a, b = st.columns(2)
        name = a.text_input("Name", value=plan.name, key=KEY_SAVE_NAME)
        author = b.text_input("Your name", key=KEY_SAVE_AUTHOR)
        note = st.text_input(
            "Note (why, for an edited plan)",
            key=KEY_SAVE_NOTE,
            placeholder="e.g. covered Tuesday's training",
        )
        if st.form_submit_button("Save", type="primary"):
            named = plan if name == plan.name else _renamed(plan, name)
            parent = st.session_state[state.OPENED_ID]
            edits = state.edits()
            try:
                if parent and edits is not None and edits.steps:
                    saved = store.save_revision(
                        parent,
                        named,
                        author=author or "supervisor",
                        reason=note or "edited in the app",
                        note=note or None,
                    )
                else:
                    saved = store.save(named, author=author or None, note=note or None)
            except InvalidInputError as err:
                st.session_state[KEY_MESSAGE] = ("error", str(err))
            else:
                st.session_state[KEY_MESSAGE] = ("success", f"Saved as {saved}.")
                st.session_state[state.OPENED_ID] = saved
            st.rerun()


def _renamed(plan: Plan, name: str) -> Plan:
    return dataclasses.replace(plan, name=name)


def _open(plan_id: str) -> None:
    """Open a saved plan (a callback: it runs before the sidebar's widgets)."""
    store = _store()
    if store is None:
        return
    try:
        state.set_plan(store.load(plan_id), opened_id=plan_id)
    except InvalidInputError as err:
        st.session_state[KEY_MESSAGE] = ("error", str(err))
    else:
        st.session_state[KEY_MESSAGE] = (
            "success",
            f"Opened {plan_id}; its centre, agents and week are now the session's.",
        )
    finally:
        store.close()


def _saved(store: PlanStore) -> None:
    saved = store.list()
    st.markdown(f"**Saved plans** ({len(saved)}, in {store.url})")
    if saved.empty:
        st.caption("None yet.")
        return
    st.dataframe(_saved_table(saved), hide_index=True, width="stretch")
    ids = list(saved["id"])
    labels = dict(zip(saved["id"], saved["name"], strict=True))

    def label(plan_id: str) -> str:
        return f"{plan_id} · {labels[plan_id]}"

    opened, compare, remove = st.tabs(["Open", "Compare", "Delete"])
    with opened:
        chosen = st.selectbox("Plan", ids, key=KEY_OPEN, format_func=label)
        st.button(
            "Open this plan",
            key="open_button",
            on_click=_open,
            args=(chosen,),
            help="make it the plan you work on; its centre, agents and week "
            "become the session's",
        )
    with compare:
        a, b = st.columns(2)
        first = a.selectbox("Plan A", ids, key=KEY_COMPARE_A, format_func=label)
        second = b.selectbox(
            "Plan B", ids, index=len(ids) - 1, key=KEY_COMPARE_B, format_func=label
        )
        if first == second:
            st.caption("Pick two different plans.")
        else:
            diff = store.diff(first, second)
            figures = diff.kpis.loc[diff.kpis["change"].fillna(0) != 0]
            st.markdown("**Figures that differ** (change is B − A)")
            st.dataframe(figures, hide_index=True, width="stretch")
            st.markdown(f"**Shifts that differ** ({len(diff.roster)})")
            st.dataframe(diff.roster, hide_index=True, width="stretch", height=240)
    with remove:
        chosen = st.selectbox("Plan", ids, key=KEY_DELETE, format_func=label)
        sure = st.checkbox("Yes, delete it for good", key=KEY_DELETE_SURE)
        if st.button("Delete", key="delete_button", disabled=not sure):
            store.delete(chosen)
            st.session_state[KEY_MESSAGE] = ("success", f"Deleted {chosen}.")
            st.rerun()


def main() -> None:
    """Render the page."""
    st.title("Export and plans")
    message = st.session_state.pop(KEY_MESSAGE, None)
    if message is not None:
        getattr(st, message[0])(message[1])
    plan = state.current_plan() if state.plan() is not None else None
    if plan is not None:
        _downloads(plan)
    else:
        widgets.need_plan()
    store = _store()
    if store is None:
        return
    try:
        st.subheader("Plans")
        if plan is not None:
            _save(store, plan)
        _saved(store)
    finally:
        store.close()


main()
