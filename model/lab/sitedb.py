"""The site database behind every management point: registrations, key history, what was seen.

A site has one database and its management points are front ends to it (reference "Registration
and approval": the client registers "with the site", and the site verifies its message signatures);
so what one management point accepted, every other one knows (issue 21; specs/threat-model.md): a
registration request captured at one management point and replayed at another is a replay, a
notification acted on at one is not acted on again at another, one content access token request
yields one token, and a key the site superseded signs nothing and registers nothing anywhere.

Modeling assumption A-44: the database holds each client's registration (by registration id), the
anonymous requests awaiting approval, the management point each client last registered through
(the one it goes on talking to), every key the site superseded for a client, and the replay store
of `model/lab/freshness.py`. A superseded key is never registered again for that client, except as
the key of a PKI client certificate, which the certificate itself binds to the client; the
documents say nothing of key history.

The database also marks the registrations due to re-register (REG-4, A-47): enabling enhanced HTTP
marks every registered client, a re-registration or a new registration clears the mark, and while
it is set the site can't verify the client's message signatures (REG-5).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.lab.freshness import ReplayStore
from ehttp.lab.messages import Regime, Registration

__all__ = ["DatabaseSnapshot", "SiteDatabase", "fingerprint"]


def fingerprint(key: ec.EllipticCurvePublicKey) -> bytes:
    """A public key as comparable bytes (its compressed point)."""
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


@dataclass(frozen=True)
class DatabaseSnapshot:
    """The site database's observable state, as comparable data."""

    registrations: tuple[tuple[str, int, str, bool, bytes], ...]
    pending: tuple[tuple[str, bytes], ...]
    where: tuple[tuple[str, str], ...]
    superseded: tuple[tuple[str, tuple[bytes, ...]], ...]
    seen: tuple[tuple[str, bytes], ...]
    due: tuple[str, ...]


class SiteDatabase:
    """One site's database, shared by all its management points (see the module docstring)."""

    def __init__(self, *, no_replay_store: bool = False, forgets_keys: bool = False) -> None:
        """``no_replay_store`` and ``forgets_keys`` are the `mp-no-replay-window` and
        `mp-forgets-superseded-keys` mutants."""
        self.registrations: dict[str, Registration] = {}
        self.pending: dict[str, Registration] = {}
        self.where: dict[str, str] = {}
        """Registration id -> the management point the client registered through last."""
        self.superseded: dict[str, set[bytes]] = {}
        """Registration id -> fingerprints of the keys the site superseded for that client."""
        self.seen = ReplayStore(disabled=no_replay_store)
        self.due: set[str] = set()
        """Registration ids of the registered clients due to re-register (REG-4, A-47)."""
        self._forgets_keys = forgets_keys

    def register(self, registration: Registration, at: str) -> None:
        """Record ``registration`` (approved) as the client's, made through management point
        ``at``; a key it replaces joins the client's key history."""
        self._replace(registration)
        self.pending.pop(registration.registration_id, None)
        self.where[registration.registration_id] = at
        self.due.discard(registration.registration_id)

    def file(self, registration: Registration, at: str) -> None:
        """File an anonymous request made through ``at``, to wait for approval (REG-3)."""
        self.pending[registration.registration_id] = registration
        self.where[registration.registration_id] = at

    def approve(self, registration: Registration) -> None:
        """The administrator approved the pending request this ``registration`` came from."""
        self._replace(registration)
        del self.pending[registration.registration_id]
        self.due.discard(registration.registration_id)

    def _replace(self, registration: Registration) -> None:
        previous = self.registrations.get(registration.registration_id)
        if previous is not None and previous.public_key != registration.public_key:
            history = self.superseded.setdefault(registration.registration_id, set())
            history.add(fingerprint(previous.public_key))
        self.registrations[registration.registration_id] = registration

    def cancel_due(self, registration_id: str, regime: Regime) -> None:
        """A disable cancelled the client's pending re-registration: the site holds its
        registration under ``regime``, the one it has without enhanced HTTP (A-10)."""
        self.due.discard(registration_id)
        current = self.registrations[registration_id]
        self.registrations[registration_id] = replace(current, regime=regime)

    def is_superseded(self, registration_id: str, key: ec.EllipticCurvePublicKey) -> bool:
        """Whether the site superseded ``key`` for the client ``registration_id``."""
        if self._forgets_keys:
            return False
        return fingerprint(key) in self.superseded.get(registration_id, ())

    def held(self, registration_id: str) -> Iterator[tuple[Registration, str]]:
        """The registration and the pending request under ``registration_id``, each with its
        status."""
        for held, status in (
            (self.registrations.get(registration_id), "registered"),
            (self.pending.get(registration_id), "awaiting approval"),
        ):
            if held is not None:
                yield held, status

    def snapshot(self) -> DatabaseSnapshot:
        """The observable state."""
        return DatabaseSnapshot(
            tuple(
                sorted(
                    (
                        r.registration_id,
                        r.generation,
                        r.regime,
                        r.approved,
                        fingerprint(r.public_key),
                    )
                    for r in self.registrations.values()
                )
            ),
            tuple(
                sorted(
                    (r.registration_id, fingerprint(r.public_key)) for r in self.pending.values()
                )
            ),
            tuple(sorted(self.where.items())),
            tuple(sorted((k, tuple(sorted(v))) for k, v in self.superseded.items())),
            self.seen.snapshot(),
            tuple(sorted(self.due)),
        )
