"""Hostile files for `ehttp fuzz --hostile` (`model/fuzz/hostile.py`): lab files and replay
files, genuine ones with text inserted, cut, repeated or replaced, nested deep, holding huge
numbers or too many tables, each with the oracle that says what may be accepted."""

from __future__ import annotations

import json
import re
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from ehttp.ask.statefile import StateFileError, load_world
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import LabError, lab_to_toml, parse_lab
from ehttp.config.schema import LAB_BOUNDS, Lab
from ehttp.fuzz.hostile_base import (
    JSON_VALUES,
    TEXT,
    Outcome,
    Target,
    cached,
)
from ehttp.fuzz.replay import FORMAT, MAX_REPLAY_STEPS, ReplayError, load_replay
from ehttp.lab.attacks import CATALOGUE
from ehttp.lab.mutants import MUTANTS
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.testbed import ConcreteLab
from ehttp.readlimits import MAX_BARE, MAX_DEPTH
from ehttp.report.auditfile import read_audit
from ehttp.report.fuzzfile import read_fuzz
from ehttp.report.page import ReportError

__all__ = ["FILE_TARGETS"]

_TOML_SNIPPETS = (
    "\x00",
    "\udc80",
    "[[clients]]\n",
    "\n[site]\n",
    'name = "../../etc/passwd"\n',
    "version = 1806\n",
    "= = =",
    '"""',
    "[" * 3000,
    "x = " + "[" * 900 + "]" * 900 + "\n",
    "x = " + "[" * 40 + "]" * 40 + "\n",
    "x = {a = " * 40 + "1" + "}" * 40 + "\n",
    "a" + ".a" * 40 + " = 1\n",
    "version = " + "9" * 5000 + "\n",
    "windows = " + "1" * 80 + "\n",
    'name = "' + "a" * 5000 + '"\n',
)
"""Text a lab file may be given: control characters, stray headers, deep nesting (past the
parser's recursion and past `ehttp.readlimits.MAX_DEPTH`), huge integers, long strings."""


def _more_tables(lab: Lab, data: st.DataObject) -> str:
    """As many [[clients]], [[management_points]] or [[distribution_points]] tables as a lab may
    have, or a few more, each a renamed copy of the lab's own, to append to its file."""
    section = data.draw(st.sampled_from(sorted(LAB_BOUNDS)))
    rows: tuple[Any, ...] = getattr(lab, section) or lab.management_points
    extra = LAB_BOUNDS[section] - len(rows) + data.draw(st.integers(0, 8))
    copies = tuple(replace(rows[k % len(rows)], name=f"extra{k}") for k in range(extra))
    changed: dict[str, Any] = {section: copies}
    text = lab_to_toml(replace(lab, **changed))
    tables = [part for part in text.split("\n\n") if part.startswith(f"[[{section}]]")]
    return "\n" + "\n\n".join(tables) + "\n"


class _Number(str):
    """A JSON number kept as the text it was written as."""


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


def _numbers(value: Any) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, _Number):
        return [str(value)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(abs(value))]
    return []


def _within_bounds(text: str, *, toml: bool = False) -> bool:
    """Whether accepted `text` is within `ehttp.readlimits`'s bounds, measured on the parsed
    value, independently of the scan: nesting (TOML's tables add their own two levels at most in
    a lab file) and the digits of every number. Text that does not parse is not judged here."""
    try:
        if toml:
            value: Any = tomllib.loads(text)
        else:
            value = json.loads(text, parse_int=_Number, parse_float=_Number)
    except RecursionError:
        return False
    except (tomllib.TOMLDecodeError, json.JSONDecodeError):
        return True
    except ValueError:
        return False
    slack = 2 if toml else 0
    digits = max((len(n) for n in _numbers(value)), default=0)
    return _depth(value) <= MAX_DEPTH + slack and digits <= MAX_BARE


