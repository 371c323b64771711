from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from forecasts.schema import ForecastError
from forecasts.special_days import SpecialDay, load_special_days, public_holidays


def test_public_holidays_for_israel_include_pesach_and_yom_kippur_1999() -> None:
    days = public_holidays("IL", dt.date(1999, 1, 1), dt.date(1999, 12, 31))
    dates = {day.date for day in days}
    assert dt.date(1999, 4, 1) in dates
    assert dt.date(1999, 9, 20) in dates
    assert all(day.kind == "holiday" and day.channel is None for day in days)


def test_public_holidays_rejects_an_unknown_country() -> None:
    with pytest.raises(ForecastError, match="'XX' is not supported"):
        public_holidays("XX", dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_load_special_days_reads_closures_and_channel_multipliers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "special_days.csv"
    path.write_text(
        "date,kind,multiplier,channel\n"
        "2026-03-02,multiplier,1.5,chat\n"
        "2026-02-27,closed,,\n"
    )
    days = load_special_days(path, channels=["phone", "chat"])
    assert days == (
        SpecialDay(dt.date(2026, 2, 27), "closed", 0.0, None, "closed"),
        SpecialDay(dt.date(2026, 3, 2), "multiplier", 1.5, "chat", "multiplier"),
    )
    assert days[1].applies_to("chat")
    assert not days[1].applies_to("phone")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-13-01,closed,,", r"line 2, column 'date'.*not a date"),
        ("2026-03-02,busy,,", r"line 2, column 'kind'.*'busy'"),
        ("2026-03-02,multiplier,,", r"line 2, column 'multiplier'.*not a number"),
        ("2026-03-02,multiplier,-1,", r"line 2, column 'multiplier'.*>= 0"),
        ("2026-03-02,closed,,fax", r"line 2, column 'channel'.*'fax'"),
    ],
)
def test_load_special_days_names_the_bad_line_and_column(
    tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "special_days.csv"
    path.write_text("date,kind,multiplier,channel\n" + row + "\n")
    with pytest.raises(ForecastError, match=message):
        load_special_days(path, channels=["phone"])
