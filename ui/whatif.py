"""What-if: chat deflection with a sweep, and any scenario beside the base plan.

A scenario changes the plan's inputs (:mod:`scheduler.scenarios`). It is evaluated
at once with the base roster kept ("keep the roster": what happens if we change
nothing), and on request re-planned in the background ("re-plan": what it would
take).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from scheduler.dashboard import percent
from scheduler.exceptions import InvalidInputError
from scheduler.plan import Plan
from scheduler.roster.solve import Progress, SolveSettings
from scheduler.scenarios import (
    AddAgents,
    AhtChange,
    Change,
    Deflection,
    RemoveAgents,
    Scenario,
    ScenarioResult,
    SweepSettings,
    TargetChange,
    VolumeChange,
    deflection_scenarios,
    run_scenario,
    run_sweep,
)
from scheduler.scenarios.chart import required_hours_chart, service_level_chart
from scheduler.scenarios.run import (
    KEEP_ROSTER,
    outcome_figures,
    required_agent_hours,
)
from ui import simulation, state, widgets

KEY_DEFLECTION = "deflection_pct"
KEY_BOUNCE = "deflection_bounce_pct"
KEY_CONTAINED = "deflection_contained_pct"
KEY_VOLUME_CHANNEL = "whatif_volume_channel"
KEY_VOLUME = "whatif_volume_pct"
KEY_AHT = "whatif_aht_pct"
KEY_TARGET = "whatif_target_pct"
KEY_ADD = "whatif_add_agents"
KEY_ADD_CONTRACT = "whatif_add_contract"
KEY_REMOVE = "whatif_remove_agents"
KEY_REPLAN = "whatif_replan"
SWEEP_RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
FROM_CHANNEL, TO_CHANNEL = "phone", "chat"


def _deflection(rate: float) -> Deflection:
    return Deflection(
        rate=rate,
        from_channel=FROM_CHANNEL,
        to_channel=TO_CHANNEL,
        bounce_back_share=st.session_state[KEY_BOUNCE] / 100,
        contained_share=st.session_state[KEY_CONTAINED] / 100,
    )


def _memo(name: str, base: Plan, key: tuple[Any, ...], compute: Any) -> Any:
    """``compute()`` kept in the session while ``base`` and ``key`` stay the same."""
    memo = st.session_state.get(name)
    if memo is not None and memo[0] is base and memo[1] == key:
        return memo[2]
    value = compute()
    st.session_state[name] = (base, key, value)
    return value


def _deflection_section(base: Plan) -> None:
    st.subheader("Chat deflection")
    st.caption(
        f"Steer a share of {FROM_CHANNEL} contacts to {TO_CHANNEL} where {TO_CHANNEL} "
        "is open. Requirements move at once; service levels are those of today's "
        "roster (kept as it is)."
    )
    rate = st.slider(
        f"{FROM_CHANNEL} contacts moved to {TO_CHANNEL}",
        min_value=0,
        max_value=50,
        step=5,
        format="%d %%",
        key=KEY_DEFLECTION,
    )
    with st.expander("Deflection assumptions"):
        a, b = st.columns(2)
        a.slider(
            f"come back to {FROM_CHANNEL} (bounce back)",
            0,
            100,
            step=5,
            format="%d %%",
            key=KEY_BOUNCE,
        )
        b.slider(
            "resolved by self-service (contained)",
            0,
            100,
            step=5,
            format="%d %%",
            key=KEY_CONTAINED,
        )
    options = (st.session_state[KEY_BOUNCE], st.session_state[KEY_CONTAINED])
    result: ScenarioResult = _memo(
        "_deflection_result",
        base,
        (rate, options),
        lambda: run_scenario(
            base,
            Scenario(
                f"{rate} % {FROM_CHANNEL} to {TO_CHANNEL}", (_deflection(rate / 100),)
            ),
            replan=False,
        ),
    )
    interval_s = base.centre.interval_s
    before = required_agent_hours(base.requirements, interval_s)
    after = required_agent_hours(result.requirements, interval_s)
    kept = outcome_figures(result.keep_roster.kpis)["weekly_service_level"]
    now = base.kpis["channels"]
    columns = st.columns(4)
    moved = rate > 0
    for index, channel in enumerate((FROM_CHANNEL, TO_CHANNEL)):
        columns[2 * index].metric(
            f"{channel} agent-hours",
            f"{after[channel]:,.0f}",
            delta=f"{after[channel] - before[channel]:+,.0f}" if moved else None,
            delta_color="inverse",
            border=True,
            help=f"required agent-hours of {channel} in the week (fractional "
            "requirements summed)",
        )
        level, was = kept.get(channel), now[channel]["service_level"]
        columns[2 * index + 1].metric(
            f"{channel} SL, same roster",
            percent(level),
            delta=None
            if level is None or was is None or not moved
            else f"{100 * (level - was):+.1f} pts",
            border=True,
            help=f"weekly service level of {channel} if today's roster stays as it "
            f"is; target {percent(now[channel]['target'], 0)}",
        )
    sweep = _memo(
        "_deflection_sweep",
        base,
        options,
        lambda: run_sweep(
            base,
            deflection_scenarios(
                SWEEP_RATES,
                bounce_back_share=options[0] / 100,
                contained_share=options[1] / 100,
            ),
            SWEEP_RATES,
            SweepSettings(replan=False, processes=1),
            parameter="deflection rate",
        ),
    )
    table = sweep.table.loc[
        (sweep.table["way"] == KEEP_ROSTER)
        & sweep.table["channel"].isin([FROM_CHANNEL, TO_CHANNEL])
    ]
    parameter = "share of phone moved to chat"
    hours = required_hours_chart(table, parameter).properties(
        title="Requirements by deflection", height=240
    )
    levels = service_level_chart(table, parameter).properties(
        title="Service level if the roster stays", height=240
    )
    marker = (
        alt.Chart(pd.DataFrame({"value": [rate / 100]}))
        .mark_rule(strokeDash=[4, 4], color="grey")
        .encode(x="value:Q")
    )
    left, right = st.columns(2)
    left.altair_chart(hours + marker, width="stretch")
    right.altair_chart(levels + marker, width="stretch")


def _changes(base: Plan) -> list[Change]:
    centre = base.centre
    changes: list[Change] = []
    rate = st.session_state[KEY_DEFLECTION]
    if rate and FROM_CHANNEL in centre.channels and TO_CHANNEL in centre.channels:
        changes.append(_deflection(rate / 100))
    channel = st.session_state[KEY_VOLUME_CHANNEL]
    volume, aht, target = (
        st.session_state[KEY_VOLUME],
        st.session_state[KEY_AHT],
        st.session_state[KEY_TARGET],
    )
    if volume:
        changes.append(VolumeChange(channel, 1 + volume / 100))
    if aht:
        changes.append(AhtChange(channel, 1 + aht / 100))
    if target != round(100 * centre.channels[channel].service_level):
        changes.append(TargetChange(channel, service_level=target / 100))
    added, removed = st.session_state[KEY_ADD], st.session_state[KEY_REMOVE]
    if added:
        changes.append(
            AddAgents(
                int(added),
                st.session_state[KEY_ADD_CONTRACT],
                (channel,),
                centre.channels[channel].site or _main_site(base),
            )
        )
    if removed:
        changes.append(RemoveAgents(count=int(removed), skill=channel))
    return changes


def _main_site(base: Plan) -> str:
    sites = base.agents["site"].value_counts()
    return str(sites.index[0]) if not sites.empty else ""


def _scenario_section(base: Plan) -> None:
    st.subheader("Your scenario beside the base plan")
    st.caption(
        "Combine the deflection above with changes to one channel. The scenario is "
        "evaluated with today's roster at once; re-plan it to see what it would take."
    )
    centre = base.centre
    a, b, c, d = st.columns(4)
    channel = a.selectbox("Channel", list(centre.channels), key=KEY_VOLUME_CHANNEL)
    b.number_input("Volume change %", step=5.0, key=KEY_VOLUME)
    c.number_input("Handle-time change %", step=5.0, key=KEY_AHT)
    target_now = round(100 * centre.channels[channel].service_level)
    if st.session_state.get("_target_channel") != channel:
        st.session_state[KEY_TARGET] = target_now
        st.session_state["_target_channel"] = channel
    d.number_input("Target %", min_value=0, max_value=100, step=1, key=KEY_TARGET)
    e, f, g = st.columns(3)
    e.number_input("Add agents", min_value=0, max_value=200, step=1, key=KEY_ADD)
    f.selectbox("Their contract", list(centre.contracts), key=KEY_ADD_CONTRACT)
    g.number_input("Remove agents", min_value=0, max_value=200, step=1, key=KEY_REMOVE)
    changes = _changes(base)
    if not changes:
        st.info("No change yet: move the deflection slider or set a change above.")
        return
    scenario = Scenario(
        "; ".join(_describe(change) for change in changes), tuple(changes)
    )
    try:
        result: ScenarioResult = _memo(
            "_scenario_result",
            base,
            scenario.records(),
            lambda: run_scenario(base, scenario, replan=False),
        )
    except InvalidInputError as err:
        st.error(str(err))
        return
    replanned = st.session_state[state.SCENARIO_PLAN]
    if replanned is not None and tuple(replanned.changes) != scenario.records():
        replanned = None
    st.markdown(f"**Scenario:** {scenario.name}")
    st.dataframe(
        _side_by_side(base, result, replanned), hide_index=True, width="stretch"
    )
    sources = {
        "base plan": simulation.Roster.of(base),
        "scenario, roster kept": simulation.Roster(
            result.kept_roster,
            result.requirements,
            result.inputs.centre,
            result.inputs.agents,
            result.keep_roster,
        ),
    }
    if replanned is not None:
        sources["scenario, re-planned"] = simulation.Roster.of(replanned)
    simulation.panel(sources, key="whatif_sim")
    settings = state.settings()
    if st.button(
        "Re-plan this scenario",
        key=KEY_REPLAN,
        disabled=state.job() is not None,
        help=f"build the scenario's own roster (time limit {settings.time_limit_s:.0f}"
        " s, in the background)",
    ):
        state.start_scenario(
            lambda on_progress, stop: _replan(
                base, scenario, settings, on_progress, stop
            ),
            f"re-plan: {scenario.name}",
        )
        st.rerun()


def _replan(
    base: Plan,
    scenario: Scenario,
    settings: SolveSettings,
    on_progress: Callable[[Progress], None],
    stop: threading.Event,
) -> Plan:
    planned = run_scenario(
        base,
        scenario,
        replan=True,
        settings=settings,
        on_progress=on_progress,
        stop=stop,
    ).replan
    if planned is None:
        raise InvalidInputError(f"scenario {scenario.name!r} was not re-planned")
    return planned


def _describe(change: Change) -> str:
    record = change.record()
    kind = record.pop("kind")
    shown = ", ".join(f"{k} {v}" for k, v in record.items() if v not in (None, (), 0))
    return f"{kind} ({shown})"


def _money(value: float | None, currency: str) -> str:
    return "–" if value is None else f"{value:,.2f} {currency}"


def _side_by_side(
    base: Plan, result: ScenarioResult, replanned: Plan | None
) -> pd.DataFrame:
    """Figures of the base plan, the scenario with the roster kept, and re-planned."""
    columns = {
        "base plan": outcome_figures(base.kpis),
        "scenario, roster kept": outcome_figures(result.keep_roster.kpis),
    }
    if replanned is not None:
        columns["scenario, re-planned"] = outcome_figures(replanned.kpis)
    currency = base.centre.costs.currency
    hours_base = required_agent_hours(base.requirements, base.centre.interval_s)
    hours_new = required_agent_hours(result.requirements, base.centre.interval_s)
    rows: list[dict[str, Any]] = []
    for channel in base.centre.channels:
        rows.append(
            {
                "figure": f"{channel}: service level",
                **{
                    name: percent(figures["weekly_service_level"].get(channel))
                    for name, figures in columns.items()
                },
            }
        )
        rows.append(
            {
                "figure": f"{channel}: cost per contact",
                **{
                    name: _money(figures["cost_per_contact"].get(channel), currency)
                    for name, figures in columns.items()
                },
            }
        )
        rows.append(
            {
                "figure": f"{channel}: required agent-hours",
                "base plan": f"{hours_base[channel]:,.0f}",
                "scenario, roster kept": f"{hours_new[channel]:,.0f}",
                **(
                    {"scenario, re-planned": f"{hours_new[channel]:,.0f}"}
                    if replanned is not None
                    else {}
                ),
            }
        )
    for key, label, unit in (
        ("paid_hours", "paid hours", "h"),
        ("cost", "cost", currency),
        ("fte", "FTE", ""),
    ):
        rows.append(
            {
                "figure": label,
                **{
                    name: "–"
                    if figures[key] is None
                    else f"{figures[key]:,.1f} {unit}".strip()
                    for name, figures in columns.items()
                },
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    """Render the page."""
    st.title("What-if")
    if not widgets.need_plan():
        return
    base = state.current_plan()
    if base is None:
        return
    for key, default in (
        (KEY_DEFLECTION, 0),
        (KEY_BOUNCE, 0),
        (KEY_CONTAINED, 0),
        (KEY_VOLUME, 0.0),
        (KEY_AHT, 0.0),
        (KEY_ADD, 0),
        (KEY_REMOVE, 0),
    ):
        st.session_state.setdefault(key, default)
    channels = base.centre.channels
    if FROM_CHANNEL in channels and TO_CHANNEL in channels:
        _deflection_section(base)
    else:
        st.info(f"Deflection needs both a {FROM_CHANNEL} and a {TO_CHANNEL} channel.")
    _scenario_section(base)


main()
