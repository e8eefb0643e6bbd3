"""One answer to "can client C do X in world W", for every command that asks it.

`decide` (`model/decide/decision.py`) combines the facts read off the lab as the world has it
(`scenario_facts.py`: gates, silences, prerequisites and mechanisms, each citing a requirement or
an assumption ID) with the goal the world shows (`goals.py`); `steady.py` names the world a lab
settles in. `ehttp scenarios`, `ehttp whatif`, `ehttp diagnose` and the report ask through this
door and nowhere else.
"""

from ehttp.decide.decision import WORDS, Decision, Word, applies, can, decide, lab_as_in
from ehttp.decide.fact import Fact, FactKind, ScenarioId, user_methods
from ehttp.decide.goals import (
    GOALS,
    QUESTIONS,
    SCENARIOS,
    Question,
    content_download,
    goal_holds,
    notification_works,
)
from ehttp.decide.scenario_facts import facts, mechanism_holds
from ehttp.decide.steady import settled, steady_search, steady_state

__all__ = [
    "GOALS",
    "QUESTIONS",
    "SCENARIOS",
    "WORDS",
    "Decision",
    "Fact",
    "FactKind",
    "Question",
    "ScenarioId",
    "Word",
    "applies",
    "can",
    "content_download",
    "decide",
    "facts",
    "goal_holds",
    "lab_as_in",
    "mechanism_holds",
    "notification_works",
    "settled",
    "steady_search",
    "steady_state",
    "user_methods",
]
