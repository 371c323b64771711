"""The Excel workbook opens with openpyxl and holds the plan's own figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.export import workbook as workbook_module
from scheduler.export.workbook import (
    CHANNEL_COLOURS,
    agent_sheet_names,
    channel_colours,
    write_workbook,
)
from scheduler.plan import Plan
from tests.scheduler.export.conftest import HOSTILE_PLAN_NAME, INJECTION


@pytest.fixture(scope="module")
def book(sample_plan: Plan, tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    """The sample plan's workbook, written and read back."""
    path = tmp_path_factory.mktemp("workbook") / "plan.xlsx"
    write_workbook(sample_plan, path)
    return openpyxl.load_workbook(path)


def _column(sheet: Worksheet, title: str) -> int:
    """1-based column of a header in row 1."""
    for cell in sheet[1]:
        if cell.value == title:
            return int(cell.column)
    raise AssertionError(f"no column {title!r}")


def _row_of(sheet: Worksheet, value: str, column: int = 1) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row=row, column=column).value == value:
            return row
    raise AssertionError(f"no row {value!r}")


def test_the_workbook_has_roster_kpis_coverage_and_a_sheet_per_agent(
    book: Workbook, sample_plan: Plan
) -> None:
    agents = sample_plan.agents["agent_id"].tolist()
    assert book.sheetnames == ["Roster", "KPIs", "Coverage", *agents]


def test_the_grid_shows_every_shift_at_its_local_times_in_its_channel_colour(
    book: Workbook, sample_plan: Plan
) -> None:
    sheet = book["Roster"]
    assert sheet.freeze_panes == "E2"
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    roster = sample_plan.roster
    spans = roster.groupby(["agent_id", "date"]).agg(
        start=("start", "min"), end=("end", "max")
    )
    for (agent, date), span in spans.iterrows():
        column = _column(sheet, f"{date:%a} {date.isoformat()}")
        cell = sheet.cell(row=rows[agent], column=column)
        assert cell.value == f"{span['start']:%H:%M}-{span['end']:%H:%M}"
    # A001 works phone only: its shifts are filled in the phone colour.
    colours = channel_colours(list(sample_plan.centre.channels))
    monday = sheet.cell(row=rows["A001"], column=5)
    assert monday.fill.start_color.rgb.endswith(colours["phone"])
    # Days without a shift are empty, as many as the roster implies.
    filled = sum(
        sheet.cell(row=r, column=c).value is not None
        for r in range(2, len(rows) + 2)
        for c in range(5, 12)
    )
    assert filled == len(spans)


def test_paid_hours_per_agent_add_up_to_the_plans_paid_hours(
    book: Workbook, sample_plan: Plan
) -> None:
    sheet = book["Roster"]
    column = _column(sheet, "Paid h")
    last = 1 + len(sample_plan.agents)
    total = sum(sheet.cell(row=r, column=column).value for r in range(2, last + 1))
    assert total == pytest.approx(sample_plan.kpis["overall"]["paid_hours"])


def test_the_legend_names_every_channel_in_its_colour(
    book: Workbook, sample_plan: Plan
) -> None:
    sheet = book["Roster"]
    column = _column(sheet, "Channel colours")
    for row, channel in enumerate(sample_plan.centre.channels, start=2):
        cell = sheet.cell(row=row, column=column)
        assert cell.value == channel
        assert cell.fill.start_color.rgb.endswith(CHANNEL_COLOURS[row - 2])


def test_the_coverage_sheet_holds_required_and_scheduled_per_interval(
    book: Workbook, sample_plan: Plan
) -> None:
    sheet = book["Coverage"]
    coverage = sample_plan.coverage
    for channel in sample_plan.centre.channels:
        frame = coverage.loc[coverage["channel"] == channel].sort_values(
            "interval_start"
        )
        required = _column(sheet, f"{channel} required")
        scheduled = _column(sheet, f"{channel} scheduled")
        n = len(frame)
        assert [sheet.cell(row=r, column=required).value for r in range(2, n + 2)] == (
            frame["required"].tolist()
        )
        assert [
            sheet.cell(row=r, column=scheduled).value for r in range(2, n + 2)
        ] == frame["scheduled"].tolist()
    first = coverage["interval_start"].min()
    assert sheet["A2"].value == first.tz_localize(None).to_pydatetime()
    assert sheet["B2"].value == "+02:00"


def test_scheduled_below_required_is_coloured_red_by_a_rule(book: Workbook) -> None:
    sheet = book["Coverage"]
    required = openpyxl.utils.get_column_letter(_column(sheet, "phone required"))
    scheduled = openpyxl.utils.get_column_letter(_column(sheet, "phone scheduled"))
    rules = {
        str(cf.sqref): [rule.formula[0] for rule in cf.rules]
        for cf in sheet.conditional_formatting
    }
    assert rules[f"{scheduled}2:{scheduled}{sheet.max_row}"] == [
        f"{scheduled}2<{required}2",
        f"AND({required}2>0,{scheduled}2>={required}2)",
    ]
    red = next(
        rule
        for cf in sheet.conditional_formatting
        for rule in cf.rules
        if rule.formula[0] == f"{scheduled}2<{required}2"
    )
    assert red.dxf.fill.bgColor.rgb.endswith("FFC7CE")


