"""Worlds by number: the unmutated lab's graph read once, a mutant's computed only where it can
differ.

The unmutated lab and its variants are explored once (`model/compose/successors.py` keeps every
expanded world's successors). `WorldIndex` numbers those worlds and their successors, and keeps
what each property said of each world. A mutant changes one machine: a world where no instance of
that machine stands in a state the change touches (an "unaffected" world) has the unmutated
successors, and every property says of it what it said before, because a property reads the world
and, through a probe, only the rows its instances can take now
(`model/compose/properties/common.py`); a property that probes no row of the mutated machine says
of every world it numbered what it said before.
`MutantGraph` hands the checker a mutant's graph by number: the unmutated successors and verdicts
of unaffected worlds are read from the index, the others are computed. Worlds only a mutant
reaches get negative numbers, so the index is never mixed with one mutant's worlds. The checker
then searches integers instead of hashing worlds, and asks no predicate twice for the same world.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ehttp.checker import Property
from ehttp.compose.successors import Edges, Successors, VariantView
from ehttp.compose.world import Action, World, WorldModel

__all__ = ["IdEdges", "IntModel", "MutantGraph", "WorldIndex"]

IdEdges = tuple[tuple[Action, int], ...]
"""A world's enabled actions, each with the number of the world it leads to."""

_FALSE, _TRUE = 1, 2


class WorldIndex:
    """The unmutated table's worlds (every expanded one and every successor) by number."""

    def __init__(self, table: Successors) -> None:
        self.table = table
        self.worlds: list[World] = list(table.memo)
        self.ids: dict[World, int] = {w: i for i, w in enumerate(self.worlds)}
        for edges in table.memo.values():
            for _action, target in edges:
                if target not in self.ids:
                    self.ids[target] = len(self.worlds)
                    self.worlds.append(target)
        self.size = len(self.worlds)
        ids = self.ids
        self._edges: list[IdEdges | None] = [
            tuple((a, ids[t]) for a, t in raw) if raw is not None else None
            for raw in (table.memo.get(w) for w in self.worlds)
        ]
        self.values: dict[tuple[str, str, str], bytes] = {}
        """Per (variant, property, "condition" | "trigger"): what the unmutated predicate said of
        each numbered world (see `remember`)."""

    def edges(self, number: int) -> IdEdges | None:
        """The unmutated edges of a world the unmutated run expanded, by number (None: not
        expanded)."""
        return self._edges[number]

    def remember(self, key: tuple[str, str, str], pred: Callable[[World], bool]) -> bytes:
        """What the unmutated predicate `pred` (named `key`) says of every numbered world, asked
        once: 1 for false, 2 for true."""
        found = self.values.get(key)
        if found is None:
            found = self.values[key] = bytes(_TRUE if pred(w) else _FALSE for w in self.worlds)
        return found


