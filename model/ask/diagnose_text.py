"""`ehttp diagnose`'s answer as users read it (text), and as JSON with the same facts."""

from __future__ import annotations

from typing import Any

from ehttp.ask.diagnose import Cause, Cure, Diagnosis
from ehttp.ask.steps import TimedStep, lasso_lines, step_json
from ehttp.ask.whatif_text import describe_world

__all__ = ["MINUTES_NOTE", "render_text", "summary", "to_json"]

MINUTES_NOTE = (
    "minutes count from the last action of a cause on the model's clock, which steps 15 minutes "
    'at a time; "within N" is the latest any fair run takes (the documents\' bounds: 30 minutes '
    "for certificate work, 60 for the policy cycle)"
)


def _step(step: TimedStep) -> str:
    who = "administrator" if step.administrator else "system       "
    return f"[{step.minutes:>3} min] {who}  {step.text}"


def _count(actions: tuple[str, ...]) -> str:
    if not actions:
        return "no administrator action: the steady state shows it"
    plural = "" if len(actions) == 1 else "s"
    return f"{', '.join(actions)}  ({len(actions)} administrator action{plural})"


def _cure_lines(cure: Cure | None) -> list[str]:
    if cure is None:
        return [
            "  cure: none; no administrator action the model has clears it on this lab (its "
            "configuration rules it out; `ehttp scenarios` says which lab value)"
        ]
    proven = "proven by the checker" if cure.proven else "NOT proven: some fair run fails"
    restarts = "restart-smsexec" in cure.actions
    if cure.within is None:
        when = "eventually (no bound in minutes)"
    else:
        when = f"within {cure.within} minutes" + (" of smsexec starting" if restarts else "")
    if cure.how == "by itself":
        return [f"  cure: nothing to do; it clears by itself {when} ({proven})"]
    if cure.how == "documented workaround":
        lines = [
            "  documented cure (CERT-4, the seed's workaround): "
            f"{', '.join(cure.actions)}; every HTTP site system's role certificate is bound "
            f"{when} ({proven})",
            "  restart-smsexec alone does not cure it; a fair run after it (the checker's lasso):",
        ]
        return lines + [
            f"    {line}" for line in lasso_lines(cure.restart_alone, cure.restart_alone_loop_from)
        ]
    lines = [
        f"  cure (fewest administrator actions back to a settled world without it): "
        f"{', '.join(cure.actions)}; it clears {when} ({proven})"
    ]
    return lines + [f"    {_step(step)}" for step in cure.trace]


def _cause_lines(number: int, cause: Cause) -> list[str]:
    fault = "  -- the documented fault (CERT-3)" if cause.cert3 else ""
    lines = [f"cause {number}: {_count(cause.actions)}{fault}"]
    lines.extend(f"  {_step(step)}" for step in cause.trace)
    if cause.clears:
        when = f"within {cause.clears_within} minutes" if cause.clears_within is not None else ""
        lines.append(f"  clears by itself: yes{', ' + when if when else ' (no bound in minutes)'}")
    else:
        lines.append("  clears by itself: no, it needs action; a fair run where it stays:")
        lines.extend(
            f"    {line}" for line in lasso_lines(cause.never_clears, cause.never_clears_loop_from)
        )
    return lines + _cure_lines(cause.cure)


def _cure_words(cure: Cure | None) -> str:
    if cure is None:
        return "no administrator action the model has clears it on this lab"
    when = "eventually" if cure.within is None else f"within {cure.within} minutes"
    proven = "proven" if cure.proven else "NOT proven: some fair run stays"
    if cure.how == "by itself":
        return f"nothing to do: it clears by itself {when} ({proven})"
    where = "the seed's workaround, " if cure.how == "documented workaround" else ""
    return f"{where}{', '.join(cure.actions)}; it clears {when} after that ({proven})"


