"""Check a lab with Spin: the Promela export through `spin -a`, gcc and `pan` (what it found is
`model/compose/spin_report.py`'s `SpinReport`).

`ehttp check --engine spin` runs this. The export (`model/compose/promela.py`) is compiled once,
breadth-first (`-DBFS`, so every error trail is a shortest one; `-DBFS_PAR -DNCORE=n` for the
safety searches when more cores are there, plus a sequential build for the witnesses), with the
safety checks only (`-DSAFETY`) and no partial-order reduction (`-DNOREDUCE`), so that Spin's
stored states and transitions are ehttp's own, unreduced. Then `pan` runs with run-time choices
in its environment:
- per variant, a search with every `always` assertion and Spin's invalid-end-state check
  (deadlocks); a violation found is recorded, switched off (``EHTTP_SKIP``, or ``pan -E`` for a
  deadlock) and the search repeated, so every property gets its own verdict and the last,
  error-free search gives the state count;
- per `sometimes` property a search with ``EHTTP_WITNESS=k``: an error there is a shortest witness.

Spin's trail is replayed on the lab's `WorldModel`: each step's d_step names the (row, instance)
alternative, the model must have that action enabled (else the two disagree and this module says
so), and the steps are printed in ehttp's words. Spin counts the initial state as a transition
("transitions = stored + matched"); ehttp does not, so one is subtracted. What Spin cannot decide
here (liveness under weak fairness of actions, recoverable) is listed as not checked by this
engine.

No unfinished search passes. After every run of `pan` its output is read for each sign that the
search stopped short: "hash table is full" (the multi-core search's table has a fixed size), states
lost for lack of queue memory, "Search incomplete" or "Search not completed", "max search depth too
small", running out of memory. A full hash table is the one that a rerun can mend: the search runs
again with a table four times larger (`-w` two more), up to `MAX_HASH_BITS`, and later searches
start from the size that sufficed. Any other sign, or a table still full at the bound, makes that
search incomplete: a violation or witness it found stands (its trail is replayed on ehttp's model),
every verdict it would otherwise have given is "unknown", and the report is INCOMPLETE with the
reason, so `ehttp check --engine spin` exits 1.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ehttp.checker import Step
from ehttp.compose.promela import PromelaExport, export_promela
from ehttp.compose.properties import LAB, lab_checks, row_variants
from ehttp.compose.spin_report import SpinProperty, SpinReport, SpinRun, differences
from ehttp.compose.world import World, WorldModel
from ehttp.config.schema import Lab
from ehttp.programs import run_program

__all__ = [
    "INSTALL",
    "MAX_HASH_BITS",
    "SpinError",
    "SpinMissing",
    "SpinProperty",
    "SpinReport",
    "SpinRun",
    "differences",
    "incomplete_reason",
    "pan_count",
    "run_spin",
    "spin_available",
    "spin_version",
]

INSTALL = "apt-get install -y spin gcc"
"""How to install what this engine needs (Debian packages)."""


class SpinMissing(RuntimeError):
    """`spin` or `gcc` is not on the PATH."""


class SpinError(RuntimeError):
    """Spin, gcc or pan failed, or Spin's answer disagrees with the model (one line: what, why)."""


def spin_available() -> str | None:
    """None when `spin` and `gcc` are on the PATH, else the name of the missing program."""
    for program in ("spin", "gcc"):
        if shutil.which(program) is None:
            return program
    return None


def spin_version() -> str:
    """Spin's version line, e.g. "Spin Version 6.5.2 -- 6 December 2019"."""
    found = run_program(["spin", "-V"])
    return found.stdout.decode("utf-8", "replace").strip().strip("()") or "Spin"


@dataclass(frozen=True)
class _Pan:
    states: int
    transitions: int
    depth: int
    seconds: float
    error: str | None
    error_depth: int | None
    trail_lines: tuple[int, ...]
    violated: int | None
    """The number of the `always` property the trail breaks, as the replay printed it."""
    incomplete: str | None = None
    """Why pan's search stopped short (None when it searched everything)."""
    bits: int = 0
    """The hash table size the last run had (`-w`)."""
    rounded: bool = False
    """True when pan printed the states or transitions in `%g` form (see `_COUNT`): from 10**8
    on they are exact to eight significant digits only."""


