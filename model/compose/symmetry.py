"""The symmetry of a lab's composed model: which instances are interchangeable and the canonical
form of a world under their exchange.

Clients with one configuration but the name are interchangeable; so are site systems of one kind
(management points, distribution points) with one configuration but the name. `Interchange` is the
part of `WorldModel` (`model/compose/world.py`) that sorts their states (`canonical`), says where
an instance went (`canonical_map`), which steps the symmetry moves (`agent`) and which instances an
instance may be exchanged with (`orbit`, `swap`), as the generic checker asks
(`model/checker/watched.py` has the argument for properties about one instance).
"""

from __future__ import annotations

import functools
from dataclasses import replace

from ehttp.compose.env import Env
from ehttp.config.schema import Client, DistributionPoint, ManagementPoint
from ehttp.machines.state import Action, World

__all__ = ["Interchange", "into_place"]


def into_place(world: World, index: int, run: tuple[int, int]) -> World:
    """`world` with the run `run` sorted, when all of it but position `index` already is."""
    start, stop = run
    value = world[index]
    to = index
    while to > start and value < world[to - 1]:
        to -= 1
    if to == index:
        while to + 1 < stop and world[to + 1] < value:
            to += 1
        if to == index:
            return world
        return (*world[:index], *world[index + 1 : to + 1], value, *world[to + 1 :])
    return (*world[:to], value, *world[to:index], *world[index + 1 :])


class Interchange:
    """The interchangeable instances of a lab's model and the canonical form of its worlds."""

    symmetric_groups: tuple[tuple[int, ...], ...]
    _moved: frozenset[int]
    _symmetric_runs: tuple[tuple[int, int], ...] | None
    _run_at: dict[int, tuple[int, int]]

    def _interchangeable(self, env: Env, site_symmetry: bool) -> dict[Client, list[int]]:
        """Work out the groups of interchangeable instances of `env`; return the clients'
        groups by configuration (every client, twins or not)."""
        groups: dict[Client, list[int]] = {}
        for index in env.clients:
            key = env.client(index)
            groups.setdefault(replace(key, name=""), []).append(index)
        alike: dict[ManagementPoint | DistributionPoint, list[int]] = {}
        if site_symmetry:
            for index in env.bindings:
                alike.setdefault(replace(env.site_system(index), name=""), []).append(index)
        self.symmetric_groups: tuple[tuple[int, ...], ...] = tuple(
            tuple(g) for g in (*alike.values(), *groups.values()) if len(g) > 1
        )
        """The instances that are interchangeable, group by group: site systems of one kind
        (management points, distribution points) with the same configuration but the name, then
        clients with the same configuration but the name (see `canonical`). `site_symmetry`
        False keeps site systems in place (the audit judges properties about one site system
        through predicates of its own, which do not say which system they are about)."""
        self._moved = frozenset(i for g in self.symmetric_groups for i in g)
        contiguous = all(list(g) == list(range(g[0], g[-1] + 1)) for g in self.symmetric_groups)
        self._symmetric_runs: tuple[tuple[int, int], ...] | None = (
            tuple(sorted((g[0], g[-1] + 1) for g in self.symmetric_groups)) if contiguous else None
        )
        """Interchangeable instances as (start, stop) slices when each group is contiguous."""
        self._run_at: dict[int, tuple[int, int]] = {
            index: (start, stop)
            for start, stop in self._symmetric_runs or ()
            for index in range(start, stop)
        }
        """Each interchangeable instance's run (see `canonical_edges`)."""
        return groups

    def canonical(self, state: World) -> World:
        """Sort the states of interchangeable instances, group by group (`symmetric_groups`).

        Exchanging two site systems of one kind and configuration is a symmetry of the model:
        each runs the same binding machine from the same initial state (`initial_binding` reads
        only the connections), no guard names one by its place (the site components' read
        whether any has work queued, `Env.certificate_work_pending`; a client's read whether
        some reachable management point accepts its evidence, `Env.some_mp_accepts`, and two
        management points of one configuration accept the same), a distribution point's binding
        is read by no guard, and no client state names a site system. So the reachable worlds
        are closed under these exchanges as under the clients'. A property about one site system
        (its queued work, CERT-2) is not invariant under them: it is declared about that
        instance (`Property.about_agent`) and the checker judges it by the instance's orbit
        (`orbit`, `swap`; the argument is in `model/checker/watched.py`).
        """
        runs = self._symmetric_runs
        if runs is None:
            return self.canonical_map(state)[0]
        new: list[tuple[str, int]] | None = None
        for start, stop in runs:
            if stop - start == 2:  # a pair of twins, the common case: compare, don't sort
                if state[start] <= state[start + 1]:
                    continue
                if new is None:
                    new = list(state)
                new[start], new[start + 1] = state[start + 1], state[start]
                continue
            part = state[start:stop]
            ordered = sorted(part)
            if list(part) != ordered:
                if new is None:
                    new = list(state)
                new[start:stop] = ordered
        return state if new is None else tuple(new)

    def canonical_map(self, state: World) -> tuple[World, tuple[int, ...]]:
        """`canonical(state)` and where it put each instance: the instance at position i of
        `state` is at position perm[i] of the canonical world (stable sort, so equal clients
        keep their order)."""
        if self._symmetric_runs is not None and self.canonical(state) is state:
            # Already canonical: the stable sort leaves every instance where it is.
            return state, self._identity(len(state))
        perm = list(range(len(state)))
        new = list(state)
        for group in self.symmetric_groups:
            order = sorted(group, key=state.__getitem__)
            for at, old in zip(group, order, strict=True):
                perm[old] = at
                new[at] = state[old]
        return tuple(new), tuple(perm)

    @staticmethod
    @functools.lru_cache(maxsize=8)
    def _identity(size: int) -> tuple[int, ...]:
        return tuple(range(size))

    def agent(self, action: Action) -> tuple[int, int] | None:
        """A step of an instance with an interchangeable twin (a client, a site system) is its
        agent's: (instance, row); the symmetry moves no other step."""
        index, number = action
        return (index, number) if index in self._moved else None

    def orbit(self, position: int) -> tuple[int, ...]:
        """The instances the symmetry may exchange the instance at `position` with (its group,
        itself included; itself alone when it has no twin)."""
        return next((group for group in self.symmetric_groups if position in group), (position,))

    def swap(self, state: World, i: int, j: int) -> World:
        """`state` with instances `i` and `j` (twins) exchanged: a symmetry of the model, as
        every permutation within a group is."""
        if i == j:
            return state
        new = list(state)
        new[i], new[j] = state[j], state[i]
        return tuple(new)
