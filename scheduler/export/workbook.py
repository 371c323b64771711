"""An Excel workbook of a plan, for people.

Sheets, in order:

``Roster``
    The week at a glance: one row per agent (id, name, contract, site), one column
    per day with the shift's times (``08:00-16:00``; an end before the start means
    the shift ends the next morning), filled in the colour of the channel the shift
    mostly works, ``leave`` on days of leave, and the agent's paid hours. The
    header row and the name columns are frozen; the agent id links to the agent's
    sheet; a legend of channel colours sits to the right.
``KPIs``
    The plan (name, centre, week), the solver's status and gap, the overall
    figures (paid hours, cost, ...), one row per channel (service level against
    target, hours required and scheduled, ...), the rules the plan bent and the
    audit's counts: everything ``kpis.json`` holds.
``Coverage``
    One row per interval, and per channel the agents required and scheduled and
    the expected service level; a scheduled cell is red when it is below what is
    required and green when it meets a need.
one sheet per agent, named by its ``agent_id``
    The agent's details and paid hours, then one row per segment of the week:
    date, start, end, activity (work, break, lunch) and channel.

Times are local to the centre's time zone, written as Excel date-times without a
zone (Excel has none); the ``Coverage`` sheet adds each interval's UTC offset, so
the repeated hour of an autumn clock change stays unambiguous. Text is stored as
text: a name like ``=HYPERLINK(...)`` is a string cell with Excel's quote-prefix
flag (see :mod:`scheduler.export.safe`), never a formula.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import re
from collections.abc import Hashable, Mapping, Sequence
from itertools import cycle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.agents import CONTRACT, KIND, NAME, SITE, SKILLS
from scheduler.export import atomic_path
from scheduler.export.safe import is_formula_like
from scheduler.export.shifts import MAIN_CHANNEL, ShiftView, shift_view
from scheduler.plan import Plan
from scheduler.roster.view import PAID_MIN
from scheduler.schema import (
    ACTIVITY,
    AGENT_ID,
    CHANNEL,
    DATE,
    END,
    INTERVAL_START,
    REQUIRED,
    SCHEDULED,
    SERVICE_LEVEL,
    START,
)

logger = logging.getLogger(__name__)

ROSTER_SHEET = "Roster"
KPIS_SHEET = "KPIs"
COVERAGE_SHEET = "Coverage"
#: Sheet names an agent's sheet may not take (``History`` is reserved by Excel).
RESERVED_SHEETS = (ROSTER_SHEET, KPIS_SHEET, COVERAGE_SHEET, "History")

#: Fill colours of the channels, in the centre's channel order (light tints, so
#: black text stays readable; they repeat after eight channels).
CHANNEL_COLOURS = (
    "BDD7EE",  # blue
    "F8CBAD",  # orange
    "C6E0B4",  # green
    "FFE699",  # yellow
    "D9D2E9",  # lavender
    "F4B6C2",  # pink
    "B4DED6",  # teal
    "E2D0B8",  # sand
)
LEAVE_COLOUR = "D9D9D9"
HEADER_COLOUR = "DDEBF7"
#: Conditional colours of the coverage sheet (Excel's own light red and green).
SHORT_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
SHORT_FONT = Font(color="9C0006")
MET_FILL = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
MET_FONT = Font(color="006100")

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CLOCK_FORMAT = "ddd hh:mm"
HOURS_FORMAT = "#,##0.0"
PERCENT_FORMAT = "0.0%"

#: Number formats of KPI figures by key.
_PERCENT_KEYS = frozenset(
    {"service_level", "target", "occupancy", "prob_abandon", "gap"}
    | {"schedule_efficiency"}
)
_MONEY_KEYS = frozenset({"cost", "objective", "best_bound", "cost_cents"})

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color=HEADER_COLOUR, end_color=HEADER_COLOUR)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31


def channel_colours(channels: Sequence[str]) -> dict[str, str]:
    """Fill colour (``RRGGBB``) of each channel, in the order given."""
    return dict(zip(channels, cycle(CHANNEL_COLOURS), strict=False))


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", start_color=colour, end_color=colour)


def _plain(value: Any) -> Any:
    """A value openpyxl can write: Python scalars, naive local date-times, text."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return pd.Timestamp(value).tz_localize(None).to_pydatetime()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, default=str)
    return value