def _lab_file(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    """A lab file: the lab's own TOML with text inserted, cut or repeated."""
    genuine = lab_to_toml(tb.lab)
    how = data.draw(st.sampled_from(["insert", "cut", "repeat", "replace-line", "oversize"]))
    at = data.draw(st.integers(0, len(genuine)))
    if how == "insert":
        text = genuine[:at] + data.draw(st.sampled_from(_TOML_SNIPPETS) | TEXT) + genuine[at:]
    elif how == "cut":
        text = genuine[:at] + genuine[at + data.draw(st.integers(1, 80)) :]
    elif how == "repeat":
        text = genuine * data.draw(st.integers(2, 50))
    elif how == "oversize":
        text = genuine + _more_tables(tb.lab, data)
    else:
        lines = genuine.splitlines()
        line = data.draw(st.integers(0, len(lines) - 1))
        key = lines[line].split(" = ")[0] if " = " in lines[line] else "name"
        lines[line] = f"{key} = {json.dumps(data.draw(JSON_VALUES), ensure_ascii=False)}"
        text = "\n".join(lines)
    try:
        verdict: Any = Accepted(parse_lab(text, "hostile.toml"))
    except LabError as error:
        verdict = Refused(Reason.INPUT_MALFORMED, str(error))

    def allowed(accepted: Any) -> bool:
        lab = accepted.value
        return (
            isinstance(lab, Lab)
            and all(len(getattr(lab, k)) <= most for k, most in LAB_BOUNDS.items())
            and _within_bounds(text, toml=True)
            and parse_lab(lab_to_toml(lab), "again.toml") == lab
        )

    return verdict, repr(text[:300]), allowed


def _replay_file(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    """A replay file: a genuine one (two steps and an attack) with a key, a step or its size
    changed, or its text cut or nested."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "lab": lab_to_toml(tb.lab),
        "seed": tb.seed,
        "mutant": None,
        "invariant": "hostile",
        "steps": [
            {"action": "select HTTPS only", "instance": "site", "machine": "site-mode", "row": 5},
            {"attack": CATALOGUE[0].name},
        ],
    }
    how = data.draw(st.sampled_from(["key", "step", "steps", "mutant", "text"]))
    if how == "key":
        document[data.draw(st.sampled_from(sorted(document)))] = data.draw(JSON_VALUES)
    elif how == "step":
        step = data.draw(st.integers(0, 1))
        document["steps"][step][data.draw(st.sampled_from(["attack", "instance", "row"]))] = (
            data.draw(JSON_VALUES)
        )
    elif how == "steps":
        document["steps"] = [{"attack": CATALOGUE[0].name}] * data.draw(st.integers(0, 20_000))
    elif how == "mutant":
        document["mutant"] = data.draw(st.sampled_from(sorted(MUTANTS)) | TEXT)
    text = json.dumps(document, ensure_ascii=False)
    if how == "text":
        cut = data.draw(st.integers(0, len(text)))
        text = data.draw(st.sampled_from(["[" * 50_000, text[:cut], text + "]", ""]))
    text = _deepen_or_grow(text, data)
    path = _saved(tb, "replay.json", text)
    try:
        verdict: Any = Accepted(load_replay(path, tb.lab))
    except ReplayError as error:
        verdict = Refused(Reason.INPUT_MALFORMED, str(error))

    def allowed(accepted: Any) -> bool:
        plan = accepted.value
        return (
            _within_bounds(text)
            and (plan.mutant is None or plan.mutant in MUTANTS)
            and len(plan.moves) <= MAX_REPLAY_STEPS
            and all(m in _ATTACK_NAMES for m in plan.moves if isinstance(m, str))
        )

    return verdict, repr(text[:300]), allowed


_ATTACK_NAMES = frozenset(a.name for a in CATALOGUE)


def _saved(tb: ConcreteLab, name: str, text: str) -> Path:
    """`text` written to a file of the campaign's own folder (removed when it ends)."""
    folder: Path = tb.__dict__.setdefault("_hostile_folder", Path(tempfile.mkdtemp()))
    path = folder / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def _deepen_or_grow(text: str, data: st.DataObject) -> str:
    """Often `text` as it is; else with a number grown past what Python converts, or a value
    nested around one of its numbers (from a few levels past the bound to thousands)."""
    how = data.draw(st.sampled_from(["as is", "as is", "grow", "deepen"]))
    numbers = [m for m in re.finditer(r"(?<![\w.\"])\d+(?![\w.\"])", text)]
    if how == "as is" or not numbers:
        return text
    found = data.draw(st.sampled_from(numbers))
    if how == "grow":
        middle = data.draw(st.sampled_from(["9" * 5000, "1" * (MAX_BARE + 1), "7" * MAX_BARE]))
    else:
        depth = data.draw(st.sampled_from([MAX_DEPTH - 2, MAX_DEPTH + 1, 40, 3000]))
        middle = "[" * depth + found.group() + "]" * depth
    return text[: found.start()] + middle + text[found.end() :]


def _saved_file(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    """A file another command saved, read back by `report --fuzz`, `report --audit` or
    `whatif --from`: a genuine document with a number grown or nested, or hostile JSON."""
    model = cached(tb, "world-model", lambda: WorldModel(tb.lab))
    kind = data.draw(st.sampled_from(["fuzz", "audit", "state"]))
    genuine: Any = {
        "fuzz": {
            "lab": tb.lab.name,
            "seed": 1,
            "coverage": {
                "reached": 3,
                "reachable": 9,
                "fraction": 0.3333,
                "timeline": [[0.0, 1], [1.0, 3]],
            },
        },
        "audit": {
            "lab": tb.lab.name,
            "kill_ratio": 1.0,
            "killed": 1,
            "counted": 1,
            "passed": True,
            "properties": [],
            "survivors": [],
        },
        "state": model.state_to_json(model.initial),
    }[kind]
    if data.draw(st.booleans()):
        genuine = data.draw(JSON_VALUES)
    text = _deepen_or_grow(json.dumps(genuine, ensure_ascii=False), data)
    path = _saved(tb, f"{kind}.json", text)
    read: dict[str, Callable[[], Any]] = {
        "fuzz": lambda: read_fuzz(path, tb.lab),
        "audit": lambda: read_audit(path, tb.lab),
        "state": lambda: load_world(model, path),
    }
    try:
        verdict: Any = Accepted(read[kind]())
    except (ReportError, StateFileError) as error:
        verdict = Refused(Reason.INPUT_MALFORMED, str(error))
    return verdict, f"{kind}: {text[:300]!r}", lambda _: _within_bounds(text)


FILE_TARGETS: tuple[tuple[Target, tuple[str, ...]], ...] = (
    (Target("lab file", _lab_file), ()),
    (Target("replay file", _replay_file), ()),
    (Target("saved file", _saved_file), ()),
)
"""Files ehttp reads from a user: lab files, replay files, and the files other commands save
(`report --fuzz`, `report --audit`, `whatif --from`)."""
