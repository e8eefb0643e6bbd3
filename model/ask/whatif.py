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
- whether the CERT-3 symptom is reachable on the way, in every run (the checker's `eventually`) or
  in some, and, if in none, whether further administrator actions can reach it without toggling
  enhanced HTTP (both `sometimes` properties, on the lab's full model from the worlds right after
  the last action, with and without the toggle rows).

The administrator's actions and the site's steps between them are a script
(`model/ask/whatif_script.py`, Modeling assumption A-33): quick clicks let the site's own steps
run between them with no clock quantum passing; `--wait` lets quanta pass; `--at-once` lets none
run. Minutes count from the first action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ehttp.ask.actions import ActionError, AdminAction, parse
from ehttp.ask.assumptions import Assumption, assumption
from ehttp.ask.observe import CAPABILITIES, healthy, http_site_systems, unhealthy_because
from ehttp.ask.steps import TimedStep, trace_steps
from ehttp.ask.timing import Timed, explore_script, minutes
from ehttp.ask.whatif_script import Script, Scripted
from ehttp.ask.whatif_start import named_start
from ehttp.checker import Property, PropertyResult, check
from ehttp.compose.properties import stranded
from ehttp.compose.world import EXEC, HISTORY, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.machines.registration import (
    REGISTERED_STATES,
    REREGISTRATION_DUE,
    REREGISTRATION_STRANDED,
)
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
    "consecutive actions are a person clicking quickly in the console",
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
    "enabling enhanced HTTP makes every registered client due to re-register",
    "it is stranded, its notifications failing, from the moment HTTPS only is selected",
)
"""The sections of `specs/assumptions.md` every `whatif` answer rests on."""

_WAITING = frozenset({REREGISTRATION_DUE, REREGISTRATION_STRANDED})
"""A client due to re-register, or stranded by HTTPS only while due (A-47, A-48)."""
_REREGISTERED = frozenset({"registered:enhanced-http", "registered:pki"})
"""Where a policy poll under enhanced HTTP re-registers a client (A-47)."""


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
    """A shortest path from the start, the administrator's actions included."""
    cycle: int = 0
    """0 for a settled world; else the number of worlds some runs cycle among forever without
    settling (a bottom strongly connected component with more than one world), `world` the
    first of them found."""
    every: bool = False
    """Every fair run ends here (it is the only outcome)."""


