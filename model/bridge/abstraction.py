"""The abstraction function: read a concrete lab and return the abstract model's world.

Implements the mapping DESIGN "Concrete lab" asks for ("Its abstraction function maps it onto the
abstract state"), instance by instance in the layout of `ehttp.compose.world`:
- site mode and Azure AD application from the site's settings and the tenant (SITE-1, SITE-2,
  PRE-1);
- smsexec from the certificate manager, the toggle history from its record of toggles made while
  work was queued (CERT-5);
- each HTTP site system's binding from its SMS store contents, its queued work and what its IIS
  binding serves, proved by a real TLS handshake to the site system's name trusting SMS Issuing
  and the enterprise root: the served certificate's issuer tells an SMS-Issuing binding from a PKI
  one (CERT-1..4, SITE-4, SEC-4);
- each client's registration from the site database's record and its signing regime; a client
  the database marks due to re-register (enhanced HTTP enabled since, A-47) is due, or stranded
  while the site is HTTPS only and every management point is HTTP only (REG-4, REG-5, A-48).
Timers are read off the lab clock: queued certificate work and due re-registrations keep the
instant they started (or their deadline), converted to whole clock quanta.

A lab state the abstract model has no name for (for example a bound certificate that is not in
the SMS store) raises `AbstractionError`: it is a divergence, not something to round off.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509

from ehttp.compose.world import Env, World
from ehttp.lab.client import POLICY_INTERVAL
from ehttp.lab.policy import enhanced_on
from ehttp.lab.reasons import Accepted
from ehttp.lab.store import SiteSystemCertificates
from ehttp.lab.testbed import ConcreteLab
from ehttp.machines.binding import STRANDED
from ehttp.machines.clock import QUANTUM_MINUTES
from ehttp.machines.registration import REREGISTRATION_DUE, REREGISTRATION_STRANDED

__all__ = ["AbstractionError", "abstract", "binding_state", "quanta"]

_QUANTUM = dt.timedelta(minutes=QUANTUM_MINUTES)


class AbstractionError(ValueError):
    """The lab is in a state the abstract model has no name for."""


def quanta(since: dt.datetime, now: dt.datetime) -> int:
    """Whole clock quanta from ``since`` to ``now``."""
    return (now - since) // _QUANTUM


def _served_issuer(lab: ConcreteLab, system: SiteSystemCertificates) -> x509.Name | None:
    """The issuer of what the site system's port 443 serves, proved by a TLS handshake."""
    verdict = system.prove(lab.trusted_roots)
    if not isinstance(verdict, Accepted):
        return None
    return x509.load_der_x509_certificate(verdict.value).issuer


def binding_state(lab: ConcreteLab, name: str) -> tuple[str, int]:
    """The `ehttp.machines.binding.BINDING` state and timer of site system ``name``."""
    system = lab.certificates.systems[name]
    issuer = _served_issuer(lab, system)
    sms_bound = issuer == lab.authority.certificate.subject
    pki_bound = issuer == lab.pki.certificate.subject
    stored, queued = bool(system.stored), system.queued
    state: str | None
    if pki_bound:
        if not stored:
            state = "pki-bound" if queued is None else None
        else:
            state = {"bind": "pki-bound+issued", None: "pki-bound+stored"}.get(queued)
    elif not stored:
        state = "no-certificate" if not sms_bound and queued is None else None
    elif not sms_bound:
        state = {"bind": "issued", None: STRANDED}.get(queued)
    else:
        state = {"unbind": "unbinding", None: "bound"}.get(queued)
    if state is None:
        raise AbstractionError(
            f"{name}: stored {len(system.stored)} role certificate(s), queued {queued!r}, "
            f"serving SMS Issuing {sms_bound}, PKI {pki_bound}: no binding state matches"
        )
    if queued is None:
        return state, -1
    if system.queued_since is None:
        raise AbstractionError(f"{name}: work {queued!r} is queued with no start instant")
    return state, quanta(system.queued_since, lab.clock.now())


def _registration_state(lab: ConcreteLab, client: str) -> tuple[str, int]:
    registration = lab.registration_of(client)
    if registration is None:
        return ("pending-approval" if lab.pending_at(client) else "unregistered"), -1
    deadline = lab.clients[client].reregister_by
    if not lab.is_due(client):
        if deadline is not None:
            raise AbstractionError(f"{client}: not due to re-register, but keeps a deadline")
        return f"registered:{registration.regime}", -1
    if lab.strands():
        if deadline is not None:
            raise AbstractionError(f"{client}: stranded by HTTPS only, but keeps a deadline")
        return REREGISTRATION_STRANDED, -1
    if deadline is None:
        raise AbstractionError(f"{client}: due to re-register with no deadline")
    return REREGISTRATION_DUE, quanta(deadline - POLICY_INTERVAL, lab.clock.now())


def _site_state(lab: ConcreteLab) -> str:
    site = lab.site
    if enhanced_on(site.version, site.enhanced_http):
        return f"{site.client_communication}+enhanced"
    return site.client_communication


def _smsexec_state(lab: ConcreteLab) -> tuple[str, int]:
    certificates = lab.certificates
    if certificates.running:
        return "running", -1
    if certificates.stopped_since is None:
        raise AbstractionError("smsexec: stopped with no instant it stopped at")
    return "restarting", quanta(certificates.stopped_since, lab.clock.now())


def _app_state(lab: ConcreteLab) -> str:
    if not lab.site.azure_ad_onboarded:
        return "not-onboarded"
    return "updated" if lab.tenant.app_updated else "needs-update"


def abstract(lab: ConcreteLab, env: Env) -> World:
    """The abstract world of ``lab``, in the instance layout of ``env``
    (`ehttp.compose.env.Env`)."""
    certificates = lab.certificates
    world: list[tuple[str, int]] = [
        (_site_state(lab), -1),
        (_app_state(lab), -1),
        _smsexec_state(lab),
        ("ticking", -1),
        ("rapid" if certificates.rapid else "careful", -1),
    ]
    world.extend(binding_state(lab, env.names[i]) for i in env.bindings)
    world.extend(_registration_state(lab, env.names[i]) for i in env.clients)
    return tuple(world)
