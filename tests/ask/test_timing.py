"""Minutes on a graph of system steps (model/ask/timing.py)."""

from __future__ import annotations

from pathlib import Path

from ehttp.ask.actions import apply, parse
from ehttp.ask.steady import steady_state
from ehttp.ask.timing import Timed, explore_timed, minutes
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import load_lab

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def _after_enable() -> tuple[WorldModel, Timed]:
    lab = load_lab(LABS / "enhanced-off.toml")
    model = WorldModel(lab)
    after, _steps = apply(model, steady_state(lab), parse(model, "enable"))
    return model, explore_timed(WorldModel(lab, initial=[after], fair_only=True))


def test_a_deadline_bounds_the_first_reach_and_a_step_without_one_does_not() -> None:
    model, timed = _after_enable()
    env = model.env
    mp1 = env.names.index("mp1")
    aad1 = env.names.index("aad1")
    bound = timed.first_reach([env.sms_bound(w, mp1) for w in timed.states])
    assert bound is not None and (bound.earliest, bound.latest, bound.dated) == (0, 2, True)
    registered = timed.first_reach([w[aad1][0] != "unregistered" for w in timed.states])
    assert registered is not None and registered.dated is False
    assert minutes(timed.horizon) == 60


def test_a_settled_state_is_occupied_after_it_is_reached() -> None:
    _model, timed = _after_enable()
    settled = [s for s in range(len(timed.states)) if timed.settled(s)]
    assert len(settled) == 1
    assert settled[0] in timed.occupied(100)
    path = timed.path_to(settled[0])
    assert path[-1].text.startswith("policy poll") and path[-1].world == timed.states[settled[0]]
    assert [s.minutes for s in path] == sorted(s.minutes for s in path)
    assert not any(s.administrator for s in path), "the timed graph has system steps only"
