"""Forecast + centre -> requirements: every channel kind, hours, floors, shrinkage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scheduler.config import Centre
from scheduler.exceptions import InvalidInputError
from scheduler.requirements import compute_requirements
from scheduler.units import gross_up

DELETE = "<delete>"
CentreWith = Callable[[dict[str, Any]], Centre]
MakeForecast = Callable[..., pd.DataFrame]
MONDAY = "2026-01-05"


def test_published_erlang_c_case_gives_fourteen_agents_and_twenty_scheduled(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    """100 calls per 30 min, AHT 180 s, 80/20, occupancy <= 85 %, 30 % shrinkage."""
    centre = centre_with(
        {
            "centre.interval_minutes": 30,
            "channels.phone.patience_seconds": DELETE,
            "channels.phone.shrinkage": 0.3,
            "channels.phone.max_occupancy": 0.85,
        }
    )
    forecast = make_forecast("phone", f"{MONDAY} 10:00", [100.0], 180.0, 30)
    row = compute_requirements(forecast, centre).iloc[0]
    assert row["model"] == "erlang_c"
    assert row["net_required"] == 14
    assert row["required"] == 20
    assert row["service_level"] == pytest.approx(0.8883500191794669, rel=1e-12)
    assert row["prob_wait"] == pytest.approx(0.1741319335950498, rel=1e-12)
    assert row["occupancy"] == pytest.approx(0.7142857142857143)
    assert row["workload_erlangs"] == pytest.approx(10.0)
    # The fractional requirement sits between 13 and 14 agents, grossed up.
    assert 13 / 0.7 < row["required_fractional"] <= 14 / 0.7


def test_erlang_a_case_reproduces_pyworkforce_figures_at_the_requirement(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    """Patience 5 min: 13 agents, abandonment 0.024963 (pyworkforce README)."""
    centre = centre_with(
        {
            "centre.interval_minutes": 30,
            "channels.phone.patience_seconds": 300,
            "channels.phone.shrinkage": 0.3,
            "channels.phone.max_occupancy": 0.85,
            "channels.phone.max_abandon": 0.05,
        }
    )
    forecast = make_forecast("phone", f"{MONDAY} 10:00", [100.0], 180.0, 30)
    row = compute_requirements(forecast, centre).iloc[0]
    assert row["model"] == "erlang_a"
    assert (row["net_required"], row["required"]) == (13, 19)
    assert row["prob_abandon"] == pytest.approx(0.02496330363, rel=1e-8)
    assert row["asa_seconds"] / 60 == pytest.approx(0.1248165182, rel=1e-8)


def test_closed_intervals_need_no_one_even_when_contacts_arrive(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    # Sunday: phone is closed all day; Monday 07:45 is before opening at 08:00.
    sunday = make_forecast("phone", "2026-01-04 12:00", [40.0, 40.0], 300.0)
    monday = make_forecast("phone", f"{MONDAY} 07:45", [30.0, 30.0], 300.0)
    result = compute_requirements(pd.concat([sunday, monday]), sample_centre)
    assert result["open"].tolist() == [False, False, False, True]
    assert result["required"].tolist()[:3] == [0, 0, 0]
    assert result["required"].iloc[3] > 0
    assert result["service_level"].iloc[:3].isna().all()
    assert result["contacts"].iloc[0] == 40.0  # the forecast is kept, not erased


def test_face_to_face_floor_holds_while_the_branch_is_open(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    """No walk-ins at all still needs min_staff = 2 at the desk from 10:00 to 18:00."""
    forecast = make_forecast("face_to_face", f"{MONDAY} 09:45", [0.0] * 34, 900.0)
    result = compute_requirements(forecast, sample_centre)
    hour = result["interval_start"].dt.hour
    open_rows = (hour >= 10) & (hour < 18)
    assert result.loc[open_rows, "net_required"].eq(2).all()
    assert result.loc[~open_rows, "net_required"].eq(0).all()
    # 2 agents at 8 % shrinkage: ceil(2 / 0.92) = 3 to schedule.
    assert result.loc[open_rows, "required"].eq(3).all()
    assert result.loc[open_rows, "required_fractional"].to_numpy() == pytest.approx(
        2 / 0.92
    )


def test_face_to_face_busy_interval_needs_more_than_the_floor(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    forecast = make_forecast("face_to_face", f"{MONDAY} 12:00", [8.0], 900.0)
    row = compute_requirements(forecast, sample_centre).iloc[0]
    assert row["net_required"] > 2
    assert row["service_level"] >= 0.8


def test_chat_with_concurrency_one_needs_what_erlang_c_needs_for_the_same_target(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    chat_only_one = centre_with({"channels.chat.concurrency": 1})
    as_phone = centre_with(
        {
            "channels.phone.patience_seconds": DELETE,
            "channels.phone.answer_within_seconds": 60,
            "channels.phone.max_occupancy": 0.85,
            "channels.phone.shrinkage": 0.12,
        }
    )
    volumes = [5.0, 20.0, 45.0, 80.0]
    chat = compute_requirements(
        make_forecast("chat", f"{MONDAY} 10:00", volumes, 540.0), chat_only_one
    )
    phone = compute_requirements(
        make_forecast("phone", f"{MONDAY} 10:00", volumes, 540.0), as_phone
    )
    np.testing.assert_array_equal(chat["net_required"], phone["net_required"])
    np.testing.assert_allclose(chat["service_level"], phone["service_level"])


def test_chat_concurrency_needs_fewer_agents_than_one_chat_at_a_time(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    forecast = make_forecast("chat", f"{MONDAY} 10:00", [40.0], 540.0)
    single = compute_requirements(
        forecast, centre_with({"channels.chat.concurrency": 1})
    )
    triple = compute_requirements(forecast, centre_with({}))
    assert triple["net_required"].iloc[0] < single["net_required"].iloc[0]


def email_week(make_forecast: MakeForecast) -> pd.DataFrame:
    """A week of email arriving round the clock, busier in office hours."""
    stamps = pd.date_range(MONDAY, periods=672, freq="15min")
    hour = stamps.hour.to_numpy()
    contacts = np.where((hour >= 7) & (hour < 22), 7.0, 1.0)
    return make_forecast("email", MONDAY, contacts.tolist(), 420.0)


def test_email_staff_only_in_processing_hours_at_one_level(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    result = compute_requirements(email_week(make_forecast), sample_centre)
    stamps = result["interval_start"]
    processing = (stamps.dt.weekday < 5) & (stamps.dt.hour >= 8) & (stamps.dt.hour < 18)
    assert result["open"].equals(processing.rename("open"))
    assert result.loc[~processing, "required"].eq(0).all()
    levels = result.loc[processing, "required_fractional"].unique()
    assert len(levels) == 1
    # Steady state: the week's capacity covers the week's work (at least).
    work_s = (result["contacts"] * result["aht_seconds"]).sum()
    capacity_s = levels[0] * (1 - 0.10) * processing.sum() * 900
    assert capacity_s >= work_s * (1 - 1e-9)
    assert result["model"].eq("backlog_fifo").all()


def test_email_answers_ninety_percent_of_every_cohort_by_its_deadline(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    result = compute_requirements(email_week(make_forecast), sample_centre)
    shares = result["service_level"]
    assert shares.notna().all()  # every interval has arrivals
    assert (shares >= 0.9 - 1e-9).all()
    # Emails arriving on Friday evening are answered on Monday or later, but still
    # within 24 business hours: they wait longer in wall-clock time.
    friday_evening = result["interval_start"] == pd.Timestamp(
        "2026-01-09 19:00", tz="Europe/Helsinki"
    )
    assert result.loc[friday_evening, "asa_seconds"].iloc[0] > 48 * 3600


def test_email_forecast_with_a_missing_interval_is_refused(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    week = email_week(make_forecast).drop(index=[100]).reset_index(drop=True)
    with pytest.raises(InvalidInputError, match="needs every 15-minute interval"):
        compute_requirements(week, sample_centre)


def test_shrinkage_grosses_up_every_row_exactly(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    phone = make_forecast("phone", f"{MONDAY} 08:00", [30.0, 60.0, 90.0, 120.0], 300.0)
    result = compute_requirements(phone, sample_centre)
    np.testing.assert_array_equal(
        result["required"], gross_up(result["net_required"], 0.12)
    )
    assert (result["required_fractional"] <= result["required"]).all()
    assert result["required_fractional"].sum() < result["required"].sum()


def test_raising_the_phone_target_raises_requirements(
    centre_with: CentreWith, make_forecast: MakeForecast
) -> None:
    phone = make_forecast("phone", f"{MONDAY} 08:00", [30.0, 60.0, 90.0, 120.0], 300.0)
    base = compute_requirements(phone, centre_with({}))
    strict = compute_requirements(
        phone, centre_with({"channels.phone.service_level": 0.95})
    )
    assert (strict["net_required"] >= base["net_required"]).all()
    assert strict["net_required"].sum() > base["net_required"].sum()


def test_blank_handle_time_takes_the_channel_default(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    phone = make_forecast("phone", f"{MONDAY} 10:00", [50.0], None)
    row = compute_requirements(phone, sample_centre).iloc[0]
    assert row["aht_seconds"] == 300.0


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        # A channel the centre does not have.
        ({"channel": "fax"}, "channel(s) 'fax' are not configured"),
        # Off the 15-minute grid.
        ({"interval_start": pd.Timestamp(f"{MONDAY} 10:07")}, "not on the 15-minute"),
        # Negative volume.
        ({"contacts": -3.0}, "must be a number >= 0"),
        # Zero handle time.
        ({"aht_seconds": 0.0}, "aht_seconds = 0.0 must be > 0"),
        # Not a timestamp at all.
        ({"interval_start": "next tuesday"}, "is not an ISO 8601 timestamp"),
    ],
)
def test_bad_forecast_rows_are_named_with_the_fix(
    sample_centre: Centre,
    make_forecast: MakeForecast,
    change: dict[str, Any],
    fragment: str,
) -> None:
    forecast = make_forecast("phone", f"{MONDAY} 10:00", [10.0, 12.0], 300.0)
    forecast = forecast.astype({"interval_start": object})
    for column, value in change.items():
        forecast.loc[1, column] = value
    with pytest.raises(InvalidInputError, match="row 2") as caught:
        compute_requirements(forecast, sample_centre, source="forecast.csv")
    assert fragment in str(caught.value)
    assert str(caught.value).startswith("forecast.csv: ")


def test_duplicate_rows_are_refused(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    forecast = make_forecast("phone", f"{MONDAY} 10:00", [10.0], 300.0)
    with pytest.raises(InvalidInputError, match="a second row for channel 'phone'"):
        compute_requirements(pd.concat([forecast, forecast]), sample_centre)


def test_utc_timestamps_are_read_in_the_centre_time_zone(
    sample_centre: Centre, make_forecast: MakeForecast
) -> None:
    """08:00 UTC in January is 10:00 in Helsinki, when the branch opens."""
    utc = make_forecast("face_to_face", f"{MONDAY} 07:45", [0.0, 0.0], 900.0)
    utc["interval_start"] = utc["interval_start"].dt.tz_localize("UTC")
    result = compute_requirements(utc, sample_centre)
    assert result["open"].tolist() == [False, True]
    assert result["interval_start"].iloc[1] == pd.Timestamp(
        f"{MONDAY} 10:00", tz="Europe/Helsinki"
    )


def test_local_times_skipped_by_the_spring_clock_change_are_dropped(
    sample_centre: Centre, make_forecast: MakeForecast, caplog: pytest.LogCaptureFixture
) -> None:
    """Helsinki jumps from 03:00 to 04:00 on 29 March 2026: no one calls at 03:30."""
    naive = make_forecast("phone", "2026-03-29 02:45", [2.0] * 6, 300.0)
    result = compute_requirements(naive, sample_centre)
    assert result["interval_start"].tolist() == [
        pd.Timestamp("2026-03-29 02:45", tz="Europe/Helsinki"),
        pd.Timestamp("2026-03-29 04:00", tz="Europe/Helsinki"),
    ]
    assert "dropped 4 rows at local times that the clocks skip" in caplog.text
