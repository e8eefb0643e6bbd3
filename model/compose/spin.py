"""Check a lab with Spin: the Promela export through `spin -a`, gcc and `pan`.

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
from typing import Any

from ehttp.checker import Step
from ehttp.compose.checking import LabCheck
from ehttp.compose.promela import PromelaExport, export_promela
from ehttp.compose.properties import LAB, lab_checks, row_variants
from ehttp.compose.world import World, WorldModel
from ehttp.config.schema import Lab
from ehttp.programs import run_program

__all__ = [
    "INSTALL",
    "SpinError",
    "SpinMissing",
    "SpinProperty",
    "SpinReport",
    "SpinRun",
    "differences",
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
class SpinRun:
    """A variant's error-free safety search: Spin's figures (transitions as ehttp counts them)."""

    variant: str
    purpose: str
    states: int
    transitions: int
    depth: int
    seconds: float
    complete: bool


@dataclass(frozen=True)
class SpinProperty:
    """Spin's verdict on one property, with its trace as ehttp's steps (ehttp's verdict words).

    The trace is Spin's trail replayed on ehttp's model: the same `Step` values (action, world,
    text) as the native checker's traces, beginning with the initial state.
    """

    variant: str
    name: str
    kind: str
    requirements: tuple[str, ...]
    verdict: str
    trace: tuple[Step[World], ...] = ()

    @property
    def holds(self) -> bool:
        """True only for the verdict "holds"."""
        return self.verdict == "holds"

    @property
    def length(self) -> int | None:
        """Steps in the witness or counterexample (None without a trace)."""
        return len(self.trace) - 1 if self.trace else None


@dataclass(frozen=True)
class SpinReport:
    """Everything `ehttp check --engine spin` reports about a lab."""

    lab: Lab
    export: PromelaExport
    runs: tuple[SpinRun, ...]
    properties: tuple[SpinProperty, ...]
    not_checked: tuple[SpinProperty, ...]
    seconds: float
    searched: float
    """Seconds `pan` spent searching, over every search (`seconds` adds compiling and the rest)."""
    bitstate: bool
    cores: int
    version: str

    def main(self, variant: str = LAB) -> SpinRun:
        """The error-free safety search of `variant`: its figures are the state count."""
        return next(r for r in self.runs if r.variant == variant)

    @property
    def complete(self) -> bool:
        """Every run searched the whole state space (never with -DBITSTATE)."""
        return all(run.complete for run in self.runs)

    @property
    def passed(self) -> bool:
        """Complete, and every property Spin decides holds."""
        return self.complete and all(p.holds for p in self.properties)

    def to_json(self) -> dict[str, Any]:
        """The figures, every verdict with its trace, and what this engine leaves out; trace
        steps have the shape of `ehttp check --json`'s (action, state, text)."""
        main = self.main()
        state_to_json = WorldModel(self.lab).state_to_json

        def prop(p: SpinProperty) -> dict[str, Any]:
            return {
                "id": p.name,
                "kind": p.kind,
                "requirements": list(p.requirements),
                "verdict": p.verdict,
                "holds": p.holds,
                "variant": p.variant,
                "trace": [
                    {"action": s.action, "state": state_to_json(s.state), "text": s.text}
                    for s in p.trace
                ],
            }

        return {
            "engine": "spin",
            "spin": self.version,
            "lab": self.lab.name,
            "clients": len(self.lab.clients),
            "states": main.states,
            "transitions": main.transitions,
            "diameter": main.depth,
            "seconds": round(self.seconds, 3),
            "complete": self.complete,
            "bitstate": self.bitstate,
            "cores": self.cores,
            "variants": [
                {"variant": r.variant, "states": r.states, "transitions": r.transitions}
                for r in self.runs
                if r.purpose == "safety"
            ],
            "properties": [prop(p) for p in self.properties],
            "not_checked": [prop(p) for p in self.not_checked],
        }


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


_NUMBER = {
    "states": re.compile(r"^\s*(\d+) states, stored", re.M),
    "transitions": re.compile(r"^\s*(\d+) transitions \(= stored\+matched\)", re.M),
    "depth": re.compile(r"depth reached (\d+)"),
    "errors": re.compile(r"errors: (\d+)"),
}
_ERROR = re.compile(r"pan:1: (.*?) \(at depth (\d+)\)")
_VIOLATED = re.compile(r"^ehttp: always (\d+) violated$", re.M)
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
    """Hash table slots as a power of two: about 4.5 times more states per client, from ~350 with
    none; a table far too big costs more to clear than the search of a small lab."""
    return max(18, min(26, 9 + 2 * len(lab.clients)))


def _search(
    pan: Path,
    where: Path,
    choices: dict[str, str],
    *,
    ignore_deadlocks: bool,
    bits: int,
    stop: Callable[[], bool] | None = None,
) -> _Pan:
    """One run of `pan` in its own folder (its trail file lands there) with the given choices."""
    where.mkdir()
    env = {**os.environ, **choices}
    flags = [f"-w{bits}", *(["-E"] if ignore_deadlocks else [])]
    started = time.perf_counter()
    output = _command([str(pan), "-m100000000", *flags], where, env, check=False, stop=stop)
    seconds = time.perf_counter() - started
    numbers = {key: pattern.search(output) for key, pattern in _NUMBER.items()}
    missing = [key for key, match in numbers.items() if match is None]
    if missing:
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
        assert match is not None
        return int(match.group(1))

    return _Pan(
        states=value("states"),
        transitions=value("transitions") - 1,
        depth=value("depth"),
        seconds=seconds,
        error=error.group(1) if error else None,
        error_depth=int(error.group(2)) if error else None,
        trail_lines=lines,
        violated=int(violated.group(1)) if violated else None,
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
    bits = _hash_bits(lab)
    timings: list[float] = []
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
            found = _search(
                pan, where, choices, ignore_deadlocks=ignore, bits=bits, stop=cancelled.is_set
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
        found_verdicts += [
            (variant, name, unknown or "holds", ()) for name in names if name not in decided
        ]
        run = SpinRun(
            variant,
            "safety",
            found.states,
            found.transitions,
            found.depth,
            found.seconds,
            not bitstate,
        )
        return run, found_verdicts

    def witness(pan: Path, folder: Path, k: int) -> list[_Verdict]:
        w = export.witnesses[k - 1]
        choices = {"EHTTP_WITNESS": str(k), "EHTTP_VARIANT": str(export.variants[w.variant])}
        found = _search(
            pan,
            folder / f"witness-{k}",
            choices,
            ignore_deadlocks=True,
            bits=bits,
            stop=cancelled.is_set,
        )
        timings.append(found.seconds)
        if found.error is None:
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
        try:
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
    )


def differences(spin: SpinReport, native: LabCheck) -> list[str]:
    """Where Spin and ehttp's own checker (run without symmetry reduction) disagree.

    Compared: each variant's states and transitions (unless ehttp stopped that variant once
    every witness was found, "decided": its figures are then what it explored), the diameter,
    and for every property Spin decides its verdict and the length of its witness or
    counterexample. Each difference names both figures; an empty list means they agree.
    """
    found: list[str] = []
    if native.main.symmetry:
        found.append("ehttp's figures are symmetry-reduced; run it with symmetry=False")
    for variant in native.variants:
        ours = variant.result
        theirs = next((r for r in spin.runs if r.variant == variant.variant), None)
        if theirs is None or ours.stopped_reason == "decided":
            continue
        for what, a, b in (
            ("states", theirs.states, ours.states),
            ("transitions", theirs.transitions, ours.transitions),
        ):
            if a != b:
                found.append(f"{variant.variant}: {what}: Spin {a:,}, ehttp {b:,}")
    main = spin.main()
    if main.depth != native.main.diameter:
        found.append(f"lab: diameter: Spin {main.depth}, ehttp {native.main.diameter}")
    by_name = {(variant, p.name): p for variant, p in native.properties}
    for prop in spin.properties:
        other = by_name.get((prop.variant, prop.name))
        if other is None:
            found.append(f"{prop.name}: Spin judged it, ehttp has no such property")
            continue
        if prop.verdict != other.verdict:
            found.append(f"{prop.name}: verdict: Spin {prop.verdict}, ehttp {other.verdict}")
        length = len(other.trace) - 1 if other.trace else None
        if prop.length != length:
            found.append(f"{prop.name}: trace length: Spin {prop.length}, ehttp {length}")
    return found
