"""Writing plans out, always atomically.

A write goes to a temporary file beside the target and is renamed over it only when
complete, so a failed run never leaves a half-written file in place of a good one.

This module holds the atomic writers and the CSV writer of DESIGN section 3, which
the plan folder, the evaluation and the CLI use. The exports people and other
systems read live in submodules, each importing :mod:`scheduler.plan` itself (this
module must not import them: :mod:`scheduler.plan` imports this one):

* :mod:`scheduler.export.safe`: text that cannot run as a spreadsheet formula;
* :mod:`scheduler.export.csv_files`: the plan's CSV files, formula-safe;
* :mod:`scheduler.export.workbook`: an Excel workbook for people;
* :mod:`scheduler.export.calendar`: an iCalendar file per agent;
* :mod:`scheduler.export.plan_json`: the whole plan as one JSON document;
* :mod:`scheduler.export.formats`: :func:`~scheduler.export.formats.export_plan`,
  one entry point for all of them.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pandas as pd


def iso_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text (with the UTC offset when zoned)."""
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[name]):
            out[name] = out[name].map(lambda t: t.isoformat() if pd.notna(t) else "")
    return out


_DEFAULT_MODE = 0o666


def _read_umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Read once at import: setting the umask to read it is not safe across threads.
_UMASK = _read_umask()


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that replaces it when the block succeeds.

    Write the whole file to the yielded path; when the ``with`` block ends without
    an exception the file is renamed over ``path`` (atomically, on one file
    system). When it raises, the temporary file is removed and ``path`` is left as
    it was.

    Parameters
    ----------
    path : str or Path
        The target file; its folder is created if needed.

    Yields
    ------
    Path
        The temporary file to write (it exists, empty).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    os.close(handle)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open()
        # would, so shared exports stay readable by whom the umask allows.
        os.chmod(temporary, _DEFAULT_MODE & ~_UMASK)
        yield Path(temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomic(text: str, path: str | Path) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    with (
        atomic_path(path) as temporary,
        temporary.open("w", encoding="utf-8", newline="") as stream,
    ):
        stream.write(text)


def write_bytes_atomic(data: bytes, path: str | Path) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    with atomic_path(path) as temporary:
        temporary.write_bytes(data)


def write_zip_atomic(files: Mapping[str, str | bytes], path: str | Path) -> None:
    """Write a zip archive of ``files`` (name to text or bytes), atomically.

    Text is stored as UTF-8.

    Parameters
    ----------
    files : Mapping of str to str or bytes
        Member name (may contain ``/``) to its content.
    path : str or Path
        The archive to write.
    """
    with (
        atomic_path(path) as temporary,
        zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for name, content in files.items():
            archive.writestr(name, content)


def write_files_atomic(files: Mapping[str, str | bytes], folder: str | Path) -> None:
    """Write each of ``files`` (name to text or bytes) into ``folder``, atomically.

    Every file is replaced whole or not at all; compute all content before calling,
    so that an error in one export leaves the folder as it was.
    """
    root = Path(folder)
    for name, content in files.items():
        if isinstance(content, bytes):
            write_bytes_atomic(content, root / name)
        else:
            write_text_atomic(content, root / name)


def csv_text(frame: pd.DataFrame) -> str:
    """A frame as the text of a CSV file: ISO 8601 timestamps, six significant
    digits, no index."""
    return str(iso_frame(frame).to_csv(index=False, float_format="%.6g"))


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a frame as CSV (ISO 8601 timestamps), atomically.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any of the frames of DESIGN section 3.
    path : str or Path
        Target file; its folder is created if needed.
    """
    write_text_atomic(csv_text(frame), path)
