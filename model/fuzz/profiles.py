"""The two Hypothesis profiles of a campaign, and where its files go.

A quick deterministic profile for CI (`derandomize`, bounded examples, no example
database, so a test run leaves nothing behind) and a longer one for `ehttp fuzz`, whose example
database lives in a user cache folder (`$XDG_CACHE_HOME/ehttp/hypothesis`, by default
`~/.cache/ehttp/hypothesis`), never in the current directory. Replay files of failures go to
`.../ehttp/replays` in the same cache folder.

No shrink phase: a failure is shortened by `model/fuzz/minimize.py` instead, which replays the
checker's shortest paths (a steered example's choices shrink poorly, slowly, in minutes, and to
long lists).

The database keeps failures only. Hypothesis saves the choices of any example that a
`BaseException` ends, and a campaign's budget ends its last example that way
(`ehttp.fuzz.coverage.BudgetSpent`); replayed first by the next campaign of the same lab, such
an example re-walks what an earlier campaign covered (a `--seconds 30` run that found one covered
21.8 % of the default lab's states instead of 30 %). So a campaign's database is wrapped by
`Failures`, which drops every save made once the budget is spent.

Health checks are off: a campaign's examples are long by design and each step drives a lab, so
Hypothesis's "too slow" and "filtered too much" warnings describe the workload, not a mistake.

The same seed draws the same inputs wherever it runs (`source_constants`). Hypothesis now and then
draws a constant found in the source of the modules the process has imported from outside
site-packages: which those are depends on the command that runs the campaign (`ehttp fuzz`
imports more than a test does) and on how the package is installed (a checkout is "local", a
wheel is not). Seed 0 of the hostile campaign accepted 10 content access tokens when run on its own
and 8 from `ehttp fuzz`. During a run the pool is the constants of ehttp's own source files, read
from the package whatever is imported and however it is installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Literal

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis.database import DirectoryBasedExampleDatabase, ExampleDatabase
from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants, _constants_from_source

__all__ = [
    "PROFILES",
    "STEPS_PER_EXAMPLE",
    "Failures",
    "Profile",
    "cache_folder",
    "profile_settings",
    "source_constants",
]

Profile = Literal["ci", "fuzz"]
PROFILES: tuple[Profile, ...] = ("ci", "fuzz")
STEPS_PER_EXAMPLE = {"ci": 200, "fuzz": 500}
"""Long examples, so that a lab build is amortised over many steps (Hypothesis stops an example
earlier when its choice sequence grows too long)."""


def cache_folder() -> Path:
    """`$XDG_CACHE_HOME/ehttp` when that is set to an absolute path, else `~/.cache/ehttp`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "ehttp"


class Failures(ExampleDatabase):
    """An example database that saves an example only while `saving()` says so (fetches, moves
    and deletes go through): the campaign's way to keep examples its budget cut short out."""

    def __init__(self, inner: ExampleDatabase, saving: Callable[[], bool]) -> None:
        super().__init__()
        self.inner = inner
        self.saving = saving

    def __repr__(self) -> str:
        return f"Failures({self.inner!r})"

    def save(self, key: bytes, value: bytes) -> None:
        """Save through to the inner database, unless `saving()` is false."""
        if self.saving():
            self.inner.save(key, value)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        """What the inner database holds under `key`."""
        return self.inner.fetch(key)

    def delete(self, key: bytes, value: bytes) -> None:
        """Delete from the inner database."""
        self.inner.delete(key, value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        """Move within the inner database."""
        self.inner.move(src, dest, value)


def profile_settings(
    profile: Profile, examples: int, *, reuse: bool, saving: Callable[[], bool] = lambda: True
) -> settings:
    """Hypothesis settings for one round of `examples` examples.

    `reuse` replays examples saved in the database by earlier campaigns first (only the `fuzz`
    profile has a database); a run that promises the same result for the same seed turns it off.
    The database saves an example only while `saving()` is true (`Failures`).
    """
    phases = [Phase.explicit, Phase.generate]
    if reuse and profile == "fuzz":
        phases.insert(1, Phase.reuse)
    database = (
        Failures(DirectoryBasedExampleDatabase(cache_folder() / "hypothesis"), saving)
        if profile == "fuzz"
        else None
    )
    return settings(
        max_examples=examples,
        stateful_step_count=STEPS_PER_EXAMPLE[profile],
        derandomize=profile == "ci",
        database=database,
        deadline=None,
        phases=phases,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        print_blob=False,
        verbosity=Verbosity.quiet,
    )


@cache
def _package_constants() -> Constants:
    """The constants of every module of the ehttp package, read from its source files in order."""
    found = Constants()
    for path in sorted(Path(__file__).resolve().parents[1].rglob("*.py")):
        found |= _constants_from_source(path.read_bytes(), limit=True)
    return found


@contextmanager
def source_constants() -> Iterator[None]:
    """While it lasts, Hypothesis's pool of source constants is ehttp's own (see the module
    docstring): the same seed draws the same inputs from any command and any install."""
    real = providers._get_local_constants
    pool = _package_constants()
    providers._get_local_constants = lambda: pool
    providers.CONSTANTS_CACHE.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = real
        providers.CONSTANTS_CACHE.cache.clear()
