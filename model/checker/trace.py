"""Turning a path of stored states into a concrete, replayable trace.

Under symmetry reduction the stored states are class representatives, so the path is replayed
from a concrete initial state: at each step the checker picks an enabled action whose successor
has the next stored state as its representative (TLC reconstructs its symmetric traces the same
way). Every step of a trace is therefore a real `next_state` step of the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic

from ehttp.checker.explore import Exploration
from ehttp.checker.model import A, Model, S

__all__ = ["ModelError", "Step", "replay_path"]

STUTTER_NOTE = "then stutters forever: no fair action is enabled here"


class ModelError(ValueError):
    """The model broke the checker's contract (e.g. a canonical form that is not a symmetry)."""


@dataclass(frozen=True)
class Step(Generic[S]):
    """One step of a trace: the declared name of the action taken (None for the initial state),
    the concrete state reached, and the human text for the step."""

    action: str | None
    state: S
    text: str


def replay_path(
    model: Model[S, A],
    graph: Exploration[S, A],
    path: Sequence[int],
    via: Sequence[int | None],
    *,
    canonicalize: bool,
    stutter: bool = False,
) -> tuple[Step[S], ...]:
    """Concrete steps along ``path``; ``via[k]``, when given, is the action id to take into it."""
    concrete = graph.initial[path[0]]
    steps = [Step[S](None, concrete, "initial state")]
    for k in range(1, len(path)):
        wanted = graph.states[path[k]]
        forced = via[k]
        candidates = model.actions(concrete) if forced is None else (graph.actions[forced],)
        for action in candidates:
            after = model.next_state(concrete, action)
            key = model.canonical(after) if canonicalize else after
            if key == wanted:
                text = model.describe_step(concrete, action, after)
                steps.append(Step[S](model.action_name(action), after, text))
                concrete = after
                break
        else:
            raise ModelError(
                f"canonical: no action from {concrete!r} reaches a state whose canonical form is "
                f"{wanted!r}; the model's canonical() must map symmetric states to one "
                "representative and its actions must commute with that symmetry"
            )
    if stutter:
        last = steps[-1]
        steps[-1] = Step[S](last.action, last.state, f"{last.text}; {STUTTER_NOTE}")
    return tuple(steps)
