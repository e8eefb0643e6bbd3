"""README.md and docs/*.md show real output: every sample is run and compared with what the
command prints now, and every relative link or picture they name exists.

A sample is a fenced ``text`` block whose lines start with ``$ ehttp ...``: the command line, then
what it prints, then an optional ``[exit N]`` line (the expected exit code; 0 when absent). A
block may hold several samples, each starting at its ``$`` line; every ``text`` block, and every
block that names no language, must be one (blocks such as ``sh`` or ``toml`` are input). Each
command runs in-process (click's runner; a command shown twice runs once) in a fresh folder where
``specs/`` is the checkout's, with ``COLUMNS=100``, ``NO_COLOR=1`` and a cache folder of its own.
What is compared is its standard output, or its standard error when it prints nothing on standard
output (a refused option). A sample of ``--engine spin`` is skipped, with the reason, where Spin
or gcc is missing.

Elision: a line ``...`` stands for any number of lines, so a sample can show the head and the
verdict of a long output. A timing (a number followed by ``s``, ``ms``, ``states/s``,
``steps/s``, ``mutants/s`` or ``per second``) matches any number; every other number, word and
verdict must be as printed. Runs of spaces and line breaks compare as one space, so where a timing
of another width moves a line's wrap the sample still matches.

``python -m tests.test_docs --update`` rewrites every sample from the real output, keeping each
``...`` where it stood, and the machines table of docs/properties.md from the declarations, and
prints what it changed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehttp.cli.app import main

ROOT = Path(__file__).resolve().parents[1]
ELIDED = "..."
DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_EXIT = re.compile(r"^\[exit (\d+)\]$")
_TIMING = re.compile(
    r"\d[\d,]*(?:\.\d+)?(?= ?(?:s\b|ms\b|states/s\b|steps/s\b|mutants/s\b|per second\b))"
)


@dataclass(frozen=True)
class Sample:
    """One command line of a document with the output and exit code it shows."""

    document: Path
    line: int
    command: str
    shown: tuple[str, ...]
    exit_code: int

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}: {self.command}"


def text_blocks(text: str) -> Iterator[tuple[int, str]]:
    """Each fenced ``text`` block's first body line (1-based) and its body."""
    for match in _FENCE.finditer(text):
        if match.group(1).strip() in ("", "text"):
            yield text.count("\n", 0, match.start(2)) + 1, match.group(2)


def samples_of(document: Path) -> list[Sample]:
    found: list[Sample] = []
    for first, body in text_blocks(document.read_text(encoding="utf-8")):
        lines = body.splitlines()
        starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
        for at, end in zip(starts, [*starts[1:], len(lines)][: len(starts)], strict=True):
            shown = lines[at + 1 : end]
            while shown and not shown[-1].strip():
                shown.pop()
            code = 0
            if shown and (exit_line := _EXIT.match(shown[-1])):
                code = int(exit_line.group(1))
                shown.pop()
            command = lines[at][2:]
            found.append(Sample(document, first + at, command, tuple(shown), code))
    return found


SAMPLES = [sample for document in DOCUMENTS for sample in samples_of(document)]


_NUMBER = r"\d[\d,]*(?:\.\d+)?"


def _words(lines: list[str]) -> str:
    """Consecutive shown lines as one run of words, any whitespace between them."""
    words = _TIMING.sub("\0", " ".join(lines).replace("\0", "")).split()
    return r"\s+".join(_NUMBER.join(map(re.escape, word.split("\0"))) for word in words)


def _runs(shown: tuple[str, ...]) -> list[list[str] | None]:
    """The shown lines as runs of consecutive lines, each ``...`` a None between them."""
    runs: list[list[str] | None] = []
    for line in shown:
        if line.strip() == ELIDED:
            runs.append(None)
        elif runs and runs[-1] is not None:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _pattern(shown: tuple[str, ...]) -> re.Pattern[str]:
    """A regular expression for the output `shown` stands for (see the module's docstring)."""
    runs = _runs(shown)
    text = r"\A\s*"
    for index, run in enumerate(runs):
        if run is None:
            text += r"(?:.*\n)*?" if index == 0 else r"[ ]*\n(?:.*\n)*?"
        else:
            text += r"[ ]*" + _words(run)
    text += r"[ ]*(?:\n.*)*\Z" if runs and runs[-1] is None else r"\s*\Z"
    return re.compile(text)


@contextmanager
def docs_folder() -> Iterator[Path]:
    """A fresh working folder where ``specs/`` is the checkout's, as the documents assume."""
    with tempfile.TemporaryDirectory(prefix="ehttp-docs-") as folder:
        where = Path(folder)
        (where / "specs").symlink_to(ROOT / "specs", target_is_directory=True)
        before = Path.cwd()
        os.chdir(where)
        try:
            yield where
        finally:
            os.chdir(before)


