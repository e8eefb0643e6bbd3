"""`ehttp explore` as users run it: one-line usage errors (exit 2), and the real server on
127.0.0.1 that prints its URL, refuses a non-loopback Host and stops on Ctrl-C with exit 130."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehttp.cli.app import main

COMMAND = [sys.executable, "-c", "from ehttp.cli.app import main; main()", "explore"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--port", "0"],
            "Error: --port: '0' is not accepted; give a whole number from 1 to 65535",
        ),
        (["--lab", "nope"], "Error: --lab: 'nope' is neither a lab file nor an example lab;"),
        (["--trace", "x.json"], "Error: --property: give --trace CHECK.json and --property ID"),
        (["--property", "p"], "Error: --trace: give --trace CHECK.json and --property ID"),
        (["--trace", "missing.json", "--property", "p"], "Error: --trace: missing.json: No such"),
        (["--bogus"], "Error: option: '--bogus' is not accepted; use one of --lab, --port,"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["explore", "--no-browser", *args])
    assert result.exit_code == 2
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1


def test_a_bad_lab_file_is_refused_by_the_commands_loader(tmp_path: Path) -> None:
    lab = tmp_path / "bad.toml"
    lab.write_text("[site]\nversion = 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["explore", "--no-browser", "--lab", str(lab)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {lab}: ")


def test_a_port_in_use_is_named() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["explore", "--no-browser", "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: --port: {port} can't be listened on at 127.0.0.1")


def _get(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("background", [False, True], ids=["foreground", "sigint-ignored"])
def test_the_server_prints_its_url_serves_loopback_only_and_stops_on_ctrl_c(
    background: bool,
) -> None:
    # A shell starts a background command with SIGINT ignored (.ci/run's smoke run does).
    with subprocess.Popen(
        [*COMMAND, "--no-browser", "--lab", "enhanced-off"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ignore_sigint if background else None,
    ) as server:
        assert server.stdout is not None and server.stderr is not None
        line = server.stdout.readline()
        assert line.startswith("ehttp explore: http://127.0.0.1:")
        url = line.split(": ", 1)[1].strip()
        assert url.endswith("/?lab=enhanced-off")
        status, page = _get(url)
        assert status == 200 and 'Lab <span class="name">enhanced-off</span>' in page
        port = url.split(":")[2].split("/")[0]
        assert _get(url, f"attacker.example:{port}") == (400, "Invalid host header")
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=60) == 130
        assert "interrupted (Ctrl-C)" in server.stderr.read()
