"""The page's HTML building blocks: its style sheet, escaping, tables, verdict words and links.

Every section module builds its HTML with these, so that free text is escaped in one place
(STYLE rule 16) and a verdict word looks the same everywhere.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

__all__ = ["CSS", "assumes", "data_uri", "esc", "req_links", "table", "verdict_span"]

CSS = """
body{font:13px/1.35 Helvetica,Arial,sans-serif;margin:0 auto;padding:12px 20px;max-width:1360px;
color:#222}
h1{font-size:20px;margin:4px 0}h2{font-size:16px;margin:18px 0 6px;border-bottom:1px solid #ccc}
h3{font-size:13px;margin:8px 0 4px}
table{border-collapse:collapse;margin:4px 0;font-size:12px}
th,td{border:1px solid #ccc;padding:2px 5px;vertical-align:top;text-align:left}
th{background:#f0f0f0}
.holds,.works,.passed,.pass{color:#1e7b34;font-weight:bold}
.not-applicable{color:#555}.undocumented{color:#8a6d00;font-weight:bold}
.blocked{color:#c0392b;font-weight:bold}
.violated,.unknown,.vacuous,.fails,.failed,.untraced,.fail,.accepted{color:#c0392b;
font-weight:bold}
.tested{color:#1f5f99;font-weight:bold}.enforced{color:#1e7b34;font-weight:bold}
.not-shipped,.tests-not-shipped{color:#666}
.banner{padding:6px 10px;border-radius:4px;font-weight:bold;margin:6px 0}
.banner.pass{background:#e3f4e8;border:1px solid #1e7b34}
.banner.fail{background:#fbe6e3;border:2px solid #c0392b}
.bad{background:#fbe6e3}
.meta{color:#555;font-size:12px}
nav{font-size:12px;position:sticky;top:0;background:#fff;padding:4px 0;border-bottom:1px solid #eee;
z-index:5}
nav a{margin-right:8px}
.cols{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
.cols>div{flex:1 1 0;min-width:300px}
table.req{width:100%}.req td:first-child{white-space:nowrap}
.req td.q{width:48%}.req td.by{width:22%;font-size:11px}
.req p{margin:0}.small{font-size:11px;color:#444}
.badge{display:inline-block;width:16px;text-align:center;font-weight:bold;border-radius:3px}
.b-holds{background:#d5efdc;color:#1e7b34}.b-violated,.b-unknown{background:#f6d0ca;color:#c0392b}
.b-vacuous{background:#f7e3c4;color:#a35b00}.b-none{color:#aaa}
th.lab{writing-mode:vertical-rl;transform:rotate(180deg);font-size:10px;font-weight:normal;
padding:2px}
.trace{border:1px solid #ddd;padding:4px;margin:6px 0}.trace.bad{border:2px solid #c0392b}
.trace p{margin:2px 0}.wide{overflow-x:auto}
table.world{width:100%}table.world td,table.world th{font-size:11px;overflow-wrap:anywhere}
table.world tr>th:first-child{position:sticky;left:0;z-index:1;background:#f0f0f0}
table.world th.bad,table.world tr.bad td{background:#fbe6e3;color:#c0392b}
.thumbs{display:grid;grid-template-columns:repeat(8,1fr);gap:6px}
.thumbs a{display:block;border:1px solid #ddd;padding:4px;text-align:center;color:#222;
text-decoration:none;font-size:11px}
.thumbs img{max-height:150px;max-width:100%}
.lightbox{display:none}
.lightbox:target{display:block;position:fixed;inset:0;background:rgba(255,255,255,.97);
overflow:auto;z-index:10;padding:16px}
.lightbox img{max-width:none}
.close{position:fixed;top:8px;right:16px;font-size:14px;background:#eee;padding:4px 8px}
dl.gloss{display:grid;grid-template-columns:90px 1fr 90px 1fr;gap:2px 8px;margin:4px 0}
dl.gloss dt{font-weight:bold}dl.gloss dd{margin:0}
details{margin:4px 0}summary{cursor:pointer}
.source div{padding:2px 6px}.source div:target{background:#fff6c8}
.cited{font-size:11px;color:#555}
code{font-size:0.95em}
table.answers{width:100%}table.answers td:first-child{width:300px}
ul.causes{margin:2px 0 8px;padding-left:22px}
.seen{display:grid;grid-template-columns:1fr 1fr;gap:0 24px}.seen p{margin:4px 0}
pre.output{white-space:pre-wrap;font-size:11px;margin:2px 0 6px;background:#f7f7f7;padding:4px}
"""


def esc(value: object) -> str:
    return escape(str(value))


def table(head: Sequence[str], rows: Sequence[Sequence[str]], css: str = "") -> str:
    """An HTML table of class `css`; cells in `rows` are already HTML."""
    out = [f'<table class="{css}"><tr>', *(f"<th>{esc(h)}</th>" for h in head), "</tr>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def verdict_span(word: str) -> str:
    return f'<span class="{esc(word.replace(" ", "-"))}">{esc(word)}</span>'


def req_links(ids: Sequence[str]) -> str:
    return ", ".join(f'<a href="#{esc(i)}">{esc(i)}</a>' for i in ids)


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def assumes(ids: Sequence[str]) -> str:
    """The assumption IDs a verdict rests on (`specs/assumptions.md`), after its requirements."""
    return f" <i>[assumes {esc(', '.join(ids))}]</i>" if ids else ""
