"""A whole concrete lab: one site's authorities, tenant, domain, site systems and clients.

Builds the concrete counterpart of a `ehttp.config.schema.Lab` (DESIGN "Concrete lab"): the site
server's
SMS Issuing authority and certificate manager, an enterprise PKI, the Azure AD tenant the site is
onboarded to (PRE-1), an Active Directory domain, a management point and distribution point
server per site system, and a client agent per client. A facade can drive it action by action and
read its state through `snapshot`. The site's settings change only through its methods
(`set_enhanced`, `set_client_communication`, `onboard_azure_ad`, `update_azure_ad_application`),
which push them to every site system as the site server does.

Modeling assumptions A-27: all names live in the DNS domain ``contoso.com``; the site code is
``PS1``; the network access account exists for the site and a distribution point uses it only when
its ``network_access_account`` setting is on; HTTPS site systems have an enterprise PKI server
certificate bound in IIS; a client trusts the site's SMS Issuing root and the enterprise root.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace

from cryptography import x509

from ehttp.config.schema import ClientCommunication, DistributionPoint, Lab, ManagementPoint, Site
from ehttp.lab.client import POLICY_INTERVAL, ClientAgent
from ehttp.lab.clock import LabClock
from ehttp.lab.directory import directory_of
from ehttp.lab.domain import Domain
from ehttp.lab.dp import DistributionPointServer, Download
from ehttp.lab.evidence import DomainUserProof, RegistrationRequest, user_payload
from ehttp.lab.freshness import NONCE_BYTES
from ehttp.lab.messages import Regime, Registration
from ehttp.lab.mp import NOTIFICATION, ManagementPointServer, MpSnapshot, registration_id_for
from ehttp.lab.mutants import FORGETS_KEYS, NO_REPLAY_WINDOW
from ehttp.lab.naa import NetworkAccessAccount
from ehttp.lab.pki import EnterprisePki, SiteAuthority
from ehttp.lab.policy import enhanced_on, mp_accepts
from ehttp.lab.reasons import Accepted, Refused, Verdict
from ehttp.lab.sitedb import DatabaseSnapshot, SiteDatabase
from ehttp.lab.store import CertificateManager, ManagerSnapshot, SiteSystemCertificates
from ehttp.lab.tenant import Tenant
from ehttp.lab.tokens import (
    AadValidator,
    ContentTokenIssuer,
    ContentTokenValidator,
    EnhancedPeriod,
)
from ehttp.machines.access import Method

__all__ = ["DNS_SUFFIX", "NAA_USER", "SITE_CODE", "ConcreteLab", "LabSnapshot"]

DNS_SUFFIX = "contoso.com"
SITE_CODE = "PS1"
NAA_USER = "CONTOSO\\cm-naa"


@dataclass(frozen=True)
class LabSnapshot:
    """Everything observable in the lab's site state, as comparable data."""

    management_points: tuple[tuple[str, MpSnapshot], ...]
    distribution_points: tuple[tuple[str, tuple[Download, ...]], ...]
    certificates: ManagerSnapshot
    database: DatabaseSnapshot


