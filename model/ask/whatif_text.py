"""`ehttp whatif`'s answer as users read it: text with a timeline, and JSON with the same facts."""

from __future__ import annotations

from typing import Any

from ehttp.ask.steps import TimedStep, lasso_lines, step_json
from ehttp.ask.timeline import GLYPHS, gantt, svg
from ehttp.ask.whatif_answer import Change, Outcome, WhatIf, Window
from ehttp.compose.world import World, WorldModel
from ehttp.machines.clock import QUANTUM_MINUTES

__all__ = ["MINUTES_NOTE", "describe_world", "render_svg", "render_text", "summary", "to_json"]

_CERT3 = "CERT-3 (no SMS-Issuing certificate bound to any IIS website)"


def describe_world(model: WorldModel, world: World) -> str:
    """A world in one line: every instance's state, the clock and the toggle history left out."""
    parts = []
    for name, value in model.state_to_json(world).items():
        if name == "toggle-history":
            continue
        if isinstance(value, dict):
            timer = value.get("minutes")
            value = value["state"] if timer is None else f"{value['state']} ({timer} min)"
        parts.append(f"{name} {value}")
    return "; ".join(parts)


def _worlds(count: int) -> str:
    return f"{count:,} world" + ("" if count == 1 else "s")


def _rows(answer: WhatIf) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(r.subject, r.what, r.slots) for r in answer.timeline]


def _outcome_lines(number: int, outcome: Outcome, model: WorldModel) -> list[str]:
    verdict = "healthy" if outcome.healthy else "NOT healthy: " + "; ".join(outcome.because)
    low, high = outcome.reached
    when = f"at {low} minutes" if low == high else f"between {low} and {high} minutes"
    where = (
        f"runs settle here {when}"
        if not outcome.cycle
        else f"runs cycle among {outcome.cycle} worlds forever from here, reached {when}"
    )
    runs = "every run ends here" if outcome.every else "some runs end here"
    lines = [f"  {number}. {verdict}; {runs}; {where}"]
    lines.append(f"     {describe_world(model, outcome.world)}")
    if outcome.path:
        lines.append("     shortest path:")
        lines.extend(f"       [{s.minutes:>3} min] {_who(s)}{s.text}" for s in outcome.path)
    else:
        lines.append("     (no system step follows the actions)")
    return lines


_VERBS: dict[str, str] = {
    "role certificate bound": "{}'s role certificate is bound",
    "role certificate removed": "{}'s role certificate is removed",
    "running again": "{} runs again",
    "re-registered under enhanced HTTP": "{} re-registers under enhanced HTTP",
    "registered": "{} registers",
    "client notification works again": "client notification to {} works again",
}
_RUNS = {"every": "in every run", "some": "in some runs", "none": "in no run"}
_CURE = (
    "the seed's cure: delete all certificates issued by SMS Issuing from the SMS store, then "
    "restart smsexec (--do delete-sms-issuing-certs --do restart-smsexec)"
)
MINUTES_NOTE = (
    "minutes count from the first action on the model's clock, which steps 15 minutes at a "
    'time; "earliest" is the soonest any run gets there, "within N" the latest any run '
    "does (the documents' bounds: 30 minutes for certificate work, 60 for the policy cycle)"
)


def _when(change: Change) -> str:
    if change.never:
        return "in some runs but never in others" if change.earliest is not None else "in no run"
    if not change.dated:
        return "eventually (the documents give no bound in minutes)"
    if change.earliest == change.latest:
        return f"at {change.latest} minutes"
    return f"within {change.latest} minutes"


def _meanwhile(window: Window) -> tuple[str, str] | None:
    """What a window says in the summary, as (singular, plural) verb phrases; None: nothing."""
    if window.status in {"fails", "may fail"}:
        bound = f"for up to {window.last} minutes" if window.dated else "for a while with no bound"
        runs = "in every run" if window.status == "fails" else "in some runs"
        return f"fails {bound} ({runs})", f"fail {bound} ({runs})"
    if window.status == "stops":
        runs = "in some runs" if window.lasso else "in every run"
        return (
            f"stops working until the administrator acts ({runs})",
            f"stop working until the administrator acts ({runs})",
        )
    if window.status == "starts":
        when = f"within {window.last} minutes" if window.dated else "eventually"
        return f"starts working {when}", f"start working {when}"
    if window.status == "may start":
        return "starts working in some runs only", "start working in some runs only"
    return None


