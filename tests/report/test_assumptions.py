"""specs/assumptions.md lists every `Modeling assumption:` in model/, and names only real things."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from model.report.requirements import requirement_ids

ROOT = Path(__file__).resolve().parents[2]
ASSUMPTIONS = ROOT / "specs" / "assumptions.md"
MARK = re.compile(r"Modeling assumptions?(?: \([^)]*\))?:")
"""A mark: the words, an optional bracketed note, then a colon (a heading is not a mark)."""
WINDOW = 300
"""How many characters after a mark its phrase must start within."""


@dataclass(frozen=True)
class Entry:
    title: str
    file: str
    phrase: str
    requirements: tuple[str, ...]
    reason: str


def flat(text: str) -> str:
    return " ".join(text.split())


def parse(text: str) -> list[Entry]:
    entries = []
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        title, _, body = block.partition("\n")
        fields = dict(re.findall(r"^- (\w+): (.*)$", body, flags=re.MULTILINE))
        entries.append(
            Entry(
                title=title.strip(),
                file=fields.get("File", "").strip("`"),
                phrase=fields.get("Phrase", "").strip('"'),
                requirements=tuple(
                    part.strip() for part in fields.get("Requirements", "").split(",") if part
                ),
                reason=fields.get("Reason", ""),
            )
        )
    return entries


def marks() -> list[tuple[str, int, str]]:
    """Every mark in model/**/*.py: file, line, and the flattened text that follows it."""
    found = []
    for path in sorted((ROOT / "model").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for match in MARK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            after = flat(text[match.start() : match.start() + WINDOW * 2])[:WINDOW]
            found.append((path.relative_to(ROOT).as_posix(), line, after))
    return found


def test_the_file_parses_into_complete_entries() -> None:
    entries = parse(ASSUMPTIONS.read_text(encoding="utf-8"))
    assert len(entries) >= 30
    for entry in entries:
        assert entry.file and entry.phrase and entry.requirements and entry.reason, entry
    assert len({e.title for e in entries}) == len(entries)


def test_every_mark_in_the_model_is_listed() -> None:
    entries = parse(ASSUMPTIONS.read_text(encoding="utf-8"))
    missing = [
        f"{file}:{line}: {after[:80]}"
        for file, line, after in marks()
        if not any(e.file == file and e.phrase in after for e in entries)
    ]
    assert missing == [], "not in specs/assumptions.md:\n" + "\n".join(missing)


def test_every_entry_names_an_existing_file_its_phrase_and_existing_ids() -> None:
    known = requirement_ids()
    for entry in parse(ASSUMPTIONS.read_text(encoding="utf-8")):
        path = ROOT / entry.file
        assert entry.file.startswith("model/") and path.is_file(), entry.file
        assert entry.phrase in flat(path.read_text(encoding="utf-8")), (entry.file, entry.phrase)
        unknown = set(entry.requirements) - known
        assert not unknown, f"{entry.title}: {sorted(unknown)} not in the catalogue"


def test_a_mark_without_an_entry_is_reported() -> None:
    entries = parse(
        '## One\n- File: `model/spec/site.py`\n- Phrase: "nothing like this"\n'
        "- Requirements: SITE-3\n- Reason: r\n"
    )
    site = [after for file, _, after in marks() if file == "model/spec/site.py"]
    assert site
    assert not any(entries[0].phrase in after for after in site)
