"""The timeline's text and SVG (model/ask/timeline.py)."""

from __future__ import annotations

from ehttp.ask.timeline import gantt, svg

ROWS = [("mp1", "bound", ("maybe", "fails", "works")), ("dom1", "notification", ("works",) * 3)]


def test_the_text_chart_has_a_minute_scale_and_one_glyph_per_slot_state() -> None:
    assert gantt(ROWS) == [
        "minutes             0   15  30",
        "mp1  bound          " + "\u2592" * 4 + "\u2588" * 4 + "\u00b7" * 4,
        "dom1  notification  " + "\u00b7" * 12,
    ]
    assert gantt([]) == []


def test_the_svg_draws_one_rectangle_per_slot_and_escapes_text() -> None:
    picture = svg([("a<b", "x&y", ("fails", "works"))], "t")
    assert picture.startswith("<svg ") and picture.endswith("</svg>\n")
    assert picture.count('<rect x="330"') == 1 and "a&lt;b  x&amp;y" in picture
