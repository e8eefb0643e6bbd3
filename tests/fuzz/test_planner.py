"""The global walk planner (model/fuzz/planner.py): the path cover is a maximum matching inside
each strongly connected component, the preferred successors, and detours weighed by new states
per step, from here or from a fresh lab."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from ehttp.fuzz.coverage import Reachable, _components
from ehttp.fuzz.planner import Detour, Planner, path_cover
from ehttp.fuzz.steering import route as shortest_route


def _largest_matching(successors: Sequence[Sequence[int]], component: Sequence[int]) -> int:
    """The size of a maximum matching of states to successors in their own component, by trying
    every choice (small graphs only)."""
    edges = [
        (state, after)
        for state, out in enumerate(successors)
        for after in out
        if after != state and component[after] == component[state]
    ]

    def best(position: int, used_out: frozenset[int], used_in: frozenset[int]) -> int:
        if position == len(edges):
            return 0
        state, after = edges[position]
        skip = best(position + 1, used_out, used_in)
        if state in used_out or after in used_in:
            return skip
        return max(skip, 1 + best(position + 1, used_out | {state}, used_in | {after}))

    return best(0, frozenset(), frozenset())


def _check_cover(
    successors: Sequence[Sequence[int]], component: Sequence[int], cover: Sequence[int]
) -> int:
    matched = [(state, after) for state, after in enumerate(cover) if after != -1]
    for state, after in matched:
        assert after in successors[state] and after != state
        assert component[after] == component[state]
    assert len({after for _, after in matched}) == len(matched)
    return len(matched)


@pytest.mark.parametrize("seed", range(12))
def test_the_path_cover_is_a_maximum_matching_inside_components(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(3, 7)
    successors = tuple(
        tuple(sorted(rng.sample(range(count), rng.randint(0, 3)))) for _ in range(count)
    )
    component = _components(successors)
    cover = path_cover(successors, component)
    assert _check_cover(successors, component, cover) == _largest_matching(successors, component)


@pytest.fixture(scope="module")
def reachable(default_reachable: Reachable) -> Reachable:
    return default_reachable


def test_the_path_cover_of_the_default_lab(reachable: Reachable) -> None:
    cover = path_cover(reachable.successors, reachable.component)
    assert _check_cover(reachable.successors, reachable.component, cover) == 34983


def _planned_walk(reachable: Reachable, steps: int) -> int:
    """States covered by `steps` steps of the planner's walk (its first preference each time)."""
    planner = Planner(reachable.successors, reachable.component)
    covered = {0}

    def fresh(state: int) -> bool:
        return state not in covered

    here, cursor, route = 0, 0, list[int]()
    for _ in range(steps):
        if not route:
            ahead = planner.onward(here, fresh)
            if ahead:
                route = [ahead[0]]
            else:
                detour, cursor = planner.detour(here, fresh, cursor)
                assert detour is not None
                route = list(detour.path)
                here = 0 if detour.fresh_lab else here
        assert route[0] in reachable.successors[here]
        here = route.pop(0)
        covered.add(here)
    return len(covered)


def _nearest_walk(reachable: Reachable, steps: int) -> int:
    """States covered by `steps` steps of the walk to the nearest uncovered state, from here or
    from a fresh lab when that is no further (the local steering's detours)."""
    successors = reachable.successors
    covered = {0}

    def nearest(start: int) -> list[int]:
        return shortest_route(successors, start, lambda state: state not in covered)

    # The search from the initial state finds the same path for as long as its end is not
    # covered (the covered states it went through stay covered), so it is kept until then.
    from_start: list[int] = []
    here, route = 0, list[int]()
    for _ in range(steps):
        if not route:
            route = nearest(here)
            if here != 0 and (not from_start or from_start[-1] in covered):
                from_start = nearest(0)
            anew = list(from_start) if here != 0 else []
            if anew and len(anew) <= len(route):
                here, route = 0, anew
        here = route.pop(0)
        covered.add(here)
    return len(covered)


def test_the_planners_walk_covers_more_than_the_nearest_state_walk(reachable: Reachable) -> None:
    planned = _planned_walk(reachable, 30000)
    assert planned == 24147
    assert planned > 1.05 * _nearest_walk(reachable, 30000)


# 0 -> 1 -> 2 -> 3 -> 1 (one component: 1, 2, 3), 0 -> 4 -> 5, 1 -> 4
LOOP = ((1, 4), (2, 4), (3,), (1,), (5,), ())


def test_onward_takes_the_covers_successor_while_it_is_fresh() -> None:
    planner = Planner(LOOP, _components(LOOP))
    assert planner.cover[1] == 2
    assert planner.onward(1, lambda state: True) == (2,)
    assert planner.onward(1, lambda state: state == 4) == (4,)
    assert planner.onward(1, lambda state: False) == ()


def test_onward_stays_upstream() -> None:
    # 0 <-> 1 (one component), 0 -> 2 -> 3 (2 upstream of 3), 0 -> 3
    successors = ((1, 2, 3), (0,), (3,), ())
    planner = Planner(successors, _components(successors))
    assert planner.onward(0, lambda state: state not in {0, 1}) == (2,)


def test_onward_follows_warnsdorff_inside_a_component() -> None:
    # one component: every state leads back to 0; 1 has no fresh successor, 2 has one, 3 two
    successors = ((1, 2, 3), (0,), (0, 4), (0, 4, 5), (0,), (0,))
    planner = Planner(successors, _components(successors))
    taken = {0, planner.cover[0]}
    expected = (2,) if planner.cover[0] != 2 else (3,)
    assert planner.onward(0, lambda state: state not in taken) == expected


def _chain(length: int) -> list[tuple[int, ...]]:
    """Nodes 0 .. length-1 in a row, each to the next."""
    return [(number + 1,) if number + 1 < length else () for number in range(length)]


def test_a_detour_weighs_new_states_per_step() -> None:
    # here = 1: 1 -> 2 -> 3 (a lone fresh state, 2 steps away),
    #           1 -> 2 -> 4 -> 5 -> 6 .. 15 (a run of 11 fresh states, 3 steps away)
    successors: list[tuple[int, ...]] = [(1,), (2,), (3, 4), (), (5,)]
    successors += [(number + 1,) for number in range(5, 15)] + [()]
    planner = Planner(successors, _components(successors))
    covered = {0, 1, 2, 4}
    detour, cursor = planner.detour(1, lambda state: state not in covered)
    assert detour == Detour((2, 4, 5), fresh_lab=False)
    assert planner.by_depth[cursor] == 3


def test_a_detour_starts_a_fresh_lab_when_that_is_cheaper() -> None:
    # 0 -> 1 -> 2 .. 9 (here = 9, covered), 0 -> 10 -> 11 (fresh); 9 -> 12 -> .. -> 16 -> 11
    successors: list[tuple[int, ...]] = [(1, 10), *[(n + 1,) for n in range(1, 9)], (12,)]
    successors += [(11,), ()] + [(n + 1,) for n in range(12, 16)] + [(11,)]
    planner = Planner(successors, _components(successors))
    covered = set(range(10)) | {12, 13, 14, 15, 16}
    detour, _ = planner.detour(9, lambda state: state not in covered)
    assert detour == Detour((10,), fresh_lab=True)


def test_no_detour_once_nothing_is_fresh() -> None:
    planner = Planner(LOOP, _components(LOOP))
    assert planner.detour(3, lambda state: False) == (None, len(LOOP))
