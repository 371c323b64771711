"""vuoro in the browser: ``streamlit run app.py``.

Thin on purpose: widgets in, package calls, rendering out. Every number comes from
``scheduler`` and ``forecasts``; nothing is computed here.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import altair as alt
import pandas as pd
import streamlit as st

from scheduler.config import Centre, load_centre, parse_centre
from scheduler.exceptions import InvalidInputError
from scheduler.pipeline import WeekPlan, next_week_start, plan_week
from scheduler.report import explain_interval, heatmap_frame, requirements_summary

KEY_CENTRE_FILE = "centre_file"
KEY_WEEK = "week_start"
KEY_CHANNEL = "channel"
KEY_DAY = "explain_day"
KEY_TIME = "explain_time"


@st.cache_data(show_spinner="Forecasting and computing requirements…")
def cached_plan(centre_json: str, week: dt.date) -> WeekPlan:
    """The sample history's forecast and requirements for a week (cached)."""
    centre = Centre.model_validate_json(centre_json)
    return plan_week(centre, week)


def read_centre() -> Centre | None:
    upload = st.sidebar.file_uploader(
        "centre.toml (optional)", type=["toml"], key=KEY_CENTRE_FILE
    )
    if upload is None:
        return load_centre()
    try:
        return parse_centre(
            tomllib.loads(upload.getvalue().decode("utf-8")), upload.name
        )
    except (InvalidInputError, tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        st.error(str(err))
        return None


def shown(value: float | int | str) -> str:
    """An input as a person reads it: floats to four significant digits."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def percent(share: float) -> str:
    return "–" if pd.isna(share) else f"{share:.1%}"


def main() -> None:
    st.set_page_config(page_title="vuoro: staffing", layout="wide")
    st.title("vuoro: staffing requirements")
    centre = read_centre()
    if centre is None:
        return
    default_week = next_week_start(centre, dt.date.today())
    week = st.sidebar.date_input("Week starting", value=default_week, key=KEY_WEEK)
    st.caption(
        f"{centre.centre.name}, {centre.centre.time_zone}, "
        f"{centre.interval_minutes}-minute intervals. Forecast from the sample "
        "history; requirements per channel model."
    )
    try:
        plan = cached_plan(centre.model_dump_json(), week)
    except InvalidInputError as err:
        st.error(str(err))
        return
    requirements = plan.requirements

    summary = requirements_summary(requirements, centre)
    columns = st.columns(len(summary))
    for column, row in zip(columns, summary.itertuples(index=False), strict=True):
        column.metric(
            label=f"{row.channel}: agent-hours ({row.model})",
            value=f"{row.required_agent_hours:,.0f}",
            delta=f"SL {percent(row.weekly_service_level)} vs target "
            f"{percent(row.service_level_target)}",
            delta_color="off",
        )

    channel = st.selectbox("Channel", list(centre.channels), key=KEY_CHANNEL)
    cells = heatmap_frame(requirements, channel)
    open_cells = cells[cells.groupby("time")["required"].transform("max") > 0]
    heatmap = (
        alt.Chart(open_cells)
        .mark_rect()
        .encode(
            x=alt.X("day:O", sort=None, title=None),
            y=alt.Y("time:O", sort=None, title=None),
            color=alt.Color("required:Q", title="agents"),
            tooltip=["day", "time", "contacts", "required", "required_fractional"],
        )
        .properties(title=f"{channel}: agents to schedule", height=480)
    )
    st.altair_chart(heatmap, width="stretch")

    st.subheader("Why this number?")
    left, right = st.columns(2)
    starts = requirements.loc[requirements["channel"] == channel, "interval_start"]
    days = sorted({stamp.date() for stamp in starts})
    day = left.selectbox("Day", days, key=KEY_DAY)
    busiest = (
        requirements[requirements["channel"] == channel]
        .assign(date=lambda f: f["interval_start"].dt.date)
        .query("date == @day")
        .sort_values("required", ascending=False)
    )
    times = sorted(busiest["interval_start"].dt.strftime("%H:%M"))
    default_time = busiest["interval_start"].iloc[0].strftime("%H:%M")
    time_text = right.selectbox(
        "Interval", times, index=times.index(default_time), key=KEY_TIME
    )
    stamp = pd.Timestamp(f"{day} {time_text}").tz_localize(centre.zone)
    why = explain_interval(requirements, centre, channel, stamp)
    st.markdown(why.formula)
    st.dataframe(
        pd.DataFrame(
            {
                "input": list(why.inputs),
                "value": [shown(v) for v in why.inputs.values()],
            }
        ),
        hide_index=True,
    )
    if not why.curve.empty:
        curve = (
            alt.Chart(why.curve)
            .mark_line(point=True)
            .encode(
                x=alt.X("agents:Q", title="agents on the channel"),
                y=alt.Y(
                    "service_level:Q",
                    title="service level",
                    axis=alt.Axis(format="%"),
                ),
                color=alt.Color("meets_target:N", title="meets every target"),
                tooltip=["agents", "service_level", "asa_seconds", "occupancy"],
            )
        )
        target = (
            alt.Chart(pd.DataFrame({"target": [why.inputs["service_level_target"]]}))
            .mark_rule(strokeDash=[4, 4])
            .encode(y="target:Q")
        )
        chart = (curve + target).properties(title="Service level by headcount")
        st.altair_chart(chart, width="stretch")

    with st.expander("All channels: summary and requirements table"):
        st.dataframe(summary, hide_index=True)
        st.dataframe(requirements, hide_index=True)
        st.download_button(
            "Download requirements.csv",
            requirements.to_csv(index=False),
            file_name="requirements.csv",
            mime="text/csv",
        )


main()
