"""The `transitions` view agrees with the declarations it is built from
(model/views/machines.py)."""

from __future__ import annotations

import pytest

from ehttp.compose.world import MACHINES, World, WorldModel
from ehttp.machines.machine import Machine, Row, StateDecl
from ehttp.views.machines import Context, MachineView, bind, build_view, fire

VIEWS = {machine.name: build_view(machine) for machine in MACHINES}


def _fair(machine: Machine, name: str) -> bool:
    return all(row.fair for row in machine.local_rows if row.name == name)


def _view_enabled(
    view: MachineView, context: Context, world: World, index: int, triggers: frozenset[str]
) -> set[tuple[str, str]]:
    control = world[index][0]
    enabled = set()
    for trigger in sorted(triggers & set(view.machine.get_triggers(control))):
        dest = fire(view, context, world, index, trigger)
        if dest is not None:
            enabled.add((trigger, dest))
    return enabled


def test_every_reachable_world_has_the_same_enabled_rows_and_destinations(
    default_worlds: tuple[WorldModel, list[World]],
) -> None:
    model, worlds = default_worlds
    env = model.env
    contexts = {name: bind(view, env) for name, view in VIEWS.items()}
    checked = 0
    for world in worlds:
        from_checker: dict[int, set[tuple[str, str]]] = {}
        for index, number in model.actions(world):
            row = env.machines[index].rows[number]
            from_checker.setdefault(index, set()).add((row.name, row.dest))
        for index, (control, _timer) in enumerate(world):
            machine = env.machines[index]
            view, context = VIEWS[machine.name], contexts[machine.name]
            declared = {
                (row.name, row.dest)
                for row in machine.local_rows
                if control in row.source and row.guard(env, world, index)
            }
            assert _view_enabled(view, context, world, index, view.local_triggers) == declared, (
                env.names[index],
                world,
            )
            # The composition lets only system steps happen while a deadline is overdue.
            urgent = env.overdue(world)
            steps = {(n, d) for n, d in declared if not urgent or _fair(machine, n)}
            assert from_checker.get(index, set()) == steps, (env.names[index], world)
            reactions = {
                (row.event, row.dest)
                for row in machine.reaction_rows
                if row.event is not None and control in row.source and row.guard(env, world, index)
            }
            found = _view_enabled(view, context, world, index, view.reaction_triggers)
            assert found == reactions, (env.names[index], world)
            checked += 1
    assert len(worlds) > 1000
    assert checked == len(worlds) * len(env.machines)


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_view_has_the_declared_states_and_edges(machine: Machine) -> None:
    view = VIEWS[machine.name].machine
    assert list(view.states) == list(machine.state_names)
    edges = {
        (name, source, transition.dest)
        for name, event in view.events.items()
        for source, transitions in event.transitions.items()
        for transition in transitions
    }
    declared = {
        (row.name if row.event is None else row.event, source, row.dest)
        for row in machine.rows
        for source in row.source
    }
    assert edges == declared
    counted = sum(len(ts) for e in view.events.values() for ts in e.transitions.values())
    assert counted == sum(len(row.source) for row in machine.rows)


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_view_adds_no_automatic_transitions(machine: Machine) -> None:
    view = VIEWS[machine.name].machine
    assert not any(name.startswith("to_") for name in view.events)


def test_a_row_named_like_an_event_it_reacts_to_is_refused() -> None:
    clashing = Machine(
        name="clash",
        title="clash",
        doc="a row and a reaction share a trigger",
        states=(StateDecl("a", "a"), StateDecl("b", "b")),
        rows=(
            Row("go", ("a",), "b", ("SITE-1",), "administrator"),
            Row("follow", ("b",), "a", ("SITE-1",), "site", event="go"),
        ),
    )
    with pytest.raises(ValueError, match=r"machine clash: \['go'\] name both a row and an event"):
        build_view(clashing)
