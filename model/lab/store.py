"""The SMS certificate store, the IIS Default Web Site binding on port 443, and smsexec's
certificate manager, acting on real certificate objects.

Implements CERT-1 (SMS Issuing issues each site system a role certificate into the SMS store),
CERT-2 (the site system binds it), CERT-3 (rapid enable/disable leaves no SMS-Issuing-issued
certificate bound to any IIS website), CERT-4 (delete every SMS-Issuing-issued certificate from the
SMS store and restart smsexec) and SITE-4 (a PKI certificate already bound stays in use).

Modeling assumption A-28: this module enacts exactly the mechanism declared in
`model/machines/binding.py` (see
its docstring): enable issues a role certificate and queues a bind unless a role certificate is
already in the store ("done", and a queued removal is cancelled); disable cancels a queued bind
and queues removal of a binding it made; the queued work runs only while smsexec runs; deleting the
certificates drops a binding to them and the work queued for them; smsexec reconciles on start.
`state_name` maps a site system onto the states of `ehttp.machines.binding.BINDING`.

A binding is proved by a TLS handshake on every read (`prove`); what makes repeated proofs
affordable is the session and verdict cache of `model/lab/tls.py`, which gives an accepted
handshake again only for the same served chain and key, name, trusted roots and validity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cryptography import x509

from ehttp.lab.clock import LabClock
from ehttp.lab.mutants import NEVER_REBINDS
from ehttp.lab.pki import Issued, SiteAuthority
from ehttp.lab.reasons import Verdict
from ehttp.lab.tls import handshake
from ehttp.machines.binding import STRANDED

__all__ = ["CertificateManager", "ManagerSnapshot", "SiteSystemCertificates", "StoreSnapshot"]

Work = Literal["bind", "unbind"]


@dataclass(frozen=True)
class StoreSnapshot:
    """A site system's certificate state as comparable data (serial numbers, not objects)."""

    stored: tuple[int, ...]
    bound: int | None
    bound_is_pki: bool
    queued: Work | None
    queued_since: dt.datetime | None


@dataclass(frozen=True)
class ManagerSnapshot:
    """The certificate manager's observable state."""

    running: bool
    enhanced: bool
    rapid: bool
    systems: tuple[tuple[str, StoreSnapshot], ...]


class SiteSystemCertificates:
    """One site system's SMS store contents, IIS binding and queued certificate work."""

    def __init__(
        self, dns_name: str, pki_binding: Issued | None, clock: LabClock | None = None
    ) -> None:
        self.dns_name = dns_name
        self._clock = clock if clock is not None else LabClock()
        self.stored: list[Issued] = []
        self.bound: Issued | None = pki_binding
        self.bound_is_pki = pki_binding is not None
        self.queued: Work | None = None
        self.queued_since: dt.datetime | None = None

    def queue(self, work: Work | None, now: dt.datetime) -> None:
        """Queue ``work`` (None: nothing queued); the deadline runs from when new work is queued."""
        if work != self.queued:
            self.queued_since = None if work is None else now
        self.queued = work

    def state_name(self) -> str:
        """The `ehttp.machines.binding.BINDING` state this site system is in."""
        if self.bound_is_pki:
            if not self.stored:
                return "pki-bound"
            return "pki-bound+issued" if self.queued == "bind" else "pki-bound+stored"
        if not self.stored:
            return "no-certificate"
        if self.bound is None:
            return "issued" if self.queued == "bind" else STRANDED
        return "unbinding" if self.queued == "unbind" else "bound"

    def serves_sms_certificate(self) -> bool:
        """Whether an SMS-Issuing-issued certificate is bound to the website (CERT-3's symptom)."""
        return self.bound is not None and not self.bound_is_pki

    def prove(self, roots: Sequence[x509.Certificate]) -> Verdict[bytes]:
        """A real TLS handshake to this site system's name, trusting ``roots`` now."""
        return handshake(self.bound, self.dns_name, roots, self._clock.now())

    def snapshot(self) -> StoreSnapshot:
        """The observable state."""
        return StoreSnapshot(
            tuple(c.certificate.serial_number for c in self.stored),
            None if self.bound is None else self.bound.certificate.serial_number,
            self.bound_is_pki,
            self.queued,
            self.queued_since,
        )


