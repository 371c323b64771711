from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forecasts.schema import (
    AHT_S,
    CONTACTS,
    INTERVAL_START,
    HistoryError,
    aggregate_history,
    load_history,
    to_long,
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(text)
    return path


GOOD = """channel,interval_start,contacts,aht_seconds
phone,2026-01-05T08:00,10,300
phone,2026-01-05T08:15,12,
phone,2026-01-05T08:30,8,280
phone,2026-01-05T08:45,4,320
"""


def test_load_history_reads_a_valid_file_with_blank_aht(tmp_path: Path) -> None:
    history = load_history(_write(tmp_path, GOOD))
    assert list(history[CONTACTS]) == [10, 12, 8, 4]
    assert history[AHT_S].isna().tolist() == [False, True, False, False]
    assert history[INTERVAL_START].iloc[1] == pd.Timestamp("2026-01-05 08:15")


def test_load_history_fills_blank_aht_with_the_channel_default(tmp_path: Path) -> None:
    history = load_history(_write(tmp_path, GOOD), default_aht_s={"phone": 250.0})
    assert history[AHT_S].iloc[1] == 250.0


def test_load_history_rejects_negative_contacts_naming_the_row(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD.replace(",8,280", ",-3,280"))
    with pytest.raises(HistoryError, match=r"history.csv, line 4, column 'contacts'"):
        load_history(path)
    with pytest.raises(HistoryError, match="-3"):
        load_history(path)


def test_load_history_rejects_duplicate_rows_naming_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD + "phone,2026-01-05T08:30,9,300\n")
    with pytest.raises(
        HistoryError, match=r"line 6.*duplicate.*first seen at line/row 4"
    ):
        load_history(path)


def test_load_history_rejects_an_unknown_channel(tmp_path: Path) -> None:
    path = _write(
        tmp_path, GOOD.replace("phone,2026-01-05T08:45", "fax,2026-01-05T08:45")
    )
    with pytest.raises(
        HistoryError, match=r"line 5, column 'channel'.*'fax'.*\['phone'\]"
    ):
        load_history(path, channels=["phone"])


def test_load_history_rejects_misaligned_timestamps(tmp_path: Path) -> None:
    later = GOOD.replace("T08", "T09").split("\n", 1)[1]
    path = _write(tmp_path, GOOD.replace("08:30,8", "08:37,8") + later)
    with pytest.raises(HistoryError, match=r"line 4.*08:37.*not aligned.*15-minute"):
        load_history(path)


def test_load_history_rejects_a_gap_naming_the_missing_span(tmp_path: Path) -> None:
    lines = GOOD.splitlines()
    path = _write(tmp_path, "\n".join(lines[:3] + lines[4:]) + "\n")
    with pytest.raises(HistoryError, match=r"gap of 1 interval.*08:15.*08:45"):
        load_history(path)


def test_load_history_rejects_non_numeric_and_nonpositive_aht(tmp_path: Path) -> None:
    with pytest.raises(
        HistoryError, match=r"line 2, column 'contacts'.*'ten'.*not a number"
    ):
        load_history(_write(tmp_path, GOOD.replace(",10,300", ",ten,300")))
    with pytest.raises(
        HistoryError, match=r"line 2, column 'aht_seconds'.*not positive"
    ):
        load_history(_write(tmp_path, GOOD.replace(",10,300", ",10,0")))


def test_load_history_rejects_a_missing_file_and_missing_columns(
    tmp_path: Path,
) -> None:
    with pytest.raises(HistoryError, match="file not found"):
        load_history(tmp_path / "nope.csv")
    with pytest.raises(HistoryError, match="missing column"):
        load_history(pd.DataFrame({"channel": ["phone"], "contacts": [1]}))


def test_load_history_names_the_row_of_a_frame() -> None:
    frame = pd.DataFrame(
        {
            "channel": ["phone", "phone"],
            "interval_start": ["2026-01-05T08:00", "not a time"],
            "contacts": [1, 2],
        }
    )
    with pytest.raises(
        HistoryError, match=r"<DataFrame>, row 2, column 'interval_start'"
    ):
        load_history(frame)


def test_load_history_keeps_a_file_offset_and_to_long_drops_it(tmp_path: Path) -> None:
    text = GOOD.replace("08:00,", "08:00+02:00,").replace("08:15,", "08:15+02:00,")
    text = text.replace("08:30,", "08:30+02:00,").replace("08:45,", "08:45+02:00,")
    history = load_history(_write(tmp_path, text))
    assert str(history[INTERVAL_START].dt.tz) == "UTC+02:00"
    assert to_long(history)["ds"].iloc[0] == pd.Timestamp("2026-01-05 08:00")


def test_aggregation_to_30_minutes_preserves_totals_and_weights_aht(
    tmp_path: Path,
) -> None:
    history = load_history(_write(tmp_path, GOOD), interval_minutes=30)
    assert list(history[CONTACTS]) == [22, 12]
    assert history[AHT_S].iloc[0] == pytest.approx(300.0)
    assert history[AHT_S].iloc[1] == pytest.approx((8 * 280 + 4 * 320) / 12)


def test_aggregation_of_6_minute_data_to_30_minutes_is_exact() -> None:
    stamps = pd.date_range("2026-01-05", periods=240, freq="6min")
    frame = pd.DataFrame(
        {"channel": "phone", "interval_start": stamps, "contacts": range(240)}
    )
    history = load_history(frame, interval_minutes=30)
    assert len(history) == 48
    assert history[CONTACTS].sum() == sum(range(240))
    assert history[CONTACTS].iloc[0] == 0 + 1 + 2 + 3 + 4


def test_aggregation_refuses_an_interval_that_is_not_a_multiple(tmp_path: Path) -> None:
    history = load_history(_write(tmp_path, GOOD))
    with pytest.raises(
        HistoryError, match=r"cannot aggregate 15-minute data to 20-minute"
    ):
        aggregate_history(history, 15, 20)
    with pytest.raises(HistoryError, match="cannot aggregate 15-minute data to 10"):
        load_history(_write(tmp_path, GOOD), interval_minutes=10)
