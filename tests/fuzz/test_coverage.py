"""Coverage against the checker (model/fuzz/coverage.py): the reachable graph's strongly
connected components that steering reads, and coverage counted by steps."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import pytest

from ehttp.fuzz.coverage import Coverage, Reachable, _components


@pytest.fixture(scope="module")
def reachable(default_reachable: Reachable) -> Reachable:
    return default_reachable


def _reach(successors: Sequence[Sequence[int]], start: int) -> set[int]:
    seen = {start}
    queue = deque([start])
    while queue:
        for after in successors[queue.popleft()]:
            if after not in seen:
                seen.add(after)
                queue.append(after)
    return seen


def test_components_of_a_small_graph() -> None:
    # 0 -> 1 <-> 2 -> 3, and 3 -> 3
    successors = ((1,), (2,), (1, 3), (3,))
    component = _components(successors)
    assert component[1] == component[2]
    assert len({component[0], component[1], component[3]}) == 3
    assert component[3] < component[1] < component[0]


def test_no_edge_leads_to_a_higher_component(reachable: Reachable) -> None:
    component = reachable.component
    assert len(component) == len(reachable)
    for state, out in enumerate(reachable.successors):
        assert all(component[after] <= component[state] for after in out)


def test_a_component_is_the_states_that_reach_each_other(reachable: Reachable) -> None:
    successors, component = reachable.successors, reachable.component
    predecessors: list[list[int]] = [[] for _ in successors]
    for source, targets in enumerate(successors):
        for target in targets:
            predecessors[target].append(source)
    for state in (0, len(reachable) // 2, len(reachable) - 1):
        forward = _reach(successors, state)
        mutual = forward & _reach(predecessors, state)
        assert mutual == {other for other in forward if component[other] == component[state]}


def test_coverage_by_steps() -> None:
    coverage = Coverage()
    coverage.visit((("a", 0),))
    coverage.fired("row")
    coverage.visit((("b", 0),))
    coverage.fired("row")
    coverage.visit((("b", 0),))
    coverage.fired("row")
    coverage.visit((("c", 0),))
    assert [coverage.reached_by(steps) for steps in range(5)] == [1, 2, 2, 3, 3]


def test_a_step_that_leaves_the_state_as_it_is_is_a_transition_taken() -> None:
    coverage = Coverage()
    coverage.moved(3, 3)
    coverage.moved(3, 4)
    coverage.moved(3, 4)
    assert coverage.edges == {(3, 3), (3, 4)}


def test_self_loops_are_edges_of_the_reachable_graph(reachable: Reachable) -> None:
    loops = sum(1 for state, out in enumerate(reachable.successors) if state in out)
    assert loops == 21284
    assert reachable.edges == 227364
