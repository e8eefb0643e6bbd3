"""The administrator's actions as short ids, and applying them to a world.

Every local row of the lab's model whose actor is the administrator and that changes a state is an
action the administrator can take (rows that only observe, such as "client notification acted
on", are not). Its id is a short slug of the row's name (`enable-enhanced-http`,
`restart-smsexec`, `delete-sms-issuing-certs`, `approve`, ...); a row of a per-instance machine
(a site system's binding, a client's registration) takes the instance's name: `approve wg1`,
`delete-sms-issuing-certs mp1`. The row's own words are accepted too (`"enable enhanced HTTP"`),
and so is any unambiguous prefix of an id (`enable`).

`delete-sms-issuing-certs` with no site system deletes every SMS-Issuing-issued certificate in the
SMS store (the seed's workaround says "all"): the row fires on every site system where it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ehttp.ask.steps import TimedStep, timed_step
from ehttp.compose.world import ModelError, World, WorldModel
from ehttp.machines.binding import DELETE, RESTART
from ehttp.machines.site import DISABLE, ENABLE

__all__ = [
    "ActionError",
    "AdminAction",
    "action_text",
    "apply",
    "catalogue",
    "parse",
    "possible_now",
    "take",
    "targets",
]

_IDS: dict[str, str] = {
    ENABLE: "enable-enhanced-http",
    DISABLE: "disable-enhanced-http",
    RESTART: "restart-smsexec",
    DELETE: "delete-sms-issuing-certs",
    "approve the client": "approve",
    "onboard the site to Azure AD for cloud management": "onboard-azure-ad",
    "Update application setting": "update-application-setting",
}


class ActionError(ModelError):
    """An action the lab doesn't have, or one that can't be taken now (one line, exit 2)."""


@dataclass(frozen=True)
class AdminAction:
    """One administrator action: its id, the row it fires and, for an instance's row, where."""

    id: str
    row: str
    target: str | None = None

    @property
    def text(self) -> str:
        """The action as a user types it: the id, then the instance's name if any."""
        return self.id if self.target is None else f"{self.id} {self.target}"


def _slug(name: str) -> str:
    return _IDS.get(name) or re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def action_text(model: WorldModel, action: tuple[int, int]) -> str:
    """A model step of an administrator's row as a user types it (`approve wg1`)."""
    index, _number = action
    text = _slug(model.action_name(action))
    return text if index < model.env.first_binding else f"{text} {model.env.names[index]}"


def catalogue(model: WorldModel) -> tuple[AdminAction, ...]:
    """Every administrator action of the lab, global ones first, in declaration order."""
    env = model.env
    found: dict[AdminAction, None] = {}
    for index, machine in enumerate(env.machines):
        target = env.names[index] if index >= env.first_binding else None
        for row in machine.local_rows:
            if row.fair or row.source == (row.dest,):
                continue
            if row.name == DELETE and target is not None:
                found[AdminAction(_slug(row.name), row.name)] = None
            found[AdminAction(_slug(row.name), row.name, target)] = None
    return tuple(sorted(found, key=lambda a: (a.target is not None, a.target or "")))


def parse(model: WorldModel, text: str) -> AdminAction:
    """The action `text` names: an id, a row's words or an id's unambiguous prefix, then the
    instance's name for an instance's row."""
    actions = catalogue(model)
    words = " ".join(text.split())
    lowered = words.lower()
    ids = sorted({a.id for a in actions})

    def match(name: str) -> list[str]:
        exact = [i for i in ids if i == name or _row(actions, i).lower() == name]
        return exact or [i for i in ids if i.startswith(name)]

    head, _, tail = lowered.rpartition(" ")
    for name, target in ((lowered, None), (head, tail)):
        if not name:
            continue
        candidates = match(name)
        if len(candidates) > 1:
            raise ActionError(f"--do: {text!r} is ambiguous; it could be {', '.join(candidates)}")
        if candidates:
            chosen = [
                a for a in actions if a.id == candidates[0] and a.target == _name(model, target)
            ]
            if chosen:
                return chosen[0]
            if target is None:
                continue
            targets = sorted(a.target for a in actions if a.id == candidates[0] and a.target)
            raise ActionError(
                f"--do: {target!r} is not accepted for {candidates[0]}; "
                f"use one of {', '.join(targets) or 'no instance'}"
            )
    needs = [a.text for a in actions if a.target is not None and a.id in match(lowered)]
    if needs:
        raise ActionError(f"--do: {text!r} needs a name; use one of {', '.join(needs)}")
    raise ActionError(
        f"--do: {text!r} is not accepted; use one of "
        f"{', '.join(sorted({_usage(a) for a in actions}))}"
    )


def _row(actions: tuple[AdminAction, ...], action_id: str) -> str:
    return next(a.row for a in actions if a.id == action_id)


def _name(model: WorldModel, lowered: str | None) -> str | None:
    if lowered is None:
        return None
    return next((n for n in model.env.names if n.lower() == lowered), lowered)


def _usage(action: AdminAction) -> str:
    if action.target is None:
        return action.id
    return f"{action.id} NAME"


def apply(model: WorldModel, world: World, action: AdminAction) -> tuple[World, list[TimedStep]]:
    """`world` after `action`, and each model step it took (at 0 minutes).

    Raises `ActionError` naming what is possible now when the action can't be taken in `world`.
    """
    done = take(model, world, action)
    if done is None:
        where = ", ".join(f"{model.env.names[i]} is {world[i][0]}" for i in targets(model, action))
        raise ActionError(
            f"--do: {action.text!r} can't be taken now ({where}); possible now: "
            f"{', '.join(possible_now(model, world)) or 'nothing'}"
        )
    return done


def possible_now(model: WorldModel, world: World) -> list[str]:
    """The administrator actions that can be taken in `world`, as a user types them."""
    return [a.text for a in catalogue(model) if take(model, world, a) is not None]


def targets(model: WorldModel, action: AdminAction) -> list[int]:
    """The instances whose row `action` fires: its target, or every instance with the row."""
    env = model.env
    if action.target is not None:
        return [env.names.index(action.target)]
    return [
        i for i, m in enumerate(env.machines) if any(r.name == action.row for r in m.local_rows)
    ]


def take(
    model: WorldModel, world: World, action: AdminAction
) -> tuple[World, list[TimedStep]] | None:
    """`world` after `action` and its model steps, or None when the lab's model refuses it."""
    texts: list[TimedStep] = []
    current = world
    for index in targets(model, action):
        enabled = [
            a
            for a in model.actions(current)
            if a[0] == index and model.action_name(a) == action.row
        ]
        if not enabled:
            continue
        after = model.next_state(current, enabled[0])
        texts.append(timed_step(model, 0, current, enabled[0], after))
        current = after
    return (current, texts) if texts else None
