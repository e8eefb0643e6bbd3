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

import math
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from ehttp.config.schema import Lab
from ehttp.fuzz.hostile_base import Staged, Target, cached
from ehttp.fuzz.hostile_files import FILE_TARGETS
from ehttp.fuzz.hostile_generators import GENERATOR_TARGETS, TEXT_AS_CODE
from ehttp.fuzz.hostile_replay import REPLAY_TARGETS
from ehttp.fuzz.hostile_tokens import TOKEN_TARGETS
from ehttp.fuzz.profiles import source_constants
from ehttp.lab.attacks.base import CONDITIONS, Roles, SetupRefused, registered
from ehttp.lab.attacks.content import real_content_token
from ehttp.lab.mutants import mutant_set
from ehttp.lab.reasons import Accepted
from ehttp.lab.testbed import ConcreteLab

__all__ = [
    "ACCEPTED_FORBIDDEN",
    "CI_HOSTILE_EXAMPLES",
    "EXCEPTION",
    "INVARIANTS",
    "REFUSAL_CHANGED",
    "TARGETS",
    "TEXT_AS_CODE",
    "HostileFailure",
    "HostilePlan",
    "HostileResult",
    "run_hostile",
]

EXCEPTION = "a hostile input gets a verdict, never an exception"
ACCEPTED_FORBIDDEN = "a hostile input is accepted only when the model allows it"
REFUSAL_CHANGED = "a refused hostile input changes nothing"
INVARIANTS = (EXCEPTION, ACCEPTED_FORBIDDEN, REFUSAL_CHANGED, TEXT_AS_CODE)

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


TARGETS: tuple[tuple[Target, tuple[str, ...]], ...] = (
    *TOKEN_TARGETS,
    *FILE_TARGETS,
    *GENERATOR_TARGETS,
    *REPLAY_TARGETS,
)
"""Every kind of hostile input, by input kind: tokens, messages and certificates
(`model/fuzz/hostile_tokens.py`), files (`model/fuzz/hostile_files.py`), a lab's text through
every generator (`model/fuzz/hostile_generators.py`) and what one management point accepted,
sent again to another (`model/fuzz/hostile_replay.py`)."""


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


def _check(tb: ConcreteLab, target: Target, result: HostileResult, data: st.DataObject) -> None:
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


def _try(tb: ConcreteLab, target: Target, result: HostileResult, data: st.DataObject) -> None:
    lab = tb
    before = tb.snapshot()
    try:
        outcome = target.run(tb, data)
        if isinstance(outcome, Staged):
            lab = outcome.lab
            before = lab.snapshot()
            outcome = outcome.submit()
        verdict, shown, allowed = outcome
    except Exception as error:
        result.tried[target.name] += 1
        raise HostileFailure(
            EXCEPTION, target.name, f"{type(error).__name__}: {error}", "(see the detail)"
        ) from None
    result.tried[target.name] += 1
    if isinstance(verdict, Accepted):
        result.accepted[target.name] += 1
        if not allowed(verdict):
            invariant = target.forbidden or ACCEPTED_FORBIDDEN
            raise HostileFailure(invariant, target.name, "accepted", shown)
    elif lab.snapshot() != before:
        raise HostileFailure(
            REFUSAL_CHANGED,
            target.name,
            f"refused ({verdict.reason.value}) but state changed",
            shown,
        )


def _one(tb: ConcreteLab, target: Target, result: HostileResult) -> Callable[[], None]:
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
        except SetupRefused:
            continue
    roles = Roles(tb)
    result = HostileResult(plan.seed)
    targets: list[Target] = []
    skipped: list[str] = []
    for target, needs in TARGETS:
        missing = [CONDITIONS[n].description for n in needs if not CONDITIONS[n].holds(roles)]
        if missing:
            skipped.append(f"{target.name}: needs {'; '.join(missing)}")
        else:
            targets.append(target)
    result.skipped = tuple(skipped)
    if any(t.name == "content access token" for t in targets):
        dp = Roles(tb).need(Roles(tb).auth_dp, "distribution point asking for a credential")
        try:
            cached(tb, "cat", lambda: real_content_token(tb, dp))
        except SetupRefused as error:
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
            size = max(1, round(_ROUND * target.weight))
            if per_target is not None:
                budget = max(1, math.ceil(per_target * target.weight))
                examples = min(size, budget - done[target.name])
                if examples <= 0:
                    continue
            else:
                if deadline is None or time.perf_counter() >= deadline:
                    break
                examples = size

            test = hypothesis_seed(seeds.getrandbits(64))(
                _settings(plan, examples)(_one(tb, target, result))
            )
            try:
                with source_constants():
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
