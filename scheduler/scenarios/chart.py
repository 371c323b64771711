"""Sweep charts: cost, paid hours, requirements and service level against the value.

The pieces are separate so a page can show the ones it needs (the app's what-if
page shows requirements and service level with today's roster); :func:`sweep_chart`
stacks the cost, paid hours and service level of a whole sweep.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from scheduler.scenarios.run import REPLAN


def _x(parameter: str) -> alt.X:
    return alt.X("value:Q", title=parameter, axis=alt.Axis(format="%"))


def required_hours_chart(table: pd.DataFrame, parameter: str = "value") -> alt.Chart:
    """Required agent-hours per channel against the swept value.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`scheduler.scenarios.sweep.SweepResult.table` (any subset of rows).
    parameter : str
        Axis title of the swept value.
    """
    chart: alt.Chart = (
        alt.Chart(table)
        .mark_line(point=True)
        .encode(
            x=_x(parameter),
            y=alt.Y("required_agent_hours:Q", title="required agent-hours"),
            color=alt.Color("channel:N"),
            tooltip=[
                "channel",
                alt.Tooltip("value:Q", format=".0%"),
                alt.Tooltip("required_agent_hours:Q", format=",.0f"),
            ],
        )
    )
    return chart


def service_level_chart(table: pd.DataFrame, parameter: str = "value") -> alt.Chart:
    """Weekly service level per channel against the swept value, as percentages.

    With both ways in ``table``, the line is solid for the re-plan and dashed for
    the kept roster.
    """
    encoding = {
        "x": _x(parameter),
        "y": alt.Y(
            "service_level:Q", title="weekly service level", axis=alt.Axis(format="%")
        ),
        "color": alt.Color("channel:N"),
        "tooltip": [
            "channel",
            "way",
            alt.Tooltip("value:Q", format=".0%"),
            alt.Tooltip("service_level:Q", format=".1%"),
            alt.Tooltip("cost_per_contact:Q", format=",.2f"),
        ],
    }
    if len(set(table["way"])) > 1:
        encoding["strokeDash"] = alt.StrokeDash("way:N", title="roster")
    chart: alt.Chart = (
        alt.Chart(table.dropna(subset=["service_level"]))
        .mark_line(point=True)
        .encode(**encoding)
    )
    return chart


def sweep_chart(table: pd.DataFrame, parameter: str = "value") -> alt.VConcatChart:
    """Three panels over the swept value: cost, paid hours, service level.

    Parameters
    ----------
    table : pandas.DataFrame
        :attr:`scheduler.scenarios.sweep.SweepResult.table`.
    parameter : str
        Axis title of the swept value.

    Returns
    -------
    altair.VConcatChart
        Cost and paid hours of the re-plans; weekly service level per channel for
        both ways (solid: re-plan, dashed: keep the roster).
    """
    totals = table.loc[table["way"] == REPLAN].drop_duplicates("value")
    x = _x(parameter)
    cost = (
        alt.Chart(totals)
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("cost:Q", title="re-planned cost"))
        .properties(height=160)
    )
    hours = (
        alt.Chart(totals)
        .mark_line(point=True)
        .encode(x=x, y=alt.Y("paid_hours:Q", title="re-planned paid hours"))
        .properties(height=160)
    )
    service = service_level_chart(table, parameter).properties(height=200)
    return alt.vconcat(cost, hours, service)
