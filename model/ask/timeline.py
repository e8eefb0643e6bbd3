"""The timeline of an answer: a terminal Gantt chart and the same chart as SVG.

A row is one thing a user watches (a site system's role certificate, a client's capability); each
15-minute slot says whether it fails (is not yet done) in every run at that minute, in some runs
only, or in none.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from ehttp.machines.clock import QUANTUM_MINUTES

__all__ = ["GLYPHS", "gantt", "svg"]

GLYPHS: dict[str, str] = {"fails": "\u2588", "maybe": "\u2592", "works": "\u00b7"}
"""One character per slot state: fails in every run, in some runs, in none."""
_COLOURS: dict[str, str] = {"fails": "#c0392b", "maybe": "#f0b27a", "works": "#d5f5e3"}
_WIDTH = 4


def gantt(rows: Sequence[tuple[str, str, Sequence[str]]]) -> list[str]:
    """The chart as text lines: a minute scale, then one line per (subject, what, slots) row."""
    if not rows:
        return []
    label = max(len(f"{s}  {w}") for s, w, _ in rows)
    slots = max(len(r[2]) for r in rows)
    scale = "".join(f"{k * QUANTUM_MINUTES:<{_WIDTH}}" for k in range(slots))
    lines = [f"{'minutes':{label}}  {scale.rstrip()}"]
    for subject, what, states in rows:
        bar = "".join(GLYPHS[s] * _WIDTH for s in states)
        lines.append(f"{f'{subject}  {what}':{label}}  {bar}")
    return lines


def svg(rows: Sequence[tuple[str, str, Sequence[str]]], title: str) -> str:
    """The chart as a standalone SVG document."""
    slot_w, row_h, left, top = 36, 20, 330, 48
    slots = max((len(r[2]) for r in rows), default=0)
    width = left + slot_w * slots + 20
    height = top + row_h * len(rows) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Helvetica,Arial,sans-serif" font-size="12">',
        f'<text x="8" y="18" font-weight="bold">{escape(title)}</text>',
    ]
    for k in range(slots + 1):
        x = left + k * slot_w
        parts.append(
            f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{top + row_h * len(rows)}" stroke="#ccc"/>'
        )
        if k < slots:
            parts.append(f'<text x="{x + 2}" y="{top - 10}">{k * QUANTUM_MINUTES}</text>')
    for number, (subject, what, states) in enumerate(rows):
        y = top + number * row_h
        parts.append(f'<text x="8" y="{y + 14}">{escape(subject)}  {escape(what)}</text>')
        for k, state in enumerate(states):
            parts.append(
                f'<rect x="{left + k * slot_w}" y="{y + 2}" width="{slot_w}" '
                f'height="{row_h - 4}" fill="{_COLOURS[state]}"><title>{escape(subject)} '
                f"{escape(what)} at {k * QUANTUM_MINUTES} min: {state}</title></rect>"
            )
    legend_y = top + row_h * len(rows) + 24
    x = 8
    for state, words in (
        ("fails", "not yet / fails in every run"),
        ("maybe", "in some runs"),
        ("works", "done / works"),
    ):
        parts.append(
            f'<rect x="{x}" y="{legend_y - 11}" width="14" height="14" fill="{_COLOURS[state]}"/>'
        )
        parts.append(f'<text x="{x + 20}" y="{legend_y}">{words}</text>')
        x += 200
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
