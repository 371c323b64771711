"""Forecast: history and forecast with its 80 % band, the model and why, adjustments."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecasts.adjust import (
    DayAdjustment,
    Resolution,
    chart_frame,
    daily_totals,
    model_choice,
)
from forecasts.schema import ForecastError
from scheduler.dashboard import percent
from scheduler.pipeline import sample_history
from ui import state, widgets

KEY_CHANNEL = "forecast_channel"
KEY_RESOLUTION = "forecast_resolution"
KEY_ADJUST_CHANNEL = "adjust_channel"
KEY_ADJUST_DAY = "adjust_day"
KEY_ADJUST_PERCENT = "adjust_percent"
KEY_ADJUST_REASON = "adjust_reason"
KEY_ADJUST_ADD = "adjust_add"
KEY_ADJUST_CLEAR = "adjust_clear"
ALL_CHANNELS = "every channel"


def _history() -> pd.DataFrame:
    uploaded: pd.DataFrame | None = st.session_state[state.HISTORY]
    if uploaded is not None:
        return uploaded
    return sample_history(state.centre(), state.week())


def main() -> None:
    """Render the page."""
    st.title("Forecast")
    centre = state.centre()
    result = state.week_plan().forecast
    forecast = state.forecast_frame()
    st.caption(
        "Contacts per interval from the history; each channel uses the model with "
        "the lowest error in a rolling backtest. The shaded band is where 80 % of "
        "weeks should fall."
    )
    left, right = st.columns([2, 1])
    channel = left.selectbox("Channel", list(centre.channels), key=KEY_CHANNEL)
    resolution: Resolution = right.radio(
        "Show",
        ["day", "interval"],
        horizontal=True,
        key=KEY_RESOLUTION,
        format_func=lambda r: {"day": "per day", "interval": "per interval"}[r],
    )
    frame = chart_frame(_history(), forecast, channel, resolution=resolution)
    st.altair_chart(
        widgets.forecast_chart(frame, f"{channel}: two weeks of history, the forecast"),
        width="stretch",
    )

    st.subheader("Model chosen, and why")
    choice = model_choice(result.model_by_channel, result.backtest)
    st.markdown(
        "\n".join(
            f"- **{row['channel']}**: `{row['model']}`, {row['why']}"
            for row in choice.to_dict("records")
        )
    )
    if result.backtest is not None:
        with st.expander("The whole backtest table"):
            shown = choice.assign(
                wape=choice["wape"].map(percent),
                runner_up_wape=choice["runner_up_wape"].map(percent),
            )
            st.dataframe(shown.drop(columns="why"), hide_index=True, width="stretch")
            errors = result.backtest.errors.copy()
            for name in ("wape", "bias"):
                errors[name] = errors[name].map(percent)
            st.caption(
                "WAPE: absolute errors over actual contacts; MASE: error over that "
                "of 'same interval last week'; bias above 0 means over-forecast; "
                "MAE in contacts per interval."
            )
            st.dataframe(errors, hide_index=True, width="stretch")

    st.subheader("Adjust a day")
    st.caption(
        "Your knowledge on top of the model, e.g. +15 % phone on Monday for a "
        "campaign. Requirements, the roster and what-if use the adjusted forecast."
    )
    days = sorted(set(forecast["interval_start"].dt.date))
    with st.form("adjust_form", clear_on_submit=True, border=True):
        a, b, c, d = st.columns([2, 2, 1, 3])
        which = a.selectbox(
            "Channel", [ALL_CHANNELS, *centre.channels], key=KEY_ADJUST_CHANNEL
        )
        day = b.selectbox(
            "Day", days, key=KEY_ADJUST_DAY, format_func=lambda x: f"{x:%a %d.%m.%Y}"
        )
        change = c.number_input(
            "Change %", value=15.0, step=5.0, min_value=-100.0, key=KEY_ADJUST_PERCENT
        )
        reason = d.text_input("Reason", key=KEY_ADJUST_REASON, placeholder="campaign")
        if st.form_submit_button("Add adjustment", key=KEY_ADJUST_ADD):
            try:
                added = DayAdjustment(
                    date=day,
                    factor=1 + change / 100,
                    channel=None if which == ALL_CHANNELS else which,
                    reason=reason,
                )
            except ForecastError as err:
                st.error(str(err))
            else:
                st.session_state[state.ADJUSTMENTS] = (*state.adjustments(), added)
                st.rerun()
    if state.adjustments():
        for item in state.adjustments():
            st.markdown(f"- {item.describe()}")
        if st.button("Remove all adjustments", key=KEY_ADJUST_CLEAR):
            st.session_state[state.ADJUSTMENTS] = ()
            st.rerun()
        before = daily_totals(result.frame).rename(columns={"contacts": "model"})
        after = daily_totals(forecast)["contacts"].rename("adjusted")
        table = before.assign(adjusted=after.to_numpy())
        table = table.loc[table["model"] != table["adjusted"]]
        st.dataframe(
            table.assign(change=(table["adjusted"] / table["model"] - 1).map(percent)),
            hide_index=True,
            width="stretch",
        )


main()