@dataclass(frozen=True)
class Change:
    """Something a user waits for once every action is taken, and when it happens (minutes
    after the first action)."""

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
    """When `never`: the checker's lasso from the start (its first step)."""
    loop_from: int | None = None

    @property
    def runs(self) -> str:
        """In how many fair runs it happens: "every", "some" or "none"."""
        if self.earliest is None:
            return "none"
        return "some" if self.never else "every"

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
    """When a client's capability fails, in minutes after the first action."""

    client: str
    capability: str
    requirements: tuple[str, ...]
    status: str
    """"may start" (didn't work before the actions; some fair runs get it working, others never
    do), "works" (throughout), "doesn't work" (throughout), "starts" (didn't work before the
    actions, works later), "fails" (worked before the actions, fails at some point in
    every run, works again), "may fail" (worked before, fails in some runs only, works again),
    "stops" (some fair run never works again; with no lasso, no run does: it worked before the
    actions and fails in every world once they are all taken)."""
    first: int | None
    last: int | None
    dated: bool = True
    """False when the failure may last through a step with no deadline: `last` is no bound."""
    lasso: tuple[TimedStep, ...] = ()
    """When some fair run never works again: the checker's lasso (its first step the start)."""
    loop_from: int | None = None

    @property
    def runs(self) -> str:
        """In how many fair runs it fails at some point after the first action: "every",
        "some" or "none"."""
        if self.status == "works":
            return "none"
        if self.status == "may fail" or (self.status == "stops" and self.lasso):
            return "some"
        return "every"

    @property
    def text(self) -> str:
        """The window in one line, in how many runs included, e.g. "dom1: client notification
        fails in every run, from 0 to at most 60 minutes"."""
        head = f"{self.client}: {self.capability}"
        if self.status == "works":
            return f"{head} works throughout"
        if self.status == "doesn't work":
            return f"{head} doesn't work, before or after"
        if self.status == "stops" and not self.lasso:
            return (
                f"{head} stops working at {self.first} minutes and never works again, in every run"
            )
        if self.status == "may start":
            return f"{head} starts working in some runs only; in some fair run it never does"
        if self.status == "stops":
            return (
                f"{head} fails in some runs from {self.first} minutes on and never works again "
                "there"
            )
        if self.status == "starts":
            if not self.dated:
                return f"{head} starts working eventually in every run (no bound in minutes)"
            if self.last == 0:
                return f"{head} starts working at 0 minutes in every run"
            return f"{head} starts working within {self.last} minutes in every run"
        runs = "in every run" if self.status == "fails" else "in some runs"
        if not self.dated:
            return (
                f"{head} fails {runs}, from {self.first} minutes until a step the documents give "
                "no deadline (no bound in minutes)"
            )
        return f"{head} fails {runs}, from {self.first} to at most {self.last} minutes"


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
    """A shortest path to the symptom from the start, the administrator's actions and the
    site's steps between them included (None: no run reaches it)."""
    without_toggle: bool | None
    """Further administrator actions other than enabling or disabling reach it (None: not asked,
    because it happens on the way)."""
    with_toggle: tuple[TimedStep, ...]
    """A shortest path to it with any further administrator actions, its first step the world
    after the actions (empty: none)."""
    every: bool = False
    """When on the way: every fair run reaches it (else only some runs do)."""

    @property
    def runs(self) -> str:
        """In how many runs of the answer the symptom shows: "every", "some" or "none"."""
        if self.on_the_way is None:
            return "none"
        return "every" if self.every else "some"


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
    chosen: str | None = None
    """Why the start was chosen for the first action (`--start auto`), or None."""
    waits: tuple[int, ...] = ()
    """Minutes the administrator waits between action k and k+1."""
    at_once: bool = False
    """The actions were taken with no step of the site between them (`--at-once`)."""
    after_worlds: tuple[World, ...] = ()
    """Every world some run is in right after the last action, `after` first."""
    skipped: tuple[str, ...] = ()
    """Actions whose click, in some runs, found nothing to act on (a site step got there first)."""

    @property
    def never(self) -> bool:
        """Some change never happens in some fair run, or some capability never works again."""
        return any(c.never for c in self.changes) or any(w.status == "stops" for w in self.windows)

    @property
    def fault(self) -> bool:
        """The CERT-3 symptom is possible without further administrator actions (in some run)."""
        return self.cert3.on_the_way is not None

    @property
    def verdict(self) -> str:
        """ "fault" (CERT-3 on the way), "never" (something never happens) or "answered"."""
        if self.fault:
            return "fault"
        return "never" if self.never else "answered"


_NOTIFICATION_AGAIN = "client notification works again"
_NOT_ON_TIMELINE = frozenset({_NOTIFICATION_AGAIN})
"""Changes the timeline leaves out: the client's notification row shows the same minutes."""


def _goals(
    model: WorldModel, timed: Timed, after: tuple[int, ...]
) -> list[tuple[str, str, tuple[str, ...], list[bool]]]:
    """(subject, what, requirement IDs, goal mask) for each change a user waits for; a goal is
    met only once every action is taken."""
    env = model.env
    states = timed.states
    done = [timed.done(s) for s in range(len(states))]
    steady = states[0]
    first = states[after[0]]
    goals: list[tuple[str, str, tuple[str, ...], list[bool]]] = []

    def once_done(mask: list[bool]) -> list[bool]:
        return [d and m for d, m in zip(done, mask, strict=True)]

    for index in http_site_systems(env):
        name = env.names[index]
        bound = [env.sms_bound(w, index) for w in states]
        if env.enhanced(first):
            goals.append((name, "role certificate bound", ("CERT-1", "CERT-2"), once_done(bound)))
        elif any(bound):
            removed = once_done([not b for b in bound])
            goals.append((name, "role certificate removed", ("CERT-5",), removed))
    if any(states[s][EXEC][0] != "running" for s in after):
        running = once_done([w[EXEC][0] == "running" for w in states])
        goals.append(("smsexec", "running again", ("CERT-4",), running))
    finished = [s for s, d in enumerate(done) if d]
    for index in env.clients:
        name = env.names[index]
        due = any(states[s][index][0] in _WAITING for s in finished)
        registered = [w[index][0] in REGISTERED_STATES for w in states]
        registers = any(
            not registered[s] and any(registered[t] for t in timed.successors(s)) for s in finished
        )
        if due:
            goals.append(
                (
                    name,
                    "re-registered under enhanced HTTP",
                    ("REG-4",),
                    once_done([w[index][0] in _REREGISTERED for w in states]),
                )
            )
        elif registers:
            goals.append((name, "registered", ("REG-1", "REG-2"), once_done(registered)))
        if steady[index][0] in REGISTERED_STATES and not all(registered[s] for s in finished):
            goals.append((name, _NOTIFICATION_AGAIN, ("REG-5",), once_done(registered)))
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
    merged: dict[World, tuple[int, int, int, set[int]]] = {}
    for state, cycle in picked:
        # Worlds that differ only in the toggle history (an observer) look alike to a user.
        key = (*timed.states[state][:HISTORY], ("", -1), *timed.states[state][HISTORY + 1 :])
        if key in merged:
            merged[key][3].update(timed.arrivals[state])
        else:
            merged[key] = (state, cycle, len(merged), set(timed.arrivals[state]))
    found: list[Outcome] = []
    for state, cycle, _order, times in merged.values():
        world = timed.states[state]
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
                every=len(merged) == 1,
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


