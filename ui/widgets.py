"""Rendering shared by the pages: KPI cards, charts, the solve's progress panel.

Charts are altair (the version Streamlit ships); the frames they draw come from
:mod:`scheduler.dashboard`, :mod:`scheduler.report` and :mod:`forecasts.adjust`.
Shares are fractions in the frames and percentages on screen.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from scheduler.dashboard import KpiCard, percent
from scheduler.report import IntervalExplanation
from ui import state

#: Seconds between redraws of the progress panel while a solve runs.
POLL_S = 1.0
CARDS_PER_ROW = 4
#: Height of one agent's row in the Gantt chart, pixels (labels need ~16).
GANTT_ROW_PX = 18
ACTIVITY_COLOURS = {"break": "#bdbdbd", "lunch": "#757575"}


def kpi_row(cards: Sequence[KpiCard], per_row: int = CARDS_PER_ROW) -> None:
    """KPI cards as ``st.metric``, by group, ``per_row`` to a row (fits 1280 px)."""
    groups: dict[str, list[KpiCard]] = {}
    for card in cards:
        groups.setdefault(card.group, []).append(card)
    for group, members in groups.items():
        st.caption(
            "Weekly service level, contact-weighted, against target"
            if group == "service level"
            else "The week"
        )
        for first in range(0, len(members), per_row):
            columns = st.columns(per_row)
            row = members[first : first + per_row]
            for column, card in zip(columns, row, strict=False):
                column.metric(
                    card.label,
                    card.value,
                    delta=card.delta,
                    delta_color=card.delta_color,
                    help=card.help,
                    border=True,
                )


@st.fragment(run_every=POLL_S)
def progress_panel() -> None:
    """Progress of the running solve: a bar, objective and bound, a Stop button.

    Redraws itself every second while a solve runs (the rest of the page stays
    usable); once the solve ends it takes the plan and redraws the whole page.
    """
    current = state.job()
    if current is None:
        return
    status = current.status()
    if status.done:
        state.collect_job()
        st.rerun(scope="app")
    latest = status.latest
    if latest is None:
        detail = "building the model and a first roster"
    else:
        detail = (
            f"objective {latest.objective / 100:,.0f}, bound "
            f"{latest.best_bound / 100:,.0f}, gap {percent(latest.gap)}"
        )
    if status.elapsed_s > status.time_limit_s:
        detail += "; finishing: named agents, breaks and the evaluation"
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.progress(
        status.fraction,
        text=f"{status.label}: {status.elapsed_s:.0f} s of {status.time_limit_s:.0f}"
        f" s · {detail}",
    )
    right.button(
        "Stopping…" if status.stopping else "Stop",
        key="stop_solve",
        on_click=current.stop,
        disabled=status.stopping,
        help="stop the search; the best roster found so far is kept",
    )


def need_plan() -> bool:
    """Say what to do when there is no plan yet; whether there is one."""
    if state.plan() is not None:
        return True
    if state.job() is not None:
        st.info(
            "The optimiser is building the plan (see the progress bar above); this "
            "page fills in when it is done. You can look at the other pages "
            "meanwhile."
        )
    else:
        st.info("No plan yet: open **Roster** and press **Optimise**.")
    return False


def stale_warning() -> None:
    """Warn when the inputs changed after the plan was made."""
    if state.plan_is_stale():
        st.warning(
            "The inputs (centre, agents, forecast or its adjustments) changed after "
            "this plan was made; the figures below are for the plan as it was. "
            "Re-optimise on **Roster** to plan with the new inputs."
        )


def heatmap(cells: pd.DataFrame, title: str) -> alt.Chart:
    """Required agents by day (columns) and time of day (rows)."""
    chart: alt.Chart = (
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X("day:O", sort=None, title=None),
            y=alt.Y("time:O", sort=None, title=None),
            color=alt.Color("required:Q", title="agents"),
            tooltip=["day", "time", "contacts", "required", "required_fractional"],
        )
        .properties(title=title, height=460)
    )
    return chart


def service_level_curve(why: IntervalExplanation) -> alt.LayerChart:
    """Service level by headcount around the requirement, with the target."""
    curve = (
        alt.Chart(why.curve)
        .mark_line(point=True)
        .encode(
            x=alt.X("agents:Q", title="agents on the channel (after shrinkage)"),
            y=alt.Y(
                "service_level:Q", title="service level", axis=alt.Axis(format="%")
            ),
            color=alt.Color("meets_target:N", title="meets every target"),
            tooltip=[
                "agents",
                alt.Tooltip("service_level:Q", format=".1%"),
                alt.Tooltip("asa_seconds:Q", format=".1f"),
                alt.Tooltip("occupancy:Q", format=".1%"),
            ],
        )
    )
    target = (
        alt.Chart(pd.DataFrame({"target": [why.inputs["service_level_target"]]}))
        .mark_rule(strokeDash=[4, 4])
        .encode(y="target:Q")
    )
    layered: alt.LayerChart = (curve + target).properties(
        title="Service level by headcount", height=280
    )
    return layered


def forecast_chart(frame: pd.DataFrame, title: str) -> alt.LayerChart:
    """History and forecast lines with the forecast's 80 % band."""
    band = (
        alt.Chart(frame.loc[frame["series"] == "forecast"])
        .mark_area(opacity=0.25)
        .encode(
            x=alt.X("time:T", title=None),
            y=alt.Y("contacts_lo:Q", title="contacts"),
            y2="contacts_hi:Q",
            tooltip=[
                alt.Tooltip("time:T", format="%a %d.%m %H:%M"),
                alt.Tooltip("contacts_lo:Q", format=".1f", title="80 % band low"),
                alt.Tooltip("contacts_hi:Q", format=".1f", title="80 % band high"),
            ],
        )
    )
    lines = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x="time:T",
            y="contacts:Q",
            color=alt.Color("series:N", title=None, sort=["history", "forecast"]),
            tooltip=[
                "series",
                alt.Tooltip("time:T", format="%a %d.%m %H:%M"),
                alt.Tooltip("contacts:Q", format=".1f"),
            ],
        )
    )
    layered: alt.LayerChart = (band + lines).properties(title=title, height=320)
    return layered


