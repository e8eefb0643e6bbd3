"""Certificate binding of each HTTP site system, the smsexec service, and the toggle history.

Implements "Configure the site" (the SMS Issuing root and the role certificates it issues, CERT-1),
the Tip "Wait up to 30 minutes for the management point to receive and configure the new
certificate" (CERT-2), the known issue on rapidly enabling and disabling the option with its
workaround (CERT-3, CERT-4), and, from the reference facts, that the role certificate is bound to
the IIS Default Web Site on port 443 and that a PKI certificate already bound stays in use (SITE-4).

Modeling assumption A-3 (the mechanism of CERT-3 and CERT-4; the seed gives only the symptom and the
cure): the certificate manager in smsexec keeps a queue of work per site system.
- On enable it issues an SMS Role SSL Certificate into the SMS store and queues a bind, unless an
  SMS-Issuing-issued role certificate is already in the store, which it takes as "already done".
- On disable it cancels a queued bind (the issued certificate stays in the store), and queues the
  removal of a binding it made (removal unbinds and deletes the certificate).
- When smsexec starts it reconciles: enhanced HTTP on and no role certificate in the store means
  issue one and queue a bind; queued work survives a restart.
Reason: this is the smallest mechanism under which "rapidly and repeatedly enabling and disabling"
(enable, disable before the bind, enable) leaves a role certificate in the store with nothing bound
(exactly the documented symptom), toggling only after queued work completed never does (CERT-5),
restarting alone does not help (the certificate is still "done"), and deleting the certificates then
restarting smsexec issues and binds anew (exactly the documented cure).

Modeling assumption A-4: the 30-minute bound of the Tip applies to every queued certificate
operation on every HTTP site system (the Tip names the management point only).

Modeling assumption A-40: an smsexec restart completes within one clock quantum: `restarting`
carries a deadline of one quantum, so time passes at most once while the service is down.

Modeling assumption A-41: while smsexec is not running no reaction changes certificate work; the
certificate manager in it acts on an enable or disable made meanwhile when it starts: it reconciles
the option with each site system and queues what the change would have queued (issue anew, cancel a
queued bind, queue or cancel a removal), and still takes a role certificate already in the store as
done (A-3).
"""

from __future__ import annotations

from ehttp.machines.clock import CERTIFICATE_DEADLINE
from ehttp.machines.guards import Atom, promela_any
from ehttp.machines.machine import Machine, Row, StateDecl
from ehttp.machines.site import DISABLE, ENABLE, ENHANCED

__all__ = [
    "BINDING",
    "BOUND_STATES",
    "CERTIFICATE_WORK_PENDING",
    "DELETE",
    "PENDING_STATES",
    "RESTART",
    "RESTART_DEADLINE",
    "SMSEXEC",
    "SMSEXEC_RUNNING",
    "SMSEXEC_STARTS",
    "STRANDED",
    "TOGGLE_HISTORY",
    "initial_binding",
]

RESTART = "restart the smsexec service"
SMSEXEC_STARTS = "smsexec service starts"
DELETE = 'delete all certificates issued by "SMS Issuing" from the SMS certificate store'
STRANDED = "stranded"
PENDING_STATES = frozenset({"issued", "unbinding", "pki-bound+issued"})
BOUND_STATES = frozenset({"bound", "unbinding"})


SMSEXEC_RUNNING = Atom(
    "smsexec running",
    "smsexec running",
    "smsexec restarting",
    lambda env, world, index: env.smsexec_running(world),
    lambda r, index: r.is_in(r.smsexec, ("running",)),
)
"""CERT-4: the SMS Executive service, and with it the certificate manager, is running."""

CERTIFICATE_WORK_PENDING = Atom(
    "certificate work pending",
    "certificate work queued",
    "no certificate work queued",
    lambda env, world, index: env.certificate_work_pending(world),
    lambda r, index: promela_any(r.is_in(b, PENDING_STATES) for b in r.bindings),
)
"""CERT-5: some HTTP site system's certificate binding has queued work."""