def _cert3(model: WorldModel, timed: Timed, after: tuple[World, ...]) -> Cert3:
    env = model.env
    systems = http_site_systems(env)

    def symptom(world: World) -> bool:
        return any(stranded(model, world, i) for i in systems)

    mask = [symptom(w) for w in timed.states]
    on_the_way = next((s for s, hit in enumerate(mask) if hit), None)
    if on_the_way is not None:
        everywhere = Property.eventually("CERT-3 in every run", _lookup(timed, mask), ("CERT-3",))
        every = check(timed.model, [everywhere], symmetry=False).properties[0].holds
        return Cert3(tuple(timed.path_to(on_the_way)), None, (), every)
    if not systems or not model.option_available():
        return Cert3(None, False, ())
    prop = Property.sometimes("CERT-3 symptom", symptom, ("CERT-3",))
    quiet = WorldModel(model.lab, initial=list(after), without=frozenset({ENABLE, DISABLE}))
    without = check(quiet, [prop], symmetry=False).properties[0].holds
    full = check(WorldModel(model.lab, initial=list(after)), [prop], symmetry=False).properties[0]
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


def what_if(
    lab: Lab,
    texts: list[str] | tuple[str, ...],
    start: World | None = None,
    *,
    waits: tuple[int, ...] | None = None,
    at_once: bool = False,
    named: str = "steady",
) -> WhatIf:
    """Answer `ehttp whatif` for `lab` and the administrator's actions `texts` (ids or words),
    from the lab's steady state or from the world `start` (taken as given), with `waits[k]`
    minutes between action k and k+1 (none by default: clicks in quick succession, A-33) or,
    `at_once`, with no step of the site between them. `named`: when `start` is None, the start
    `model/ask/whatif_start.py` names ("steady", "auto", "enhanced-off", "enhanced-on")."""
    model = WorldModel(lab)
    actions = tuple(parse(model, text) for text in texts)
    chosen = None
    if start is None:
        steady, origin, chosen = named_start(lab, named, actions[0] if actions else None)
    else:
        steady, origin = start, "given state"
    gaps = waits if waits is not None else (0,) * max(len(actions) - 1, 0)
    script = Script(lab, steady, actions, gaps, at_once=at_once)
    timed = explore_script(script)
    for node in timed.graph.states:
        refused = script.refused(node)
        if refused is not None:
            raise ActionError(refused)
    skipped = _skipped(timed, len(actions))
    after = _after(timed, len(actions))
    env = model.env
    states = timed.states
    goals = _goals(model, timed, after)
    asked: list[tuple[str, str, tuple[str, ...], list[bool]]] = []
    for index in env.clients:
        for capability in CAPABILITIES:
            mask = [capability.holds(env, w, index) for w in states]
            asked.append((env.names[index], capability.name, capability.requirements, mask))
    props: list[Property[Scripted]] = []
    for number, (_s, what, reqs, mask) in enumerate(goals):
        props.append(Property.eventually(f"goal {number}: {what}", _lookup(timed, mask), reqs))
    finished = [s for s in range(len(states)) if timed.done(s)]
    changing = [
        i
        for i, (_c, _n, _r, mask) in enumerate(asked)
        if len({mask[0], *(mask[s] for s in finished)}) > 1
    ]
    for number in changing:
        _c, name, reqs, mask = asked[number]
        fails = _lookup(timed, [not m for m in mask])
        props.append(
            Property.leads_to(f"window {number}: {name}", fails, _lookup(timed, mask), reqs)
        )
    for number in changing:
        _c, name, reqs, mask = asked[number]
        props.append(
            Property.eventually(f"fails {number}: {name}", _lookup(timed, [not m for m in mask]))
        )
    verdicts = check(script, props, symmetry=False).properties if props else ()
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
                script.trace(result) if never else (),
                result.loop_from if never else None,
            )
        )
    windows: list[Window] = []
    count = len(changing)
    by_window = dict(zip(changing, verdicts[len(goals) : len(goals) + count], strict=True))
    every_run = dict(zip(changing, verdicts[len(goals) + count :], strict=True))
    for number, (client, name, reqs, mask) in enumerate(asked):
        window = _window(timed, client, name, reqs, mask, by_window.get(number))
        if window.status == "may fail" and every_run[number].holds:
            window = replace(window, status="fails")
        windows.append(window)
    rows = [(s, w, [not m for m in mask]) for s, w, _r, mask in goals if w not in _NOT_ON_TIMELINE]
    rows += [
        (client, name, [not m for m in mask])
        for number, (client, name, _r, mask) in enumerate(asked)
        if number in by_window
    ]
    after_worlds = tuple(dict.fromkeys(states[s] for s in after))
    return WhatIf(
        lab=lab,
        actions=actions,
        steady=steady,
        after=after_worlds[0],
        action_steps=tuple(timed.path_to(after[0])),
        states=len(states),
        outcomes=_outcomes(model, timed),
        changes=tuple(changes),
        windows=tuple(windows),
        cert3=_cert3(model, timed, after_worlds),
        timeline=_timeline(timed, rows),
        assumptions=tuple(
            assumption(p) for p in ASSUMPTION_PHRASES if start is None or "holds identity" not in p
        ),
        model=model,
        origin=origin,
        chosen=chosen,
        waits=tuple(gaps),
        at_once=at_once,
        skipped=tuple(actions[k].text for k in sorted(skipped)),
        after_worlds=after_worlds,
    )


