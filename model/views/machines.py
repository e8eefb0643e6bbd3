"""The `transitions` view of each declared machine (STYLE.md rule 1: one declaration, many views).

Each `ehttp.machines.machine.Machine` becomes a `transitions.Machine` with the same states and one
transition per row and source state: a local row under the trigger of its name, a reaction row under
the trigger of the event it reacts to (one trigger sent to several models, as the composition does).
Nothing is added by hand: `auto_transitions=False`, guards are callables, and the model object is a
plain `Context` holding what a guard reads (the lab's `Env`, the world before the step and the
instance's index). Callers fire triggers through `machine.events[name]`, which a type checker sees,
rather than through methods that `transitions` attaches to the model at run time.

`bind` attaches one `Context` per lab and `fire` moves it to the world and instance asked about,
so that asking many questions does not re-attach a model each time.

`tests/test_views.py` proves the view and the declaration agree on every reachable world of the
default lab: same enabled rows, same destination states, same states and edges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from transitions import EventData
from transitions import Machine as TransitionsMachine

from ehttp.compose.world import Env, World
from ehttp.machines.machine import Machine, Row

__all__ = ["Context", "MachineView", "bind", "build_view", "fire"]


class Context:
    """The `transitions` model: one instance's control state and what its guards read.

    `transitions` writes `state` and attaches trigger helpers to this object; the view only reads
    `state` and calls triggers through the machine's events.
    """

    def __init__(self, env: Env, state: str) -> None:
        self.env = env
        self.world: World = ()
        self.index = -1
        self.state = state

    def move(self, world: World, index: int) -> None:
        """Point the context at another world and instance (the state is set by `fire`)."""
        self.world = world
        self.index = index


def _condition(row: Row) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        context = cast(Context, event.model)
        return row.guard(context.env, context.world, context.index)

    return condition


@dataclass(frozen=True)
class MachineView:
    """A declared machine and its `transitions` counterpart.

    `local_triggers` are the names of rows that fire on their own; `reaction_triggers` the events
    that reaction rows follow.
    """

    declaration: Machine
    machine: TransitionsMachine
    local_triggers: frozenset[str]
    reaction_triggers: frozenset[str]


def build_view(declaration: Machine) -> MachineView:
    """The `transitions.Machine` of a declaration (no model attached; see `fire`)."""
    local = frozenset(row.name for row in declaration.local_rows)
    reactions = frozenset(row.event for row in declaration.reaction_rows if row.event is not None)
    clash = local & reactions
    if clash:
        raise ValueError(
            f"machine {declaration.name}: {sorted(clash)} name both a row and an event it "
            "reacts to; a transitions trigger can only mean one of them, rename the row"
        )
    machine = TransitionsMachine(
        model=None,
        states=list(declaration.state_names),
        initial=declaration.state_names[0],
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=True,
    )
    for row in declaration.rows:
        trigger = row.name if row.event is None else row.event
        machine.add_transition(trigger, list(row.source), row.dest, conditions=[_condition(row)])
    return MachineView(declaration, machine, local, reactions)


def bind(view: MachineView, env: Env) -> Context:
    """A context for the lab's instances of the view's machine, attached to it."""
    context = Context(env, view.declaration.state_names[0])
    view.machine.add_model(context, initial=context.state)
    return context


def fire(view: MachineView, context: Context, world: World, index: int, trigger: str) -> str | None:
    """Send `trigger` to instance `index` of `world`: the state it moves to, or None if no row of
    that trigger is enabled there. `context` must come from `bind` on the same view."""
    context.move(world, index)
    view.machine.set_state(world[index][0], model=context)
    fired: bool = view.machine.events[trigger].trigger(context)
    return context.state if fired else None
