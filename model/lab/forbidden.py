"""Inputs the model forbids, presented to the lab: the lab's half of negative lockstep.

Lockstep drives the lab only through steps the model allows, so on its own it cannot see a lab
that is looser than the model. `model/fuzz/forbidden.py` derives from the model's decisions in the
world at hand the inputs it forbids (`Attempt`), each with the reason the model implies; this
module presents one to the lab:
- registration at each management point with each kind of device evidence the MP table does not
  list now (REG-1, REG-2; SEC-2), from a client that holds that evidence: "method-not-accepted";
- user authorization at each management point with each kind of user evidence the MP table does
  not list now (MP-3): "method-not-accepted";
- a download at each distribution point that does not serve anonymously, with each credential
  the DP table does not list now (DP-1..DP-3; SEC-1): "method-not-accepted".
Modeling assumption A-46: a site system checks the method against its access table before it
examines the evidence, so an input is refused for the table's reason even when the evidence itself
would not pass (a network access account with a made-up secret, a
content access token never issued): a lab that examined the evidence first, or skipped the table,
answers with another reason and is caught too.

Notifications are not tried here: the model forbids acting on a notification of a client that is
not registered, and such a client holds no key to sign one with; the lab's answer to a registered
client's notification is already checked step by step (SEC-3, REG-5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ehttp.lab.evidence import (
    ClientCertificate,
    ContentToken,
    DomainUserProof,
    NaaLogon,
    NoCredential,
    UserToken,
)
from ehttp.lab.reasons import Reason, Verdict
from ehttp.lab.testbed import NAA_USER, ConcreteLab
from ehttp.lab.trust import presented
from ehttp.machines.access import Method

__all__ = ["Attempt", "Kind", "try_attempt"]

Kind = Literal["registration", "user authorization", "download"]

_USER_ACCOUNT = "alice"
_USER_UPN = "alice@contoso.com"


@dataclass(frozen=True)
class Attempt:
    """One input the model forbids now: its kind, the site system, the method, the client whose
    evidence it is (registration; None otherwise), and the lab's expected reason."""

    kind: Kind
    system: str
    method: Method
    client: str | None = None
    reason: Reason = Reason.METHOD_NOT_ACCEPTED

    @property
    def text(self) -> str:
        """The attempt in words."""
        by = f" by {self.client}" if self.client is not None else ""
        return f"{self.kind} with {self.method} at {self.system}{by}"


def _user_evidence(lab: ConcreteLab, method: Method) -> DomainUserProof | UserToken:
    if method == "active-directory":
        return lab.user_proof(_USER_ACCOUNT)
    return UserToken(lab.tenant.user_token(_USER_UPN))


def _credential(lab: ConcreteLab, method: Method) -> Any:
    if method == "none":
        return NoCredential()
    if method == "network-access-account":
        return NaaLogon(NAA_USER, "not-the-secret")
    if method == "content-access-token":
        return ContentToken("never-issued")
    holder = next(agent for agent in lab.clients.values() if agent.certificate is not None)
    assert holder.certificate is not None
    return ClientCertificate(presented(holder.certificate))


def try_attempt(lab: ConcreteLab, attempt: Attempt) -> Verdict[Any]:
    """Present `attempt` to the lab (a copy: a refused input may still spend a client's nonce)."""
    submit: Callable[[], Verdict[Any]]
    if attempt.kind == "registration":
        assert attempt.client is not None
        request = lab.clients[attempt.client].request(attempt.method)
        submit = lambda: lab.mp(attempt.system).register(request)  # noqa: E731
    elif attempt.kind == "user authorization":
        evidence = _user_evidence(lab, attempt.method)
        submit = lambda: lab.mp(attempt.system).authorize_user(evidence)  # noqa: E731
    else:
        credential = _credential(lab, attempt.method)
        submit = lambda: lab.dp(attempt.system).download("PS100001", credential)  # noqa: E731
    return submit()
