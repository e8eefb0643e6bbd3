"""The records of an `ehttp whatif` answer (`model/ask/whatif.py` builds them): the steady
outcomes, the changes a user waits for, each client's capability windows, the timeline's rows,
the CERT-3 question and the whole answer, each able to say itself in one line where a user reads
it that way (`model/ask/whatif_text.py` lays them out).
"""

from __future__ import annotations

from dataclasses import dataclass

from ehttp.ask.actions import AdminAction
from ehttp.ask.assumptions import Assumption
from ehttp.ask.steps import TimedStep
from ehttp.compose.world import World, WorldModel
from ehttp.config.schema import Lab

__all__ = [
    "Cert3",
    "Change",
    "Outcome",
    "TimelineRow",
    "WhatIf",
    "Window",
]


@dataclass(frozen=True)
class Outcome:
    """A steady outcome: a world where no system step is left, and how to get there."""

    world: World
    healthy: bool
    because: tuple[str, ...]
    cert3: tuple[str, ...]
    """The HTTP site systems that show the CERT-3 symptom in this outcome."""
    reached: tuple[int, int]
    """Earliest and latest minute a run settles here."""
    path: tuple[TimedStep, ...]
    """A shortest path from the start, the administrator's actions included."""
    cycle: int = 0
    """0 for a settled world; else the number of worlds some runs cycle among forever without
    settling (a bottom strongly connected component with more than one world), `world` the
    first of them found."""
    every: bool = False
    """Every fair run ends here (it is the only outcome)."""


@dataclass(frozen=True)
class Change:
    """Something a user waits for once every action is taken, and when it happens (minutes
    after the first action)."""

    subject: str
    what: str
    requirements: tuple[str, ...]
    earliest: int | None
    latest: int | None
    never: bool
    """Some fair run never gets there (the checker's `eventually` is violated)."""
    dated: bool = True
    """False when some run waits for it on a step with no deadline: `latest` is no bound then."""
    lasso: tuple[TimedStep, ...] = ()
    """When `never`: the checker's lasso from the start (its first step)."""
    loop_from: int | None = None

    @property
    def runs(self) -> str:
        """In how many fair runs it happens: "every", "some" or "none"."""
        if self.earliest is None:
            return "none"
        return "some" if self.never else "every"

    @property
    def text(self) -> str:
        """The change in one line."""
        head = f"{self.subject}: {self.what}"
        if not self.dated and not self.never:
            return (
                f"{head}: eventually (earliest {self.earliest} minutes); no bound in minutes, "
                "it waits for a step the documents give no deadline"
            )
        if self.never:
            if self.earliest is None:
                return f"{head}: never"
            return f"{head}: never in some fair run (earliest {self.earliest} minutes in others)"
        if self.earliest == self.latest:
            return f"{head}: at {self.latest} minutes"
        return f"{head}: within {self.latest} minutes (earliest {self.earliest})"


