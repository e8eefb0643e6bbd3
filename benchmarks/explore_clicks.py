"""How long `ehttp explore` takes to answer a click, over real HTTP, on the default lab.

Starts `ehttp explore --no-browser` in a subprocess (uvicorn on 127.0.0.1, as users run it) and
follows the browser test's flow by URL, one GET per click, timing each from the request to the
last byte: the check box off (Apply), the site's two removals, on, off, on (the documented
fault's banner), the workaround, "let the site run" (a redirect, then the page) and undo, with
"wait 15 minutes" after the first click; Apply goes through the form's route and its redirect, as
in the browser. Each click is a new place, so the server replays only the new click on top of the
cached path before it, as it does for a person clicking. `--runs N` repeats the flow on a
fresh server each time (cold caches: the first click also loads the lab and its steady state).
It then times the answers behind the links once each: "what if?" for disabling enhanced HTTP,
and `diagnose` for the CERT-3 symptom. Prints every click's milliseconds, and the median, 90th
percentile and maximum over the runs, with the machine's load average; the goal is every click
under 100 ms on a 2-core machine. Nothing is asserted.

    PYTHONPATH=$PWD python benchmarks/explore_clicks.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlencode

TOGGLES = [
    ("check box off, Apply", ["disable-enhanced-http"]),
    ("wait 15 minutes", ["15-minutes-pass"]),
    ("site: remove mp1's binding", ["remove-the-binding-and-delete-the-role-certificate mp1"]),
    ("site: remove dp1's binding", ["remove-the-binding-and-delete-the-role-certificate dp1"]),
    ("check box on, Apply", ["enable-enhanced-http"]),
    ("check box off, Apply", ["disable-enhanced-http"]),
    ("check box on, Apply (banner)", ["enable-enhanced-http"]),
    ("the documented workaround", ["delete-sms-issuing-certs", "restart-smsexec"]),
]


def _url(base: str, clicks: list[list[str]], route: str = "/") -> str:
    query = urlencode([("lab", "default"), *(("s", ",".join(c)) for c in clicks)])
    return f"{base}{route}?{query}"


def _timed(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def _run(base: str) -> list[tuple[str, float]]:
    timings: list[tuple[str, float]] = []
    ms = _timed(_url(base, []))
    timings.append(("open the default lab", ms))
    clicks: list[list[str]] = []
    for name, tokens in TOGGLES:
        if name.startswith("check box"):
            enhanced = "&enhanced=on" if tokens == ["enable-enhanced-http"] else ""
            ms = _timed(_url(base, clicks, "/apply") + "&communication=https-or-http" + enhanced)
        else:
            ms = _timed(_url(base, [*clicks, tokens]))
        clicks.append(tokens)
        timings.append((name, ms))
    ms = _timed(_url(base, clicks, "/run"))
    timings.append(("let the site run (redirect and page)", ms))
    ms = _timed(_url(base, clicks))
    timings.append(("undo", ms))
    return timings


def _serve() -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-c", "from ehttp.cli.app import main; main()", "explore", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert server.stdout is not None
    line = server.stdout.readline()
    return server, line.split(": ", 1)[1].strip().split("/?")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh servers to run the flow on")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    runs: list[list[tuple[str, float]]] = []
    answers: list[tuple[str, float]] = []
    for number in range(args.runs):
        server, base = _serve()
        try:
            runs.append(_run(base))
            if number == 0:
                for name, url in (
                    (
                        "what if: disable enhanced HTTP",
                        _url(base, [], "/whatif") + "&do=disable-enhanced-http",
                    ),
                    (
                        "diagnose: no-sms-certificate-bound mp1",
                        _url(base, [], "/diagnose") + "&symptom=no-sms-certificate-bound+mp1",
                    ),
                ):
                    answers.append((name, _timed(url)))
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
    width = max(len(name) for name, _ms in runs[0])
    print(f"{'click':{width}}  " + "  ".join(f"run {n + 1:>2}" for n in range(len(runs))))
    for row, (name, _ms) in enumerate(runs[0]):
        print(f"{name:{width}}  " + "  ".join(f"{run[row][1]:6.1f}" for run in runs))
    clicks = [ms for run in runs for _name, ms in run[1:]]
    ordered = sorted(clicks)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    print(
        f"clicks after opening: {len(clicks)}; median {statistics.median(clicks):.1f} ms, "
        f"90th percentile {p90:.1f} ms, max {max(clicks):.1f} ms; "
        f"{sum(ms < 100 for ms in clicks)} of {len(clicks)} under 100 ms"
    )
    for name, ms in answers:
        print(f"answer behind a link, {name}: {ms:.1f} ms")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
