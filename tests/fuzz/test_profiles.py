"""The campaigns' Hypothesis settings: the same seed draws the same inputs whatever the process
has imported (`source_constants`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.internal.conjecture import providers

from ehttp.fuzz.profiles import source_constants


def _draws() -> list[str]:
    found: list[str] = []

    @seed(20261207)
    @settings(max_examples=300, database=None, phases=[Phase.generate], derandomize=False)
    @given(st.text(max_size=30))
    def draw(text: str) -> None:
        found.append(text)

    draw()
    return found


def test_the_same_seed_draws_the_same_text_whatever_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with source_constants():
        before = _draws()
    # A module from outside site-packages and outside tests: Hypothesis takes its constants (up
    # to 1,024 a module) into its own pool.
    words = [f"ehttp-constant-{n}" for n in range(1000)]
    (tmp_path / "extra_constants.py").write_text(f"WORDS = {words!r}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "extra_constants", raising=False)
    __import__("extra_constants")
    try:
        with source_constants():
            after = _draws()
        assert after == before
        outside = _draws()
        assert any(text in words for text in outside)  # the pool that `source_constants` replaces
        assert not any(text in words for text in after)
    finally:
        providers.CONSTANTS_CACHE.cache.clear()
