"""Check a lab with Spin: the Promela export through `spin -a`, gcc and `pan`.

`ehttp check --engine spin` runs this. The export (`model/views/promela.py`) is compiled once per
run of `pan`, breadth-first (`-DBFS`, so every error trail is a shortest one) with the safety
checks only (`-DSAFETY`, no partial-order reduction, so Spin's stored states and transitions are
ehttp's own, unreduced):
- per variant one run with every `always` assertion and Spin's invalid-end-state check
  (deadlocks); a violation found is recorded, its assertion switched off (``-DSKIP_ALWAYS_k``, or
  ``pan -E`` for deadlocks) and the run repeated, so every property gets its own verdict and the
  last, error-free run gives the state count;
- per `sometimes` property one run with ``-DWITNESS=k``: an error there is a shortest witness.

Spin's trail is replayed on the lab's `WorldModel`: each step's source line names the
(row, instance) alternative, the model must have that action enabled (else the two disagree and
this module says so), and the steps are printed in ehttp's words. Spin counts the initial state
as a transition ("transitions = stored + matched"); ehttp does not, so one is subtracted.

Modeling assumption: none; what Spin cannot decide here (liveness under weak fairness of actions,
recoverable) is listed as not checked by this engine.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from model.compose.properties import LAB, VARIANT_WITHOUT, lab_checks
from model.compose.world import World, WorldModel
from model.config.schema import Lab
from model.views.promela import PromelaExport, export_promela

__all__ = [
    "INSTALL",
    "SpinError",
    "SpinMissing",
    "SpinProperty",
    "SpinReport",
    "SpinRun",
    "run_spin",
    "spin_available",
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


@dataclass(frozen=True)
class SpinRun:
    """One `pan` search: what it was for, and Spin's figures (transitions as ehttp counts them)."""

    variant: str
    purpose: str
    states: int
    transitions: int
    depth: int
    seconds: float
    complete: bool


@dataclass(frozen=True)
class SpinProperty:
    """Spin's verdict on one property, with its trace in ehttp's words (ehttp's verdict words)."""

    variant: str
    name: str
    kind: str
    requirements: tuple[str, ...]
    verdict: str
    trace: tuple[str, ...] = ()

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
    bitstate: bool
    cores: int

    def main(self, variant: str = LAB) -> SpinRun:
        """The last, error-free safety run of `variant`: its figures are the state count."""
        return [r for r in self.runs if r.variant == variant and r.purpose == "safety"][-1]

    @property
    def complete(self) -> bool:
        """Every run searched the whole state space (never with -DBITSTATE)."""
        return all(run.complete for run in self.runs)

    @property
    def passed(self) -> bool:
        """Complete, and every property Spin decides holds."""
        return self.complete and all(p.holds for p in self.properties)


@dataclass(frozen=True)
class _Pan:
    states: int
    transitions: int
    depth: int
    seconds: float
    error: str | None
    error_depth: int | None
    trail_lines: tuple[int, ...]


_NUMBER = {
    "states": re.compile(r"^\s*(\d+) states, stored", re.M),
    "transitions": re.compile(r"^\s*(\d+) transitions \(= stored\+matched\)", re.M),
    "depth": re.compile(r"depth reached (\d+)"),
    "errors": re.compile(r"errors: (\d+)"),
}
_ERROR = re.compile(r"pan:1: (.*?) \(at depth (\d+)\)")
_STEP = re.compile(r"^\s*\d+:\s+proc\s+\d+ \(\w+\) \S+ \(state \d+\)\s+\[D_STEP(\d+)\]", re.M)
"""A step of `pan -r`: a d_step is named by the line it starts on."""


def _command(args: Sequence[str], where: Path) -> str:
    found = subprocess.run(args, cwd=where, capture_output=True, text=True, check=False)
    if found.returncode != 0 and args[0] != "./pan":
        detail = (found.stderr or found.stdout).strip().splitlines()
        raise SpinError(f"{' '.join(args)} failed: {detail[-1] if detail else found.returncode}")
    return found.stdout + found.stderr


def _pan(
    text: str,
    defines: Sequence[str],
    *,
    ignore_deadlocks: bool,
    bitstate: bool,
    cores: int,
    optimize: str,
) -> _Pan:
    with tempfile.TemporaryDirectory(prefix="ehttp-spin-") as folder:
        where = Path(folder)
        (where / "model.pml").write_text(text, encoding="utf-8")
        _command(["spin", *(f"-D{d}" for d in defines), "-a", "model.pml"], where)
        flags = ["-DSAFETY", "-DNOREDUCE", "-DNOFAIR"]
        flags += ["-DBFS_PAR", f"-DNCORE={cores}"] if cores > 1 else ["-DBFS"]
        if bitstate:
            flags.append("-DBITSTATE")
        _command(["gcc", optimize, *flags, "-o", "pan", "pan.c"], where)
        started = time.perf_counter()
        output = _command(["./pan", "-m10000000", *(["-E"] if ignore_deadlocks else [])], where)
        seconds = time.perf_counter() - started
        numbers = {key: pattern.search(output) for key, pattern in _NUMBER.items()}
        missing = [key for key, match in numbers.items() if match is None]
        if missing:
            tail = output.strip().splitlines()[-1:] or ["no output"]
            raise SpinError(f"pan printed no {', '.join(missing)}: {tail[0]}")
        error = _ERROR.search(output)
        lines: tuple[int, ...] = ()
        if error is not None:
            replay = _command(["./pan", "-r", *(["-E"] if ignore_deadlocks else [])], where)
            lines = tuple(int(m.group(1)) for m in _STEP.finditer(replay))

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