def summary(answer: WhatIf) -> list[str]:
    """Two or three sentences in the administrator's words: what happens and by when, what fails
    meanwhile, whether the documented fault can happen and its cure."""
    shown = [c for c in answer.changes if c.what in _VERBS]
    if shown:
        parts = [f"{_VERBS[c.what].format(c.subject)} {_when(c)}" for c in shown]
        first = f"After the actions, {'; '.join(parts)}."
    else:
        first = "Nothing an administrator waits for changes."
    groups: dict[tuple[str, str, str], list[str]] = {}
    for window in answer.windows:
        verb = _meanwhile(window)
        if verb is not None:
            groups.setdefault((window.client, *verb), []).append(window.capability)
    meanwhile = []
    for (client, one, many), capabilities in groups.items():
        names = capabilities[0]
        if len(capabilities) > 1:
            names = f"{', '.join(capabilities[:-1])} and {capabilities[-1]}"
        meanwhile.append(f"{client}'s {names} {one if len(capabilities) == 1 else many}")
    second = (
        f"Meanwhile {'; '.join(meanwhile)}."
        if meanwhile
        else "No client loses anything it could do meanwhile."
    )
    cert3 = answer.cert3
    if cert3.on_the_way is not None:
        may = "will happen in every run" if cert3.every else "may happen (in some runs)"
        third = (
            f"The documented fault {may}: a certificate issued by SMS Issuing is not bound to "
            f"any IIS website (CERT-3) and it stays so; {_CURE}."
        )
    else:
        third = (
            "The documented fault (CERT-3, an unbound SMS Issuing certificate) happens in no run."
        )
    return [first, second, third]


def _plan_lines(answer: WhatIf) -> list[str]:
    lines = []
    for number, action in enumerate(answer.actions):
        lines.append(f"  {number + 1}. {action.text}")
        if number < len(answer.waits):
            wait = answer.waits[number]
            if answer.at_once:
                lines.append("     then at once (no step of the site in between)")
            elif wait:
                lines.append(
                    f"     then a wait of {wait} minutes (the site's own steps run meanwhile)"
                )
            else:
                lines.append(
                    "     then a quick click (the site's own steps may run in between; no "
                    "clock quantum passes)"
                )
    return lines


def render_text(answer: WhatIf) -> str:
    """The answer for a terminal: the plain answer, then the timeline, changes, clients, CERT-3,
    outcomes."""
    model = answer.model
    lab = answer.lab
    done = ", ".join(a.text for a in answer.actions) or "nothing"
    lines = [
        f"lab {lab.name!r}: what if the administrator does {done}",
        "",
        *summary(answer),
        "",
        *([f"start: {answer.chosen}"] if answer.chosen else []),
        f"{answer.origin}: {describe_world(model, answer.steady)}",
        "the administrator:",
        *_plan_lines(answer),
        *(
            f"in some runs {text} finds nothing to act on (a step of the site got there first); "
            "the click changes nothing there"
            for text in answer.skipped
        ),
        f"then only the site's own steps, weakly fair; {_worlds(answer.states)} explored "
        f"({len(answer.after_worlds)} right after the last action)",
        f"{MINUTES_NOTE}",
        "",
        "timeline (minutes after the first action; "
        f"{GLYPHS['fails']} not yet or fails in every run, {GLYPHS['maybe']} in some runs, "
        f"{GLYPHS['works']} done or works)",
        *(f"  {line}" for line in gantt(_rows(answer))),
        "",
        "changes:",
    ]
    if not answer.changes:
        lines.append("  none: nothing a user waits for changes")
    for change in answer.changes:
        lines.append(f"  {change.text}; {_RUNS[change.runs]}  ({', '.join(change.requirements)})")
        if change.never and change.lasso:
            lines.append("    a fair run that never gets there, from the first action:")
            lines.extend(f"      {line}" for line in lasso_lines(change.lasso, change.loop_from))
    lines += ["", "clients meanwhile:"]
    steady: dict[str, list[str]] = {
        "works throughout": [],
        "doesn't work, before or after": [],
        "not-applicable to the client": [],
        "undocumented (the seed doesn't say)": [],
    }
    for window in answer.windows:
        if window.status == "works":
            steady["works throughout"].append(f"{window.client} {window.capability}")
        elif window.status == "doesn't work" and window.before == "not-applicable":
            steady["not-applicable to the client"].append(f"{window.client} {window.capability}")
        elif window.status == "doesn't work" and window.before == "undocumented":
            steady["undocumented (the seed doesn't say)"].append(
                f"{window.client} {window.capability}"
            )
        elif window.status == "doesn't work":
            steady["doesn't work, before or after"].append(f"{window.client} {window.capability}")
        else:
            lines.append(f"  {window.text}  ({', '.join(window.requirements)})")
            if window.lasso:
                lines.append("    a fair run where it never works again:")
                lines.extend(
                    f"      {line}" for line in lasso_lines(window.lasso, window.loop_from)
                )
    for words, items in steady.items():
        if items:
            lines.append(f"  {words}: {', '.join(items)}")
    lines += ["", *_cert3_lines(answer), ""]
    lines.append(f"steady outcomes ({len(answer.outcomes)}):")
    for number, outcome in enumerate(answer.outcomes, 1):
        lines.extend(_outcome_lines(number, outcome, model))
    lines += ["", "modeling assumptions this answer rests on:"]
    lines.extend(f"  - {item.label}" for item in answer.assumptions)
    lines.append("")
    lines.append(f"verdict: {_verdict_words(answer)}")
    return "\n".join(lines) + "\n"


