"""Text that cannot run as a formula when a spreadsheet opens an export.

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (and some a leading tab or carriage return too), so an
agent named ``=HYPERLINK("http://x","y")`` would become a live link, and worse
payloads can run commands. Following the OWASP advice on CSV injection, such a
text cell is written with a leading apostrophe, which spreadsheets read as "this
is text" (Excel hides the apostrophe when it shows the cell).

A number is never text: ``-3.5`` or ``+2`` in a CSV stays a number (a spreadsheet
reads it as one, and it cannot call anything), so only text that does not parse as
a plain decimal number is neutralised. In the Excel workbook nothing is prefixed:
:mod:`scheduler.export.workbook` stores such text as a string cell with Excel's
own *quote prefix* flag, so it shows exactly as written.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: What a neutralised cell starts with.
TEXT_MARK = "'"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula.

    Parameters
    ----------
    text : str
        A cell's text.

    Returns
    -------
    bool
        True when it starts with one of :data:`FORMULA_PREFIXES` and is not a
        plain decimal number such as ``-3.5`` or ``+1e3``.
    """
    return text.startswith(FORMULA_PREFIXES) and _NUMBER.fullmatch(text) is None


def neutralise_text(text: str) -> str:
    """``text`` with :data:`TEXT_MARK` in front when it is formula-like.

    Examples
    --------
    >>> neutralise_text('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> neutralise_text("-3.5")
    '-3.5'
    >>> neutralise_text("Kerttu Mäkelä")
    'Kerttu Mäkelä'
    """
    return TEXT_MARK + text if is_formula_like(text) else text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised; numbers untouched.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame; only ``str`` values (in object or string columns) change.
    """
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_object_dtype(out[name]) or pd.api.types.is_string_dtype(
            out[name]
        ):
            out[name] = out[name].map(
                lambda v: neutralise_text(v) if isinstance(v, str) else v
            )
    return out


def neutralise_csv(text: str) -> str:
    """CSV text with every formula-like cell neutralised, all else kept.

    The header, the quoting of other cells and the numbers are kept as they are
    (the text is parsed and written again with the same dialect as pandas uses:
    comma, double quotes, ``\\n`` line ends).

    Parameters
    ----------
    text : str
        A whole CSV file.

    Returns
    -------
    str
        The same table, safe to open in a spreadsheet.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow([neutralise_text(cell) for cell in row])
    return out.getvalue()
