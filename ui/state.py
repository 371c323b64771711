"""What every page shares: the session's inputs, cached computations and the solve.

A session starts on the built-in sample centre (its centre, agents and generated
history) and keeps, in ``st.session_state`` under the keys below, what the
supervisor uploaded or edited, the per-day forecast adjustments, the solve running
in the background, the plan it made and the hand edits since. Forecasts and
requirements are cached on their inputs (``st.cache_data``), so moving between
pages recomputes nothing.

The solve runs in a :class:`scheduler.job.SolveJob` thread that sees only plain
values captured when it started, never the session state; the page polls it from
a fragment that reruns every second, so the page stays live while it runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import threading
from collections.abc import Callable

import pandas as pd
import streamlit as st

from forecasts.adjust import DayAdjustment, adjust_forecast
from scheduler.agents import load_agents
from scheduler.config import Centre, load_centre
from scheduler.job import JobStatus, SolveJob
from scheduler.pipeline import WeekPlan, next_week_start, plan_week
from scheduler.plan import Plan, solve_plan
from scheduler.requirements import compute_requirements
from scheduler.roster import edit
from scheduler.roster.solve import Progress, SolveSettings

# Session-state keys (tests set some of them before the first run).
CENTRE = "centre"
AGENTS = "agents"
AVAILABILITY = "availability"
HISTORY = "history"
SOURCES = "sources"
WEEK = "week_start"
ADJUSTMENTS = "adjustments"
TIME_LIMIT = "time_limit_s"
MODE = "solve_mode"
AUTO_SOLVE = "auto_solve"
JOB = "solve_job"
PLAN = "plan"
PLAN_KEY = "plan_inputs_key"
EDITS = "edits"
SOLVE_ERROR = "solve_error"
SCENARIO_PLAN = "scenario_plan"
OPENED_ID = "opened_plan_id"
_JOB_KIND = "_job_kind"
_JOB_INPUTS = "_job_inputs_key"
_JOB_LOCKED = "_job_locked"

#: Time limit of a solve started from the app, seconds (the sidebar changes it).
DEFAULT_TIME_LIMIT_S = 30.0
SAMPLE = "built-in sample"


def init_state() -> None:
    """Fill the session with the sample centre on its first run."""
    state = st.session_state
    if CENTRE not in state:
        state[CENTRE] = load_centre()
    if AGENTS not in state:
        state[AGENTS] = load_agents(None, state[CENTRE])
    state.setdefault(AVAILABILITY, None)
    state.setdefault(HISTORY, None)
    state.setdefault(
        SOURCES,
        {
            "centre.toml": SAMPLE,
            "agents.csv": SAMPLE,
            "availability.csv": "none",
            "history.csv": "generated sample history (10 weeks)",
        },
    )
    state.setdefault(WEEK, next_week_start(state[CENTRE], dt.date.today()))
    state.setdefault(ADJUSTMENTS, ())
    state.setdefault(TIME_LIMIT, DEFAULT_TIME_LIMIT_S)
    state.setdefault(MODE, "weekly")
    state.setdefault(AUTO_SOLVE, True)
    state.setdefault(JOB, None)
    state.setdefault(PLAN, None)
    state.setdefault(PLAN_KEY, "")
    state.setdefault(EDITS, None)
    state.setdefault(SOLVE_ERROR, None)
    state.setdefault(SCENARIO_PLAN, None)
    state.setdefault(OPENED_ID, None)


def centre() -> Centre:
    """The centre being planned."""
    value: Centre = st.session_state[CENTRE]
    return value


def agents() -> pd.DataFrame:
    """The agents."""
    value: pd.DataFrame = st.session_state[AGENTS]
    return value


def availability() -> pd.DataFrame | None:
    """Leave and preferences (``None`` when there are none)."""
    value: pd.DataFrame | None = st.session_state[AVAILABILITY]
    return value


def week() -> dt.date:
    """First day of the week being planned."""
    value: dt.date = st.session_state[WEEK]
    return value


def adjustments() -> tuple[DayAdjustment, ...]:
    """The per-day forecast adjustments."""
    value: tuple[DayAdjustment, ...] = st.session_state[ADJUSTMENTS]
    return value


@st.cache_data(show_spinner="Forecasting from the history…", max_entries=8)
def _week_plan(
    centre_json: str, week_start: dt.date, history: pd.DataFrame | None
) -> WeekPlan:
    return plan_week(
        Centre.model_validate_json(centre_json), week_start, history=history
    )


def week_plan() -> WeekPlan:
    """Forecast (with its backtest) and requirements of the unadjusted week."""
    return _week_plan(centre().model_dump_json(), week(), st.session_state[HISTORY])


def forecast_frame() -> pd.DataFrame:
    """The week's forecast with the per-day adjustments applied."""
    return adjust_forecast(week_plan().forecast.frame, adjustments())