class ConcreteLab:
    """The concrete lab for one `ehttp.config.schema.Lab` and seed.

    ``secret`` is the run's own secret, from which clients draw their nonces (a fresh random one
    unless given): nonces must be unpredictable to other parties, and the seed is public (it is
    printed and saved with every run). A lab built again with the same seed and secret repeats
    the run exactly.
    """

    def __init__(
        self,
        lab: Lab,
        seed: int = 0,
        clock: LabClock | None = None,
        *,
        mutants: frozenset[str] = frozenset(),
        secret: bytes | None = None,
    ) -> None:
        site = lab.site
        self.lab = lab
        self.site = site
        """The site's current settings (the lab file gives the first ones)."""
        self.seed = seed
        self.secret = secret if secret is not None else secrets.token_bytes(32)
        self.mutants = mutants
        self._user_proofs = 0
        self.clock = clock if clock is not None else LabClock()
        self.authority = SiteAuthority(seed, SITE_CODE, self.clock)
        self.pki = EnterprisePki(seed, self.clock)
        self.tenant = Tenant(seed, "contoso", self.clock, app_updated=site.azure_ad_app_updated)
        self.domain = Domain(DNS_SUFFIX, seed)
        self.naa_secret = hashlib.sha256(f"naa-secret:{seed}".encode()).hexdigest()[:20]
        naa = NetworkAccessAccount.configure(NAA_USER, self.naa_secret, seed)
        self.naa = naa
        """The site's network access account, as every distribution point checks it."""
        aad = self._aad_validator() if site.azure_ad_onboarded else None
        pki_roots = (self.pki.certificate,)
        self.period = EnhancedPeriod()
        issuer = ContentTokenIssuer(
            self.authority.token_signing, SITE_CODE, self.clock, self.period
        )
        directory = directory_of(
            lab.clients, DNS_SUFFIX, {c.name: self.tenant.device_id(c.name) for c in lab.clients}
        )
        self.database = SiteDatabase(
            no_replay_store=NO_REPLAY_WINDOW in mutants, forgets_keys=FORGETS_KEYS in mutants
        )
        """The site database behind every management point (`model/lab/sitedb.py`)."""
        self.management_points = {
            mp.name: ManagementPointServer(
                mp,
                site,
                aad=aad,
                domain=self.domain,
                pki_roots=pki_roots,
                content_tokens=issuer,
                clock=self.clock,
                directory=directory,
                database=self.database,
                mutants=mutants,
            )
            for mp in lab.management_points
        }
        self.distribution_points = {
            dp.name: DistributionPointServer(
                dp,
                site,
                naa=naa,
                content_tokens=ContentTokenValidator(
                    self.authority.token_signing.certificate,
                    SITE_CODE,
                    dp.name,
                    self.clock,
                    self.period,
                    mutants=mutants,
                ),
                pki_roots=pki_roots,
                clock=self.clock,
                mutants=mutants,
            )
            for dp in lab.distribution_points
        }
        site_systems: tuple[ManagementPoint | DistributionPoint, ...] = (
            *lab.management_points,
            *lab.distribution_points,
        )
        systems = {
            s.name: SiteSystemCertificates(
                self.dns_name(s.name),
                self.pki.server_certificate(self.dns_name(s.name))
                if s.connections == "https"
                else None,
                self.clock,
            )
            for s in site_systems
        }
        self.certificates = CertificateManager(
            self.authority,
            systems,
            enhanced=enhanced_on(site.version, site.enhanced_http),
            clock=self.clock,
            mutants=mutants,
        )
        self.clients = {
            c.name: ClientAgent(
                c, seed, DNS_SUFFIX, self.tenant, self.domain, self.pki, self.clock, self.secret
            )
            for c in lab.clients
        }

    def _aad_validator(self) -> AadValidator:
        tenant = self.tenant
        return AadValidator(
            tenant.jwks, tenant.tenant_id, tenant.app_uri, self.clock, mutants=self.mutants
        )

    def _configure(self, site: Site) -> None:
        self.site = site
        for mp in self.management_points.values():
            mp.configure(site)
        for dp in self.distribution_points.values():
            dp.configure(site)

    def set_enhanced(self, on: bool) -> None:
        """The administrator turns enhanced HTTP on or off (SITE-1, CERT-1, CERT-3, REG-4).

        Turning it on marks every registered client in the site database due to re-register,
        whatever its regime (A-47), each with one policy cycle on the lab clock, or none while
        the site mode leaves it no management point (`strands`, A-48). Turning it off cancels the
        pending re-registrations: the site holds each such client under the regime it has
        without the option, its PKI certificate where a management point accepts one, else
        self-signed (A-10); it also revokes the content access tokens issued so far
        (`ehttp.lab.tokens.EnhancedPeriod`).
        """
        was_on = enhanced_on(self.site.version, self.site.enhanced_http)
        if not on and self.site.enhanced_http:
            self.period.end()
        self._configure(replace(self.site, enhanced_http=on))
        if on:
            self.certificates.enable()
        else:
            self.certificates.disable()
        now_on = enhanced_on(self.site.version, on)
        if now_on and not was_on:
            deadline = None if self.strands() else self.clock.now() + POLICY_INTERVAL
            for name, agent in self.clients.items():
                if self.registration_of(name) is not None:
                    self.database.due.add(registration_id_for(name))
                    agent.reregister_by = deadline
        elif was_on and not now_on:
            for name, agent in self.clients.items():
                if self.is_due(name):
                    regime: Regime = "pki" if self._pki_accepted(name) else "self-signed"
                    self.database.cancel_due(registration_id_for(name), regime)
                    agent.reregister_by = None

    def set_client_communication(self, mode: ClientCommunication) -> None:
        """The administrator selects HTTPS only or HTTPS or HTTP (SITE-1, SITE-2).

        A client due to re-register loses its deadline when the new mode leaves it no management
        point (`strands`), and one that had none gets a fresh policy cycle when the mode allows
        one again (A-48).
        """
        self._configure(replace(self.site, client_communication=mode))
        stranded = self.strands()
        for name, agent in self.clients.items():
            if not self.is_due(name):
                continue
            if stranded:
                agent.reregister_by = None
            elif agent.reregister_by is None:
                agent.reregister_by = self.clock.now() + POLICY_INTERVAL

    def strands(self) -> bool:
        """Whether the site's client communication leaves a due client no management point to
        re-register through: HTTPS only, and every management point is HTTP only (A-39, A-48)."""
        return self.site.client_communication == "https-only" and all(
            mp.config.connections != "https" for mp in self.management_points.values()
        )

    def is_due(self, client: str) -> bool:
        """Whether the site database marks ``client`` due to re-register (REG-4, A-47)."""
        return registration_id_for(client) in self.database.due

    def _pki_accepted(self, client: str) -> bool:
        """Whether ``client`` holds a PKI certificate and reaches a management point that
        registers with one now (its network, the site's CMG and client communication, A-8,
        A-39), by the lab's own MP table (`model/lab/policy.py`)."""
        if self.clients[client].certificate is None:
            return False
        config = next(c for c in self.lab.clients if c.name == client)
        site = self.site
        for server in self.management_points.values():
            connections = server.config.connections
            table = mp_accepts(connections, "registration", site.version, site.enhanced_http)
            if "pki-certificate" not in table:
                continue
            if connections != "https" and site.client_communication == "https-only":
                continue
            if config.network == "intranet" or (
                site.cloud_management_gateway and connections == "https"
            ):
                return True
        return False

    def onboard_azure_ad(self) -> None:
        """Onboard the site to Azure AD; on 1806 the new application needs no update (PRE-1)."""
        self.tenant.update_application()
        self._configure(replace(self.site, azure_ad_onboarded=True, azure_ad_app_updated=True))
        for mp in self.management_points.values():
            mp.onboard(self._aad_validator())

    def update_azure_ad_application(self) -> None:
        """The console's "Update application setting" (PRE-1)."""
        self.tenant.update_application()
        self._configure(replace(self.site, azure_ad_app_updated=True))

    def registration_of(self, client: str) -> Registration | None:
        """The approved registration of ``client`` in the site database."""
        return self.database.registrations.get(registration_id_for(client))

    def registered_at(self, client: str) -> str | None:
        """The management point ``client`` registered through last, if it is registered."""
        registration_id = registration_id_for(client)
        if registration_id not in self.database.registrations:
            return None
        return self.database.where[registration_id]

    def pending_at(self, client: str) -> str | None:
        """The management point where ``client`` asked to register, if it waits for approval."""
        registration_id = registration_id_for(client)
        if registration_id not in self.database.pending:
            return None
        return self.database.where[registration_id]

    @staticmethod
    def dns_name(host: str) -> str:
        """The fully qualified name of a lab host."""
        return f"{host}.{DNS_SUFFIX}"

    @property
    def trusted_roots(self) -> tuple[x509.Certificate, ...]:
        """The roots a client trusts: the site's SMS Issuing and the enterprise PKI."""
        return (self.authority.certificate, self.pki.certificate)

    def mp(self, name: str | None = None) -> ManagementPointServer:
        """A management point by name (the first one by default)."""
        return self.management_points[name or self.lab.management_points[0].name]

    def dp(self, name: str | None = None) -> DistributionPointServer:
        """A distribution point by name (the first one by default)."""
        return self.distribution_points[name or self.lab.distribution_points[0].name]

    def register(self, client: str, method: Method, mp: str | None = None) -> Verdict[Registration]:
        """Client ``client`` registers at ``mp`` with its ``method`` evidence."""
        agent = self.clients[client]
        verdict = self.mp(mp).register(agent.request(method))
        if isinstance(verdict, Accepted):
            agent.registered(verdict.value)
        return verdict

    def approve(self, client: str, mp: str | None = None) -> Verdict[Registration]:
        """The administrator approves ``client``'s pending registration."""
        verdict = self.mp(mp).approve(client)
        if not isinstance(verdict, Refused):
            self.clients[client].registered(verdict.value)
        return verdict

    def reregister(
        self, client: str, mp: str | None = None, request: RegistrationRequest | None = None
    ) -> Verdict[Registration]:
        """Client ``client``'s policy poll: roll its registration at ``mp`` over to a fresh key
        (by ``request``, one the client made, if given; an anonymous rollover otherwise). A
        request presenting the client's PKI certificate re-registers it under the PKI regime
        (A-47); the site clears its due mark and the client its deadline."""
        agent = self.clients[client]
        request = request or agent.request("anonymous-manual-approval")
        verdict = self.mp(mp).reregister(request, agent.continuity(request))
        if isinstance(verdict, Accepted):
            agent.registered(verdict.value)
            agent.reregister_by = None
        return verdict

    def notify(self, client: str, body: bytes, mp: str | None = None) -> Verdict[str]:
        """Client ``client`` sends a signed client notification to ``mp`` (SEC-3, REG-5)."""
        return self.mp(mp).notify(self.clients[client].message(NOTIFICATION, body))

    def user_proof(self, account: str) -> DomainUserProof:
        """Domain user ``account`` proves itself for user policy now (MP-3): its proof covers
        this instant and a nonce drawn from the run's secret."""
        secret = self.domain.join(account)
        self._user_proofs += 1
        material = f"user-nonce:{account}:{self._user_proofs}".encode()
        nonce = hmac.new(self.secret, material, hashlib.sha256).digest()[:NONCE_BYTES]
        sent_at = self.clock.timestamp()
        proof = Domain.prove(secret, user_payload(account, sent_at, nonce))
        return DomainUserProof(account, proof, sent_at, nonce)

    def snapshot(self) -> LabSnapshot:
        """The lab's observable site state."""
        return LabSnapshot(
            tuple((n, m.snapshot()) for n, m in sorted(self.management_points.items())),
            tuple((n, d.snapshot()) for n, d in sorted(self.distribution_points.items())),
            self.certificates.snapshot(),
            self.database.snapshot(),
        )
