"""The two Hypothesis profiles of a campaign, and where its files go.

A quick deterministic profile for CI (`derandomize`, bounded examples, no example
database, so a test run leaves nothing behind) and a longer one for `ehttp fuzz`, whose example
database lives in a user cache folder (`$XDG_CACHE_HOME/ehttp/hypothesis`, by default
`~/.cache/ehttp/hypothesis`), never in the current directory. Replay files of failures go to
`.../ehttp/replays` in the same cache folder.

No shrink phase: a failure is shortened by `model/fuzz/minimize.py` instead, which replays the
checker's shortest paths (a steered example's choices shrink poorly, slowly, in minutes, and to
long lists).

Health checks are off: a campaign's examples are long by design and each step drives a lab, so
Hypothesis's "too slow" and "filtered too much" warnings describe the workload, not a mistake.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis.database import DirectoryBasedExampleDatabase

__all__ = [
    "PROFILES",
    "STEPS_PER_EXAMPLE",
    "Profile",
    "cache_folder",
    "profile_settings",
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


def profile_settings(profile: Profile, examples: int, *, reuse: bool) -> settings:
    """Hypothesis settings for one round of `examples` examples.

    `reuse` replays examples saved in the database by earlier campaigns first (only the `fuzz`
    profile has a database); a run that promises the same result for the same seed turns it off.
    """
    phases = [Phase.explicit, Phase.generate]
    if reuse and profile == "fuzz":
        phases.insert(1, Phase.reuse)
    database = (
        DirectoryBasedExampleDatabase(cache_folder() / "hypothesis") if profile == "fuzz" else None
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
