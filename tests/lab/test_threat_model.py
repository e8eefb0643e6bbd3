"""specs/threat-model.md's table names every reason code once, and only attacks of the catalogue
with that reason; every attack of the catalogue is in it."""

from __future__ import annotations

import re
from pathlib import Path

from ehttp.lab.attacks import CATALOGUE
from ehttp.lab.reasons import Reason

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


def test_the_lockout_the_threat_model_documents_holds() -> None:
    """specs/threat-model.md, "Lockout by an anonymous claim": a client with evidence still
    registers over an anonymous claim of its name; a workgroup client is locked out until an
    administrator acts."""
    from ehttp.config.labfile import default_lab
    from ehttp.lab.attacks.identity import request_as
    from ehttp.lab.evidence import Anonymous
    from ehttp.lab.reasons import Accepted, Refused
    from ehttp.lab.testbed import ConcreteLab

    tb = ConcreteLab(default_lab())
    for name in ("dom1", "wg1"):
        claim = tb.mp().register(request_as(tb, name, lambda payload: Anonymous()))
        assert isinstance(claim, Accepted) and not claim.value.approved
    assert isinstance(tb.register("dom1", "active-directory"), Accepted)
    locked = tb.register("wg1", "anonymous-manual-approval")
    assert isinstance(locked, Refused) and locked.reason is Reason.REG_CONFLICTING_RECORD
    assert "awaiting approval" in locked.detail
    text = THREAT_MODEL.read_text(encoding="utf-8")
    assert "Lockout by an anonymous claim" in text and "reg-conflicting-record" in text
