"""Data: upload your centre, agents, availability and history; edit the centre.

Files are read with the same loaders as the command line, so every error names the
file, the row and how to fix it. Uploads are used all together or not at all: when
a file has an error nothing changes, and each file's error is shown under it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from forecasts.schema import load_history
from scheduler.agents import load_agents, load_availability
from scheduler.config import WEEKDAYS, Centre, edited_centre, load_centre, parse_centre
from scheduler.exceptions import InvalidInputError
from scheduler.uploads import read_upload
from ui import state

FILES = ("centre.toml", "agents.csv", "availability.csv", "history.csv")
KEY_UPLOAD_VERSION = "_upload_version"
KEY_UPLOAD_SEEN = "_upload_seen"
KEY_UPLOAD_ERRORS = "_upload_errors"
KEY_SAMPLE = "use_sample"
KEY_EDIT_ERROR = "_centre_edit_error"
KEY_HOURS_CHANNEL = "hours_channel"
CONTRACT_FIELDS = (
    "weekly_hours_min",
    "weekly_hours_max",
    "min_days",
    "max_days",
    "min_rest_hours",
    "max_consecutive_days",
    "max_weekend_days",
    "hourly_cost",
)


def target_key(channel: str) -> str:
    """Widget key of a channel's service-level target (percent)."""
    return f"target_{channel}"


def within_key(channel: str) -> str:
    """Widget key of a channel's answer time (seconds or business hours)."""
    return f"within_{channel}"


def _uploader_key(name: str) -> str:
    version = st.session_state.get(KEY_UPLOAD_VERSION, 0)
    return f"upload_{name}_{version}"


def _read_centre(path: Path) -> Centre:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InvalidInputError(f"{path.name}: not valid TOML: {err}") from None
    return parse_centre(data, path.name)


def _load(files: dict[str, tuple[str, bytes]]) -> tuple[dict[str, Any], dict[str, str]]:
    """Read the uploaded files (the sample where none); values and errors by file."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def attempt(name: str, read: Callable[[Path], Any], default: Any) -> Any:
        if name not in files:
            return default() if callable(default) else default
        upload_name, data = files[name]
        try:
            return read_upload(upload_name, data, read)
        except InvalidInputError as err:
            errors[name] = str(err)
            return None

    centre = attempt("centre.toml", _read_centre, load_centre)
    if centre is None:
        return values, errors
    agents = attempt(
        "agents.csv",
        lambda p: load_agents(p, centre),
        lambda: load_agents(None, centre),
    )
    if agents is not None:
        values["availability"] = attempt(
            "availability.csv", lambda p: load_availability(p, agents), None
        )
    defaults = {n: c.default_aht_seconds for n, c in centre.channels.items()}
    values["history"] = attempt(
        "history.csv",
        lambda p: load_history(
            p,
            interval_minutes=centre.interval_minutes,
            channels=list(centre.channels),
            default_aht_s=defaults,
        ),
        None,
    )
    values["centre"], values["agents"] = centre, agents
    return values, errors


def _uploads() -> None:
    st.subheader("Your files")
    st.caption(
        "Formats as in the README (the same files as `vuoro plan` reads). Leave a "
        "file out to keep the sample's; availability is optional."
    )
    columns = st.columns(len(FILES))
    files: dict[str, tuple[str, bytes]] = {}
    seen = []
    for column, name in zip(columns, FILES, strict=True):
        upload = column.file_uploader(
            name, type=[name.rsplit(".", 1)[1]], key=_uploader_key(name)
        )
        column.caption(f"now: {st.session_state[state.SOURCES][name]}")
        if upload is not None:
            files[name] = (upload.name, upload.getvalue())
            seen.append((name, upload.file_id))
    if files and seen != st.session_state.get(KEY_UPLOAD_SEEN):
        st.session_state[KEY_UPLOAD_SEEN] = seen
        values, errors = _load(files)
        st.session_state[KEY_UPLOAD_ERRORS] = errors
        if not errors:
            st.session_state[state.CENTRE] = values["centre"]
            st.session_state[state.AGENTS] = values["agents"]
            st.session_state[state.AVAILABILITY] = values["availability"]
            st.session_state[state.HISTORY] = values["history"]
            sources = dict(st.session_state[state.SOURCES])
            for name, (upload_name, _) in files.items():
                sources[name] = f"your {upload_name}"
            st.session_state[state.SOURCES] = sources
            st.session_state[state.ADJUSTMENTS] = ()
            st.toast("Your files are in use. Re-optimise on Roster to plan with them.")
    errors = st.session_state.get(KEY_UPLOAD_ERRORS) or {}
    if errors:
        st.error("Your files were not used; fix these and upload again:")
        for column, name in zip(columns, FILES, strict=True):
            if name in errors:
                column.error(errors[name])
    if st.button("Use the sample again", key=KEY_SAMPLE):
        for key in (
            state.CENTRE,
            state.AGENTS,
            state.AVAILABILITY,
            state.HISTORY,
            state.SOURCES,
            state.ADJUSTMENTS,
            KEY_UPLOAD_SEEN,
            KEY_UPLOAD_ERRORS,
        ):
            st.session_state.pop(key, None)
        st.session_state[KEY_UPLOAD_VERSION] = (
            st.session_state.get(KEY_UPLOAD_VERSION, 0) + 1
        )
        state.init_state()
        st.rerun()


def _use(centre: Centre, what: str) -> None:
    """Make an edited centre the session's (the forms change no names)."""
    st.session_state[state.CENTRE] = centre
    sources = dict(st.session_state[state.SOURCES])
    sources["centre.toml"] = sources["centre.toml"].removesuffix(" (edited)") + (
        " (edited)"
    )
    st.session_state[state.SOURCES] = sources
    st.session_state[KEY_EDIT_ERROR] = None
    st.toast(f"{what} changed")


