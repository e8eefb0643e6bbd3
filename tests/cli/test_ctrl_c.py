"""Ctrl-C while ehttp runs another program (`dot`, `spin`, `gcc`, `pan`): a real SIGINT is sent
to the command's whole process group, as a terminal does, at the moment the program runs (a
stand-in on PATH sends it, once, then runs the real program or waits). The command must end with
exit 130 and its INTERRUPTED line, no traceback, and no partial output."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ehttp.programs import Stopped, run_program

ROOT = Path(__file__).resolve().parents[2]

_SIGNAL_ONCE = f"""#!{sys.executable}
import os, signal, sys, time

# Ctrl-C on a terminal: SIGINT to the foreground process group, that of the ehttp command,
# which leads the session (the program may have been started by another, e.g. gcc by spin).
if not os.path.exists(os.environ["CTRL_C_SENT"]):
    open(os.environ["CTRL_C_SENT"], "w").close()
    os.killpg(os.getsid(0), signal.SIGINT)
    time.sleep(1)
"""


def _stand_in(folder: Path, program: str, then: str) -> None:
    """`program` on PATH: sends Ctrl-C once, then runs `then` (Python)."""
    folder.mkdir(exist_ok=True)
    path = folder / program
    path.write_text(_SIGNAL_ONCE + then + "\n", encoding="utf-8")
    path.chmod(0o755)


def _exec(program: str) -> str:
    real = shutil.which(program)
    assert real is not None
    return f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])"


def _as_on_a_terminal() -> None:
    """Ctrl-C's default action in the command (a test runner started in the background may
    ignore SIGINT, and a program keeps an ignored signal ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _run(args: list[str], stand_ins: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{stand_ins}{os.pathsep}{os.environ['PATH']}",
        "CTRL_C_SENT": str(tmp_path / "ctrl-c-sent"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        args,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        start_new_session=True,
        preexec_fn=_as_on_a_terminal,
        timeout=300,
    )


def _ehttp(*args: str) -> list[str]:
    return [sys.executable, "-c", "from ehttp.cli.app import main; main()", *args]


@pytest.mark.needs_dot
def test_ctrl_c_while_the_report_runs_dot_is_interrupted_not_a_traceback(tmp_path: Path) -> None:
    """Regression (issue 21): the signal reached dot too, whose failure was a CalledProcessError
    traceback and exit 1."""
    stand_ins = tmp_path / "bin"
    _stand_in(stand_ins, "dot", _exec("dot"))
    # The other labs' checks and the catalogue against each lab mutant come before the first
    # picture and are not what this test is about; they cost seconds more.
    script = (
        "import ehttp.report.page as page; page.example_labs = lambda: (); "
        "page.catch_mutants = lambda *args, **kwargs: (); "
        "from ehttp.cli.app import main; main()"
    )
    lab = ROOT / "specs" / "labs" / "site-1802.toml"
    out = tmp_path / "report"
    done = _run(
        [sys.executable, "-c", script, "report", "--lab", str(lab), "--out", str(out)],
        stand_ins,
        tmp_path,
    )
    assert (tmp_path / "ctrl-c-sent").exists()
    assert "Traceback" not in done.stderr
    assert done.returncode == 130, done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("INTERRUPTED: Ctrl-C while ")
    assert last.endswith(f"; no page written ({out}/index.html does not exist)")
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.needs_dot
def test_ctrl_c_while_diagrams_runs_dot_leaves_no_partial_file(tmp_path: Path) -> None:
    stand_ins = tmp_path / "bin"
    _stand_in(stand_ins, "dot", _exec("dot"))
    out = tmp_path / "pictures"
    done = _run(_ehttp("diagrams", "--out", str(out)), stand_ins, tmp_path)
    assert "Traceback" not in done.stderr
    assert done.returncode == 130
    assert done.stderr.splitlines()[-1] == "interrupted (Ctrl-C)"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("program", ["spin", "gcc"])
def test_ctrl_c_while_spin_or_gcc_runs_ends_the_check_at_once(tmp_path: Path, program: str) -> None:
    """The stand-in waits for ten minutes after the signal: the check must end it and every
    other search, not wait for them."""
    stand_ins = tmp_path / "bin"
    _stand_in(stand_ins, program, "time.sleep(600)")
    if program == "gcc":
        real = shutil.which("spin")
        if real is None:
            pytest.skip("no spin")
        (stand_ins / "spin").symlink_to(real)
    done = _run(_ehttp("check", "--engine", "spin"), stand_ins, tmp_path)
    assert "Traceback" not in done.stderr
    assert done.returncode == 130, done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("INTERRUPTED: Ctrl-C while Spin compiled and searched the lab (")
    assert last.endswith("and no property was decided; nothing passes")


def test_a_stop_request_ends_the_program_and_its_children() -> None:
    with pytest.raises(Stopped):
        run_program(["sh", "-c", "sleep 600 & sleep 600"], stop=lambda: True)


def test_a_program_runs_with_its_input_and_output() -> None:
    done = run_program(["tr", "a-z", "A-Z"], input=b"dot")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"DOT", b"")
