"""Fixtures of the fuzz tests: the default lab's reachable set, explored once per worker."""

from __future__ import annotations

import pytest

from ehttp.compose.world import WorldModel
from ehttp.config.labfile import default_lab
from ehttp.fuzz import campaign
from ehttp.fuzz.coverage import Reachable


@pytest.fixture(scope="session")
def default_reachable(_one_reachable_set_per_model: None) -> Reachable:
    """The default lab's reachable set (41,052 states), the same one this worker's campaigns on
    the default lab measure against (tests/conftest.py `_one_reachable_set_per_model`), so the
    set is explored once; tests only read it."""
    return campaign.Reachable(WorldModel(default_lab()))
