"""Exports of a solved plan on the seeded benchmark centres: one JSON line per case.

Cases (``benchmarks/centres.py``; one week from 2026-01-05, 15-minute intervals)
-----
S, M, L
    ~40, ~150 and ~500 agents. Each centre is planned with a short solve (the
    roster's quality does not matter here, only its size), then exported in every
    format of :func:`scheduler.export.formats.export_plan`: ``csv`` (a folder),
    ``xlsx``, ``ics`` (a zip of one calendar per agent) and ``json``.

Each record has, per format, the wall time of the export in seconds (``*_s``) and
the bytes written (``*_bytes``), and checks that what was written reads back:
the workbook opens with openpyxl with a sheet per agent (``xlsx_sheets``), every
calendar parses with icalendar with one event per shift (``ics_events`` against
``shifts``), and the JSON parses with as many roster rows as the plan
(``json_roster_rows``). ``ok`` is true when all of them hold. There are no speed
bars in the issue; the figures show how the exports scale with the centre.

Usage: ``python benchmarks/exports.py [--smoke] [--case S|M|L] [--time-limit-s S]``.
``--smoke`` runs S with a 3-second solve. Logging goes to stderr; stdout has only
the JSON lines.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# The sibling module ``centres``, whether run as a script or imported.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import openpyxl
from centres import Size, benchmark_centre
from icalendar import Calendar

from scheduler.export.formats import ExportFormat, export_plan
from scheduler.plan import Plan, solve_plan
from scheduler.roster.solve import SolveSettings

logger = logging.getLogger("benchmarks.exports")

CASES: tuple[Size, ...] = ("S", "M", "L")
#: Solve time limit of each case, in seconds (enough for a full roster).
TIME_LIMIT_S: dict[Size, float] = {"S": 5.0, "M": 15.0, "L": 40.0}
SMOKE_TIME_LIMIT_S = 3.0
#: Where each format writes, inside the case's temporary folder.
TARGETS = {
    ExportFormat.CSV: "csv",
    ExportFormat.XLSX: "plan.xlsx",
    ExportFormat.ICS: "calendars.zip",
    ExportFormat.JSON: "plan.json",
}


def _size_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size


def _checks(plan: Plan, folder: Path) -> dict[str, Any]:
    """Read every export back and count what it holds."""
    book = openpyxl.load_workbook(folder / TARGETS[ExportFormat.XLSX], read_only=True)
    sheets = len(book.sheetnames)
    book.close()
    events = 0
    with zipfile.ZipFile(folder / TARGETS[ExportFormat.ICS]) as archive:
        for name in archive.namelist():
            calendar = Calendar.from_ical(archive.read(name))
            events += len(list(calendar.walk("VEVENT")))
    data = json.loads((folder / TARGETS[ExportFormat.JSON]).read_text("utf-8"))
    shifts = int(plan.roster[["agent_id", "date"]].drop_duplicates().shape[0])
    agents = len(plan.agents)
    checks = {
        "shifts": shifts,
        "xlsx_sheets": sheets,
        "ics_events": events,
        "json_roster_rows": len(data["roster"]),
    }
    checks["ok"] = (
        sheets == 3 + agents
        and events == shifts
        and len(data["roster"]) == len(plan.roster)
    )
    return checks


def run_case(size: Size, time_limit_s: float, *, seed: int = 0) -> dict[str, Any]:
    """Plan one benchmark centre and time every export of it.

    Parameters
    ----------
    size : {"S", "M", "L"}
        The benchmark centre.
    time_limit_s : float
        Limit of the roster solve, in seconds.
    seed : int
        Seed of the centre and of the solver.

    Returns
    -------
    dict
        The case's JSON record (see the module docstring).
    """
    bench = benchmark_centre(size, seed)
    started = time.monotonic()
    plan = solve_plan(
        bench.centre,
        bench.agents,
        bench.week_start,
        bench.forecast,
        availability=bench.availability,
        settings=SolveSettings(time_limit_s=time_limit_s, seed=seed),
        name=f"benchmark {size}",
    )
    record: dict[str, Any] = {
        "case": size,
        "centre": bench.name,
        "agents": len(bench.agents),
        "roster_rows": len(plan.roster),
        "solve_s": round(time.monotonic() - started, 2),
    }
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for kind, target in TARGETS.items():
            started = time.monotonic()
            export_plan(plan, kind, folder / target)
            record[f"{kind.value}_s"] = round(time.monotonic() - started, 3)
            record[f"{kind.value}_bytes"] = _size_bytes(folder / target)
        record.update(_checks(plan, folder))
    return record


def main(argv: Sequence[str] | None = None) -> int:
    """Print one JSON line per case; return 1 when a case fails its checks."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="only S, 3 s solve")
    parser.add_argument("--case", choices=CASES, help="run only this case")
    parser.add_argument("--time-limit-s", type=float, help="solve limit, seconds")
    parser.add_argument("--seed", type=int, default=0, help="centre and solver seed")
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    cases: tuple[Size, ...] = ("S",) if args.smoke else CASES
    if args.case is not None:
        cases = (args.case,)
    failed = 0
    for size in cases:
        limit = args.time_limit_s or (
            SMOKE_TIME_LIMIT_S if args.smoke else TIME_LIMIT_S[size]
        )
        record = run_case(size, limit, seed=args.seed)
        failed += not record["ok"]
        print(json.dumps(record), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
