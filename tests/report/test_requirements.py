"""The requirement catalogue: each design ID once, quotes verbatim, hashes current, drift caught."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ehttp.report import requirements
from ehttp.report.requirements import (
    CATALOGUE,
    FACTS,
    SEED,
    CatalogueError,
    check_quotes,
    headings,
    load_requirements,
    parse_catalogue,
    quote_digest,
    read_documents,
    requirement_ids,
    section_text,
)

DESIGN_IDS = (
    "SITE-1", "SITE-2", "SITE-3", "SITE-4",
    "CERT-1", "CERT-2", "CERT-3", "CERT-4", "CERT-5",
    "REG-1", "REG-2", "REG-3", "REG-4", "REG-5", "REG-6",
    "MP-1", "MP-2", "MP-3",
    "DP-1", "DP-2", "DP-3",
    "SCN-1", "SCN-2", "SCN-3",
    "PRE-1", "KI-1", "KI-2",
    "SEC-1", "SEC-2", "SEC-3", "SEC-4", "SEC-5",
)  # fmt: skip
ADDED_IDS = ("IMP-1", "SITE-5", "PRE-2")
"""Seed sentences catalogued after the design brief (issue 9): the 1806 improvements, the factors
of client to management point communication, the General-tab settings."""
DERIVED_IDS = {"CERT-5", "SEC-1", "SEC-2", "SEC-3", "SEC-4", "SEC-5"}
ENTRY = """
[[requirements]]
id = "SITE-1"
source = "specs/source/enhanced-http.md"
section = "Configure the site"
derived = false
wording = "w"
quotes = ["q"]
quote_sha256 = "{digest}"
""".format(digest="0" * 64)


def unwrapped(text: str) -> str:
    return text.replace("\n  ", " ")


def by_id() -> dict[str, requirements.Requirement]:
    return {requirement.id: requirement for requirement in load_requirements()}


def test_every_design_id_is_present_exactly_once_in_design_order() -> None:
    assert len(DESIGN_IDS) == 32
    ids = tuple(requirement.id for requirement in load_requirements())
    assert ids[: len(DESIGN_IDS)] == DESIGN_IDS
    assert ids[len(DESIGN_IDS) :] == ADDED_IDS
    assert requirement_ids() == frozenset(DESIGN_IDS + ADDED_IDS)


def test_derived_requirements_are_the_designs_derived_ones() -> None:
    catalogue = load_requirements()
    assert {requirement.id for requirement in catalogue if requirement.derived} == DERIVED_IDS
    for requirement in catalogue:
        assert (requirement.source == "derived") == requirement.derived, requirement.id
        assert requirement.quoted_document == SEED, requirement.id


def test_every_quote_occurs_verbatim_in_its_document() -> None:
    documents = read_documents()
    seed, facts = documents[SEED], unwrapped(documents[FACTS])
    missing = sorted(
        {
            requirement.id
            for requirement in load_requirements()
            for quote in requirement.quotes
            if quote not in seed
        }
        | {
            requirement.id
            for requirement in load_requirements()
            for quote in requirement.reference_quotes
            if quote not in facts
        }
    )
    assert missing == [], f"quotes no longer in specs/source for {', '.join(missing)}"


def test_every_hash_matches_its_quotes() -> None:
    stale = [
        requirement.id
        for requirement in load_requirements()
        if quote_digest(requirement.quotes + requirement.reference_quotes)
        != requirement.quote_sha256
    ]
    assert stale == [], f"quote_sha256 out of date for {', '.join(stale)}"


def test_every_section_is_a_heading_that_holds_the_first_quote() -> None:
    seed = read_documents()[SEED]
    assert "Known issues" in headings(seed)
    assert "Scenario 3 Azure AD device identity" in headings(seed)
    for requirement in load_requirements():
        assert requirement.section in headings(seed), requirement.id
        assert requirement.quotes[0] in (section_text(seed, requirement.section) or ""), (
            requirement.id
        )


def test_wording_is_our_own() -> None:
    documents = read_documents()
    for requirement in load_requirements():
        assert requirement.wording not in documents[SEED], requirement.id
        assert requirement.wording not in requirement.quotes, requirement.id


def test_the_catalogue_matches_the_documents_as_they_are() -> None:
    assert check_quotes() == []


def test_section_text_stops_at_the_next_heading_of_the_same_level() -> None:
    seed = read_documents()[SEED]
    known = section_text(seed, "Known issues")
    assert known is not None
    assert "smsexec" in known
    assert "Technical details" not in known
    details = section_text(seed, "Technical details")
    assert details is not None
    assert "| MP type" in details and "|HTTP (anonymous) | No |" in details
    assert section_text(seed, "No such heading") is None


@pytest.mark.parametrize(
    ("document", "old", "new", "drifted"),
    [
        (SEED, "restart the smsexec service", "restart the SMS Executive service", ["CERT-4"]),
        (
            SEED,
            "<br> - Anonymous (manual approval)",
            "<br> - Anonymous (automatic approval)",
            ["REG-1", "REG-2", "REG-3", "SEC-2"],
        ),
        (SEED, "## Prerequisites", "## Before you begin", ["PRE-1", "PRE-2"]),
        (
            SEED,
            "# Enhanced HTTP\n",
            "# Enhanced HTTP communication\n",
            ["SITE-3", "SITE-4", "IMP-1"],
        ),
        (
            SEED,
            "The site can't verify the client message signature.",
            "The site can't check the client message signature.",
            ["REG-5", "SEC-3"],
        ),
        (FACTS, "interval: 60 minutes", "interval: 90 minutes", ["REG-4"]),
        (FACTS, "is not documented.", "is documented.", ["SEC-4"]),
    ],
)
def test_drift_in_a_document_is_reported(
    document: str, old: str, new: str, drifted: list[str]
) -> None:
    documents = read_documents()
    assert old in documents[document]
    documents[document] = documents[document].replace(old, new)
    assert check_quotes(documents=documents) == drifted


def test_a_quote_moved_out_of_its_section_is_reported() -> None:
    documents = read_documents()
    sentence = "OS deployment scenarios still require the network access account."
    moved = (
        documents[SEED]
        .replace(f"- {sentence}", "")
        .replace("## Technical details\n", f"## Technical details\n\n{sentence}\n")
    )
    assert sentence in moved
    assert check_quotes(documents={**documents, SEED: moved}) == ["KI-2"]


def test_an_edited_quote_with_a_stale_hash_is_reported() -> None:
    catalogue = by_id()
    edited = dataclasses.replace(catalogue["KI-1"], quotes=catalogue["KI-2"].quotes)
    assert check_quotes([edited, catalogue["KI-2"]]) == ["KI-1"]
    rehashed = dataclasses.replace(
        edited, section="Known issues", quote_sha256=quote_digest(edited.quotes)
    )
    assert check_quotes([rehashed]) == []


def test_the_facts_file_line_breaks_read_as_spaces() -> None:
    sec5 = by_id()["SEC-5"]
    facts = read_documents()[FACTS]
    wrapped = [quote for quote in sec5.reference_quotes if quote not in facts]
    assert wrapped, "SEC-5 quotes a sentence that the facts file wraps over lines"
    assert all(quote in unwrapped(facts) for quote in wrapped)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            ENTRY + ENTRY,
            "requirements.toml: SITE-1 is listed twice; IDs must be unique",
        ),
        (
            ENTRY.replace("derived = false", "derived = true"),
            "requirements.toml: SITE-1: derived is true but source is"
            " 'specs/source/enhanced-http.md'; a requirement is derived exactly when its source"
            " is 'derived'",
        ),
        (
            ENTRY + 'colour = "blue"\n',
            "requirements.toml: requirements.0.colour: Extra inputs are not permitted",
        ),
        (
            ENTRY.replace('id = "SITE-1"', 'id = "site one"'),
            "requirements.toml: requirements.0.id: String should match pattern"
            " '^[A-Z]+-[1-9][0-9]*$'",
        ),
        ("requirements = [", "requirements.toml: not valid TOML: "),
    ],
)
def test_a_malformed_catalogue_is_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue(text, Path("requirements.toml"))
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(message)


def test_a_missing_specs_folder_is_one_clear_line(tmp_path: Path) -> None:
    missing = tmp_path / "specs" / "requirements.toml"
    with pytest.raises(CatalogueError) as caught:
        load_requirements(missing)
    assert str(caught.value) == (
        f"{missing}: cannot read the file (No such file or directory); the package ships its"
        " specs in ehttp/specs/, so reinstall ehttp"
    )


def test_the_catalogue_is_read_from_the_one_specs_folder() -> None:
    checkout = Path(requirements.__file__).resolve().parents[2]
    assert checkout / "specs" / "requirements.toml" == CATALOGUE


CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


@pytest.mark.parametrize(
    ("marker", "outcome"),
    [
        ('@pytest.mark.req("SITE-2", "CERT-3")', 0),
        ('@pytest.mark.req("SITE-2", "NOPE-9")', pytest.ExitCode.USAGE_ERROR),
        ("@pytest.mark.req()", pytest.ExitCode.USAGE_ERROR),
    ],
)
def test_the_req_marker_only_accepts_catalogue_ids(
    pytester: pytest.Pytester, marker: str, outcome: int
) -> None:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(f"import pytest\n\n{marker}\ndef test_marked():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == outcome
    if outcome:
        result.stderr.fnmatch_lines(["ERROR: *test_marked*@pytest.mark.req names *"])
    if "NOPE-9" in marker:
        result.stderr.fnmatch_lines(["*names NOPE-9, not in specs/requirements.toml*"])
