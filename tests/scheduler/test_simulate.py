"""The discrete-event simulation of a week against the queueing formulas it verifies.

Most cases are hand-built: a channel open round the clock with the same load in
every 15-minute interval and the same agents on it all week, so that the simulated
figures must converge to the stationary Erlang C, Erlang A or chat-model values
(:mod:`scheduler.erlang`, an independent computation). Email, breaks, shift ends and
routing are checked with contacts placed by hand, where the outcome is exact.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scheduler import schema as col
from scheduler.config import WEEKDAYS, Centre
from scheduler.erlang import ConcurrentQueue, LiveQueue, QueueModel, queue_metrics
from scheduler.evaluate import evaluate_roster
from scheduler.exceptions import InvalidInputError
from scheduler.plan import Plan
from scheduler.requirements import compute_requirements
from scheduler.simulate import (
    ARRIVAL,
    HANDLE_SECONDS,
    Simulation,
    SimulationSettings,
    compare,
    handle_time_factors,
    simulate_plan,
    simulate_roster,
    simulate_week,
    verification_record,
)
from tests.scheduler.conftest import edited_centre

MONDAY = pd.Timestamp("2026-01-05")
INTERVALS = 7 * 96
ROUND_THE_CLOCK = dict.fromkeys(WEEKDAYS, "00:00-24:00")
OFFICE_HOURS = {day: "08:00-18:00" for day in WEEKDAYS[:5]}


def live(**settings: Any) -> dict[str, Any]:
    """A phone-like channel open round the clock, 80 % within 20 s."""
    return {
        "kind": "live",
        "service_level": 0.8,
        "answer_within_seconds": 20,
        "default_aht_seconds": 180,
        "opening_hours": ROUND_THE_CLOCK,
        **settings,
    }


def chat(**settings: Any) -> dict[str, Any]:
    return {**live(**settings), "kind": "concurrent"}


def email(**settings: Any) -> dict[str, Any]:
    return {
        "kind": "deferrable",
        "service_level": 0.9,
        "answer_within_business_hours": 24,
        "default_aht_seconds": 900,
        "opening_hours": OFFICE_HOURS,
        **settings,
    }


def centre_of(**channels: dict[str, Any]) -> Centre:
    return edited_centre({"channels": channels, "sites": ["contact_centre"]})


def week_requirements(
    centre: Centre, contacts: dict[str, float], aht_s: dict[str, float]
) -> pd.DataFrame:
    """The same contacts and AHT in every interval of the week, per channel."""
    grid = pd.date_range(
        MONDAY.tz_localize(centre.zone), periods=INTERVALS, freq="15min"
    )
    forecast = pd.concat(
        pd.DataFrame(
            {
                col.CHANNEL: name,
                col.INTERVAL_START: grid,
                col.CONTACTS: contacts[name],
                col.AHT_SECONDS: aht_s[name],
            }
        )
        for name in contacts
    )
    return compute_requirements(forecast, centre)


def stamp(centre: Centre, text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_localize(centre.zone)


def roster_of(
    centre: Centre, segments: list[tuple[str, str, str, str, str]]
) -> pd.DataFrame:
    """Roster rows ``(agent, start, end, activity, channel)``, local times."""
    rows = [
        {
            col.AGENT_ID: agent,
            col.DATE: stamp(centre, start).date(),
            col.START: stamp(centre, start),
            col.END: stamp(centre, end),
            col.ACTIVITY: activity,
            col.CHANNEL: channel,
        }
        for agent, start, end, activity, channel in segments
    ]
    return pd.DataFrame(rows)


def all_week(centre: Centre, per_channel: dict[str, int]) -> pd.DataFrame:
    """``n`` agents on each channel for the whole week, one segment each."""
    segments = [
        (f"{name}-{i}", "2026-01-05 00:00", "2026-01-12 00:00", "work", name)
        for name, n in per_channel.items()
        for i in range(n)
    ]
    return roster_of(centre, segments)


def agents_of(skills: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent_id": list(skills),
            "name": list(skills),
            "contract": "full_time",
            "skills": list(skills.values()),
            "site": "contact_centre",
        }
    )


def agents_for(roster: pd.DataFrame) -> pd.DataFrame:
    """Each rostered agent skilled in the channels of its work segments only."""
    work = roster.loc[roster[col.ACTIVITY] == "work"]
    skills: dict[str, tuple[str, ...]] = {}
    for agent, channel in zip(work[col.AGENT_ID], work[col.CHANNEL], strict=True):
        skills[agent] = tuple(sorted({*skills.get(agent, ()), channel}))
    return agents_of(skills)


def analytic(model: QueueModel, agents: int, contacts: float, aht_s: float) -> Any:
    return queue_metrics(model, [agents], [contacts], [aht_s], 900, 20)


def inside(value: float, mean: float, half_width: float) -> bool:
    return abs(value - mean) <= half_width


def simulated_rostered(
    roster: pd.DataFrame, requirements: pd.DataFrame, centre: Centre
) -> Simulation:
    """Ten replications of the roster, each agent serving its rostered channel."""
    return simulate_roster(
        roster,
        requirements,
        centre,
        agents_for(roster),
        SimulationSettings(replications=10, workers=1, routing="rostered"),
    )


# ---------------------------------------------------------------- queueing models
def test_single_skill_phone_with_exponential_times_agrees_with_erlang_c() -> None:
    centre = centre_of(phone=live())
    requirements = week_requirements(centre, {"phone": 45.0}, {"phone": 180.0})
    roster = all_week(centre, {"phone": 11})
    simulation = simulated_rostered(roster, requirements, centre)
    expected = analytic(LiveQueue(), 11, 45.0, 180.0)  # 9 Erlangs on 11 agents
    week = simulation.weekly.iloc[0]
    for name, value in (
        ("service_level", expected.service_level[0]),
        ("asa_seconds", expected.asa_s[0]),
        ("prob_wait", expected.prob_wait[0]),
        ("occupancy", expected.occupancy[0]),
    ):
        assert inside(value, week[name], week[f"{name}_half_width"]), name
    assert week["prob_abandon"] == 0.0
    # Over many intervals: the Erlang C value lies in nearly all of the intervals'
    # 95 % confidence intervals.
    intervals = simulation.intervals
    covered = (
        intervals["service_level"] - expected.service_level[0]
    ).abs() <= intervals["service_level_half_width"]
    assert covered.mean() >= 0.9
    assert week["offered"] == pytest.approx(45.0 * INTERVALS, rel=0.01)


def test_single_skill_phone_with_patience_agrees_with_erlang_a() -> None:
    centre = centre_of(phone=live(patience_seconds=120))
    requirements = week_requirements(centre, {"phone": 45.0}, {"phone": 180.0})
    roster = all_week(centre, {"phone": 10})
    simulation = simulated_rostered(roster, requirements, centre)
    expected = analytic(LiveQueue(120.0), 10, 45.0, 180.0)
    week = simulation.weekly.iloc[0]
    assert expected.prob_abandon[0] > 0.05  # patience matters here
    for name, value in (
        ("service_level", expected.service_level[0]),
        ("asa_seconds", expected.asa_s[0]),
        ("prob_abandon", expected.prob_abandon[0]),
        ("prob_wait", expected.prob_wait[0]),
    ):
        assert inside(value, week[name], week[f"{name}_half_width"]), name
    # ... and not with Erlang C, which ignores the callers who hang up.
    erlang_c = analytic(LiveQueue(), 10, 45.0, 180.0).service_level[0]
    assert not inside(erlang_c, week["service_level"], week["service_level_half_width"])


def test_chat_with_concurrency_one_equals_phone() -> None:
    settings = SimulationSettings(replications=3, workers=1, routing="rostered")
    results = []
    for channel in (live(), chat(concurrency=1, concurrency_slowdown=0.5)):
        centre = centre_of(phone=channel)
        requirements = week_requirements(centre, {"phone": 40.0}, {"phone": 180.0})
        roster = all_week(centre, {"phone": 10})
        results.append(
            simulate_roster(roster, requirements, centre, agents_for(roster), settings)
        )
    phone, chat_1 = results
    pd.testing.assert_frame_equal(phone.intervals, chat_1.intervals)
    figures = ["offered", "service_level", "asa_seconds", "occupancy"]
    pd.testing.assert_frame_equal(phone.weekly[figures], chat_1.weekly[figures])


@pytest.mark.parametrize(("slowdown", "agents"), [(0.0, 7), (0.25, 9)])
def test_chat_with_concurrency_agrees_with_the_chat_model(
    slowdown: float, agents: int
) -> None:
    centre = centre_of(chat=chat(concurrency=3, concurrency_slowdown=slowdown))
    requirements = week_requirements(centre, {"chat": 45.0}, {"chat": 300.0})
    roster = all_week(centre, {"chat": agents})
    simulation = simulated_rostered(roster, requirements, centre)
    expected = analytic(ConcurrentQueue(3, slowdown), agents, 45.0, 300.0)
    week = simulation.weekly.iloc[0]
    sl = expected.service_level[0]
    assert inside(sl, week["service_level"], week["service_level_half_width"])
    occupancy = expected.occupancy[0]
    if slowdown == 0:
        assert inside(occupancy, week["occupancy"], week["occupancy_half_width"])
    else:
        # Chats stay with their agent, so after completions the spread is uneven
        # and slower than the analytic even spread: a little more of the slots
        # are in use.
        assert occupancy < week["occupancy"] < occupancy + 0.015


def relieved_every_interval(name: str, agents: int, away: int) -> pd.DataFrame:
    """``agents`` on channel ``name`` all week, ``away`` of them off in turn for
    one 15-minute interval in every ``agents // away``: the same headcount in
    every interval, and ``away`` agents leave (and return) at every start."""
    cycle = agents // away
    segments = []
    for agent in range(agents):
        works = [i % cycle != agent % cycle for i in range(INTERVALS)] + [False]
        start = None
        for i, working in enumerate(works):
            at = str(MONDAY + pd.Timedelta(minutes=15 * i))
            if working and start is None:
                start = at
            elif not working and start is not None:
                segments.append((f"{name}-{agent}", start, at, "work", name))
                start = None
    return roster_of(centre_of(**{name: live()}), segments)


@pytest.mark.parametrize(
    ("channel", "agents", "away", "contacts", "aht_s"),
    [
        # Walk-in visits as long as an interval, seen within 10 minutes.
        (live(patience_seconds=1800, answer_within_seconds=600), 8, 2, 5.0, 900.0),
        # Short calls under strain, 80 % within 20 s.
        (live(patience_seconds=240), 12, 3, 30.0, 300.0),
    ],
)
def test_agents_relieved_every_interval_meet_the_carried_over_figure(
    channel: dict[str, Any], agents: int, away: int, contacts: float, aht_s: float
) -> None:
    """Each agent leaving finishes the contact in hand, so the pool carries less
    than the stationary load: the simulated week agrees with the evaluation's
    carried-over figure within the issue's 3 points, and not with the stationary
    formula at the same headcount."""
    centre = centre_of(walk=channel)
    requirements = week_requirements(centre, {"walk": contacts}, {"walk": aht_s})
    roster = relieved_every_interval("walk", agents, away)
    at_work = agents - away
    evaluation = evaluate_roster(roster, requirements, centre, agents_for(roster))
    assert (evaluation.coverage[col.SCHEDULED] == at_work).all()
    simulation = simulated_rostered(roster, requirements, centre)
    week = simulation.weekly.iloc[0]
    analytic = evaluation.kpis["channels"]["walk"]["service_level"]
    assert abs(week["service_level"] - analytic) <= 0.03
    model = LiveQueue(float(channel["patience_seconds"]))
    stationary = queue_metrics(
        model, [at_work], [contacts], [aht_s], 900, channel["answer_within_seconds"]
    ).service_level[0]
    assert week["service_level"] - stationary > 0.05 + week["service_level_half_width"]


def test_a_chat_backlog_carried_through_the_week_meets_the_fluid_figure() -> None:
    """Ten agents holding up to 3 chats of 540 s (25 % slower per extra chat)
    finish 33.3 chats an interval. Four hours of 45 chats an interval leave a
    backlog of about 190, which eight hours of 20 take some three and a half
    hours to clear, twice a day all week: the simulated week meets the
    evaluation's figure, which carries the backlog over, within the issue's 3
    points, and is far below the stationary figures of the same intervals
    (none answered in time in the busy hours, nearly all in the others)."""
    centre = centre_of(
        chat=chat(concurrency=3, concurrency_slowdown=0.25, answer_within_seconds=60)
    )
    grid = pd.date_range(
        MONDAY.tz_localize(centre.zone), periods=INTERVALS, freq="15min"
    )
    busy = np.arange(INTERVALS) // 4 % 12 < 4
    contacts = np.where(busy, 45.0, 20.0)
    requirements = compute_requirements(
        pd.DataFrame(
            {
                col.CHANNEL: "chat",
                col.INTERVAL_START: grid,
                col.CONTACTS: contacts,
                col.AHT_SECONDS: 540.0,
            }
        ),
        centre,
    )
    roster = all_week(centre, {"chat": 10})
    evaluation = evaluate_roster(roster, requirements, centre, agents_for(roster))
    week = simulated_rostered(roster, requirements, centre).weekly.iloc[0]
    analytic = evaluation.kpis["channels"]["chat"]["service_level"]
    assert abs(week["service_level"] - analytic) <= 0.03
    stationary = queue_metrics(
        ConcurrentQueue(3, 0.25), [10] * INTERVALS, contacts, 540.0, 900, 60
    ).service_level
    weekly_stationary = float(np.sum(stationary * contacts) / contacts.sum())
    assert (
        weekly_stationary - week["service_level"]
        > 0.1 + week["service_level_half_width"]
    )


def test_lognormal_handle_times_have_the_forecast_mean_and_the_chosen_spread() -> None:
    factors = handle_time_factors("lognormal", 0.6, np.random.default_rng(1), 400_000)
    assert factors.mean() == pytest.approx(1.0, abs=0.005)
    assert factors.std() / factors.mean() == pytest.approx(0.6, abs=0.01)
    exponential = handle_time_factors(
        "exponential", 0.6, np.random.default_rng(1), 400_000
    )
    assert exponential.std() == pytest.approx(1.0, abs=0.01)
    # In a week with agents to spare, the time spent per answered call is the AHT.
    centre = centre_of(phone=live())
    requirements = week_requirements(centre, {"phone": 20.0}, {"phone": 240.0})
    roster = all_week(centre, {"phone": 30})
    tallies = simulate_week(
        roster,
        requirements,
        centre,
        agents_for(roster),
        settings=SimulationSettings(handle_time="lognormal", lognormal_cv=0.6),
        seed=4,
    )
    assert tallies["busy_s"].sum() / tallies["answered"].sum() == pytest.approx(
        240.0, rel=0.02
    )


def test_shrinkage_keeps_the_analytic_net_agents_at_work() -> None:
    # 10 agents with 25 % shrinkage: 7.5 net, so 7 or 8 at work, 7.5 on average;
    # the same all day while the roster stays the same.
    centre = centre_of(phone=live(shrinkage=0.25))
    requirements = week_requirements(centre, {"phone": 0.0}, {"phone": 180.0})
    roster = all_week(centre, {"phone": 10})
    agents = agents_for(roster)
    days: list[float] = []
    for seed in range(30):
        tallies = simulate_week(roster, requirements, centre, agents, seed=seed)
        at_work = tallies["capacity_s"].to_numpy().reshape(7, 96) / 900
        assert set(np.round(at_work.ravel(), 9)) <= {7.0, 8.0}
        assert (at_work == at_work[:, :1]).all()
        days.extend(at_work[:, 0])
    assert np.mean(days) == pytest.approx(7.5, abs=0.11)


def test_shrinkage_in_a_loaded_week_agrees_with_the_analytic_evaluation() -> None:
    centre = centre_of(phone=live(shrinkage=0.2))
    requirements = week_requirements(centre, {"phone": 45.0}, {"phone": 180.0})
    roster = all_week(centre, {"phone": 14})  # 11.2 net agents
    evaluation = evaluate_roster(roster, requirements, centre, agents_for(roster))
    simulation = simulated_rostered(roster, requirements, centre)
    verification = compare(simulation, evaluation.coverage, evaluation.kpis)
    week = verification.weekly.iloc[0]
    assert (
        week["analytic_service_level"]
        == evaluation.kpis["channels"]["phone"]["service_level"]
    )
    # Agents going away finish the call in hand first, so the simulation is a
    # little better than the analytic figure; within a point.
    assert abs(week["difference"]) < 0.01
    assert not week["flagged"]


# ---------------------------------------------------------- email and the roster
def email_week(agent_segments: list[tuple[str, str]]) -> tuple[int, int]:
    """40 emails of 900 s arriving Monday 00:05 (10 agent-hours); one agent works
    email in ``agent_segments``. Returns (answered within deadline, offered)."""
    centre = centre_of(email=email())
    requirements = week_requirements(centre, {"email": 0.0}, {"email": 900.0})
    roster = roster_of(
        centre, [("E1", start, end, "work", "email") for start, end in agent_segments]
    )
    arrivals = pd.DataFrame(
        {
            col.CHANNEL: "email",
            ARRIVAL: stamp(centre, "2026-01-05 00:05"),
            HANDLE_SECONDS: [900.0] * 40,
        }
    )
    tallies = simulate_week(
        roster,
        requirements,
        centre,
        agents_for(roster),
        email_carry_in_s={"email": 0.0},
        arrivals=arrivals,
    )
    return int(tallies["answered_within"].sum()), int(tallies["offered"].sum())


def test_email_fifo_meets_every_deadline_when_capacity_is_exactly_sufficient() -> None:
    # The clock starts at Monday 08:00 (the emails arrive at night): 24 business
    # hours of 08-18 days end on Wednesday 12:00. Tuesday 12-18 and Wednesday
    # 08-12 are exactly the 10 agent-hours needed; the last email ends at 12:00.
    assert email_week(
        [
            ("2026-01-06 12:00", "2026-01-06 18:00"),
            ("2026-01-07 08:00", "2026-01-07 12:00"),
        ]
    ) == (40, 40)


def test_email_fifo_misses_deadlines_when_one_agent_hour_short() -> None:
    met, offered = email_week(
        [
            ("2026-01-06 13:00", "2026-01-06 18:00"),
            ("2026-01-07 08:00", "2026-01-07 12:00"),
        ]
    )
    assert (met, offered) == (36, 40)  # an hour is four 900 s emails


def test_email_outside_processing_hours_waits_for_the_next_opening() -> None:
    # An agent on email all Monday night answers nothing before 08:00 opens.
    assert email_week([("2026-01-05 00:00", "2026-01-05 07:59")]) == (0, 40)


def phone_calls(
    centre: Centre, calls: list[tuple[str, float]], channel: str = "phone"
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            col.CHANNEL: channel,
            ARRIVAL: [stamp(centre, at) for at, _ in calls],
            HANDLE_SECONDS: [seconds for _, seconds in calls],
        }
    )


def test_a_shift_ending_mid_call_finishes_the_call_and_takes_no_more() -> None:
    centre = centre_of(phone=live(answer_within_seconds=20))
    requirements = week_requirements(centre, {"phone": 0.0}, {"phone": 180.0})
    roster = roster_of(
        centre, [("P1", "2026-01-05 09:00", "2026-01-05 10:00", "work", "phone")]
    )
    calls = [("2026-01-05 09:59", 600.0), ("2026-01-05 10:01", 60.0)]
    tallies = simulate_week(
        roster,
        requirements,
        centre,
        agents_for(roster),
        arrivals=phone_calls(centre, calls),
    ).set_index(col.INTERVAL_START)
    at_945 = tallies.loc[stamp(centre, "2026-01-05 09:45")]
    at_10 = tallies.loc[stamp(centre, "2026-01-05 10:00")]
    assert (at_945["answered_within"], at_945["wait_s"]) == (1.0, 0.0)
    assert (at_10["offered"], at_10["answered"]) == (1.0, 0.0)
    # The first call is worked 60 s before 10:00 and 540 s after.
    assert at_945["busy_s"] == 60.0
    assert at_10["busy_s"] == 540.0


def test_a_call_during_a_break_waits_until_the_break_ends() -> None:
    centre = centre_of(phone=live())
    requirements = week_requirements(centre, {"phone": 0.0}, {"phone": 180.0})
    roster = roster_of(
        centre,
        [
            ("P1", "2026-01-05 09:00", "2026-01-05 10:00", "work", "phone"),
            ("P1", "2026-01-05 10:00", "2026-01-05 10:15", "break", ""),
            ("P1", "2026-01-05 10:15", "2026-01-05 12:00", "work", "phone"),
        ],
    )
    tallies = simulate_week(
        roster,
        requirements,
        centre,
        agents_for(roster),
        arrivals=phone_calls(centre, [("2026-01-05 10:05", 120.0)]),
    )
    assert tallies["wait_s"].sum() == 600.0
    assert tallies["answered"].sum() == 1.0
    assert tallies["answered_within"].sum() == 0.0


def test_routing_by_skills_and_priorities() -> None:
    """One agent rostered on phone, skilled in phone and email, all Monday."""
    centre = centre_of(phone=live(), email=email())
    requirements = week_requirements(
        centre, {"phone": 0.0, "email": 0.0}, {"phone": 180.0, "email": 900.0}
    )
    roster = roster_of(
        centre, [("B1", "2026-01-05 09:00", "2026-01-05 17:00", "work", "phone")]
    )
    agents = agents_of({"B1": ("phone", "email")})
    # Busy with a call 10:00-10:10; an email and a call wait meanwhile.
    arrivals = pd.concat(
        [
            phone_calls(
                centre, [("2026-01-05 10:00", 600.0), ("2026-01-05 10:05", 60.0)]
            ),
            phone_calls(centre, [("2026-01-05 10:02", 300.0)], channel="email"),
        ]
    )

    def run(settings: SimulationSettings) -> pd.DataFrame:
        tallies = simulate_week(
            roster,
            requirements,
            centre,
            agents,
            settings=settings,
            email_carry_in_s={"email": 0.0},
            arrivals=arrivals,
        )
        return tallies.groupby(col.CHANNEL)[["answered", "wait_s"]].sum()

    rostered = run(SimulationSettings(routing="rostered"))
    assert rostered.loc["email", "answered"] == 0.0  # never works off its segment
    assert rostered.loc["phone", "wait_s"] == 300.0  # second call 10:05 -> 10:10
    # Skills, live first: the call (waiting since 10:05) before the email (10:02).
    skills = run(SimulationSettings(routing="skills"))
    assert skills.loc["phone", "wait_s"] == 300.0
    assert skills.loc["email", "answered"] == 1.0
    assert skills.loc["email", "wait_s"] == 14 * 60.0  # worked 10:11-10:16
    # Email first, by configuration: the email at 10:10, the call after it.
    email_first = run(SimulationSettings(priorities={"email": 0, "phone": 1}))
    assert email_first.loc["email", "wait_s"] == 13 * 60.0  # worked 10:10-10:15
    assert email_first.loc["phone", "wait_s"] == 600.0  # answered 10:15


def test_a_multi_skilled_pool_does_at_least_as_well_as_the_same_agents_split() -> None:
    centre = centre_of(phone=live(), support=live(answer_within_seconds=30))
    requirements = week_requirements(
        centre, {"phone": 40.0, "support": 30.0}, {"phone": 180.0, "support": 240.0}
    )
    roster = all_week(centre, {"phone": 10, "support": 10})
    split = agents_for(roster)
    pooled = split.copy()
    pooled["skills"] = [("phone", "support")] * len(split)
    settings = SimulationSettings(replications=4, workers=1, seed=7, routing="skills")
    weekly = {
        name: simulate_roster(roster, requirements, centre, staff, settings).weekly
        for name, staff in (("split", split), ("pooled", pooled))
    }
    for figure in ("service_level", "asa_seconds"):
        split_figure = weekly["split"][figure].to_numpy()
        pooled_figure = weekly["pooled"][figure].to_numpy()
        better = (
            pooled_figure >= split_figure
            if figure == "service_level"
            else (pooled_figure <= split_figure)
        )
        assert better.all(), (figure, split_figure, pooled_figure)
    overall = {
        name: float(np.average(frame["service_level"], weights=frame["offered"]))
        for name, frame in weekly.items()
    }
    assert overall["pooled"] > overall["split"] + 0.02


def test_the_same_seed_reproduces_the_figures_in_any_number_of_processes() -> None:
    centre = centre_of(phone=live(patience_seconds=200, shrinkage=0.1))
    requirements = week_requirements(centre, {"phone": 30.0}, {"phone": 200.0})
    roster = all_week(centre, {"phone": 9})
    agents = agents_for(roster)

    def run(seed: int, workers: int) -> pd.DataFrame:
        settings = SimulationSettings(replications=2, seed=seed, workers=workers)
        return simulate_roster(roster, requirements, centre, agents, settings).intervals

    first = run(5, 1)
    pd.testing.assert_frame_equal(first, run(5, 1))
    pd.testing.assert_frame_equal(first, run(5, 2))
    other = run(6, 1)
    assert not np.allclose(
        other["service_level"], first["service_level"], equal_nan=True
    )


def test_settings_reject_bad_values_by_name() -> None:
    with pytest.raises(InvalidInputError, match="replications = 0"):
        SimulationSettings(replications=0)
    with pytest.raises(InvalidInputError, match="'gamma' is not 'exponential'"):
        SimulationSettings(handle_time="gamma")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="routing = 'any'"):
        SimulationSettings(routing="any")  # type: ignore[arg-type]
    centre = centre_of(phone=live())
    requirements = week_requirements(centre, {"phone": 1.0}, {"phone": 180.0})
    roster = all_week(centre, {"phone": 1})
    with pytest.raises(InvalidInputError, match="'fax', which the centre does not"):
        simulate_week(
            roster,
            requirements,
            centre,
            agents_for(roster),
            settings=SimulationSettings(priorities={"fax": 0}),
        )
    with pytest.raises(InvalidInputError, match="roster agent\\(s\\) phone-0"):
        simulate_week(roster, requirements, centre, agents_of({"X": ("phone",)}))


# ------------------------------------------------------------------ a real plan
def test_simulating_the_sample_plan_sets_simulated_beside_analytic_figures(
    sample_plan: Plan,
) -> None:
    verification = simulate_plan(
        sample_plan, SimulationSettings(replications=3, workers=1, routing="rostered")
    )
    weekly = verification.weekly.set_index(col.CHANNEL)
    assert list(weekly.index) == list(sample_plan.centre.channels)
    for name, figures in sample_plan.kpis["channels"].items():
        assert weekly.loc[name, "analytic_service_level"] == figures["service_level"]
        assert weekly.loc[name, "target"] == figures["target"]
        # Poisson arrivals: the simulated weeks offer the forecast's contacts.
        assert weekly.loc[name, "offered"] == pytest.approx(
            figures["contacts"], rel=0.03
        )
    difference = weekly["simulated_service_level"] - weekly["analytic_service_level"]
    np.testing.assert_allclose(weekly["difference"], difference)
    expected_flags = (difference.abs() > 0.03) & (
        difference.abs() > weekly["service_level_half_width"]
    )
    assert (weekly["flagged"] == expected_flags).all()
    # Phone (300 s calls in 15-minute intervals) is where the analytic model holds.
    assert abs(weekly["difference"]["phone"]) < 0.05
    intervals = verification.intervals
    assert len(intervals) == len(sample_plan.requirements)
    coverage = sample_plan.coverage.set_index([col.INTERVAL_START, col.CHANNEL])
    joined = intervals.set_index([col.INTERVAL_START, col.CHANNEL])
    np.testing.assert_allclose(
        joined["analytic_service_level"],
        coverage.loc[joined.index, col.SERVICE_LEVEL],
    )
    record = verification_record(verification)
    assert record["replications"] == 3
    phone = record["channels"]["phone"]
    assert phone["analytic_service_level"] == figures_of(sample_plan, "phone")
    assert 0 < phone["service_level_half_width"] < 0.05
    assert math.isclose(
        phone["difference"],
        phone["simulated_service_level"] - phone["analytic_service_level"],
        abs_tol=2e-4,
    )


def figures_of(plan: Plan, channel: str) -> float:
    return float(plan.kpis["channels"][channel]["service_level"])
