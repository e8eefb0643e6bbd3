"""Run every property of a lab against every mutant of the declarations: derive the mutants, run
each (`model/audit/mutant_run.py`, in forked worker processes where the platform forks) and gather
what each property killed (`model/audit/results.py`)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence

from ehttp.audit.mutant_run import (
    STATE_BUDGET,
    Base,
    BaseFailed,
    BaseStopped,
    Bounds,
    Checks,
    lab_lockstep,
    lab_on,
    property_key,
    run_mutant,
)
from ehttp.audit.mutants import REDIRECT_LIMIT, Mutant, derive_mutants
from ehttp.audit.results import AuditResult, MutantResult, PropertyStrength, Status
from ehttp.audit.table_mutants import derive_table_mutants
from ehttp.audit.unconstrained import Survivor, match_unconstrained
from ehttp.checker import ProgressInfo, Property
from ehttp.compose.properties import lab_checks
from ehttp.compose.world import World
from ehttp.config.schema import Lab

__all__ = [
    "STATE_BUDGET",
    "AuditResult",
    "BaseFailed",
    "Checks",
    "MutantResult",
    "PropertyStrength",
    "Status",
    "lab_lockstep",
    "run_audit",
]


def _strengths(
    order: Sequence[tuple[str, Property[World]]], results: Sequence[MutantResult]
) -> tuple[PropertyStrength, ...]:
    strengths = []
    for variant, prop in order:
        key = property_key(variant, prop.name)
        killed: list[str] = []
        best: tuple[str, int | None] | None = None
        for result in results:
            if key not in result.killed_by:
                continue
            killed.append(result.mutant.id)
            if result.mutant.same_as is not None:
                continue
            length = result.lengths[result.killed_by.index(key)]
            if best is None or (length is not None and (best[1] is None or length < best[1])):
                best = (result.mutant.id, length)
        strengths.append(
            PropertyStrength(
                key, prop.name, variant, prop.kind, prop.requirements, tuple(killed), best
            )
        )
    return tuple(strengths)


_POLL_SECONDS = 0.25
"""How often the audit asks the time limit and Ctrl-C while its workers judge mutants."""

_SHARED: list[tuple[Base, tuple[Mutant, ...]]] = []
"""The unmutated lab and the mutants, for the worker processes (inherited when forked: a
mutant's guards are closures, which do not pickle)."""

_Outcome = tuple[int, Status, tuple[str, ...], tuple[int | None, ...], str, bool]


def _ignore_ctrl_c() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops handing out mutants)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_worker(number: int) -> _Outcome:
    base, mutants = _SHARED[0]
    result = run_mutant(base, mutants[number])
    return (
        number,
        result.status,
        result.killed_by,
        result.lengths,
        result.behaviour,
        result.complete,
    )


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def run_audit(
    lab: Lab,
    *,
    unconstrained: Sequence[Survivor] = (),
    max_seconds: float | None = None,
    redirect_limit: int = REDIRECT_LIMIT,
    only: Iterable[Mutant] | None = None,
    workers: int | None = None,
    checks: Checks = lab_checks,
    progress: Callable[[int, int, MutantResult], None] | None = None,
    stop: Callable[[], bool] | None = None,
    base_progress: Callable[[ProgressInfo], None] | None = None,
    phase: Callable[[str], None] | None = None,
) -> AuditResult:
    """Audit `lab`: derive the mutants (or take `only`), run each, gather the strengths.

    `unconstrained` are the survivors listed as left open by the seed; one that matches no mutant
    of the declarations raises `UnconstrainedError` (a stale entry). Mutants run in
    `workers` processes (default: up to two, forked, where the platform forks); results do not
    depend on how many. `checks` builds the properties measured (tests measure other ones).
    `stop` is a stop request (Ctrl-C). The time limit and `stop` bound every check the audit
    runs: the unmutated lab's (its search's progress told to `base_progress`, its phases to
    `phase`, as `ehttp check` tells them, then "judging mutants") and each mutant's. A mutant
    whose check they cut, and every mutant after it, is "not-run"; when they cut the unmutated
    lab's check, every mutant is, and `base_stopped` says where it stopped.
    """
    started = time.perf_counter()
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    base: Base | None = None
    base_stopped: str | None = None
    try:
        base = Base(lab, checks, Bounds(deadline, stop, base_progress, phase))
    except BaseStopped as cut:
        base_model, order = cut.model, cut.order
        seconds = time.perf_counter() - started
        base_stopped = f"{cut.reason} after {seconds:.1f} s, at {cut.states:,} worlds"
    else:
        base_model, order = base.model, base.order
    machines = tuple(dict.fromkeys(base_model.env.machines))
    every, _ = derive_mutants(machines, redirect_limit=sys.maxsize)
    listed = match_unconstrained(unconstrained, every)
    redirects_total = 0
    if only is None:
        mutants, redirects_total = derive_mutants(machines, redirect_limit=redirect_limit)
        mutants += derive_table_mutants()
    else:
        mutants = tuple(only)
    ran: dict[int, MutantResult] = {}
    jobs = [(n, m) for n, m in enumerate(mutants) if m.same_as is None and base is not None]
    count = 0

    def out_of_time() -> bool:
        if stop is not None and stop():
            return True
        return max_seconds is not None and time.perf_counter() - started > max_seconds

    def record(result: MutantResult, number: int) -> None:
        nonlocal count
        if result.status == "not-run":  # its check was cut: the time is up, or Ctrl-C came
            return
        ran[number] = result
        count += 1
        if progress is not None:
            # Counted out of every mutant, as the header and the summary count them: those that
            # behave as a removal are judged with it and never run, so they count from the start.
            progress(count + len(mutants) - len(jobs), len(mutants), result)

    if phase is not None and jobs:
        phase("judging mutants")
    pool_size = _workers(workers)
    if base is None or not jobs:
        pass
    elif pool_size == 1:
        for number, mutant in jobs:
            if out_of_time():
                break
            record(run_mutant(base, mutant), number)
    else:
        _SHARED[:] = [(base, mutants)]
        context = multiprocessing.get_context("fork")
        with context.Pool(pool_size, initializer=_ignore_ctrl_c) as pool:
            outcomes = pool.imap_unordered(_in_worker, [n for n, _ in jobs])
            waiting = len(jobs)
            # Asked again every _POLL_SECONDS while a mutant runs, so Ctrl-C and the time limit
            # end the audit then, not when the next mutant ends.
            while waiting and not out_of_time():
                try:
                    outcome = outcomes.next(timeout=_POLL_SECONDS)
                except multiprocessing.TimeoutError:
                    continue
                waiting -= 1
                number, status, killed_by, lengths, behaviour, complete = outcome
                record(
                    MutantResult(
                        mutants[number], status, killed_by, lengths, behaviour, complete=complete
                    ),
                    number,
                )
            if waiting:
                pool.terminate()
        _SHARED.clear()
    by_id = {mutants[n].id: r for n, r in ran.items()}
    results: list[MutantResult] = []
    for number, mutant in enumerate(mutants):
        found = ran.get(number)
        if found is None and mutant.same_as is not None and mutant.same_as in by_id:
            copy = by_id[mutant.same_as]
            found = MutantResult(
                mutant, copy.status, copy.killed_by, copy.lengths, copy.behaviour, None
            )
        if found is None:
            found = MutantResult(mutant, "not-run")
        entry = listed.get(mutant.where)
        if found.status == "survived" and mutant.replaced is not None and mutant.same_as is None:
            assert base is not None  # a mutant ran against it
            found = MutantResult(
                mutant,
                found.status,
                behaviour=found.behaviour,
                unconstrained=None if entry is None else entry.sentence,
                complete=found.complete,
                lab=lab_on(base, mutant),
            )
        elif found.status == "survived" and entry is not None:
            found = MutantResult(
                mutant, found.status, behaviour=found.behaviour, unconstrained=entry.sentence
            )
        results.append(found)
    return AuditResult(
        lab=lab,
        properties=_strengths(order, results),
        mutants=tuple(results),
        redirects_total=redirects_total,
        redirects_limit=redirect_limit,
        seconds=time.perf_counter() - started,
        base_stopped=base_stopped,
    )
