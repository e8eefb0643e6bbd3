"""Hostile text through every generator: a lab's free text with each generated language's
metacharacters, and the oracle that says whether the text stayed data (STYLE.md rule 16).

A lab's free text is its name and the names of its site systems and clients (`TEXT_FIELDS`). The
lab parser accepts any line of text as a lab name and only host names for the others, but the
generators must hold for any text (defence in depth), so a hostile lab is made either from a lab
file (the parser decides) or directly. Its generated files are compared with the lab's own:

- Promela (`model/compose/promela.py`): the code outside comments must be identical, since
  variables are named by position and names are written into comments only;
- DOT (`model/views/diagrams_lab.py`, the pictures of the lab's traces and, when it is small
  enough, of its reachable graph): the same tokens, each quoted string holding only the escapes
  ehttp writes (``\\\\``, ``\\"``, ``\\n``, ``\\l``) and each HTML-like label the same tags;
- HTML (`model/report/page.py`): the same elements with the same attributes, counted, and the
  lab's name found as text.

A difference means the lab's text changed the code around it (`differences`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import graphviz
from hypothesis import strategies as st

from ehttp.compose.checking import run_checks
from ehttp.compose.promela import export_promela
from ehttp.config.labfile import LabError, lab_to_toml, parse_lab
from ehttp.config.schema import SITE_INSTANCES, Lab
from ehttp.fuzz.hostile_base import Outcome, Target, cached
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.testbed import ConcreteLab
from ehttp.report.page import ReportMeta, render_page
from ehttp.views.diagrams_lab import lab_graph, trace_graph, traced_properties
from ehttp.views.scenarios import evaluate

__all__ = [
    "GENERATOR_TARGETS",
    "HOSTILE_TEXT",
    "METACHARACTERS",
    "TEXT_AS_CODE",
    "Generated",
    "differences",
    "dot_structure",
    "generate",
    "html_structure",
    "html_text",
    "promela_code",
    "small_lab",
    "text_fields",
    "with_text",
]

METACHARACTERS: dict[str, tuple[str, ...]] = {
    "Promela and C": ("*/", "/*", "c_code { ", "} ", "#define X", ";", '"', "\\", "??/", "//"),
    "DOT": ('"', "\\", "\\G", "\\N", "\\l", "<", ">", "{", "}", "--", "->", "[", "]", "=", ";"),
    "HTML-like labels": ('<IMG SRC="/etc/passwd"/>', "<B>", "</TD>", "<BR/>"),
    "HTML and SVG": ("&", "&amp;", "'", "<script>", "</title>", "<!--", "-->", "]]>", "<![CDATA["),
    "command lines": ("$(", "`", "|", "&&", " -o ", "--"),
    "text": ("é", "日本", "🙂", "\u202e", "\ufeff"),
}
"""What each language ehttp writes gives a meaning to, by language."""

HOSTILE_TEXT = "x */ c_code { ... } /* y " + " ".join(
    text for found in METACHARACTERS.values() for text in found
)
"""One line holding every metacharacter (no control characters: a lab name may hold none)."""


def text_fields(lab: Lab) -> tuple[str, ...]:
    """Every free-text field of `lab` by its key path (``name``, ``clients[2].name``, ...)."""
    paths = ["name"]
    for section in ("management_points", "distribution_points", "clients"):
        paths += [f"{section}[{k}].name" for k in range(len(getattr(lab, section)))]
    return tuple(paths)


_PATH = re.compile(r"(\w+)\[(\d+)\]\.name")


def with_text(lab: Lab, path: str, text: str) -> Lab:
    """`lab` with the field at `path` (one of `text_fields`) set to `text`, unvalidated."""
    if path == "name":
        return replace(lab, name=text)
    found = _PATH.fullmatch(path)
    if found is None:
        raise ValueError(
            f"path: {path!r} is not accepted; use one of {', '.join(text_fields(lab))}"
        )
    section, index = found.group(1), int(found.group(2))
    rows: list[Any] = list(getattr(lab, section))
    rows[index] = replace(rows[index], name=text)
    changed: dict[str, Any] = {section: tuple(rows)}
    return replace(lab, **changed)


def small_lab(lab: Lab) -> Lab:
    """`lab` cut to its first management point, distribution point and client: every kind of
    free text, a state space that is checked in a fraction of a second."""
    return replace(
        lab,
        management_points=lab.management_points[:1],
        distribution_points=lab.distribution_points[:1],
        clients=lab.clients[:1],
    )


@dataclass(frozen=True)
class Generated:
    """What ehttp writes for a lab: its Promela export, the DOT of its pictures, its page."""

    promela: str
    dot: tuple[str, ...]
    page: str


def _draw_source(graph: graphviz.Digraph) -> bytes:
    source: str = graph.source
    return source.encode("utf-8")


def generate(lab: Lab) -> Generated:
    """Every generated file of `lab`: the Promela export, the DOT source of every picture the
    lab's check draws, and the report page (its pictures embedded as DOT, so that no `dot`
    process runs; `dot`'s own SVG is parsed by the tests)."""
    run = run_checks(lab)
    graph = lab_graph(run)
    pictures = [trace_graph(lab.name, item) for item in traced_properties(run)]
    if graph is not None:
        pictures.insert(0, graph)
    meta = ReportMeta(version="hostile", date="-", command="ehttp report")
    page = render_page(lab, run, (), evaluate(lab), (), None, meta, draw=_draw_source)
    return Generated(export_promela(lab).text, tuple(p.source for p in pictures), page)


