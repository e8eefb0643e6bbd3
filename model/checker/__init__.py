"""A generic explicit-state model checker: the one door to `model/checker/`.

It knows nothing of Enhanced HTTP. A model plugs in through `Model` (or `BaseModel`): initial
states, enabled actions, the successor function, fairness and a canonical form for symmetry.
`check` judges a list of `Property` values (always, sometimes, eventually, leads-to,
deadlock-free, recoverable); a `Symmetric` model also says where canonical form moved each agent,
so that liveness is judged on the reduced graph; an `Orbits` model says which agents it may
exchange, so that a property about one agent is judged by the agent's orbit; a `Moving` model
names the successors canonical form changed, so that judging on the reduced graph builds no
successor again; a `Recording` model keeps a record its answers add to, which comes back from
the questions asked in a forked child. `reachable` hands back the explored graph for callers that
only want to look at every state. `forked` runs a job in a child process on the second core where
`can_fork` says that is safe (the checker's own use: asking invariants and judging liveness in two
processes). Everything else in this package is private to it.
"""

from ehttp.checker.explore import Exploration, ProgressInfo, reachable
from ehttp.checker.fork import can_fork, forked
from ehttp.checker.model import (
    A,
    BaseModel,
    Expanding,
    Model,
    Moving,
    Orbits,
    Recording,
    S,
    Symmetric,
    describe_change,
)
from ehttp.checker.properties import About, Property, PropertyError
from ehttp.checker.run import CheckResult, PropertyResult, Verdict, check, to_json
from ehttp.checker.trace import ModelError, Step

__all__ = [
    "A",
    "About",
    "BaseModel",
    "CheckResult",
    "Expanding",
    "Exploration",
    "Model",
    "ModelError",
    "Moving",
    "Orbits",
    "ProgressInfo",
    "Property",
    "PropertyError",
    "PropertyResult",
    "Recording",
    "S",
    "Step",
    "Symmetric",
    "Verdict",
    "can_fork",
    "check",
    "describe_change",
    "forked",
    "reachable",
    "to_json",
]
