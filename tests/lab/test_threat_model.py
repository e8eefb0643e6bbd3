"""specs/threat-model.md's table names every reason code once, and only attacks of the catalogue
with that reason; every attack of the catalogue is in it."""

from __future__ import annotations

import re
from pathlib import Path

from model.lab.attacks import CATALOGUE
from model.lab.reasons import Reason

THREAT_MODEL = Path(__file__).resolve().parents[2] / "specs" / "threat-model.md"
ROW = re.compile(r"^\| `([a-z-]+)` \| (.+?) \| (.+?) \| (.+?) \|$")


def _rows() -> list[tuple[str, str]]:
    return [
        (match[1], match[4])
        for line in THREAT_MODEL.read_text(encoding="utf-8").splitlines()
        if (match := ROW.match(line))
    ]


def test_every_reason_is_in_the_table_once() -> None:
    reasons = [reason for reason, _ in _rows()]
    assert sorted(reasons) == sorted(r.value for r in Reason)


def test_the_table_names_each_attack_under_its_own_reason() -> None:
    expected = {a.name: a.expected.value for a in CATALOGUE}
    named = {}
    for reason, cell in _rows():
        if cell.startswith("("):
            continue
        for name in cell.split(", "):
            assert expected.get(name) == reason, (name, reason)
            named[name] = reason
    assert named == expected
