"""The specs that commands read at run time ship inside the package, equal to `specs/`.

`specs/` is where people read and edit; `model/specs/` is the packaged copy that an installed
`ehttp` reads with `importlib.resources`. After editing `specs/`, refresh the copy with
`.ci/sync-specs`.
"""

from __future__ import annotations

from pathlib import Path

import model
from model.report.requirements import SPECS

CHECKOUT = Path(model.__file__).resolve().parents[1] / "specs"
SHIPPED = ("requirements.toml", "assumptions.md", "source", "labs", "schemas")


def _files(root: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for name in SHIPPED:
        path = root / name
        for item in [path] if path.is_file() else sorted(path.rglob("*")):
            if item.is_file() and "__pycache__" not in item.parts:
                found[item.relative_to(root).as_posix()] = item.read_bytes()
    return found


def test_the_packaged_specs_equal_the_checkout_specs() -> None:
    shipped, edited = _files(SPECS), _files(CHECKOUT)
    stale = sorted(
        name for name in edited.keys() | shipped.keys() if shipped.get(name) != edited.get(name)
    )
    assert stale == [], f"model/specs/ differs from specs/ in {stale}; run .ci/sync-specs"


def test_the_package_reads_its_own_copy() -> None:
    assert Path(model.__file__).resolve().parent / "specs" == SPECS