def put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Any,
    number_format: str | None = None,
) -> Cell:
    """Write one cell; text is always a string cell, never a formula.

    Text that a spreadsheet would read as a formula (:func:`is_formula_like`)
    gets Excel's quote-prefix flag, so Excel shows it as written and keeps it
    text even when the cell is edited. Characters XML cannot hold are dropped.

    Parameters
    ----------
    sheet : Worksheet
        Where to write.
    row, column : int
        1-based position.
    value : Any
        A number, bool, text, date or date-time (tz-aware ones are written as
        their local wall time); ``None``, NaN and infinities leave the cell empty.
    number_format : str or None
        An Excel number format.
    """
    cell: Cell = sheet.cell(row=row, column=column)
    plain = _plain(value)
    if isinstance(plain, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", plain)
        cell.value = text
        cell.data_type = "s"
        if is_formula_like(text) or text.startswith("#"):
            cell.quotePrefix = True
    else:
        cell.value = plain
    if number_format is None and isinstance(plain, dt.datetime):
        number_format = DATETIME_FORMAT
    elif number_format is None and isinstance(plain, dt.date):
        number_format = DATE_FORMAT
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _header(sheet: Worksheet, row: int, names: Sequence[str], first: int = 1) -> None:
    for offset, name in enumerate(names):
        cell = put(sheet, row, first + offset, name)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _widths(sheet: Worksheet, widths: Mapping[int, float]) -> None:
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width


def _fit_width(sheet: Worksheet) -> None:
    """Print the sheet landscape, as wide as one page."""
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _kpi_value(value: Any) -> Any:
    """A KPI as shown: yes or no for a flag, else as it is."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    return value


def agent_sheet_names(agent_ids: Sequence[str]) -> dict[str, str]:
    """A valid, unique Excel sheet name for each agent id.

    Excel's rules: at most 31 characters, none of ``[ ] : * ? / \\``, no
    apostrophe at either end, unique regardless of case, and not one of the
    workbook's own sheets (:data:`RESERVED_SHEETS`). An id that breaks them has
    the characters replaced by ``_``, is cut, and gets ``~2``, ``~3``... when
    needed.
    """
    taken = {name.casefold() for name in RESERVED_SHEETS}
    names: dict[str, str] = {}
    for agent in agent_ids:
        base = _SHEET_FORBIDDEN.sub("_", agent).strip("'")[:_SHEET_NAME_MAX] or "agent"
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            suffix = f"~{number}"
            name = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.casefold())
        names[agent] = name
    return names


def _link(cell: Cell, sheet_name: str) -> None:
    """Make ``cell`` a link to cell A1 of another sheet of the workbook."""
    cell.hyperlink = Hyperlink(
        ref=cell.coordinate, location=f"{quote_sheetname(sheet_name)}!A1"
    )
    cell.style = "Hyperlink"


def utc_offset_text(stamp: pd.Timestamp) -> str:
    """The UTC offset of a tz-aware time as ``+02:00`` (empty for a naive one)."""
    offset = stamp.utcoffset()
    if offset is None:
        return ""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def shift_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """A shift's local times as ``08:00-16:00``."""
    return f"{start:%H:%M}-{end:%H:%M}"


def _leave_dates(plan: Plan) -> set[tuple[str, dt.date]]:
    availability = plan.availability
    if availability is None or availability.empty:
        return set()
    leave = availability.loc[availability[KIND] == "leave"]
    return {
        (str(a), pd.Timestamp(d).date())
        for a, d in zip(leave[AGENT_ID], leave[DATE], strict=True)
    }


def _roster_sheet(
    sheet: Worksheet,
    plan: Plan,
    view: ShiftView,
    colours: Mapping[str, str],
    sheet_names: Mapping[str, str],
) -> None:
    days = [plan.week_start + dt.timedelta(days=d) for d in range(7)]
    first_day = 5
    paid_column = first_day + len(days)
    _header(
        sheet,
        1,
        [
            "Agent",
            "Name",
            "Contract",
            "Site",
            *(f"{DAY_NAMES[d.weekday()]} {d.isoformat()}" for d in days),
            "Paid h",
        ],
    )
    day_column = {day: first_day + i for i, day in enumerate(days)}
    leave = _leave_dates(plan)
    for row, agent in enumerate(plan.agents.itertuples(index=False), start=2):
        agent_id = str(getattr(agent, AGENT_ID))
        _link(put(sheet, row, 1, agent_id), sheet_names[agent_id])
        put(sheet, row, 2, getattr(agent, NAME))
        put(sheet, row, 3, getattr(agent, CONTRACT))
        put(sheet, row, 4, getattr(agent, SITE))
        shifts = view.of_agent(agent_id)[1]
        worked = set()
        for shift in shifts:
            column = day_column.get(shift[DATE])
            if column is None:  # a locked shift outside the week
                continue
            worked.add(shift[DATE])
            cell = put(sheet, row, column, shift_text(shift[START], shift[END]))
            colour = colours.get(shift[MAIN_CHANNEL])
            if colour is not None:
                cell.fill = _fill(colour)
            cell.alignment = Alignment(horizontal="center")
        for day, column in day_column.items():
            if day not in worked and (agent_id, day) in leave:
                cell = put(sheet, row, column, "leave")
                cell.fill = _fill(LEAVE_COLOUR)
                cell.font = Font(italic=True)
                cell.alignment = Alignment(horizontal="center")
        paid_h = sum(float(shift[PAID_MIN]) for shift in shifts) / 60
        put(sheet, row, paid_column, paid_h, HOURS_FORMAT)
    last_row = max(1 + len(plan.agents), 1)
    sheet.freeze_panes = sheet.cell(row=2, column=first_day)
    sheet.auto_filter.ref = f"A1:{get_column_letter(paid_column)}{last_row}"
    names = [str(n) for n in plan.agents[NAME]] if len(plan.agents) else []
    _widths(
        sheet,
        {
            1: 10,
            2: min(max((len(n) for n in names), default=10) + 2, 32),
            3: 14,
            4: 18,
            **{c: 16 for c in day_column.values()},
            paid_column: 8,
        },
    )
    legend = paid_column + 2
    _header(sheet, 1, ["Channel colours"], first=legend)
    for row, (channel, colour) in enumerate(colours.items(), start=2):
        put(sheet, row, legend, channel).fill = _fill(colour)
    put(sheet, len(colours) + 2, legend, "leave").fill = _fill(LEAVE_COLOUR)
    _widths(sheet, {legend: 18})
    sheet.print_title_rows = "1:1"
    _fit_width(sheet)


def _agent_sheet(
    sheet: Worksheet,
    agent: Mapping[Hashable, Any],
    view: ShiftView,
    colours: Mapping[str, str],
) -> None:
    agent_id = str(agent[AGENT_ID])
    segments, shifts = view.of_agent(agent_id)
    details = (
        ("Agent", agent_id),
        ("Name", agent[NAME]),
        ("Contract", agent[CONTRACT]),
        ("Site", agent[SITE]),
        ("Skills", "; ".join(agent[SKILLS])),
        ("Paid hours", sum(float(s[PAID_MIN]) for s in shifts) / 60),
    )
    for row, (label, value) in enumerate(details, start=1):
        put(sheet, row, 1, label).font = _BOLD
        put(sheet, row, 2, value, HOURS_FORMAT if label == "Paid hours" else None)
    _link(put(sheet, 1, 4, "back to the roster"), ROSTER_SHEET)
    header_row = len(details) + 2
    _header(
        sheet,
        header_row,
        ["Date", "Day", "Start", "End", "Activity", "Channel", "Minutes"],
    )
    for row, segment in enumerate(segments, start=header_row + 1):
        date = segment[DATE]
        put(sheet, row, 1, date, DATE_FORMAT)
        put(sheet, row, 2, DAY_NAMES[date.weekday()])
        put(sheet, row, 3, segment[START], CLOCK_FORMAT)
        put(sheet, row, 4, segment[END], CLOCK_FORMAT)
        put(sheet, row, 5, segment[ACTIVITY])
        channel = put(sheet, row, 6, segment[CHANNEL] or None)
        colour = colours.get(segment[CHANNEL])
        if colour is not None:
            channel.fill = _fill(colour)
        seconds = (segment[END] - segment[START]).total_seconds()
        put(sheet, row, 7, seconds / 60, "0")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    _widths(sheet, {1: 12, 2: 24, 3: 11, 4: 11, 5: 10, 6: 14, 7: 9})


def _coverage_sheet(
    sheet: Worksheet, coverage: pd.DataFrame, channels: Sequence[str]
) -> None:
    present = set(coverage[CHANNEL]) if not coverage.empty else set()
    ordered = [c for c in channels if c in present]
    ordered += sorted(present - set(ordered))
    figures = (REQUIRED, SCHEDULED, SERVICE_LEVEL)
    names = ["Interval start", "UTC offset"]
    for channel in ordered:
        names += [f"{channel} {f.replace('_', ' ')}" for f in figures]
    _header(sheet, 1, names)
    sheet.freeze_panes = "C2"
    if coverage.empty:
        return
    stamps = pd.DatetimeIndex(coverage[INTERVAL_START].unique()).sort_values()
    values = {
        channel: frame.set_index(INTERVAL_START)[list(figures)]
        .reindex(stamps)
        .to_numpy(dtype=float)
        for channel, frame in coverage.groupby(CHANNEL)
    }
    formats = {REQUIRED: "0.##", SCHEDULED: "0.##", SERVICE_LEVEL: PERCENT_FORMAT}
    for i, start in enumerate(stamps):
        row = 2 + i
        put(sheet, row, 1, start, DATETIME_FORMAT)
        put(sheet, row, 2, utc_offset_text(start))
        for c, channel in enumerate(ordered):
            for j, figure in enumerate(figures):
                put(sheet, row, 3 + 3 * c + j, values[channel][i, j], formats[figure])
    last = 1 + len(stamps)
    for i, _ in enumerate(ordered):
        required = get_column_letter(3 + 3 * i)
        scheduled = get_column_letter(4 + 3 * i)
        cells = f"{scheduled}2:{scheduled}{last}"
        sheet.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f"{scheduled}2<{required}2"],
                fill=SHORT_FILL,
                font=SHORT_FONT,
                stopIfTrue=True,
            ),
        )
        sheet.conditional_formatting.add(
            cells,
            FormulaRule(
                formula=[f"AND({required}2>0,{scheduled}2>={required}2)"],
                fill=MET_FILL,
                font=MET_FONT,
            ),
        )
    widths = {c: min(len(n) + 3, 28) for c, n in enumerate(names, start=1)}
    _widths(sheet, {**widths, 1: 17})
    sheet.print_title_rows = "1:1"
    _fit_width(sheet)


