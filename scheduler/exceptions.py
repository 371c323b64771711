"""Errors raised by vuoro.

Every error says what is wrong, which value, and how to fix it. Input problems are
:class:`InvalidInputError`, which is also a :class:`ValueError` so callers that only
know the standard library can still catch it.
"""

from __future__ import annotations


class VuoroError(Exception):
    """Base class of every error vuoro raises on purpose."""


class InvalidInputError(VuoroError, ValueError):
    """A file, argument or configuration value is not valid.

    The message names the file, row, key or value at fault and says how to fix it.
    """