def _words(model: WorldModel, export: PromelaExport, lines: Sequence[int]) -> tuple[str, ...]:
    worlds = _replay(model, export, lines)
    texts = ["initial state"]  # as the native checker's traces begin
    actions = [export.steps[line] for line in lines if line in export.steps]
    for before, action, after in zip(worlds, actions, worlds[1:], strict=False):
        texts.append(model.describe_step(before, action, after))
    return tuple(texts)


def run_spin(
    lab: Lab,
    *,
    cores: int | None = None,
    bitstate: bool = False,
    optimize: str = "-O2",
) -> SpinReport:
    """Check `lab` with Spin (see the module docstring); raises `SpinMissing` without Spin."""
    missing = spin_available()
    if missing is not None:
        raise SpinMissing(missing)
    started = time.perf_counter()
    cores = cores if cores is not None else min(os.cpu_count() or 1, 8)
    export = export_promela(lab)
    model = WorldModel(lab)
    checks = lab_checks(model)
    models = {LAB: model}
    for variant, rows in VARIANT_WITHOUT.items():
        models[variant] = WorldModel(lab, without=rows)
    by_name = {(c.variant, c.prop.name): c.prop for c in checks}

    def pan(defines: Sequence[str], ignore: bool, parallel: bool) -> _Pan:
        return _pan(
            export.text,
            defines,
            ignore_deadlocks=ignore,
            bitstate=bitstate,
            cores=cores if parallel else 1,
            optimize=optimize,
        )

    runs: list[SpinRun] = []
    verdicts: dict[tuple[str, str], SpinProperty] = {}

    def verdict(variant: str, name: str, word: str, trace: tuple[str, ...] = ()) -> None:
        prop = by_name[variant, name]
        verdicts[variant, name] = SpinProperty(
            variant, name, prop.kind, prop.requirements, word, trace
        )

    for variant in models:
        switch = [] if variant == LAB else [export.switches[variant]]
        skipped: list[str] = []
        ignore = False
        deadlock_name = next(
            (
                c.prop.name
                for c in checks
                if c.variant == variant and c.prop.kind == "deadlock-free"
            ),
            None,
        )
        while True:
            found = pan([*switch, *skipped], ignore, parallel=True)
            if found.error is None:
                runs.append(
                    SpinRun(
                        variant,
                        "safety",
                        found.states,
                        found.transitions,
                        found.depth,
                        found.seconds,
                        not bitstate,
                    )
                )
                break
            trace = _words(models[variant], export, found.trail_lines)
            last = found.trail_lines[-1] if found.trail_lines else None
            if found.error.startswith("invalid end state") and deadlock_name is not None:
                verdict(variant, deadlock_name, "violated", trace)
                ignore = True
            elif last in export.assertions:
                number = export.assertions[last]
                prop = export.always[number - 1]
                verdict(prop.variant, prop.name, "violated", trace)
                skipped.append(f"SKIP_ALWAYS_{number}")
            else:
                raise SpinError(f"pan reported an error no property explains: {found.error}")
        for prop in export.always:
            if prop.variant == variant and (variant, prop.name) not in verdicts:
                verdict(variant, prop.name, "holds" if not bitstate else "unknown")
        if deadlock_name is not None and (variant, deadlock_name) not in verdicts:
            verdict(variant, deadlock_name, "holds" if not bitstate else "unknown")

    def witness(number: int) -> tuple[int, _Pan]:
        variant = export.witnesses[number - 1].variant
        switch = [] if variant == LAB else [export.switches[variant]]
        return number, pan([*switch, f"WITNESS={number}"], True, parallel=False)

    with ThreadPoolExecutor(max_workers=max(cores, 1)) as pool:
        found_witnesses = list(pool.map(witness, [w.number for w in export.witnesses]))
    for number, found in found_witnesses:
        w = export.witnesses[number - 1]
        if found.error is not None:
            trace = _words(models[w.variant], export, found.trail_lines)
            verdict(w.variant, w.name, "holds", trace)
        else:
            verdict(w.variant, w.name, "violated" if not bitstate else "unknown")
    decided = []
    not_checked = []
    for c in checks:
        key = (c.variant, c.prop.name)
        if key in verdicts:
            decided.append(verdicts[key])
        else:
            not_checked.append(
                SpinProperty(
                    c.variant, c.prop.name, c.prop.kind, c.prop.requirements, "not checked"
                )
            )
    return SpinReport(
        lab=lab,
        export=export,
        runs=tuple(runs),
        properties=tuple(decided),
        not_checked=tuple(not_checked),
        seconds=time.perf_counter() - started,
        bitstate=bitstate,
        cores=cores,
    )
