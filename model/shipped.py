"""Where the specs are: the one `specs/` folder of the repository, shipped inside the package.

`specs/` (requirements, assumptions, the source documents, example labs, JSON Schemas, the threat
model) is edited in one place. The build maps it into the package as `ehttp/specs/`
(`package-dir` in `pyproject.toml`), so an installed `ehttp` reads it beside its own modules; an
editable install or a checkout reads the repository's folder itself (`model/` and `specs/` are
siblings). No copy is committed and none is kept in step by hand.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["SPECS", "specs_folder"]


def specs_folder() -> Path:
    """The specs folder this `ehttp` runs with: `ehttp/specs/` in an installed package, else the
    checkout's `specs/` beside the package's folder."""
    installed = Path(str(resources.files("ehttp"))) / "specs"
    if (installed / "requirements.toml").is_file():
        return installed
    return Path(__file__).resolve().parent.parent / "specs"


SPECS = specs_folder()
"""The specs folder (`specs_folder`), read once at import."""