def _kpi_format(key: str) -> str | None:
    if key in _PERCENT_KEYS:
        return PERCENT_FORMAT
    if key in _MONEY_KEYS:
        return "#,##0.00"
    if key.endswith("hours") or key == "contacts":
        return HOURS_FORMAT
    return None


def _label(key: str) -> str:
    return str(key).replace("_", " ")


def _pairs(sheet: Worksheet, row: int, title: str, pairs: Mapping[str, Any]) -> int:
    """A titled block of label and value rows; returns the next free row."""
    put(sheet, row, 1, title.capitalize()).font = Font(bold=True, size=12)
    for offset, (key, value) in enumerate(pairs.items(), start=1):
        put(sheet, row + offset, 1, _label(key))
        put(sheet, row + offset, 2, _kpi_value(value), _kpi_format(str(key)))
    return row + len(pairs) + 2


def _table(
    sheet: Worksheet,
    row: int,
    title: str,
    first: str,
    records: Mapping[str, Mapping[str, Any]],
) -> int:
    """A titled table, one row per record; returns the next free row."""
    put(sheet, row, 1, title.capitalize()).font = Font(bold=True, size=12)
    keys: list[str] = []
    for record in records.values():
        keys += [k for k in record if k not in keys]
    _header(sheet, row + 1, [first, *map(_label, keys)])
    for offset, (name, record) in enumerate(records.items(), start=2):
        put(sheet, row + offset, 1, name)
        for column, key in enumerate(keys, start=2):
            value = _kpi_value(record.get(key))
            put(sheet, row + offset, column, value, _kpi_format(key))
    return row + len(records) + 3


