"""Named faults that can be switched on in the concrete lab, to show the checks can fail.

Each mutant breaks one guarantee of the requirement catalogue (SEC-5 token algorithms, SEC-1 the
DP table, CERT-4 the workaround, SEC-3 the current registration's key, REG-1 the MP table's
"(Enhanced HTTP)" qualifier) or removes one of the
hostile-client checks (identity binding, an anonymous request replacing a record, rollover
continuity, message kind, freshness, the site's key history, token lifetime, token revocation when
enhanced HTTP is turned off) at one place in the lab's own code path: the component is built with
the switch and tests it where the real decision is made. A mutant is observable when an attack of
the catalogue is accepted, when the lab's abstraction departs from the abstract model (DESIGN
"Concrete lab"; `tests/lab/test_mutants.py`), or when the lab accepts an input the model forbids
(negative lockstep, `model/fuzz/forbidden.py`).
"""

from __future__ import annotations

__all__ = [
    "ALG_NONE",
    "ANONYMOUS_REPLACES",
    "DEVICE_TOKEN_WITHOUT_ENHANCED",
    "FORGETS_KEYS",
    "IGNORES_IDENTITY",
    "IGNORES_LIFETIME",
    "KEEPS_OLD_KEY",
    "KEEPS_TOKENS",
    "KIND_UNBOUND",
    "MUTANTS",
    "NEVER_REBINDS",
    "NO_REPLAY_WINDOW",
    "SERVES_WITHOUT_CREDENTIAL",
    "SKIPS_CONTINUITY",
    "mutant_set",
]

ALG_NONE = "mp-accepts-alg-none"
SERVES_WITHOUT_CREDENTIAL = "dp-serves-without-credential"
NEVER_REBINDS = "mp-never-rebinds"
KEEPS_OLD_KEY = "mp-keeps-old-key"
IGNORES_IDENTITY = "mp-ignores-identity-binding"
SKIPS_CONTINUITY = "mp-skips-rollover-continuity"
KIND_UNBOUND = "mp-ignores-message-kind"
NO_REPLAY_WINDOW = "mp-no-replay-window"
IGNORES_LIFETIME = "dp-ignores-token-lifetime"
KEEPS_TOKENS = "dp-keeps-tokens-after-disabling"
ANONYMOUS_REPLACES = "mp-anonymous-replaces-record"
FORGETS_KEYS = "mp-forgets-superseded-keys"
DEVICE_TOKEN_WITHOUT_ENHANCED = "mp-http-device-token-without-enhanced"

MUTANTS: dict[str, str] = {
    ALG_NONE: "the management point accepts Azure AD tokens with alg=none (breaks SEC-5)",
    SERVES_WITHOUT_CREDENTIAL: (
        "the distribution point serves content to a download with no credential (breaks SEC-1)"
    ),
    NEVER_REBINDS: (
        "after the workaround the certificate manager never issues and binds anew (breaks CERT-4)"
    ),
    KEEPS_OLD_KEY: (
        "the management point keeps a client's old key when it re-registers (breaks SEC-3)"
    ),
    IGNORES_IDENTITY: (
        "the management point checks evidence without comparing it with the record of the "
        "client it registers (breaks SEC-2)"
    ),
    SKIPS_CONTINUITY: (
        "the management point rolls a registration over without the key on record's signature "
        "(breaks SEC-2, SEC-3)"
    ),
    KIND_UNBOUND: (
        "the management point takes a signature made for one message kind for another "
        "(breaks SEC-3)"
    ),
    NO_REPLAY_WINDOW: (
        "the management point accepts a signed request or message again, or late (breaks SEC-3)"
    ),
    IGNORES_LIFETIME: (
        "the distribution point accepts a content access token past its lifetime (breaks SEC-1)"
    ),
    KEEPS_TOKENS: (
        "the distribution point still accepts content access tokens issued before enhanced "
        "HTTP was turned off (breaks SEC-1)"
    ),
    ANONYMOUS_REPLACES: (
        "the management point lets an anonymous request replace the key of a client that is "
        "registered or awaiting approval, so an approval hands the name to another key "
        "(breaks SEC-2)"
    ),
    FORGETS_KEYS: (
        "the site database keeps no history of the keys it superseded, so a captured device "
        "token registers a client's old key again (breaks SEC-2, SEC-3)"
    ),
    DEVICE_TOKEN_WITHOUT_ENHANCED: (
        "an HTTP management point registers a client by its Azure AD device token without "
        "enhanced HTTP (breaks REG-1, SEC-2)"
    ),
}
"""Every mutant by name, with the fault it introduces."""


def mutant_set(name: str | None) -> frozenset[str]:
    """The switches for mutant ``name`` (none for None); an unknown name is a one-line error."""
    if name is None:
        return frozenset()
    if name not in MUTANTS:
        raise ValueError(
            f"mutant: {name!r} is not accepted; use one of {', '.join(sorted(MUTANTS))}"
        )
    return frozenset({name})
