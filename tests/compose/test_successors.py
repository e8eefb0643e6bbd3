"""Tests for model/compose/successors.py: the shared table of successors, in canonical form."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from ehttp.compose.properties.common import NO_APPROVAL, variant_without
from ehttp.compose.successors import Successors, TableModel
from ehttp.compose.world import World, WorldModel
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.config.strategies import labs


def _sorted_in_full(model: WorldModel, world: World) -> tuple[tuple[object, World], ...]:
    return tuple((action, model.canonical(target)) for action, target in model.edges(world))


def _canonical_worlds(model: WorldModel) -> list[World]:
    """Every canonical world the reduced search reaches (the tests' own search, on canonical
    targets sorted in full)."""
    seen = dict.fromkeys(model.canonical(w) for w in model.init_states())
    queue = list(seen)
    while queue:
        world = queue.pop()
        for _action, target in _sorted_in_full(model, world):
            if target not in seen:
                seen[target] = None
                queue.append(target)
    return list(seen)


def _triplets() -> Lab:
    """The default lab with three interchangeable Azure AD clients as its only clients: a run of
    three twins, where a changed client may have to move past one or two of them, at the end of
    the world (a client after them multiplies the worlds by four and catches no fault more)."""
    lab = default_lab()
    twins = tuple(replace(lab.clients[0], name=f"aad{n}") for n in (1, 2, 3))
    return replace(lab, clients=twins)


def _moved(model: WorldModel, world: World, keep: frozenset[str] = frozenset()) -> dict[int, World]:
    """The targets of `world`'s edges (less the rows named in `keep`) that sorting in
    full changes, by their number among the edges kept."""
    kept = [t for a, t in model.edges(world) if model.action_name(a) not in keep]
    return {k: t for k, t in enumerate(kept) if model.canonical(t) != t}


def _agree(lab: Lab) -> int:
    model = WorldModel(lab)
    table = Successors(model)
    sparse = Successors(model)
    sparse.remember = False
    worlds = _canonical_worlds(model)
    without = variant_without(model, NO_APPROVAL)
    variant = TableModel(WorldModel(lab, without=without), sparse)
    for world in worlds:
        assert table.canonical(world) == _sorted_in_full(model, world), world
        # Keeping no edges: the same edges, and the targets sorting changes named.
        assert sparse.canonical(world) == table.canonical(world)
        assert sparse.moved_targets(world) == table.moved_targets(world) == _moved(model, world)
        assert variant.moved_targets(world) == _moved(model, world, without)
        identity = model.canonical_map(world)[1]
        assert identity == tuple(range(len(world)))
        moved = sparse.moved_targets(world)
        for k, (_action, target) in enumerate(model.edges(world)):
            assert (model.canonical_map(target)[1] == identity) is (k not in moved)
        # A world not in canonical form: its twins reversed (sorted in full, every edge).
        for start, stop in model._symmetric_runs or ():
            turned = (*world[:start], *reversed(world[start:stop]), *world[stop:])
            assert model.canonical_edges(turned, model.edges(turned)) == _sorted_in_full(
                model, turned
            )
    assert not sparse.memo and not sparse.canonical_memo
    assert sparse.worlds() == worlds == list(table.memo)
    return len(worlds)


def test_canonical_targets_agree_with_sorting_in_full_on_three_twins() -> None:
    assert _agree(_triplets()) > 1_000


@settings(max_examples=5, deadline=None)
@given(labs(max_parts=3), st.data())
def test_canonical_targets_agree_with_sorting_in_full_on_generated_labs(
    lab: Lab, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(lab.clients) - 1), label="twin of client")
    twin = replace(lab.clients[at], name="twin")
    _agree(replace(lab, clients=(*lab.clients[: at + 1], twin, *lab.clients[at + 1 :])))
