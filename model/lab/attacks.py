"""The attack catalogue: bad inputs the concrete lab must refuse, each with its expected reason.

Each attack is data: a name, what it tries, the `Reason` the lab must give, the requirement IDs it
defends (SEC-1..SEC-5, REG-5, PRE-1) and a `prepare` function that sets up a fresh lab (by default
the embedded default lab, `model.config.labfile.default_lab`; some attacks need a variant, named in
`variant`) and returns the single bad input as a thunk. `run` takes the lab's observable state
before and after that input, so a refusal that changed state is caught (DESIGN "Concrete lab":
bad input "is rejected with a reason, never with a crash").

An attack also names what it `requires` of a lab (the hosts it uses, the methods it presents),
so that it can be run against any lab in its current state: `unmet` says why it does not apply
there, and `model.lab.facade.LabDriver.inject` runs it. The catalogue's hosts are the default
lab's: mp1 and dp1 first, the clients aad1 (Azure AD-joined), dom1 (domain) and wg1 (workgroup).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from model.config.labfile import default_lab
from model.config.schema import Lab
from model.lab.evidence import (
    ClientCertificate,
    ContentToken,
    DeviceToken,
    DomainProof,
    NaaLogon,
    NoCredential,
    RegistrationRequest,
)
from model.lab.keys import derive_ec_key, derive_rsa_key
from model.lab.messages import SignedMessage, sign_message
from model.lab.mp import CONTENT_TOKEN_REQUEST, NOTIFICATION, registration_id_for
from model.lab.pki import (
    CLIENT_AUTH,
    ROLE_CERTIFICATE_NAME,
    SMS_ISSUING_NAME,
    Authority,
    EnterprisePki,
    Issued,
    SiteAuthority,
)
from model.lab.reasons import Reason, Verdict
from model.lab.tenant import Tenant, tenant_id_for
from model.lab.testbed import NAA_USER, SITE_CODE, ConcreteLab
from model.lab.tls import handshake
from model.lab.tokens import thumbprint
from model.lab.trust import presented, verify_server
from model.spec.access import (
    dp_authentication_methods,
    dp_type,
    enhanced_in_effect,
    mp_registration_methods,
)

__all__ = ["CATALOGUE", "CONDITIONS", "VARIANTS", "Attack", "Outcome", "run", "run_all", "unmet"]

Submit = Callable[[], Verdict[Any]]


@dataclass(frozen=True)
class Attack:
    """One catalogued attack."""

    name: str
    tries: str
    expected: Reason
    requirements: tuple[str, ...]
    prepare: Callable[[ConcreteLab], Submit]
    variant: str = "default"
    requires: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """What the lab did with an attack."""

    attack: Attack
    verdict: Verdict[Any]
    state_unchanged: bool

    @property
    def reason(self) -> Reason | None:
        """The reason given, or None if the input was accepted."""
        return None if self.verdict.ok else self.verdict.reason  # type: ignore[union-attr]

    @property
    def passed(self) -> bool:
        """Refused with exactly the expected reason and nothing changed."""
        return self.reason is self.attack.expected and self.state_unchanged


def _https_dp(lab: Lab) -> Lab:
    dps = tuple(replace(dp, connections="https") for dp in lab.distribution_points)
    return replace(lab, distribution_points=dps)


def _with_naa(lab: Lab) -> Lab:
    dps = tuple(replace(dp, network_access_account=True) for dp in lab.distribution_points)
    return replace(lab, distribution_points=dps)


def _enhanced_off(lab: Lab) -> Lab:
    return replace(lab, site=replace(lab.site, enhanced_http=False))


def _site_1802(lab: Lab) -> Lab:
    site = replace(lab.site, version="1802", prerelease_features=False, enhanced_http=False)
    return replace(lab, site=site)


VARIANTS: dict[str, Callable[[Lab], Lab]] = {
    "default": lambda lab: lab,
    "https-dp": _https_dp,
    "naa-configured": _with_naa,
    "enhanced-off": _enhanced_off,
    "site-1802": _site_1802,
}

AAD = "aad1"
DOMAIN = "dom1"
WORKGROUP = "wg1"


def _client_joined(name: str, *joins: str) -> Callable[[ConcreteLab], bool]:
    def holds(tb: ConcreteLab) -> bool:
        agent = tb.clients.get(name)
        return agent is not None and agent.config.join in joins

    return holds


def _mp_takes_device_tokens(tb: ConcreteLab) -> bool:
    mp = tb.mp()
    table = mp_registration_methods(mp.config.connections, tb.site.version, mp.enhanced)
    return "azure-ad-device-token" in table and mp.onboarded


def _mp_refuses_device_tokens(tb: ConcreteLab) -> bool:
    mp = tb.mp()
    table = mp_registration_methods(mp.config.connections, tb.site.version, mp.enhanced)
    return "azure-ad-device-token" not in table


def _dp_authenticates(tb: ConcreteLab) -> bool:
    dp = tb.dp().config
    kind = dp_type(dp.connections, dp.allow_anonymous)
    return "none" not in dp_authentication_methods(kind, tb.site.version, tb.site.enhanced_http)


def _wg1_unregistered(tb: ConcreteLab) -> bool:
    return (
        _client_joined(WORKGROUP, "workgroup")(tb)
        and tb.registration_of(WORKGROUP) is None
        and tb.pending_at(WORKGROUP) is None
    )


CONDITIONS: dict[str, tuple[str, Callable[[ConcreteLab], bool]]] = {
    "aad1": ("an Azure AD-joined client aad1", _client_joined(AAD, "azure-ad")),
    "dom1": ("a domain-joined client dom1", _client_joined(DOMAIN, "domain", "hybrid")),
    "wg1-unregistered": ("a workgroup client wg1, not registered", _wg1_unregistered),
    "dp1": ("the first distribution point named dp1", lambda tb: tb.dp().config.name == "dp1"),
    "device-token": ("the first MP takes Azure AD device tokens now", _mp_takes_device_tokens),
    "no-device-token": ("the first MP refuses device tokens now", _mp_refuses_device_tokens),
    "app-updated": ("the Azure AD application is updated", lambda tb: tb.tenant.app_updated),
    "enhanced": (
        "enhanced HTTP in effect",
        lambda tb: enhanced_in_effect(tb.site.version, tb.site.enhanced_http),
    ),
    "option-available": (
        "the enhanced HTTP option exists (1806, pre-release features)",
        lambda tb: enhanced_in_effect(tb.site.version, True),
    ),
    "dp-authenticates": ("the first DP asks for a credential", _dp_authenticates),
}
"""What an attack may require of a lab: a description and the test on the lab now."""


def unmet(attack: Attack, tb: ConcreteLab) -> tuple[str, ...]:
    """Why ``attack`` does not apply to lab ``tb`` in its current state (empty: it applies)."""
    current = replace(tb.lab, site=tb.site)
    missing = [
        description
        for description, holds in (CONDITIONS[name] for name in attack.requires)
        if not holds(tb)
    ]
    if VARIANTS[attack.variant](current) != current:
        missing.insert(0, f"the lab is not a {attack.variant} lab")
    return tuple(missing)


def run(attack: Attack, seed: int = 0) -> Outcome:
    """Run ``attack`` against a fresh lab of its variant."""
    testbed = ConcreteLab(VARIANTS[attack.variant](default_lab()), seed)
    submit = attack.prepare(testbed)
    before = testbed.snapshot()
    verdict = submit()
    return Outcome(attack, verdict, testbed.snapshot() == before)


def run_all(seed: int = 0) -> tuple[Outcome, ...]:
    """Run the whole catalogue, each attack on its own fresh lab."""
    return tuple(run(attack, seed) for attack in CATALOGUE)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _json(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _device_claims(tb: ConcreteLab, client: str, **changes: Any) -> dict[str, Any]:
    now = tb.clock.timestamp()
    claims: dict[str, Any] = {
        "iss": tb.tenant.issuer,
        "aud": tb.tenant.app_uri,
        "tid": tb.tenant.tenant_id,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "idtyp": "device",
        "deviceid": tb.tenant.device_id(client),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _present_device_token(tb: ConcreteLab, token: str, device_of: str = AAD) -> Submit:
    """Client aad1 registers at mp1 presenting ``token`` for ``device_of``'s device id."""
    request = tb.clients[AAD].request("azure-ad-device-token")
    forged = replace(request, evidence=DeviceToken(token, tb.tenant.device_id(device_of)))
    return lambda: tb.mp().register(forged)


