"""The role certificates' properties (CERT-1..CERT-5, SITE-4): certificate work is done within
30 minutes, enabling binds every HTTP site system's role certificate, the rapid toggle strands
them (CERT-3), the workaround recovers them and a restart alone does not (CERT-4), and nothing
changes while smsexec is stopped (A-41)."""

from __future__ import annotations

from ehttp.checker import Property
from ehttp.compose.properties.common import (
    AFTER_ENABLING,
    CERTIFICATE_MINUTES,
    FROM_OFF,
    RESTART_ALONE,
    TOGGLING,
    WORKAROUND,
    Check,
    has_option,
    probe,
    stranded,
    stranded_promela,
    try_step,
)
from ehttp.compose.world import EXEC, HISTORY, SITE, World, WorldModel
from ehttp.machines.binding import (
    BINDING,
    PENDING_STATES,
    SMSEXEC_RUNNING,
    STRANDED,
)
from ehttp.machines.clock import QUANTUM_MINUTES, minutes
from ehttp.machines.guards import Rendering, promela_all, promela_any, promela_not
from ehttp.machines.site import DISABLE, ENABLE, ENHANCED, SITE_MODE

__all__ = ["binding_checks"]


_IN_USE = frozenset({"issued", "bound", "pki-bound+issued"})
"""Binding states with a role certificate bound, or its bind queued (see
`model/machines/binding.py`).

This rests on the mechanism `model/machines/binding.py` labels a modeling assumption (disabling the
option cancels a queued bind and queues the removal of a binding); the seed describes only
enabling."""