def _skipped(timed: Timed, count: int) -> set[int]:
    """The actions some run's click found nothing to act on; an input error when no run takes
    one of them."""
    graph = timed.graph
    assert graph.labels is not None
    taken: set[int] = set()
    skipped: dict[int, int] = {}
    for state, labels in enumerate(graph.labels):
        for label in labels:
            move = graph.actions[label]
            if move.kind == "admin":
                taken.add(move.number)
            elif move.kind == "skip":
                skipped.setdefault(move.number, state)
    for number in range(count):
        if number not in taken:
            raise ActionError(timed.model.refusal(graph.states[skipped[number]]))
    return set(skipped)


def _after(timed: Timed, count: int) -> tuple[int, ...]:
    """The states right after the last action (the start when there is none), first found
    first."""
    if count == 0:
        return (0,)
    graph = timed.graph
    assert graph.labels is not None
    found: dict[int, None] = {}
    for state, labels in enumerate(graph.labels):
        for k, label in enumerate(labels):
            move = graph.actions[label]
            if move.kind in {"admin", "skip"} and move.number == count - 1:
                found[timed.successors(state)[k]] = None
    return tuple(sorted(found))


def _lookup(timed: Timed, mask: list[bool]) -> Callable[[Scripted], bool]:
    index = timed.graph.index

    def holds(state: Scripted) -> bool:
        return mask[index[state]]

    return holds


def _window(
    timed: Timed,
    client: str,
    name: str,
    reqs: tuple[str, ...],
    mask: list[bool],
    result: PropertyResult[Scripted] | None,
) -> Window:
    """The window of one client's capability; "may fail" until the caller knows whether every
    run fails at some point ("fails")."""
    before = mask[0]
    if result is None:
        return Window(client, name, reqs, "works" if before else "doesn't work", None, None)
    failing = [t for s, times in enumerate(timed.arrivals) if not mask[s] for t in times]
    first, last = minutes(min(failing)), minutes(max(failing))
    done = [s for s in range(len(mask)) if timed.done(s)]
    if before and not any(mask[s] for s in done):
        return Window(client, name, reqs, "stops", first, None, False)
    if result.verdict == "violated":
        lasso = timed.model.trace(result)
        status = "stops" if before else "may start"
        return Window(client, name, reqs, status, first, None, False, lasso, result.loop_from)
    dated = all(timed.bounded(s) for s in range(len(mask)) if not mask[s])
    if not before:
        return Window(client, name, reqs, "starts", first, last, dated)
    return Window(client, name, reqs, "may fail", first, last, dated)
