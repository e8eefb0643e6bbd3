"""Markdown of the source documents and the catalogue's quotes, rendered for the report.

The seed and the facts file are markdown (bold option names, tables whose cells hold `<br>`,
links). The report renders them with markdown-it (CommonMark and tables); raw HTML in the text is
escaped, except the `<br>` line breaks of table cells, and links keep their text with the address
as a tooltip only, so the page stays self-contained (it references no address).

`source_blocks` cuts a document into its blank-line separated blocks, each rendered on its own,
so a requirement can link to the very paragraph, table or list its quote comes from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["SourceBlock", "find_block", "plain", "render_block", "render_inline", "source_blocks"]

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.disable("image")

    def link_open(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        href = tokens[idx].attrGet("href") or ""
        return f'<span class="link" title="{escape(str(href))}">'

    def link_close(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "</span>"

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    return md


_MD = _parser()


def render_inline(text: str) -> str:
    """One sentence, table cell or table row as HTML: emphasis, code and links rendered, `<br>` a
    break, a row's cells (`| a | b |`) joined by a middle dot."""
    stripped = text.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        cells = [cell for cell in stripped[1:-1].split("|") if cell.strip()]
        return " · ".join(render_inline(cell) for cell in cells)
    return "<br>".join(_MD.renderInline(part.strip()) for part in _BREAK.split(text))


def render_block(text: str, heading_offset: int = 0) -> str:
    """A block of markdown (paragraph, list, table, heading) as HTML; headings are moved down
    `heading_offset` levels (at most to h6), so a document's headings sit under the page's."""
    html: str = _MD.render(_BREAK.sub("\u2028", text)).replace("\u2028", "<br>")
    if heading_offset:
        html = re.sub(
            r"<(/?)h([1-6])>",
            lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + heading_offset, 6)}>",
            html,
        )
    return html


def plain(text: str) -> str:
    """Text with its whitespace runs made single spaces (hard-wrapped lines read as one)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class SourceBlock:
    """A blank-line separated block of a source document: its number and its markdown."""

    number: int
    text: str


def source_blocks(text: str) -> tuple[SourceBlock, ...]:
    """The document's non-empty blocks in order (a table or list without blank lines is one; an
    indented block continues the list item before it, so it stays with that item); a YAML front
    matter block (`---` ... `---`) is metadata, not text, and is left out."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        text = text[end + 5 :] if end >= 0 else text
    parts: list[str] = []
    for part in re.split(r"\n\s*\n", text):
        if not part.strip():
            continue
        if parts and part[:1] in (" ", "\t"):
            parts[-1] += "\n\n" + part.strip("\n")
        else:
            parts.append(part.strip("\n"))
    return tuple(SourceBlock(n, part) for n, part in enumerate(parts))


def find_block(blocks: Sequence[SourceBlock], quote: str) -> SourceBlock | None:
    """The first block whose text holds `quote` (whitespace runs compared as single spaces)."""
    wanted = plain(quote)
    for block in blocks:
        if wanted in plain(block.text):
            return block
    return None
