"""The one answer to "can client C do X in world W": `decide`.

`ehttp scenarios` (on the lab's steady state), `ehttp whatif` (on every world of its answer),
`ehttp diagnose` (its client symptoms) and the report all ask this function, so they can't
disagree. A decision is one of four words:
- ``not-applicable``: the question is about another kind of client (a failing gate fact);
- ``undocumented``: the seed does not decide it, and the decision does not guess (a silence);
- ``blocked``: a prerequisite that concerns the client is missing, or the world does not show
  the question's goal (`model/decide/goals.py`);
- ``works``: neither: the world shows the goal and the seed's conditions hold.

The facts are read off the lab *as the world has it*: the site's settings an administrator
changes (enhanced HTTP, HTTPS only, Azure AD onboarding and the application update) are taken
from the world, everything else from the lab file. A goal the world does not show gets one more
fact naming the client's state there, so every ``blocked`` says why.

Modeling assumption A-13: clients of the same configuration are interchangeable, and the checker
keeps one order of them in a world; a decision is about the client at its place in that world,
so two such clients may be answered differently when the world holds them in different states.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, get_args
from weakref import WeakKeyDictionary

from ehttp.compose.world import APP, SITE, Env, World
from ehttp.config.schema import Client, Lab
from ehttp.decide.fact import Fact, ScenarioId
from ehttp.decide.goals import GOALS, Question, goal_holds
from ehttp.decide.scenario_facts import facts, mechanism_holds

__all__ = ["WORDS", "Decision", "Word", "applies", "can", "decide", "lab_as_in"]

Word = Literal["works", "blocked", "not-applicable", "undocumented"]
WORDS: tuple[Word, ...] = get_args(Word)

_IDS: dict[Question, tuple[str, ...]] = {
    1: ("SCN-1",),
    2: ("SCN-2",),
    3: ("SCN-3",),
    "os-deployment": ("KI-2",),
    "user-available-apps": ("KI-1",),
    "client notification": ("REG-5", "SEC-3"),
    "content download": ("DP-1", "DP-2", "DP-3"),
}


@dataclass(frozen=True)
class Decision:
    """Whether a client can do something in a world, and the facts that decide it."""

    client: str
    question: Question
    word: Word
    facts: tuple[Fact, ...]
    goal: bool
    """The world shows the question's goal (the model's side alone)."""

    @property
    def works(self) -> bool:
        """Whether the word is ``works``."""
        return self.word == "works"

    @property
    def requirements(self) -> tuple[str, ...]:
        """The requirement IDs the question rests on."""
        return _IDS[self.question]


def lab_as_in(env: Env, world: World) -> Lab:
    """`env`'s lab with the site settings an administrator changes read from `world`."""
    lab = env.lab
    seen = replace(
        lab.site,
        enhanced_http=env.enhanced(world),
        client_communication="https-only" if env.https_only(world) else "https-or-http",
        azure_ad_onboarded=world[APP][0] != "not-onboarded",
        azure_ad_app_updated=world[APP][0] == "updated",
    )
    return lab if seen == lab.site else replace(lab, site=seen)


_MEMO: WeakKeyDictionary[Env, dict[tuple[str, str, int, Question], tuple[Fact, ...]]] = (
    WeakKeyDictionary()
)
"""Per lab model, the facts of each (site state, Azure AD application state, client, question):
every world of an answer with the same site settings asks the same."""


def _facts(env: Env, world: World, index: int, question: Question) -> tuple[Fact, ...]:
    """The facts of `question` for the client at `index`, read off the lab as `world` has it."""
    client = env.client(index)
    gate = _gate(client, question)
    if gate is not None:
        return (gate,)
    if question in ("client notification", "content download"):
        return ()
    memo = _MEMO.setdefault(env, {})
    key = (world[SITE][0], world[APP][0], index, question)
    found = memo.get(key)
    if found is None:
        scenario: ScenarioId = question  # type: ignore[assignment]
        found = memo[key] = facts(lab_as_in(env, world), client, scenario)
    return found


def applies(client: Client, question: Question) -> bool:
    """Whether the question is asked of this client at all: os-deployment of a client a task
    sequence runs on, user-available-apps of one with a user signed in, the others of every
    client (`ehttp scenarios` shows a row only then)."""
    if question == "os-deployment":
        return client.task_sequence
    if question == "user-available-apps":
        return client.user_signed_in
    return True


def _gate(client: Client, question: Question) -> Fact | None:
    """A failing gate when the question is not asked of this client, else None."""
    name = f"clients[{client.name}]"
    if applies(client, question):
        return None
    if question == "os-deployment":
        return Fact(
            False,
            f"{name}.task_sequence = false: OS deployment is about a client running a task "
            "sequence",
            ("KI-2",),
            kind="gate",
        )
    return Fact(
        False,
        f"{name}.user_signed_in = false: applications targeted to users need a signed-in user",
        ("KI-1",),
        kind="gate",
    )


def _word(found: tuple[Fact, ...], goal: bool) -> Word:
    if any(not f.holds for f in found if f.kind == "gate"):
        return "not-applicable"
    if any(not f.holds for f in found if f.kind == "silence"):
        return "undocumented"
    blocked = any(not f.holds for f in found if f.kind == "prerequisite")
    return "works" if goal and not blocked else "blocked"


def _world_fact(env: Env, world: World, index: int, question: Question) -> Fact:
    name = env.names[index]
    state = world[index][0]
    if state == "pending-approval":
        return Fact(
            False,
            f"clients[{name}] = pending-approval in this world: it registered anonymously and "
            f"waits for manual approval, so this world does not show that {GOALS[question]}",
            (*_IDS[question], "REG-3"),
            (f"approve {name} (administrator action)",),
        )
    return Fact(
        False,
        f"clients[{name}] = {state} in this world: the model does not show that {GOALS[question]}",
        _IDS[question],
    )


def _decided(
    env: Env, world: World, index: int, question: Question
) -> tuple[tuple[Fact, ...], bool, Word]:
    found = _facts(env, world, index, question)
    goal = goal_holds(env, world, index, question)
    return found, goal, _word(found, goal)


def can(env: Env, world: World, index: int, question: Question) -> bool:
    """Whether `decide` says ``works``, without building its reasons (for a predicate read on
    every world of a graph: `whatif`'s windows, `diagnose`'s client symptoms)."""
    return _decided(env, world, index, question)[2] == "works"


def decide(env: Env, world: World, index: int, question: Question) -> Decision:
    """Can the client at instance `index` do `question` in `world` of `env`'s lab?"""
    found, goal, word = _decided(env, world, index, question)
    if word == "blocked" and not goal and mechanism_holds(found):
        found = (*found, _world_fact(env, world, index, question))
    return Decision(env.names[index], question, word, found, goal)
