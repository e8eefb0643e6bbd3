"""The lab's steady state: where `ehttp whatif` and `ehttp diagnose` start, and the world `ehttp
scenarios` judges.

Definition: from the lab's initial world (`WorldModel.initial`: the lab as configured, before
anything happens) only the system's own steps run (site components, client agents, the clock;
the weakly fair rows). A world where no system step is enabled is *settled*. The steady state is
the settled world, reachable that way, in which the most clients are registered; among several,
the first found by breadth-first search (a fixed order, so the answer is reproducible).

Modeling assumption A-32: a client that holds identity evidence (Active Directory, an Azure AD
device token, a PKI certificate) registers with it rather than anonymously. The declarations let a
client register anonymously as well (REG-3); the steady state picks the registration a client agent
makes when it can, and `ehttp diagnose --symptom client-pending-approval` still finds the anonymous
one.
"""

from __future__ import annotations

from ehttp.checker import reachable
from ehttp.compose.world import ModelError, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.machines.registration import REGISTERED_STATES

__all__ = ["settled", "steady_search", "steady_state"]


def settled(model: WorldModel, world: World) -> bool:
    """No system step is enabled in `world` (the model's fair rows only)."""
    return not any(model.is_fair(action) for action in model.actions(world))


def steady_search(lab: Lab) -> tuple[World, int]:
    """The lab's steady state (see the module docstring) and the number of worlds the search
    explored."""
    model = WorldModel(lab, fair_only=True)
    graph = reachable(model)
    assert graph.succ is not None
    clients = model.env.clients
    best: World | None = None
    best_count = -1
    for number, world in enumerate(graph.states):
        if graph.succ[number]:
            continue
        count = sum(world[i][0] in REGISTERED_STATES for i in clients)
        if count > best_count:
            best, best_count = world, count
    if best is None:
        raise ModelError(f"lab {lab.name!r}: the system's own steps never settle")
    return best, len(graph.states)


def steady_state(lab: Lab) -> World:
    """The lab's steady state (see the module docstring)."""
    return steady_search(lab)[0]
