"""Reading a JSON file that another ehttp command saved (`ehttp fuzz --json`, `ehttp audit
--json`), for `ehttp report`: bounded in size, nesting and number length
(`model/readlimits.py`), refused with one line naming the option, the key and the value, never
an exception."""

from __future__ import annotations

import json
from pathlib import Path

from ehttp.readlimits import TooLarge, load_json
from ehttp.report.errors import ReportError

__all__ = ["MAX_SAVED_BYTES", "not_accepted", "read_saved_json"]

MAX_SAVED_BYTES = 4_194_304
"""The largest saved file `ehttp report` reads."""


def _show(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def not_accepted(option: str, key: str, value: object, accepted: str) -> ReportError:
    """The one-line error for ``value`` at ``key`` of the file given to ``option``."""
    return ReportError(f"{option}: {key} {_show(value)} is not accepted; {accepted}")


def read_saved_json(path: Path, option: str, hint: str) -> object:
    """The JSON document in ``path``, given with ``option``; ``hint`` says what to give instead
    of a file that is unreadable, too large or not JSON."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_SAVED_BYTES + 1)
    except OSError as error:
        raise ReportError(f"{option}: {path}: {error.strerror or error}") from None
    if len(data) > MAX_SAVED_BYTES:
        raise ReportError(f"{option}: {path}: larger than {MAX_SAVED_BYTES:,} bytes")
    try:
        return load_json(data.decode("utf-8"))
    except TooLarge as error:
        raise ReportError(f"{option}: {path}: {error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReportError(f"{option}: {path} is not JSON ({error}); {hint}") from None
