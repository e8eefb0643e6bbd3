"""The attack catalogue: bad inputs the concrete lab must refuse, each with its expected reason.

One module per family (`FAMILIES`): Azure AD tokens, site system certificates, content access,
signed messages, registration proofs, identity binding, key rollover continuity, message kinds,
replay, stale tokens after disabling enhanced HTTP, and malformed input. Each family also has its
honest twins (`TWINS`): a genuine client's genuine input in the same situation, which the lab
must accept (a lab that refused everything would pass every attack). Each attack is data
(`ehttp.lab.attacks.base.Attack`): what it tries, the `Reason` the lab must give, the requirement
IDs it defends (SEC-1..SEC-5, REG-4, REG-5, PRE-1) and a `prepare` function that sets up a lab
and returns the single bad input as a thunk. `run` takes the lab's observable state before and
after that input, so a refusal that changed state is caught (DESIGN "Concrete lab": bad input "is
rejected with a reason, never with a crash").

Attacks find their hosts by role and read their preconditions from the lab's configuration
(`ehttp.lab.attacks.base`), so each runs on every lab that can host it; `unmet` says why one does
not apply, naming the lab key that would enable it, and `ehttp.bridge.driver.LabDriver.inject` runs
one against a lab in its current state.
"""

from __future__ import annotations

from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.lab.attacks import (
    certificates,
    content,
    identity,
    kinds,
    malformed,
    messages,
    registration,
    replay,
    rollover,
    stale,
    tokens,
)
from ehttp.lab.attacks.base import CONDITIONS, VARIANTS, Condition, SetupRefused, run, unmet
from ehttp.lab.attacks.case import Attack, Honest, Outcome
from ehttp.lab.testbed import ConcreteLab

__all__ = [
    "CASES",
    "CATALOGUE",
    "CONDITIONS",
    "FAMILIES",
    "HONEST",
    "TWINS",
    "VARIANTS",
    "Attack",
    "Condition",
    "Honest",
    "Outcome",
    "SetupRefused",
    "run",
    "run_all",
    "unmet",
]

FAMILIES: dict[str, tuple[Attack, ...]] = {
    "tokens": tokens.ATTACKS,
    "certificates": certificates.ATTACKS,
    "content": content.ATTACKS,
    "messages": messages.ATTACKS,
    "registration": registration.ATTACKS,
    "identity": identity.ATTACKS,
    "rollover": rollover.ATTACKS,
    "kinds": kinds.ATTACKS,
    "replay": replay.ATTACKS,
    "stale": stale.ATTACKS,
    "malformed": malformed.ATTACKS,
}
"""Every family of the catalogue, by name (each attack's `family`)."""

CATALOGUE: tuple[Attack, ...] = tuple(a for family in FAMILIES.values() for a in family)
"""Every attack, family by family."""

TWINS: dict[str, tuple[Attack, ...]] = {
    "tokens": tokens.TWINS,
    "certificates": certificates.TWINS,
    "content": content.TWINS,
    "messages": messages.TWINS,
    "registration": registration.TWINS,
    "identity": identity.TWINS,
    "rollover": rollover.TWINS,
    "kinds": kinds.TWINS,
    "replay": replay.TWINS,
    "stale": stale.TWINS,
    "malformed": malformed.TWINS,
}
"""Every family's honest twins, by family name."""

HONEST: tuple[Attack, ...] = tuple(t for family in TWINS.values() for t in family)
"""Every honest twin, family by family."""

CASES: tuple[Attack, ...] = CATALOGUE + HONEST
"""What `ehttp attacks` runs: every attack, then every honest twin."""


def run_all(seed: int = 0, lab: Lab | None = None) -> tuple[Outcome, ...]:
    """Run every attack that ``lab`` (the default lab unless given) can host, each on its own
    fresh lab."""
    chosen = lab or default_lab()
    labs = {name: ConcreteLab(change(chosen), seed) for name, change in VARIANTS.items()}
    return tuple(
        run(attack, seed, chosen) for attack in CATALOGUE if not unmet(attack, labs[attack.variant])
    )
