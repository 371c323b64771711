"""Small helpers shared by the test folders."""

from __future__ import annotations

from pathlib import Path


def shared_data_dir() -> Path:
    """The read-only ``shared/data`` folder that sits beside the repository checkout.

    Locally that is ``/work/shared/data`` next to ``/work/main``; CI clones the
    repository with ``shared/`` beside it, so the relative location holds there too.
    """
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"
