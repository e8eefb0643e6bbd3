"""The facts behind a scenario verdict: defined once in `model/decide/` (the one decision that
`ehttp scenarios`, `ehttp whatif`, `ehttp diagnose` and the report share); this name stays for
callers."""

from ehttp.decide import Fact, FactKind, ScenarioId, facts, mechanism_holds, user_methods

__all__ = ["Fact", "FactKind", "ScenarioId", "facts", "mechanism_holds", "user_methods"]
