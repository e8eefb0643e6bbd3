"""The example labs shipped with the package, by name: the embedded default lab and every lab of
`specs/labs/` (shipped inside the package, `model/shipped.py`), so that `--lab enhanced-off`
works from an installed wheel as well as from a checkout.

Each lab file opens with a comment saying what it shows; its first sentence is the lab's summary
(`ehttp labs`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from ehttp.config.labfile import LabError, default_lab, load_lab, parse_lab
from ehttp.config.schema import Lab
from ehttp.shipped import SPECS

__all__ = ["DEFAULT", "ExampleLab", "example_lab", "example_labs", "lab_from_option"]

DEFAULT = "default"
"""The name of the embedded default lab."""


@dataclass(frozen=True)
class ExampleLab:
    """An example lab: its name (what `--lab` takes) and the first sentence of its comment."""

    name: str
    summary: str


def _texts() -> dict[str, str]:
    config = resources.files("ehttp.config")
    found = {DEFAULT: config.joinpath("default_lab.toml").read_text(encoding="utf-8")}
    labs = SPECS / "labs"
    for entry in sorted(labs.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            found[entry.name.removesuffix(".toml")] = entry.read_text(encoding="utf-8")
    return found


def _summary(text: str) -> str:
    comment = " ".join(
        line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")
    ).strip()
    end = re.search(r"\.[\"')]*(?=\s|$)", comment)
    first = comment if end is None else comment[: end.end()]
    return first.removesuffix(".")


@cache
def example_labs() -> tuple[ExampleLab, ...]:
    """The default lab, then every example lab by name, each with its summary."""
    return tuple(ExampleLab(name, _summary(text)) for name, text in _texts().items())


@cache
def example_lab(name: str) -> Lab:
    """The example lab called `name`; `LabError` names the accepted ones."""
    if name == DEFAULT:
        return default_lab()
    texts = _texts()
    if name not in texts:
        raise LabError(
            f"{name!r} is neither a lab file nor an example lab; give a file or one of "
            f"{', '.join(texts)}"
        )
    return parse_lab(texts[name], f"{name}.toml")


def lab_from_option(value: Path | None) -> Lab:
    """What `--lab VALUE` names: the default lab (None), a lab file that exists, or an example lab
    by name (a value with no folder and no `.toml` that is not a file)."""
    if value is None:
        return default_lab()
    text = str(value)
    if value.exists() or "/" in text or "\\" in text or text.endswith(".toml"):
        return load_lab(value)
    return example_lab(text)