_COUNT = r"(\d+(?:\.\d+)?(?:e\+\d+)?)"
"""A count as pan prints it: an integer, or in `%g` form from 10**8 on ("1.7372491e+08", eight
significant digits: pan prints matched states and transitions so)."""

_NUMBER = {
    "states": re.compile(rf"^\s*{_COUNT} states, stored", re.M),
    "transitions": re.compile(rf"^\s*{_COUNT} transitions \(= stored\+matched\)", re.M),
    "depth": re.compile(r"depth reached (\d+)"),
    "errors": re.compile(r"errors: (\d+)"),
}
_ERROR = re.compile(r"pan:1: (.*?) \(at depth (\d+)\)")
_VIOLATED = re.compile(r"^ehttp: always (\d+) violated$", re.M)
_LOST = re.compile(rf"^\s*{_COUNT} states lost \(lack of queue memory\)", re.M)

MAX_HASH_BITS = 27
"""The largest hash table a search grows to, as a power of two: 2**27 slots take 1 GB for
the sequential search's pointers and hold ~134 million compacted states in the multi-core one."""


def pan_count(text: str) -> int:
    """A count pan printed (see `_COUNT`); from 10**8 on, to pan's eight significant digits."""
    return int(text) if text.isdigit() else round(float(text))


def incomplete_reason(output: str, bits: int) -> str | None:
    """Why pan's `output` says its search stopped short, in one phrase; None when it did not.

    Read: a full hash table (`-w{bits}`), states lost for lack of queue memory, "Search
    incomplete" / "Search not completed", "max search depth too small", out of memory, a state
    vector or memory arena too small for the model."""
    if "hash table is full" in output or "the hash table is 100 % filled" in output:
        # The multi-core search says "100 % filled" and loses the states it can't store.
        return f"pan's hash table is full at -w{bits}"
    lost = _LOST.search(output)
    if lost is not None and pan_count(lost.group(1)) > 0:
        return f"pan lost {pan_count(lost.group(1)):,} states (lack of queue memory)"
    if "max search depth too small" in output:
        return "pan's max search depth (-m) is too small"
    if "out of memory" in output:
        return "pan ran out of memory"
    if "VECTORSZ" in output and "too small" in output:
        return "pan's state vector (VECTORSZ) is too small"
    if "MA too small" in output:
        return "pan's minimized-automaton size (MA) is too small"
    if "Warning: Search incomplete" in output or "Warning: Search not completed" in output:
        return "pan says the search is incomplete"
    return None


_STEP = re.compile(r"^\s*\d+:\s+proc\s+\d+ \(\w+\) \S+ \(state \d+\)\s+\[D_STEP(\d+)\]", re.M)
"""A step of `pan -r`: a d_step is named by the line it starts on."""


def _command(
    args: Sequence[str],
    where: Path,
    env: dict[str, str] | None = None,
    *,
    check: bool = True,
    stop: Callable[[], bool] | None = None,
) -> str:
    found = run_program(args, cwd=where, env=env, stop=stop)
    stdout = found.stdout.decode("utf-8", "replace")
    stderr = found.stderr.decode("utf-8", "replace")
    if check and found.returncode != 0:
        detail = (stderr or stdout).strip().splitlines()
        raise SpinError(f"{' '.join(args)} failed: {detail[-1] if detail else found.returncode}")
    return stdout + stderr


def _compile(
    text: str,
    where: Path,
    *,
    cores: int,
    bitstate: bool,
    optimize: str,
    stop: Callable[[], bool] | None = None,
) -> Path:
    """`spin -a` and gcc in `where`; the `pan` program they make."""
    where.mkdir()
    (where / "model.pml").write_text(text, encoding="utf-8")
    _command(["spin", "-a", "model.pml"], where, stop=stop)
    flags = ["-DSAFETY", "-DNOREDUCE", "-DNOFAIR"]
    flags += ["-DBFS_PAR", f"-DNCORE={cores}"] if cores > 1 else ["-DBFS"]
    if bitstate:
        flags.append("-DBITSTATE")
    _command(["gcc", optimize, *flags, "-o", "pan", "pan.c"], where, stop=stop)
    return where / "pan"


