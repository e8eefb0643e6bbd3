"""Two-phase commit, after TLA+ Examples `specifications/transaction_commit/TwoPhase.tla`.

A transaction manager (TM) and resource managers (RMs) exchange Prepared, Commit and Abort
messages; messages are never lost, so ``msgs`` only grows. With 3 RMs TLC reports 288 distinct
states and the invariant TCConsistent (no RM committed while another aborted) holds. The RMs are
interchangeable, so permuting them is a symmetry (`canonical`), and the model says where canonical
form put each RM (`canonical_map`), so liveness is judged on the reduced graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehttp.checker import BaseModel, describe_change

__all__ = ["ACTIONS", "Action", "Message", "TwoPhase", "TwoPhaseState"]

Message = tuple[str, int | None]  # ("Prepared", rm) or ("Commit", None) / ("Abort", None)
Action = tuple[str, int | None]  # (name, rm) with rm None for the TM's own actions

ACTIONS: tuple[str, ...] = (
    "TMRcvPrepared",
    "TMCommit",
    "TMAbort",
    "RMPrepare",
    "RMChooseToAbort",
    "RMRcvCommitMsg",
    "RMRcvAbortMsg",
)
COMMIT: Message = ("Commit", None)
ABORT: Message = ("Abort", None)


@dataclass(frozen=True)
class TwoPhaseState:
    """The four variables of TwoPhase.tla."""

    rm_state: tuple[str, ...]  # rmState[rm]: "working" | "prepared" | "committed" | "aborted"
    tm_state: str  # tmState: "init" | "committed" | "aborted"
    tm_prepared: frozenset[int]  # tmPrepared: RMs from which the TM has received Prepared
    msgs: frozenset[Message]  # msgs: every message ever sent


class TwoPhase(BaseModel[TwoPhaseState, Action]):
    """TPNext: the TM's and each RM's actions, written guard, then update, then frame."""

    def __init__(self, rms: int = 3) -> None:
        self.rms = rms

    def init_states(self) -> Sequence[TwoPhaseState]:
        return (TwoPhaseState(("working",) * self.rms, "init", frozenset(), frozenset()),)

    def actions(self, state: TwoPhaseState) -> list[Action]:
        enabled: list[Action] = []
        if state.tm_state == "init":
            if len(state.tm_prepared) == self.rms:
                enabled.append(("TMCommit", None))
            enabled.append(("TMAbort", None))
        for rm in range(self.rms):
            if state.tm_state == "init" and ("Prepared", rm) in state.msgs:
                enabled.append(("TMRcvPrepared", rm))
            if state.rm_state[rm] == "working":
                enabled.append(("RMPrepare", rm))
                enabled.append(("RMChooseToAbort", rm))
            if COMMIT in state.msgs:
                enabled.append(("RMRcvCommitMsg", rm))
            if ABORT in state.msgs:
                enabled.append(("RMRcvAbortMsg", rm))
        return enabled

    def next_state(self, state: TwoPhaseState, action: Action) -> TwoPhaseState:
        name, rm = action
        if name == "TMCommit":
            return TwoPhaseState(
                state.rm_state, "committed", state.tm_prepared, state.msgs | {COMMIT}
            )
        if name == "TMAbort":
            return TwoPhaseState(state.rm_state, "aborted", state.tm_prepared, state.msgs | {ABORT})
        assert rm is not None
        if name == "TMRcvPrepared":
            return TwoPhaseState(
                state.rm_state, state.tm_state, state.tm_prepared | {rm}, state.msgs
            )
        new_rm_state = {
            "RMPrepare": "prepared",
            "RMChooseToAbort": "aborted",
            "RMRcvCommitMsg": "committed",
            "RMRcvAbortMsg": "aborted",
        }[name]
        rm_state = (*state.rm_state[:rm], new_rm_state, *state.rm_state[rm + 1 :])
        msgs = state.msgs | {("Prepared", rm)} if name == "RMPrepare" else state.msgs
        return TwoPhaseState(rm_state, state.tm_state, state.tm_prepared, msgs)

    def action_name(self, action: Action) -> str:
        return action[0]

    def all_action_names(self) -> Sequence[str]:
        return ACTIONS

    def canonical(self, state: TwoPhaseState) -> TwoPhaseState:
        """Sort the RMs by everything the state says about each one."""
        return self.canonical_map(state)[0]

    def canonical_map(self, state: TwoPhaseState) -> tuple[TwoPhaseState, tuple[int, ...]]:
        """The canonical form and where it put each RM (`model.checker.Symmetric`)."""
        order = sorted(
            range(self.rms),
            key=lambda rm: (
                state.rm_state[rm],
                rm in state.tm_prepared,
                ("Prepared", rm) in state.msgs,
            ),
        )
        renamed = {old: new for new, old in enumerate(order)}
        return TwoPhaseState(
            tuple(state.rm_state[old] for old in order),
            state.tm_state,
            frozenset(renamed[rm] for rm in state.tm_prepared),
            frozenset((kind, None if rm is None else renamed[rm]) for kind, rm in state.msgs),
        ), tuple(renamed[rm] for rm in range(self.rms))

    def agent(self, action: Action) -> tuple[int, str] | None:
        """An action naming an RM moves with it (the TM's receipt of its Prepared included)."""
        name, rm = action
        return None if rm is None else (rm, name)

    def describe_step(self, before: TwoPhaseState, action: Action, after: TwoPhaseState) -> str:
        name, rm = action
        label = name if rm is None else f"{name}(rm{rm + 1})"
        return f"{label}: {describe_change(before, after)}"
