"""`ehttp whatif`: what happens if the administrator does this now.

From the lab's steady state (`model/ask/steady.py`) the administrator's actions are taken in order;
then only the system's own steps run (site components, client agents, the clock), under the weak
fairness `ehttp check` assumes. Every answer is read off the generic checker's graph of that
situation, or is one of its verdicts:
- the steady outcomes (the graph's bottom strongly connected components; in this model, worlds
  with no system step left), each with a shortest path and whether it is healthy
  (`model/ask/observe.py`);
- for each change a user waits for (an HTTP site system's role certificate bound, or removed after
  a disable; a client registered or re-registered; a client's notification working again), the
  earliest and latest minute a run meets it, or "never" with the checker's lasso when some fair
  run never does (an `eventually` property);
- for each client and capability (scenarios 1 to 3, client notification, content download), the
  minutes in which it fails; "works again" is the checker's `leads-to` (failing ~> working);
- whether the CERT-3 symptom is reachable on the way and, if not, whether further administrator
  actions can reach it without toggling enhanced HTTP (both `sometimes` properties, on the lab's
  full model from the world after the actions, with and without the toggle rows).

Modeling assumption A-33: the administrator's actions are taken one after another at once, before
any system step runs (clicks in the console within one clock quantum); an action that can't be taken
at that point is an input error. The documented fault is about exactly such rapid changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ehttp.ask.actions import AdminAction, apply, parse
from ehttp.ask.assumptions import Assumption, assumption
from ehttp.ask.observe import CAPABILITIES, healthy, http_site_systems, unhealthy_because
from ehttp.ask.steady import steady_state
from ehttp.ask.steps import TimedStep, trace_steps
from ehttp.ask.timing import Timed, explore_timed, minutes
from ehttp.checker import Property, PropertyResult, check
from ehttp.compose.properties import stranded
from ehttp.compose.world import EXEC, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.machines.registration import REGISTERED_STATES, REREGISTRATION_DUE
from ehttp.machines.site import DISABLE, ENABLE

__all__ = [
    "ASSUMPTION_PHRASES",
    "Cert3",
    "Change",
    "Outcome",
    "TimelineRow",
    "WhatIf",
    "Window",
    "what_if",
]

ASSUMPTION_PHRASES: tuple[str, ...] = (
    "a client that holds identity evidence",
    "the administrator's actions are taken one after another at once",
    "a quantum of 15 minutes",
    "the 30-minute bound of the Tip applies to every queued certificate operation",
    "the certificate manager in smsexec keeps a queue of work per site system",
    "while some timer stands at its deadline only the system's own steps can happen",
    "re-registration at the policy poll goes over the channel the client already",
    "disabling enhanced HTTP before a client re-registered cancels the pending",
    "an internet client reaches a management point only through the cloud",
    "an Azure AD token is accepted only from a site onboarded to Azure AD",
    "with the site's client communication set to HTTPS only, clients don't use",
    "an smsexec restart completes within one clock quantum",
    "while smsexec is not running no reaction changes certificate work",
)
"""The sections of `specs/assumptions.md` every `whatif` answer rests on."""


@dataclass(frozen=True)
class Outcome:
    """A steady outcome: a world where no system step is left, and how to get there."""

    world: World
    healthy: bool
    because: tuple[str, ...]
    cert3: tuple[str, ...]
    """The HTTP site systems that show the CERT-3 symptom in this outcome."""
    reached: tuple[int, int]
    """Earliest and latest minute a run settles here."""
    path: tuple[TimedStep, ...]
    """A shortest path from the world after the actions."""
    cycle: int = 0
    """0 for a settled world; else the number of worlds some runs cycle among forever without
    settling (a bottom strongly connected component with more than one world), `world` the
    first of them found."""


@dataclass(frozen=True)
class Change:
    """Something a user waits for, and when it happens (minutes after the actions)."""

    subject: str
    what: str
    requirements: tuple[str, ...]
    earliest: int | None
    latest: int | None
    never: bool
    """Some fair run never gets there (the checker's `eventually` is violated)."""
    dated: bool = True
    """False when some run waits for it on a step with no deadline: `latest` is no bound then."""
    lasso: tuple[TimedStep, ...] = ()
    """When `never`: the checker's lasso from the world after the actions (its first step)."""
    loop_from: int | None = None

    @property
    def text(self) -> str:
        """The change in one line."""
        head = f"{self.subject}: {self.what}"
        if not self.dated and not self.never:
            return (
                f"{head}: eventually (earliest {self.earliest} minutes); no bound in minutes, "
                "it waits for a step the documents give no deadline"
            )
        if self.never:
            if self.earliest is None:
                return f"{head}: never"
            return f"{head}: never in some fair run (earliest {self.earliest} minutes in others)"
        if self.earliest == self.latest:
            return f"{head}: at {self.latest} minutes"
        return f"{head}: within {self.latest} minutes (earliest {self.earliest})"


@dataclass(frozen=True)
class Window:
    """When a client's capability fails, in minutes after the actions."""

    client: str
    capability: str
    requirements: tuple[str, ...]
    status: str
    """"works" (throughout), "doesn't work" (throughout), "starts" (didn't work before the
    actions, works later), "fails" (worked before the actions, fails right after, works again),
    "may fail" (works right after the actions, fails in some runs, works again), "stops" (some
    fair run never works again; with no lasso, no run does: it worked before the actions and fails
    in every world after them)."""
    first: int | None
    last: int | None
    dated: bool = True
    """False when the failure may last through a step with no deadline: `last` is no bound."""
    lasso: tuple[TimedStep, ...] = ()
    """When some fair run never works again: the checker's lasso (its first step the start)."""
    loop_from: int | None = None

    @property
    def text(self) -> str:
        """The window in one line, e.g. "dom1: client notification fails from 0 to at most 60
        minutes"."""
        head = f"{self.client}: {self.capability}"
        if self.status == "works":
            return f"{head} works throughout"
        if self.status == "doesn't work":
            return f"{head} doesn't work, before or after"
        if self.status == "stops" and not self.lasso:
            return f"{head} stops working at {self.first} minutes and never works again"
        if self.status == "stops":
            return (
                f"{head} fails from {self.first} minutes on, and in some fair run never works again"
            )
        if self.status == "starts":
            if not self.dated:
                return f"{head} starts working eventually (no bound in minutes)"
            if self.last == 0:
                return f"{head} starts working at 0 minutes"
            return f"{head} starts working within {self.last} minutes"
        verb = "fails" if self.status == "fails" else "may fail"
        if not self.dated:
            return (
                f"{head} {verb} from {self.first} minutes until a step the documents give no "
                "deadline (no bound in minutes)"
            )
        return f"{head} {verb} from {self.first} to at most {self.last} minutes"


@dataclass(frozen=True)
class TimelineRow:
    """One row of the timeline: per 15-minute slot, "fails", "maybe" or "works"."""

    subject: str
    what: str
    slots: tuple[str, ...]


@dataclass(frozen=True)
class Cert3:
    """Whether the documented fault (CERT-3) can happen, and how."""

    on_the_way: tuple[TimedStep, ...] | None
    """A shortest path to the symptom with system steps only, from the world after the actions
    (None: not reachable)."""
    without_toggle: bool | None
    """Further administrator actions other than enabling or disabling reach it (None: not asked,
    because it happens on the way)."""
    with_toggle: tuple[TimedStep, ...]
    """A shortest path to it with any further administrator actions, its first step the world
    after the actions (empty: none)."""


@dataclass(frozen=True)
class WhatIf:
    """The whole answer of `ehttp whatif`."""

    lab: Lab
    actions: tuple[AdminAction, ...]
    steady: World
    after: World
    action_steps: tuple[TimedStep, ...]
    states: int
    outcomes: tuple[Outcome, ...]
    changes: tuple[Change, ...]
    windows: tuple[Window, ...]
    cert3: Cert3
    timeline: tuple[TimelineRow, ...]
    assumptions: tuple[Assumption, ...]
    model: WorldModel
    origin: str = "steady state"
    """Where the actions start: the lab's steady state, or the world of a `--from` file."""

    @property
    def never(self) -> bool:
        """Some change never happens in some fair run, or some capability never works again."""
        return any(c.never for c in self.changes) or any(w.status == "stops" for w in self.windows)

    @property
    def fault(self) -> bool:
        """The CERT-3 symptom is reachable without further administrator actions."""
        return self.cert3.on_the_way is not None

    @property
    def verdict(self) -> str:
        """ "fault" (CERT-3 on the way), "never" (something never happens) or "answered"."""
        if self.fault:
            return "fault"
        return "never" if self.never else "answered"


def _apply_all(
    model: WorldModel, world: World, actions: tuple[AdminAction, ...]
) -> tuple[World, list[TimedStep]]:
    texts: list[TimedStep] = []
    for action in actions:
        world, steps = apply(model, world, action)
        texts.extend(steps)
    return world, texts


_NOTIFICATION_AGAIN = "client notification works again"
_NOT_ON_TIMELINE = frozenset({_NOTIFICATION_AGAIN})
"""Changes the timeline leaves out: the client's notification row shows the same minutes."""


def _goals(
    model: WorldModel, timed: Timed, steady: World
) -> list[tuple[str, str, tuple[str, ...], list[bool]]]:
    """(subject, what, requirement IDs, goal mask) for each change a user waits for."""
    env = model.env
    states = timed.states
    start = states[0]
    goals: list[tuple[str, str, tuple[str, ...], list[bool]]] = []
    for index in http_site_systems(env):
        name = env.names[index]
        bound = [env.sms_bound(w, index) for w in states]
        if env.enhanced(start):
            goals.append((name, "role certificate bound", ("CERT-1", "CERT-2"), bound))
        elif any(bound):
            goals.append((name, "role certificate removed", ("CERT-5",), [not b for b in bound]))
    if start[EXEC][0] != "running":
        goals.append(
            ("smsexec", "running again", ("CERT-4",), [w[EXEC][0] == "running" for w in states])
        )
    for index in env.clients:
        name = env.names[index]
        due = any(w[index][0] == REREGISTRATION_DUE for w in states)
        registered = [w[index][0] in REGISTERED_STATES for w in states]
        if due:
            goals.append(
                (
                    name,
                    "re-registered under enhanced HTTP",
                    ("REG-4",),
                    [w[index][0] == "registered:enhanced-http" for w in states],
                )
            )
        elif not registered[0] and any(registered):
            goals.append((name, "registered", ("REG-1", "REG-2"), registered))
        if steady[index][0] in REGISTERED_STATES and not registered[0]:
            goals.append((name, _NOTIFICATION_AGAIN, ("REG-5",), registered))
    return goals


def _outcomes(model: WorldModel, timed: Timed) -> tuple[Outcome, ...]:
    """Settled worlds, then, should the declarations ever allow it, one world for each region of
    worlds runs cycle in forever without settling (none in the current declarations)."""
    env = model.env
    count = len(timed.states)
    reverse: list[list[int]] = [[] for _ in range(count)]
    for state in range(count):
        for nxt in timed.successors(state):
            reverse[nxt].append(state)
    settles = [timed.settled(s) for s in range(count)]
    stack = [s for s in range(count) if settles[s]]
    while stack:
        for before in reverse[stack.pop()]:
            if not settles[before]:
                settles[before] = True
                stack.append(before)
    picked: list[tuple[int, int]] = [(s, 0) for s in range(count) if timed.settled(s)]
    covered = [False] * count
    for state in range(count):
        if settles[state] or covered[state]:
            continue
        region = _forward(timed, state)
        if all(state in _forward(timed, other) for other in region):
            for other in region:
                covered[other] = True
            picked.append((state, len(region)))
    found: list[Outcome] = []
    for state, cycle in picked:
        world = timed.states[state]
        times = timed.arrivals[state]
        found.append(
            Outcome(
                world=world,
                healthy=healthy(model, world),
                because=tuple(unhealthy_because(model, world)),
                cert3=tuple(
                    env.names[i] for i in http_site_systems(env) if stranded(model, world, i)
                ),
                reached=(minutes(min(times)), minutes(max(times))),
                path=tuple(timed.path_to(state)),
                cycle=cycle,
            )
        )
    return tuple(found)


def _forward(timed: Timed, start: int) -> set[int]:
    seen = {start}
    stack = [start]
    while stack:
        for nxt in timed.successors(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _cert3(model: WorldModel, timed: Timed, after: World) -> Cert3:
    env = model.env
    systems = http_site_systems(env)

    def symptom(world: World) -> bool:
        return any(stranded(model, world, i) for i in systems)

    on_the_way = next((s for s, w in enumerate(timed.states) if symptom(w)), None)
    if on_the_way is not None:
        return Cert3(tuple(timed.path_to(on_the_way)), None, ())
    if not systems or not model.option_available():
        return Cert3(None, False, ())
    prop = Property.sometimes("CERT-3 symptom", symptom, ("CERT-3",))
    quiet = WorldModel(model.lab, initial=[after], without=frozenset({ENABLE, DISABLE}))
    without = check(quiet, [prop], symmetry=False).properties[0].holds
    full = check(WorldModel(model.lab, initial=[after]), [prop], symmetry=False).properties[0]
    return Cert3(None, without, trace_steps(model, full) if full.holds else ())


def _timeline(timed: Timed, rows: list[tuple[str, str, list[bool]]]) -> tuple[TimelineRow, ...]:
    horizon = timed.horizon + 1
    occupied = [timed.occupied(q) for q in range(horizon + 1)]
    out: list[TimelineRow] = []
    for subject, what, failing in rows:
        slots: list[str] = []
        for states in occupied:
            bad = [failing[s] for s in states]
            slots.append("fails" if all(bad) else "maybe" if any(bad) else "works")
        out.append(TimelineRow(subject, what, tuple(slots)))
    return tuple(out)


def what_if(lab: Lab, texts: list[str] | tuple[str, ...], start: World | None = None) -> WhatIf:
    """Answer `ehttp whatif` for `lab` and the administrator's actions `texts` (ids or words),
    from the lab's steady state or from the world `start` (taken as given)."""
    model = WorldModel(lab)
    actions = tuple(parse(model, text) for text in texts)
    steady = steady_state(lab) if start is None else start
    after, action_steps = _apply_all(model, steady, actions)
    fair = WorldModel(lab, initial=[after], fair_only=True)
    timed = explore_timed(fair)
    env = model.env
    states = timed.states
    goals = _goals(model, timed, steady)
    asked: list[tuple[str, str, tuple[str, ...], list[bool]]] = []
    asked_before: list[bool] = []
    for index in env.clients:
        for capability in CAPABILITIES:
            mask = [capability.holds(env, w, index) for w in states]
            asked.append((env.names[index], capability.name, capability.requirements, mask))
            asked_before.append(capability.holds(env, steady, index))
    props: list[Property[World]] = []
    for number, (_s, what, reqs, mask) in enumerate(goals):
        props.append(Property.eventually(f"goal {number}: {what}", _lookup(timed, mask), reqs))
    changing = [i for i, (_c, _n, _r, mask) in enumerate(asked) if any(mask) and not all(mask)]
    for number in changing:
        _c, name, reqs, mask = asked[number]
        fails = _lookup(timed, [not m for m in mask])
        props.append(
            Property.leads_to(f"window {number}: {name}", fails, _lookup(timed, mask), reqs)
        )
    verdicts = check(fair, props, symmetry=False).properties if props else ()
    changes: list[Change] = []
    for number, (subject, what, reqs, mask) in enumerate(goals):
        result = verdicts[number]
        reach = timed.first_reach(mask)
        never = result.verdict == "violated"
        changes.append(
            Change(
                subject,
                what,
                reqs,
                None if reach is None else minutes(reach.earliest),
                None if reach is None or never else minutes(reach.latest),
                never,
                reach is not None and reach.dated,
                trace_steps(model, result) if never else (),
                result.loop_from if never else None,
            )
        )
    windows: list[Window] = []
    by_window = dict(zip(changing, verdicts[len(goals) :], strict=True))
    for number, (client, name, reqs, mask) in enumerate(asked):
        before = asked_before[number]
        windows.append(_window(timed, client, name, reqs, mask, by_window.get(number), before))
    rows = [(s, w, [not m for m in mask]) for s, w, _r, mask in goals if w not in _NOT_ON_TIMELINE]
    rows += [
        (client, name, [not m for m in mask])
        for number, (client, name, _r, mask) in enumerate(asked)
        if number in by_window
    ]
    return WhatIf(
        lab=lab,
        actions=actions,
        steady=steady,
        after=after,
        action_steps=tuple(action_steps),
        states=len(states),
        outcomes=_outcomes(model, timed),
        changes=tuple(changes),
        windows=tuple(windows),
        cert3=_cert3(model, timed, after),
        timeline=_timeline(timed, rows),
        assumptions=tuple(
            assumption(p) for p in ASSUMPTION_PHRASES if start is None or "holds identity" not in p
        ),
        model=model,
        origin="steady state" if start is None else "given state",
    )


def _lookup(timed: Timed, mask: list[bool]) -> Callable[[World], bool]:
    index = timed.graph.index

    def holds(world: World) -> bool:
        return mask[index[world]]

    return holds


def _window(
    timed: Timed,
    client: str,
    name: str,
    reqs: tuple[str, ...],
    mask: list[bool],
    result: PropertyResult[World] | None,
    before: bool,
) -> Window:
    if result is None and mask[0] == before:
        return Window(client, name, reqs, "works" if mask[0] else "doesn't work", None, None)
    if result is None and mask[0]:
        return Window(client, name, reqs, "starts", None, 0)
    if result is None:
        return Window(client, name, reqs, "stops", 0, None, False)
    failing = [t for s, times in enumerate(timed.arrivals) if not mask[s] for t in times]
    first, last = minutes(min(failing)), minutes(max(failing))
    assert result is not None
    if result.verdict == "violated":
        lasso = trace_steps(timed.model, result)
        return Window(client, name, reqs, "stops", first, None, False, lasso, result.loop_from)
    dated = all(timed.timer_runs(s) or timed.settled(s) for s in range(len(mask)) if not mask[s])
    status = "may fail" if mask[0] else "fails" if before else "starts"
    return Window(client, name, reqs, status, first, last, dated)
