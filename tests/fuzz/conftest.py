"""Fixtures of the fuzz tests: the default lab's reachable set, explored once per worker, and
the global walk planner of each reachable set, built once per worker."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from ehttp.compose.world import WorldModel
from ehttp.config.labfile import default_lab
from ehttp.fuzz import campaign
from ehttp.fuzz.coverage import Reachable
from ehttp.fuzz.planner import Planner


@pytest.fixture(scope="session")
def default_reachable(_one_reachable_set_per_model: None) -> Reachable:
    """The default lab's reachable set (41,052 states), the same one this worker's campaigns on
    the default lab measure against (tests/conftest.py `_one_reachable_set_per_model`), so the
    set is explored once; tests only read it."""
    return campaign.Reachable(WorldModel(default_lab()))


@pytest.fixture(scope="session", autouse=True)
def _one_planner_per_reachable_set() -> Iterator[None]:
    """The campaigns of these tests share each lab's reachable set (tests/conftest.py), and a
    steered campaign builds the global walk planner of its set anew (a path cover and a
    breadth-first tree of 41,052 states for the default lab), which is read only once built:
    each set's planner is built once per worker. The key is the set's successor lists, by
    identity (kept alive here), and the start; the four most recent planners are kept."""
    found: dict[tuple[int, int], tuple[Sequence[Sequence[int]], Planner]] = {}

    def shared(
        successors: Sequence[Sequence[int]], component: Sequence[int], start: int = 0
    ) -> Planner:
        key = (id(successors), start)
        if key not in found:
            if len(found) >= 4:
                del found[next(iter(found))]
            found[key] = (successors, Planner(successors, component, start))
        return found[key][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(campaign, "Planner", shared)
        yield
