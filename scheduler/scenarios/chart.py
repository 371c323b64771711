"""The sweep chart: paid hours, cost and service level against the swept value."""

from __future__ import annotations

import altair as alt
import pandas as pd

from scheduler.scenarios.run import REPLAN


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
        both ways (solid: re-plan, dashed: keep the roster), as percentages.
    """
    totals = table.loc[table["way"] == REPLAN].drop_duplicates("value")
    x = alt.X("value:Q", title=parameter, axis=alt.Axis(format="%"))
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
    service = (
        alt.Chart(table.dropna(subset=["service_level"]))
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y(
                "service_level:Q",
                title="weekly service level",
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color("channel:N"),
            strokeDash=alt.StrokeDash("way:N", title="roster"),
            tooltip=["channel", "way", "value", "service_level", "cost_per_contact"],
        )
        .properties(height=200)
    )
    return alt.vconcat(cost, hours, service)