def test_the_kpi_sheet_holds_the_plans_kpis(book: Workbook, sample_plan: Plan) -> None:
    sheet = book["KPIs"]
    kpis = sample_plan.kpis
    assert (
        sheet.cell(row=_row_of(sheet, "paid hours"), column=2).value
        == (kpis["overall"]["paid_hours"])
    )
    assert (
        sheet.cell(row=_row_of(sheet, "cost"), column=2).value
        == (kpis["overall"]["cost"])
    )
    assert (
        sheet.cell(row=_row_of(sheet, "gap"), column=2).value == (kpis["solver"]["gap"])
    )
    header = _row_of(sheet, "channel")
    names = [c.value for c in sheet[header]]
    level = names.index("service level") + 1
    target = names.index("target") + 1
    for channel, figures in kpis["channels"].items():
        row = _row_of(sheet, channel)
        assert sheet.cell(row=row, column=level).value == figures["service_level"]
        assert sheet.cell(row=row, column=target).value == figures["target"]
        assert sheet.cell(row=row, column=level).number_format == "0.0%"


def test_an_agents_sheet_lists_each_of_its_segments_in_local_time(
    book: Workbook, sample_plan: Plan
) -> None:
    sheet = book["A001"]
    roster = sample_plan.roster.loc[sample_plan.roster["agent_id"] == "A001"]
    header = _row_of(sheet, "Date")
    rows = list(
        sheet.iter_rows(min_row=header + 1, max_row=sheet.max_row, values_only=True)
    )
    assert len(rows) == len(roster)
    for (date, _day, start, end, activity, channel, minutes), segment in zip(
        rows, roster.itertuples(index=False), strict=True
    ):
        assert date.date() == segment.date
        assert start == segment.start.tz_localize(None).to_pydatetime()
        assert end == segment.end.tz_localize(None).to_pydatetime()
        assert activity == segment.activity
        assert (channel or "") == segment.channel
        assert minutes == (segment.end - segment.start).total_seconds() / 60
    assert sheet["B2"].value == "Kerttu Mäkelä"
    assert sheet.freeze_panes == f"A{header + 1}"


def test_the_agent_id_links_to_the_agents_sheet(book: Workbook) -> None:
    link = book["Roster"]["A2"].hyperlink
    assert link is not None
    assert link.location == "'A001'!A1"


def test_a_formula_name_is_text_in_every_cell_of_the_workbook(
    injected_plan: Plan, tmp_path: Path
) -> None:
    path = tmp_path / "plan.xlsx"
    write_workbook(injected_plan, path)
    book = openpyxl.load_workbook(path)
    grid, agent = book["Roster"]["B2"], book["A001"]["B2"]
    for cell in (grid, agent):
        assert cell.value == INJECTION
        assert cell.data_type == "s"
        assert cell.quotePrefix
    name = book["KPIs"].cell(row=_row_of(book["KPIs"], "name"), column=2)
    assert name.value == HOSTILE_PLAN_NAME
    assert name.quotePrefix
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_a_shift_across_midnight_and_the_clock_change_shows_its_wall_times(
    spring_plan: Plan, tmp_path: Path
) -> None:
    path = tmp_path / "spring.xlsx"
    write_workbook(spring_plan, path)
    book = openpyxl.load_workbook(path)
    grid = book["Roster"]
    saturday = _column(grid, "Sat 2026-03-28")
    assert grid.cell(row=2, column=saturday).value == "20:00-04:00"
    assert grid.cell(row=2, column=_column(grid, "Mon 2026-03-23")).value == (
        "08:00-16:00"
    )
    tuesday = grid.cell(row=3, column=_column(grid, "Tue 2026-03-24"))
    assert tuesday.value == "leave"
    # Paid hours: 7.5 h on Monday (unpaid lunch), 7 h on Saturday night.
    assert grid.cell(row=2, column=_column(grid, "Paid h")).value == 14.5
    last = book["A001"]
    ends = [row[3] for row in last.iter_rows(min_row=9, values_only=True)]
    assert ends[-1] == dt.datetime(2026, 3, 29, 4, 0)


def test_sheet_names_follow_excels_rules() -> None:
    names = agent_sheet_names(
        ["A001", "a/b", "x" * 40, "Roster", "roster", "'quoted'", "a_b", "[]"]
    )
    assert names == {
        "A001": "A001",
        "a/b": "a_b",
        "x" * 40: "x" * 31,
        "Roster": "Roster~2",
        "roster": "roster~3",
        "'quoted'": "quoted",
        "a_b": "a_b~2",
        "[]": "__",
    }


def test_a_failed_save_keeps_the_previous_workbook(
    sample_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"the good workbook")

    def crash(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(workbook_module.Workbook, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        write_workbook(sample_plan, path)
    assert path.read_bytes() == b"the good workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]
