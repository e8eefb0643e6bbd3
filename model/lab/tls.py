"""A real TLS handshake over an in-memory BIO pair: proves what a site system's IIS binding serves.

Implements the check behind CERT-3/CERT-4 and SEC-4: the reference says the role certificate is
bound to the IIS Default Web Site on port 443; a client that trusts the site's SMS Issuing root
(or an enterprise PKI root) must be able to complete a TLS handshake to the site system's name.
Python `ssl` (OpenSSL) carries the handshake, in which the server proves it holds the served
certificate's key; whether the client accepts the served chain for the name is decided by the same
verifier as path validation, `ehttp.lab.trust.verify_server`, at the lab clock's instant (one
verifier, issue 21: OpenSSL's own chain checks accepted certificates path validation refuses, a
leaf asserting cA, a leaf without an authority key identifier, an intermediate without key usage).
The chain handed to the verifier is the certificate the client received and the intermediates the
server's context was loaded with, which is what the server sends (Python 3.11's `ssl` does not
show a client the intermediates it received).

What is cached is what real TLS endpoints cache: SSL contexts (per served certificate and key, as a
server keeps its binding loaded; per trusted root set on the client), and TLS sessions; and, while
`CACHE.enabled`, each accepted handshake's verdict keyed by everything the handshake reads: the
served chain and key (PEM bytes, so another certificate or key under the same name or serial is
another key), the site system's name, the trusted roots (PEM bytes), and of the lab instant what
the verifier reads of it, whether it falls within each served and trusted certificate's validity
period (path validation reads the instant for nothing else; the lab has no revocation lists). The
transport and the verifier are deterministic in these inputs (a resumed session changes how the
server proves its key, never what is served or how the chain is judged), so a kept verdict is the
one a new handshake would give; a lab serving anything else, to another name, for other roots, or
at an instant that moves a certificate in or out of its validity period meets no kept verdict and
shakes hands anew. A refusal is never kept (its reason and detail, an expiry's instant among them,
come from a new handshake every time). The abstraction proves every binding after every fuzz step,
mostly unchanged since the last proof, and these handshakes were the largest cost of a campaign
(`benchmarks/fuzz_speed.py --cache` sets the campaign with and without the cache side by side).
A client keeps the session of its last completed handshake to each name and offers it
on the next connection, as Windows' TLS stack does; every connection is still a real handshake over
the BIO pair, and its served chain is verified every time (a session is kept only after a chain
was accepted). A session resumes only on the server context that created it, that is while the
same certificate and key stay bound: after a rebind, a removal, or with an impostor's certificate,
the server does not know the session and the handshake is a full one. A served certificate is held
to the key policy of path validation (`ehttp.lab.trust.key_refusal`) before the server context
loads it; a certificate that OpenSSL still won't load is a refused handshake, not an exception
(specs/threat-model.md). The handshakes are TLS 1.2, whose session IDs resume within the handshake
itself (a TLS 1.3 ticket arrives only after it).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import ssl
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ehttp.lab.pki import Issued
from ehttp.lab.reasons import Accepted, Reason, Refused, Verdict
from ehttp.lab.trust import key_refusal, verify_server

__all__ = ["CACHE", "HANDSHAKES", "VerdictCache", "handshake"]

_CHUNK = 65536


@functools.lru_cache(maxsize=64)
def _server_context(chain_pem: bytes, key_pem: bytes) -> ssl.SSLContext:
    """A server's TLS context for its bound chain and key; the last 64 are kept (a long fuzz run
    issues new certificates without end, and each context holds its chain and key)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
    # `ssl` loads a certificate and its key only from a file: one file holds both, briefly.
    handle, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(chain_pem + key_pem)
        context.load_cert_chain(path)
    finally:
        os.unlink(path)
    return context


@functools.lru_cache(maxsize=64)
def _roots_pem(roots: tuple[x509.Certificate, ...]) -> str:
    return "".join(r.public_bytes(serialization.Encoding.PEM).decode() for r in roots)


