"""Bounds on the JSON and TOML that ehttp reads from files, checked before the standard library
parses them.

Python's `json` and `tomllib` follow nesting by recursion (a file nested a few thousand levels
deep raises RecursionError) and convert integers with `int()`, which refuses more than 4,300
digits with a ValueError (CPython's bound on quadratic conversions). A lab file or a saved JSON
document may come from someone else, so its text is scanned first, without recursion and without
building anything: no value nested deeper than `MAX_DEPTH` arrays and tables (a dotted TOML key
counts each of its parts), and no bare value (a number, a date, a boolean, a bare key) longer than
`MAX_BARE` characters. The scan names the key path of the first value over a bound, in the
words of the lab file's errors (``clients[0].windows``; arrays counted from zero), so that the
caller's one-line error can name the file, the key and the bound. The parsing itself is left to
the standard library, and what the scan cannot read (a string left open, say) is left for the
parser to refuse in its own words.
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

__all__ = [
    "MAX_BARE",
    "MAX_DEPTH",
    "TooLarge",
    "check_json",
    "check_toml",
    "load_json",
    "load_toml",
]

MAX_DEPTH = 32
"""The deepest nesting of arrays and tables (objects) read; ehttp's own files nest at most 6."""

MAX_BARE = 64
"""The longest bare value read, in characters: a number has at most 20 digits in ehttp's own
files, a date or a key fewer than 40 characters."""


class TooLarge(ValueError):
    """A value over a bound: ``str()`` is '<key path>: <what>; <the bound>'."""


class _Path:
    """Where the scan is: the table (TOML's ``[header]``), the key at its level, and a frame per
    open array or inline table with the key or index of the value being read in it."""

    def __init__(self) -> None:
        self.table = ""
        self.top: str | None = None
        self.frames: list[list[Any]] = []
        """[kind, key or index]: kind '[' (an array, its index) or '{' (a table, its key)."""

    def text(self) -> str:
        out = self.table
        if self.top is not None:
            out += f".{self.top}" if out else self.top
        for kind, at in self.frames:
            if kind == "[":
                out += f"[{at}]"
            elif at is not None:
                out += f".{at}" if out else str(at)
        out = out or "the top level"
        return out if len(out) <= 60 else out[:59] + "…"

    def enter(self, kind: str, deeper: int = 0) -> None:
        if len(self.frames) + deeper >= MAX_DEPTH:
            raise TooLarge(
                f"{self.text()}: nested deeper than {MAX_DEPTH} arrays and tables; "
                f"at most {MAX_DEPTH} levels are read"
            )
        self.frames.append([kind, 0 if kind == "[" else None])

    def leave(self) -> None:
        if self.frames:
            self.frames.pop()

    def next_item(self) -> None:
        if self.frames and self.frames[-1][0] == "[":
            self.frames[-1][1] += 1

    def key(self, parts: list[str]) -> None:
        """A (dotted) key: each part a bare value, each dot a level deeper."""
        for part in parts:
            self.bare(part)
        key = ".".join(parts)
        if self.frames and self.frames[-1][0] == "{":
            self.frames[-1][1] = key
        elif not self.frames:
            self.top = key
        if len(parts) > 1:
            self.enter("{", len(parts) - 2)
            self.leave()

    def in_table(self) -> bool:
        return bool(self.frames) and self.frames[-1][0] == "{"

    def bare(self, token: str) -> None:
        if len(token) > MAX_BARE:
            raise TooLarge(
                f"{self.text()}: a value of {len(token):,} characters ({token[:12]}…); "
                f"at most {MAX_BARE} are read"
            )


