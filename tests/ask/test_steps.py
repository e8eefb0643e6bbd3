"""The steps of whatif's and diagnose's paths (model/ask/steps.py): minutes, actor, JSON shape."""

from __future__ import annotations

from pathlib import Path

from jsonschema import Draft202012Validator

from ehttp.ask.actions import apply, parse
from ehttp.ask.steady import steady_state
from ehttp.ask.steps import TimedStep, lasso_lines, step_json, trace_steps
from ehttp.checker import Property, check
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import load_lab
from tests.cli.test_json_schemas import REGISTRY

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def _toggled() -> tuple[WorldModel, tuple[TimedStep, ...], int | None]:
    """The checker's lasso of mp1 never rebinding after enable, disable, enable at once (CERT-3)."""
    model = WorldModel(load_lab(LABS / "enhanced-off.toml"))
    world = steady_state(model.lab)
    for text in ("enable-enhanced-http", "disable-enhanced-http", "enable-enhanced-http"):
        world, _steps = apply(model, world, parse(model, text))
    fair = WorldModel(model.lab, initial=[world], fair_only=True)
    bound = model.env.names.index("mp1")
    prop = Property.eventually("mp1 bound", lambda w: model.env.sms_bound(w, bound))
    result = check(fair, [prop], symmetry=False).properties[0]
    assert result.verdict == "violated"
    return fair, trace_steps(fair, result), result.loop_from


def test_a_checker_trace_keeps_every_step_with_its_minutes_and_actor() -> None:
    _fair, steps, loop_from = _toggled()
    assert steps[0].action is None and steps[0].minutes == 0
    assert not any(s.administrator for s in steps), "a fair-only model has system steps only"
    ticks = sum(s.action == "15 minutes pass" for s in steps)
    assert steps[-1].minutes == 15 * ticks
    assert loop_from is not None and 0 <= loop_from < len(steps)


def test_lines_leave_out_the_start_and_say_when_the_run_stays() -> None:
    _fair, steps, loop_from = _toggled()
    lines = lasso_lines(steps, loop_from)
    assert len(lines) == len(steps) - 1 or lines[0].startswith("[  0 min] no system step")
    assert all(line.startswith("[") and " min] " in line for line in lines)


def test_json_is_a_check_trace_step_with_minutes_and_actor() -> None:
    fair, steps, _loop = _toggled()
    document = [step_json(fair, s) for s in steps]
    schema = {"$ref": "envelope.json#/$defs/timedSteps"}
    Draft202012Validator(schema, registry=REGISTRY).validate(document)
    assert list(document[1]) == ["action", "state", "text", "minutes", "actor"]
    assert document[1]["state"] == fair.state_to_json(steps[1].world)