def _hash_bits(lab: Lab) -> int:
    """The hash table size a lab's searches start from, as a power of two: about 4.5 times more
    states per client and per site system beyond the first two, from ~350 with none; a table far
    too big costs more to clear than the search of a small lab, one too small is grown and the
    search rerun (`_search`)."""
    systems = len(lab.management_points) + len(lab.distribution_points)
    return max(18, min(26, 9 + 2 * len(lab.clients) + 2 * max(0, systems - 2)))


def _search(
    pan: Path,
    where: Path,
    choices: dict[str, str],
    *,
    ignore_deadlocks: bool,
    bits: int,
    stop: Callable[[], bool] | None = None,
) -> _Pan:
    """One search by `pan` in its own folder (its trail file lands there) with the given
    choices; while pan finds its hash table full and no error, again with a table four times
    larger, up to `MAX_HASH_BITS` (each run in a folder of its own)."""
    while True:
        folder = where / f"w{bits}"
        found = _run_pan(
            pan, folder, choices, ignore_deadlocks=ignore_deadlocks, bits=bits, stop=stop
        )
        full = found.incomplete is not None and found.incomplete.startswith("pan's hash table")
        if not full or found.error is not None or bits >= MAX_HASH_BITS:
            return found
        bits = min(bits + 2, MAX_HASH_BITS)


def _run_pan(
    pan: Path,
    where: Path,
    choices: dict[str, str],
    *,
    ignore_deadlocks: bool,
    bits: int,
    stop: Callable[[], bool] | None = None,
) -> _Pan:
    where.mkdir(parents=True)
    env = {**os.environ, **choices}
    flags = [f"-w{bits}", *(["-E"] if ignore_deadlocks else [])]
    started = time.perf_counter()
    output = _command([str(pan), "-m100000000", *flags], where, env, check=False, stop=stop)
    seconds = time.perf_counter() - started
    reason = incomplete_reason(output, bits)
    numbers = {key: pattern.search(output) for key, pattern in _NUMBER.items()}
    missing = [key for key, match in numbers.items() if match is None]
    if missing and reason is None:
        tail = output.strip().splitlines()[-1:] or ["no output"]
        raise SpinError(f"pan printed no {', '.join(missing)}: {tail[0]}")
    error = _ERROR.search(output)
    lines: tuple[int, ...] = ()
    violated: re.Match[str] | None = None
    if error is not None:
        (where / "model.pml").symlink_to(pan.parent / "model.pml")
        replay = _command([str(pan), "-r", *flags], where, env, check=False, stop=stop)
        lines = tuple(int(m.group(1)) for m in _STEP.finditer(replay))
        violated = _VIOLATED.search(replay)

    def value(key: str) -> int:
        match = numbers[key]
        return pan_count(match.group(1)) if match is not None else 0

    return _Pan(
        states=value("states"),
        transitions=max(value("transitions") - 1, 0),
        depth=value("depth"),
        seconds=seconds,
        error=error.group(1) if error else None,
        error_depth=int(error.group(2)) if error else None,
        trail_lines=lines,
        violated=int(violated.group(1)) if violated else None,
        incomplete=reason,
        bits=bits,
        rounded=any(
            match is not None and not match.group(1).isdigit()
            for match in (numbers["states"], numbers["transitions"])
        ),
    )


def _replay(model: WorldModel, export: PromelaExport, lines: Sequence[int]) -> list[World]:
    """The worlds along Spin's trail, each step checked against the model's enabled actions."""
    world = model.initial
    worlds = [world]
    steps: list[str] = []
    for line in lines:
        action = export.steps.get(line)
        if action is None:
            continue
        if action not in set(model.actions(world)):
            raise SpinError(
                f"Spin and ehttp disagree: Spin's trail takes {model.action_name(action)!r} "
                f"({model.env.names[action[0]]}) at model.pml:{line}, which ehttp does not "
                f"enable after {len(steps)} steps"
            )
        after = model.next_state(world, action)
        steps.append(model.describe_step(world, action, after))
        world = after
        worlds.append(world)
    return worlds


