"""Requirements: agents needed per channel and interval, and why each number."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scheduler.dashboard import percent
from scheduler.report import explain_interval, heatmap_frame, requirements_summary
from ui import state, widgets

KEY_CHANNEL = "channel"
KEY_DAY = "explain_day"
KEY_TIME = "explain_time"


def shown(value: float | int | str) -> str:
    """An input as a person reads it: floats to four significant digits."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def main() -> None:
    """Render the page."""
    centre = state.centre()
    st.title("Requirements")
    st.caption(
        f"Agents to schedule per {centre.interval_minutes}-minute interval to meet "
        "each channel's target, after shrinkage, for the forecast with your "
        "adjustments."
    )
    requirements = state.requirements()
    summary = requirements_summary(requirements, centre)
    columns = st.columns(len(summary))
    for column, row in zip(columns, summary.to_dict("records"), strict=True):
        column.metric(
            label=f"{row['channel']} agent-hours",
            value=f"{row['required_agent_hours']:,.0f}",
            delta=f"peak {row['peak_required']} agents",
            delta_color="off",
            delta_arrow="off",
            help=f"required agent-hours in the week (fractional requirements "
            f"summed) to meet a target of {percent(row['service_level_target'], 0)}"
            f"; queueing model {row['model']}",
            border=True,
        )

    channel = st.selectbox("Channel", list(centre.channels), key=KEY_CHANNEL)
    cells = heatmap_frame(requirements, channel)
    open_cells = cells[cells.groupby("time")["required"].transform("max") > 0]
    st.altair_chart(
        widgets.heatmap(open_cells, f"{channel}: agents to schedule"), width="stretch"
    )

    st.subheader("Why this number?")
    part = requirements.loc[requirements["channel"] == channel]
    days = sorted({stamp.date() for stamp in part["interval_start"]})
    left, right = st.columns(2)
    day = left.selectbox(
        "Day", days, key=KEY_DAY, format_func=lambda d: f"{d:%a %d.%m.%Y}"
    )
    on_day = part.loc[part["interval_start"].dt.date == day].sort_values(
        "required", ascending=False
    )
    times = sorted(on_day["interval_start"].dt.strftime("%H:%M"))
    busiest = on_day["interval_start"].iloc[0].strftime("%H:%M")
    time_text = right.selectbox(
        "Interval",
        times,
        index=times.index(busiest),
        key=KEY_TIME,
        help="the busiest interval of the day is chosen first",
    )
    stamp = pd.Timestamp(f"{day} {time_text}").tz_localize(centre.zone)
    why = explain_interval(requirements, centre, channel, stamp)
    st.markdown(why.formula)
    left, right = st.columns([2, 3])
    left.dataframe(
        pd.DataFrame(
            {
                "input": list(why.inputs),
                "value": [shown(v) for v in why.inputs.values()],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if why.curve.empty:
        right.info(
            "Email is not a queue: its requirement is the flat capacity over "
            "processing hours that answers the target share of each day's email "
            "within the deadline."
        )
    else:
        right.altair_chart(widgets.service_level_curve(why), width="stretch")

    with st.expander("All channels: summary and the requirements table"):
        st.dataframe(summary, hide_index=True)
        st.dataframe(requirements, hide_index=True)
        st.download_button(
            "Download requirements.csv",
            requirements.to_csv(index=False),
            file_name="requirements.csv",
            mime="text/csv",
        )


main()
