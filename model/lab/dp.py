"""The distribution point as an authenticator of content downloads.

Implements the seed's DP table (DP-1, DP-2, DP-3) through the lab's own transcription of it
(`model/lab/policy.py`, never `model/machines/access.py`), and SEC-1 (derived):
no content leaves a distribution point that is not anonymous without an accepted credential. The
credentials are checked with real cryptography: the network access account by its Scrypt
derivation (`model/lab/naa.py`), the content access token by its ES256 signature from the SMS Token
Signing key (`model/lab/tokens.py`), a PKI client certificate by path validation
(`model/lab/trust.py`).

A refused download changes nothing. Modeling assumption A-22: an anonymous distribution point serves
whatever is presented, since it asks for nothing (DP-1).
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509

from ehttp.config.schema import DistributionPoint, Site
from ehttp.lab.clock import LabClock
from ehttp.lab.evidence import ClientCertificate, ContentToken, Credential, NaaLogon, NoCredential
from ehttp.lab.mutants import SERVES_WITHOUT_CREDENTIAL
from ehttp.lab.naa import NetworkAccessAccount
from ehttp.lab.policy import dp_accepts, dp_row
from ehttp.lab.reasons import Accepted, Reason, Refused, Verdict
from ehttp.lab.tokens import ContentTokenValidator
from ehttp.lab.trust import verify_client

__all__ = ["DistributionPointServer", "Download"]

_CREDENTIALS = (NoCredential, NaaLogon, ContentToken, ClientCertificate)


@dataclass(frozen=True)
class Download:
    """A download the distribution point served: the package and who it was served to."""

    package: str
    to: str


class DistributionPointServer:
    """One distribution point (a `ehttp.config.schema.DistributionPoint`)."""

    def __init__(
        self,
        config: DistributionPoint,
        site: Site,
        *,
        naa: NetworkAccessAccount | None,
        content_tokens: ContentTokenValidator,
        pki_roots: tuple[x509.Certificate, ...],
        clock: LabClock,
        mutants: frozenset[str] = frozenset(),
    ) -> None:
        self._serves_without_credential = SERVES_WITHOUT_CREDENTIAL in mutants
        self.config = config
        self.site = site
        self._naa = naa
        self._content_tokens = content_tokens
        self._pki_roots = pki_roots
        self._clock = clock
        self.served: list[Download] = []

    def configure(self, site: Site) -> None:
        """Take the site's current settings."""
        self.site = site

    def download(self, package: str, credential: Credential) -> Verdict[Download]:
        """Serve ``package`` if ``credential`` is accepted here, or name why not (SEC-1)."""
        kind = dp_row(self.config.connections, self.config.allow_anonymous)
        table = dp_accepts(kind, self.site.version, self.site.enhanced_http)
        if not isinstance(credential, _CREDENTIALS):
            return Refused(
                Reason.INPUT_MALFORMED, f"{type(credential).__name__} is not a credential"
            )
        if "none" in table or (
            self._serves_without_credential and isinstance(credential, NoCredential)
        ):
            return self._serve(package, "anonymous")
        if credential.method not in table:
            return Refused(
                Reason.METHOD_NOT_ACCEPTED,
                f"{credential.method} is not accepted by {kind} DP {self.config.name}; "
                f"accepted: {sorted(table)}",
            )
        who = self._authenticate(credential)
        if isinstance(who, Refused):
            return who
        return self._serve(package, who.value)

    def _authenticate(self, credential: Credential) -> Verdict[str]:
        if isinstance(credential, NaaLogon):
            if self._naa is None or not self.config.network_access_account:
                return Refused(Reason.NAA_NOT_CONFIGURED, "no network access account is configured")
            return self._naa.check(credential.user, credential.secret)
        if isinstance(credential, ContentToken):
            grant = self._content_tokens.validate(credential.token)
            if isinstance(grant, Refused):
                return grant
            return Accepted(grant.value.registration)
        if isinstance(credential, ClientCertificate):
            names = verify_client(credential.chain, self._pki_roots, self._clock.now())
            if isinstance(names, Refused):
                return names
            return Accepted(",".join(names.value))
        assert isinstance(credential, NoCredential)
        return Refused(Reason.METHOD_NOT_ACCEPTED, "no credential presented")

    def _serve(self, package: str, to: str) -> Accepted[Download]:
        download = Download(package, to)
        self.served.append(download)
        return Accepted(download)

    def snapshot(self) -> tuple[Download, ...]:
        """The observable state: every download served so far."""
        return tuple(self.served)
