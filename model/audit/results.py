"""What an audit of one lab found: each mutant's status and the properties that killed it, each
property's strength, and the whole result as `ehttp audit --json` prints it
(`model/audit/engine.py` runs the audit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ehttp.audit.mutants import REDIRECT_SEED, Mutant
from ehttp.config.schema import Lab

__all__ = ["AuditResult", "MutantResult", "PropertyStrength", "Status"]

Status = Literal["killed", "survived", "equivalent", "not-run"]


@dataclass(frozen=True)
class MutantResult:
    """What one mutant did: which properties it broke, or what it allows unnoticed."""

    mutant: Mutant
    status: Status
    killed_by: tuple[str, ...] = ()
    lengths: tuple[int | None, ...] = ()
    """Per property in `killed_by`: the counterexample's number of steps (None: vacuous)."""
    behaviour: str = ""
    unconstrained: str | None = None
    """The seed sentence that leaves this survivor open (`specs/unconstrained.toml`)."""
    complete: bool = True
    lab: str | None = None
    """A survivor of the declarations only: what the lab does on the mutant's first difference,
    driven in lockstep with the mutant (`model/fuzz/survivors.py`): "contradicts: ..." with the
    broken invariant (a fuzz campaign that gets there kills it), or "follows"."""


@dataclass(frozen=True)
class PropertyStrength:
    """One property: the mutants it kills, and one of them with its counterexample length."""

    key: str
    name: str
    variant: str
    kind: str
    requirements: tuple[str, ...]
    killed: tuple[str, ...]
    example: tuple[str, int | None] | None

    @property
    def unfalsifiable(self) -> bool:
        """No mutant made it fail."""
        return not self.killed


@dataclass(frozen=True)
class AuditResult:
    """The audit of one lab."""

    lab: Lab
    properties: tuple[PropertyStrength, ...]
    mutants: tuple[MutantResult, ...]
    redirects_total: int
    redirects_limit: int
    seconds: float
    base_stopped: str | None = None
    """Where the unmutated lab's check stopped when the time limit or Ctrl-C cut it ("max-seconds
    after 60.0 s, at 1,234,567 worlds"): then no mutant ran. None: it ran to its end."""

    @property
    def complete(self) -> bool:
        """Every mutant was run to the end."""
        return all(m.status != "not-run" for m in self.mutants)

    @property
    def changing(self) -> tuple[MutantResult, ...]:
        """Mutants that change a reachable graph and are not a copy of an earlier one."""
        return tuple(
            m
            for m in self.mutants
            if m.status in ("killed", "survived") and m.mutant.same_as is None
        )

    @property
    def counted(self) -> tuple[MutantResult, ...]:
        """The changing mutants less the survivors the seed leaves open."""
        return tuple(m for m in self.changing if m.unconstrained is None)

    @property
    def kill_ratio(self) -> float:
        """Killed over counted (1.0 when nothing is counted)."""
        counted = self.counted
        if not counted:
            return 1.0
        return sum(m.status == "killed" for m in counted) / len(counted)

    @property
    def unfalsifiable(self) -> tuple[PropertyStrength, ...]:
        """Properties that killed no mutant."""
        return tuple(p for p in self.properties if p.unfalsifiable)

    @property
    def passed(self) -> bool:
        """Complete, and every property killed at least one mutant."""
        return self.complete and not self.unfalsifiable

    def to_json(self) -> dict[str, Any]:
        """The audit as JSON-ready data (the shape `ehttp audit --json` prints)."""
        counted = self.counted
        return {
            "lab": self.lab.name,
            "seconds": round(self.seconds, 3),
            "complete": self.complete,
            "passed": self.passed,
            "kill_ratio": round(self.kill_ratio, 4),
            "killed": sum(m.status == "killed" for m in counted),
            "counted": len(counted),
            "base_stopped": self.base_stopped,
            "redirects": {
                "derived": self.redirects_total,
                "limit": self.redirects_limit,
                "seed": REDIRECT_SEED,
            },
            "properties": [
                {
                    "id": p.name,
                    "variant": p.variant,
                    "kind": p.kind,
                    "requirements": list(p.requirements),
                    "killed": len(p.killed),
                    # Not known (null) while the audit is incomplete and nothing killed yet.
                    "unfalsifiable": p.unfalsifiable if self.complete or p.killed else None,
                    "example": None
                    if p.example is None
                    else {"mutant": p.example[0], "length": p.example[1]},
                }
                for p in self.properties
            ],
            "mutants": [
                {
                    "id": m.mutant.id,
                    "where": _where_json(m.mutant),
                    "kind": m.mutant.kind,
                    "change": m.mutant.change,
                    "status": m.status,
                    "killed_by": list(m.killed_by),
                    "same_as": m.mutant.same_as,
                    "behaviour": m.behaviour or None,
                    "unconstrained": m.unconstrained,
                    "complete": m.complete,
                    "lab": m.lab,
                }
                for m in self.mutants
            ],
        }


def _where_json(mutant: Mutant) -> dict[str, Any]:
    w = mutant.where
    return {
        "machine": w.machine,
        "row": w.row,
        "on": w.on,
        "source": list(w.source),
        "dest": w.dest,
        "state": w.state,
        "target": w.target,
    }