#: Colours of channels in the Gantt chart, in the centre's channel order.
CHANNEL_COLOURS = ("#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2")


def gantt_chart(frame: pd.DataFrame, channels: Sequence[str]) -> alt.Chart:
    """Agents' shifts as bars: work coloured by channel, breaks and lunches grey.

    Locked segments have a black outline.
    """
    colours = [CHANNEL_COLOURS[i % len(CHANNEL_COLOURS)] for i in range(len(channels))]
    scale = alt.Scale(
        domain=[*channels, *ACTIVITY_COLOURS],
        range=[*colours, *ACTIVITY_COLOURS.values()],
    )
    rows = max(frame["agent"].nunique(), 1)
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar(height=13)
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%H:%M")),
            x2="end:T",
            y=alt.Y(
                "agent:N", title=None, sort=None, axis=alt.Axis(labelOverlap=False)
            ),
            color=alt.Color("what:N", title="channel or break", scale=scale),
            stroke=alt.condition("datum.locked", alt.value("black"), alt.value(None)),
            strokeWidth=alt.value(1.5),
            tooltip=[
                "agent",
                "what",
                alt.Tooltip("start:T", format="%a %H:%M"),
                alt.Tooltip("end:T", format="%H:%M"),
                "locked",
            ],
        )
        .properties(height=min(GANTT_ROW_PX * rows + 40, 3000))
    )
    return chart


def coverage_chart(frame: pd.DataFrame, title: str) -> alt.Chart:
    """Required (step) against scheduled agents of a channel."""
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("time:T", title=None, axis=alt.Axis(format="%a %H:%M")),
            y=alt.Y("agents:Q", title="agents"),
            color=alt.Color("series:N", title=None),
            tooltip=[
                "series",
                alt.Tooltip("time:T", format="%a %d.%m %H:%M"),
                alt.Tooltip("agents:Q", format=".2f"),
            ],
        )
        .properties(title=title, height=260)
    )
    return chart
