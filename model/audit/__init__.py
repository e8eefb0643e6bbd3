"""The spec-mutation audit: the one door to `model/audit/`.

The checker proves properties; the audit proves the properties are worth proving. It derives
mutants of the declarations (`mutants`), runs every property of a lab against each (`engine`)
and reports which properties kill which mutants, what each survivor allows, and the survivors the
seed truly leaves open (`unconstrained`). Neither the declarations nor the checker import it.
"""

from ehttp.audit.engine import (
    AuditResult,
    BaseFailed,
    MutantResult,
    PropertyStrength,
    Status,
    run_audit,
)
from ehttp.audit.mutants import (
    KINDS,
    REDIRECT_LIMIT,
    REDIRECT_SEED,
    Kind,
    Mutant,
    Where,
    derive_mutants,
)
from ehttp.audit.unconstrained import (
    LISTED,
    Survivor,
    UnconstrainedError,
    load_unconstrained,
    match_unconstrained,
)

__all__ = [
    "KINDS",
    "LISTED",
    "REDIRECT_LIMIT",
    "REDIRECT_SEED",
    "AuditResult",
    "BaseFailed",
    "Kind",
    "Mutant",
    "MutantResult",
    "PropertyStrength",
    "Status",
    "Survivor",
    "UnconstrainedError",
    "Where",
    "derive_mutants",
    "load_unconstrained",
    "match_unconstrained",
    "run_audit",
]