@functools.cache
def _client_context() -> ssl.SSLContext:
    """The client's transport: it carries the handshake; `verify_server` judges the chain."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


HANDSHAKES: Counter[str] = Counter()
"""Handshakes by kind: "full" or "resumed" (completed), "cached" (a kept verdict given again); read
by tests and benchmarks/lab_speed.py."""

_Key = tuple[bytes, bytes, str, str, tuple[bool, ...]]


@dataclass
class VerdictCache:
    """Accepted handshakes by their complete inputs (module docstring), at most `size` of them
    (the oldest go first); with `enabled` False every handshake is a new one."""

    enabled: bool = True
    size: int = 4096
    kept: dict[_Key, Accepted[bytes]] = field(default_factory=dict)

    def clear(self) -> None:
        """Forget every kept verdict."""
        self.kept.clear()


CACHE = VerdictCache()
"""The process's handshake verdict cache."""

_SESSIONS: dict[tuple[str, str], ssl.SSLSession] = {}
"""The client's TLS session cache: (server name, trusted roots) -> session of the last handshake."""


def _pump(source: ssl.MemoryBIO, sink: ssl.MemoryBIO) -> None:
    data = source.read(_CHUNK)
    if data:
        sink.write(data)


def handshake(
    bound: Issued | None, name: str, roots: Sequence[x509.Certificate], at: dt.datetime
) -> Verdict[bytes]:
    """Connect to ``name`` whose port 443 serves ``bound``, trusting ``roots`` at lab instant
    ``at``; the value is the served certificate.

    ``bound`` is None when nothing is bound to the website: the connection fails with
    TLS_NO_BINDING.
    """
    if bound is None:
        return Refused(Reason.TLS_NO_BINDING, f"no certificate is bound on {name}:443")
    roots_pem = _roots_pem(tuple(roots))
    if not CACHE.enabled:
        return _connect(bound, name, roots, roots_pem, at)
    certificates = (bound.certificate, *bound.intermediates, *roots)
    valid = tuple(c.not_valid_before_utc <= at <= c.not_valid_after_utc for c in certificates)
    key = (bound.chain_pem(), bound.key_pem, name, roots_pem, valid)
    kept = CACHE.kept.get(key)
    if kept is not None:
        HANDSHAKES["cached"] += 1
        return kept
    verdict = _connect(bound, name, roots, roots_pem, at)
    if isinstance(verdict, Accepted):
        if len(CACHE.kept) >= CACHE.size:
            del CACHE.kept[next(iter(CACHE.kept))]
        CACHE.kept[key] = verdict
    return verdict


def _connect(
    bound: Issued, name: str, roots: Sequence[x509.Certificate], roots_pem: str, at: dt.datetime
) -> Verdict[bytes]:
    """A new handshake: the key policy, the TLS handshake over the BIO pair, the verifier."""
    weak = key_refusal((bound.certificate, *bound.intermediates))
    if weak is not None:
        return weak
    try:
        server_context = _server_context(bound.chain_pem(), bound.key_pem)
    except ssl.SSLError as error:
        return Refused(Reason.TLS_HANDSHAKE_FAILED, f"{name}:443 can't serve it: {error.reason}")
    server_in, server_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    client_in, client_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    server = server_context.wrap_bio(server_in, server_out, server_side=True)
    key = (name, roots_pem)
    offered = _SESSIONS.pop(key, None)
    client = _client_context().wrap_bio(
        client_in, client_out, server_hostname=name, session=offered
    )
    server_done = client_done = False
    try:
        while not (server_done and client_done):
            if not client_done:
                try:
                    client.do_handshake()
                    client_done = True
                except ssl.SSLWantReadError:
                    pass
            _pump(client_out, server_in)
            if not server_done:
                try:
                    server.do_handshake()
                    server_done = True
                except ssl.SSLWantReadError:
                    pass
            _pump(server_out, client_in)
    except ssl.SSLError as error:
        return Refused(Reason.TLS_HANDSHAKE_FAILED, f"{name}:443: {error.reason or error}")
    served = client.getpeercert(binary_form=True)
    if served is None:
        return Refused(Reason.TLS_HANDSHAKE_FAILED, f"{name}:443 presented no certificate")
    leaf = x509.load_der_x509_certificate(served)
    verdict = verify_server((leaf, bound.intermediates), name, roots, at)
    if isinstance(verdict, Refused):
        return Refused(verdict.reason, f"{name}:443: {verdict.detail}")
    if offered is not None and client.session_reused:
        HANDSHAKES["resumed"] += 1
        _SESSIONS[key] = offered  # a TLS 1.2 session ID stays the same when it resumes
    else:
        HANDSHAKES["full"] += 1
        session = client.session  # costly to read (OpenSSL copies it): once, after a full one
        if session is not None:
            _SESSIONS[key] = session
    return Accepted(served)
