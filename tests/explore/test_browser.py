"""`ehttp explore` in a real browser: Debian's Chromium driven by Playwright.

The explorer runs as users run it (`ehttp explore --no-browser`, in a subprocess); the browser is
the system's `/usr/bin/chromium` (Playwright's own browser downloads are never used). Three
flows: the documented fault reached by clicking the check box off and on with the site's own
steps between, its banner, the workaround and the site's run; a `--trace` link followed to the
fault; a flow by keyboard alone. Screenshots go to `test-results/explore/` (ignored by git;
`EHTTP_TEST_RESULTS` moves it). Skipped, with the reason, only when Chromium is absent. A browser
is a heavy cross-check (tests/conftest.py): .ci/run runs these after the fast suite, which drives
the same application through its HTTP API (tests/explore/test_app.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from ehttp.cli.check import check_json
from ehttp.compose.checking import LabCheck
from ehttp.config.labfile import default_lab

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = (
    Path(os.environ.get("EHTTP_TEST_RESULTS", Path(__file__).resolve().parents[2] / "test-results"))
    / "explore"
)
CERT3 = "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"
REMOVE = "Remove the binding and delete the role certificate ({})"
BOUND = "SMS Role SSL Certificate bound to the Default Web Site on port 443"

pytestmark = [
    pytest.mark.heavy,
    pytest.mark.skipif(
        not CHROMIUM.is_file(),
        reason="Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium "
        "chromium-driver; .ci/run installs it)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


def _serve(*args: str) -> Iterator[str]:
    command = [sys.executable, "-c", "from ehttp.cli.app import main; main()", "explore"]
    with subprocess.Popen(
        [*command, "--no-browser", *args], stdout=subprocess.PIPE, text=True
    ) as server:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("ehttp explore: http://127.0.0.1:"), line
        yield line.split(": ", 1)[1].strip()
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 130


@pytest.fixture(scope="module")
def explorer() -> Iterator[str]:
    yield from _serve()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = browser.new_page(viewport={"width": 1280, "height": 1000})
    yield opened
    opened.close()


def _shot(page: Page, name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / name), full_page=True)


def _click(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def _link(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).click()


def _apply(page: Page, enhanced: bool) -> None:
    page.set_checked("#enhanced", enhanced)
    _click(page, "#apply")


def _minutes(page: Page) -> int:
    return int(page.inner_text("#clock").split()[0])


def _iis(page: Page) -> list[str]:
    return page.locator("#site-systems tbody td:nth-child(4)").all_inner_texts()


@pytest.mark.req("CERT-3", "CERT-4", "CERT-2")
def test_the_check_box_off_and_on_reaches_the_fault_and_the_workaround_cures_it(
    page: Page, explorer: str
) -> None:
    page.goto(explorer)
    assert page.is_checked("#enhanced")
    assert _iis(page) == [BOUND, BOUND]
    _shot(page, "1-default-lab.png")
    _apply(page, False)
    _link(page, REMOVE.format("mp1"))
    _link(page, REMOVE.format("dp1"))
    _apply(page, True)
    assert page.locator("#fault").count() == 0
    _apply(page, False)
    _apply(page, True)
    banner = page.locator("#fault")
    assert banner.is_visible()
    assert "no SMS-Issuing certificate bound on mp1, dp1" in banner.inner_text()
    assert "Rapidly and repeatedly enabling and disabling the option" in banner.inner_text()
    assert _iis(page) == ["no certificate bound", "no certificate bound"]
    _shot(page, "2-documented-fault.png")
    _click(page, "#workaround")
    assert page.locator("#fault").count() == 0
    started = _minutes(page)
    _click(page, "#run")
    assert _iis(page) == [BOUND, BOUND]
    assert _minutes(page) - started <= 30
    assert "SMS Role SSL Certificate for mp1" in page.inner_text("#sms-certificates")
    _shot(page, "3-after-the-workaround.png")


@pytest.fixture
def trace_url(checked: Callable[..., LabCheck], tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "check.json"
    path.write_text(json.dumps(check_json(checked(default_lab()))), encoding="utf-8")
    yield from _serve("--trace", str(path), "--property", CERT3)


@pytest.mark.req("CERT-3")
def test_a_trace_link_opens_at_its_first_step_and_leads_to_the_fault(
    page: Page, trace_url: str
) -> None:
    page.goto(trace_url)
    assert CERT3 in page.inner_text("#trace")
    assert "Step 0 of 6." in page.inner_text("#trace")
    for _ in range(6):
        _click(page, "#trace-next")
    assert "The trace is complete." in page.inner_text("#trace")
    assert page.locator("#fault").is_visible()
    _shot(page, "4-trace-of-cert3.png")


def _tab_to(page: Page, element_id: str, limit: int = 300) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reached by Tab")


def _enter(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_flow_by_keyboard_alone(page: Page, explorer: str) -> None:
    page.goto(explorer)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    _tab_to(page, "enhanced")
    page.keyboard.press("Space")
    _tab_to(page, "apply")
    _enter(page)
    assert not page.is_checked("#enhanced")
    _tab_to(page, "run")
    _enter(page)
    assert _iis(page) == ["no certificate bound", "no certificate bound"]
    _tab_to(page, "enhanced")
    page.keyboard.press("Space")
    _tab_to(page, "apply")
    _enter(page)
    _tab_to(page, "run")
    _enter(page)
    assert _iis(page) == [BOUND, BOUND]
    assert page.locator("#timeline > li").count() == 4
    _tab_to(page, "undo")
    _enter(page)
    assert page.locator("#timeline > li").count() == 3
    _shot(page, "5-keyboard-alone.png")