def _tenant_signed(**changes: Any) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        return _present_device_token(tb, tb.tenant.sign(_device_claims(tb, AAD, **changes)))

    return prepare


def _expired_token(tb: ConcreteLab) -> Submit:
    now = tb.clock.timestamp()
    return _tenant_signed(iat=now - 7200, nbf=now - 7200, exp=now - 3600)(tb)


def _early_token(tb: ConcreteLab) -> Submit:
    now = tb.clock.timestamp()
    return _tenant_signed(nbf=now + 3600, exp=now + 7200)(tb)


def _alg_none(tb: ConcreteLab) -> Submit:
    header = {"alg": "none", "typ": "JWT", "kid": tb.tenant.kid}
    token = f"{_b64(_json(header))}.{_b64(_json(_device_claims(tb, AAD)))}."
    return _present_device_token(tb, token)


def _hs256_with_public_key(tb: ConcreteLab) -> Submit:
    public_pem = tb.tenant.signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = (
        f"{_b64(_json({'alg': 'HS256', 'typ': 'JWT', 'kid': tb.tenant.kid}))}."
        f"{_b64(_json(_device_claims(tb, AAD)))}"
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return _present_device_token(tb, f"{signing_input}.{_b64(mac)}")


def _attacker_key(kid: str | None) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        key = derive_rsa_key(tb.seed, "attacker")
        token = jwt.encode(
            _device_claims(tb, AAD),
            key,
            algorithm="RS256",
            headers={"kid": kid if kid is not None else tb.tenant.kid},
        )
        return _present_device_token(tb, token)

    return prepare


def _raw_token(make: Callable[[ConcreteLab], str]) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        return _present_device_token(tb, make(tb))

    return prepare


def _user_as_device(tb: ConcreteLab) -> Submit:
    return _present_device_token(tb, tb.tenant.user_token("alice@contoso.com"))


def _other_device(tb: ConcreteLab) -> Submit:
    request = tb.clients[AAD].request("azure-ad-device-token")
    stolen = tb.tenant.device_token("aad2")
    forged = replace(request, evidence=DeviceToken(stolen, tb.tenant.device_id(AAD)))
    return lambda: tb.mp().register(forged)


def _app_not_updated(tb: ConcreteLab) -> Submit:
    old = Tenant(tb.seed, tb.tenant.name, tb.clock, app_updated=False)
    return _present_device_token(tb, old.device_token(AAD))


def _registered(tb: ConcreteLab, client: str = AAD) -> None:
    method = {AAD: "azure-ad-device-token", DOMAIN: "active-directory"}[client]
    verdict = tb.register(client, method)  # type: ignore[arg-type]
    if not verdict.ok:
        raise RuntimeError(f"attack setup: {client} could not register: {verdict}")


def _download_with(tb: ConcreteLab, token: str) -> Submit:
    return lambda: tb.dp().download("PS100001", ContentToken(token))


def _cat_forged(tb: ConcreteLab) -> Submit:
    _registered(tb)
    now = tb.clock.timestamp()
    claims = {
        "iss": f"sms:{SITE_CODE}",
        "aud": "dp1",
        "sub": registration_id_for(AAD),
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
    }
    kid = thumbprint(tb.authority.token_signing.certificate)
    token = jwt.encode(claims, tb.clients[AAD].key, algorithm="ES256", headers={"kid": kid})
    return _download_with(tb, token)


def _real_cat(tb: ConcreteLab, dp: str) -> str:
    _registered(tb)
    verdict = tb.mp().content_token(tb.clients[AAD].message(CONTENT_TOKEN_REQUEST, dp.encode()))
    if not verdict.ok:
        raise RuntimeError(f"attack setup: no content access token: {verdict}")
    return str(verdict.value)  # type: ignore[union-attr]


def _cat_expired(tb: ConcreteLab) -> Submit:
    token = _real_cat(tb, "dp1")
    tb.clock.advance(dt.timedelta(hours=3))
    return _download_with(tb, token)


def _cat_other_dp(tb: ConcreteLab) -> Submit:
    return _download_with(tb, _real_cat(tb, "dp2"))


def _serve(
    issued: Callable[[ConcreteLab], Issued], tls: bool = False
) -> Callable[[ConcreteLab], Submit]:
    """A client checks mp1's certificate, by path validation or by a TLS handshake."""

    def prepare(tb: ConcreteLab) -> Submit:
        certificate = issued(tb)
        name = tb.dns_name("mp1")
        if tls:
            return lambda: handshake(certificate, name, tb.trusted_roots)
        return lambda: verify_server(presented(certificate), name, tb.trusted_roots, tb.clock.now())

    return prepare


def _impostor(tb: ConcreteLab) -> Issued:
    impostor = Authority.self_signed(SMS_ISSUING_NAME, tb.seed, "impostor", tb.clock)
    return impostor.issue(ROLE_CERTIFICATE_NAME, key_label="mp1", dns_names=[tb.dns_name("mp1")])


def _other_site(tb: ConcreteLab) -> Issued:
    return SiteAuthority(tb.seed, "PS2", tb.clock).role_certificate(tb.dns_name("mp1"))


def _expired_role(tb: ConcreteLab) -> Issued:
    start = tb.clock.start
    return tb.authority.root.issue(
        ROLE_CERTIFICATE_NAME,
        key_label="expired",
        dns_names=[tb.dns_name("mp1")],
        not_before=start - dt.timedelta(days=400),
        not_after=start - dt.timedelta(days=35),
    )


def _wrong_name(tb: ConcreteLab) -> Issued:
    return tb.authority.role_certificate(tb.dns_name("dp1"))


def _wrong_usage(tb: ConcreteLab) -> Issued:
    return tb.authority.root.issue(
        ROLE_CERTIFICATE_NAME,
        key_label="client-usage",
        dns_names=[tb.dns_name("mp1")],
        usages=[CLIENT_AUTH],
    )


def _by_non_ca(tb: ConcreteLab) -> Issued:
    rogue = tb.authority.role_certificate(tb.dns_name("rogue"))
    return Authority(rogue, tb.seed, "rogue", tb.clock).issue(
        ROLE_CERTIFICATE_NAME, key_label="mp1", dns_names=[tb.dns_name("mp1")]
    )


def _client_certificate(make: Callable[[ConcreteLab], Issued]) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        credential = ClientCertificate(presented(make(tb)))
        return lambda: tb.dp().download("PS100001", credential)

    return prepare


def _foreign_client_cert(tb: ConcreteLab) -> Issued:
    return EnterprisePki(tb.seed, tb.clock, "Fabrikam Root CA").client_certificate(
        tb.dns_name(WORKGROUP)
    )


def _server_cert_as_client(tb: ConcreteLab) -> Issued:
    return tb.pki.server_certificate(tb.dns_name(WORKGROUP))


def _notify(tb: ConcreteLab, message: SignedMessage) -> Submit:
    return lambda: tb.mp().notify(message)


def _tampered(tb: ConcreteLab) -> Submit:
    _registered(tb, DOMAIN)
    message = tb.clients[DOMAIN].message(NOTIFICATION, b"run-scripts:inventory")
    return _notify(tb, replace(message, body=b"run-scripts:wipe"))


def _other_clients_key(tb: ConcreteLab) -> Submit:
    _registered(tb, DOMAIN)
    _registered(tb, AAD)
    victim = tb.clients[DOMAIN]
    assert victim.registration_id is not None
    message = sign_message(
        tb.clients[AAD].key, victim.registration_id, victim.generation, NOTIFICATION, b"restart"
    )
    return _notify(tb, message)


def _unregistered(tb: ConcreteLab) -> Submit:
    key = derive_ec_key(tb.seed, "client:wg1:0")
    message = sign_message(key, registration_id_for(WORKGROUP), 1, NOTIFICATION, b"restart")
    return _notify(tb, message)


def _stale(tb: ConcreteLab) -> Submit:
    _registered(tb, DOMAIN)
    old = tb.clients[DOMAIN].message(NOTIFICATION, b"restart")
    _registered(tb, DOMAIN)
    return _notify(tb, old)


def _old_key_current_generation(tb: ConcreteLab) -> Submit:
    _registered(tb, DOMAIN)
    old_key = tb.clients[DOMAIN].key
    _registered(tb, DOMAIN)
    client = tb.clients[DOMAIN]
    assert client.registration_id is not None
    message = sign_message(
        old_key, client.registration_id, client.generation, NOTIFICATION, b"restart"
    )
    return _notify(tb, message)


def _truncated(tb: ConcreteLab) -> Submit:
    _registered(tb, DOMAIN)
    message = tb.clients[DOMAIN].message(NOTIFICATION, b"restart")
    return _notify(tb, replace(message, signature=message.signature[:-7]))


def _pending(tb: ConcreteLab) -> Submit:
    tb.register(WORKGROUP, "anonymous-manual-approval")
    return _notify(tb, tb.clients[WORKGROUP].message(NOTIFICATION, b"restart"))


def _before_reregistration(tb: ConcreteLab) -> Submit:
    _registered(tb, DOMAIN)
    enabled = replace(tb.site, enhanced_http=True)
    tb.mp().configure(enabled)
    return _notify(tb, tb.clients[DOMAIN].message(NOTIFICATION, b"restart"))


def _naa_wrong_secret(tb: ConcreteLab) -> Submit:
    return lambda: tb.dp().download("PS100001", NaaLogon(NAA_USER, "Summer2018!"))


def _no_credential(tb: ConcreteLab) -> Submit:
    return lambda: tb.dp().download("PS100001", NoCredential())


def _borrowed_possession(tb: ConcreteLab) -> Submit:
    request = tb.clients[DOMAIN].request("active-directory")
    other = derive_ec_key(tb.seed, "attacker-ec")
    possession = other.sign(b"anything", ec.ECDSA(hashes.SHA256()))
    forged: RegistrationRequest = replace(request, possession=possession)
    return lambda: tb.mp().register(forged)


def _ad_wrong_proof(tb: ConcreteLab) -> Submit:
    request = tb.clients[DOMAIN].request("active-directory")
    forged = replace(request, evidence=DomainProof(f"{DOMAIN.upper()}$", b"\x00" * 32))
    return lambda: tb.mp().register(forged)


def _device_token_1802(tb: ConcreteLab) -> Submit:
    request = tb.clients[AAD].request("azure-ad-device-token")
    return lambda: tb.mp().register(request)


def _cat_without_enhanced(tb: ConcreteLab) -> Submit:
    _registered(tb, DOMAIN)
    message = tb.clients[DOMAIN].message(CONTENT_TOKEN_REQUEST, b"dp1")
    return lambda: tb.mp().content_token(message)


def _malformed_segments(tb: ConcreteLab) -> str:
    return "eyJhbGciOiJSUzI1NiJ9.e30"


def _malformed_base64(tb: ConcreteLab) -> str:
    return "%%%not-base64%%%.e30.c2ln"


def _malformed_json(tb: ConcreteLab) -> str:
    return f"{_b64(b'{not json')}.{_b64(_json(_device_claims(tb, AAD)))}.c2ln"


_T = Reason
_TOKEN = ("SEC-5", "SEC-2")
_CERT = ("SEC-4",)
_MSG = ("SEC-3",)
_CONTENT = ("SEC-1",)

CATALOGUE: tuple[Attack, ...] = (
    Attack(
        "token-alg-none",
        "device token with alg=none and no signature",
        _T.TOKEN_ALG_NOT_ALLOWED,
        _TOKEN,
        _alg_none,
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-hs256-public-key",
        "HS256 token keyed with the tenant's public key (algorithm confusion)",
        _T.TOKEN_ALG_NOT_ALLOWED,
        _TOKEN,
        _hs256_with_public_key,
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-wrong-key",
        "RS256 token under the tenant's kid, signed by another key",
        _T.TOKEN_BAD_SIGNATURE,
        _TOKEN,
        _attacker_key(None),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-unknown-kid",
        "RS256 token naming a key the tenant never published",
        _T.TOKEN_UNKNOWN_KID,
        _TOKEN,
        _attacker_key("attacker-kid"),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-expired",
        "tenant-signed device token that expired an hour ago",
        _T.TOKEN_EXPIRED,
        _TOKEN,
        _expired_token,
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-not-yet-valid",
        "tenant-signed device token valid only from an hour on",
        _T.TOKEN_NOT_YET_VALID,
        _TOKEN,
        _early_token,
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-wrong-audience",
        "tenant-signed device token for another application",
        _T.TOKEN_WRONG_AUDIENCE,
        _TOKEN,
        _tenant_signed(aud="api://another-application"),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-wrong-issuer",
        "tenant-signed device token naming another issuer",
        _T.TOKEN_WRONG_ISSUER,
        _TOKEN,
        _tenant_signed(iss="https://sts.example.net/evil/"),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-wrong-tenant",
        "device token whose tid is another tenant",
        _T.TOKEN_WRONG_TENANT,
        _TOKEN,
        _tenant_signed(tid=tenant_id_for("fabrikam")),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-missing-device-id",
        "device token without a deviceid claim",
        _T.TOKEN_MISSING_DEVICE_ID,
        _TOKEN,
        _tenant_signed(deviceid=None),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-malformed-segments",
        "token with two segments",
        _T.TOKEN_MALFORMED,
        _TOKEN,
        _raw_token(_malformed_segments),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-malformed-base64",
        "token whose header is not base64url",
        _T.TOKEN_MALFORMED,
        _TOKEN,
        _raw_token(_malformed_base64),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-malformed-json",
        "token whose header is not JSON",
        _T.TOKEN_MALFORMED,
        _TOKEN,
        _raw_token(_malformed_json),
        requires=("aad1", "device-token"),
    ),
    Attack(
        "token-user-as-device",
        "a user token offered as device evidence",
        _T.TOKEN_WRONG_TYPE,
        _TOKEN,
        _user_as_device,
        # Past the audience check only: a tenant whose application was not updated issues
        # every token for the old application, refused as token-app-not-updated first.
        requires=("aad1", "device-token", "app-updated"),
    ),
    Attack(
        "token-other-device",
        "another device's token for this device's registration",
        _T.TOKEN_DEVICE_MISMATCH,
        _TOKEN,
        _other_device,
        # Past the audience check only: a tenant whose application was not updated issues
        # every token for the old application, refused as token-app-not-updated first.
        requires=("aad1", "device-token", "app-updated"),
    ),
    Attack(
        "token-app-not-updated",
        "token from a tenant whose application was not updated (PRE-1)",
        _T.TOKEN_APP_NOT_UPDATED,
        (*_TOKEN, "PRE-1"),
        _app_not_updated,
        requires=("aad1", "device-token"),
    ),
    Attack(
        "cat-forged-by-client",
        "content access token a client signed with its own key",
        _T.CAT_FORGED,
        _CONTENT,
        _cat_forged,
        requires=("aad1", "device-token", "app-updated", "enhanced", "dp1", "dp-authenticates"),
    ),
    Attack(
        "cat-expired",
        "content access token used after its lifetime",
        _T.CAT_EXPIRED,
        _CONTENT,
        _cat_expired,
        requires=("aad1", "device-token", "app-updated", "enhanced", "dp1", "dp-authenticates"),
    ),
    Attack(
        "cat-other-dp",
        "content access token issued for another distribution point",
        _T.CAT_WRONG_DP,
        _CONTENT,
        _cat_other_dp,
        requires=("aad1", "device-token", "app-updated", "enhanced", "dp1", "dp-authenticates"),
    ),
    Attack(
        "cert-impostor-sms-issuing",
        "role certificate from another root also named SMS Issuing",
        _T.CERT_UNTRUSTED,
        _CERT,
        _serve(_impostor),
    ),
    Attack(
        "cert-other-site-sms-issuing",
        "role certificate from another site's SMS Issuing",
        _T.CERT_UNTRUSTED,
        _CERT,
        _serve(_other_site),
    ),
    Attack(
        "cert-expired",
        "SMS Issuing role certificate past its validity",
        _T.CERT_EXPIRED,
        _CERT,
        _serve(_expired_role),
    ),
    Attack(
        "cert-wrong-name",
        "dp1's role certificate served as mp1",
        _T.CERT_WRONG_NAME,
        _CERT,
        _serve(_wrong_name),
    ),
    Attack(
        "cert-wrong-usage",
        "role certificate with clientAuth only",
        _T.CERT_WRONG_USAGE,
        _CERT,
        _serve(_wrong_usage),
    ),
    Attack(
        "cert-issued-by-non-ca",
        "certificate issued by a role certificate (not a CA)",
        _T.CERT_ISSUER_NOT_CA,
        _CERT,
        _serve(_by_non_ca),
    ),
    Attack(
        "tls-impostor-sms-issuing",
        "TLS handshake to mp1 serving the impostor's certificate",
        _T.CERT_UNTRUSTED,
        _CERT,
        _serve(_impostor, tls=True),
    ),
    Attack(
        "tls-wrong-name",
        "TLS handshake to mp1 serving dp1's certificate",
        _T.CERT_WRONG_NAME,
        _CERT,
        _serve(_wrong_name, tls=True),
    ),
    Attack(
        "tls-expired",
        "TLS handshake to mp1 serving an expired certificate",
        _T.CERT_EXPIRED,
        _CERT,
        _serve(_expired_role, tls=True),
    ),
    Attack(
        "pki-client-untrusted-root",
        "client certificate from an untrusted enterprise root",
        _T.CERT_UNTRUSTED,
        _CONTENT,
        _client_certificate(_foreign_client_cert),
        "https-dp",
        requires=("dp-authenticates",),
    ),
    Attack(
        "pki-client-without-client-auth",
        "server certificate offered as a client certificate",
        _T.CERT_WRONG_USAGE,
        _CONTENT,
        _client_certificate(_server_cert_as_client),
        "https-dp",
        requires=("dp-authenticates",),
    ),
    Attack(
        "msg-tampered-body",
        "notification whose body changed after signing",
        _T.MSG_BAD_SIGNATURE,
        _MSG,
        _tampered,
        requires=("dom1",),
    ),
    Attack(
        "msg-other-clients-key",
        "notification for dom1 signed with aad1's key",
        _T.MSG_BAD_SIGNATURE,
        _MSG,
        _other_clients_key,
        requires=("dom1", "aad1", "device-token", "app-updated"),
    ),
    Attack(
        "msg-unregistered",
        "notification from a client that never registered",
        _T.MSG_UNREGISTERED,
        _MSG,
        _unregistered,
        requires=("wg1-unregistered",),
    ),
    Attack(
        "msg-stale-registration",
        "notification signed under the registration before re-registration",
        _T.MSG_STALE_REGISTRATION,
        _MSG,
        _stale,
        requires=("dom1",),
    ),
    Attack(
        "msg-old-key-current-generation",
        "notification signed with the key replaced at re-registration, claiming the new one",
        _T.MSG_BAD_SIGNATURE,
        _MSG,
        _old_key_current_generation,
        requires=("dom1",),
    ),
    Attack(
        "msg-truncated-signature",
        "notification with a truncated signature",
        _T.MSG_MALFORMED,
        _MSG,
        _truncated,
        requires=("dom1",),
    ),
    Attack(
        "msg-pending-approval",
        "notification from a client still awaiting approval",
        _T.MSG_PENDING_APPROVAL,
        (*_MSG, "REG-3"),
        _pending,
        requires=("wg1-unregistered",),
    ),
    Attack(
        "msg-before-reregistration",
        "notification from a self-signed client after enhanced HTTP was enabled",
        _T.MSG_REGIME_MISMATCH,
        (*_MSG, "REG-5"),
        _before_reregistration,
        "enhanced-off",
        requires=("dom1", "option-available"),
    ),
    Attack(
        "naa-wrong-secret",
        "download with the network access account and a wrong secret",
        _T.NAA_WRONG_SECRET,
        (*_CONTENT, "DP-2"),
        _naa_wrong_secret,
        "naa-configured",
        requires=("dp-authenticates",),
    ),
    Attack(
        "dp-no-credential",
        "download from a non-anonymous DP with no credential",
        _T.METHOD_NOT_ACCEPTED,
        (*_CONTENT, "DP-2"),
        _no_credential,
        requires=("dp-authenticates",),
    ),
    Attack(
        "reg-borrowed-possession",
        "registration whose key proof was made by another key",
        _T.REG_BAD_PROOF_OF_POSSESSION,
        ("SEC-2",),
        _borrowed_possession,
        requires=("dom1",),
    ),
    Attack(
        "reg-ad-wrong-proof",
        "domain registration with a wrong account proof",
        _T.AD_BAD_PROOF,
        ("SEC-2", "REG-1"),
        _ad_wrong_proof,
        requires=("dom1",),
    ),
    Attack(
        "reg-device-token-1802-http-mp",
        "device token at an HTTP MP of a 1802 site",
        _T.METHOD_NOT_ACCEPTED,
        ("REG-1", "SCN-1"),
        _device_token_1802,
        "site-1802",
        requires=("aad1", "no-device-token"),
    ),
    Attack(
        "cat-without-enhanced-http",
        "content access token request with enhanced HTTP off",
        _T.CAT_NOT_AVAILABLE,
        ("DP-2",),
        _cat_without_enhanced,
        "enhanced-off",
        requires=("dom1",),
    ),
)
