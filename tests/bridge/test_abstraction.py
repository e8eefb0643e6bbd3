"""The abstraction function in lockstep with the model (model/bridge/abstraction.py, facade.py).

Seeded walks over `WorldModel.actions` apply each action to the model and to the concrete lab and
compare `driver.abstraction()` with the model's world after every step; a failure prints the step
list, which replays with `replay` below. The CERT-3 witness of the checker is replayed on real
certificates, with the TLS handshake to mp1 failing, then the CERT-4 workaround restoring it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from ehttp.bridge.abstraction import quanta
from ehttp.bridge.driver import LabDriver
from ehttp.compose.checking import LabCheck
from ehttp.compose.world import EXEC, Action, World, WorldModel
from ehttp.config.labfile import default_lab, load_lab
from ehttp.config.schema import Lab
from ehttp.lab.reasons import Reason, Refused
from ehttp.lab.tls import HANDSHAKES
from ehttp.machines.binding import DELETE, RESTART, SMSEXEC_STARTS

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
STEPS = 200
CERT3 = "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"


def _lab(name: str) -> Lab:
    return default_lab() if name == "default" else load_lab(LABS / f"{name}.toml")


def _row_key(model: WorldModel, action: Action) -> str:
    index, number = action
    machine = model.env.machines[index]
    row = machine.rows[number]
    return f"{machine.name}: {row.name} ({', '.join(row.source)} -> {row.dest})"


def walk(lab: Lab, seed: int, steps: int, fired: set[str] | None = None) -> None:
    """A seeded walk that prefers rows not fired yet; asserts lockstep after every step."""
    driver = LabDriver(lab, seed)
    model = driver.model
    world = model.initial
    rng = random.Random(seed)
    taken: list[str] = []
    seen = fired if fired is not None else set()
    assert driver.abstraction() == world
    for _ in range(steps):
        actions = list(model.actions(world))
        fresh = [a for a in actions if _row_key(model, a) not in seen]
        action = rng.choice(fresh if fresh and rng.random() < 0.5 else actions)
        seen.add(_row_key(model, action))
        taken.append(f"{action!r}  # {model.describe_step(world, action, world)}")
        world = model.next_state(world, action)
        driver.step(action)
        got = driver.abstraction()
        assert got == world, (
            f"lab {lab.name!r} seed {seed}: abstraction departs after {len(taken)} steps:\n"
            + "\n".join(taken)
            + f"\nlab:   {got}\nmodel: {world}"
        )


@pytest.mark.req("CERT-1", "CERT-2", "CERT-3", "CERT-4", "REG-4", "REG-5", "SEC-2", "SEC-3")
@pytest.mark.parametrize("name", ["default", "https-site-systems", "site-1802"])
@pytest.mark.parametrize("seed", [0, 1])
def test_lockstep_walk(name: str, seed: int) -> None:
    walk(_lab(name), seed, STEPS)


def test_every_reachable_local_row_of_the_default_lab_fires(
    checked: Callable[..., LabCheck],
) -> None:
    lab = default_lab()
    fired: set[str] = set()
    for seed in (0, 1, 2):
        walk(lab, seed, STEPS, fired)
    model = WorldModel(lab)
    declared = {
        f"{m.name}: {row.name} ({', '.join(row.source)} -> {row.dest})"
        for m in set(model.env.machines)
        for row in m.local_rows
    }
    never = set(checked(lab).never_fired_rows)
    assert declared - never - fired == set()


def replay(lab: Lab, actions: list[Action]) -> tuple[LabDriver, World]:
    """Apply ``actions`` to a fresh driver and the model; both must agree at every step."""
    driver = LabDriver(lab)
    world = driver.model.initial
    for action in actions:
        world = driver.model.next_state(world, action)
        driver.step(action)
        assert driver.abstraction() == world
    return driver, world


@pytest.fixture
def cert3_actions(checked: Callable[..., LabCheck]) -> list[Action]:
    """The checker's CERT-3 witness on the default lab as (instance, row) actions of its model."""
    lab = default_lab()
    result = checked(lab)
    (found,) = [p for _, p in result.properties if p.name == CERT3]
    assert found.holds
    model = WorldModel(lab)
    world = model.initial
    actions = []
    for step in found.trace[1:]:
        actions.append(
            next(
                a
                for a in model.actions(world)
                if model.action_name(a) == step.action and model.next_state(world, a) == step.state
            )
        )
        world = step.state
    return actions


