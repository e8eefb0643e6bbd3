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


@pytest.mark.parametrize(
    "every_world",
    [
        False,
        # Heavy: the view fired anew on each of the 41,052 worlds rather than once per distinct
        # question (the fast case below, which asks the same questions of every world).
        pytest.param(True, marks=pytest.mark.heavy),
    ],
    ids=["each-distinct-question", "every-world"],
)
def test_every_reachable_world_has_the_same_enabled_rows_and_destinations(
    default_worlds: tuple[WorldModel, list[World]], every_world: bool
) -> None:
    """The view's answer for an instance depends only on its machine, its control state and what
    the declared guards of the rows leaving that state say (its conditions call them, and
    `test_view_has_the_declared_states_and_edges` proves its rows leave the declared states), so
    unless `every_world` it is fired once per distinct (machine, control state, guard outcomes)
    and that answer is compared with the declarations on every world that asks the same."""
    model, worlds = default_worlds
    env = model.env
    contexts = {name: bind(view, env) for name, view in VIEWS.items()}
    leaving = {
        (machine.name, state): tuple(row for row in machine.rows if state in row.source)
        for machine in env.machines
        for state in machine.state_names
    }
    fair = {
        (machine.name, row.name): _fair(machine, row.name)
        for machine in env.machines
        for row in machine.local_rows
    }
    answers: dict[object, tuple[set[tuple[str, str]], set[tuple[str, str]]]] = {}
    checked = 0
    for world in worlds:
        from_checker: dict[int, set[tuple[str, str]]] = {}
        for index, number in model.actions(world):
            row = env.machines[index].rows[number]
            from_checker.setdefault(index, set()).add((row.name, row.dest))
        # The composition lets only system steps happen while a deadline is overdue.
        urgent = env.overdue(world)
        for index, (control, _timer) in enumerate(world):
            machine = env.machines[index]
            view, context = VIEWS[machine.name], contexts[machine.name]
            rows = leaving[machine.name, control]
            guards = tuple(row.guard(env, world, index) for row in rows)
            question = (machine.name, control, guards)
            if every_world or question not in answers:
                answers[question] = (
                    _view_enabled(view, context, world, index, view.local_triggers),
                    _view_enabled(view, context, world, index, view.reaction_triggers),
                )
            local, found = answers[question]
            enabled = [row for row, holds in zip(rows, guards, strict=True) if holds]
            declared = {(row.name, row.dest) for row in enabled if not row.reaction}
            assert local == declared, (env.names[index], world)
            steps = {(n, d) for n, d in declared if not urgent or fair[machine.name, n]}
            assert from_checker.get(index, set()) == steps, (env.names[index], world)
            reactions = {
                (row.event, row.dest) for row in enabled if row.reaction and row.event is not None
            }
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
