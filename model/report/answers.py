"""The page's first answers: "What happens if you ..." and "If you see ...".

The administrator's two questions ("may I enable enhanced HTTP now, and what will happen?", "my
MP has no certificate bound: why, and what do I do?") answered on page one, in the words of the
commands that answer them: `ehttp whatif` (`model/ask/whatif.py`, its sentences from
`model/ask/whatif_text.py`) for enabling, disabling, a quick toggle (the seed's "Rapidly and
repeatedly enabling and disabling") and the seed's workaround ("delete all certificates issued by
"SMS Issuing" from the SMS certificate store in Windows, and then restart the smsexec service"),
and `ehttp diagnose` (`model/ask/diagnose.py`) for the seed's symptom, no SMS-Issuing certificate
bound to a site system's IIS website (CERT-3), with every cause it finds and its proven cure.
Nothing is recomputed here: the page shows what the commands print, and each answer links to the
command's whole output in the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehttp.ask.diagnose import Diagnosis, diagnose
from ehttp.ask.diagnose_text import render_text as diagnose_text
from ehttp.ask.diagnose_text import summary as diagnose_summary
from ehttp.ask.steady import steady_state
from ehttp.ask.symptoms import symptom_list
from ehttp.ask.whatif import what_if
from ehttp.ask.whatif_answer import WhatIf
from ehttp.ask.whatif_text import render_text as whatif_text
from ehttp.ask.whatif_text import summary as whatif_summary
from ehttp.compose.world import ModelError, WorldModel
from ehttp.config.schema import Lab
from ehttp.report.html import esc
from ehttp.views.diagrams_lab import slug

__all__ = ["QUESTIONS", "SYMPTOM", "Answers", "Asked", "Question", "answer_all", "answers_sections"]


@dataclass(frozen=True)
class Question:
    """An administrator action the page answers: its anchor, its words and `whatif`'s `--do`s."""

    key: str
    asks: str
    actions: tuple[str, ...]


QUESTIONS: tuple[Question, ...] = (
    Question("enable", "enable enhanced HTTP", ("enable-enhanced-http",)),
    Question("disable", "disable enhanced HTTP", ("disable-enhanced-http",)),
    Question(
        "toggle",
        "toggle it quickly (disable, enable, disable, enable)",
        ("disable-enhanced-http", "enable-enhanced-http") * 2,
    ),
    Question(
        "workaround",
        "apply the documented workaround (delete the SMS Issuing certificates, restart smsexec)",
        ("delete-sms-issuing-certs", "restart-smsexec"),
    ),
)
"""The lab's administrator actions the page answers first, in `ehttp whatif --do` ids."""

SYMPTOM = "no-sms-certificate-bound"
"""The documented symptom (CERT-3) the page diagnoses, on every HTTP site system of the lab."""
NOTIFICATION = "notification-fails"
"""The documented known issue (REG-5: "Client notification actions don't work" until the client
re-registers) the page diagnoses, on every client whose notification works in the steady state."""


@dataclass(frozen=True)
class Asked:
    """One question and `whatif`'s answer, or why the lab's model can't take its actions."""

    question: Question
    answer: WhatIf | None
    refused: str = ""


@dataclass(frozen=True)
class Answers:
    """What the page answers first: each question of `QUESTIONS`, each symptom's diagnosis."""

    asked: tuple[Asked, ...]
    seen: tuple[Diagnosis, ...]


def answer_all(lab: Lab) -> Answers:
    """Ask `whatif` each question of `QUESTIONS` (from where `ehttp whatif` starts by default) and
    `diagnose` the documented symptoms, as the commands do: no SMS-Issuing certificate bound on
    each HTTP site system, and client notification failing on each client whose notification works
    in the steady state."""
    asked = []
    for question in QUESTIONS:
        try:
            asked.append(Asked(question, what_if(lab, question.actions, named="auto")))
        except ModelError as error:
            asked.append(Asked(question, None, str(error)))
    model = WorldModel(lab)
    steady = steady_state(lab)
    symptoms = [
        s
        for s in symptom_list(model)
        if s.kind.id == SYMPTOM or (s.kind.id == NOTIFICATION and not s.holds(model, steady))
    ]
    return Answers(tuple(asked), tuple(diagnose(lab, s) for s in symptoms))


def _command(args: Sequence[str]) -> str:
    return "<code>" + esc(" ".join(args)) + "</code>"


def _whatif_args(question: Question) -> list[str]:
    return ["ehttp", "whatif", *(part for a in question.actions for part in ("--do", a))]


