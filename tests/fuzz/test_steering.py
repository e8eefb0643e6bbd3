"""Tests for model/fuzz/steering.py: the local steering's choices on small graphs."""

from __future__ import annotations

from ehttp.fuzz.coverage import _components
from ehttp.fuzz.steering import onward, route


def test_onward_stays_upstream() -> None:
    # 0 <-> 1 (one component), 0 -> 2 -> 3 (2 upstream of 3), 0 -> 3
    successors = ((1, 2, 3), (0,), (3,), ())
    component = _components(successors)
    assert onward(successors, component, (2, 3), lambda state: state not in {0, 1}) == (2,)


def test_onward_follows_warnsdorff_among_equals() -> None:
    # 1, 2 and 3 each lead to 0 and on: 1 to no fresh state, 2 to one, 3 to two
    successors = ((1, 2, 3), (0,), (0, 4), (0, 4, 5), (0,), (0,))
    component = _components(successors)
    assert onward(successors, component, (1, 2, 3), lambda state: state != 0) == (2,)


def test_onward_keeps_every_upstream_state_when_none_leads_on() -> None:
    successors = ((1, 2), (0,), (0,))
    component = _components(successors)
    assert onward(successors, component, (1, 2), lambda state: state in {1, 2}) == (1, 2)


def test_route_is_a_shortest_path_to_the_nearest_fresh_state() -> None:
    # 0 -> 1 -> 2 -> 3 (fresh), 0 -> 4 -> 3, 2 -> 5
    successors = ((1, 4), (2,), (3, 5), (), (3,), ())
    assert route(successors, 0, lambda state: state == 3) == [4, 3]
    assert route(successors, 1, lambda state: state in {3, 5}) == [2, 3]
    assert route(successors, 3, lambda state: state == 0) == []
