"""model/explore/tracefile.py: `--trace CHECK.json --property ID` opens a checker trace."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ehttp.cli.check import check_json
from ehttp.compose.checking import LabCheck
from ehttp.config.labfile import default_lab
from ehttp.explore.app import create_app
from ehttp.explore.place import walk
from ehttp.explore.tracefile import TraceError, trace_place

CERT3 = "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"


@pytest.fixture
def check_file(checked: Callable[..., LabCheck], tmp_path: Path) -> Path:
    path = tmp_path / "check.json"
    path.write_text(json.dumps(check_json(checked(default_lab()))), encoding="utf-8")
    return path


@pytest.mark.req("CERT-3")
def test_the_cert3_witness_opens_at_its_first_step_and_its_steps_reach_the_fault(
    check_file: Path,
) -> None:
    trace = next(
        p["trace"] for p in json.loads(check_file.read_text())["properties"] if p["id"] == CERT3
    )
    place = trace_place(default_lab(), "default", check_file, CERT3)
    assert len(place.plan) == len(trace) - 1
    found = walk(place)
    assert found.model.state_to_json(found.here) == trace[0]["state"]
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    state = client.get(place.url("/api/state")).json()
    assert state["trace"]["step"] == 0 and state["trace"]["of"] == len(trace) - 1
    assert state["fault"] is None
    end = client.get(state["trace"]["rest_url"].replace("/?", "/api/state?")).json()
    assert end["trace"]["next"] is None
    assert end["fault"]["site_systems"] == ["mp1", "dp1"]
    assert found.model.state_to_json(walk(place.then(place.plan)).here) == trace[-1]["state"]


@pytest.mark.parametrize(
    ("content", "prop", "message"),
    [
        (None, "x", "--trace: {path}: No such file or directory"),
        ("not json", "x", "--trace: {path}: not JSON (JSONDecodeError); give the output of"),
        ("[]", "x", '--trace: {path} has no "properties" list'),
        ('{"properties": []}', "x", "--property: 'x' is not a property with a trace in {path}"),
        (
            '{"properties": [{"id": "p", "trace": [{"state": {"site": "nope"}}]}]}',
            "p",
            "--trace: {path}: step 0: site: 'nope' is not accepted; use one of",
        ),
        (
            '{"properties": [{"id": "p", "trace": [1]}]}',
            "p",
            "--trace: {path}: step 0 of 'p' has no \"state\" object",
        ),
    ],
)
def test_a_file_or_property_that_can_t_be_opened_is_one_line(
    tmp_path: Path, content: str | None, prop: str, message: str
) -> None:
    path = tmp_path / "check.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(TraceError) as raised:
        trace_place(default_lab(), "default", path, prop)
    assert str(raised.value).startswith(message.format(path=path))
