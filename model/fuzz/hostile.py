"""Adversarial fuzzing: hostile inputs made by structured mutation of valid ones.

`ehttp fuzz --hostile`. Where the lockstep campaign drives the lab with the model's actions, this
one throws inputs at the lab's authenticators the way an attacker on the network would: it takes
a genuine input (an Azure AD device token, a content access token, a signed client notification,
a registration request, a key rollover, a network access account logon, a site system's
certificate chain, a lab file, a replay file) and
mutates its structure with Hypothesis: header fields and claims set to hostile JSON values or
removed, segments re-encoded with lone surrogates, padding or extra dots, signatures flipped,
truncated or emptied, lengths cut or repeated, message fields swapped for values of other types,
names varied in case or with NULs, chains swapped for impostor, expired, CN-only or weak-key
certificates. Some mutants are re-signed with the key an insider would hold (the tenant's, the
site's token signing key, the client's own), so the claim checks behind the signature are reached.

Three invariants, checked on every input (`INVARIANTS`):
- never an exception: every input gets a verdict;
- never an acceptance the model forbids: an accepted input must satisfy the target's oracle, an
  independent statement of what may be accepted (the right issuer, tenant, audience, lifetime,
  device of the client on record; the exact message, request, logon or chain);
- nothing changed after a refusal: the lab's observable state is the same before and after.

The lab is built once per campaign, from the lab file and seed; its clients are registered with
their best evidence first, so every target has a genuine input to start from.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from model.config.labfile import LabError, lab_to_toml, parse_lab
from model.config.schema import Lab
from model.fuzz.replay import FORMAT, MAX_REPLAY_STEPS, ReplayError, load_replay
from model.lab.attacks import CATALOGUE
from model.lab.attacks.base import CONDITIONS, Roles, at_mp, registered
from model.lab.attacks.content import real_content_token
from model.lab.attacks.identity import request_as
from model.lab.domain import Domain
from model.lab.evidence import (
    ContentToken,
    DeviceToken,
    DomainProof,
    NaaLogon,
    RegistrationRequest,
)
from model.lab.freshness import NONCE_BYTES, WINDOW
from model.lab.keys import derive_ec_key, derive_rsa_key
from model.lab.messages import KINDS, SignedMessage, sign_message
from model.lab.mp import NOTIFICATION
from model.lab.mutants import MUTANTS, mutant_set
from model.lab.pki import ROLE_CERTIFICATE_NAME, Authority, Issued
from model.lab.reasons import Accepted, Reason, Refused
from model.lab.testbed import NAA_USER, SITE_CODE, ConcreteLab
from model.lab.tokens import LEEWAY_SECONDS, thumbprint
from model.lab.trust import verify_server

__all__ = [
    "ACCEPTED_FORBIDDEN",
    "CI_HOSTILE_EXAMPLES",
    "EXCEPTION",
    "INVARIANTS",
    "REFUSAL_CHANGED",
    "HostileFailure",
    "HostilePlan",
    "HostileResult",
    "run_hostile",
]

EXCEPTION = "a hostile input gets a verdict, never an exception"
ACCEPTED_FORBIDDEN = "a hostile input is accepted only when the model allows it"
REFUSAL_CHANGED = "a refused hostile input changes nothing"
INVARIANTS = (EXCEPTION, ACCEPTED_FORBIDDEN, REFUSAL_CHANGED)

CI_HOSTILE_EXAMPLES = 60
"""Examples per target of the ci profile (bounded and deterministic)."""
_ROUND = 25
"""Examples per target per Hypothesis round (a time budget is looked at between rounds)."""


class HostileFailure(AssertionError):
    """An invariant broke on a hostile input."""

    def __init__(self, invariant: str, target: str, detail: str, hostile: str) -> None:
        super().__init__(f"{invariant}: {target}: {detail}")
        self.invariant = invariant
        self.target = target
        self.detail = detail
        self.hostile = hostile


@dataclass(frozen=True)
class HostilePlan:
    """What to run: the lab, the seed, one budget (seconds or examples per target), the
    profile."""

    lab: Lab
    seed: int
    seconds: float | None = None
    examples: int | None = None
    mutant: str | None = None
    profile: str = "fuzz"


@dataclass
class HostileResult:
    """What a hostile campaign tried and found."""

    seed: int
    seconds: float = 0.0
    tried: Counter[str] = field(default_factory=Counter)
    accepted: Counter[str] = field(default_factory=Counter)
    failure: HostileFailure | None = None
    skipped: tuple[str, ...] = ()
    interrupted: bool = False
    """Ctrl-C stopped the campaign: the counts are what was tried before it."""

    @property
    def total(self) -> int:
        """Hostile inputs tried, all targets."""
        return sum(self.tried.values())

    @property
    def per_second(self) -> float:
        """Hostile inputs tried per second of wall time (set-up included)."""
        return self.total / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, Any]:
        """The result as plain data."""
        failure = self.failure
        return {
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
            "tried": self.total,
            "tried_per_second": round(self.per_second, 1),
            "targets": {
                name: {"tried": self.tried[name], "accepted": self.accepted[name]}
                for name in sorted(self.tried)
            },
            "skipped": list(self.skipped),
            "interrupted": self.interrupted,
            "failure": None
            if failure is None
            else {
                "invariant": failure.invariant,
                "target": failure.target,
                "detail": failure.detail,
                "input": failure.hostile,
            },
        }


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(segment: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None


def _segment(value: object) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return _b64(text.encode("utf-8", "surrogatepass"))


_TEXT = st.text(max_size=40) | st.sampled_from(["", "\x00", "\udc80", "RS256", "none", "ES256"])
_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    _TEXT,
)
_JSON = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)
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
        json.loads(_unb64(head) or b"{}"),
        json.loads(_unb64(body) or b"{}"),
        _unb64(signature) or b"",
    )


def _decoded(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A token's header and claims when both decode to JSON objects, else None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    head, body = _unb64(parts[0]), _unb64(parts[1])
    if head is None or body is None or _unb64(parts[2]) is None:
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
        return f"{_segment(header)}.{_segment(claims)}.{_b64(signature)}", True
    if kind in ("header", "claims", "resign-claims"):
        target = header if kind == "header" else claims
        keys = _HEADER_KEYS if kind == "header" else _CLAIM_KEYS
        key = draw(st.sampled_from(keys) | _TEXT)
        if draw(st.booleans()) and key in target:
            del target[key]
        else:
            target[key] = draw(_JSON)
        mutated = f"{_segment(header)}.{_segment(claims)}.{_b64(signature)}"
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
        return f"{head}.{body}.{_b64(signature)}", False
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


@dataclass(frozen=True)
class _Target:
    """One kind of hostile input: how to make a genuine one, mutate it, submit it, and judge an
    acceptance."""

    name: str
    run: Callable[[ConcreteLab, st.DataObject], tuple[Any, str, Callable[[Any], bool]]]
    """Given the lab and Hypothesis data: the verdict, the input's repr and the oracle that says
    whether the verdict's acceptance is allowed (called only on acceptance)."""


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


