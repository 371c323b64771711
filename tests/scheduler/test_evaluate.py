"""Evaluation of a roster: coverage per interval and the weekly KPIs."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scheduler import schema as col
from scheduler.agents import load_agents
from scheduler.backlog import plan_backlog
from scheduler.config import Centre
from scheduler.erlang import ConcurrentQueue, LiveQueue, erlang_c, queue_metrics
from scheduler.evaluate import (
    Evaluation,
    evaluate_roster,
    leaving_per_interval,
    load_requirements,
    scheduled_per_interval,
    write_evaluation,
)
from scheduler.export import write_csv
from scheduler.requirements import compute_requirements, open_seconds

Row = tuple[str, str, str, str, str]
MakeForecast = Callable[..., pd.DataFrame]
CentreWith = Callable[[dict[str, Any]], Centre]

#: The published pyworkforce case: 100 calls in 30 min, AHT 180 s, 20 s target.
PUBLISHED = {
    "centre.interval_minutes": 30,
    "channels.phone.patience_seconds": "<delete>",
    "channels.phone.shrinkage": 0.0,
}


def roster_frame(rows: list[Row], zone: str = "Europe/Helsinki") -> pd.DataFrame:
    """A roster frame from ``(agent, start, end, activity, channel)`` local times."""
    frame = pd.DataFrame(
        rows,
        columns=[col.AGENT_ID, col.START, col.END, col.ACTIVITY, col.CHANNEL],
    )
    for name in (col.START, col.END):
        frame[name] = pd.to_datetime(frame[name]).dt.tz_localize(zone)
    frame[col.DATE] = frame[col.START].dt.date
    frame[col.LOCKED] = False
    return frame.sort_values([col.AGENT_ID, col.START], ignore_index=True)[
        [*col.ROSTER_COLUMNS, col.LOCKED]
    ]


def phone_team(count: int, start: str, end: str, first: int = 1) -> list[Row]:
    """``count`` phone agents (A001...) working from ``start`` to ``end``."""
    return [(f"A{n:03d}", start, end, "work", "phone") for n in range(first, count + 1)]


def published(
    centre_with: CentreWith, make_forecast: MakeForecast, **edits: Any
) -> tuple[Centre, pd.DataFrame, pd.DataFrame]:
    """The published case's centre, its requirements on Monday 10:00, the agents."""
    centre = centre_with({**PUBLISHED, **edits})
    forecast = make_forecast("phone", "2026-01-05 10:00", [100.0], 180.0, 30)
    return centre, compute_requirements(forecast, centre), load_agents(None, centre)


def published_evaluation(
    centre_with: CentreWith, make_forecast: MakeForecast, rows: list[Row], **edits: Any
) -> Evaluation:
    """The evaluation of ``rows`` in the published case."""
    centre, requirements, agents = published(centre_with, make_forecast, **edits)
    return evaluate_roster(roster_frame(rows), requirements, centre, agents)


