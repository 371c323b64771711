"""vuoro in the browser: ``streamlit run app.py``.

The entry script: page set-up, the session's shared state, the sidebar (week,
solve time limit and mode), the solve's progress panel, and the navigation between
the pages in ``ui/``. Thin on purpose: every number comes from ``scheduler`` and
``forecasts``; nothing is computed here.

The session starts on the built-in sample centre and starts optimising its week at
once, so a newcomer sees a whole plan within a minute. ``?time_limit_s=10`` in the
address sets the first solve's time limit (seconds).
"""

from __future__ import annotations

import streamlit as st

from forecasts.schema import ForecastError
from scheduler.exceptions import InvalidInputError
from ui import state, widgets

PAGES = (
    ("ui/data.py", "Data", ":material/upload_file:"),
    ("ui/forecast.py", "Forecast", ":material/show_chart:"),
    ("ui/requirements.py", "Requirements", ":material/grid_on:"),
    ("ui/roster.py", "Roster", ":material/calendar_view_week:"),
    ("ui/adjust.py", "Adjust", ":material/edit_calendar:"),
    ("ui/whatif.py", "What-if", ":material/compare_arrows:"),
    ("ui/plans.py", "Export and plans", ":material/download:"),
)
DEFAULT_PAGE = "ui/roster.py"
MIN_TIME_LIMIT_S = 5.0


def _time_limit_from_address() -> None:
    """``?time_limit_s=N`` sets the time limit before the first solve."""
    text = st.query_params.get(state.TIME_LIMIT)
    if text and state.TIME_LIMIT not in st.session_state:
        try:
            st.session_state[state.TIME_LIMIT] = max(float(text), MIN_TIME_LIMIT_S)
        except ValueError:
            st.toast(f"time_limit_s={text!r} in the address is not a number")


def _sidebar() -> None:
    centre = state.centre()
    with st.sidebar:
        st.markdown(f"**{centre.centre.name}**")
        st.caption(
            f"{len(state.agents())} agents · {len(centre.channels)} channels · "
            f"{centre.interval_minutes}-minute intervals · {centre.centre.time_zone}"
        )
        st.date_input(
            "Week starting",
            key=state.WEEK,
            help="the first day of the week to plan",
            format="YYYY-MM-DD",
        )
        st.number_input(
            "Solve time limit (s)",
            min_value=MIN_TIME_LIMIT_S,
            max_value=3600.0,
            step=5.0,
            key=state.TIME_LIMIT,
            help="seconds the optimiser searches; finishing the roster (named "
            "agents, breaks) takes a little longer",
        )
        st.selectbox(
            "Coverage goal",
            ["weekly", "interval"],
            key=state.MODE,
            format_func=lambda mode: {
                "weekly": "weekly service-level target",
                "interval": "every interval's requirement",
            }[mode],
            help="weekly: meet each channel's weekly target (intervals may trade "
            "off); interval: staff every interval to its own requirement",
        )


def main() -> None:
    """Set up the session and run the chosen page."""
    st.set_page_config(
        page_title="vuoro", page_icon=":material/schedule:", layout="wide"
    )
    _time_limit_from_address()
    state.init_state()
    state.collect_job()
    pages = st.navigation(
        [
            st.Page(path, title=title, icon=icon, default=path == DEFAULT_PAGE)
            for path, title, icon in PAGES
        ]
    )
    _sidebar()
    state.maybe_auto_solve()
    if state.job() is not None:
        widgets.progress_panel()
    error = st.session_state[state.SOLVE_ERROR]
    if error:
        st.error(f"The last solve failed: {error}")
    try:
        pages.run()
    except (InvalidInputError, ForecastError) as err:
        st.error(
            f"{err}\n\nFix the input on **Data** (or press *Use the sample again* "
            "there)."
        )


main()
