"""model/explore/place.py: the whole state in the URL, read back with one-line errors."""

from __future__ import annotations

import base64
import zlib
from dataclasses import replace
from urllib.parse import parse_qs

import pytest

from ehttp.config.labfile import default_lab
from ehttp.explore.place import (
    MAX_CLICKS,
    Place,
    PlaceError,
    lab_parameter,
    place_from_query,
    walk,
    world_parameter,
)


def _back(place: Place) -> Place:
    return place_from_query(parse_qs(place.query(), keep_blank_values=True))


def test_a_place_reads_back_from_its_query() -> None:
    place = Place("enhanced-off", None, (("enable-enhanced-http",), ("approve wg1", "x y")))
    assert _back(place) == place
    traced = Place("default", "site:https-or-http", (), "a, property <b>", ("a", "b"))
    assert _back(traced) == traced


def test_a_click_that_leaves_the_trace_stops_following_it() -> None:
    place = Place("default", None, (), "witness", ("a", "b", "c"))
    assert place.then(["a", "b"]).trace == "witness"
    assert place.then(["a", "x"]).trace is None
    assert place.then(["a"]).prefix(0) == place


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"lab": ["nope"]}, "lab: 'nope' is not accepted; use one of default, aad-1709,"),
        ({"lab": ["default", "default"]}, "lab: given 2 times; give it once"),
        ({"color": ["red"]}, "color: is not accepted here; use from, lab, plan, s, trace"),
        ({"s": ["a,,b"]}, "s[1]: 'a,,b' has an empty step; join step tokens with commas"),
        ({"trace": ["x"]}, "trace: give trace and plan together"),
        ({"s": ["a"] * (MAX_CLICKS + 1)}, f"s: {MAX_CLICKS + 1:,} clicks; at most"),
    ],
)
def test_a_bad_query_is_one_line_naming_the_parameter(
    query: dict[str, list[str]], message: str
) -> None:
    with pytest.raises(PlaceError) as raised:
        walk(place_from_query(query))
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_lab_carried_in_the_link_reads_back_equal() -> None:
    lab = replace(default_lab(), name='<script>alert("x")</script> & co')
    parameter = lab_parameter(lab, None)
    assert parameter.startswith("toml:")
    assert walk(Place(parameter)).lab == lab


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        ("toml:***", "lab: the lab carried in the link is not deflated text"),
        (
            "toml:" + base64.urlsafe_b64encode(zlib.compress(b"\0" * 2_000_000)).decode(),
            "lab: the lab carried in the link is larger than 1,048,576 bytes",
        ),
        (
            "toml:" + base64.urlsafe_b64encode(zlib.compress(b"\xff\xfe")).decode(),
            "lab: the lab carried in the link is not UTF-8 text",
        ),
        (
            "toml:" + base64.urlsafe_b64encode(zlib.compress(b"name = 1\n")).decode(),
            "the link's lab: ",
        ),
    ],
)
def test_a_hostile_lab_in_the_link_is_refused_as_a_lab_file_would_be(
    parameter: str, message: str
) -> None:
    with pytest.raises(PlaceError) as raised:
        walk(Place(parameter))
    assert str(raised.value).startswith(message)


def test_a_start_world_reads_back_and_a_bad_one_is_named() -> None:
    found = walk(Place("default", None, (("disable-enhanced-http",),)))
    text = world_parameter(found.model, found.here)
    assert "mp1:unbinding@0" in text
    assert walk(Place("default", text)).start == found.here
    with pytest.raises(PlaceError, match=r"^from: 'mp1' is not accepted; give instance:state"):
        walk(Place("default", "mp1"))
    with pytest.raises(PlaceError, match=r"^from: mp1: 'nope' is not accepted; use one of"):
        walk(Place("default", text.replace("mp1:unbinding@0", "mp1:nope")))
    with pytest.raises(PlaceError, match="minutes 'x' is not accepted"):
        walk(Place("default", text.replace("mp1:unbinding@0", "mp1:unbinding@x")))


def test_a_click_the_model_does_not_allow_names_the_click_and_what_is_possible() -> None:
    with pytest.raises(PlaceError, match=r"^s\[2\]: 'enable-enhanced-http' is not possible here"):
        walk(Place("default", None, (("disable-enhanced-http",), ("enable-enhanced-http",) * 2)))


def test_minutes_count_the_clock_steps_on_the_path() -> None:
    found = walk(Place("default", None, (("disable-enhanced-http",), ("15-minutes-pass",))))
    assert found.minutes == 15
    assert walk(Place("default", None, (("disable-enhanced-http",),))).minutes == 0
