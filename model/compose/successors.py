"""One table of successors shared by a lab's model and its variants.

A lab is checked on its model and on variants that differ only in where they start, which rows
they leave out and whether only fair steps run (`model/compose/checking.py`). Their successors
are the lab model's, filtered, so each world's successors are computed once, by the lab model,
and every variant reads them from the table. The audit (`model/audit/`) also hands a mutant's
table the unmutated table to copy from where the mutation cannot matter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ehttp.compose.world import Action, World, WorldModel

__all__ = ["Edges", "Successors", "TableModel", "VariantView"]

Edges = tuple[tuple[Action, World], ...]
"""A world's enabled actions, each with the world it leads to."""


class Successors:
    """The lab model's successors of each world asked for, computed once (a memo).

    `reuse(world)` may supply a world's edges instead of computing them (None: compute). While
    `remember` is False the table keeps no edges, only which worlds were asked and which of
    their targets canonical form changed (`moved`): `run_checks` searches the lab so.
    """

    def __init__(
        self, model: WorldModel, reuse: Callable[[World], Edges | None] | None = None
    ) -> None:
        if model.without or model.fair_only:
            raise ValueError("Successors: give the lab's full model, not a variant of it")
        self.model = model
        self.reuse = reuse
        self.memo: dict[World, Edges] = {}
        self.canonical_memo: dict[World, Edges] = {}
        """Each world's edges with their targets in canonical form (shared by the variants)."""
        self.remember = True
        """Whether edges are kept (`memo`, `canonical_memo`). While False, a world's canonical
        edges are computed each time they are asked for, and only what judging on the reduced
        graph needs of them is kept (`moved`)."""
        self.moved: dict[World, tuple[tuple[int, World], ...] | None] = {}
        """While not remembering: each world whose edges were asked (in the order first asked),
        with, once its canonical edges were asked, the edges whose target canonical form
        changed: the edge's number and its target before canonical form."""

    def __call__(self, world: World) -> Edges:
        found = self.memo.get(world)
        if found is None:
            if self.reuse is not None:
                found = self.reuse(world)
            if found is None:
                found = self.model.edges(world)
            if self.remember:
                self.memo[world] = found
            elif world not in self.moved:
                self.moved[world] = None
        return found

    def canonical(self, world: World) -> Edges:
        """The edges of `world` with each target in the model's canonical form (memoised while
        remembering; an edge whose target is already canonical is the same object as in
        `memo`)."""
        found = self.canonical_memo.get(world)
        if found is None:
            raw = self(world)
            found = self.model.canonical_edges(world, raw)
            if self.remember:
                self.canonical_memo[world] = found
            elif self.moved.get(world) is None:
                self.moved[world] = _changed(raw, found)
        return found

    def worlds(self) -> list[World]:
        """Every world whose edges were asked for, in the order first asked (those asked while
        not remembering first)."""
        if not self.moved:
            return list(self.memo)
        return list(dict.fromkeys([*self.moved, *self.memo]))

    def moved_targets(self, world: World) -> dict[int, World]:
        """The targets of `world`'s edges that canonical form changes, by edge number, before
        canonical form."""
        found = self.moved.get(world)
        if found is None:
            raw = self(world)
            found = _changed(raw, self.canonical(world))
        return dict(found)

    def compute(self, world: World) -> Edges:
        """The edges of `world` computed by the model, not read from the memo or `reuse`."""
        return self.model.edges(world)


def _changed(raw: Edges, fixed: Edges) -> tuple[tuple[int, World], ...]:
    """The edges of `raw` whose target `fixed` (the same edges in canonical form) changed: the
    edge's number and its target in `raw`."""
    if raw is fixed:
        return ()
    return tuple(
        (k, edge[1])
        for k, (edge, mine) in enumerate(zip(raw, fixed, strict=True))
        if edge[1] is not mine[1]
    )


