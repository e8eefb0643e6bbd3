"""Screenshots of `ehttp report` in headless Chromium, 1400 px wide: how tall is the page?

Writes the report of the default lab and of a failing run (a lab with only its Azure AD-joined
client, so three properties cannot hold, and the mutant mp-accepts-alg-none planted, so an attack
is accepted), measures each page's height in the browser, and takes a full-page screenshot of
each plus one of every screen (1400x1000) of it, to read at full size. Prints each page's height
in screens of 1400x1000, the right edge of its widest table (every folded part opened) and where
the administrator's questions are answered ("What happens if you ..." and "If you see ...", the
bottom of the second). The script exits 1 when the default lab's page is more than 8 screens
tall, when a table of either page is wider than the page, or when the questions are not answered
on the first two screens.

Needs Chromium (Debian: apt-get install -y chromium). Run from a checkout:

    PYTHONPATH=$PWD python benchmarks/report_screens.py [OUT_DIR] [AUDIT_JSON]

With AUDIT_JSON (a saved `ehttp audit --json` of the default lab) the default lab's page carries
its property strength section, and is measured with it.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

from ehttp.cli.app import main

SCREEN = (1400, 1000)
LIMIT = 8
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("Chromium is not on PATH; apt-get install -y chromium")


def _run(browser: str, *args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    return done.stdout


_PROBE = (
    "<script>"
    "const h=document.documentElement.scrollHeight;"
    "const a=document.getElementById('diagnose');"
    "const q=a?Math.round(a.getBoundingClientRect().bottom+window.scrollY):-1;"
    "document.querySelectorAll('details').forEach(d=>{d.open=true});"
    "let w=0;document.querySelectorAll('table').forEach(t=>{"
    "w=Math.max(w,Math.round(t.getBoundingClientRect().right))});"
    "document.title=h+' '+w+' '+q"
    "</script></body>"
)


def measure(browser: str, page: Path) -> tuple[int, int, int]:
    """The page's scroll height at 1400 px wide, the right edge of its widest table with every
    `<details>` opened, and the bottom of its "If you see ..." section (-1: none), measured by
    the browser on a copy of the page with one script (the report itself has none)."""
    probe = page.with_name("probe.html")
    text = page.read_text(encoding="utf-8")
    probe.write_text(text.replace("</body>", _PROBE), encoding="utf-8")
    dom = _run(browser, f"--window-size={SCREEN[0]},{SCREEN[1]}", "--dump-dom", probe.as_uri())
    probe.unlink()
    found = re.search(r"<title>(\d+) (\d+) (-?\d+)</title>", dom)
    if found is None:
        sys.exit(f"could not measure {page}")
    height, widest, answered = (int(found.group(k)) for k in (1, 2, 3))
    return height, widest, answered


def screenshot(browser: str, page: Path, target: Path, height: int) -> None:
    """A screenshot of the page's first `height` pixels at 1400 px wide."""
    _run(
        browser,
        f"--window-size={SCREEN[0]},{height}",
        f"--screenshot={target}",
        page.as_uri(),
    )


def _report(out: Path, *args: str) -> Path:
    argv = ["report", "--out", str(out), *args]
    sys.argv = ["ehttp", *argv]  # the command line the page records
    result = CliRunner().invoke(main, argv)
    if result.exit_code not in (0, 1):
        sys.exit(f"ehttp report {' '.join(args)} failed: {result.output}")
    return out / "index.html"


def _one_client_lab(folder: Path) -> Path:
    text = (Path(__file__).resolve().parents[1] / "model/config/default_lab.toml").read_text()
    second = text.index("[[clients]]", text.index("[[clients]]") + 1)
    path = folder / "one-client.toml"
    path.write_text(text[:second].replace('name = "default"', 'name = "one-client"', 1))
    return path


def main_(out: Path, audit: Path | None = None) -> int:
    browser = _chromium()
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "default": _report(out / "default", *(() if audit is None else ("--audit", str(audit)))),
        "failing": _report(
            out / "failing", "--lab", str(_one_client_lab(out)), "--mutant", "mp-accepts-alg-none"
        ),
    }
    failures = []
    for name, page in pages.items():
        height, widest, answered = measure(browser, page)
        screens = height / SCREEN[1]
        full = out / f"report-{name}.png"
        first = out / f"report-{name}-screen1.png"
        screenshot(browser, page, full, height)
        screenshot(browser, page, first, SCREEN[1])
        for number in range(1, math.ceil(height / SCREEN[1])):
            shifted = page.with_name(f"screen{number + 1}.html")
            style = f"<style>body{{transform:translateY(-{number * SCREEN[1]}px)}}</style></head>"
            shifted.write_text(page.read_text(encoding="utf-8").replace("</head>", style, 1))
            screenshot(browser, shifted, out / f"report-{name}-screen{number + 1}.png", SCREEN[1])
            shifted.unlink()
        where = f"screen {math.ceil(answered / SCREEN[1])}" if answered > 0 else "nowhere"
        print(
            f"{name}: {height} px tall = {screens:.1f} screens of 1400x1000; widest table ends at "
            f"{widest} px of {SCREEN[0]}; questions answered by {answered} px ({where}) -> "
            f"{full}, {first}"
        )
        if name == "default" and screens > LIMIT:
            failures.append(
                f"the default lab's page is {screens:.1f} screens tall, more than {LIMIT}"
            )
        if widest > SCREEN[0]:
            failures.append(f"a table of the {name} page is {widest} px wide, wider than the page")
        if not 0 < answered <= 2 * SCREEN[1]:
            failures.append(
                f"the {name} page does not answer the questions on its first two screens"
            )
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    if any(arg in ("-h", "--help") for arg in sys.argv[1:]):
        print(__doc__)
        sys.exit(0)
    sys.exit(
        main_(
            Path(sys.argv[1]) if len(sys.argv) > 1 else Path("report-screens"),
            Path(sys.argv[2]) if len(sys.argv) > 2 else None,
        )
    )