@dataclass(frozen=True)
class Window:
    """When a client's capability fails, in minutes after the first action."""

    client: str
    capability: str
    requirements: tuple[str, ...]
    status: str
    """"may start" (didn't work before the actions; some fair runs get it working, others never
    do), "works" (throughout), "doesn't work" (throughout), "starts" (didn't work before the
    actions, works later), "fails" (worked before the actions, fails at some point in
    every run, works again), "may fail" (worked before, fails in some runs only, works again),
    "stops" (some fair run never works again; with no lasso, no run does: it worked before the
    actions and fails in every world once they are all taken)."""
    first: int | None
    last: int | None
    dated: bool = True
    """False when the failure may last through a step with no deadline: `last` is no bound."""
    lasso: tuple[TimedStep, ...] = ()
    """When some fair run never works again: the checker's lasso (its first step the start)."""
    loop_from: int | None = None
    before: str = "works"
    """The decision at the start (`ehttp.decide.decide`, the word `ehttp scenarios` gives):
    "works", "blocked", "not-applicable" or "undocumented"."""

    @property
    def runs(self) -> str:
        """In how many fair runs it fails at some point after the first action: "every",
        "some" or "none"."""
        if self.status == "works":
            return "none"
        if self.status == "may fail" or (self.status == "stops" and self.lasso):
            return "some"
        return "every"

    @property
    def text(self) -> str:
        """The window in one line, in how many runs included, e.g. "dom1: client notification
        fails in every run, from 0 to at most 60 minutes"."""
        head = f"{self.client}: {self.capability}"
        if self.status == "works":
            return f"{head} works throughout"
        if self.status == "doesn't work":
            if self.before in ("not-applicable", "undocumented"):
                return f"{head} is {self.before} for this client, before and after"
            return f"{head} doesn't work, before or after"
        if self.status == "stops" and not self.lasso:
            return (
                f"{head} stops working at {self.first} minutes and never works again, in every run"
            )
        if self.status == "may start":
            return f"{head} starts working in some runs only; in some fair run it never does"
        if self.status == "stops":
            return (
                f"{head} fails in some runs from {self.first} minutes on and never works again "
                "there"
            )
        if self.status == "starts":
            if not self.dated:
                return f"{head} starts working eventually in every run (no bound in minutes)"
            if self.last == 0:
                return f"{head} starts working at 0 minutes in every run"
            return f"{head} starts working within {self.last} minutes in every run"
        runs = "in every run" if self.status == "fails" else "in some runs"
        if not self.dated:
            return (
                f"{head} fails {runs}, from {self.first} minutes until a step the documents give "
                "no deadline (no bound in minutes)"
            )
        return f"{head} fails {runs}, from {self.first} to at most {self.last} minutes"


@dataclass(frozen=True)
class TimelineRow:
    """One row of the timeline: per 15-minute slot, "fails", "maybe" or "works"."""

    subject: str
    what: str
    slots: tuple[str, ...]


@dataclass(frozen=True)
class Cert3:
    """Whether the documented fault (CERT-3) can happen, and how."""

    on_the_way: tuple[TimedStep, ...] | None
    """A shortest path to the symptom from the start, the administrator's actions and the
    site's steps between them included (None: no run reaches it)."""
    without_toggle: bool | None
    """Further administrator actions other than enabling or disabling reach it (None: not asked,
    because it happens on the way)."""
    with_toggle: tuple[TimedStep, ...]
    """A shortest path to it with any further administrator actions, its first step the world
    after the actions (empty: none)."""
    every: bool = False
    """When on the way: every fair run reaches it (else only some runs do)."""

    @property
    def runs(self) -> str:
        """In how many runs of the answer the symptom shows: "every", "some" or "none"."""
        if self.on_the_way is None:
            return "none"
        return "every" if self.every else "some"


@dataclass(frozen=True)
class WhatIf:
    """The whole answer of `ehttp whatif`."""

    lab: Lab
    actions: tuple[AdminAction, ...]
    steady: World
    after: World
    action_steps: tuple[TimedStep, ...]
    states: int
    outcomes: tuple[Outcome, ...]
    changes: tuple[Change, ...]
    windows: tuple[Window, ...]
    cert3: Cert3
    timeline: tuple[TimelineRow, ...]
    assumptions: tuple[Assumption, ...]
    model: WorldModel
    origin: str = "steady state"
    """Where the actions start: the lab's steady state, or the world of a `--from` file."""
    chosen: str | None = None
    """Why the start was chosen for the first action (`--start auto`), or None."""
    waits: tuple[int, ...] = ()
    """Minutes the administrator waits between action k and k+1."""
    at_once: bool = False
    """The actions were taken with no step of the site between them (`--at-once`)."""
    after_worlds: tuple[World, ...] = ()
    """Every world some run is in right after the last action, `after` first."""
    skipped: tuple[str, ...] = ()
    """Actions whose click, in some runs, found nothing to act on (a site step got there first)."""

    @property
    def never(self) -> bool:
        """Some change never happens in some fair run, or some capability never works again."""
        return any(c.never for c in self.changes) or any(w.status == "stops" for w in self.windows)

    @property
    def fault(self) -> bool:
        """The CERT-3 symptom is possible without further administrator actions (in some run)."""
        return self.cert3.on_the_way is not None

    @property
    def verdict(self) -> str:
        """ "fault" (CERT-3 on the way), "never" (something never happens) or "answered"."""
        if self.fault:
            return "fault"
        return "never" if self.never else "answered"
