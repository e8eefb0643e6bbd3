"""Why the lab refuses an input: reason codes, the exception that carries one, and verdicts.

Every rejection the concrete lab makes names one `Reason`, so that tests and the attack catalogue
compare enum members, never message text (DESIGN "Concrete lab": bad input "is rejected with a
reason, never with a crash"). Reasons group by the requirement they defend: tokens (SEC-5),
certificates and TLS (SEC-4), signed client messages (SEC-3, REG-5), content access (SEC-1, DP-1..3)
and registration (SEC-2, REG-1..3); `specs/threat-model.md` says what each one defends.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Accepted", "Reason", "Refused", "Rejected", "Verdict", "value_or_raise"]

T = TypeVar("T")


class Reason(enum.Enum):
    """A rejection reason code."""

    TOKEN_MALFORMED = "token-malformed"
    TOKEN_ALG_NOT_ALLOWED = "token-alg-not-allowed"
    TOKEN_UNKNOWN_KID = "token-unknown-kid"
    TOKEN_BAD_SIGNATURE = "token-bad-signature"
    TOKEN_WRONG_ISSUER = "token-wrong-issuer"
    TOKEN_WRONG_TENANT = "token-wrong-tenant"
    TOKEN_APP_NOT_UPDATED = "token-app-not-updated"
    TOKEN_WRONG_AUDIENCE = "token-wrong-audience"
    TOKEN_EXPIRED = "token-expired"
    TOKEN_NOT_YET_VALID = "token-not-yet-valid"
    TOKEN_WRONG_TYPE = "token-wrong-type"
    TOKEN_MISSING_DEVICE_ID = "token-missing-device-id"
    TOKEN_DEVICE_MISMATCH = "token-device-mismatch"
    TOKEN_UNSUPPORTED_HEADER = "token-unsupported-header"
    TOKEN_TOO_DEEP = "token-too-deep"
    CAT_FORGED = "cat-forged"
    CAT_EXPIRED = "cat-expired"
    CAT_WRONG_DP = "cat-wrong-dp"
    CAT_NOT_AVAILABLE = "cat-not-available"
    CAT_REVOKED = "cat-revoked"
    CERT_UNTRUSTED = "cert-untrusted"
    CERT_EXPIRED = "cert-expired"
    CERT_WRONG_NAME = "cert-wrong-name"
    CERT_WRONG_USAGE = "cert-wrong-usage"
    CERT_ISSUER_NOT_CA = "cert-issuer-not-ca"
    CERT_KEY_MISMATCH = "cert-key-mismatch"
    CERT_CLIENT_MISMATCH = "cert-client-mismatch"
    CERT_WEAK_KEY = "cert-weak-key"
    CERT_BAD_PROFILE = "cert-bad-profile"
    TLS_NO_BINDING = "tls-no-binding"
    TLS_HANDSHAKE_FAILED = "tls-handshake-failed"
    MSG_MALFORMED = "msg-malformed"
    MSG_BAD_SIGNATURE = "msg-bad-signature"
    MSG_UNREGISTERED = "msg-unregistered"
    MSG_PENDING_APPROVAL = "msg-pending-approval"
    MSG_STALE_REGISTRATION = "msg-stale-registration"
    MSG_REGIME_MISMATCH = "msg-regime-mismatch"
    MSG_NOT_FRESH = "msg-not-fresh"
    MSG_REPLAYED = "msg-replayed"
    MSG_WRONG_KIND = "msg-wrong-kind"
    MSG_STORE_FULL = "msg-store-full"
    NAA_NOT_CONFIGURED = "naa-not-configured"
    NAA_WRONG_SECRET = "naa-wrong-secret"
    NAA_UNKNOWN_ACCOUNT = "naa-unknown-account"
    AD_UNKNOWN_ACCOUNT = "ad-unknown-account"
    AD_BAD_PROOF = "ad-bad-proof"
    AD_ACCOUNT_MISMATCH = "ad-account-mismatch"
    REG_BAD_PROOF_OF_POSSESSION = "reg-bad-proof-of-possession"
    REG_NOT_PENDING = "reg-not-pending"
    REG_UNKNOWN_CLIENT = "reg-unknown-client"
    REG_ROLLOVER_NOT_CONTINUOUS = "reg-rollover-not-continuous"
    REG_CONFLICTING_RECORD = "reg-conflicting-record"
    REG_KEY_SUPERSEDED = "reg-key-superseded"
    INPUT_MALFORMED = "input-malformed"
    METHOD_NOT_ACCEPTED = "method-not-accepted"


class Rejected(Exception):
    """An input the lab refuses, with its reason and a one-line detail."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Accepted(Generic[T]):
    """An accepted input and what accepting it produced."""

    value: T

    @property
    def ok(self) -> bool:
        """Always true: lets callers branch on ``verdict.ok`` for either kind of verdict."""
        return True


@dataclass(frozen=True)
class Refused:
    """A refused input: the reason code and a one-line detail."""

    reason: Reason
    detail: str

    @property
    def ok(self) -> bool:
        """Always false."""
        return False

    @staticmethod
    def of(error: Rejected) -> Refused:
        """The verdict for a raised `Rejected`."""
        return Refused(error.reason, error.detail)


Verdict = Accepted[T] | Refused


def value_or_raise(verdict: Verdict[T]) -> T:
    """The accepted value, or the refusal raised as `Rejected`."""
    if isinstance(verdict, Refused):
        raise Rejected(verdict.reason, verdict.detail)
    return verdict.value
