"""Roster: optimise (live progress, stop), the shifts, coverage, KPIs, rules bent."""

from __future__ import annotations

import streamlit as st

from scheduler.dashboard import (
    bent_rules_table,
    coverage_frame,
    gantt_frame,
    kpi_cards,
    percent,
)
from ui import simulation, state, widgets

KEY_OPTIMISE = "optimise"
KEY_DAY = "roster_day"
KEY_CHANNELS = "roster_channels"
KEY_COVERAGE_CHANNEL = "coverage_channel"


def main() -> None:
    """Render the page."""
    st.title("Roster")
    running = state.job() is not None
    left, right = st.columns([1, 3], vertical_alignment="center")
    if left.button(
        "Optimise",
        key=KEY_OPTIMISE,
        type="primary",
        disabled=running,
        help="build the week's roster from the current inputs (runs in the "
        "background; the page stays usable)",
    ):
        state.start_solve()
        st.rerun()
    right.caption(
        f"Time limit {st.session_state[state.TIME_LIMIT]:.0f} s, "
        f"{st.session_state[state.MODE]} coverage (change them in the sidebar). "
        "To keep shifts you changed, lock them on **Adjust** and re-optimise there."
    )
    if not widgets.need_plan():
        return
    widgets.stale_warning()
    plan, made = state.current_plan(), state.plan()
    if plan is None or made is None:
        return
    history = state.edits()
    edited = len(history.steps) if history is not None else 0
    if edited:
        st.caption(f"Showing the roster with {edited} hand edit(s) from **Adjust**.")
    widgets.kpi_row(kpi_cards(plan.kpis))

    centre = plan.centre
    channels = list(centre.channels)
    days = sorted(set(plan.roster["date"]))
    shifts, coverage, bent, audit, simulated = st.tabs(
        ["Shifts", "Required vs scheduled", "Rules bent", "Audit", "Simulation"]
    )
    with shifts:
        left, right = st.columns([1, 2])
        day = left.selectbox(
            "Day", days, key=KEY_DAY, format_func=lambda d: f"{d:%a %d.%m.%Y}"
        )
        chosen = right.multiselect(
            "Channels", channels, default=channels, key=KEY_CHANNELS
        )
        frame = gantt_frame(plan.roster, plan.agents, dates=[day])
        working = frame.loc[frame["what"].isin(chosen), "agent_id"].unique()
        frame = frame.loc[frame["agent_id"].isin(working)]
        st.caption(
            f"{frame['agent_id'].nunique()} agents on {day:%A}; grey: breaks and "
            "lunches; black outline: locked."
        )
        if frame.empty:
            st.info("Nobody works on these channels that day.")
        else:
            st.altair_chart(widgets.gantt_chart(frame, channels), width="stretch")
    with coverage:
        channel = st.selectbox("Channel", channels, key=KEY_COVERAGE_CHANNEL)
        figures = plan.kpis["channels"][channel]
        st.caption(
            f"Weekly service level {percent(figures['service_level'])} against a "
            f"target of {percent(figures['target'], 0)}; understaffed "
            f"{figures['understaffed_agent_hours']:,.1f} agent-hours, overstaffed "
            f"{figures['overstaffed_agent_hours']:,.1f}."
        )
        st.altair_chart(
            widgets.coverage_chart(
                coverage_frame(plan.coverage, channel),
                f"{channel}: agents required and scheduled",
            ),
            width="stretch",
        )
    with bent:
        table = bent_rules_table(made.bent_rules, plan.agents)
        if table.empty:
            st.success("The optimiser bent no rule.")
        else:
            summary = (
                table.groupby(["rule", "meaning"], sort=False)
                .agg(times=("cost", "size"), cost=("cost", "sum"))
                .reset_index()
            )
            st.markdown(
                "**What the plan gave up, dearest first** (cost in the "
                f"objective, {centre.costs.currency})"
            )
            st.dataframe(summary, hide_index=True, width="stretch")
            st.markdown("**For whom and when**")
            st.dataframe(table, hide_index=True, width="stretch", height=320)
    with audit:
        if plan.violations.empty:
            st.success(
                "Every hard rule holds: contracts, rest, breaks, days off, skills, "
                "availability and locks (checked without the optimiser)."
            )
        else:
            st.error(f"{len(plan.violations)} hard-rule violation(s):")
            st.dataframe(plan.violations, hide_index=True, width="stretch")
        if not made.findings.empty:
            st.markdown("**Found in the inputs before the solve**")
            st.dataframe(made.findings, hide_index=True, width="stretch")
    with simulated:
        simulation.panel({"roster": simulation.Roster.of(plan)}, key="roster_sim")


main()
