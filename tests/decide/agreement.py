"""What `ehttp scenarios`, the report, `ehttp whatif` and `ehttp diagnose` answer to "can client C
do X" in a lab's steady state, each read from the command's own answer, and where they disagree
(issue 19 point 5; STYLE.md rule 15: compare commands with each other, any disagreement is a bug).

- `scenarios`: the verdict word of each (client, scenario) row (`evaluate`);
- the report: the verdict word of each row of its "Scenario verdicts" table (`scenarios_section`);
- `whatif` with no action: each window "works throughout", or "doesn't work, before or after"
  with the word it names (blocked, not-applicable, undocumented);
- `diagnose`: a client symptom the start shows ("no administrator action: the steady state shows
  it") is the question's answer "doesn't work"; one it doesn't show, "works".

The steady worlds of an example lab are the ones `whatif --start` names: the lab's steady state,
and the steady state with enhanced HTTP switched the other way when the site has the option.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from html import unescape

from ehttp.ask.diagnose import diagnose
from ehttp.ask.observe import CAPABILITIES
from ehttp.ask.whatif import what_if
from ehttp.ask.whatif_answer import Window
from ehttp.compose.world import ModelError
from ehttp.config.schema import Lab
from ehttp.decide import steady_state
from ehttp.report.lab_sections import scenarios_section
from ehttp.views.scenarios import SCENARIO_TITLES, evaluate

COMMANDS = ("scenarios", "report", "whatif", "diagnose")
SYMPTOMS = {
    "client notification": "notification-fails",
    "content download": "content-download-refused",
}
"""The client symptoms of `diagnose` that negate a question."""

_ROW = re.compile(r'<tr><td>([^<]*)</td><td>([^<]*)</td><td><span class="[^"]*">([^<]*)</span>')
_TITLES = {title: str(scenario) for scenario, title in SCENARIO_TITLES.items()}
_QUESTIONS = {c.name: str(c.question) for c in CAPABILITIES}

Answers = dict[tuple[str, str], dict[str, str]]
"""(client, question) -> {command: its answer}."""


def steady_variants(lab: Lab) -> Iterator[tuple[str, Lab]]:
    """The lab, then the lab with enhanced HTTP switched, when that lab has a steady state (the
    worlds `whatif --start steady/enhanced-off/enhanced-on` names)."""
    yield "as given", lab
    switched = replace(lab, site=replace(lab.site, enhanced_http=not lab.site.enhanced_http))
    try:
        steady_state(switched)
    except ModelError:
        return
    yield "enhanced HTTP switched", switched


def _whatif_word(window: Window) -> str:
    if window.status == "works":
        return "works"
    if window.status == "doesn't work":
        return "blocked" if window.before == "works" else window.before
    return f"changes ({window.status})"


def answers(lab: Lab) -> Answers:
    """Every command's answer for every client and question of `lab` in its steady state."""
    found: Answers = {}

    def put(client: str, question: str, command: str, word: str) -> None:
        found.setdefault((client, question), {})[command] = word

    for verdict in evaluate(lab).verdicts:
        put(verdict.client, str(verdict.scenario), "scenarios", verdict.verdict)
    for client, title, word in _ROW.findall(scenarios_section(evaluate(lab))):
        put(unescape(client), _TITLES[unescape(title)], "report", unescape(word))
    for window in what_if(lab, ()).windows:
        put(window.client, _QUESTIONS[window.capability], "whatif", _whatif_word(window))
    for client in lab.clients:
        for question, kind in SYMPTOMS.items():
            answer = diagnose(lab, f"{kind} {client.name}", limit=1)
            shows = bool(answer.causes) and answer.causes[0].actions == ()
            put(client.name, question, "diagnose", "doesn't work" if shows else "works")
    return found


def disagreements(found: Answers) -> list[str]:
    """Each (client, question) whose commands disagree: on the word, among the commands that give
    one, or on whether it works (`diagnose` says only that)."""
    out = []
    for (client, question), by in sorted(found.items()):
        words = {word for command, word in by.items() if command != "diagnose"}
        works = {word == "works" for word in by.values()}
        if len(words) > 1 or len(works) > 1:
            said = ", ".join(f"{command} {by[command]}" for command in COMMANDS if command in by)
            out.append(f"{client} {question}: {said}")
    return out
