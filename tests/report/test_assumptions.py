"""specs/assumptions.md lists every `Modeling assumption:` in model/, and names only real things."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ehttp.report.requirements import requirement_ids

ROOT = Path(__file__).resolve().parents[2]
ASSUMPTIONS = ROOT / "specs" / "assumptions.md"
MARK = re.compile(r"Modeling assumptions?(?: (A-\d+))?(?: \([^)]*\))?:")
"""A mark: the words, the assumption's ID, an optional bracketed note, then a colon (a heading
is not a mark)."""
WINDOW = 300
"""How many characters after a mark its phrase must start within."""


@dataclass(frozen=True)
class Entry:
    id: str
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
        heading, _, body = block.partition("\n")
        found = re.fullmatch(r"(A-\d+): (.+)", heading.strip())
        ident, title = (found.group(1), found.group(2)) if found else ("", heading.strip())
        fields = dict(re.findall(r"^- (\w+): (.*)$", body, flags=re.MULTILINE))
        entries.append(
            Entry(
                id=ident,
                title=title,
                file=fields.get("File", "").strip("`"),
                phrase=fields.get("Phrase", "").strip('"'),
                requirements=tuple(
                    part.strip() for part in fields.get("Requirements", "").split(",") if part
                ),
                reason=fields.get("Reason", ""),
            )
        )
    return entries


def marks() -> list[tuple[str, int, str, str]]:
    """Every mark in model/**/*.py: file, line, the ID it names ("" if none) and the flattened
    text that follows it."""
    found = []
    for path in sorted((ROOT / "model").rglob("*.py")):
        if "specs" in path.relative_to(ROOT).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in MARK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            after = flat(text[match.start() : match.start() + WINDOW * 2])[:WINDOW]
            found.append((path.relative_to(ROOT).as_posix(), line, match.group(1) or "", after))
    return found


def test_the_file_parses_into_complete_entries_with_stable_ids() -> None:
    entries = parse(ASSUMPTIONS.read_text(encoding="utf-8"))
    assert len(entries) >= 30
    for entry in entries:
        assert entry.file and entry.phrase and entry.requirements and entry.reason, entry
    assert len({e.title for e in entries}) == len(entries)
    assert [e.id for e in entries] == [f"A-{n}" for n in range(1, len(entries) + 1)]


def test_every_mark_in_the_model_names_its_listed_id() -> None:
    """A mark names an ID whose entry is in the same file; each entry's phrase follows a mark
    that names its ID (other marks naming it are rows that enact it)."""
    entries = {e.id: e for e in parse(ASSUMPTIONS.read_text(encoding="utf-8"))}
    found = marks()
    wrong = [
        f"{file}:{line}: {ident or 'no ID'}: {after[:80]}"
        for file, line, ident, after in found
        if ident not in entries or entries[ident].file != file
    ]
    assert wrong == [], "marks without a listed ID:\n" + "\n".join(wrong)
    for entry in entries.values():
        assert any(ident == entry.id and entry.phrase in after for _, _, ident, after in found), (
            f"{entry.id}: no mark naming it is followed by {entry.phrase!r}"
        )


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
        '## A-1: One\n- File: `model/machines/site.py`\n- Phrase: "nothing like this"\n'
        "- Requirements: SITE-3\n- Reason: r\n"
    )
    site = [after for file, _, _, after in marks() if file == "model/machines/site.py"]
    assert site
    assert not any(entries[0].phrase in after for after in site)
