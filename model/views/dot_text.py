"""Free text in Graphviz's languages: what a lab names (the lab, its site systems, its clients)
goes into a picture as data, never as DOT or as Graphviz's HTML-like markup (STYLE.md rule 16).

The graphviz package quotes a value and escapes its double quotes, but it keeps backslashes as
they are, since they are DOT's own escapes (``\\G`` is replaced by the graph's name, ``\\l`` ends a
left-aligned line, an odd number at the end escapes the closing quote), and it takes a value
written as ``<...>`` for an HTML-like label, where ``<IMG SRC="...">`` makes `dot` read a file.
`label` joins lines of free text with `graphviz.escape` (backslashes doubled, never HTML) and
`html_text` escapes text for an HTML-like label (where backslashes are escapes too). Both show a
control character as U+FFFD first: Graphviz's XML parser refuses most of them.
"""

from __future__ import annotations

import html
import re

import graphviz

__all__ = ["html_text", "label", "shown"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown(text: str) -> str:
    """`text` with every control character replaced by U+FFFD (the replacement character)."""
    return _CONTROL.sub("\ufffd", text)


def label(*lines: str) -> str:
    """Lines of free text as one DOT label value, centred line after line: each line's
    backslashes doubled, the whole marked as plain text (never an HTML-like label)."""
    text: str = graphviz.nohtml("\\n".join(graphviz.escape(shown(line)) for line in lines))
    return text


def html_text(text: str) -> str:
    """Free text inside a Graphviz HTML-like label: ``& < > " '`` escaped, backslashes doubled
    (Graphviz expands ``\\G`` and the like there too, even written as ``&#92;G``), control
    characters shown as U+FFFD."""
    return html.escape(shown(text)).replace("\\", "\\\\")
