"""The whole supervisor story in a real browser: Debian's chromium via Playwright.

``streamlit run app.py`` is started on a free local port; the browser loads the
sample, optimises (and stops a second optimisation), gives a shift an hour of
overtime (which locks it), re-optimises around the lock, sets chat deflection to
20 % and downloads the Excel workbook, whose roster must show the locked shift.

The test needs ``/usr/bin/chromium`` (``apt-get install chromium``); without it
the test is skipped, unless ``VUORO_REQUIRE_BROWSER=1`` (as in CI), when it fails.
Set ``VUORO_SCREENSHOTS=DIR`` to keep a 1280x800 screenshot of each step.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
STARTUP_S = 90.0
SOLVE_MS = 300_000  # a 5-second solve takes 20-60 s of wall time on a busy machine
PAGE_MS = 60_000

if not CHROMIUM.exists():
    if os.environ.get("VUORO_REQUIRE_BROWSER") == "1":
        pytest.fail(
            f"{CHROMIUM} is missing and VUORO_REQUIRE_BROWSER=1; install it with "
            "apt-get install -y chromium",
            pytrace=False,
        )
    pytest.skip(
        f"{CHROMIUM} is missing: apt-get install -y chromium to run the browser test",
        allow_module_level=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run app.py`` on a free port, with its own plan store."""
    port = free_port()
    folder = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "VUORO_DATABASE_URL": f"sqlite:///{folder / 'plans.db'}",
    }
    log = (folder / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    began = time.monotonic()
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode() == "ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() - began > STARTUP_S:
                raise RuntimeError(
                    "streamlit did not start: "
                    + (folder / "streamlit.log").read_text(encoding="utf-8")
                )
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


class Story:
    """The browser page with the steps of the story and optional screenshots."""

    def __init__(self, page: Page, shots: Path | None) -> None:
        self.page = page
        self.shots = shots

    def shot(self, name: str) -> None:
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(self.shots / f"{name}.png"))

    def open(self, title: str) -> None:
        page = self.page
        page.get_by_role("link", name=title, exact=True).click()
        page.get_by_role("heading", name=title, exact=True).wait_for(timeout=PAGE_MS)

    def settle(self) -> None:
        """Until the app's script has stopped running (a rerun replaces downloads)."""
        self.page.wait_for_function(
            """() => !document.querySelector('[data-testid="stStatusWidget"]')""",
            timeout=PAGE_MS,
        )
        self.page.wait_for_timeout(1000)

    def wait_for_plan(self) -> None:
        """Until no solve runs and the page shows a plan's figures."""
        page = self.page
        page.wait_for_function(
            "() => !document.querySelector('.st-key-stop_solve')", timeout=SOLVE_MS
        )

    def metric(self, label: str) -> tuple[str, str]:
        """Value and delta of the metric with this label."""
        page = self.page
        card = page.locator('[data-testid="stMetric"]').filter(
            has=page.get_by_text(label, exact=True)
        )
        value = card.locator('[data-testid="stMetricValue"]').inner_text()
        delta = card.locator('[data-testid="stMetricDelta"]')
        return value.strip(), (delta.inner_text().strip() if delta.count() else "")


OVERTIME = re.compile(
    r"agent (\w+), shift of \w{3} (\d{4}-\d\d-\d\d): 60 min overtime after the end "
    r"\((\d\d:\d\d)-(\d\d:\d\d) (?:->|→) (\d\d:\d\d)-(\d\d:\d\d), locked\)"
)


def test_a_supervisor_plans_adjusts_compares_and_downloads_in_a_browser(
    app_url: str, tmp_path: Path
) -> None:
    shots_env = os.environ.get("VUORO_SCREENSHOTS")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 800}, accept_downloads=True
            )
            page = context.new_page()
            story = Story(page, Path(shots_env) if shots_env else None)
            _run_story(story, app_url, tmp_path)
        finally:
            browser.close()


def _run_story(story: Story, url: str, tmp_path: Path) -> None:
    p = story.page

    # 1. Load the sample: the app starts optimising it at once.
    p.goto(f"{url}/?time_limit_s=5")
    p.get_by_text("first plan of the sample week").wait_for(timeout=PAGE_MS)
    story.shot("01-first-solve-running")
    story.wait_for_plan()
    p.get_by_text("optimality gap").wait_for(timeout=PAGE_MS)
    story.shot("02-roster")
    paid, _ = story.metric("paid hours")
    assert re.fullmatch(r"[\d,]+\.\d h", paid)

    # 2. Optimise again and stop it: the best roster so far comes back.
    p.get_by_role("button", name="Optimise").click()
    p.get_by_text("optimise:").wait_for(timeout=PAGE_MS)
    p.locator(".st-key-stop_solve button").first.click()
    story.wait_for_plan()
    p.get_by_text("optimality gap").wait_for(timeout=PAGE_MS)

    # 3. Adjust: an hour of overtime on the first shift of the first day locks it.
    story.open("Adjust")
    p.get_by_role("button", name="Add overtime").click()
    done = p.get_by_text(re.compile("60 min overtime after the end"))
    done.wait_for(timeout=PAGE_MS)
    found = OVERTIME.search(done.inner_text())
    assert found is not None, done.inner_text()
    agent, date, _, _, new_start, new_end = found.groups()
    _, paid_delta = story.metric("paid hours")
    assert paid_delta == "+1.0 h"
    relock = p.get_by_role("button", name="Re-optimise around 1 lock(s)")
    story.shot("03-adjust-overtime")

    # 4. Re-optimise around the lock.
    relock.click()
    p.get_by_text("re-optimise around 1 locked shift(s)").wait_for(timeout=PAGE_MS)
    story.wait_for_plan()
    p.get_by_text("None yet.").wait_for(timeout=PAGE_MS)
    p.get_by_role("button", name="Re-optimise around 1 lock(s)").wait_for(
        timeout=PAGE_MS
    )
    story.shot("04-reoptimised")

    # 5. What-if: 20 % of phone contacts to chat.
    story.open("What-if")
    phone_before, _ = story.metric("phone agent-hours")
    chat_before, _ = story.metric("chat agent-hours")
    thumb = p.locator('.st-key-deflection_pct input[type="range"]')
    thumb.focus()
    for _ in range(4):  # steps of 5 %
        thumb.press("ArrowRight")
    p.get_by_text("20 %", exact=True).first.wait_for(timeout=PAGE_MS)
    p.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetricDelta"]')]
              .some(e => e.innerText.trim().startsWith('-'))""",
        timeout=PAGE_MS,
    )
    phone_after, phone_delta = story.metric("phone agent-hours")
    chat_after, chat_delta = story.metric("chat agent-hours")
    story.shot("05-whatif-deflection")
    assert _number(phone_after) < _number(phone_before)
    assert _number(chat_after) > _number(chat_before)
    assert phone_delta.startswith("-")
    assert chat_delta.startswith("+")

    # 6. Download the Excel workbook: its roster shows the locked shift.
    story.open("Export and plans")
    story.settle()
    with p.expect_download(timeout=PAGE_MS) as caught:
        p.get_by_role("button", name="Excel (.xlsx)").click()
    download = caught.value
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    story.shot("06-export")
    assert target.name.endswith(".xlsx")
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames[:3] == ["Roster", "KPIs", "Coverage"]
    sheet = workbook["Roster"]
    header = [cell.value for cell in sheet[1]]
    column = next(i for i, name in enumerate(header) if str(name).endswith(date))
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[agent][column] == f"{new_start}-{new_end}"
    assert len(rows) == 120


def _number(text: str) -> float:
    return float(text.replace(",", "").split()[0])