def initial_binding(pki_bound: bool, enhanced: bool) -> str:
    """The steady binding state of a site system in a lab, before anything happens."""
    if pki_bound:
        return "pki-bound+stored" if enhanced else "pki-bound"
    return "bound" if enhanced else "no-certificate"


_PENDING = CERTIFICATE_DEADLINE
RESTART_DEADLINE = 1
"""A-40: smsexec is back within one clock quantum."""

BINDING = Machine(
    name="certificate-binding",
    title="Certificate binding (per HTTP site system)",
    doc=(
        "The SMS Role SSL Certificate of one management point or distribution point: in the SMS "
        "certificate store, bound to the IIS Default Web Site on port 443, and the certificate "
        "manager's queued work for it."
    ),
    states=(
        StateDecl("no-certificate", "no role certificate in the SMS store, none bound, no work"),
        StateDecl(
            "issued",
            "role certificate issued by SMS Issuing into the SMS store; bind queued",
            deadline=_PENDING,
        ),
        StateDecl("bound", "role certificate bound to the IIS Default Web Site on port 443"),
        StateDecl(
            "unbinding",
            "bound; removal of the binding and the certificate queued",
            deadline=_PENDING,
        ),
        StateDecl(
            STRANDED,
            "role certificate in the SMS store, nothing bound, no work queued "
            "(with enhanced HTTP on: no SMS-Issuing certificate bound to any IIS website)",
            marks=("fault", "CERT-3"),
        ),
        StateDecl("pki-bound", "a PKI certificate is bound in IIS; no role certificate"),
        StateDecl(
            "pki-bound+issued",
            "PKI certificate bound; role certificate issued, bind queued",
            deadline=_PENDING,
        ),
        StateDecl("pki-bound+stored", "PKI certificate stays bound; role certificate in the store"),
    ),
    rows=(
        Row(
            "issue the SMS Role SSL Certificate",
            ("no-certificate",),
            "issued",
            ("CERT-1",),
            "site",
            SMSEXEC_RUNNING,
            event=ENABLE,
        ),
        Row(
            "issue the SMS Role SSL Certificate",
            ("pki-bound",),
            "pki-bound+issued",
            ("CERT-1", "SITE-4"),
            "site",
            SMSEXEC_RUNNING,
            event=ENABLE,
        ),
        Row(
            "role certificate already in the store: taken as done",
            (STRANDED,),
            STRANDED,
            ("CERT-3",),
            "site",
            SMSEXEC_RUNNING,
            event=ENABLE,
            note="Modeling assumption A-3: the mechanism of the rapid enable/disable fault",
            assumes=("A-3",),
        ),
        Row(
            "role certificate already in the store: taken as done",
            ("unbinding",),
            "bound",
            ("CERT-3",),
            "site",
            SMSEXEC_RUNNING,
            event=ENABLE,
            note="Modeling assumption A-5: enabling cancels a queued removal",
            assumes=("A-3", "A-5"),
        ),
        Row(
            "cancel the queued bind",
            ("issued",),
            STRANDED,
            ("CERT-3",),
            "site",
            SMSEXEC_RUNNING,
            event=DISABLE,
            note="Modeling assumption A-6: the issued certificate stays in the SMS store",
            assumes=("A-3", "A-6"),
        ),
        Row(
            "cancel the queued bind",
            ("pki-bound+issued",),
            "pki-bound+stored",
            ("SITE-4",),
            "site",
            SMSEXEC_RUNNING,
            event=DISABLE,
            assumes=("A-3",),
        ),
        Row(
            "queue removal of the binding",
            ("bound",),
            "unbinding",
            ("CERT-5",),
            "site",
            SMSEXEC_RUNNING,
            event=DISABLE,
            assumes=("A-3",),
        ),
        Row(
            "bind the certificate to the IIS Default Web Site on port 443",
            ("issued",),
            "bound",
            ("CERT-2",),
            "site",
            SMSEXEC_RUNNING,
            assumes=("A-4",),
        ),
        Row(
            "keep the PKI certificate already bound",
            ("pki-bound+issued",),
            "pki-bound+stored",
            ("SITE-4", "CERT-2"),
            "site",
            SMSEXEC_RUNNING,
            assumes=("A-4",),
        ),
        Row(
            "remove the binding and delete the role certificate",
            ("unbinding",),
            "no-certificate",
            ("CERT-5",),
            "site",
            SMSEXEC_RUNNING,
            assumes=("A-3", "A-4"),
        ),
        Row(
            DELETE,
            ("issued", "bound", "unbinding", STRANDED),
            "no-certificate",
            ("CERT-4",),
            "administrator",
            note="a binding to a deleted certificate binds nothing",
            assumes=("A-3",),
        ),
        Row(
            DELETE,
            ("pki-bound+issued", "pki-bound+stored"),
            "pki-bound",
            ("CERT-4", "SITE-4"),
            "administrator",
        ),
        Row(
            "reconcile on start: issue anew",
            ("no-certificate",),
            "issued",
            ("CERT-4",),
            "site",
            ENHANCED,
            event=SMSEXEC_STARTS,
            assumes=("A-3",),
        ),
        Row(
            "reconcile on start: issue anew",
            ("pki-bound",),
            "pki-bound+issued",
            ("CERT-4", "SITE-4"),
            "site",
            ENHANCED,
            event=SMSEXEC_STARTS,
            assumes=("A-3",),
        ),
        Row(
            "reconcile on start: cancel the queued removal",
            ("unbinding",),
            "bound",
            ("CERT-4", "CERT-5"),
            "site",
            ENHANCED,
            event=SMSEXEC_STARTS,
            assumes=("A-41", "A-5"),
        ),
        Row(
            "reconcile on start: cancel the queued bind",
            ("issued",),
            STRANDED,
            ("CERT-3", "CERT-4"),
            "site",
            ~ENHANCED,
            event=SMSEXEC_STARTS,
            assumes=("A-41", "A-6"),
        ),
        Row(
            "reconcile on start: cancel the queued bind",
            ("pki-bound+issued",),
            "pki-bound+stored",
            ("CERT-4", "SITE-4"),
            "site",
            ~ENHANCED,
            event=SMSEXEC_STARTS,
            assumes=("A-41",),
        ),
        Row(
            "reconcile on start: queue removal of the binding",
            ("bound",),
            "unbinding",
            ("CERT-4", "CERT-5"),
            "site",
            ~ENHANCED,
            event=SMSEXEC_STARTS,
            assumes=("A-41",),
        ),
    ),
)