def binding_checks(model: WorldModel) -> list[Check]:
    env = model.env
    checks: list[Check] = []
    https = [i for i in env.bindings if env.site_system(i).connections == "https"]
    http = [i for i in env.bindings if env.site_system(i).connections == "http"]
    pki_bound = [name for name in BINDING.state_names if name.startswith("pki-bound")]
    if https and has_option(model.lab):
        checks.append(
            Check(
                Property.always(
                    "an HTTPS site system keeps its PKI certificate bound",
                    lambda w: all(w[i][0].startswith("pki-bound") for i in https),
                    ("SITE-4",),
                ),
                promela=lambda r: promela_all(r.is_in(i, pki_bound) for i in https),
            )
        )
    if not has_option(model.lab):
        checks.append(
            Check(
                Property.always(
                    "without the option no role certificate is ever issued",
                    lambda w: all(w[i][0] in ("no-certificate", "pki-bound") for i in env.bindings),
                    ("CERT-1", "SITE-3"),
                ),
                promela=lambda r: promela_all(
                    r.is_in(i, ("no-certificate", "pki-bound")) for i in env.bindings
                ),
            )
        )
        return checks

    # Each claim is about one site system, the same claim about each (`Property.about_agent`):
    # where twin site systems are interchangeable (`WorldModel.canonical`) the checker judges it
    # for every twin of the system on the reduced graph (`model/checker/watched.py`).
    def queue_age(i: int) -> Property[World]:
        def within(w: World) -> bool:
            return w[i][0] not in PENDING_STATES or minutes(w[i][1]) <= CERTIFICATE_MINUTES

        return Property.always(
            f"{env.names[i]}: queued certificate work is never older than 30 minutes",
            within,
            ("CERT-2",),
        )

    def queue_completes(i: int) -> Property[World]:
        def pending(w: World) -> bool:
            return w[i][0] in PENDING_STATES

        def not_pending(w: World) -> bool:
            return w[i][0] not in PENDING_STATES

        return Property.leads_to(
            f"{env.names[i]}: queued certificate work completes",
            pending,
            not_pending,
            ("CERT-2", "CERT-1"),
        )

    for index in env.bindings:

        def within_promela(r: Rendering, i: int = index) -> str:
            return promela_any(
                (
                    promela_not(r.is_in(i, PENDING_STATES)),
                    f"{r.timer(i)} * {QUANTUM_MINUTES} <= {CERTIFICATE_MINUTES}",
                )
            )

        checks += [
            Check(Property.about_agent(index, queue_age), promela=within_promela),
            Check(Property.about_agent(index, queue_completes)),
        ]
    checks.append(_stopped_check(model))
    if not http:
        return checks

    def all_bound(w: World) -> bool:
        return env.enhanced(w) and all(w[i][0] == "bound" for i in http)

    def any_stranded(w: World) -> bool:
        return any(stranded(model, w, i) for i in http)

    def careful_never_stranded(w: World) -> bool:
        return w[HISTORY][0] == "rapid" or not any_stranded(w)

    def nothing_bound_while_off(w: World) -> bool:
        running = w[EXEC][0] == "running"
        return env.enhanced(w) or not running or all(w[i][0] not in _IN_USE for i in env.bindings)

    def nothing_removed_while_on(w: World) -> bool:
        # The seed's configuration: enabling the option gives each HTTP site system its role
        # certificate ("Wait up to 30 minutes for the management point to receive and configure
        # the new certificate"); the site does not take it away while the option stays on.
        running = w[EXEC][0] == "running"
        return not env.enhanced(w) or not running or all(w[i][0] != "unbinding" for i in http)

    def all_bound_promela(r: Rendering) -> str:
        return promela_all((ENHANCED.promela(r, SITE), *(r.is_in(i, ("bound",)) for i in http)))

    def any_stranded_promela(r: Rendering) -> str:
        return promela_any(stranded_promela(r, i) for i in http)

    def site_wide_symptom(w: World) -> bool:
        # The known issue's symptom is site-wide: "No certificates issued by the "SMS Issuing"
        # certificate are bound to a website" in IIS, for the roles it may not "properly bind to".
        return all(stranded(model, w, i) for i in http)

    def site_wide_symptom_promela(r: Rendering) -> str:
        return promela_all(stranded_promela(r, i) for i in http)

    checks += [
        Check(
            Property.sometimes(
                "after enabling, every HTTP site system's role certificate is bound",
                all_bound,
                ("CERT-1", "SCN-1"),
            ),
            FROM_OFF,
            all_bound_promela,
        ),
        Check(
            Property.eventually(
                "once enabled, the site binds every HTTP site system's role certificate on its own",
                all_bound,
                ("CERT-1", "CERT-2"),
            ),
            AFTER_ENABLING,
        ),
        Check(
            Property.always(
                "with enhanced HTTP on and smsexec running no role certificate binding is "
                "being removed",
                nothing_removed_while_on,
                ("CERT-1", "CERT-2"),
            ),
            promela=lambda r: promela_any(
                (
                    promela_not(ENHANCED.promela(r, SITE)),
                    promela_not(SMSEXEC_RUNNING.promela(r, EXEC)),
                    promela_all(promela_not(r.is_in(i, ("unbinding",))) for i in http),
                )
            ),
        ),
        Check(
            Property.always(
                "with enhanced HTTP off and smsexec running no role certificate is bound or "
                "waiting to be bound (a queued removal aside)",
                nothing_bound_while_off,
                ("CERT-1",),
            ),
            promela=lambda r: promela_any(
                (
                    ENHANCED.promela(r, SITE),
                    promela_not(SMSEXEC_RUNNING.promela(r, EXEC)),
                    promela_all(promela_not(r.is_in(i, _IN_USE)) for i in env.bindings),
                )
            ),
        ),
        Check(
            Property.sometimes(
                "rapidly enabling and disabling the option alone leaves no SMS-Issuing "
                "certificate bound",
                site_wide_symptom,
                ("CERT-3",),
            ),
            TOGGLING,
            site_wide_symptom_promela,
        ),
        Check(
            Property.always(
                "toggling only after the previous change completed never strands a certificate",
                careful_never_stranded,
                ("CERT-5", "CERT-3"),
            ),
            promela=lambda r: promela_any(
                (r.is_in(HISTORY, ("rapid",)), promela_not(any_stranded_promela(r)))
            ),
        ),
        Check(
            Property.always(
                "restarting smsexec without deleting the SMS Issuing certificates leaves no "
                "SMS-Issuing certificate bound, in every run (toggling the option included)",
                lambda w: all(w[i][0] == STRANDED for i in http),
                ("CERT-3", "CERT-4"),
            ),
            RESTART_ALONE,
        ),
        Check(
            Property.eventually(
                "after the workaround every HTTP site system's role certificate is bound",
                lambda w: all(w[i][0] == "bound" for i in http),
                ("CERT-4",),
            ),
            WORKAROUND,
        ),
    ]
    return checks


_CERTIFICATE_WORK = (
    "bind the certificate to the IIS Default Web Site on port 443",
    "keep the PKI certificate already bound",
    "remove the binding and delete the role certificate",
)
"""The certificate manager's queued work on a site system (`model/machines/binding.py`), by name."""


def _stopped_check(model: WorldModel) -> Check:
    """A-41 as a property: the certificate manager runs inside smsexec, so while smsexec is not
    running an enable or a disable changes no site system's certificate, and no queued work is
    carried out (the lab's certificate manager does exactly this; smsexec acts on the change
    when it starts, which "after the workaround" and "after a restart alone" check)."""
    env = model.env
    first, last = env.first_binding, env.first_client
    memo: dict[tuple[object, ...], bool] = {}

    def idle(w: World) -> bool:
        if w[EXEC][0] == "running":
            return True
        key = (w[SITE][0], w[EXEC][0], w[first:last])
        found = memo.get(key)
        if found is None:
            found = memo[key] = all(
                try_step(model, w, SITE, name)[first:last] == w[first:last]
                for name in (ENABLE, DISABLE)
            ) and not any(
                probe(model, w, i, name) for i in env.bindings for name in _CERTIFICATE_WORK
            )
        return found

    return Check(
        Property.always(
            "while smsexec is not running, enabling or disabling the option changes no "
            "certificate and no queued certificate work is done",
            idle,
            ("CERT-1", "CERT-3"),
        ),
        probes=(SITE_MODE.name, BINDING.name),
    )
