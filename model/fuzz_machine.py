"""The Hypothesis `RuleBasedStateMachine` of a lab, generated from the declarations.

Issue 5: one rule per declared local row (`model.fuzz_rules`), whose precondition is the row's
guard as the model evaluates it on the current world, plus an attack rule that injects any case
of the attack catalogue at any moment (the drawn case, or the next one that applies to the lab in
its current state). Every step runs through `model.fuzz_lockstep.Lockstep`,
which checks the invariants after it.

Deep-state steering, when a session asks for it (plain random walks stall short of states such as
CERT-3):
- novelty preconditions: while some enabled action leads to a state that is neither among the
  states the campaign had reached when the round began nor already visited in this example (or
  belongs to a rule not fired before the round), only rules that can take such an action are
  enabled; when none does, the example follows a shortest route (breadth-first, bounded) to the
  nearest such state;
- seeding: each example may start by replaying the checker's shortest trace to a reachable state
  the campaign had not covered when the round began;
- `hypothesis.target` on the number of states each example found new, so Hypothesis mutates the
  examples that discover most;
- swarm testing: Hypothesis's rule selection already turns a random subset of rules off for each
  example (its feature flags), so no second swarm layer is added.
Everything steering reads is frozen for the length of a round, so an example behaves the same
when Hypothesis replays or shrinks it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis import target
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from model.fuzz_coverage import Coverage, Reachable
from model.fuzz_driver import Driver
from model.fuzz_invariants import StateInvariant
from model.fuzz_lockstep import Lockstep
from model.fuzz_rules import RuleSpec, pick_instance
from model.world import Action, World, WorldModel

__all__ = ["ATTACK_SPACING", "ROUTE_LIMIT", "Session", "machine_class"]

ATTACK_SPACING = 20
"""Model steps an example takes per attack: the k-th attack of an example needs (k-1) times this
many steps before it. An attack runs on a replica that replays the lab's whole history, so
unbudgeted attacks (one rule among the few enabled) would take most of a campaign's time; with the
budget the first can still come at once, and any can come at any moment."""

ROUTE_LIMIT = 600
"""How many worlds a route search may look at before the example gives up steering."""

NOVEL_LABEL = "states new to the campaign"


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
    on_example: Callable[[], None] | None = None
    known: frozenset[World] = frozenset()
    unfired: frozenset[tuple[str, int]] = frozenset()
    targets: tuple[int, ...] = ()
    last: Lockstep | None = None
    traces: dict[int, tuple[Action, ...]] = field(default_factory=dict)

    def begin_round(self) -> None:
        """Freeze what steering reads for the next round: states reached, states not yet,
        rules not yet fired."""
        self.known = frozenset(self.coverage.reached)
        self.unfired = frozenset(
            (spec.machine, spec.number)
            for spec in self.rules
            if not self.coverage.rules[spec.title]
        )
        if self.steering:
            self.targets = tuple(
                number
                for number, world in enumerate(self.reachable.states)
                if world not in self.known
            )

    def title(self, action: Action) -> str:
        """The rule title of a model action."""
        index, number = action
        return self._titles[self.model.env.machines[index].name, number]

    def __post_init__(self) -> None:
        self._titles = {(spec.machine, spec.number): spec.title for spec in self.rules}

    def trace_to(self, number: int) -> tuple[Action, ...]:
        """The checker's shortest concrete trace to reachable state `number` (memoised)."""
        found = self.traces.get(number)
        if found is None:
            found = self.traces[number] = self.reachable.shortest_trace(number)
        return found


