"""Hostile network inputs for `ehttp fuzz --hostile` (`model/fuzz/hostile.py`): tokens,
signed client messages, registration and rollover requests, network access account logons and
site system certificate chains, each a genuine input mutated in its structure by Hypothesis,
some re-signed with the key an insider would hold, each with the oracle that says what may be
accepted."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, fields, replace
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import strategies as st

from ehttp.fuzz.hostile_base import (
    JSON_VALUES,
    SCALAR,
    TEXT,
    Outcome,
    Target,
    b64,
    cached,
    segment,
    unb64,
)
from ehttp.lab.attacks.base import Roles, at_mp
from ehttp.lab.attacks.content import real_content_token
from ehttp.lab.attacks.identity import request_as
from ehttp.lab.domain import Domain
from ehttp.lab.evidence import (
    ContentToken,
    DeviceToken,
    DomainProof,
    NaaLogon,
    RegistrationRequest,
)
from ehttp.lab.freshness import NONCE_BYTES, WINDOW
from ehttp.lab.keys import derive_ec_key, derive_rsa_key
from ehttp.lab.messages import KINDS, SignedMessage, sign_message
from ehttp.lab.mp import NOTIFICATION
from ehttp.lab.pki import ROLE_CERTIFICATE_NAME, Authority, Issued
from ehttp.lab.reasons import Accepted
from ehttp.lab.testbed import NAA_USER, SITE_CODE, ConcreteLab
from ehttp.lab.tokens import LEEWAY_SECONDS, thumbprint
from ehttp.lab.trust import verify_server

__all__ = ["TOKEN_TARGETS"]

_HEADER_KEYS = ["alg", "kid", "typ", "crit", "b64", "jku", "jwk", "x5c", "x5u", "cty", "zip"]
_CLAIM_KEYS = ["iss", "aud", "tid", "exp", "nbf", "iat", "idtyp", "deviceid", "sub", "ehp", "upn"]


@dataclass(frozen=True)
class _Jws:
    header: dict[str, Any]
    claims: dict[str, Any]
    signature: bytes


def _parse(token: str) -> _Jws:
    head, body, signature = token.split(".")
    return _Jws(
        json.loads(unb64(head) or b"{}"),
        json.loads(unb64(body) or b"{}"),
        unb64(signature) or b"",
    )


def _decoded(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A token's header and claims when both decode to JSON objects, else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    head, body = unb64(parts[0]), unb64(parts[1])
    if head is None or body is None or unb64(parts[2]) is None:
        return None
    try:
        header, claims = json.loads(head), json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims


@st.composite
def _token_mutation(draw: st.DrawFn, token: str) -> tuple[str, bool]:
    """A structured mutation of ``token``; True when its header and claims are to be re-signed."""
    jws = _parse(token)
    kind = draw(
        st.sampled_from(
            ["header", "claims", "signature", "encoding", "length", "resign-claims", "resign-time"]
        )
    )
    header, claims, signature = dict(jws.header), dict(jws.claims), jws.signature
    if kind == "resign-time":
        key = draw(st.sampled_from(["exp", "nbf", "iat"]))
        issued = claims.get("iat")
        base = issued if isinstance(issued, int) else 0
        claims[key] = base + draw(
            st.sampled_from([-86400, -7200, -3601, -61, 61, 3601, 7200, 86400])
            | st.integers(-(10**6), 10**6)
        )
        return f"{segment(header)}.{segment(claims)}.{b64(signature)}", True
    if kind in ("header", "claims", "resign-claims"):
        target = header if kind == "header" else claims
        keys = _HEADER_KEYS if kind == "header" else _CLAIM_KEYS
        key = draw(st.sampled_from(keys) | TEXT)
        if draw(st.booleans()) and key in target:
            del target[key]
        else:
            target[key] = draw(JSON_VALUES)
        mutated = f"{segment(header)}.{segment(claims)}.{b64(signature)}"
        return mutated, kind == "resign-claims"
    if kind == "signature":
        how = draw(st.sampled_from(["flip", "truncate", "empty", "random"]))
        if how == "flip" and signature:
            at = draw(st.integers(0, len(signature) - 1))
            signature = signature[:at] + bytes([signature[at] ^ 1]) + signature[at + 1 :]
        elif how == "truncate":
            signature = signature[: draw(st.integers(0, max(0, len(signature) - 1)))]
        elif how == "empty":
            signature = b""
        else:
            signature = draw(st.binary(max_size=300))
        head, body, _ = token.split(".")
        return f"{head}.{body}.{b64(signature)}", False
    if kind == "encoding":
        insert = draw(st.sampled_from(["\udc80", "\x00", "=", ".", " ", "é", "%", "+", "/"]))
        at = draw(st.integers(0, len(token)))
        return token[:at] + insert + token[at:], False
    how = draw(st.sampled_from(["cut", "repeat", "segment"]))
    if how == "cut":
        return token[: draw(st.integers(0, max(0, len(token) - 1)))], False
    if how == "repeat":
        return token + token[: draw(st.integers(1, 200))] * draw(st.integers(1, 100)), False
    parts = token.split(".")
    parts[draw(st.integers(0, 2))] = draw(st.text(max_size=60))
    return ".".join(parts), False


def _in_lifetime(claims: dict[str, Any], now: int) -> bool:
    exp, nbf = claims.get("exp"), claims.get("nbf", claims.get("iat"))
    return (
        type(exp) is int
        and type(nbf) is int
        and now <= exp + LEEWAY_SECONDS
        and nbf - LEEWAY_SECONDS <= now
    )


def _safe_header(header: object, alg: str, kid: str) -> bool:
    return (
        isinstance(header, dict)
        and header.get("alg") == alg
        and header.get("kid") == kid
        and not any(k in header for k in ("crit", "b64", "jku", "jwk", "x5u", "x5c"))
    )


def _device_token(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    roles = Roles(tb)
    client = roles.need(roles.aad, "Azure AD-joined client")
    mp = roles.need(roles.device_mp, "management point taking device tokens")
    genuine = tb.tenant.device_token(client)
    mutated, resign = data.draw(_token_mutation(genuine))
    if resign:
        decoded = _decoded(mutated)
        if decoded is not None:
            with contextlib.suppress(TypeError, ValueError, OverflowError):
                mutated = tb.tenant.sign(decoded[1])
    request = replace(
        tb.clients[client].request("azure-ad-device-token"), evidence=DeviceToken(mutated)
    )
    verdict = tb.mp(mp).register(request)
    if isinstance(verdict, Accepted):
        tb.clients[client].registered(verdict.value)
    record = tb.tenant.device_id(client)

    def allowed(_: Any) -> bool:
        decoded = _decoded(mutated)
        if decoded is None:
            return False
        header, claims = decoded
        return (
            _safe_header(header, "RS256", tb.tenant.kid)
            and claims.get("iss") == tb.tenant.issuer
            and claims.get("tid") == tb.tenant.tenant_id
            and claims.get("aud") == tb.tenant.app_uri
            and claims.get("idtyp") == "device"
            and claims.get("deviceid") == record
            and _in_lifetime(claims, tb.clock.timestamp())
        )

    return verdict, repr(mutated[:300]), allowed


def _content_token(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    roles = Roles(tb)
    dp = roles.need(roles.auth_dp, "distribution point asking for a credential")
    genuine = cached(tb, "cat", lambda: real_content_token(tb, dp))
    mutated, resign = data.draw(_token_mutation(genuine))
    signing = tb.authority.token_signing
    kid = thumbprint(signing.certificate)
    if resign:
        decoded = _decoded(mutated)
        if decoded is not None:
            with contextlib.suppress(TypeError, ValueError, OverflowError):
                mutated = jwt.encode(
                    decoded[1], signing.key, algorithm="ES256", headers={"kid": kid}
                )
    verdict = tb.dp(dp).download("PS100001", ContentToken(mutated))

    def allowed(_: Any) -> bool:
        decoded = _decoded(mutated)
        if decoded is None:
            return False
        header, claims = decoded
        subject = claims.get("sub")
        return (
            _safe_header(header, "ES256", kid)
            and claims.get("iss") == f"sms:{SITE_CODE}"
            and claims.get("aud") == dp
            and isinstance(subject, str)
            and bool(subject)
            and claims.get("ehp") == tb.period.number
            and type(claims.get("ehp")) is int
            and _in_lifetime(claims, tb.clock.timestamp())
        )

    return verdict, repr(mutated[:300]), allowed


_HOSTILE_VALUES = st.one_of(
    SCALAR,
    st.binary(max_size=80),
    st.sampled_from([b"", b"\x00" * 16, 2**63, -1, "GUID:\udc80", "client-notification\x00"]),
    st.sampled_from(KINDS),
)


def _message(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    client = tb.lab.clients[0].name
    agent = tb.clients[client]
    genuine = agent.message(data.draw(st.sampled_from(KINDS)), b"run-scripts:inventory")
    names = [f.name for f in fields(SignedMessage)]
    mutated = genuine
    sent: list[SignedMessage] = tb.__dict__.setdefault("_hostile_sent", [])
    replay: bool = data.draw(st.booleans())
    pick = data.draw(st.integers(0, 2**16))
    if sent and replay:
        mutated = sent[pick % len(sent)]
    count = data.draw(st.integers(0, 3))
    for _ in range(count if mutated is not genuine else max(count, 1)):
        name = data.draw(st.sampled_from(names))
        change: dict[str, Any] = {name: data.draw(_HOSTILE_VALUES)}
        mutated = replace(mutated, **change)
    resigned = data.draw(st.booleans())
    if resigned:
        try:
            mutated = sign_message(
                agent.key,
                mutated.registration_id,
                mutated.generation,
                mutated.kind,
                mutated.body,
                sent_at=mutated.sent_at,
                nonce=mutated.nonce,
            )
        except (TypeError, ValueError, AttributeError, UnicodeError, OverflowError):
            resigned = False
    mp = at_mp(tb, client)
    seen_before = tb.mp(mp).snapshot().nonces

    def allowed(_: Any) -> bool:
        if mutated == genuine:
            return True
        now = tb.clock.timestamp()
        return (
            resigned
            and mutated.kind == NOTIFICATION
            and mutated.registration_id == agent.registration_id
            and type(mutated.generation) is int
            and mutated.generation == agent.generation
            and isinstance(mutated.body, bytes)
            and type(mutated.sent_at) is int
            and abs(now - mutated.sent_at) <= WINDOW.total_seconds()
            and isinstance(mutated.nonce, bytes)
            and len(mutated.nonce) == NONCE_BYTES
            and (mutated.registration_id, mutated.nonce) not in seen_before
        )

    verdict = tb.mp(mp).notify(mutated)
    if isinstance(verdict, Accepted):
        sent.append(mutated)
    return verdict, repr(mutated)[:300], allowed


def _registration(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    roles = Roles(tb)
    client = roles.need(roles.domain, "domain-joined client")
    agent = tb.clients[client]
    genuine = agent.request("active-directory")
    names = [f.name for f in fields(RegistrationRequest)]
    mutated: Any = genuine
    how = data.draw(st.sampled_from(["field", "name", "account"]))
    if how == "field":
        name = data.draw(st.sampled_from(names))
        change: dict[str, Any] = {name: data.draw(_HOSTILE_VALUES)}
        mutated = replace(genuine, **change)
    else:
        secret = tb.domain.join(agent.account)
        name = data.draw(
            st.sampled_from([client.upper(), client.swapcase(), f"{client}\x00", f"{client} "])
            | st.sampled_from([c.name for c in tb.lab.clients])
            | TEXT
        )
        account = agent.account if how == "name" else data.draw(TEXT | st.just(agent.account))
        try:
            mutated = request_as(
                tb,
                name,
                lambda payload: DomainProof(account, Domain.prove(secret, payload)),
                agent.key,
            )
        except (UnicodeError, ValueError, TypeError):
            mutated = replace(genuine, client=name)

    def allowed(_: Any) -> bool:
        if mutated == genuine:
            return True
        return (
            isinstance(mutated, RegistrationRequest)
            and mutated.client == client
            and isinstance(mutated.evidence, DomainProof)
            and mutated.evidence.account == agent.account
        )

    verdict = tb.mp(roles.mp).register(mutated)
    if isinstance(verdict, Accepted):
        if mutated is genuine:
            agent.registered(verdict.value)
        else:
            agent.generation = verdict.value.generation
    return verdict, repr(mutated)[:300], allowed


def _rollover(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    client = tb.lab.clients[-1].name
    agent = tb.clients[client]
    request = agent.request("anonymous-manual-approval")
    signer = data.draw(st.sampled_from(["record", "new", "attacker", "bytes"]))
    if signer == "bytes":
        continuity = data.draw(st.binary(max_size=80))
    else:
        key = {
            "record": agent.key,
            "new": tb.clients[client]._requested,
            "attacker": derive_ec_key(tb.seed, "hostile-rollover"),
        }[signer]
        continuity = key.sign(request.payload(), ec.ECDSA(hashes.SHA256()))
    mutated: Any = request
    if data.draw(st.booleans()):
        name = data.draw(st.sampled_from([f.name for f in fields(RegistrationRequest)]))
        change: dict[str, Any] = {name: data.draw(_HOSTILE_VALUES)}
        mutated = replace(request, **change)
    registration = tb.registration_of(client)
    mp = at_mp(tb, client) if registration is not None else Roles(tb).mp
    verdict = tb.mp(mp).reregister(mutated, continuity)
    if isinstance(verdict, Accepted) and mutated is request:
        agent.registered(verdict.value)

    def allowed(_: Any) -> bool:
        return signer == "record" and mutated is request

    return verdict, f"{signer}-signed rollover of {repr(mutated)[:200]}", allowed


def _logon(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    """A network access account logon: at a distribution point that uses the account, else
    to the site's account check itself (a distribution point without it refuses the method
    before the secret is read)."""
    roles = Roles(tb)
    dp = roles.auth_dp
    secret = tb.naa_secret
    variants = st.sampled_from(
        [secret + "\x00", secret.upper(), secret[:-1], secret + " ", f"{secret}\udc80", ""]
    )
    user = data.draw(st.just(NAA_USER) | TEXT | st.just(NAA_USER.lower()) | st.just(None))
    given_secret = data.draw(variants | TEXT | st.just(secret) | st.binary(max_size=20))
    if dp is not None and tb.dp(dp).config.network_access_account:
        verdict: Any = tb.dp(dp).download("PS100001", NaaLogon(user, given_secret))  # type: ignore[arg-type]
    else:
        verdict = tb.naa.check(user, given_secret)

    def allowed(_: Any) -> bool:
        return user == NAA_USER and given_secret == secret

    return verdict, repr((user, given_secret))[:300], allowed


def _chain(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    name = tb.dns_name(Roles(tb).mp)
    pool = _pool(tb, name)
    genuine = pool[0]
    leaf = data.draw(st.sampled_from(pool))
    intermediates = data.draw(st.lists(st.sampled_from(pool), max_size=3))
    chain = (leaf.certificate, tuple(i.certificate for i in intermediates))
    verdict = verify_server(chain, name, tb.trusted_roots, tb.clock.now())

    def allowed(_: Any) -> bool:
        return leaf is genuine

    return verdict, f"leaf {leaf.common_name}, {len(intermediates)} intermediates", allowed


def _pool(tb: ConcreteLab, name: str) -> list[Issued]:
    store: dict[str, list[Issued]] = tb.__dict__.setdefault("_hostile_pool", {})
    if name not in store:
        impostor = Authority.self_signed("SMS Issuing", tb.seed, "hostile-impostor", tb.clock)
        root = tb.authority.root
        store[name] = [
            tb.authority.role_certificate(name),
            impostor.issue(ROLE_CERTIFICATE_NAME, key_label="h", dns_names=[name]),
            root.issue(name, key_label="cn", dns_names=[name], common_name_only=True),
            root.issue(
                ROLE_CERTIFICATE_NAME,
                key_label="weak",
                dns_names=[name],
                key=derive_rsa_key(tb.seed, "hostile-weak", bits=1024),
            ),
            root.issue(ROLE_CERTIFICATE_NAME, key_label="other", dns_names=[f"x{name}"]),
            tb.authority.role_certificate(f"{name}.evil.example"),
        ]
    return store[name]


TOKEN_TARGETS: tuple[tuple[Target, tuple[str, ...]], ...] = (
    (Target("device token", _device_token), ("aad-client", "device-token-mp", "app-updated")),
    (Target("content access token", _content_token), ("enhanced", "authenticating-dp")),
    (Target("client notification", _message), ()),
    (Target("registration request", _registration), ("domain-client",)),
    (Target("key rollover", _rollover), ()),
    (Target("network access account logon", _logon), ()),
    (Target("site system certificate chain", _chain), ()),
)
"""Tokens, messages, requests, logons and certificate chains, each with the conditions of
`ehttp.lab.attacks.base.CONDITIONS` it needs. A new network input (such as a message replayed
at another management point) is one more entry here, or a tuple of its own added to
`ehttp.fuzz.hostile.TARGETS`."""