_C_LEXEME = re.compile(r'/\*.*?\*/|/\*.*\Z|"(?:\\.|[^"\\\n])*"|[^"/]+|/', re.S)


def promela_code(text: str) -> str:
    """Promela (or C) text without its comments, each replaced by one space: what Spin reads.
    An unterminated comment runs to the end."""
    return "".join(" " if lexeme.startswith("/*") else lexeme for lexeme in _C_LEXEME.findall(text))


_DOT_TOKEN = re.compile(
    r'\s+|//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\])*"|->|--|[{}\[\]=;,:]|[^\s"{}\[\]=;,:<>-]+|-|<|>',
    re.S,
)
_DOT_ESCAPES = frozenset('\\"nl')


def _html_label(source: str, start: int) -> tuple[str, int]:
    """The HTML-like label starting at `start` (a ``<``) and the offset after it."""
    depth = 0
    for at in range(start, len(source)):
        depth += {"<": 1, ">": -1}.get(source[at], 0)
        if depth == 0:
            return source[start + 1 : at], at + 1
    return source[start + 1 :], len(source)


def dot_structure(source: str) -> list[str]:
    """DOT source as its tokens: a quoted string as ``STRING``, an HTML-like label as its tags
    (each with any backslash escape ehttp never writes there), anything else as itself."""
    tokens: list[str] = []
    at = 0
    while at < len(source):
        if source[at] == "<":
            inside, at = _html_label(source, at)
            odd = sorted({e for e in re.findall(r"\\(.)", inside, re.S)} - {"\\"})
            shown = " ".join(sorted(html_structure(inside).elements()))
            tokens.append(f"HTML {shown}" + (f" with escapes {''.join(odd)!r}" if odd else ""))
            continue
        found = _DOT_TOKEN.match(source, at)
        if found is None:
            tokens.append(f"UNREADABLE {source[at:]!r}")
            break
        at = found.end()
        token = found.group()
        if token.isspace() or token.startswith(("//", "/*")):
            continue
        if token.startswith('"'):
            odd = sorted({e for e in re.findall(r"\\(.)", token[1:-1], re.S)} - _DOT_ESCAPES)
            token = "STRING" + (f" with escapes {''.join(odd)!r}" if odd else "")
        tokens.append(token)
    return tokens


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements = Counter[str]()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements[f"<{tag} {' '.join(sorted(name for name, _ in attrs))}>"] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.elements[f"</{tag}>"] += 1

    def handle_comment(self, data: str) -> None:
        self.elements["<!-- -->"] += 1

    def handle_decl(self, decl: str) -> None:
        self.elements[f"<!{decl.split()[0] if decl.split() else ''}>"] += 1

    def unknown_decl(self, data: str) -> None:
        self.elements["<![ ]>"] += 1

    def handle_pi(self, data: str) -> None:
        self.elements["<? ?>"] += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@lru_cache(maxsize=4)