def _verdict_words(answer: WhatIf) -> str:
    if answer.fault:
        runs = "in every run" if answer.cert3.every else "in some runs"
        return f"the documented fault (CERT-3) is possible: it happens {runs}"
    if answer.never:
        return "something a user waits for never happens in some fair run"
    return "every change happens; no documented fault on the way"


def _cert3_lines(answer: WhatIf) -> list[str]:
    cert3 = answer.cert3
    if cert3.on_the_way is not None:
        runs = "in every run" if cert3.every else "in some runs (it may happen)"
        lines = [f"{_CERT3}: REACHED on the way {runs}; shortest path from the first action:"]
        lines.extend(
            f"  [{step.minutes:>3} min] {_who(step)}{step.text}" for step in cert3.on_the_way
        )
        return lines
    if cert3.without_toggle is False and not cert3.with_toggle:
        return [f"{_CERT3}: not reachable on the way, nor by any further administrator action"]
    head = f"{_CERT3}: not reachable on the way"
    if cert3.without_toggle:
        head += "; further administrator actions reach it even without toggling enhanced HTTP"
    else:
        head += "; not without a further toggle of enhanced HTTP"
    if not cert3.with_toggle:
        return [head]
    return [f"{head}; the shortest further actions that reach it:"] + [
        f"  {line}" for line in lasso_lines(cert3.with_toggle)
    ]


def _who(step: TimedStep) -> str:
    return "administrator  " if step.administrator else "system         "


def to_json(answer: WhatIf) -> dict[str, Any]:
    """The answer's own fields (the command adds the shared envelope)."""
    model = answer.model
    return {
        "actions": [a.text for a in answer.actions],
        "waits_minutes": list(answer.waits),
        "between_actions": "at once" if answer.at_once else "site steps may run",
        "summary": summary(answer),
        "minutes": MINUTES_NOTE,
        "start": answer.origin,
        "start_reason": answer.chosen,
        "steady_state": model.state_to_json(answer.steady),
        "after_actions": model.state_to_json(answer.after),
        "worlds_after_actions": [model.state_to_json(w) for w in answer.after_worlds],
        "nothing_to_act_on": list(answer.skipped),
        "action_steps": [step_json(model, s) for s in answer.action_steps],
        "worlds": answer.states,
        "changes": [
            {
                "subject": c.subject,
                "what": c.what,
                "requirements": list(c.requirements),
                "earliest_minutes": c.earliest,
                "latest_minutes": c.latest if c.dated else None,
                "bounded": c.dated and not c.never,
                "never": c.never,
                "runs": c.runs,
                "lasso": [step_json(model, s) for s in c.lasso],
                "loop_from": c.loop_from,
                "text": c.text,
            }
            for c in answer.changes
        ],
        "clients": [
            {
                "client": w.client,
                "capability": w.capability,
                "requirements": list(w.requirements),
                "status": w.status,
                "decision_before": w.before,
                "runs": w.runs,
                "fails_from_minutes": w.first,
                "fails_until_at_most_minutes": w.last if w.dated else None,
                "bounded": w.dated,
                "lasso": [step_json(model, s) for s in w.lasso],
                "loop_from": w.loop_from,
                "text": w.text,
            }
            for w in answer.windows
        ],
        "cert3": {
            "on_the_way": answer.cert3.on_the_way is not None,
            "runs": answer.cert3.runs,
            "path": [step_json(model, s) for s in answer.cert3.on_the_way or ()],
            "without_toggle": answer.cert3.without_toggle,
            "with_further_actions": [step_json(model, s) for s in answer.cert3.with_toggle],
        },
        "outcomes": [
            {
                "healthy": o.healthy,
                "runs": "every" if o.every else "some",
                "because": list(o.because),
                "cert3": list(o.cert3),
                "settles_between_minutes": list(o.reached),
                "cycle": o.cycle,
                "state": model.state_to_json(o.world),
                "path": [step_json(model, s) for s in o.path],
            }
            for o in answer.outcomes
        ],
        "timeline": [
            {
                "subject": r.subject,
                "what": r.what,
                "slot_minutes": QUANTUM_MINUTES,
                "slots": list(r.slots),
            }
            for r in answer.timeline
        ],
        "assumptions": [
            {"id": a.id, "title": a.title, "phrase": a.phrase} for a in answer.assumptions
        ],
    }


def render_svg(answer: WhatIf) -> str:
    """The timeline as SVG."""
    done = ", ".join(a.text for a in answer.actions)
    return svg(
        _rows(answer), f"lab {answer.lab.name}: what if {done} (minutes after the first action)"
    )
