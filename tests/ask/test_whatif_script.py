"""The script `whatif` explores (model/ask/whatif_script.py): quick clicks, waits, at once.

The differential test holds every answer to what the semantics promise on any lab and any actions:
taking the actions at once is one of the runs quick clicks allow, so whatever at once reaches,
quick clicks reach too (never the other way round as a rule: the four toggles of the seed's known
issue strand a certificate only when the site's step runs between clicks).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehttp.ask.actions import ActionError, catalogue, parse
from ehttp.ask.steady import steady_state
from ehttp.ask.timing import explore_script
from ehttp.ask.whatif import WhatIf, what_if
from ehttp.ask.whatif_script import Script, quanta_between
from ehttp.compose.world import HISTORY, World, WorldModel
from ehttp.config.examples import example_lab, example_labs


def test_a_wait_spans_the_quanta_its_minutes_may_cross() -> None:
    assert quanta_between(0) == (0, 0)
    assert quanta_between(10) == (0, 1)
    assert quanta_between(15) == (1, 1)
    assert quanta_between(20) == (1, 2)


def test_at_once_the_script_is_the_actions_then_the_site() -> None:
    lab = example_lab("default")
    model = WorldModel(lab)
    toggles = [parse(model, t) for t in ("disable", "enable", "disable", "enable")]
    at_once = explore_script(Script(lab, steady_state(lab), toggles, (0, 0, 0), at_once=True))
    quick = explore_script(Script(lab, steady_state(lab), toggles, (0, 0, 0)))
    # At once: the start, one world after each action, then the clients' re-registration within
    # the hour (A-47: enabling makes every registered client due), nothing else.
    assert len(at_once.states) == 20
    assert len(quick.states) == 261
    assert set(at_once.states) <= set(quick.states)


_LABS = [lab.name for lab in example_labs()]


@st.composite
def _question(draw: st.DrawFn) -> tuple[str, tuple[str, ...]]:
    name = draw(st.sampled_from(_LABS))
    actions = [a.text for a in catalogue(WorldModel(example_lab(name)))]
    chosen = draw(st.lists(st.sampled_from(actions), min_size=1, max_size=3))
    return name, tuple(chosen)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_question())
def test_what_at_once_reaches_quick_clicks_reach(question: tuple[str, tuple[str, ...]]) -> None:
    name, actions = question
    lab = example_lab(name)
    try:
        at_once = what_if(lab, actions, at_once=True)
    except ActionError:
        return
    quick = what_if(lab, actions)
    assert _seen(at_once) <= _seen(quick)
    if at_once.cert3.runs != "none":
        assert quick.cert3.runs != "none"
    if quick.cert3.runs == "every":
        assert at_once.cert3.runs == "every"
    assert at_once.after in quick.after_worlds


def _seen(answer: WhatIf) -> set[World]:
    """Where the answer's runs settle, the toggle-history observer left out (outcomes that differ
    only there are one outcome)."""
    return {(*o.world[:HISTORY], *o.world[HISTORY + 1 :]) for o in answer.outcomes}


def test_a_click_a_site_step_made_pointless_changes_nothing_in_that_run() -> None:
    lab = example_lab("default")
    answer = what_if(lab, ("disable-enhanced-http", "delete-sms-issuing-certs dp1"))
    assert answer.skipped == ("delete-sms-issuing-certs dp1",)
    with pytest.raises(ActionError, match="can't be taken now"):
        what_if(lab, ("enable-enhanced-http",), named="steady")
    with pytest.raises(ActionError, match="'approve wg1' can't be taken after approve wg1"):
        what_if(lab, ("approve wg1", "approve wg1"))