SMSEXEC = Machine(
    name="smsexec",
    title="SMS Executive service",
    doc="The smsexec service, whose certificate manager does the certificate work.",
    states=(
        StateDecl("running", "smsexec running; the certificate manager works its queue"),
        StateDecl(
            "restarting",
            "smsexec restarting; no certificate work is done",
            deadline=RESTART_DEADLINE,
        ),
    ),
    rows=(
        Row(RESTART, ("running",), "restarting", ("CERT-4",), "administrator", assumes=("A-40",)),
        Row(SMSEXEC_STARTS, ("restarting",), "running", ("CERT-4",), "site", assumes=("A-40",)),
    ),
)

TOGGLE_HISTORY = Machine(
    name="toggle-history",
    title="Toggle history (observer for CERT-5)",
    doc=(
        "A history variable: whether the administrator ever toggled enhanced HTTP while "
        "certificate work from the previous change was still queued (a rapid toggle). It only "
        "observes; no other machine reads it."
    ),
    states=(
        StateDecl("careful", "every toggle so far came after the previous change completed"),
        StateDecl("rapid", "some toggle came while certificate work was still queued"),
    ),
    rows=tuple(
        Row(
            "toggle before the previous change completed",
            ("careful",),
            "rapid",
            ("CERT-3", "CERT-5"),
            "administrator",
            CERTIFICATE_WORK_PENDING,
            event=event,
        )
        for event in (ENABLE, DISABLE)
    ),
)
