"""The lab's steady state (model/ask/steady.py)."""

from __future__ import annotations

from pathlib import Path

from ehttp.ask.steady import settled, steady_state
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import load_lab

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def test_clients_with_evidence_are_registered_and_nothing_is_left_to_do() -> None:
    lab = load_lab(None)
    model = WorldModel(lab)
    world = steady_state(lab)
    shown = model.state_to_json(world)
    assert {name: shown[name]["state"] for name in ("aad1", "dom1", "wg1")} == {
        "aad1": "registered:enhanced-http",
        "dom1": "registered:enhanced-http",
        "wg1": "pending-approval",
    }
    assert settled(model, world)
    assert not settled(model, model.initial)


def test_with_enhanced_http_off_the_internet_client_stays_unregistered() -> None:
    lab = load_lab(LABS / "enhanced-off.toml")
    shown = WorldModel(lab).state_to_json(steady_state(lab))
    assert (shown["aad1"]["state"], shown["dom1"]["state"], shown["mp1"]["state"]) == (
        "unregistered",
        "registered:self-signed",
        "no-certificate",
    )