def _kpi_sheet(sheet: Worksheet, plan: Plan) -> None:
    kpis = dict(plan.kpis)
    row = _pairs(
        sheet,
        1,
        "Plan",
        {
            "name": plan.name,
            "centre": plan.centre.centre.name,
            "time_zone": plan.centre.centre.time_zone,
            "week_start": plan.week_start,
            "created_at_utc": plan.created_at.astimezone(dt.UTC).replace(tzinfo=None),
            "scenario_changes": list(plan.changes) if plan.changes else "none",
            "audit_violations": len(plan.violations),
        },
    )
    tables = {"channels": "channel", "bent_rules": "rule"}
    order = ["solver", "overall", "channels", "bent_rules", "audit"]
    order += [k for k in kpis if k not in order]
    for key in order:
        value = kpis.get(key)
        if isinstance(value, Mapping) and value:
            nested = all(isinstance(v, Mapping) for v in value.values())
            if nested:
                row = _table(sheet, row, _label(key), tables.get(key, "name"), value)
            else:
                row = _pairs(sheet, row, _label(key), value)
        elif value is not None and not isinstance(value, Mapping):
            row = _pairs(sheet, row, "other", {key: value})
    _widths(sheet, {1: 30, **{c: 16 for c in range(2, 16)}})
    _fit_width(sheet)