def run(sample: Sample, folder: Path) -> tuple[str, int]:
    """What `sample`'s command prints (standard output, or standard error when that is all it
    prints) and its exit code; a command shown twice runs once."""
    if sample.command not in _PRINTED:
        _PRINTED[sample.command] = _invoke(sample, folder)
    return _PRINTED[sample.command]


_PRINTED: dict[str, tuple[str, int]] = {}


def _invoke(sample: Sample, folder: Path) -> tuple[str, int]:
    args = shlex.split(sample.command, comments=True)
    if args[:1] != ["ehttp"]:
        raise ValueError(f"{sample.name}: a sample's command starts with 'ehttp'")
    env = {"COLUMNS": "100", "NO_COLOR": "1", "XDG_CACHE_HOME": str(folder / "cache")}
    result = CliRunner(env=env).invoke(main, args[1:], catch_exceptions=False)
    output = result.stdout or result.stderr
    return output if output.endswith("\n") or not output else output + "\n", result.exit_code


def matches(shown: tuple[str, ...], output: str) -> bool:
    return _pattern(shown).match(output) is not None


def test_every_document_has_samples_and_every_text_block_is_one() -> None:
    unchecked = [
        f"{document.relative_to(ROOT)}:{first}"
        for document in DOCUMENTS
        for first, body in text_blocks(document.read_text(encoding="utf-8"))
        if not body.startswith("$ ehttp ")
    ]
    assert unchecked == []
    assert (ROOT / "README.md") in {sample.document for sample in SAMPLES}


@pytest.mark.parametrize("sample", SAMPLES, ids=[sample.name for sample in SAMPLES])
def test_the_sample_is_what_the_command_prints(sample: Sample, shared_check: None) -> None:
    # `ehttp check` gets the session's check of its lab (tests/conftest.py `shared_check`): the
    # sample is about what the command prints, and tests/compose pins the search itself.
    if "--engine spin" in sample.command and not (shutil.which("spin") and shutil.which("gcc")):
        pytest.skip("Spin and gcc are not on PATH (apt-get install -y spin gcc; .ci/run does)")
    with docs_folder() as folder:
        output, code = run(sample, folder)
    assert (code, matches(sample.shown, output)) == (sample.exit_code, True), (
        f"{sample.name} printed (exit {code}):\n{output}"
    )


def test_a_changed_count_or_verdict_does_not_match() -> None:
    output = "lab 'x': 30,256 states, 3.85 s, 14,498 states/s\nmore\nPASS: 28 of 28 hold\n"
    assert matches(
        ("lab 'x': 30,256 states, 9.1 s, 12 states/s", "...", "PASS: 28 of 28 hold"), output
    )
    assert not matches(("lab 'x': 30,255 states, 3.85 s, 14,498 states/s", ELIDED), output)
    assert not matches((ELIDED, "FAIL: 28 of 28 hold"), output)
    assert not matches(("lab 'x': 30,256 states, 3.85 s, 14,498 states/s", "more"), output)
    assert matches(("lab 'x': 30,256 states, 3.85 s,", "  14,498 states/s", ELIDED), output)


def test_regenerating_keeps_the_elisions_and_takes_the_new_text() -> None:
    printed = [
        "lab 'x': 30,256 states, 3.85 s, a line long enough",
        "  to wrap",
        "detail 1",
        "detail 2",
        "",
        "PASS: 29 of 29 hold",
    ]
    shown = (
        "lab 'x': 30,256 states, 1.0 s, a line long enough to wrap",
        ELIDED,
        "PASS: 28 of 28 hold",
    )
    new = regenerate(shown, printed)
    assert new == [*printed[:2], ELIDED, printed[-1]]
    assert matches(tuple(new), "\n".join(printed) + "\n")


