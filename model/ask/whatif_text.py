"""`ehttp whatif`'s answer as users read it: text with a timeline, and JSON with the same facts."""

from __future__ import annotations

from typing import Any

from ehttp.ask.steps import lasso_lines, step_json
from ehttp.ask.timeline import GLYPHS, gantt, svg
from ehttp.ask.whatif import Outcome, WhatIf
from ehttp.compose.world import World, WorldModel
from ehttp.machines.clock import QUANTUM_MINUTES

__all__ = ["describe_world", "render_svg", "render_text", "to_json"]

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
    lines = [f"  {number}. {verdict}; {where}"]
    lines.append(f"     {describe_world(model, outcome.world)}")
    if outcome.path:
        lines.append("     shortest path:")
        lines.extend(f"       [{s.minutes:>3} min] {s.text}" for s in outcome.path)
    else:
        lines.append("     (no system step follows the actions)")
    return lines


def render_text(answer: WhatIf) -> str:
    """The answer for a terminal: actions, timeline, changes, clients, CERT-3, outcomes."""
    model = answer.model
    lab = answer.lab
    done = ", ".join(a.text for a in answer.actions)
    lines = [
        f"lab {lab.name!r}: what if the administrator does {done} now "
        f"(then only the system's own steps, weakly fair; {_worlds(answer.states)} explored)",
        "",
        f"{answer.origin}: {describe_world(model, answer.steady)}",
        "the administrator, at once:",
        *(f"  [  0 min] {step.text}" for step in answer.action_steps),
        "",
        "timeline (minutes after the actions; "
        f"{GLYPHS['fails']} not yet or fails in every run, {GLYPHS['maybe']} in some runs, "
        f"{GLYPHS['works']} done or works)",
        *(f"  {line}" for line in gantt(_rows(answer))),
        "",
        "changes:",
    ]
    if not answer.changes:
        lines.append("  none: nothing a user waits for changes")
    for change in answer.changes:
        lines.append(f"  {change.text}  ({', '.join(change.requirements)})")
        if change.never and change.lasso:
            lines.append("    a fair run that never gets there, from right after the actions:")
            lines.extend(f"      {line}" for line in lasso_lines(change.lasso, change.loop_from))
    lines += ["", "clients meanwhile:"]
    steady: dict[str, list[str]] = {"works throughout": [], "doesn't work, before or after": []}
    for window in answer.windows:
        if window.status == "works":
            steady["works throughout"].append(f"{window.client} {window.capability}")
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
        return "the documented fault (CERT-3) happens on the way"
    if answer.never:
        return "something a user waits for never happens in some fair run"
    return "every change happens; no documented fault on the way"


def _cert3_lines(answer: WhatIf) -> list[str]:
    cert3 = answer.cert3
    if cert3.on_the_way is not None:
        lines = [f"{_CERT3}: REACHED on the way; shortest path:"]
        lines.extend(f"  [  0 min] {step.text}" for step in answer.action_steps)
        lines.extend(f"  [{step.minutes:>3} min] {step.text}" for step in cert3.on_the_way)
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


def to_json(answer: WhatIf) -> dict[str, Any]:
    """The answer's own fields (the command adds the shared envelope)."""
    model = answer.model
    return {
        "actions": [a.text for a in answer.actions],
        "start": answer.origin,
        "steady_state": model.state_to_json(answer.steady),
        "after_actions": model.state_to_json(answer.after),
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
            "path": [
                step_json(model, s)
                for s in (*answer.action_steps, *(answer.cert3.on_the_way or ()))
                if answer.cert3.on_the_way is not None
            ],
            "without_toggle": answer.cert3.without_toggle,
            "with_further_actions": [step_json(model, s) for s in answer.cert3.with_toggle],
        },
        "outcomes": [
            {
                "healthy": o.healthy,
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
    return svg(_rows(answer), f"lab {answer.lab.name}: what if {done} (minutes after the actions)")