def _steps(
    model: WorldModel, export: PromelaExport, lines: Sequence[int]
) -> tuple[Step[World], ...]:
    worlds = _replay(model, export, lines)
    steps = [Step[World](None, worlds[0], "initial state")]  # as the native checker's traces
    actions = [export.steps[line] for line in lines if line in export.steps]
    for before, action, after in zip(worlds, actions, worlds[1:], strict=False):
        text = model.describe_step(before, action, after)
        steps.append(Step[World](model.action_name(action), after, text))
    return tuple(steps)


class _Table:
    """The hash table size the searches share: each starts from the size that sufficed so far
    (a search that found the table full and grew it saves the others the same reruns)."""

    def __init__(self, bits: int) -> None:
        self.bits = bits
        self._lock = threading.Lock()

    def search(
        self,
        pan: Path,
        where: Path,
        choices: dict[str, str],
        *,
        ignore_deadlocks: bool,
        stop: Callable[[], bool] | None = None,
    ) -> _Pan:
        with self._lock:
            bits = self.bits
        found = _search(
            pan, where, choices, ignore_deadlocks=ignore_deadlocks, bits=bits, stop=stop
        )
        with self._lock:
            self.bits = max(self.bits, found.bits)
        return found


_OPTIMIZE_FROM = 5
"""Clients from which the safety searches are compiled with gcc's optimizer: below it a search
takes well under a second unoptimized and compiling dominates."""

_Verdict = tuple[str, str, str, tuple[Step[World], ...]]


