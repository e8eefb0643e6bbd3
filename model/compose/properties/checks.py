"""Every check of a lab, in report order: each family's, then deadlock freedom and recovery."""

from __future__ import annotations

from ehttp.checker import Property
from ehttp.compose.properties.binding import binding_checks
from ehttp.compose.properties.clients import client_checks
from ehttp.compose.properties.common import Check, Pred, has_option
from ehttp.compose.properties.downloads import download_checks
from ehttp.compose.properties.site import site_checks
from ehttp.compose.world import EXEC, SITE, World, WorldModel
from ehttp.machines.binding import PENDING_STATES

__all__ = ["lab_checks"]


def lab_checks(model: WorldModel) -> tuple[Check, ...]:
    """Every check for the lab of `model`, in report order.

    Deadlock freedom is asked where the option exists: it is what the time bounds of CERT-2 and
    REG-5 need (a deadlock would stop the clock); without the option no timer ever runs.
    """
    general = [
        Check(
            Property.deadlock_free(
                "no reachable state is a deadlock (time-bounded claims need the model to go on)",
                ("CERT-2", "REG-5"),
            )
        ),
        Check(
            Property.recoverable(
                "from every reachable state the administrator can return the site to health",
                _healthy(model),
                ("CERT-4", "REG-4"),
            )
        ),
    ]
    if not has_option(model.lab):
        general = general[1:]
    return tuple(
        site_checks(model)
        + binding_checks(model)
        + client_checks(model)
        + download_checks(model)
        + general
    )


def _healthy(model: WorldModel) -> Pred:
    """What an administrator wants: enhanced HTTP still on (HTTPS or HTTP), every HTTP site
    system's role certificate bound, every HTTPS one's PKI certificate, smsexec running. Without
    the option: smsexec running with no certificate work queued."""
    env = model.env
    http = [i for i in env.bindings if env.site_system(i).connections == "http"]
    https = [i for i in env.bindings if env.site_system(i).connections == "https"]

    def healthy(w: World) -> bool:
        if w[EXEC][0] != "running":
            return False
        if not has_option(model.lab):
            return not any(w[i][0] in PENDING_STATES for i in env.bindings)
        return (
            w[SITE][0] == "https-or-http+enhanced"
            and all(w[i][0] == "bound" for i in http)
            and all(w[i][0].startswith("pki-bound") for i in https)
        )

    return healthy