def test_fourteen_agents_give_the_published_service_level(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    """14 agents for 100 calls of 180 s in 30 min answer 88.835 % within 20 s."""
    rows = phone_team(14, "2026-01-05 10:00", "2026-01-05 10:30")
    row = published_evaluation(centre_with, make_forecast, rows).coverage.iloc[0]
    assert row[col.SCHEDULED] == 14.0
    assert row[col.REQUIRED] == 14
    assert row[col.SERVICE_LEVEL] == pytest.approx(0.8883500191794669, rel=1e-12)
    assert row[col.ASA_SECONDS] == pytest.approx(7.83593701177724, rel=1e-12)
    assert row[col.OCCUPANCY] == pytest.approx(0.7142857142857143)
    assert row[col.PROB_ABANDON] == 0.0


def test_shrinkage_leaves_fourteen_of_twenty_scheduled_agents(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    """At 30 % shrinkage 20 scheduled agents are 14 on the phones: SL 0.8883."""
    rows = phone_team(20, "2026-01-05 10:00", "2026-01-05 10:30")
    shrinkage = {"channels.phone.shrinkage": 0.3}
    evaluation = published_evaluation(centre_with, make_forecast, rows, **shrinkage)
    row = evaluation.coverage.iloc[0]
    assert (row[col.SCHEDULED], row[col.REQUIRED]) == (20.0, 20)
    assert row[col.SERVICE_LEVEL] == pytest.approx(0.8883500191794669, rel=1e-9)


def test_an_agent_on_half_the_interval_counts_half_and_interpolates(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    """13 agents plus one for 15 of 30 minutes are 13.5: halfway between 13 and 14."""
    rows = phone_team(13, "2026-01-05 10:00", "2026-01-05 10:30")
    rows.append(("A014", "2026-01-05 10:15", "2026-01-05 11:00", "work", "phone"))
    row = published_evaluation(centre_with, make_forecast, rows).coverage.iloc[0]
    at = queue_metrics(LiveQueue(None), [13, 14], [100.0, 100.0], 180.0, 1800, 20)
    assert row[col.SCHEDULED] == 13.5
    assert row[col.SERVICE_LEVEL] == pytest.approx(at.service_level.mean())
    assert row[col.ASA_SECONDS] == pytest.approx(at.asa_s.mean())


def test_an_unstable_queue_has_infinite_asa_and_no_figure_in_the_kpis(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    """5.4 agents for 10 Erlangs: ASA infinite at 5 and 6, kpis say None."""
    rows = phone_team(5, "2026-01-05 10:00", "2026-01-05 10:30")
    rows.append(("A006", "2026-01-05 10:00", "2026-01-05 10:12", "work", "phone"))
    evaluation = published_evaluation(centre_with, make_forecast, rows)
    assert np.isinf(evaluation.coverage[col.ASA_SECONDS].iloc[0])
    assert evaluation.kpis["channels"]["phone"]["asa_seconds"] is None
    assert evaluation.kpis["channels"]["phone"]["meets_target"] is False


def test_closed_intervals_have_no_figures_and_count_as_overstaffing(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    """Phone opens at 08:00: an agent at 07:00-08:00 is pure overstaffing."""
    forecast = make_forecast("phone", "2026-01-05 07:00", [5.0] * 8, 300.0)
    requirements = compute_requirements(forecast, sample_centre)
    roster = roster_frame(phone_team(1, "2026-01-05 07:00", "2026-01-05 09:00"))
    agents = load_agents(None, sample_centre)
    evaluation = evaluate_roster(roster, requirements, sample_centre, agents)
    closed = evaluation.coverage.iloc[:4]
    assert closed[col.SERVICE_LEVEL].isna().all()
    assert closed[col.OCCUPANCY].isna().all()
    phone = evaluation.kpis["channels"]["phone"]
    assert phone["contacts"] == 20.0  # only the open hour's contacts count
    open_required = requirements[col.REQUIRED_FRACTIONAL].iloc[4:].sum()
    assert phone["overstaffed_agent_hours"] == pytest.approx(
        1.0 + max(1.0 - open_required / 4, 0.0), abs=0.01
    )


def test_scheduled_agents_match_a_segment_by_segment_count(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    """The vectorised count equals summing each segment's overlap one by one."""
    forecast = make_forecast("phone", "2026-01-05 00:00", [0.0] * 96, 300.0)
    requirements = compute_requirements(forecast, sample_centre)
    rng = np.random.default_rng(7)
    starts = rng.integers(0, 90 * 15, 60) * 60 + rng.integers(0, 60, 60)
    lengths = rng.integers(1, 240, 60) * 60
    base = pd.Timestamp("2026-01-05", tz="Europe/Helsinki")
    rows = [
        (
            f"A{n % 26 + 1:03d}",
            str((base + pd.Timedelta(seconds=int(s))).tz_localize(None)),
            str((base + pd.Timedelta(seconds=int(s + n_))).tz_localize(None)),
            "work",
            "phone",
        )
        for n, (s, n_) in enumerate(zip(starts, lengths, strict=True))
    ]
    roster = roster_frame(rows)
    got = scheduled_per_interval(roster, requirements, sample_centre)
    grid = requirements[col.INTERVAL_START]
    expected = [
        sum(
            max(
                (
                    min(end, t + pd.Timedelta(minutes=15)) - max(start, t)
                ).total_seconds(),
                0.0,
            )
            for start, end in zip(roster[col.START], roster[col.END], strict=True)
        )
        / 900
        for t in grid
    ]
    np.testing.assert_allclose(got[col.SCHEDULED], expected, atol=1e-12)
    assert list(got.columns) == [col.INTERVAL_START, col.CHANNEL, col.SCHEDULED]


def test_work_on_a_channel_ends_at_a_break_or_a_move_and_counts_at_the_next_start(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    forecast = pd.concat(
        [
            make_forecast(name, "2026-01-05 10:00", [10.0] * 4, 300.0)
            for name in ("phone", "chat")
        ]
    )
    requirements = compute_requirements(forecast, sample_centre)
    roster = roster_frame(
        [
            # A break at 10:30: an end then.
            ("A001", "2026-01-05 10:00", "2026-01-05 10:30", "work", "phone"),
            ("A001", "2026-01-05 10:30", "2026-01-05 10:45", "break", ""),
            ("A001", "2026-01-05 10:45", "2026-01-05 11:00", "work", "phone"),
            # Back-to-back phone segments are one stretch of work, ending 10:45.
            ("A002", "2026-01-05 10:00", "2026-01-05 10:15", "work", "phone"),
            ("A002", "2026-01-05 10:15", "2026-01-05 10:45", "work", "phone"),
            # A move to chat at 10:20 counts at 10:30; chat ends after the day.
            ("A003", "2026-01-05 10:00", "2026-01-05 10:20", "work", "phone"),
            ("A003", "2026-01-05 10:20", "2026-01-05 11:00", "work", "chat"),
            # Ends at or before the first interval's start are not counted.
            ("A004", "2026-01-05 09:30", "2026-01-05 10:00", "work", "chat"),
        ]
    )
    leaving = leaving_per_interval(roster, requirements, sample_centre)
    counted = requirements.assign(leaving=leaving).set_index(
        [col.CHANNEL, requirements[col.INTERVAL_START].dt.strftime("%H:%M")]
    )["leaving"]
    assert counted["phone"].to_dict() == {
        "10:00": 0.0,
        "10:15": 0.0,
        "10:30": 2.0,
        "10:45": 1.0,
    }
    assert counted["chat"].sum() == 0.0


def test_agents_going_on_break_take_their_calls_and_lighten_the_pool(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    """16 agents, 2 of them on break from 10:30: 10 Erlangs each half hour.

    10:00 is in steady state (16 agents, Erlang C). At 10:30 the two leaving
    take 10/16 calls each with them, 1.25 of the 10 in service; the shortfall
    decays with time constant 180 s/(1 − C(14, 10)) (waiting callers make it up
    only as agents free), and 10:30 and 11:00 see its means over their halves.
    """
    centre = centre_with(PUBLISHED)
    forecast = make_forecast("phone", "2026-01-05 10:00", [100.0] * 3, 180.0, 30)
    requirements = compute_requirements(forecast, centre)
    rows = phone_team(14, "2026-01-05 10:00", "2026-01-05 11:30")
    for agent in ("A015", "A016"):
        rows.append((agent, "2026-01-05 10:00", "2026-01-05 10:30", "work", "phone"))
        rows.append((agent, "2026-01-05 10:30", "2026-01-05 10:45", "break", ""))
    agents = load_agents(None, centre)
    coverage = evaluate_roster(
        roster_frame(rows), requirements, centre, agents
    ).coverage
    relax_s = 180.0 / (1 - erlang_c(14, 10.0)[0])
    x = 1800 / relax_s
    share = -math.expm1(-x) / x
    expected = [
        100.0,
        100 * (1 - 1.25 * share / 10),
        100 * (1 - 1.25 * math.exp(-x) * share / 10),
    ]
    at = queue_metrics(LiveQueue(None), [16, 14, 14], expected, 180.0, 1800, 20)
    np.testing.assert_allclose(coverage[col.SERVICE_LEVEL], at.service_level, rtol=1e-9)
    # Without the carry-over 10:30 would be the stationary 14-agent figure.
    stationary = queue_metrics(LiveQueue(None), 14, 100.0, 180.0, 1800, 20)
    assert coverage[col.SERVICE_LEVEL].iloc[1] > stationary.service_level[0] + 0.002


def test_calls_left_waiting_by_an_overload_hold_up_the_next_interval(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    """9 agents answer 0.05 calls a second (180 s each). 100 calls in the first
    half hour (10 Erlangs) fill them and leave 10 waiting at its end; 40 in the
    next leave 0.0278 a second spare, which clears the 10 after 360 s: a fifth
    of the interval's callers wait behind a mean backlog of 5 calls (100 s),
    answered within 20 s (as in the stationary queue) only behind the last
    call of it, a tenth of that time; the rest get the carried-over figure (the
    load decays from 10 Erlangs to 4 with time constant 180 s/(1 − C(9, 4)))."""
    centre = centre_with(PUBLISHED)
    forecast = make_forecast("phone", "2026-01-05 10:00", [100.0, 40.0], 180.0, 30)
    requirements = compute_requirements(forecast, centre)
    rows = phone_team(9, "2026-01-05 10:00", "2026-01-05 11:00")
    coverage = evaluate_roster(
        roster_frame(rows), requirements, centre, load_agents(None, centre)
    ).coverage
    x = 1800 / (180.0 / (1 - erlang_c(9, 4.0)[0]))
    carried = 40 * (4 + 6 * -math.expm1(-x) / x) / 4
    clear = queue_metrics(LiveQueue(None), 9, carried, 180.0, 1800, 20)
    assert coverage[col.SERVICE_LEVEL].iloc[0] == 0.0
    assert np.isinf(coverage[col.ASA_SECONDS].iloc[0])
    assert coverage[col.SERVICE_LEVEL].iloc[1] == pytest.approx(
        (0.8 + 0.2 * 0.1) * clear.service_level[0], rel=1e-9
    )
    assert coverage[col.ASA_SECONDS].iloc[1] == pytest.approx(
        0.2 * 100.0 + 0.8 * clear.asa_s[0], rel=1e-9
    )
    assert coverage[col.OCCUPANCY].iloc[1] == pytest.approx(
        0.2 + 0.8 * clear.occupancy[0], rel=1e-9
    )


def test_an_agent_moving_from_phone_to_chat_starts_late_by_the_call_in_hand(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    """A phone agent moving to chat at 10:30 first ends its call: busy with the
    phone's occupancy, for an AHT on average. Chat loses F·(1 − e^(-900/F))/900
    agents at 10:30 and F·e^(-900/F)·(1 − e^(-900/F))/900 at 10:45, F being
    occupancy × 300 s, times the shares at work on both channels."""
    forecast = pd.concat(
        [
            make_forecast("phone", "2026-01-05 10:00", [25.0] * 4, 300.0),
            make_forecast("chat", "2026-01-05 10:00", [12.0] * 4, 540.0),
        ]
    )
    requirements = compute_requirements(forecast, sample_centre)
    rows = phone_team(10, "2026-01-05 10:00", "2026-01-05 11:00")
    rows += [
        (f"C{n}", "2026-01-05 10:00", "2026-01-05 11:00", "work", "chat")
        for n in range(4)
    ]
    rows.append(("M001", "2026-01-05 10:00", "2026-01-05 10:30", "work", "phone"))
    rows.append(("M001", "2026-01-05 10:30", "2026-01-05 11:00", "work", "chat"))
    agents = pd.DataFrame(
        {
            "agent_id": sorted({r[0] for r in rows}),
            "contract": "full_time",
        }
    )
    coverage = evaluate_roster(
        roster_frame(rows), requirements, sample_centre, agents
    ).coverage
    phone = sample_centre.channels["phone"]
    chat = sample_centre.channels["chat"]
    occupancy = coverage.loc[
        (coverage[col.CHANNEL] == "phone")
        & (coverage[col.INTERVAL_START].dt.strftime("%H:%M") == "10:15"),
        col.OCCUPANCY,
    ].iloc[0]
    finish_s = occupancy * 300.0
    at_work = (1 - phone.shrinkage) * (1 - chat.shrinkage)
    first = at_work * finish_s * -math.expm1(-900 / finish_s) / 900
    second = first * math.exp(-900 / finish_s)
    net = 5 * (1 - chat.shrinkage) - np.array([first, second])
    low = np.floor(net)
    model = ConcurrentQueue(chat.concurrency, chat.concurrency_slowdown)
    floor = queue_metrics(model, low.astype(int), 12.0, 540.0, 900, 60)
    ceil = queue_metrics(model, low.astype(int) + 1, 12.0, 540.0, 900, 60)
    expected = floor.service_level + (net - low) * (
        ceil.service_level - floor.service_level
    )
    got = coverage.loc[coverage[col.CHANNEL] == "chat", col.SERVICE_LEVEL]
    np.testing.assert_allclose(got.iloc[2:], expected, rtol=1e-9)


def test_paid_hours_leave_out_the_unpaid_lunch_and_cost_weekends_more(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    """08:00-16:30 with a paid break and an unpaid lunch is 8 paid hours, 7.75
    productive; on Saturday it costs 1.5 times, after 18:00 1.15 times."""
    forecast = make_forecast("phone", "2026-01-05 00:00", [1.0] * 96 * 6, 300.0)
    requirements = compute_requirements(forecast, sample_centre)
    day = [
        ("08:00", "10:00", "work", "phone"),
        ("10:00", "10:15", "break", ""),
        ("10:15", "12:00", "work", "phone"),
        ("12:00", "12:30", "lunch", ""),
        ("12:30", "16:30", "work", "phone"),
    ]
    rows: list[Row] = [
        ("A001", f"{date} {start}", f"{date} {end}", activity, channel)
        for date in ("2026-01-05", "2026-01-10")  # a Monday and a Saturday
        for start, end, activity, channel in day
    ]
    rows.append(("A002", "2026-01-06 14:00", "2026-01-06 20:00", "work", "phone"))
    agents = load_agents(None, sample_centre)
    overall = evaluate_roster(
        roster_frame(rows), requirements, sample_centre, agents
    ).kpis["overall"]
    assert overall["paid_hours"] == 8.0 + 8.0 + 6.0
    assert overall["productive_hours"] == 7.75 + 7.75 + 6.0
    # full_time costs 27 an hour: Monday 8 h, Saturday 8 h x 1.5, Tuesday 4 h
    # before 18:00 and 2 h after it x 1.15.
    assert overall["cost"] == pytest.approx(
        8 * 27 + 8 * 27 * 1.5 + 4 * 27 + 2 * 27 * 1.15
    )
    assert overall["currency"] == "EUR"
    assert (overall["agents_rostered"], overall["shifts"]) == (2, 3)


def email_week(contacts_at_eight: float, aht_s: float) -> pd.DataFrame:
    """A week of email (15-min intervals) with all of it arriving Monday 08:00."""
    stamps = pd.date_range("2026-01-05", periods=672, freq="15min")
    contacts = np.zeros(672)
    contacts[32] = contacts_at_eight
    return pd.DataFrame(
        {
            col.CHANNEL: "email",
            col.INTERVAL_START: stamps,
            col.CONTACTS: contacts,
            col.AHT_SECONDS: aht_s,
        }
    )


def email_roster(hours: list[tuple[str, str]]) -> pd.DataFrame:
    """Agent A079 (chat and email) on email at the given Monday times."""
    return roster_frame(
        [
            ("A079", f"2026-01-05 {a}", f"2026-01-05 {b}", "work", "email")
            for a, b in hours
        ]
    )


def test_one_email_agent_for_an_hour_answers_an_hour_of_email(
    centre_with: CentreWith,
) -> None:
    """10 emails of 360 s at 08:00 and one agent 08:00-09:00: all answered in
    time, the middle one after 30 minutes."""
    centre = centre_with({"channels.email.shrinkage": 0.0})
    requirements = compute_requirements(email_week(10, 360.0), centre)
    agents = load_agents(None, centre)
    evaluation = evaluate_roster(
        email_roster([("08:00", "09:00")]), requirements, centre, agents
    )
    cohort = evaluation.coverage.iloc[32]
    assert cohort[col.SERVICE_LEVEL] == pytest.approx(1.0)
    assert cohort[col.ASA_SECONDS] == pytest.approx(1800.0)
    assert evaluation.coverage[col.OCCUPANCY].iloc[32:36].tolist() == [1.0] * 4
    email = evaluation.kpis["channels"]["email"]
    assert (email["service_level"], email["meets_target"]) == (1.0, True)
    assert email["carry_in_agent_hours"] == 0.0


def test_half_the_capacity_answers_half_and_no_steady_state_answers_none(
    centre_with: CentreWith,
) -> None:
    """One agent for 30 minutes a week against an hour of email: half answered
    with no backlog carried in, none once the backlog has grown week after week."""
    centre = centre_with({"channels.email.shrinkage": 0.0})
    requirements = compute_requirements(email_week(10, 360.0), centre)
    agents = load_agents(None, centre)
    roster = email_roster([("08:00", "08:30")])
    fresh = evaluate_roster(roster, requirements, centre, agents, email_carry_in_s=0)
    assert fresh.coverage[col.SERVICE_LEVEL].iloc[32] == pytest.approx(0.5)
    assert fresh.kpis["channels"]["email"]["carry_out_agent_hours"] == 0.5
    steady = evaluate_roster(roster, requirements, centre, agents)
    assert steady.coverage[col.SERVICE_LEVEL].iloc[32] == 0.0
    assert steady.kpis["channels"]["email"]["meets_target"] is False


def test_rostering_the_email_requirement_meets_what_backlog_planned(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    """Agents on email as requirements.csv asks answer every cohort at least as
    well as the backlog plan; far too few miss the target."""
    rng = np.random.default_rng(3)
    forecast = make_forecast(
        "email", "2026-01-05 00:00", list(rng.poisson(6, 672).astype(float)), 420.0
    )
    requirements = compute_requirements(forecast, sample_centre)
    agents = load_agents(None, sample_centre)
    email_agents = agents.loc[
        agents["skills"].map(lambda s: "email" in s), col.AGENT_ID
    ].tolist()
    rows: list[Row] = []
    for start, need in zip(
        requirements[col.INTERVAL_START], requirements[col.REQUIRED], strict=True
    ):
        end = start + pd.Timedelta(minutes=15)
        for agent in email_agents[:need]:
            rows.append(
                (
                    agent,
                    str(start.tz_localize(None)),
                    str(end.tz_localize(None)),
                    "work",
                    "email",
                )
            )
    roster = roster_frame(rows)
    evaluation = evaluate_roster(roster, requirements, sample_centre, agents)
    processing = open_seconds(
        requirements[col.INTERVAL_START], sample_centre.channels["email"], 900
    )
    plan = plan_backlog(
        (requirements[col.CONTACTS] * requirements[col.AHT_SECONDS]).to_numpy(),
        processing,
        interval_s=900,
        deadline_s=24 * 3600,
        target=0.9,
    )
    shares = evaluation.coverage[col.SERVICE_LEVEL].to_numpy()
    arrived = ~np.isnan(plan.answered_share)
    assert (shares[arrived] >= plan.answered_share[arrived] - 1e-9).all()
    assert (shares[arrived] >= 0.9 - 1e-9).all()
    assert evaluation.kpis["channels"]["email"]["meets_target"] is True
    few = roster.loc[roster[col.AGENT_ID] == email_agents[0]]
    short = evaluate_roster(few, requirements, sample_centre, agents)
    assert short.kpis["channels"]["email"]["service_level"] < 0.5
    assert short.kpis["channels"]["email"]["meets_target"] is False


def test_solver_figures_are_kept_and_the_files_round_trip(
    centre_with: CentreWith, make_forecast: MakeForecast, tmp_path: Path
) -> None:
    """kpis.json holds the solver's figures; requirements.csv reads back the same."""
    centre, requirements, agents = published(centre_with, make_forecast)
    roster = roster_frame(phone_team(14, "2026-01-05 10:00", "2026-01-05 10:30"))
    solver = {"status": "OPTIMAL", "objective": 12.5, "best_bound": 12.5, "gap": 0.0}
    evaluation = evaluate_roster(roster, requirements, centre, agents, solver=solver)
    write_evaluation(evaluation, tmp_path / "out")
    kpis = json.loads((tmp_path / "out" / "kpis.json").read_text())
    assert kpis["solver"] == solver
    assert kpis["channels"]["phone"]["service_level"] == 0.8884
    assert kpis["overall"]["service_level"] == 0.8884
    coverage = pd.read_csv(tmp_path / "out" / "coverage.csv")
    assert tuple(coverage.columns) == col.COVERAGE_COLUMNS
    write_csv(requirements, tmp_path / "requirements.csv")
    again = load_requirements(tmp_path / "requirements.csv", centre)
    pd.testing.assert_frame_equal(again, requirements, check_dtype=False, rtol=1e-5)


def test_each_channel_costs_its_work_and_its_share_of_the_paid_break(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    """A full-timer (27 an hour) works 4 h on phone and 2 h on chat around a paid
    15-minute break: phone costs 4 h + 2/3 of the break, chat 2 h + 1/3."""
    forecast = pd.concat(
        [
            make_forecast("phone", "2026-01-05 00:00", [2.0] * 96, 300.0),
            make_forecast("chat", "2026-01-05 00:00", [1.0] * 96, 300.0),
        ]
    )
    requirements = compute_requirements(forecast, sample_centre)
    agents = load_agents(None, sample_centre)
    agent = agents.loc[agents["skills"] == ("phone", "chat")].iloc[0]
    assert agent["contract"] == "full_time"
    rows: list[Row] = [
        (agent["agent_id"], "2026-01-05 08:00", "2026-01-05 12:00", "work", "phone"),
        (agent["agent_id"], "2026-01-05 12:00", "2026-01-05 12:15", "break", ""),
        (agent["agent_id"], "2026-01-05 12:15", "2026-01-05 14:15", "work", "chat"),
    ]
    kpis = evaluate_roster(roster_frame(rows), requirements, sample_centre, agents).kpis
    phone, chat = kpis["channels"]["phone"], kpis["channels"]["chat"]
    assert phone["cost"] == pytest.approx(27 * (4 + 0.25 * 2 / 3), abs=0.01)
    assert chat["cost"] == pytest.approx(27 * (2 + 0.25 / 3), abs=0.01)
    assert phone["cost"] + chat["cost"] == pytest.approx(kpis["overall"]["cost"])
    assert phone["cost_per_contact"] == pytest.approx(
        phone["cost"] / phone["contacts"], rel=1e-3
    )
    assert set(kpis["channels"]) == {"phone", "chat"}