def test_ci_runs_the_quick_start_commands() -> None:
    """Each command of the README's quick start is a command `.ci/run` runs (programs named by
    their path there, options it adds allowed)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme[readme.index("## Quick start") :]
    block = next(body for info, body in _FENCE.findall(quick) if info.strip() == "sh")
    ci = [
        [word.rsplit("/", 1)[-1] for word in shlex.split(line, comments=True)]
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#") and "<<" not in line
    ]
    commands = [part.split() for line in block.splitlines() for part in line.split("&&")]
    assert len(commands) == 4
    missing = [
        " ".join(command)
        for command in commands
        if not any(_within(command, words) for words in ci)
    ]
    assert missing == []


def _within(command: list[str], words: list[str]) -> bool:
    remaining = iter(words)
    return all(any(word.strip("'") == have for have in remaining) for word in command)


MACHINES_PAGE = ROOT / "docs" / "properties.md"
_TABLE_HEAD = (
    "| machine | title | states | local rows | reaction rows |\n| --- | --- | --- | --- | --- |\n"
)


def machines_table() -> str:
    """The table of docs/properties.md, from the declarations the composition uses."""
    from ehttp.compose.world import MACHINES

    return _TABLE_HEAD + "".join(
        f"| `{m.name}` | {m.title} | {len(m.states)} | "
        f"{sum(row.event is None for row in m.rows)} | "
        f"{sum(row.event is not None for row in m.rows)} |\n"
        for m in MACHINES
    )


def _shown_table(text: str) -> str:
    start = text.index(_TABLE_HEAD)
    end = text.find("\n\n", start)
    return text[start : end + 1]


def test_the_machines_table_is_the_declarations() -> None:
    assert _shown_table(MACHINES_PAGE.read_text(encoding="utf-8")) == machines_table()


_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def test_every_relative_link_and_picture_exists() -> None:
    missing = [
        f"{document.relative_to(ROOT)}: {target}"
        for document in DOCUMENTS
        for target in _LINK.findall(_FENCE.sub("", document.read_text(encoding="utf-8")))
        if "://" not in target and not target.startswith("#")
        if not (document.parent / target.split("#")[0]).exists()
    ]
    assert missing == []


_PATH = re.compile(r"`((?:model|specs|tests|benchmarks|diagrams|docs|\.ci)/[^`\s]*)`")


def test_every_file_the_pages_name_exists() -> None:
    """Files are named by repo-relative path (`model/config/schema.py`); each must exist."""
    missing = [
        f"{document.relative_to(ROOT)}: {path}"
        for document in DOCUMENTS
        for path in _PATH.findall(document.read_text(encoding="utf-8"))
        if not any(mark in path for mark in "<*")
        if not (ROOT / path.split("#")[0]).exists()
    ]
    assert missing == []


def update(document: Path) -> list[str]:
    """Rewrite `document`'s samples from the real output, keeping their elisions; return the
    names of the samples that changed."""
    text = document.read_text(encoding="utf-8")
    changed: list[str] = []
    for sample in reversed(samples_of(document)):
        with docs_folder() as folder:
            output, code = run(sample, folder)
        if code == sample.exit_code and matches(sample.shown, output):
            continue
        changed.append(sample.name)
        lines = text.split("\n")
        start = sample.line - 1
        end = start + 1 + len(sample.shown)
        while end < len(lines) and not lines[end].startswith(("$ ", "```")):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        new = regenerate(sample.shown, output.splitlines())
        new += [f"[exit {code}]"] if code else []
        text = "\n".join([*lines[: start + 1], *new, *lines[end:]])
    document.write_text(text, encoding="utf-8")
    return changed[::-1]


def _flat(text: str) -> str:
    return " ".join(_TIMING.sub("0", text).split())


def _likeness(shown: str, printed: str, *, at_end: bool) -> float:
    """How like `shown` is the start (or the end) of `printed`, however either is wrapped."""
    want = _flat(shown)
    have = _flat(printed)
    have = have[-len(want) :] if at_end else have[: len(want)]
    return SequenceMatcher(None, want, have, autojunk=False).ratio()


def regenerate(shown: tuple[str, ...], printed: list[str]) -> list[str]:
    """The lines `printed`, with the lines that stood under each ``...`` of `shown` elided again:
    each run of shown lines between two ``...`` becomes the printed lines from the one most like
    its first line to the one most like its last."""
    runs = _runs(shown)
    new: list[str] = []
    at = 0
    end = len(printed)
    for index, run in enumerate(runs):
        if run is None:
            new.append(ELIDED)
            continue
        words = [line for line in run if line.strip()] or [""]
        starts = [j for j in range(at, end) if printed[j].strip()] or [at]
        first = at
        if index > 0:
            first = max(
                starts,
                key=lambda j: (_likeness(words[0], " ".join(printed[j : j + 2]), at_end=False), -j),
            )
        last = end - 1
        if index < len(runs) - 1:
            ends = [j for j in range(first, end) if printed[j].strip()] or [first]
            last = max(
                ends,
                key=lambda j: (
                    _likeness(words[-1], " ".join(printed[max(first, j - 1) : j + 1]), at_end=True),
                    -j,
                ),
            )
            blank = len(run) - len(run[: len(run) - [*reversed(run)].index(words[-1])])
            while blank and last + 1 < end and not printed[last + 1].strip():
                last += 1
                blank -= 1
        new += printed[first : last + 1]
        at = last + 1
    return new


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.test_docs --update")
    for document in DOCUMENTS:
        for name in update(document):
            print(f"updated {name}")
    page = MACHINES_PAGE.read_text(encoding="utf-8")
    if _shown_table(page) != machines_table():
        MACHINES_PAGE.write_text(page.replace(_shown_table(page), machines_table()), "utf-8")
        print(f"updated {MACHINES_PAGE.relative_to(ROOT)}: the machines table")
