"""Guards as data: atoms, their combinations, their words and their Promela renderings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ehttp.compose.world import MACHINES, Env
from ehttp.config.labfile import load_lab
from ehttp.machines.guards import (
    ALWAYS,
    AllOf,
    AnyOf,
    Atom,
    Guard,
    Not,
    promela_all,
    promela_any,
    promela_not,
)
from ehttp.machines.registration import REGISTRATION
from ehttp.machines.site import ENHANCED
from ehttp.machines.vocabulary import ATOMS


def _atom(name: str, value: bool) -> Atom:
    return Atom(name, f"{name} holds", f"{name} fails", lambda e, w, i: value, lambda r, i: name)


class _Rendering:
    """A minimal rendering: each instance's state variable is ``s<i>``, its timer ``t<i>``."""

    def __init__(self, env: Env) -> None:
        self.env: Any = env
        self.site, self.app, self.smsexec = 0, 1, 2
        self.bindings: Sequence[int] = list(env.bindings)
        self.management_points: Sequence[int] = list(range(env.first_binding, env.first_dp))
        self.timed: Sequence[tuple[int, dict[str, int]]] = []

    def is_in(self, instance: int, states: Iterable[str]) -> str:
        return promela_any(f"s{instance} == {state}" for state in sorted(states))

    def timer(self, instance: int) -> str:
        return f"t{instance}"


def test_combinations_flatten_and_read_as_words() -> None:
    a, b, c = _atom("a", True), _atom("b", False), _atom("c", True)
    both = a & b & c
    assert isinstance(both, AllOf) and len(both.parts) == 3
    assert both.text == "a holds and b holds and c holds"
    either = (a & b) | ~c
    assert isinstance(either, AnyOf)
    assert either.text == "(a holds and b holds) or c fails"
    assert (~(a & b)).text == "not (a holds and b holds)"
    assert [atom.name for atom in either.atoms()] == ["a", "b", "c"]


def test_combinations_evaluate_like_boolean_logic() -> None:
    a, b = _atom("a", True), _atom("b", False)
    env: Any = None
    cases: list[tuple[Guard, bool]] = [
        (a & b, False),
        (a | b, True),
        (~b, True),
        (Not(a), False),
        (~(a & b) & a, True),
        (ALWAYS, True),
    ]
    for guard, expected in cases:
        assert guard(env, (), 0) is expected, guard.text


def test_promela_folds_constants() -> None:
    assert promela_all(["1", "x", "1"]) == "x"
    assert promela_all(["x", "0", "y"]) == "0"
    assert promela_all(["x", "y", "x"]) == "(x && y)"
    assert promela_any(["0", "x"]) == "x"
    assert promela_any(["x", "1"]) == "1"
    assert promela_any([]) == "0" and promela_all([]) == "1"
    assert promela_not("1") == "0" and promela_not("(x || y)") == "!(x || y)"
    assert promela_not("s0 == 1") == "!(s0 == 1)"


def test_the_vocabulary_names_each_atom_once() -> None:
    names = [atom.name for atom in ATOMS]
    assert len(names) == len(set(names))
    assert {"enhanced", "smsexec running", "certificate work pending", "overdue"} <= set(names)


def test_every_row_guard_reads_only_vocabulary_atoms_and_has_words() -> None:
    known = set(ATOMS)
    for machine in MACHINES:
        for row in machine.rows:
            assert set(row.guard.atoms()) <= known, (machine.name, row.name)
            assert (row.guard is ALWAYS) == (row.guard_text == ""), (machine.name, row.name)


def test_registration_atoms_render_the_lab_configuration() -> None:
    env = Env(load_lab(None))
    r = _Rendering(env)
    aad, dom, wg = env.clients
    mp = r.management_points[0]
    rows = {(row.name, row.dest): row for row in REGISTRATION.rows}
    token_on = rows["register with an Azure AD device token", "registered:enhanced-http"]
    # The internet client reaches the HTTP MP through the CMG only with its certificate bound,
    # when the CMG authenticates it (A-8, A-9: device identity alone on 1803 with enhanced HTTP
    # and a current application) and the site allows HTTP.
    site = ENHANCED.promela(r, aad)
    usable = "!(s0 == https-only || s0 == https-only+enhanced)"
    assert token_on.guard.promela(r, aad) == (
        f"({site} && s1 == updated && ((s1 == updated && {site}) && ({site} && ({usable} && "
        f"(s{mp} == bound || s{mp} == unbinding)))))"
    )
    # A workgroup client holds no Active Directory evidence: the row is never enabled.
    ad_on = rows["register with Active Directory domain evidence", "registered:enhanced-http"]
    assert ad_on.guard.promela(r, wg) == "0"
    assert ad_on.guard.promela(r, dom) == f"({site} && {usable})"