class MutantGraph:
    """One mutant's worlds and successors by number.

    `affected(world)` says whether the mutant's change can matter in `world`; `edges_of(world,
    old, number)` gives the mutant's edges of an affected world the unmutated run expanded, by
    number, from its unmutated ones `old` (`number` numbers a new target); `compute(world)` the
    mutant's edges of any other world.
    """

    def __init__(
        self,
        index: WorldIndex,
        affected: Callable[[World], bool],
        edges_of: Callable[[World, IdEdges, Callable[[World], int]], IdEdges],
        compute: Callable[[World], Edges],
    ) -> None:
        self.index = index
        self.affected_world = affected
        self.edges_of = edges_of
        self.compute = compute
        self._affected = bytes(_TRUE if affected(w) else _FALSE for w in index.worlds)
        self.extra: list[World] = []
        self.extra_ids: dict[World, int] = {}
        self._edges: dict[int, IdEdges] = {}

    def world(self, number: int) -> World:
        """The world numbered `number`."""
        return self.index.worlds[number] if number >= 0 else self.extra[-number - 1]

    def number(self, world: World) -> int:
        """The number of `world` (a new negative one for a world only this mutant reaches)."""
        found = self.index.ids.get(world)
        if found is None:
            found = self.extra_ids.get(world)
            if found is None:
                self.extra.append(world)
                found = self.extra_ids[world] = -len(self.extra)
        return found

    def affected(self, number: int) -> bool:
        """Whether the change can matter in world `number` (always for a world only it
        reaches)."""
        return number < 0 or self._affected[number] == _TRUE

    def edges(self, number: int) -> IdEdges:
        """The mutant's edges of world `number`."""
        if number >= 0 and not self.affected(number):
            found = self.index.edges(number)
            if found is not None:
                return found
        known = self._edges.get(number)
        if known is not None:
            return known
        world = self.world(number)
        old = self.index.edges(number) if number >= 0 else None
        if old is not None:
            ids = self.edges_of(world, old, self.number)
        else:
            ids = tuple((a, self.number(t)) for a, t in self.compute(world))
        self._edges[number] = ids
        return ids

    def wrap(
        self, variant: str, prop: Property[World], base: Property[World], probes: bool
    ) -> Property[int]:
        """`prop` (the mutant's) asked of worlds by number: a world the unmutated run numbered
        gets the unmutated `base` property's answer, unless the property `probes` the mutated
        machine's rows and the world is affected."""
        index = self.index

        def wrapped(
            part: str,
            pred: Callable[[World], bool] | None,
            unmutated: Callable[[World], bool] | None,
        ) -> Callable[[int], bool] | None:
            if pred is None or unmutated is None:
                return None
            values = index.remember((variant, prop.name, part), unmutated)
            world = self.world
            affected = self._affected if probes else bytes(len(values))

            def ask(number: int) -> bool:
                if number >= 0:
                    if affected[number] != _TRUE:
                        return values[number] == _TRUE
                    return pred(index.worlds[number])
                return pred(world(number))

            return ask

        return Property[int](
            prop.name,
            prop.kind,
            prop.requirements,
            wrapped("condition", prop.condition, base.condition),
            wrapped("trigger", prop.trigger, base.trigger),
        )


class IntModel(VariantView):
    """A variant of a mutant's model, over world numbers, for the generic checker.

    Its successors are the mutant's lab successors filtered as the variant filters them (rows
    left out by name, only fair steps), in the same order as `TableModel` reads them, so a
    search finds the same shortest traces.
    """

    def __init__(self, variant: WorldModel, graph: MutantGraph, symmetry: bool) -> None:
        super().__init__(variant)
        self.graph = graph
        self.symmetry = symmetry
        self.expanded: dict[int, None] = {}
        """The numbers of the worlds this model was asked to expand, in order."""
        self._last: tuple[int | None, IdEdges] = (None, ())
        self._canonical: dict[int, int] = {}

    def init_states(self) -> Sequence[int]:
        """The variant's initial worlds, by number."""
        return [self.graph.number(w) for w in self.variant.init_states()]

    def actions(self, state: int) -> list[Action]:
        """The variant's enabled actions."""
        edges = self.graph.edges(state)
        self._last = (state, edges)
        self.expanded[state] = None
        keep = self._keep
        if keep is None:
            return [action for action, _target in edges]
        return [action for action, _target in edges if keep(action)]

    def next_state(self, state: int, action: Action) -> int:
        """The number of the successor of `state` under `action`."""
        last, edges = self._last
        if last != state:
            edges = self.graph.edges(state)
        for found, target in edges:
            if found == action:
                return target
        graph = self.graph
        return graph.number(self.variant.next_state(graph.world(state), action))

    def canonical(self, state: int) -> int:
        """The number of the variant's canonical form of the world."""
        if not self.symmetry:
            return state
        found = self._canonical.get(state)
        if found is None:
            graph = self.graph
            found = self._canonical[state] = graph.number(
                self.variant.canonical(graph.world(state))
            )
        return found

    def describe_step(self, before: int, action: Action, after: int) -> str:
        """As the variant says, of the worlds."""
        graph = self.graph
        return self.variant.describe_step(graph.world(before), action, graph.world(after))
