"""The Hypothesis `RuleBasedStateMachine` of a lab, generated from the declarations.

One rule per declared local row (`ehttp.fuzz.rules`), whose precondition is the row's
guard as the model evaluates it on the current world, plus an attack rule that injects any case
of the attack catalogue at any moment (the drawn case, or the next one that applies to the lab in
its current state). Every step runs through `ehttp.fuzz.lockstep.Lockstep`, which checks the
invariants after it.

Deep-state steering, when a session asks for it (plain random walks stall short of states such as
CERT-3). The model is an exact and cheap oracle for the lab's next abstract state, and the
checker's reachable graph (`ehttp.fuzz.coverage.Reachable`) gives every state's successors, so at
each step the machine ranks the enabled actions. First come the actions of rows no example has
fired yet (a row that leaves the state as it is, such as a client notification, leads to no new
state, yet its step must be tried). Then, by default, the global walk planner
(`ehttp.fuzz.planner`): the path cover's next state or the preferred fresh successors, else a
detour through covered states, from here or on a fresh lab, chosen for the most new states per
step. The earlier local steering (`Session.planner` None, `CampaignPlan.walk = "local"`) ranks
instead by `ehttp.fuzz.steering`: the fresh successors that stay upstream, else a shortest path
to the nearest fresh state, else a fresh lab. Either way a fresh lab costs set-up time, never a
lab step, and when every reachable state is covered there is no preference: the plain per-row
rules take over.
The initialize rule `begin_example` draws the example's key (below) and builds its lab. The rule
`steer` draws an index into that preferred head,
the rule `start_again_on_a_fresh_lab` builds a new lab (its steps are a failure's step list from
then on), and the plain per-row rules stay enabled only when steering has nothing to prefer, so
Hypothesis's rule counts and replay keep their meaning.

What is covered is shared by every example of the campaign, yet an example behaves the same when
Hypothesis replays it (Hypothesis also requires that the same choices draw the same
way within a run). So an example's first choice is a key (the initialize rule `begin_example`),
and each key is given an epoch the first time an example with it runs in a round (a Hypothesis
run): the example sees the states reached before its epoch began, plus those it visited itself,
and the rows fired before then. A replay keeps the key, so it has the same epoch and the same
view; an example that draws a key drawn before takes that key's epoch (and so behaves as that one
did), and a new key begins a new epoch.
Each example thus steers away from every state the examples before it covered, including those of
the same round (Hypothesis's first example of a round, the one whose every choice is the simplest,
runs before the others). Examples are long (`ehttp.fuzz.profiles.STEPS_PER_EXAMPLE`) so that a lab
build is amortised over many steps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from ehttp.compose.world import Action, World, WorldModel
from ehttp.fuzz.coverage import Coverage, Reachable
from ehttp.fuzz.driver import Driver
from ehttp.fuzz.invariants import InvariantBroken, StateInvariant
from ehttp.fuzz.lockstep import Lockstep
from ehttp.fuzz.planner import Planner
from ehttp.fuzz.rules import RuleSpec, pick_instance
from ehttp.fuzz.steering import onward, route

__all__ = [
    "ATTACK_SPACING",
    "KEYS",
    "RANKS",
    "STEER_BURST",
    "FuzzMachine",
    "Session",
    "machine_class",
]

ATTACK_SPACING = 100
"""An example's first attack may come at once; each later one needs ATTACK_SPACING model steps
of the example since the one before. An attack is one of a campaign's lab steps, and costs more
time than a model step (a replica catching up, a copy of it, the attack's own setup and input:
`ehttp.bridge.driver.LabDriver.inject`), so the spacing keeps attacks to about one step in a hundred
of a `--steps N` budget. It counts an example's steps, not a lab's: the planner starts fresh labs
often, and a budget per lab gave each of them an attack at once (about 4 % of all steps)."""

KEYS = 2**64
"""The range an example's key is drawn from: wide, so that two examples of a round share a key (and
so an epoch) only when Hypothesis replays one of them."""

RANKS = 128
"""The range the steering rule draws each index from (taken modulo the preferred head's size);
below 128, so each index is one byte of Hypothesis's choice sequence."""

STEER_BURST = 32
"""The preferred actions one firing of the steering rule takes, each at its own drawn index, while
steering still prefers one: Hypothesis's choice of a rule costs more than a model step, so a burst
spreads that cost over many steps. The indices are a fixed-size tuple, not a list: a list spends a
choice on each "one more?" decision, and Hypothesis ends an example when its choice sequence
nears its size limit (8 KiB), so fixed bursts of one-byte indices fit about twice the steps into an
example. A failing step ends its burst (nothing after it runs)."""


@dataclass
class Session:
    """What every example of a campaign shares: the lab, its rules, the truth, the tally."""

    model: WorldModel
    rules: tuple[RuleSpec, ...]
    invariants: tuple[StateInvariant, ...]
    new_driver: Callable[[], Driver]
    attacks: tuple[str, ...]
    reachable: Reachable
    coverage: Coverage
    steering: bool
    planner: Planner | None = None
    """The global walk planner (`ehttp.fuzz.planner`) when steering uses it; None for the local
    steering of this module's docstring."""
    on_example: Callable[[], None] | None = None
    last: Lockstep | None = None
    first_epoch: dict[int, int] = field(default_factory=dict)
    """Each covered reachable state (by number), and the epoch that was current when it was first
    reached."""
    epoch: int = 0
    """The latest epoch begun (one per example key and round)."""
    views: dict[int, tuple[int, frozenset[str]]] = field(default_factory=dict)
    """This round's example keys, each with its epoch and the rule titles (rows and attacks) no
    example had fired when that epoch began."""

    def __post_init__(self) -> None:
        self._titles = {(spec.machine, spec.number): spec.title for spec in self.rules}
        self._keys = {(spec.machine, spec.number): spec.key for spec in self.rules}

    def begin_round(self) -> None:
        """A new round of Hypothesis examples (a new run, with a new choice tree): every key will
        begin a new epoch."""
        self.views.clear()

    def view(self, key: int) -> tuple[int, frozenset[str]]:
        """The epoch of an example with `key` and the rule titles unfired when it began (begun
        now if no example of this round had the key)."""
        if key not in self.views:
            self.epoch += 1
            titles = [spec.title for spec in self.rules] + [f"attack: {a}" for a in self.attacks]
            unfired = frozenset(t for t in titles if not self.coverage.rules[t])
            self.views[key] = (self.epoch, unfired)
        return self.views[key]

    def title(self, action: Action) -> str:
        """The rule title of a model action."""
        index, number = action
        return self._titles[self.model.env.machines[index].name, number]

    def key(self, action: Action) -> str:
        """The key of the per-row rule that takes a model action."""
        index, number = action
        return self._keys[self.model.env.machines[index].name, number]


class FuzzMachine(RuleBasedStateMachine):
    """The base of every generated machine: one lab in lockstep with the model."""

    session: ClassVar[Session]

    def __init__(self) -> None:
        super().__init__()
        session = self.session
        session.coverage.examples += 1
        self.epoch = 0
        self.unfired: frozenset[str] = frozenset()
        self.visited: set[int] = set()
        self.route: list[int] = []
        self.cursor = 0
        self.planned: tuple[int, ...] = ()
        self.moves = 0
        """Model steps since the example's last attack (or its start)."""
        self.attacked = False
        self.here: int = 0
        self.head: tuple[int | Action, ...] = ()
        self.fired: set[str] = set()
        self.restart = False
        self._enabled: frozenset[Action] | None = None
        self._rows: frozenset[str] | None = None
        self._applicable: tuple[str, ...] | None = None

    def begin(self, key: int) -> None:
        """Take the view of the example key `key` (module docstring) and start on a fresh lab."""
        self.epoch, self.unfired = self.session.view(key)
        self.fresh_lab()

    def fresh_lab(self, route: tuple[int, ...] = ()) -> None:
        """Start (again) on a newly built lab, in the model's initial world, and walk `route`
        from there (the planner's detour). A spent budget stops the campaign first: building
        a lab takes time, and no step would follow it."""
        session = self.session
        session.coverage.spend()
        self.lock = Lockstep(session.new_driver(), session.invariants)
        session.last = self.lock
        self.route = list(route)
        self._note(self.lock.world, moved=False)
        self.start = self.here
        with self._failing():
            self.lock.check()
        self._refresh()

    def take(self, action: Action) -> None:
        """One model action, in the lab too; then tally and rank what comes next."""
        session = self.session
        with self._failing():
            self.lock.act(action)
        self.moves += 1
        title = session.title(action)
        session.coverage.fired(title)
        self.fired.add(title)
        self._note(self.lock.world)
        self._refresh()
        session.coverage.spend()

    def allowed(self) -> frozenset[Action]:
        """The actions the plain per-row rules may take now: every enabled action while
        steering has nothing to prefer (always, without steering), else none."""
        if self.head or self.restart:
            return frozenset()
        if self._enabled is None:
            self._enabled = frozenset(self.session.model.actions(self.lock.world))
        return self._enabled

    def rows_allowed(self) -> frozenset[str]:
        """The keys of the per-row rules that may fire now (computed once per step, so every
        row rule's precondition is one set lookup)."""
        if self.head or self.restart:
            return frozenset()
        if self._rows is None:
            self._rows = frozenset(self.session.key(action) for action in self.allowed())
        return self._rows

    def take_preferred(self, rank: int) -> None:
        """Take the preferred action at index `rank` (modulo the preferred head's size): an
        action itself, or the one that leads to a preferred state."""
        wanted = self.head[rank % len(self.head)]
        if not isinstance(wanted, int):
            self.take(wanted)
            return
        model, index = self.session.model, self.session.reachable.index
        world = self.lock.world
        for action in model.actions(world):
            if index[model.canonical(model.next_state(world, action))] == wanted:
                self.take(action)
                return
        raise AssertionError(f"no enabled action leads to reachable state {wanted}")

    def may_attack(self) -> bool:
        """Within the example's attack budget, with some attack applying to the lab now."""
        spaced = not self.attacked or self.moves >= ATTACK_SPACING
        return spaced and bool(self.applicable_attacks())

    def applicable_attacks(self) -> tuple[str, ...]:
        """The attacks the lab can be given in its current state (asked once per step)."""
        if self._applicable is None:
            self._applicable = tuple(self.lock.driver.attack_names())
        return self._applicable

    def attack(self, drawn: str) -> None:
        """One attack of the catalogue: the drawn one if it applies now, else the next one in
        catalogue order that does."""
        applicable = set(self.applicable_attacks())
        names = self.session.attacks
        untried = self.unfired - self.fired if self.session.steering else frozenset()
        new = {name for name in applicable if f"attack: {name}" in untried}
        applicable = new or applicable
        start = names.index(drawn)
        name = next(
            names[(start + k) % len(names)]
            for k in range(len(names))
            if names[(start + k) % len(names)] in applicable
        )
        with self._failing():
            self.lock.attack(name)
        self.moves = 0
        self.attacked = True
        self.session.coverage.fired(f"attack: {name}")
        self.fired.add(f"attack: {name}")
        self.session.coverage.spend()

    @contextmanager
    def _failing(self) -> Iterator[None]:
        """Mark the campaign's tally failing when an invariant breaks in the block, so the budget
        does not cut Hypothesis's replay of this example short (`Coverage.failing`)."""
        try:
            yield
        except InvariantBroken:
            self.session.coverage.failing = True
            raise

    def teardown(self) -> None:
        if self.session.on_example is not None:
            self.session.on_example()

    def _note(self, world: World, moved: bool = True) -> None:
        session = self.session
        canonical = session.model.canonical(world)
        session.coverage.visit(canonical)
        number = session.reachable.index[canonical]
        if moved:
            session.coverage.moved(self.here, number)
        self.here = number
        session.first_epoch.setdefault(number, session.epoch)
        self.visited.add(number)

    def _fresh(self, number: int) -> bool:
        """Not covered before this example's epoch began, and not visited by this example."""
        first = self.session.first_epoch.get(number)
        return (first is None or first >= self.epoch) and number not in self.visited

    def _refresh(self) -> None:
        self._enabled = None
        self._rows = None
        self._applicable = None
        self.head = ()
        self.restart = False
        if not self.session.steering:
            return
        untried = self.unfired - self.fired
        if untried:
            session = self.session
            rows = tuple(
                action
                for action in session.model.actions(self.lock.world)
                if session.title(action) in untried
            )
            if rows:
                self.head = rows
                return
        if self.session.planner is not None:
            self._plan(self.session.planner)
            return
        reachable = self.session.reachable
        successors = reachable.successors[self.here]
        novel = tuple(number for number in successors if self._fresh(number))
        if novel:
            self.route.clear()
            self.head = onward(reachable.successors, reachable.component, novel, self._fresh)
            return
        if not (self.route and self.route[0] in successors):
            self.route = route(reachable.successors, self.here, self._fresh)
            if self.here != self.start:
                anew = route(reachable.successors, self.start, self._fresh)
                if anew and (not self.route or len(anew) <= len(self.route)):
                    self.route.clear()
                    self.restart = True
                    return
        if self.route:
            self.head = (self.route.pop(0),)

    def _plan(self, planner: Planner) -> None:
        """The global walk planner's choice: the detour under way, else the preferred fresh
        successors, else a new detour (from here, or on a fresh lab)."""
        if self.route and self.route[0] not in self.session.reachable.successors[self.here]:
            self.route.clear()
        if self.route:
            self.head = (self.route.pop(0),)
            return
        ahead = planner.onward(self.here, self._fresh)
        if ahead:
            self.head = ahead
            return
        detour, self.cursor = planner.detour(self.here, self._fresh, self.cursor)
        if detour is None:
            return
        if detour.fresh_lab:
            self.planned = detour.path
            self.restart = True
            return
        self.route = list(detour.path)
        self.head = (self.route.pop(0),)


def _begin_rule() -> Callable[..., None]:
    def begin_example(machine: FuzzMachine, key: int) -> None:
        machine.begin(key)

    made: Callable[..., None] = initialize(key=st.integers(0, KEYS - 1))(begin_example)
    return made


def _row_rule(spec: RuleSpec) -> Callable[..., None]:
    actions = spec.actions()
    key = spec.key

    def enabled(machine: FuzzMachine) -> bool:
        return key in machine.rows_allowed()

    if len(spec.instances) == 1:

        def fire_only(machine: FuzzMachine) -> None:
            machine.take(actions[0])

        fire_only.__name__ = spec.key
        fired: Callable[..., None] = rule()(precondition(enabled)(fire_only))
        return fired

    def fire(machine: FuzzMachine, instance: int) -> None:
        machine.take((pick_instance(spec, instance, machine.allowed()), spec.number))

    fire.__name__ = spec.key
    chosen: Callable[..., None] = rule(instance=st.sampled_from(spec.instances))(
        precondition(enabled)(fire)
    )
    return chosen


def _steer_rule() -> Callable[..., None]:
    def steering(machine: FuzzMachine) -> bool:
        return bool(machine.head)

    def steer(machine: FuzzMachine, ranks: tuple[int, ...]) -> None:
        for rank in ranks:
            if not machine.head:
                return
            machine.take_preferred(rank)

    ranks = st.tuples(*[st.integers(0, RANKS - 1)] * STEER_BURST)
    made: Callable[..., None] = rule(ranks=ranks)(precondition(steering)(steer))
    return made


def _restart_rule() -> Callable[..., None]:
    def trapped(machine: FuzzMachine) -> bool:
        return machine.restart

    def start_again_on_a_fresh_lab(machine: FuzzMachine) -> None:
        machine.fresh_lab(machine.planned)

    made: Callable[..., None] = rule()(precondition(trapped)(start_again_on_a_fresh_lab))
    return made


def _attack_rule(attacks: Sequence[str]) -> Callable[..., None]:
    def applies(machine: FuzzMachine) -> bool:
        return machine.may_attack()

    def inject_attack(machine: FuzzMachine, attack: str) -> None:
        machine.attack(attack)

    made: Callable[..., None] = rule(attack=st.sampled_from(tuple(attacks)))(
        precondition(applies)(inject_attack)
    )
    return made


def machine_class(session: Session) -> type[FuzzMachine]:
    """A `RuleBasedStateMachine` class for the session's lab."""
    body: dict[str, Any] = {"session": session, "begin_example": _begin_rule()}
    for spec in session.rules:
        body[spec.key] = _row_rule(spec)
    if session.steering:
        body["steer"] = _steer_rule()
        body["start_again_on_a_fresh_lab"] = _restart_rule()
    if session.attacks:
        body["inject_attack"] = _attack_rule(session.attacks)
    return type("LabFuzzMachine", (FuzzMachine,), body)