class FuzzMachine(RuleBasedStateMachine):
    """The base of every generated machine: one lab in lockstep with the model."""

    session: ClassVar[Session]

    def __init__(self) -> None:
        super().__init__()
        session = self.session
        session.coverage.examples += 1
        self.lock = Lockstep(session.new_driver(), session.invariants)
        session.last = self.lock
        self.visited: set[World] = set()
        self.novel = 0
        self.route: list[Action] = []
        self.allowed: frozenset[Action] = frozenset()
        self._applicable: tuple[str, ...] | None = None
        self.attacks = 0
        self._note(self.lock.world)
        self.lock.check()
        self._refresh()

    def take(self, action: Action) -> None:
        """One model action, in the lab too; then tally and recompute what is allowed."""
        session = self.session
        if self.route and self.route[0] == action:
            self.route.pop(0)
        else:
            self.route.clear()
        world = self.lock.act(action)
        session.coverage.fired(session.title(action))
        self._note(world)
        self._refresh()

    def may_attack(self) -> bool:
        """Within the example's attack budget, with some attack applying to the lab now."""
        moves = len(self.lock.steps) - self.attacks
        return self.attacks * ATTACK_SPACING <= moves and bool(self.applicable_attacks())

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
        start = names.index(drawn)
        name = next(
            names[(start + k) % len(names)]
            for k in range(len(names))
            if names[(start + k) % len(names)] in applicable
        )
        self.lock.attack(name)
        self.attacks += 1
        self.session.coverage.fired(f"attack: {name}")

    def seed_trace(self, choice: int) -> None:
        """Replay the checker's shortest trace to the round's uncovered state number `choice`-1
        (0: start from the initial world)."""
        if choice == 0:
            return
        for action in self.session.trace_to(self.session.targets[choice - 1]):
            self.take(action)

    def teardown(self) -> None:
        if self.session.steering:
            target(float(self.novel), label=NOVEL_LABEL)
        if self.session.on_example is not None:
            self.session.on_example()

    def _note(self, world: World) -> None:
        canonical = self.session.model.canonical(world)
        self.session.coverage.visit(canonical)
        if self._fresh(canonical):
            self.novel += 1
        self.visited.add(canonical)

    def _fresh(self, canonical: World) -> bool:
        return canonical not in self.session.known and canonical not in self.visited

    def _refresh(self) -> None:
        model = self.session.model
        world = self.lock.world
        self._applicable = None
        enabled = tuple(model.actions(world))
        if not self.session.steering:
            self.allowed = frozenset(enabled)
            return
        if self.route and self.route[0] in enabled:
            self.allowed = frozenset(self.route[:1])
            return
        self.route.clear()
        machines = model.env.machines
        unfired = self.session.unfired
        novel = frozenset(
            a
            for a in enabled
            if (machines[a[0]].name, a[1]) in unfired
            or self._fresh(model.canonical(model.next_state(world, a)))
        )
        if novel:
            self.allowed = novel
            return
        self.route = self._route(world)
        self.allowed = frozenset(self.route[:1]) if self.route else frozenset(enabled)

    def _route(self, start: World) -> list[Action]:
        """A shortest path to the nearest fresh state, looking at no more than ROUTE_LIMIT."""
        model = self.session.model
        seen = {model.canonical(start)}
        queue: deque[tuple[World, tuple[Action, ...]]] = deque([(start, ())])
        while queue and len(seen) < ROUTE_LIMIT:
            world, path = queue.popleft()
            for action in model.actions(world):
                after = model.next_state(world, action)
                canonical = model.canonical(after)
                if canonical in seen:
                    continue
                if self._fresh(canonical):
                    return [*path, action]
                seen.add(canonical)
                queue.append((after, (*path, action)))
        return []


def _row_rule(spec: RuleSpec) -> Callable[..., None]:
    actions = spec.actions()

    def enabled(machine: FuzzMachine) -> bool:
        allowed = machine.allowed
        return any(action in allowed for action in actions)

    if len(spec.instances) == 1:

        def fire_only(machine: FuzzMachine) -> None:
            machine.take(actions[0])

        fire_only.__name__ = spec.key
        fired: Callable[..., None] = rule()(precondition(enabled)(fire_only))
        return fired

    def fire(machine: FuzzMachine, instance: int) -> None:
        machine.take((pick_instance(spec, instance, machine.allowed), spec.number))

    fire.__name__ = spec.key
    chosen: Callable[..., None] = rule(instance=st.sampled_from(spec.instances))(
        precondition(enabled)(fire)
    )
    return chosen


def _attack_rule(attacks: Sequence[str]) -> Callable[..., None]:
    def applies(machine: FuzzMachine) -> bool:
        return machine.may_attack()

    def inject_attack(machine: FuzzMachine, attack: str) -> None:
        machine.attack(attack)

    made: Callable[..., None] = rule(attack=st.sampled_from(tuple(attacks)))(
        precondition(applies)(inject_attack)
    )
    return made


def _seed_rule(targets: int) -> Callable[..., None]:
    def seed_from_checker_trace(machine: FuzzMachine, choice: int) -> None:
        machine.seed_trace(choice)

    made: Callable[..., None] = initialize(choice=st.integers(0, targets))(seed_from_checker_trace)
    return made


def machine_class(session: Session) -> type[FuzzMachine]:
    """A `RuleBasedStateMachine` class for the session's lab, frozen for one round."""
    body: dict[str, Any] = {"session": session}
    for spec in session.rules:
        body[spec.key] = _row_rule(spec)
    if session.attacks:
        body["inject_attack"] = _attack_rule(session.attacks)
    if session.steering and session.targets:
        body["seed_from_checker_trace"] = _seed_rule(len(session.targets))
    return type("LabFuzzMachine", (FuzzMachine,), body)
