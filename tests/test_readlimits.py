"""Bounds on JSON and TOML read from files (model/readlimits.py): refused exactly when a value is
nested too deep or a bare value is too long, measured on the data independently, with the key
path of the value in the message."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehttp.config.labfile import default_lab, lab_to_toml
from ehttp.readlimits import MAX_BARE, MAX_DEPTH, TooLarge, check_json, check_toml, load_toml

_KEYS = st.text(st.characters(codec="utf-8"), max_size=5)
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**70), max_value=10**70)
    | st.text(max_size=80),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


def _nested(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value]
    return value


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


def _longest_number(value: Any) -> int:
    if isinstance(value, list):
        return max((_longest_number(v) for v in value), default=0)
    if isinstance(value, dict):
        return max((_longest_number(v) for v in value.values()), default=0)
    if isinstance(value, bool) or value is None:
        return 5
    return len(str(value)) if isinstance(value, int) else 0


@settings(max_examples=300)
@given(_VALUES, st.integers(0, 40))
def test_json_is_refused_exactly_when_over_a_bound(value: Any, extra: int) -> None:
    document = _nested(value, extra)
    over = _depth(document) > MAX_DEPTH or _longest_number(document) > MAX_BARE
    try:
        check_json(json.dumps(document))
    except TooLarge:
        assert over
    else:
        assert not over


@settings(max_examples=200)
@given(st.dictionaries(st.from_regex(r"\A[a-z]{1,5}\Z"), _VALUES, max_size=3), st.integers(0, 40))
def test_toml_is_refused_exactly_when_over_a_bound(table: dict[str, Any], extra: int) -> None:
    values = {k: _nested(v, extra) for k, v in table.items() if v is not None}
    values = {k: v for k, v in values.items() if _toml_value(v) is not None}
    text = "\n".join(f"{key} = {_toml_value(value)}" for key, value in values.items())
    over = any(_depth(v) > MAX_DEPTH or _longest_number(v) > MAX_BARE for v in values.values())
    try:
        check_toml(text)
    except TooLarge:
        assert over
    else:
        assert not over
        assert tomllib.loads(text) is not None


def _toml_value(value: Any) -> str | None:
    """A value as TOML (None for what TOML has no way to write: null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return None if "\x7f" in value else json.dumps(value, ensure_ascii=False)
    parts = [_toml_value(v) for v in (value if isinstance(value, list) else value.values())]
    if any(p is None for p in parts):
        return None
    if isinstance(value, list):
        return "[" + ", ".join(str(p) for p in parts) + "]"
    if any("\x7f" in k for k in value):
        return None
    keys = [json.dumps(k, ensure_ascii=False) for k in value]
    return "{" + ", ".join(f"{k} = {p}" for k, p in zip(keys, parts, strict=True)) + "}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"a": [1, {"b": ' + "9" * 5000 + "}]}",
            "a[1].b: a value of 5,000 characters (999999999999…); at most 64 are read",
        ),
        (
            '{"a\\"b": {"c": ' + "[" * 40 + "]" * 40 + "}}",
            'a"b.c' + "[0]" * 18 + "…: nested deeper than 32 arrays and tables; at most 32 "
            "levels are read",
        ),
    ],
)
def test_json_messages_name_the_key_path(text: str, message: str) -> None:
    with pytest.raises(TooLarge) as error:
        check_json(text)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[clients]]\nname = 'a'\n[[clients]]\nwindows = " + "1" * 65,
            "clients[1].windows: a value of 65 characters (111111111111…); at most 64 are read",
        ),
        (
            "[site]\nx = {a = 1, 'b c' = [2, [" + "[" * 31 + "]" * 31 + "]]}",
            "site.x.b c[1]" + "[0]" * 15 + "[…: nested deeper than 32 arrays and tables; at "
            "most 32 levels are read",
        ),
        (
            "a" + ".a" * 40 + " = 1  # a dotted key is a table per part",
            "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a…: nested deeper than 32 "
            "arrays and tables; at most 32 levels are read",
        ),
        (
            '# "not a string\nname = """\n' + "9" * 100 + '\n"""\nx = ' + "2" * 70,
            "x: a value of 70 characters (222222222222…); at most 64 are read",
        ),
    ],
    ids=["array-of-tables", "inline-table", "dotted-key", "multi-line-string"],
)
def test_toml_messages_name_the_key_path(text: str, message: str) -> None:
    with pytest.raises(TooLarge) as error:
        check_toml(text)
    assert str(error.value) == message


def test_a_lab_file_reads_as_tomllib_reads_it() -> None:
    text = lab_to_toml(default_lab())
    assert load_toml(text) == tomllib.loads(text)