def _parsed(page: str) -> tuple[tuple[tuple[str, int], ...], str]:
    """A page's elements, counted, and its text, from one parse: `differences` reads both of a
    hostile page, and the lab's own page for every hostile one."""
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return tuple(parser.elements.items()), "\n".join(parser.text)


def html_structure(page: str) -> Counter[str]:
    """Every element of an HTML page (or HTML-like label) with its attribute names, counted;
    comments, declarations and processing instructions counted too."""
    return Counter(dict(_parsed(page)[0]))


def html_text(page: str) -> str:
    """The page's text as a reader sees it (entities decoded), element after element."""
    return _parsed(page)[1]


def differences(lab: Generated, hostile: Generated, name: str | None = None) -> list[str]:
    """Where the hostile lab's files differ in structure from the lab's (empty: the text stayed
    data). `name`, when given, is the hostile lab name, which the page must show as text."""
    found: list[str] = []
    if promela_code(lab.promela) != promela_code(hostile.promela):
        found.append("Promela: the code outside comments changed")
    if len(lab.dot) != len(hostile.dot):
        found.append(f"DOT: {len(hostile.dot)} pictures instead of {len(lab.dot)}")
    for number, (mine, theirs) in enumerate(zip(lab.dot, hostile.dot, strict=False)):
        expected, got = dot_structure(mine), dot_structure(theirs)
        if expected != got:
            where = next(
                (k for k, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
                min(len(expected), len(got)),
            )
            shown = got[where] if where < len(got) else "the end"
            found.append(f"DOT picture {number}: token {where} is {shown!r}")
    elements, hostile_elements = html_structure(lab.page), html_structure(hostile.page)
    extra, missing = hostile_elements - elements, elements - hostile_elements
    if extra or missing:
        found.append(f"HTML: elements added {sorted(extra)[:3]}, removed {sorted(missing)[:3]}")
    if name is not None and f"lab {name}" not in html_text(hostile.page):
        found.append("HTML: the lab's name is not shown as text")
    return found


TEXT_AS_CODE = "a lab's text stays data in every file ehttp generates"
"""The invariant of the generators target: `differences` finds nothing."""

_HOSTILE = st.lists(
    st.sampled_from([text for found in METACHARACTERS.values() for text in found])
    | st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=6),
    min_size=1,
    max_size=6,
).map("".join)


def _generators(tb: ConcreteLab, data: st.DataObject) -> Outcome:
    """Hostile text in one free-text field of the lab (cut to `small_lab`), written into its
    lab file and read back by the parser, or set directly as code may (defence in depth), then
    through every generator; accepted means generated, allowed means no `differences`."""
    lab = small_lab(tb.lab)
    original = cached(tb, "generated", lambda: generate(lab))
    path = data.draw(st.sampled_from(text_fields(lab)))
    text = data.draw(_HOSTILE)
    how = data.draw(st.sampled_from(["lab file", "in code"]))
    shown = f"{path} = {text!r} ({how})"
    hostile = with_text(lab, path, text)
    if how == "lab file":
        try:
            hostile = parse_lab(lab_to_toml(hostile), "hostile.toml")
        except LabError as error:
            return Refused(Reason.INPUT_MALFORMED, str(error)), shown, lambda _: False
    others = [n.casefold() for p, n in _names(lab) if p != path] + list(SITE_INSTANCES)
    if path != "name" and text.casefold() in others:
        return Refused(Reason.INPUT_MALFORMED, "names must be unique"), shown, lambda _: False
    found = differences(original, generate(hostile), text if path == "name" else None)
    detail = f"{shown}: {'; '.join(found)}" if found else shown
    return Accepted(hostile), detail, lambda _: not found


def _names(lab: Lab) -> list[tuple[str, str]]:
    names = [row.name for row in lab.management_points]
    names += [row.name for row in lab.distribution_points]
    names += [row.name for row in lab.clients]
    return list(zip(text_fields(lab)[1:], names, strict=True))


GENERATOR_TARGETS: tuple[tuple[Target, tuple[str, ...]], ...] = (
    (Target("generated files", _generators, forbidden=TEXT_AS_CODE, weight=0.2), ()),
)
"""A lab's text through Promela, DOT and HTML: a few examples per round, each checks and draws
a small lab."""
