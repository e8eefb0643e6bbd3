"""Named faults that can be switched on in the concrete lab, to show the checks can fail.

Each mutant breaks one guarantee of the requirement catalogue (SEC-5 token algorithms, SEC-1 the
DP table, CERT-4 the workaround, SEC-3 the current registration's key) at one place in the lab's
own code path: the component is built with the switch and tests it where the real decision is
made. A mutant is observable when an attack of the catalogue is accepted or when the lab's
abstraction departs from the abstract model (DESIGN "Concrete lab"; `tests/test_lab_mutants.py`).
"""

from __future__ import annotations

__all__ = [
    "ALG_NONE",
    "KEEPS_OLD_KEY",
    "MUTANTS",
    "NEVER_REBINDS",
    "SERVES_WITHOUT_CREDENTIAL",
    "mutant_set",
]

ALG_NONE = "mp-accepts-alg-none"
SERVES_WITHOUT_CREDENTIAL = "dp-serves-without-credential"
NEVER_REBINDS = "mp-never-rebinds"
KEEPS_OLD_KEY = "mp-keeps-old-key"

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
