"""The fuzz rules of a lab, derived from the machine declarations (STYLE rule 1).

One rule per declared local row (DESIGN "The machines": "the Hypothesis rules ... derive from"
the one declaration of each machine): the row's guard, evaluated by the model on the current
world, becomes the rule's precondition, and which instance fires it (which site system, which
client) becomes a strategy over the instances whose machine declares the row. Reaction rows get no
rule of their own: they fire with the row they react to, as in the model.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from ehttp.compose.world import Action, WorldModel
from ehttp.machines.machine import Row

__all__ = ["RuleSpec", "derive_rules", "pick_instance", "row_title"]


@dataclass(frozen=True)
class RuleSpec:
    """One fuzz rule: a declared local row and the instances that may fire it."""

    key: str
    """A Python identifier, unique in the lab (Hypothesis names rule methods by it)."""
    title: str
    """The row in the source's words: ``machine: name (sources -> destination)``."""
    machine: str
    number: int
    row: Row
    instances: tuple[int, ...]

    def actions(self) -> tuple[Action, ...]:
        """The model actions this rule stands for, one per instance."""
        return tuple((index, self.number) for index in self.instances)


def row_title(machine: str, row: Row) -> str:
    """How reports name a row (the same words `ehttp check` uses for rows never fired)."""
    return f"{machine}: {row.name} ({', '.join(row.source)} -> {row.dest})"


def _identifier(machine: str, number: int, row: Row) -> str:
    words = re.sub(r"[^0-9a-zA-Z]+", "_", f"{machine} {number} {row.name}").strip("_")
    return words.lower()


def derive_rules(model: WorldModel) -> tuple[RuleSpec, ...]:
    """Every local row of every machine in the lab, less the rows the model's variant leaves out."""
    env = model.env
    instances: dict[str, list[int]] = {}
    for index, machine in enumerate(env.machines):
        instances.setdefault(machine.name, []).append(index)
    specs: list[RuleSpec] = []
    for name, indices in instances.items():
        machine = env.machines[indices[0]]
        for number, row in enumerate(machine.rows):
            if row.reaction or row.name in model.without:
                continue
            if model.fair_only and not row.fair:
                continue
            specs.append(
                RuleSpec(
                    key=_identifier(name, number, row),
                    title=row_title(name, row),
                    machine=name,
                    number=number,
                    row=row,
                    instances=tuple(indices),
                )
            )
    return tuple(specs)


def pick_instance(spec: RuleSpec, drawn: int, allowed: Collection[Action]) -> int:
    """The instance to fire: the drawn one if its action is allowed, else the next allowed one in
    declaration order (so a drawn instance is never wasted)."""
    count = len(spec.instances)
    start = spec.instances.index(drawn)
    for offset in range(count):
        index = spec.instances[(start + offset) % count]
        if (index, spec.number) in allowed:
            return index
    raise ValueError(f"rule {spec.title!r}: no instance is allowed; check the precondition first")
