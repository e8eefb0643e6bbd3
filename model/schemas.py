"""The JSON Schemas of every command's `--json` output, as shipped inside the package.

`specs/schemas/` is where people read and edit them; the build ships that folder inside the
package (`model/shipped.py`). Everything that reads a schema reads it through `schema_text`, the
one place that knows where they live.
"""

from __future__ import annotations

from pathlib import Path

from ehttp.shipped import SPECS

__all__ = ["schema_names", "schema_text"]


def _folder() -> Path:
    return SPECS / "schemas"


def schema_names() -> tuple[str, ...]:
    """Every shipped schema by name (`check` for `check.json`), `envelope` included, sorted."""
    return tuple(
        sorted(
            entry.name.removesuffix(".json")
            for entry in _folder().iterdir()
            if entry.name.endswith(".json")
        )
    )


def schema_text(name: str) -> str:
    """The text of schema `name` (one of `schema_names`) as shipped."""
    if name not in schema_names():
        raise ValueError(
            f"schema: {name!r} is not accepted; use one of {', '.join(schema_names())}"
        )
    return _folder().joinpath(f"{name}.json").read_text(encoding="utf-8")