_JSON_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|[\[\]{},:]|[^\s,:\[\]{}"]+|"')


_STRING_JSON = re.compile(r'"(?:\\.|[^"\\])*"')
_BARE_RUN = re.compile(rf'[^\s,:=\[\]{{}}"\'#]{{{MAX_BARE + 1},}}')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_PAIR = re.compile(r"\[\]|\{\}")


def _plainly_within(stripped: str) -> bool:
    """Whether text with its strings (and comments) taken out is within both bounds, found with
    regular expressions alone: no bare run too long, and the brackets gone after removing the
    innermost pairs `MAX_DEPTH` times. False sends the text to the scan, which names the key."""
    if _BARE_RUN.search(stripped):
        return False
    brackets = _NOT_BRACKET.sub("", stripped)
    for _ in range(MAX_DEPTH):
        brackets, removed = _PAIR.subn("", brackets)
        if not brackets or not removed:
            break
    return not brackets


def check_json(text: str) -> None:
    """Raise `TooLarge` for the first value of the JSON `text` over a bound."""
    if _plainly_within(_STRING_JSON.sub('""', text)):
        return
    path = _Path()
    key_next = False
    for found in _JSON_TOKEN.finditer(text):
        token = found.group()
        if token.startswith('"'):
            if len(token) == 1:
                return
            if key_next:
                path.key([_decoded(token)])
        elif token in ("[", "{"):
            path.enter(token)
            key_next = token == "{"
        elif token in ("]", "}"):
            path.leave()
        elif token == ",":
            path.next_item()
            key_next = path.in_table()
        elif token == ":":
            key_next = False
        else:
            path.bare(token)


def _decoded(string: str) -> str:
    try:
        key = json.loads(string)
    except ValueError:
        return string[1:-1]
    return key if isinstance(key, str) else string[1:-1]


_TOML_STRING = re.compile(
    r'"""(?:\\.|[^\\])*?"""|\'\'\'.*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'', re.S
)
_TOML_BARE = re.compile(r"[^\s,=\[\]{}#\"']+")
_TOML_HEADER = re.compile(r"\[\[?((?:[^\]\"'\n]|\"(?:\\.|[^\"\\\n])*\"|'[^'\n]*')*)\]\]?")


def _toml_key(raw: str) -> list[str]:
    """A (dotted) TOML key's parts, quotes taken off."""
    parts = re.findall(r'"(?:\\.|[^"\\])*"|\'[^\']*\'|[^.\s]+', raw)
    return [part[1:-1] if part[:1] in "\"'" else part for part in parts]


_COMMENT = re.compile(r"#[^\n]*")


def check_toml(text: str) -> None:
    """Raise `TooLarge` for the first value of the TOML `text` over a bound."""
    if _plainly_within(_COMMENT.sub("", _TOML_STRING.sub('""', text))):
        return
    path = _Path()
    arrays: dict[str, int] = {}
    line_start = True
    key_next = True
    at = 0
    while at < len(text):
        char = text[at]
        if char == "\n":
            line_start = True
            if not path.frames:
                key_next, path.top = True, None
            at += 1
            continue
        if char.isspace():
            at += 1
            continue
        if char == "#":
            end = text.find("\n", at)
            at = len(text) if end < 0 else end
            continue
        if char == "[" and line_start and not path.frames:
            header = _TOML_HEADER.match(text, at)
            if header is not None:
                path.table, path.top = "", None
                parts = _toml_key(header.group(1))
                path.key(parts)
                name = ".".join(parts)
                if header.group().startswith("[["):
                    arrays[name] = arrays.get(name, -1) + 1
                    name = f"{name}[{arrays[name]}]"
                path.table, path.top = name, None
                at, line_start, key_next = header.end(), False, True
                continue
        line_start = False
        if char in "\"'":
            found = _TOML_STRING.match(text, at)
            if found is None:
                return
            if key_next:
                path.key(_toml_key(found.group()))
            at = found.end()
            continue
        if char in "[{":
            path.enter(char)
            key_next = char == "{"
        elif char in "]}":
            path.leave()
            key_next = False
        elif char == ",":
            path.next_item()
            key_next = path.in_table()
        elif char == "=":
            key_next = False
        else:
            found = _TOML_BARE.match(text, at)
            if found is None:
                at += 1
                continue
            if key_next:
                path.key(_toml_key(found.group()))
            else:
                path.bare(found.group())
            at = found.end()
            continue
        at += 1


def load_json(text: str) -> Any:
    """`json.loads(text)` once `check_json` passes; raises `TooLarge` or `json.JSONDecodeError`."""
    check_json(text)
    return json.loads(text)


def load_toml(text: str) -> dict[str, Any]:
    """`tomllib.loads(text)` once `check_toml` passes; raises `TooLarge` or
    `tomllib.TOMLDecodeError`."""
    check_toml(text)
    return tomllib.loads(text)
