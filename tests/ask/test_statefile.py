"""Worlds read from JSON files for `ehttp whatif --from` (model/ask/statefile.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ehttp.ask.statefile import MAX_STATE_BYTES, StateFileError, load_world
from ehttp.ask.steady import steady_state
from ehttp.ask.whatif import what_if
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import load_lab


@pytest.fixture(name="model")
def _model() -> WorldModel:
    return WorldModel(load_lab(None))


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_printed_world_reads_back_as_itself(model: WorldModel, tmp_path: Path) -> None:
    answer = what_if(model.lab, ["disable-enhanced-http"])
    path = _write(tmp_path, {"after_actions": model.state_to_json(answer.after)})
    assert load_world(model, path) == answer.after
    steady = steady_state(model.lab)
    assert load_world(model, _write(tmp_path, {"state": model.state_to_json(steady)})) == steady


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mp9": "bound"}, "key 'mp9' is not accepted; use site, azure-ad-app, smsexec, "),
        ({"mp1": "lost"}, "mp1: 'lost' is not accepted; use one of no-certificate, issued, "),
        ({"mp1": {"state": "issued", "minutes": 40}}, "mp1: minutes 40 is not accepted; give a "),
        ({"mp1": {"state": "bound", "minutes": 15}}, "mp1: 'bound' has no timer; drop minutes"),
    ],
)
def test_a_bad_world_is_one_line_naming_the_key(
    model: WorldModel, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    data = {**model.state_to_json(steady_state(model.lab)), **change}
    with pytest.raises(StateFileError) as caught:
        load_world(model, _write(tmp_path, data))
    assert message in str(caught.value)


def test_a_missing_instance_is_named(model: WorldModel, tmp_path: Path) -> None:
    data = model.state_to_json(steady_state(model.lab))
    del data["wg1"]
    with pytest.raises(StateFileError, match="key 'wg1' is missing"):
        load_world(model, _write(tmp_path, data))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"[" * 100_000,
            "[0]" * 19 + "[0…: nested deeper than 32 arrays and tables; at most 32 levels are read",
        ),
        (
            b'{"site": ' + b"9" * 5000 + b"}",
            "site: a value of 5,000 characters (999999999999…); at most 64 are read",
        ),
        (b"\xff\xfe", "not UTF-8 text; give one world as JSON"),
        (b"{", "not JSON (Expecting property name enclosed in double quotes at line 1)"),
        (b" " * (MAX_STATE_BYTES + 1), "larger than 1,048,576 bytes; give one world as JSON"),
    ],
    ids=["nested", "huge-integer", "not-utf8", "not-json", "too-large"],
)
def test_untrusted_files_are_refused_in_one_line(
    model: WorldModel, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "state.json"
    path.write_bytes(content)
    with pytest.raises(StateFileError) as caught:
        load_world(model, path)
    assert str(caught.value) == f"--from: {path}: {message}"
