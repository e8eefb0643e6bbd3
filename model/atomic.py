"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Generated files (the diagrams in `diagrams/`, reports) are written to a temporary file in the same
folder and moved into place with `os.replace`, which is atomic on one file system.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]

_MODE = 0o644
"""Generated files are ordinary readable files (a temporary file is created owner-only)."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
