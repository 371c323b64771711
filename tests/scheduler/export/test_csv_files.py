"""The CSV export: the plan's files, formula-safe, still a plan folder."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from scheduler.export.csv_files import csv_export_files, write_csv_export
from scheduler.export.safe import is_formula_like
from scheduler.plan import AVAILABILITY_FILE, Plan, load_plan_dir, plan_files
from tests.scheduler.export.conftest import INJECTION


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_a_plan_without_formulas_exports_its_files_unchanged(
    sample_plan: Plan,
) -> None:
    assert csv_export_files(sample_plan) == plan_files(sample_plan)


def test_a_formula_name_is_inert_in_every_csv_file(injected_plan: Plan) -> None:
    files = csv_export_files(injected_plan)
    agents = pd.read_csv(io.StringIO(files["agents.csv"]), dtype=str)
    assert agents.loc[agents["agent_id"] == "A001", "name"].item() == "'" + INJECTION
    for name, text in files.items():
        if name.endswith(".csv"):
            risky = [cell for cell in _cells(text) if is_formula_like(cell)]
            assert risky == [], name
    # Everything else is as in the plan folder.
    originals = plan_files(injected_plan)
    assert files["roster.csv"] == originals["roster.csv"]
    assert files["coverage.csv"] == originals["coverage.csv"]


def test_the_folder_reads_back_as_the_plan(injected_plan: Plan, tmp_path: Path) -> None:
    written = write_csv_export(injected_plan, tmp_path / "csv")
    assert sorted(written) == sorted(plan_files(injected_plan))
    back = load_plan_dir(tmp_path / "csv")
    pd.testing.assert_frame_equal(
        back.roster.drop(columns="locked").reset_index(drop=True),
        injected_plan.roster.reset_index(drop=True),
    )
    assert back.kpis == injected_plan.kpis
    names = back.agents.set_index("agent_id")["name"]
    assert names["A001"] == "'" + INJECTION
    assert names["A002"] == "Ville Salo"


def test_a_zip_target_holds_the_same_files(sample_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.ZIP"
    names = write_csv_export(sample_plan, path)
    files = csv_export_files(sample_plan)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == names
        assert archive.read("roster.csv").decode("utf-8") == files["roster.csv"]


def test_a_stale_availability_file_is_removed(
    sample_plan: Plan, tmp_path: Path
) -> None:
    (tmp_path / AVAILABILITY_FILE).write_text("old\n", encoding="utf-8")
    write_csv_export(sample_plan, tmp_path)
    assert not (tmp_path / AVAILABILITY_FILE).exists()