def _device_token(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
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


def _content_token(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
    roles = Roles(tb)
    dp = roles.need(roles.auth_dp, "distribution point asking for a credential")
    genuine = _cached(tb, "cat", lambda: real_content_token(tb, dp))
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


def _cached(tb: ConcreteLab, key: str, make: Callable[[], str]) -> str:
    store: dict[str, str] = tb.__dict__.setdefault("_hostile_cache", {})
    if key not in store:
        store[key] = make()
    return store[key]


_HOSTILE_VALUES = st.one_of(
    _SCALAR,
    st.binary(max_size=80),
    st.sampled_from([b"", b"\x00" * 16, 2**63, -1, "GUID:\udc80", "client-notification\x00"]),
    st.sampled_from(KINDS),
)


def _message(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
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


def _registration(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
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
            | _TEXT
        )
        account = agent.account if how == "name" else data.draw(_TEXT | st.just(agent.account))
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


def _rollover(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
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


def _logon(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
    """A network access account logon: at a distribution point that uses the account, else
    to the site's account check itself (a distribution point without it refuses the method
    before the secret is read)."""
    roles = Roles(tb)
    dp = roles.auth_dp
    secret = tb.naa_secret
    variants = st.sampled_from(
        [secret + "\x00", secret.upper(), secret[:-1], secret + " ", f"{secret}\udc80", ""]
    )
    user = data.draw(st.just(NAA_USER) | _TEXT | st.just(NAA_USER.lower()) | st.just(None))
    given_secret = data.draw(variants | _TEXT | st.just(secret) | st.binary(max_size=20))
    if dp is not None and tb.dp(dp).config.network_access_account:
        verdict: Any = tb.dp(dp).download("PS100001", NaaLogon(user, given_secret))  # type: ignore[arg-type]
    else:
        verdict = tb.naa.check(user, given_secret)

    def allowed(_: Any) -> bool:
        return user == NAA_USER and given_secret == secret

    return verdict, repr((user, given_secret))[:300], allowed


def _chain(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
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


_TOML_SNIPPETS = (
    "\x00",
    "\udc80",
    "[[clients]]\n",
    "\n[site]\n",
    'name = "../../etc/passwd"\n',
    "version = 1806\n",
    "= = =",
    '"""',
    "[" * 3000,
    "x = " + "[" * 900 + "]" * 900 + "\n",
    'name = "' + "a" * 5000 + '"\n',
)


def _lab_file(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
    """A lab file: the lab's own TOML with text inserted, cut or repeated."""
    genuine = lab_to_toml(tb.lab)
    how = data.draw(st.sampled_from(["insert", "cut", "repeat", "replace-line"]))
    at = data.draw(st.integers(0, len(genuine)))
    if how == "insert":
        text = genuine[:at] + data.draw(st.sampled_from(_TOML_SNIPPETS) | _TEXT) + genuine[at:]
    elif how == "cut":
        text = genuine[:at] + genuine[at + data.draw(st.integers(1, 80)) :]
    elif how == "repeat":
        text = genuine * data.draw(st.integers(2, 50))
    else:
        lines = genuine.splitlines()
        line = data.draw(st.integers(0, len(lines) - 1))
        key = lines[line].split(" = ")[0] if " = " in lines[line] else "name"
        lines[line] = f"{key} = {json.dumps(data.draw(_JSON), ensure_ascii=False)}"
        text = "\n".join(lines)
    try:
        verdict: Any = Accepted(parse_lab(text, "hostile.toml"))
    except LabError as error:
        verdict = Refused(Reason.INPUT_MALFORMED, str(error))

    def allowed(accepted: Any) -> bool:
        lab = accepted.value
        return isinstance(lab, Lab) and parse_lab(lab_to_toml(lab), "again.toml") == lab

    return verdict, repr(text[:300]), allowed


def _replay_file(tb: ConcreteLab, data: st.DataObject) -> tuple[Any, str, Callable[[Any], bool]]:
    """A replay file: a genuine one (two steps and an attack) with a key, a step or its size
    changed, or its text cut or nested."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "lab": lab_to_toml(tb.lab),
        "seed": tb.seed,
        "mutant": None,
        "invariant": "hostile",
        "steps": [
            {"action": "select HTTPS only", "instance": "site", "machine": "site-mode", "row": 5},
            {"attack": CATALOGUE[0].name},
        ],
    }
    how = data.draw(st.sampled_from(["key", "step", "steps", "mutant", "text"]))
    if how == "key":
        document[data.draw(st.sampled_from(sorted(document)))] = data.draw(_JSON)
    elif how == "step":
        step = data.draw(st.integers(0, 1))
        document["steps"][step][data.draw(st.sampled_from(["attack", "instance", "row"]))] = (
            data.draw(_JSON)
        )
    elif how == "steps":
        document["steps"] = [{"attack": CATALOGUE[0].name}] * data.draw(st.integers(0, 20_000))
    elif how == "mutant":
        document["mutant"] = data.draw(st.sampled_from(sorted(MUTANTS)) | _TEXT)
    text = json.dumps(document, ensure_ascii=False)
    if how == "text":
        cut = data.draw(st.integers(0, len(text)))
        text = data.draw(st.sampled_from(["[" * 50_000, text[:cut], text + "]", ""]))
    folder: Path = tb.__dict__.setdefault("_hostile_folder", Path(tempfile.mkdtemp()))
    path = folder / "replay.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        verdict: Any = Accepted(load_replay(path, tb.lab))
    except ReplayError as error:
        verdict = Refused(Reason.INPUT_MALFORMED, str(error))

    def allowed(accepted: Any) -> bool:
        plan = accepted.value
        return (
            (plan.mutant is None or plan.mutant in MUTANTS)
            and len(plan.moves) <= MAX_REPLAY_STEPS
            and all(m in _ATTACK_NAMES for m in plan.moves if isinstance(m, str))
        )

    return verdict, repr(text[:300]), allowed


_ATTACK_NAMES = frozenset(a.name for a in CATALOGUE)

_TARGETS: tuple[tuple[_Target, tuple[str, ...]], ...] = (
    (_Target("device token", _device_token), ("aad-client", "device-token-mp", "app-updated")),
    (_Target("content access token", _content_token), ("enhanced", "authenticating-dp")),
    (_Target("client notification", _message), ()),
    (_Target("registration request", _registration), ("domain-client",)),
    (_Target("key rollover", _rollover), ()),
    (_Target("network access account logon", _logon), ()),
    (_Target("site system certificate chain", _chain), ()),
    (_Target("lab file", _lab_file), ()),
    (_Target("replay file", _replay_file), ()),
)


def _settings(plan: HostilePlan, examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=plan.profile == "ci",
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
    )


def _check(tb: ConcreteLab, target: _Target, result: HostileResult, data: st.DataObject) -> None:
    """Try one hostile input. The first broken invariant is kept in ``result`` and raised; the
    lab has moved on and can't replay it, so any later call raises it again at once, and the
    caller reads ``result`` instead of what Hypothesis makes of the replay."""
    if result.failure is not None:
        raise result.failure
    try:
        _try(tb, target, result, data)
    except HostileFailure as failure:
        result.failure = failure
        raise


def _try(tb: ConcreteLab, target: _Target, result: HostileResult, data: st.DataObject) -> None:
    before = tb.snapshot()
    try:
        verdict, shown, allowed = target.run(tb, data)
    except Exception as error:
        result.tried[target.name] += 1
        raise HostileFailure(
            EXCEPTION, target.name, f"{type(error).__name__}: {error}", "(see the detail)"
        ) from None
    result.tried[target.name] += 1
    if isinstance(verdict, Accepted):
        result.accepted[target.name] += 1
        if not allowed(verdict):
            raise HostileFailure(ACCEPTED_FORBIDDEN, target.name, "accepted", shown)
    elif tb.snapshot() != before:
        raise HostileFailure(
            REFUSAL_CHANGED,
            target.name,
            f"refused ({verdict.reason.value}) but state changed",
            shown,
        )


def _one(tb: ConcreteLab, target: _Target, result: HostileResult) -> Callable[[], None]:
    """The Hypothesis test that tries one hostile input for ``target``."""

    @given(st.data())
    def one(data: st.DataObject) -> None:
        _check(tb, target, result, data)

    return one


def run_hostile(plan: HostilePlan) -> HostileResult:
    """Run the hostile campaign `plan` on a lab built from its lab file, seed and mutant."""
    started = time.perf_counter()
    tb = ConcreteLab(plan.lab, plan.seed, mutants=mutant_set(plan.mutant))
    for client in tb.lab.clients:
        try:
            registered(tb, client.name)
        except RuntimeError:
            continue
    roles = Roles(tb)
    result = HostileResult(plan.seed)
    targets: list[_Target] = []
    skipped: list[str] = []
    for target, needs in _TARGETS:
        missing = [CONDITIONS[n].description for n in needs if not CONDITIONS[n].holds(roles)]
        if missing:
            skipped.append(f"{target.name}: needs {'; '.join(missing)}")
        else:
            targets.append(target)
    result.skipped = tuple(skipped)
    if any(t.name == "content access token" for t in targets):
        dp = Roles(tb).need(Roles(tb).auth_dp, "distribution point asking for a credential")
        try:
            _cached(tb, "cat", lambda: real_content_token(tb, dp))
        except RuntimeError as error:
            targets = [t for t in targets if t.name != "content access token"]
            skipped.append(f"content access token: {error}")
            result.skipped = tuple(skipped)
    seeds = random.Random(plan.seed)
    deadline = None if plan.seconds is None else started + plan.seconds
    per_target = plan.examples
    if per_target is None and plan.seconds is None:
        per_target = CI_HOSTILE_EXAMPLES
    done = Counter[str]()
    while result.failure is None:
        progressed = False
        for target in targets:
            if per_target is not None:
                examples = min(_ROUND, per_target - done[target.name])
                if examples <= 0:
                    continue
            else:
                if deadline is None or time.perf_counter() >= deadline:
                    break
                examples = _ROUND

            test = hypothesis_seed(seeds.getrandbits(64))(
                _settings(plan, examples)(_one(tb, target, result))
            )
            try:
                test()
            except KeyboardInterrupt:
                result.interrupted = True
                break
            except Flaky:
                # Inputs depend on the lab, which moves on: Hypothesis may see a replayed
                # choice sequence draw differently. The inputs it ran were still checked.
                if result.failure is not None:
                    break
            except Exception:
                if result.failure is None:
                    raise
            if result.failure is not None:
                break
            done[target.name] += examples
            progressed = True
        if not progressed or result.interrupted:
            break
    folder = tb.__dict__.get("_hostile_folder")
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    result.seconds = time.perf_counter() - started
    return result
