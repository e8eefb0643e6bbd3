"""Fixtures: the hollow versions of four properties, as `model/compose/properties/` stated them
before they were rewritten against observers (issue 10). They are kept here, not in the product,
so that `tests/audit/test_engine.py` can show the audit finds them hollow.

- SITE-3 tested ``not enhanced or option_available()``: the very function that decides it (here:
  the guard the model declares on "enable enhanced HTTP", so that a mutant of that guard moves
  the property with it, as a bug in `option_available` did).
- CERT-2 compared a pending timer with the bound the clock's own guard enforces (the declared
  deadline), so a deadline off by one quantum moved the bound with the bug.
- REG-5 read only the re-registration state and its timer against that same bound, never what
  happens to a client notification.
- "recoverable" counted a site with enhanced HTTP turned off, or a management point with no
  certificate at all, as healthy.
"""

from __future__ import annotations

from ehttp.checker import Property
from ehttp.compose.properties import Check, stranded
from ehttp.compose.world import EXEC, SITE, World, WorldModel
from ehttp.machines.binding import PENDING_STATES
from ehttp.machines.registration import REREGISTRATION_DUE
from ehttp.machines.site import ENABLE

OLD_SITE3 = "enhanced HTTP is on only with version 1806 and pre-release features"
OLD_CERT2 = "queued certificate work is never older than its deadline"
OLD_REG5 = "client notification fails only after enabling, for at most one policy cycle"
OLD_RECOVERABLE = "from every reachable state the site can return to a healthy state"
HOLLOW = (OLD_SITE3, OLD_CERT2, OLD_REG5, OLD_RECOVERABLE)


def _deadline(model: WorldModel, world: World, index: int) -> int:
    return model.env.compiled[index].deadlines.get(world[index][0], 0)


def hollow_checks(model: WorldModel) -> tuple[Check, ...]:
    """The four old statements, for the lab of `model`."""
    env = model.env

    enable_guards = [row.guard for row in env.machines[SITE].rows if row.name == ENABLE]

    def site3(w: World) -> bool:
        return not env.enhanced(w) or any(guard(env, w, SITE) for guard in enable_guards)

    def cert2(w: World) -> bool:
        return all(
            w[i][0] not in PENDING_STATES or w[i][1] <= _deadline(model, w, i) for i in env.bindings
        )

    def reg5(w: World) -> bool:
        return all(
            w[i][0] != REREGISTRATION_DUE or (env.enhanced(w) and w[i][1] <= _deadline(model, w, i))
            for i in env.clients
        )

    def healthy(w: World) -> bool:
        if any(w[i][0] in PENDING_STATES for i in env.bindings) or w[EXEC][0] != "running":
            return False
        if any(w[i][0] == REREGISTRATION_DUE for i in env.clients):
            return False
        return not any(stranded(model, w, i) for i in env.bindings)

    return (
        Check(Property.always(OLD_SITE3, site3, ("SITE-3",)), probes=("site-mode",)),
        Check(Property.always(OLD_CERT2, cert2, ("CERT-2",)), probes=("certificate-binding",)),
        Check(Property.always(OLD_REG5, reg5, ("REG-5", "SEC-3")), probes=("client-registration",)),
        Check(Property.recoverable(OLD_RECOVERABLE, healthy, ("CERT-4", "REG-4"))),
    )