def build_workbook(plan: Plan) -> Workbook:
    """The workbook of a plan (see the module's docstring for its sheets).

    Parameters
    ----------
    plan : Plan
        Any plan.

    Returns
    -------
    openpyxl.Workbook
        Not yet saved.
    """
    view = shift_view(plan)
    colours = channel_colours(list(plan.centre.channels))
    agent_ids = [str(a) for a in plan.agents[AGENT_ID]]
    sheet_names = agent_sheet_names(agent_ids)
    book = Workbook()
    roster = book.active
    roster.title = ROSTER_SHEET
    _roster_sheet(roster, plan, view, colours, sheet_names)
    _kpi_sheet(book.create_sheet(KPIS_SHEET), plan)
    _coverage_sheet(
        book.create_sheet(COVERAGE_SHEET), plan.coverage, list(plan.centre.channels)
    )
    for agent in plan.agents.to_dict("records"):
        sheet = book.create_sheet(sheet_names[str(agent[AGENT_ID])])
        _agent_sheet(sheet, agent, view, colours)
    book.properties.creator = "vuoro"
    book.properties.title = ILLEGAL_CHARACTERS_RE.sub("", plan.name) or None
    return book


def write_workbook(plan: Plan, path: str | Path) -> None:
    """Write the plan's workbook to ``path`` (``.xlsx``), atomically.

    Parameters
    ----------
    plan : Plan
        Any plan.
    path : str or Path
        The workbook file; an existing one is replaced only when the new one is
        complete.
    """
    book = build_workbook(plan)
    with atomic_path(path) as temporary:
        book.save(temporary)
    logger.info("wrote workbook of plan %r to %s", plan.name, path)