@st.cache_data(show_spinner="Computing requirements…", max_entries=16)
def _requirements(centre_json: str, forecast: pd.DataFrame) -> pd.DataFrame:
    return compute_requirements(forecast, Centre.model_validate_json(centre_json))


def requirements() -> pd.DataFrame:
    """Agents required per channel and interval, for the adjusted forecast."""
    return _requirements(centre().model_dump_json(), forecast_frame())


def _frame_hash(frame: pd.DataFrame | None) -> str:
    if frame is None or frame.empty:
        return "-"
    values = pd.util.hash_pandas_object(frame.astype(str), index=False)
    return hashlib.sha256(values.to_numpy().tobytes()).hexdigest()


def inputs_key() -> str:
    """A fingerprint of everything a plan is made from (to tell a stale plan)."""
    parts = [
        centre().model_dump_json(),
        week().isoformat(),
        _frame_hash(agents()),
        _frame_hash(availability()),
        _frame_hash(st.session_state[HISTORY]),
        repr(adjustments()),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def settings() -> SolveSettings:
    """Solve settings from the sidebar."""
    return SolveSettings(
        mode=st.session_state[MODE], time_limit_s=float(st.session_state[TIME_LIMIT])
    )


def job() -> SolveJob | None:
    """The solve running (or just ended), if any."""
    value: SolveJob | None = st.session_state[JOB]
    return value


def plan() -> Plan | None:
    """The last plan the optimiser made (before hand edits)."""
    value: Plan | None = st.session_state[PLAN]
    return value


def edits() -> edit.EditHistory | None:
    """The hand edits of the plan's roster."""
    value: edit.EditHistory | None = st.session_state[EDITS]
    return value


def plan_is_stale() -> bool:
    """Whether the inputs changed since the plan was made.

    Unknown (so ``False``) for a plan opened from the store.
    """
    key = st.session_state[PLAN_KEY]
    return plan() is not None and key != "" and key != inputs_key()


def start_solve(*, around_locks: bool = False, label: str | None = None) -> None:
    """Start optimising in the background with the current inputs.

    With ``around_locks`` the edited roster's locked shifts are kept exactly,
    its absences respected, and the rest of it is the warm start.
    """
    if job() is not None and not job_status_done():
        return
    centre_now, agents_now, week_now = centre(), agents(), week()
    forecast = forecast_frame()
    chosen = settings()
    history = edits()
    locked: pd.DataFrame | None = None
    previous: pd.DataFrame | None = None
    absent = availability()
    if around_locks and history is not None:
        roster = history.roster
        locked = edit.locked_rows(roster)
        previous = roster
        absent = edit.merge_availability(absent, history.absences)
    count = 0 if locked is None else len(edit.locked_shifts(locked))
    text = label or (
        f"re-optimise around {count} locked shift(s)" if around_locks else "optimise"
    )
    name = f"week of {week_now}"

    def solve(report: Callable[[Progress], None], stop: threading.Event) -> Plan:
        return solve_plan(
            centre_now,
            agents_now,
            week_now,
            forecast,
            availability=absent,
            locked=locked,
            previous=previous,
            settings=chosen,
            on_progress=report,
            stop=stop,
            name=name,
        )

    _start(SolveJob(solve, chosen.time_limit_s, text), "plan")
    st.session_state[_JOB_INPUTS] = inputs_key()
    st.session_state[_JOB_LOCKED] = locked


def start_scenario(
    solve: Callable[[Callable[[Progress], None], threading.Event], Plan], label: str
) -> None:
    """Re-plan a what-if scenario in the background (see ``ui/whatif.py``).

    ``solve(on_progress, stop)`` reports to the progress panel and stops with its
    Stop button. Its plan goes to :data:`SCENARIO_PLAN`, not to the session's plan.
    """
    if job() is not None and not job_status_done():
        return
    _start(SolveJob(solve, settings().time_limit_s, label), "scenario")


def _start(new: SolveJob, kind: str) -> None:
    st.session_state[JOB] = new.start()
    st.session_state[_JOB_KIND] = kind
    st.session_state[SOLVE_ERROR] = None


def job_status_done() -> bool:
    """Whether the current job (if any) has ended."""
    current = job()
    return current is None or current.status().done


def collect_job() -> bool:
    """Take the plan of an ended job into the session; whether there was one."""
    current = job()
    if current is None:
        return False
    status = current.status()
    if not status.done:
        return False
    st.session_state[JOB] = None
    if status.error is not None:
        st.session_state[SOLVE_ERROR] = str(status.error)
        return True
    assert status.plan is not None
    made = status.plan
    if st.session_state.get(_JOB_KIND) == "scenario":
        st.session_state[SCENARIO_PLAN] = made
        return True
    locked = st.session_state.get(_JOB_LOCKED)
    if locked is not None and not locked.empty:
        made = dataclasses.replace(made, roster=edit.carry_locks(made.roster, locked))
    st.session_state[PLAN] = made
    st.session_state[PLAN_KEY] = st.session_state.get(_JOB_INPUTS, "")
    st.session_state[EDITS] = edit.EditHistory(made.roster)
    st.session_state[SCENARIO_PLAN] = None
    st.session_state[OPENED_ID] = None
    return True


def maybe_auto_solve() -> None:
    """Start the first solve by itself, so that a newcomer sees a plan at once."""
    state = st.session_state
    if state[AUTO_SOLVE] and plan() is None and job() is None:
        state[AUTO_SOLVE] = False
        start_solve(label="first plan of the sample week")


def set_plan(made: Plan, opened_id: str | None = None) -> None:
    """Make ``made`` (opened from the store) the session's plan and inputs.

    Its centre, agents, availability and week become the session's; the
    forecast adjustments are cleared.
    """
    state = st.session_state
    state[PLAN] = made
    state[CENTRE] = made.centre
    state[AGENTS] = made.agents
    state[AVAILABILITY] = made.availability
    state[WEEK] = made.week_start
    state[ADJUSTMENTS] = ()
    state[PLAN_KEY] = ""
    state[EDITS] = edit.EditHistory(made.roster)
    state[SCENARIO_PLAN] = None
    state[OPENED_ID] = opened_id


def apply_edits(new_edits: list[edit.Edit]) -> None:
    """Append hand edits to the session's edit history."""
    history = edits()
    if history is None:
        return
    for one in new_edits:
        history = history.then(one)
    st.session_state[EDITS] = history


def undo_edit() -> None:
    """Undo the last hand edit."""
    history = edits()
    if history is not None:
        st.session_state[EDITS] = history.undo()


def _memo(name: str, made: Plan, anchor: object, history: edit.EditHistory) -> Plan:
    """``edited_plan(made, history)``, kept while ``made`` and ``anchor`` stay."""
    memo = st.session_state.get(name)
    if memo is not None and memo[0] is made and memo[1] is anchor:
        kept: Plan = memo[2]
        return kept
    result = edit.edited_plan(made, history)
    st.session_state[name] = (made, anchor, result)
    return result


def current_plan() -> Plan | None:
    """The plan with the hand edits, evaluated and audited (no solve).

    Without edits, the optimiser's plan itself (with its bent rules and solver
    figures).
    """
    made, history = plan(), edits()
    if made is None or history is None:
        return None
    if not history.steps:
        return made
    return _memo("_current_memo", made, history, history)


def base_plan() -> Plan | None:
    """The plan before hand edits, evaluated the same way as :func:`current_plan`."""
    made, history = plan(), edits()
    if made is None or history is None:
        return None
    return _memo("_base_memo", made, history.base, edit.EditHistory(history.base))


def status() -> JobStatus | None:
    """A snapshot of the running job, if any."""
    current = job()
    return None if current is None else current.status()