def _targets(centre: Centre) -> None:
    with st.form("targets_form", border=False):
        patch: dict[str, Any] = {}
        for name, channel in centre.channels.items():
            a, b, c = st.columns([1, 1, 1], vertical_alignment="bottom")
            a.markdown(f"**{name}** ({channel.kind})")
            level = b.number_input(
                "service level target %",
                min_value=0.0,
                max_value=100.0,
                value=round(100 * channel.service_level, 2),
                step=1.0,
                key=target_key(name),
            )
            if channel.kind == "deferrable":
                within = c.number_input(
                    "answered within (business hours)",
                    min_value=0.25,
                    value=float(channel.answer_within_business_hours or 24),
                    step=1.0,
                    key=within_key(name),
                )
                field = "answer_within_business_hours"
            else:
                within = c.number_input(
                    "answered within (s)",
                    min_value=1.0,
                    value=float(channel.answer_within_seconds or 20),
                    step=5.0,
                    key=within_key(name),
                )
                field = "answer_within_seconds"
            patch[name] = {"service_level": level / 100, field: within}
        if st.form_submit_button("Apply targets", type="primary"):
            try:
                _use(edited_centre(centre, {"channels": patch}, "targets"), "Targets")
            except InvalidInputError as err:
                st.session_state[KEY_EDIT_ERROR] = str(err)
            st.rerun()


def _hours(centre: Centre) -> None:
    channel = st.selectbox("Channel", list(centre.channels), key=KEY_HOURS_CHANNEL)
    config = centre.channels[channel]
    table = pd.DataFrame(
        {"day": list(WEEKDAYS), "hours": [str(config.hours(d)) for d in range(7)]}
    )
    with st.form("hours_form", border=False):
        edited = st.data_editor(
            table,
            hide_index=True,
            disabled=["day"],
            key=f"hours_editor_{channel}",
            column_config={
                "hours": st.column_config.TextColumn(
                    "opening hours", help="HH:MM-HH:MM (24:00 for midnight) or closed"
                )
            },
        )
        if st.form_submit_button("Apply opening hours", type="primary"):
            hours = dict(zip(edited["day"], edited["hours"].astype(str), strict=True))
            patch = {"channels": {channel: {"opening_hours": hours}}}
            try:
                _use(edited_centre(centre, patch, "opening hours"), "Opening hours")
            except InvalidInputError as err:
                st.session_state[KEY_EDIT_ERROR] = str(err)
            st.rerun()


def _contracts(centre: Centre) -> None:
    table = pd.DataFrame(
        [
            {"contract": name, **{f: getattr(c, f) for f in CONTRACT_FIELDS}}
            for name, c in centre.contracts.items()
        ]
    )
    with st.form("contracts_form", border=False):
        edited = st.data_editor(
            table, hide_index=True, disabled=["contract"], key="contracts_editor"
        )
        if st.form_submit_button("Apply contracts", type="primary"):
            patch = {
                str(row["contract"]): {f: row[f] for f in CONTRACT_FIELDS}
                for row in edited.to_dict("records")
            }
            try:
                _use(
                    edited_centre(centre, {"contracts": patch}, "contracts"),
                    "Contracts",
                )
            except InvalidInputError as err:
                st.session_state[KEY_EDIT_ERROR] = str(err)
            st.rerun()


def main() -> None:
    """Render the page."""
    st.title("Data")
    _uploads()
    centre = state.centre()
    st.subheader("Centre settings")
    error = st.session_state.get(KEY_EDIT_ERROR)
    if error:
        st.error(error)
    targets, hours, contracts = st.tabs(["Targets", "Opening hours", "Contracts"])
    with targets:
        _targets(centre)
    with hours:
        _hours(centre)
    with contracts:
        _contracts(centre)
    st.subheader("Agents")
    agents = state.agents().assign(
        skills=lambda f: f["skills"].map(lambda s: ", ".join(s))
    )
    st.dataframe(agents, hide_index=True, width="stretch", height=240)
    absent = state.availability()
    if absent is not None and not absent.empty:
        st.markdown(f"**Availability** ({len(absent)} rows)")
        st.dataframe(absent, hide_index=True, width="stretch", height=200)


main()
