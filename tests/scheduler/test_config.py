"""centre.toml: the sample is valid and complete; broken files fail clearly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scheduler.config import Centre, DayHours, edited_centre, load_centre
from scheduler.exceptions import InvalidInputError

DELETE = "<delete>"  # removes the key (see conftest.edited_centre)
CentreWith = Callable[[dict[str, Any]], Centre]


def test_sample_centre_has_the_four_channels_with_their_targets() -> None:
    centre = load_centre()
    assert centre.centre.time_zone == "Europe/Helsinki"
    assert centre.interval_minutes == 15
    assert centre.centre.week_start == "monday"
    kinds = {name: ch.kind for name, ch in centre.channels.items()}
    assert kinds == {
        "phone": "live",
        "chat": "concurrent",
        "email": "deferrable",
        "face_to_face": "walk_in",
    }
    phone = centre.channels["phone"]
    assert (phone.service_level, phone.answer_within_seconds) == (0.8, 20)
    assert phone.patience_seconds is not None
    assert str(phone.hours(0)) == "08:00-20:00"
    assert str(phone.hours(5)) == "10:00-16:00"
    assert not phone.hours(6).is_open
    chat = centre.channels["chat"]
    assert (chat.answer_within_seconds, chat.concurrency) == (60, 3)
    assert not chat.hours(5).is_open
    email = centre.channels["email"]
    assert (email.service_level, email.answer_within_business_hours) == (0.9, 24)
    assert str(email.hours(4)) == "08:00-18:00"
    f2f = centre.channels["face_to_face"]
    assert (f2f.site, f2f.min_staff, f2f.answer_within_seconds) == (
        "helsinki_branch",
        2,
        600,
    )
    assert str(f2f.hours(2)) == "10:00-18:00"


def test_sample_contracts_follow_eu_working_time() -> None:
    centre = load_centre()
    assert centre.contracts["full_time"].weekly_hours_max == 37.5
    assert all(c.min_rest_hours >= 11 for c in centre.contracts.values())
    assert all(c.weekly_hours_max <= 48 for c in centre.contracts.values())
    part_time = [c for name, c in centre.contracts.items() if name != "full_time"]
    assert min(c.weekly_hours_min for c in part_time) == 20
    assert max(c.weekly_hours_max for c in part_time) == 30
    assert centre.labour.min_daily_rest_hours == 11
    assert centre.labour.max_weekly_hours == 48
    assert any(
        rule.activity == "lunch" and not rule.paid for rule in centre.shifts.breaks
    )


def test_unknown_channel_kind_names_key_value_and_choices(
    centre_with: CentreWith,
) -> None:
    edit = {"channels.phone.kind": "telepathy"}
    with pytest.raises(InvalidInputError) as caught:
        centre_with(edit)
    message = str(caught.value)
    assert "channels.phone.kind" in message
    assert "'telepathy'" in message
    for kind in ("live", "concurrent", "deferrable", "walk_in"):
        assert kind in message


def test_closing_before_opening_names_the_day_and_hours(
    centre_with: CentreWith,
) -> None:
    edit = {"channels.chat.opening_hours.tuesday": "18:00-08:00"}
    with pytest.raises(
        InvalidInputError, match=r"channels\.chat\.opening_hours"
    ) as caught:
        centre_with(edit)
    assert "tuesday: '18:00-08:00' closes before it opens" in str(caught.value)


def test_service_level_above_one_suggests_the_fraction(centre_with: CentreWith) -> None:
    edit = {"channels.phone.service_level": 1.5}
    with pytest.raises(InvalidInputError) as caught:
        centre_with(edit)
    message = str(caught.value)
    assert "channels.phone.service_level = 1.5" in message
    assert "not a fraction between 0 and 1" in message
    with pytest.raises(InvalidInputError, match=r"did you mean 0\.8\?"):
        centre_with({"channels.phone.service_level": 80})


def test_missing_contracts_table_is_one_clear_error(centre_with: CentreWith) -> None:
    with pytest.raises(InvalidInputError) as caught:
        centre_with({"contracts": DELETE})
    assert str(caught.value) == (
        "centre.toml: missing key contracts; add it (see the sample centre)"
    )
    with pytest.raises(InvalidInputError, match="at least one contract is required"):
        centre_with({"contracts": {}})


def test_unknown_key_is_reported_with_its_path(centre_with: CentreWith) -> None:
    edit = {"channels.phone.servise_level": 0.8}
    with pytest.raises(
        InvalidInputError, match=r"unknown key channels\.phone\.servise_level"
    ):
        centre_with(edit)


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        # 20-minute plans are not supported.
        ({"centre.interval_minutes": 20}, "plan interval 20 min is not supported"),
        # Not an IANA zone.
        ({"centre.time_zone": "Helsinki"}, "'Helsinki' is not an IANA time zone"),
        # A live channel must say how fast to answer.
        (
            {"channels.phone.answer_within_seconds": DELETE},
            "needs answer_within_seconds",
        ),
        # Email needs its deadline.
        (
            {"channels.email.answer_within_business_hours": DELETE},
            "needs answer_within_business_hours",
        ),
        # Concurrency is for chat only.
        ({"channels.phone.concurrency": 2}, "concurrency applies only"),
        # Walk-in desks belong to a known site.
        (
            {"channels.face_to_face.site": "tampere"},
            "'tampere' is not one of the sites",
        ),
        # Contract ranges.
        (
            {"contracts.full_time.weekly_hours_min": 40},
            "weekly_hours_max 37.5 is below",
        ),
        # Times must be times.
        ({"channels.phone.opening_hours.monday": "8-20"}, "is not a time of day"),
    ],
)
def test_each_broken_value_gives_a_message_naming_it(
    centre_with: CentreWith, edit: dict[str, Any], fragment: str
) -> None:
    with pytest.raises(InvalidInputError, match=r"centre\.toml") as caught:
        centre_with(edit)
    assert fragment in str(caught.value)


def test_load_centre_reports_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="no such file"):
        load_centre(tmp_path / "nope.toml")
    bad = tmp_path / "centre.toml"
    bad.write_text("[centre\nname = 1", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=f"{bad}: not valid TOML"):
        load_centre(bad)


def test_day_hours_parse_closed_and_midnight() -> None:
    assert not DayHours.parse("closed").is_open
    late = DayHours.parse("16:00-24:00")
    assert (late.open_minute, late.close_minute) == (960, 1440)
    assert str(late) == "16:00-24:00"


def test_an_edited_centre_merges_the_patch_and_keeps_everything_else() -> None:
    centre = load_centre()
    patch = {
        "channels": {
            "phone": {"service_level": 0.85, "opening_hours": {"sunday": "10:00-14:00"}}
        },
        "contracts": {"full_time": {"hourly_cost": 28.5}},
    }
    edited = edited_centre(centre, patch)
    phone = edited.channels["phone"]
    assert phone.service_level == 0.85
    assert str(phone.hours(6)) == "10:00-14:00"
    assert str(phone.hours(0)) == "08:00-20:00"
    assert edited.contracts["full_time"].hourly_cost == 28.5
    assert edited.contracts["full_time"].weekly_hours_min == 37.5
    assert edited.channels["chat"] == centre.channels["chat"]
    assert centre.channels["phone"].service_level == 0.8  # the input is untouched


def test_an_edited_centre_is_validated_with_the_key_and_a_hint() -> None:
    with pytest.raises(InvalidInputError) as caught:
        edited_centre(
            load_centre(), {"channels": {"phone": {"service_level": 85}}}, "targets"
        )
    assert str(caught.value) == (
        "targets: channels.phone.service_level = 85: service level 85.0 is not a "
        "fraction between 0 and 1 (did you mean 0.85?)"
    )
