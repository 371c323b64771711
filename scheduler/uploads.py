"""Files a person uploads (in the browser), read with the same loaders as paths.

The loaders of :mod:`scheduler.agents`, :mod:`scheduler.config` and
:mod:`scheduler.roster_file` read files from disk and name the file and line of
every error. :func:`read_upload` puts the uploaded bytes in a file of the same name
in a fresh temporary folder, runs a loader on it, and makes any error name the file
as the person uploaded it (``agents.csv: line 7: ...``), never the temporary path.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from scheduler.exceptions import InvalidInputError

logger = logging.getLogger(__name__)

T = TypeVar("T")


def read_upload(name: str, data: bytes, loader: Callable[[Path], T]) -> T:
    """Run ``loader`` on uploaded bytes saved under their own file name.

    Parameters
    ----------
    name : str
        The uploaded file's name (only its last part is used).
    data : bytes
        Its content.
    loader : callable
        Reads a path, e.g. ``lambda p: load_agents(p, centre)``.

    Returns
    -------
    object
        What ``loader`` returns.

    Raises
    ------
    InvalidInputError
        When the loader raises :class:`InvalidInputError` or :class:`ValueError`
        (the forecasting package's input errors are ValueErrors): the same message,
        with the temporary folder left out.
    """
    file_name = Path(name).name or "upload"
    with tempfile.TemporaryDirectory(prefix="vuoro-upload-") as folder:
        path = Path(folder) / file_name
        path.write_bytes(data)
        try:
            return loader(path)
        except (InvalidInputError, ValueError) as err:
            message = str(err).replace(str(path), file_name).replace(folder + "/", "")
            logger.info("upload %s rejected: %s", file_name, message)
            raise InvalidInputError(message) from None
