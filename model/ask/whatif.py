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

from dataclasses import replace

from ehttp.ask.actions import ActionError, parse
from ehttp.ask.assumptions import assumption
from ehttp.ask.observe import CAPABILITIES
from ehttp.ask.timing import explore_script, minutes
from ehttp.ask.whatif_answer import Change, WhatIf, Window
from ehttp.ask.whatif_graph import (
    NOT_ON_TIMELINE,
    capability_window,
    lookup,
    skipped_actions,
    states_after,
    timeline_rows,
    user_goals,
)
from ehttp.ask.whatif_outcomes import cert3_answer, steady_outcomes
from ehttp.ask.whatif_script import Script, Scripted
from ehttp.ask.whatif_start import named_start
from ehttp.checker import Property, check
from ehttp.compose.world import World, WorldModel
from ehttp.config.schema import Lab

__all__ = ["ASSUMPTION_PHRASES", "what_if"]

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
    skipped = skipped_actions(timed, len(actions))
    after = states_after(timed, len(actions))
    env = model.env
    states = timed.states
    goals = user_goals(model, timed, after)
    asked: list[tuple[str, str, tuple[str, ...], list[bool]]] = []
    before: list[str] = []
    for index in env.clients:
        for capability in CAPABILITIES:
            mask = [capability.holds(env, w, index) for w in states]
            asked.append((env.names[index], capability.name, capability.requirements, mask))
            before.append(capability.decide(env, states[0], index).word)
    props: list[Property[Scripted]] = []
    for number, (_s, what, reqs, mask) in enumerate(goals):
        props.append(Property.eventually(f"goal {number}: {what}", lookup(timed, mask), reqs))
    finished = [s for s in range(len(states)) if timed.done(s)]
    changing = [
        i
        for i, (_c, _n, _r, mask) in enumerate(asked)
        if len({mask[0], *(mask[s] for s in finished)}) > 1
    ]
    for number in changing:
        _c, name, reqs, mask = asked[number]
        fails = lookup(timed, [not m for m in mask])
        props.append(
            Property.leads_to(f"window {number}: {name}", fails, lookup(timed, mask), reqs)
        )
    for number in changing:
        _c, name, reqs, mask = asked[number]
        props.append(
            Property.eventually(f"fails {number}: {name}", lookup(timed, [not m for m in mask]))
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
        window = capability_window(timed, client, name, reqs, mask, by_window.get(number))
        if window.status == "may fail" and every_run[number].holds:
            window = replace(window, status="fails")
        windows.append(replace(window, before=before[number]))
    rows = [(s, w, [not m for m in mask]) for s, w, _r, mask in goals if w not in NOT_ON_TIMELINE]
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
        outcomes=steady_outcomes(model, timed),
        changes=tuple(changes),
        windows=tuple(windows),
        cert3=cert3_answer(model, timed, after_worlds),
        timeline=timeline_rows(timed, rows),
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
