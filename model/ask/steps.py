"""A step of an answer's path: the checker's trace step with the minutes so far and who acts.

`whatif` and `diagnose` show paths (shortest paths, lassos, witnesses) in minutes. Each step is
the generic checker's step (`ehttp.checker.Step`: the action's declared name, None for the start;
the world reached; the text users read) with the minutes so far and whether the administrator
or the system takes it. As JSON it has the shape of `ehttp check --json`'s trace steps
(`specs/schemas/envelope.json` `traceStep`: action, state, text) plus `minutes` and `actor`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ehttp.checker import PropertyResult
from ehttp.compose.world import Action, World, WorldModel
from ehttp.machines.clock import QUANTUM_MINUTES, TICK

__all__ = ["TimedStep", "lasso_lines", "step_json", "timed_step", "trace_steps"]

_STAY = "it stays so forever"


@dataclass(frozen=True)
class TimedStep:
    """One step of a path: the minutes so far, who acts, the action's declared name (None for
    the world a path starts from), the world reached, and what happens."""

    minutes: int
    administrator: bool
    action: str | None
    world: World
    text: str


def timed_step(
    model: WorldModel, quanta: int, before: World, action: Action, after: World
) -> TimedStep:
    """The step `action` takes from `before` to `after`, `quanta` clock steps from the start."""
    return TimedStep(
        quanta * QUANTUM_MINUTES,
        not model.is_fair(action),
        model.action_name(action),
        after,
        model.describe_step(before, action, after),
    )


def trace_steps(model: WorldModel, result: PropertyResult[World]) -> tuple[TimedStep, ...]:
    """A checker trace (its first step the start) as timed steps."""
    admin = {row.name for m in model.env.machines for row in m.local_rows if not row.fair}
    steps: list[TimedStep] = []
    quanta = 0
    for step in result.trace:
        if step.action == TICK:
            quanta += 1
        administrator = step.action is not None and step.action in admin
        steps.append(
            TimedStep(quanta * QUANTUM_MINUTES, administrator, step.action, step.state, step.text)
        )
    return tuple(steps)


def lasso_lines(steps: tuple[TimedStep, ...], loop_from: int | None = None) -> tuple[str, ...]:
    """A trace as lines with the minutes so far, the start left out (unless the run stutters
    there), marking where a lasso loops."""
    lines: list[str] = []
    for number, step in enumerate(steps):
        if number == 0:
            if "stutters" in step.text:
                lines.append(f"[  0 min] no system step follows; {_STAY}")
            continue
        loops = loop_from == number and number < len(steps) - 1
        mark = "  <- the run loops back here" if loops else ""
        lines.append(f"[{step.minutes:>3} min] {step.text}{mark}")
    return tuple(lines)


def step_json(model: WorldModel, step: TimedStep) -> dict[str, Any]:
    """The step as JSON: `ehttp check --json`'s trace step, plus the minutes and the actor."""
    actor: Literal["administrator", "system"] = "administrator" if step.administrator else "system"
    return {
        "action": step.action,
        "state": model.state_to_json(step.world),
        "text": step.text,
        "minutes": step.minutes,
        "actor": actor,
    }