class VariantView:
    """What a variant of a lab's model says of its actions, for models that store or find its
    successors another way (`TableModel`, the audit's mutant models): which actions it keeps
    (`keep`: None keeps all; else rows left out by name and, for a fair-only variant, unfair
    ones), their fairness and their names."""

    def __init__(self, variant: WorldModel) -> None:
        self.variant = variant
        rows = variant.env.machines
        without = variant.without
        fair_only = variant.fair_only
        self._keep: Callable[[Action], bool] | None = None
        if without or fair_only:

            def keep(action: Action) -> bool:
                row = rows[action[0]].rows[action[1]]
                return not (fair_only and not row.fair) and row.name not in without

            self._keep = keep

    def is_fair(self, action: Action) -> bool:
        """As the variant says."""
        return self.variant.is_fair(action)

    def action_name(self, action: Action) -> str:
        """As the variant says."""
        return self.variant.action_name(action)

    def all_action_names(self) -> Sequence[str]:
        """As the variant says."""
        return self.variant.all_action_names()


class TableModel(VariantView):
    """A variant of a lab's model whose successors are read from the lab model's table.

    It answers the checker's questions as `variant` would: the same initial worlds, actions less
    the rows `variant` leaves out (and only fair ones for a fair-only variant), the same names,
    fairness, symmetry and step texts.
    """

    def __init__(self, variant: WorldModel, table: Successors) -> None:
        super().__init__(variant)
        self.table = table
        self._last: tuple[World | None, Edges] = (None, ())

    def init_states(self) -> Sequence[World]:
        """The variant's initial worlds."""
        return self.variant.init_states()

    def actions(self, state: World) -> list[Action]:
        """The variant's enabled actions, read from the table."""
        edges = self.table(state)
        self._last = (state, edges)
        keep = self._keep
        if keep is None:
            return [action for action, _target in edges]
        return [action for action, _target in edges if keep(action)]

    def successors(self, state: World, canonical: bool) -> Edges | list[tuple[Action, World]]:
        """The variant's edges of `state`, read from the table (targets in canonical form when
        `canonical`)."""
        edges = self.table.canonical(state) if canonical else self.table(state)
        keep = self._keep
        if keep is None:
            return edges
        return [edge for edge in edges if keep(edge[0])]

    def moved_targets(self, state: World) -> dict[int, World]:
        """The variant's edges of `state` whose target canonical form changes, by their number
        among the variant's edges, with the target before canonical form (the checker's
        `Moving` interface)."""
        moved = self.table.moved_targets(state)
        keep = self._keep
        if keep is None or not moved:
            return moved
        number: dict[int, int] = {}
        for k, (action, _target) in enumerate(self.table(state)):
            if keep(action):
                number[k] = len(number)
        return {number[k]: target for k, target in moved.items() if k in number}

    def next_state(self, state: World, action: Action) -> World:
        """The table's successor of `state` under `action`."""
        last_state, edges = self._last
        if last_state is not state:
            edges = self.table(state)
        for found, target in edges:
            if found == action:
                return target
        return self.variant.next_state(state, action)

    def recorded(self) -> tuple[frozenset[tuple[str, int]], frozenset[tuple[str, int]]]:
        """The rows fired so far by the lab's model (which computes the table) and by the
        variant's (the checker's `Recording` interface)."""
        return self.table.model.recorded(), self.variant.recorded()

    def absorb(self, record: object) -> None:
        """Add a child's `recorded()` to both models' rows fired."""
        assert isinstance(record, tuple)
        lab, variant = record
        self.table.model.absorb(lab)
        self.variant.absorb(variant)

    def canonical(self, state: World) -> World:
        """As the variant says."""
        return self.variant.canonical(state)

    def canonical_map(self, state: World) -> tuple[World, tuple[int, ...]]:
        """As the variant says."""
        return self.variant.canonical_map(state)

    def agent(self, action: Action) -> tuple[int, int] | None:
        """As the variant says."""
        return self.variant.agent(action)

    def orbit(self, position: int) -> tuple[int, ...]:
        """As the variant says."""
        return self.variant.orbit(position)

    def swap(self, state: World, i: int, j: int) -> World:
        """As the variant says."""
        return self.variant.swap(state, i, j)

    def describe_step(self, before: World, action: Action, after: World) -> str:
        """As the variant says."""
        return self.variant.describe_step(before, action, after)
