"""Saved JSON files for ehttp report: one-line refusals, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehttp.report.page import ReportError
from ehttp.report.savedfile import MAX_SAVED_BYTES, not_accepted, read_saved_json

HINT = "give the output of `ehttp audit --json`"


def test_a_json_document_is_read(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"command": "audit"}', encoding="utf-8")
    assert read_saved_json(path, "--audit", HINT) == {"command": "audit"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{", r"^--audit: .*a\.json is not JSON \(.*\); give the output of `ehttp audit --json`$"),
        (b"\xff\xfe", r"^--audit: .*a\.json is not JSON \(.*\); give the output"),
        (b"[" * 100_000, r"^--audit: .*a\.json: \[0\]\[0\].*: nested deeper than 32 arrays"),
        (
            b'{"mutants": [' + b"9" * 5000 + b"]}",
            r"^--audit: .*a\.json: mutants\[0\]: a value of 5,000 characters \(9+…\); at most 64",
        ),
        (b" " * (MAX_SAVED_BYTES + 1), r"^--audit: .*a\.json: larger than 4,194,304 bytes$"),
    ],
    ids=["truncated", "not-utf-8", "nested", "huge-integer", "too-large"],
)
def test_a_bad_file_is_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(content)
    with pytest.raises(ReportError, match=message):
        read_saved_json(path, "--audit", HINT)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"^--fuzz: .*nowhere\.json: No such file or directory$"):
        read_saved_json(tmp_path / "nowhere.json", "--fuzz", HINT)


def test_a_long_value_is_cut_in_the_message() -> None:
    error = not_accepted("--fuzz", "coverage.reached", "x" * 100, "give a whole number >= 0")
    assert str(error) == (
        "--fuzz: coverage.reached 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… is not accepted; "
        "give a whole number >= 0"
    )
