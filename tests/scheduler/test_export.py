"""CSV export: ISO 8601 timestamps, and a failed write loses nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scheduler import export
from scheduler.export import write_csv


def test_zoned_timestamps_are_written_with_their_offset(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "interval_start": pd.date_range(
                "2026-03-29 02:45", periods=2, freq="15min", tz="Europe/Helsinki"
            ),
            "contacts": [1.5, 2.0],
        }
    )
    path = tmp_path / "out" / "coverage.csv"
    write_csv(frame, path)
    assert path.read_text(encoding="utf-8").splitlines() == [
        "interval_start,contacts",
        "2026-03-29T02:45:00+02:00,1.5",
        # 03:00 does not exist that night: the next quarter is summer time.
        "2026-03-29T04:00:00+03:00,2",
    ]


def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("the good roster\n", encoding="utf-8")

    def crash(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        write_csv(pd.DataFrame({"a": [1]}), path)
    assert path.read_text(encoding="utf-8") == "the good roster\n"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.csv"]