def _mp1(driver: LabDriver) -> int:
    return driver.model.env.names.index("mp1")


def _handshake(driver: LabDriver) -> Reason | None:
    system = driver.lab.certificates.systems["mp1"]
    verdict = system.prove((driver.lab.authority.certificate,))
    return verdict.reason if isinstance(verdict, Refused) else None


def fire(driver: LabDriver, world: World, index: int, name: str) -> World:
    """Fire the enabled row ``name`` of instance ``index`` on both sides; they must agree."""
    model = driver.model
    (action,) = [a for a in model.actions(world) if a[0] == index and model.action_name(a) == name]
    world = model.next_state(world, action)
    driver.step(action)
    assert driver.abstraction() == world
    return world


BIND = "bind the certificate to the IIS Default Web Site on port 443"


@pytest.mark.req("CERT-3", "CERT-4", "SEC-4")
def test_cert3_witness_then_workaround_on_real_certificates(cert3_actions: list[Action]) -> None:
    driver, world = replay(default_lab(), cert3_actions)
    mp1 = _mp1(driver)
    assert world[mp1][0] == "stranded"
    assert driver.lab.certificates.systems["mp1"].stored, "the role certificate is in the store"
    assert _handshake(driver) is Reason.TLS_NO_BINDING
    world = fire(driver, world, mp1, DELETE)
    assert not driver.lab.certificates.systems["mp1"].stored
    world = fire(driver, world, EXEC, RESTART)
    world = fire(driver, world, EXEC, SMSEXEC_STARTS)
    assert world[mp1] == ("issued", 0)
    assert _handshake(driver) is Reason.TLS_NO_BINDING
    world = fire(driver, world, mp1, BIND)
    assert world[mp1][0] == "bound"
    assert _handshake(driver) is None


def test_restart_alone_does_not_cure_cert3(cert3_actions: list[Action]) -> None:
    driver, world = replay(default_lab(), cert3_actions)
    world = fire(driver, world, EXEC, RESTART)
    world = fire(driver, world, EXEC, SMSEXEC_STARTS)
    assert world[_mp1(driver)][0] == "stranded"
    assert _handshake(driver) is Reason.TLS_NO_BINDING


def test_timers_are_read_off_the_lab_clock() -> None:
    lab = default_lab()
    driver, world = replay(lab, [])
    world = fire(driver, world, 0, "disable enhanced HTTP")
    mp1 = _mp1(driver)
    assert world[mp1] == ("unbinding", 0)
    world = fire(driver, world, 3, "15 minutes pass")
    assert world[mp1] == ("unbinding", 1)
    system = driver.lab.certificates.systems["mp1"]
    assert system.queued_since is not None
    assert quanta(system.queued_since, driver.lab.clock.now()) == 1


@pytest.mark.req("CERT-3", "SEC-4")
def test_a_swapped_or_removed_certificate_is_noticed_on_the_next_read() -> None:
    lab = default_lab()
    driver, world = replay(lab, [])
    mp1 = _mp1(driver)
    system = driver.lab.certificates.systems["mp1"]
    roots = driver.lab.trusted_roots
    first = system.prove(roots)
    assert world[mp1][0] == "bound" and first.ok
    before = HANDSHAKES.copy()
    again = system.prove(roots)
    assert again == first and HANDSHAKES - before == {"cached": 1}, "the same binding, cached"
    system.bound = driver.lab.certificates.systems["dp1"].bound
    assert driver.abstraction()[mp1][0] == "stranded", "dp1's certificate names another host"
    assert system.prove(roots).ok is False
    fresh = driver.lab.authority.role_certificate(system.dns_name)
    system.bound = fresh
    verdict = system.prove(roots)
    assert verdict.ok and verdict is not first
    assert verdict.value == fresh.certificate.public_bytes(Encoding.DER)  # type: ignore[union-attr]
    assert driver.abstraction()[mp1][0] == "bound"
    system.bound = None
    assert driver.abstraction()[mp1][0] == "stranded"