def summary(answer: Diagnosis) -> list[str]:
    """Two or three sentences in the administrator's words: whether and how the symptom can
    happen, whether it lasts, and the cure."""
    words = f'"{answer.symptom.words}"'
    if not answer.causes:
        return [f"On this lab {words} can't happen: {answer.reason}."]
    first = next((c for c in answer.causes if c.cert3), answer.causes[0])
    how = (
        "with no administrator action" if not first.actions else f"after {', '.join(first.actions)}"
    )
    more = len(answer.causes) - 1
    others = f" ({more} other way{'s' if more != 1 else ''} below)" if more else ""
    fault = ": the documented fault (CERT-3)" if first.cert3 else ""
    opening = f"On this lab {words} can happen {how}{fault}{others}."
    if first.clears:
        when = (
            f"within {first.clears_within} minutes"
            if first.clears_within is not None
            else "eventually (no bound in minutes)"
        )
        lasting = f"It clears by itself {when} in every run."
    else:
        lasting = "It doesn't clear by itself: in some run it stays for good."
    return [opening, lasting, f"Cure: {_cure_words(first.cure)}."]


def render_text(answer: Diagnosis) -> str:
    """The answer for a terminal: the plain answer, then each cause with its trace and cure."""
    symptom = answer.symptom
    reqs = ", ".join(symptom.kind.requirements)
    lines = [
        f"lab {answer.lab.name!r}: {symptom.text}: {symptom.words} ({reqs})",
        "",
        *summary(answer),
        "",
        MINUTES_NOTE,
        f"steady state: {describe_world(answer.model, answer.steady)}",
        f"{answer.worlds:,} worlds reachable from the steady state "
        "(every administrator action and system step)",
        "",
    ]
    if not answer.causes:
        lines.append(f"this can't happen on this lab: {answer.reason}")
    for number, cause in enumerate(answer.causes, 1):
        lines.extend(_cause_lines(number, cause))
        lines.append("")
    lines.append("modeling assumptions this answer rests on:")
    lines.extend(f"  - {item.label}" for item in answer.assumptions)
    lines.append("")
    lines.append(f"verdict: {_verdict_words(answer)}")
    return "\n".join(lines) + "\n"


def _verdict_words(answer: Diagnosis) -> str:
    if answer.verdict == "cannot happen":
        return "the symptom can't happen on this lab"
    if answer.verdict == "no cure":
        return "some cause has no proven cure"
    return f"{len(answer.causes)} cause(s), each with a proven cure"


def to_json(answer: Diagnosis) -> dict[str, Any]:
    """The answer's own fields (the command adds the shared envelope)."""
    model = answer.model
    return {
        "summary": summary(answer),
        "minutes": MINUTES_NOTE,
        "symptom": answer.symptom.text,
        "words": answer.symptom.words,
        "requirements": list(answer.symptom.kind.requirements),
        "steady_state": model.state_to_json(answer.steady),
        "worlds": answer.worlds,
        "can_happen": bool(answer.causes),
        "reason": answer.reason,
        "assumptions": [
            {"id": a.id, "title": a.title, "phrase": a.phrase} for a in answer.assumptions
        ],
        "causes": [
            {
                "actions": list(c.actions),
                "trace": [step_json(model, s) for s in c.trace],
                "state": model.state_to_json(c.world),
                "cert3": c.cert3,
                "clears_by_itself": c.clears,
                "clears_within_minutes": c.clears_within,
                "never_clears": [step_json(model, s) for s in c.never_clears],
                "never_clears_loop_from": c.never_clears_loop_from,
                "cure": None
                if c.cure is None
                else {
                    "how": c.cure.how,
                    "actions": list(c.cure.actions),
                    "proven": c.cure.proven,
                    "within_minutes": c.cure.within,
                    "trace": [step_json(model, s) for s in c.cure.trace],
                    "restart_alone_lasso": [step_json(model, s) for s in c.cure.restart_alone],
                    "restart_alone_loop_from": c.cure.restart_alone_loop_from,
                },
            }
            for c in answer.causes
        ],
    }