class CertificateManager:
    """smsexec's certificate manager for every HTTP site system of one site.

    `rapid` records whether the administrator ever toggled enhanced HTTP while certificate work
    was still queued (the observer of CERT-5, `ehttp.machines.binding.TOGGLE_HISTORY`); queued work
    carries
    the lab instant it was queued at, so its 30-minute bound (CERT-2) can be read off the clock.
    """

    def __init__(
        self,
        authority: SiteAuthority,
        systems: dict[str, SiteSystemCertificates],
        *,
        enhanced: bool,
        clock: LabClock | None = None,
        mutants: frozenset[str] = frozenset(),
    ) -> None:
        self.authority = authority
        self.systems = systems
        self.enhanced = enhanced
        self.clock = clock if clock is not None else LabClock()
        self._never_rebinds = NEVER_REBINDS in mutants
        self.running = True
        self.stopped_since: dt.datetime | None = None
        self.rapid = False
        if enhanced:
            for system in systems.values():
                self._issue(system)
                self._work(system)

    def _issue(self, system: SiteSystemCertificates) -> None:
        system.stored.append(self.authority.role_certificate(system.dns_name))
        system.queue("bind", self.clock.now())

    def enable(self) -> None:
        """The administrator turns enhanced HTTP on (CERT-1; CERT-3's mechanism); a stopped
        smsexec acts on it when it starts (A-41)."""
        self.rapid = self.rapid or bool(self.pending())
        self.enhanced = True
        if self.running:
            for system in self.systems.values():
                self._on_enable(system, issue=True)

    def _on_enable(self, system: SiteSystemCertificates, *, issue: bool) -> None:
        if system.stored:
            if system.queued == "unbind":
                system.queue(None, self.clock.now())
        elif issue:
            self._issue(system)

    def disable(self) -> None:
        """The administrator turns enhanced HTTP off; a stopped smsexec acts on it when it
        starts (A-41)."""
        self.rapid = self.rapid or bool(self.pending())
        self.enhanced = False
        if self.running:
            for system in self.systems.values():
                self._on_disable(system)

    def _on_disable(self, system: SiteSystemCertificates) -> None:
        if system.queued == "bind":
            system.queue(None, self.clock.now())
        elif system.serves_sms_certificate() and system.queued is None:
            system.queue("unbind", self.clock.now())

    def pending(self) -> tuple[str, ...]:
        """The site systems with queued certificate work, by name."""
        return tuple(name for name, s in self.systems.items() if s.queued is not None)

    def work(self, name: str) -> bool:
        """Site system ``name`` carries out its queued work (CERT-2); False if none or stopped."""
        system = self.systems[name]
        if not self.running or system.queued is None:
            return False
        self._work(system)
        return True

    def _work(self, system: SiteSystemCertificates) -> None:
        if system.queued == "bind" and not system.bound_is_pki:
            system.bound = system.stored[-1]
        elif system.queued == "unbind" and system.bound is not None:
            system.stored = [c for c in system.stored if c is not system.bound]
            system.bound = None
        system.queue(None, self.clock.now())

    def delete_sms_issued(self, name: str | None = None) -> None:
        """Delete every certificate issued by SMS Issuing from the SMS store (CERT-4), on site
        system ``name`` or, by default, on every site system."""
        for system_name, system in self.systems.items():
            if name is not None and system_name != name:
                continue
            system.stored = []
            system.queue(None, self.clock.now())
            if system.serves_sms_certificate():
                system.bound = None

    def restart(self) -> None:
        """Restart the smsexec service: it stops, and is back within one quantum (A-40)."""
        self.running = False
        self.stopped_since = self.clock.now()

    def start(self) -> None:
        """smsexec starts and reconciles the option with every site system (A-41): what an
        enable or disable would have queued (with enhanced HTTP on and no role certificate:
        issue anew)."""
        self.running = True
        self.stopped_since = None
        for system in self.systems.values():
            if self.enhanced:
                self._on_enable(system, issue=not self._never_rebinds)
            else:
                self._on_disable(system)

    def snapshot(self) -> ManagerSnapshot:
        """The observable state: smsexec, the setting it acts on, and every site system."""
        return ManagerSnapshot(
            self.running,
            self.enhanced,
            self.rapid,
            tuple((name, s.snapshot()) for name, s in sorted(self.systems.items())),
        )
