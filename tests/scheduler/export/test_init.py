"""Atomic writers and the CSV writer: ISO 8601 timestamps, a failed write loses
nothing."""

from __future__ import annotations

import zipfile
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


def test_a_zip_holds_every_file_and_a_failed_one_keeps_the_old_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "calendars.zip"
    export.write_zip_atomic({"a.ics": b"BEGIN:VCALENDAR\r\n", "b.txt": "Mäkelä"}, path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["a.ics", "b.txt"]
        assert archive.read("b.txt").decode("utf-8") == "Mäkelä"
    before = path.read_bytes()

    def crash(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        export.write_zip_atomic({"c.ics": b"new"}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["calendars.zip"]


def test_an_error_inside_an_atomic_block_leaves_the_target_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"the good workbook")

    def write_half() -> None:
        with export.atomic_path(path) as temporary:
            temporary.write_bytes(b"half a work")
            raise RuntimeError("half way")

    with pytest.raises(RuntimeError, match="half way"):
        write_half()
    assert path.read_bytes() == b"the good workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_files_are_written_into_a_new_folder_as_text_or_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "calendars"
    export.write_files_atomic({"a.ics": b"\x00\x01", "b.csv": "x,y\n"}, folder)
    assert (folder / "a.ics").read_bytes() == b"\x00\x01"
    assert (folder / "b.csv").read_text(encoding="utf-8") == "x,y\n"
    export.write_bytes_atomic(b"replaced", folder / "a.ics")
    assert (folder / "a.ics").read_bytes() == b"replaced"


def test_an_atomic_write_gets_the_mode_a_plain_write_would(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    export.write_text_atomic("x", tmp_path / "atomic.txt")
    mode = (tmp_path / "atomic.txt").stat().st_mode & 0o777
    assert mode == plain.stat().st_mode & 0o777
