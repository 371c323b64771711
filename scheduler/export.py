"""Writing plans out: CSV files per DESIGN section 3, written atomically.

A write goes to a temporary file beside the target and is renamed over it only when
complete, so a failed run never leaves a half-written file in place of a good one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


def iso_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO 8601 text (with the UTC offset when zoned)."""
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[name]):
            out[name] = out[name].map(lambda t: t.isoformat() if pd.notna(t) else "")
    return out


def write_text_atomic(text: str, path: str | Path) -> None:
    """Write ``text`` to ``path`` through a temporary file and an atomic rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a frame as CSV (ISO 8601 timestamps), atomically.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any of the frames of DESIGN section 3.
    path : str or Path
        Target file; its folder is created if needed.
    """
    write_text_atomic(iso_frame(frame).to_csv(index=False, float_format="%.6g"), path)