def _whatif_rows(asked: Sequence[Asked]) -> str:
    rows = []
    for item in asked:
        question = item.question
        ask = (
            f"<b>{esc(question.asks)}</b><br>"
            f'<span class="small">{_command(_whatif_args(question))}</span>'
        )
        if item.answer is None:
            said = f'<span class="not-applicable">not on this lab: {esc(item.refused)}</span>'
        else:
            fault = ' class="bad"' if item.answer.fault else ""
            said = (
                f"<span{fault}>{' '.join(esc(s) for s in whatif_summary(item.answer))}</span> "
                f'<a href="#q-{question.key}">its trace</a>'
            )
        rows.append(f"<tr><td>{ask}</td><td>{said}</td></tr>")
    return (
        '<table class="answers"><tr><th>What happens if you ...</th>'
        "<th>answer, as <code>ehttp whatif</code> says it for this lab (its trace: the "
        "command's whole output; give it this report's <code>--lab</code>)</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _cause_words(number: int, diagnosis: Diagnosis) -> str:
    cause = diagnosis.causes[number - 1]
    how = ", ".join(cause.actions) or "no administrator action"
    fault = " (the documented fault, CERT-3)" if cause.cert3 else ""
    cure = cause.cure
    if cure is None:
        cured = '<b class="fail">no cure on this lab</b>'
    else:
        what = "nothing to do" if not cure.actions else ", ".join(cure.actions)
        proof = "proven" if cure.proven else '<b class="fail">NOT proven</b>'
        cured = f"cure: <b>{esc(what)}</b> ({esc(cure.how)}, {proof})"
    anchor = f"d-{slug(diagnosis.symptom.text)}-c{number}"
    return (
        f"<li>cause {number}: <b>{esc(how)}</b>{fault}; {cured} "
        f'<a href="#{anchor}">its trace</a></li>'
    )


def _diagnoses(seen: Sequence[Diagnosis]) -> str:
    parts = []
    if not any(d.symptom.kind.id == SYMPTOM for d in seen):
        parts.append(
            "<p>The lab has no HTTP site system, so no SMS-Issuing certificate to miss.</p>"
        )
    for diagnosis in seen:
        symptom = diagnosis.symptom
        words = " ".join(esc(s) for s in diagnose_summary(diagnosis))
        causes = "".join(_cause_words(n, diagnosis) for n in range(1, len(diagnosis.causes) + 1))
        parts.append(
            "<div>"
            f"<p><b>{esc(symptom.words)}</b> ({esc(', '.join(symptom.kind.requirements))}, "
            f'<span class="small"><a href="#d-{slug(symptom.text)}">'
            f"{_command(['ehttp', 'diagnose', '--symptom', symptom.text])}</a></span>): {words}</p>"
            + (f'<ul class="causes">{causes}</ul>' if causes else "")
            + "</div>"
        )
    return '<div class="seen">' + "".join(parts) + "</div>"


def _box(anchor: str, back: str, title: str, body: str) -> str:
    """A command's output shown over the page while its anchor is the target (CSS `:target`, as
    the pictures enlarge): no height on the page until a link opens it."""
    return (
        f'<div class="lightbox" id="{anchor}"><a class="close" href="#{back}">close</a>'
        f"<h3>{title}</h3>{body}</div>"
    )


def _outputs(answers: Answers) -> str:
    """Each command's whole output for the lab, as it prints it: `whatif`'s per question,
    `diagnose`'s per symptom and each cause's paragraph of it on its own."""
    parts = []
    for item in answers.asked:
        if item.answer is not None:
            output = f'<pre class="output">{esc(whatif_text(item.answer))}</pre>'
            command = _command(_whatif_args(item.question))
            parts.append(_box(f"q-{item.question.key}", "whatif", command, output))
    for diagnosis in answers.seen:
        key = slug(diagnosis.symptom.text)
        command = _command(["ehttp", "diagnose", "--symptom", diagnosis.symptom.text])
        printed = diagnose_text(diagnosis)
        parts.append(
            _box(f"d-{key}", "diagnose", command, f'<pre class="output">{esc(printed)}</pre>')
        )
        for block in printed.split("\n\n"):
            number = block.partition(":")[0].removeprefix("cause ")
            if number.isdigit():
                output = f'<pre class="output">{esc(block)}</pre>'
                parts.append(_box(f"d-{key}-c{number}", "diagnose", command, output))
    return "".join(parts)


def answers_sections(answers: Answers) -> list[tuple[str, str, str]]:
    """The two sections that open the page: (anchor, title, HTML) each."""
    return [
        ("whatif", "What happens if you ...", _whatif_rows(answers.asked) + _outputs(answers)),
        ("diagnose", "If you see ...", _diagnoses(answers.seen)),
    ]
