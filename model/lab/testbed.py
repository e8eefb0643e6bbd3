"""A whole concrete lab: one site's authorities, tenant, domain, site systems and clients.

Builds the concrete counterpart of a `model.config.Lab` (DESIGN "Concrete lab"): the site server's
SMS Issuing authority and certificate manager, an enterprise PKI, the Azure AD tenant the site is
onboarded to (PRE-1), an Active Directory domain, a management point and distribution point
server per site system, and a client agent per client. A facade can drive it action by action and
read its state through `snapshot`.

Modeling assumptions: all names live in the DNS domain ``contoso.com``; the site code is ``PS1``;
the network access account exists for the site and a distribution point uses it only when its
``network_access_account`` setting is on; HTTPS site systems have an enterprise PKI server
certificate bound in IIS; a client trusts the site's SMS Issuing root and the enterprise root.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography import x509

from model.access import Method, enhanced_in_effect
from model.config import DistributionPoint, Lab, ManagementPoint
from model.lab.client import ClientAgent
from model.lab.clock import LabClock
from model.lab.domain import Domain
from model.lab.dp import DistributionPointServer, Download
from model.lab.messages import Registration
from model.lab.mp import ManagementPointServer, MpSnapshot
from model.lab.naa import NetworkAccessAccount
from model.lab.pki import EnterprisePki, SiteAuthority
from model.lab.reasons import Accepted, Refused, Verdict
from model.lab.store import CertificateManager, ManagerSnapshot, SiteSystemCertificates
from model.lab.tenant import Tenant
from model.lab.tokens import AadValidator, ContentTokenIssuer, ContentTokenValidator

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


class ConcreteLab:
    """The concrete lab for one `model.config.Lab` and seed."""

    def __init__(self, lab: Lab, seed: int = 0, clock: LabClock | None = None) -> None:
        site = lab.site
        self.lab = lab
        self.seed = seed
        self.clock = clock if clock is not None else LabClock()
        self.authority = SiteAuthority(seed, SITE_CODE, self.clock)
        self.pki = EnterprisePki(seed, self.clock)
        self.tenant = Tenant(seed, "contoso", self.clock, app_updated=site.azure_ad_app_updated)
        self.domain = Domain(DNS_SUFFIX, seed)
        self.naa_secret = hashlib.sha256(f"naa-secret:{seed}".encode()).hexdigest()[:20]
        naa = NetworkAccessAccount.configure(NAA_USER, self.naa_secret, seed)
        aad = (
            AadValidator(self.tenant.jwks, self.tenant.tenant_id, self.tenant.app_uri, self.clock)
            if site.azure_ad_onboarded
            else None
        )
        pki_roots = (self.pki.certificate,)
        issuer = ContentTokenIssuer(self.authority.token_signing, SITE_CODE, self.clock)
        self.management_points = {
            mp.name: ManagementPointServer(
                mp,
                site,
                aad=aad,
                domain=self.domain,
                pki_roots=pki_roots,
                content_tokens=issuer,
                clock=self.clock,
            )
            for mp in lab.management_points
        }
        self.distribution_points = {
            dp.name: DistributionPointServer(
                dp,
                site,
                naa=naa,
                content_tokens=ContentTokenValidator(
                    self.authority.token_signing.certificate, SITE_CODE, dp.name, self.clock
                ),
                pki_roots=pki_roots,
                clock=self.clock,
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
            )
            for s in site_systems
        }
        self.certificates = CertificateManager(
            self.authority, systems, enhanced=enhanced_in_effect(site.version, site.enhanced_http)
        )
        self.clients = {
            c.name: ClientAgent(c, seed, DNS_SUFFIX, self.tenant, self.domain, self.pki)
            for c in lab.clients
        }

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

    def snapshot(self) -> LabSnapshot:
        """The lab's observable site state."""
        return LabSnapshot(
            tuple((n, m.snapshot()) for n, m in sorted(self.management_points.items())),
            tuple((n, d.snapshot()) for n, d in sorted(self.distribution_points.items())),
            self.certificates.snapshot(),
        )