def run_spin(lab: Lab, *, cores: int | None = None, bitstate: bool = False) -> SpinReport:
    """Check `lab` with Spin (see the module docstring); raises `SpinMissing` without Spin.

    `cores` is how many workers the safety searches use (-DBFS_PAR -DNCORE=n when more than one;
    default: the machine's); witness searches are sequential breadth-first ones, so that each
    witness is a shortest one, and run side by side.
    """
    missing = spin_available()
    if missing is not None:
        raise SpinMissing(missing)
    started = time.perf_counter()
    cores = cores if cores is not None else min(os.cpu_count() or 1, 8)
    export = export_promela(lab)
    model = WorldModel(lab)
    checks = lab_checks(model)
    models = {LAB: model}
    for variant, rows in row_variants(model).items():
        models[variant] = WorldModel(lab, without=rows)
    unknown = "unknown" if bitstate else None
    optimize = "-O2" if len(lab.clients) >= _OPTIMIZE_FROM else "-O0"
    table = _Table(_hash_bits(lab))
    timings: list[float] = []
    reasons: list[str] = []
    cancelled = threading.Event()

    def safety(pan: Path, folder: Path, variant: str) -> tuple[SpinRun, list[_Verdict]]:
        number = export.variants[variant]
        skipped: list[int] = []
        ignore = False
        found_verdicts: list[_Verdict] = []
        deadlock = [
            c.prop.name for c in checks if c.variant == variant and c.prop.kind == "deadlock-free"
        ]
        ignore = not deadlock
        for attempt in range(len(export.always) + 2):
            choices = {"EHTTP_VARIANT": str(number), "EHTTP_SKIP": ",".join(map(str, skipped))}
            where = folder / f"safety-{number}-{attempt}"
            found = table.search(
                pan, where, choices, ignore_deadlocks=ignore, stop=cancelled.is_set
            )
            timings.append(found.seconds)
            if found.error is None:
                break
            trace = _steps(models[variant], export, found.trail_lines)
            if found.error.startswith("invalid end state") and not ignore:
                found_verdicts.append((variant, deadlock[0], "violated", trace))
                ignore = True
            elif found.violated is not None:
                always = found.violated
                prop = export.always[always - 1]
                found_verdicts.append((prop.variant, prop.name, "violated", trace))
                skipped.append(always)
            else:
                raise SpinError(f"pan reported an error no property explains: {found.error}")
        decided = {name for _v, name, _w, _t in found_verdicts}
        names = [p.name for p in export.always if p.variant == variant] + deadlock
        # An unfinished search decides nothing it did not find: no "holds" from it.
        rest = unknown or ("unknown" if found.incomplete else "holds")
        found_verdicts += [(variant, name, rest, ()) for name in names if name not in decided]
        if found.incomplete:
            reasons.append(f"variant {variant!r}: {found.incomplete}")
        run = SpinRun(
            variant,
            "safety",
            found.states,
            found.transitions,
            found.depth,
            found.seconds,
            not bitstate and found.incomplete is None,
            found.incomplete,
            found.rounded,
        )
        return run, found_verdicts

    def witness(pan: Path, folder: Path, k: int) -> list[_Verdict]:
        w = export.witnesses[k - 1]
        choices = {"EHTTP_WITNESS": str(k), "EHTTP_VARIANT": str(export.variants[w.variant])}
        found = table.search(
            pan, folder / f"witness-{k}", choices, ignore_deadlocks=True, stop=cancelled.is_set
        )
        timings.append(found.seconds)
        if found.error is None:
            if found.incomplete:
                reasons.append(f"witness of {w.name!r}: {found.incomplete}")
                return [(w.variant, w.name, "unknown", ())]
            return [(w.variant, w.name, unknown or "violated", ())]
        return [(w.variant, w.name, "holds", _steps(models[w.variant], export, found.trail_lines))]

    with (
        tempfile.TemporaryDirectory(prefix="ehttp-spin-") as name,
        ThreadPoolExecutor(max_workers=max(cores, 1)) as pool,
    ):
        folder = Path(name)

        def build(kind: str, workers: int, level: str) -> Path:
            return _compile(
                export.text,
                folder / kind,
                cores=workers,
                bitstate=bitstate,
                optimize=level,
                stop=cancelled.is_set,
            )

        # Ctrl-C may come as soon as the first compilation starts, while the searches are still
        # being submitted: the submissions are inside the `try`, so that it, too, ends them all.
        try:
            parallel = pool.submit(build, "parallel", cores, optimize)
            sequential = pool.submit(build, "sequential", 1, "-O0") if cores > 1 else parallel
            safeties = [
                pool.submit(lambda v: safety(parallel.result(), folder, v), variant)
                for variant in models
            ]
            witnesses = [
                pool.submit(lambda k: witness(sequential.result(), folder, k), w.number)
                for w in export.witnesses
            ]
            runs = [task.result()[0] for task in safeties]
            verdicts = {
                (variant, name): (word, trace)
                for task in safeties
                for variant, name, word, trace in task.result()[1]
            }
            for task in witnesses:
                for variant, name, word, trace in task.result():
                    verdicts[variant, name] = (word, trace)
        except BaseException:
            # Ctrl-C (or a failure) in one search ends them all: the threads' programs run in
            # process groups of their own, so nothing else stops them.
            cancelled.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    decided: list[SpinProperty] = []
    not_checked: list[SpinProperty] = []
    for c in checks:
        prop = c.prop
        if (c.variant, prop.name) in verdicts:
            word, trace = verdicts[c.variant, prop.name]
            decided.append(
                SpinProperty(c.variant, prop.name, prop.kind, prop.requirements, word, trace)
            )
        else:
            not_checked.append(
                SpinProperty(c.variant, prop.name, prop.kind, prop.requirements, "not checked")
            )
    return SpinReport(
        lab=lab,
        export=export,
        runs=tuple(runs),
        properties=tuple(decided),
        not_checked=tuple(not_checked),
        seconds=time.perf_counter() - started,
        searched=sum(timings),
        bitstate=bitstate,
        cores=cores,
        version=spin_version(),
        reasons=tuple(reasons),
        hash_bits=table.bits,
    )
