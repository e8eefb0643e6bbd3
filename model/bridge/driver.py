"""The lab driver: enact the abstract model's actions on the concrete lab, read it back, attack it.

DESIGN "Concrete lab" and "Hypothesis ... checks it step by step against the abstract model": a
`LabDriver` takes the same actions as `ehttp.compose.world.WorldModel` ((instance, row) pairs) and
carries
each out on a `ConcreteLab` with real cryptography: the site toggles the option (SITE-1, CERT-1),
the certificate manager issues, binds, unbinds and deletes real certificates (CERT-2..4, SITE-4),
clients register with real evidence (REG-1..3: Active Directory proof, Azure AD device token, PKI
client certificate, anonymous request and approval), the policy poll rolls a registration over to
a fresh key (REG-4), client notifications are signed messages the management point verifies
(SEC-3, REG-5), and each clock tick moves the lab clock by one quantum. `abstraction` reads the lab
back (`model/bridge/abstraction.py`); `inject` runs an attack of the catalogue against the lab in
its
current state, which must refuse it, and `confirm` an honest twin, which it must accept.

Where the lab must decide something the abstract action leaves open, the driver follows the row:
the registration method is the row's, and so is the policy poll's evidence (a PKI certificate for
the row reaching `registered:pki`, A-47); the management point is the first one that the model's
access table and reachability give for that method. When the lab refuses what the row says
happens (or accepts what it says fails), `step` raises `Divergence`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any

from ehttp.bridge.abstraction import abstract
from ehttp.compose.world import APP, CLOCK_AT, EXEC, SITE, Action, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.lab.attacks import CATALOGUE, HONEST, Attack, unmet
from ehttp.lab.forbidden import Attempt, try_attempt
from ehttp.lab.messages import Registration
from ehttp.lab.mutants import mutant_set
from ehttp.lab.reasons import Accepted, Reason, Refused, Verdict
from ehttp.lab.testbed import ConcreteLab
from ehttp.machines.access import Method, enhanced_in_effect, mp_registration_methods
from ehttp.machines.binding import DELETE, RESTART, SMSEXEC_STARTS
from ehttp.machines.clock import QUANTUM_MINUTES
from ehttp.machines.registration import NOTIFY_FAILS, NOTIFY_OK, POLICY_POLL
from ehttp.machines.site import DISABLE, ENABLE

__all__ = ["REGISTER_ROWS", "AttackAccepted", "Divergence", "LabDriver"]

REGISTER_ROWS: dict[str, Method] = {
    "register anonymously (manual approval)": "anonymous-manual-approval",
    "register with Active Directory domain evidence": "active-directory",
    "register with an Azure AD device token": "azure-ad-device-token",
    "register with a PKI client certificate": "pki-certificate",
}
"""The registration rows of `ehttp.machines.registration.REGISTRATION` and the evidence each
presents."""

_WORK_ROWS = frozenset(
    {
        "bind the certificate to the IIS Default Web Site on port 443",
        "keep the PKI certificate already bound",
        "remove the binding and delete the role certificate",
    }
)
_NOTIFICATION_BODY = b"client-notification:run-scripts"


def _unenacted(name: str) -> ValueError:
    return ValueError(f"action: row {name!r} has no enactment in the lab")


class Divergence(AssertionError):
    """The concrete lab did not do what the abstract action says happens."""


class AttackAccepted(AssertionError):
    """An attack of the catalogue was accepted by the lab (or changed its state)."""


class LabDriver:
    """Drive a concrete lab with the abstract model's actions (see the module docstring)."""

    def __init__(
        self, lab: Lab, seed: int = 0, mutant: str | None = None, *, secret: bytes | None = None
    ) -> None:
        self.model = WorldModel(lab)
        self.config = lab
        self.seed = seed
        self.mutant = mutant
        self.lab = ConcreteLab(lab, seed, mutants=mutant_set(mutant), secret=secret)
        self.history: list[Action] = []
        self._replica: LabDriver | None = None
        """A lab built like this one that has taken the first `len(self._replica.history)` of
        its steps and was never attacked (None until the first attack)."""

    def step(self, action: Action) -> None:
        """Enact ``action`` (same (index, row) as `WorldModel`) on the concrete lab."""
        index, number = action
        env = self.model.env
        if not 0 <= index < len(env.machines) or not 0 <= number < len(env.machines[index].rows):
            raise ValueError(
                f"action: {action!r} is not accepted; give (instance, row) with instance in "
                f"0..{len(env.machines) - 1} and row a row number of that instance's machine"
            )
        row = env.machines[index].rows[number]
        if row.reaction:
            raise ValueError(
                f"action: {action!r} names the reaction row {row.name!r}; give a local row"
            )
        self.history.append(action)
        self._enact(index, row.name, row.dest)

    def _enact(self, index: int, name: str, dest: str) -> None:
        env, lab = self.model.env, self.lab
        if index == SITE:
            self._site(name)
        elif index == APP:
            if name == "Update application setting":
                lab.update_azure_ad_application()
            elif name == "onboard the site to Azure AD for cloud management":
                lab.onboard_azure_ad()
            else:
                raise _unenacted(name)
        elif index == EXEC:
            if name == RESTART:
                lab.certificates.restart()
            elif name == SMSEXEC_STARTS:
                lab.certificates.start()
            else:
                raise _unenacted(name)
        elif index == CLOCK_AT:
            lab.clock.advance(dt.timedelta(minutes=QUANTUM_MINUTES))
        elif index in env.bindings:
            self._binding(env.names[index], name)
        else:
            self._client(index, name, dest)

    def _site(self, name: str) -> None:
        if name == ENABLE:
            self.lab.set_enhanced(True)
        elif name == DISABLE:
            self.lab.set_enhanced(False)
        elif name == "select HTTPS only":
            self.lab.set_client_communication("https-only")
        elif name == "select HTTPS or HTTP":
            self.lab.set_client_communication("https-or-http")
        else:
            raise _unenacted(name)

    def _binding(self, system: str, name: str) -> None:
        if name == DELETE:
            self.lab.certificates.delete_sms_issued(system)
        elif name not in _WORK_ROWS:
            raise _unenacted(name)
        elif not self.lab.certificates.work(system):
            raise Divergence(f"{system}: {name!r}: no queued work, or smsexec is stopped")

    def _client(self, index: int, name: str, dest: str) -> None:
        client = self.model.env.names[index]
        lab = self.lab
        method = REGISTER_ROWS.get(name)
        verdict: Verdict[Any]
        if method is not None:
            verdict = lab.register(client, method, self._management_point(index, method))
        elif name == "approve the client":
            verdict = lab.approve(client, lab.pending_at(client))
        elif name == POLICY_POLL:
            verdict = self._poll(index, dest)
        elif name == NOTIFY_OK:
            verdict = self._notify(client, name)
        else:
            self._notification_fails(client, name)
            return
        if isinstance(verdict, Refused):
            raise Divergence(
                f"{client}: {name!r} refused: {verdict.reason.value}: {verdict.detail}"
            )

    def _poll(self, index: int, dest: str) -> Verdict[Registration]:
        """The policy poll of the row reaching ``dest`` (A-47): with the client's PKI certificate
        at the first management point the model says accepts it, else a rollover over the
        channel the client already uses (A-11)."""
        client = self.model.env.names[index]
        lab = self.lab
        if dest == "registered:pki":
            request = lab.clients[client].request("pki-certificate")
            return lab.reregister(client, self._management_point(index, "pki-certificate"), request)
        return lab.reregister(client, lab.registered_at(client))

    def _notification_fails(self, client: str, name: str) -> None:
        if name != NOTIFY_FAILS:
            raise _unenacted(name)
        verdict = self._notify(client, name)
        if not isinstance(verdict, Refused) or verdict.reason is not Reason.MSG_REGIME_MISMATCH:
            raise Divergence(f"{client}: {name!r}, but the management point gave {verdict}")

    def _notify(self, client: str, name: str) -> Verdict[str]:
        if self.lab.clients[client].registration_id is None:
            raise Divergence(f"{client}: {name!r}: the client holds no registration to sign with")
        return self.lab.notify(client, _NOTIFICATION_BODY, self.lab.registered_at(client))

    def _management_point(self, index: int, method: Method) -> str:
        """The first management point the model says the client reaches that accepts ``method``.

        The lab's abstraction is read only when the client is not on the intranet or the site is
        HTTPS only, the cases where reachability depends on the lab's state (`Env.mp_reachable`),
        so a step reads the abstraction (and proves the bindings) at most once besides the
        campaign's own read.
        """
        env = self.model.env
        site = self.lab.site
        enhanced = enhanced_in_effect(site.version, site.enhanced_http)
        world: World | None = None
        for number, mp in enumerate(self.config.management_points):
            if method not in mp_registration_methods(mp.connections, site.version, enhanced):
                continue
            plain = site.client_communication == "https-or-http"
            if env.client(index).network == "intranet" and plain:
                return mp.name
            world = self.abstraction() if world is None else world
            if env.mp_reachable(world, index, number):
                return mp.name
        raise Divergence(f"{env.names[index]}: no reachable management point accepts {method}")

    def abstraction(self) -> World:
        """The abstract world the concrete lab is in (`ehttp.bridge.abstraction.abstract`)."""
        return abstract(self.lab, self.model.env)

    def attack_names(self) -> tuple[str, ...]:
        """The catalogue's attacks that apply to this lab in its current state."""
        return tuple(a.name for a in CATALOGUE if not unmet(a, self.lab))

    def inject(self, attack: str) -> Reason:
        """Run ``attack`` against this lab in its current state; the reason it was refused.

        The attack runs on a copy of a replica: a lab built from the same file, seed, mutant and
        secret that has taken this driver's steps and is checked to be in the same state (same
        snapshot, clock and client registrations); the copy is checked the same way. The
        attack's setup (registrations, clock) stays on the copy, so this lab's abstraction and
        snapshot do not change (checked too). Raises `AttackAccepted` when the lab accepts the
        input or changes state on refusing it.

        The replica is kept between attacks and never attacked itself, so it takes only the
        steps since the last attack. A kept replica that does not reproduce the lab is replaced
        by a fresh one replaying the whole history, and a fresh one that does not reproduce it
        raises `Divergence`. A setup step the lab refuses raises
        `ehttp.lab.attacks.SetupRefused`.
        """
        chosen = self._attack(attack, CATALOGUE)
        state = _fingerprint(self.lab)
        verdict, target, before = self._on_copy(chosen, state)
        if isinstance(verdict, Accepted):
            raise AttackAccepted(f"{attack}: accepted ({chosen.tries}); expected {chosen.expected}")
        if target.snapshot() != before:
            raise AttackAccepted(f"{attack}: refused ({verdict.reason.value}) but state changed")
        if _fingerprint(self.lab) != state:
            raise AttackAccepted(f"{attack}: refused ({verdict.reason.value}) but the lab changed")
        return verdict.reason

    def try_forbidden(self, attempts: Sequence[Attempt]) -> tuple[Verdict[Any], ...]:
        """Present each input the model forbids now (`model/fuzz/forbidden.py`) to a copy of
        this lab, in order; the lab's verdict on each. This lab does not change (raises
        `Divergence` if it did): a refused input may still spend a client's nonce, so it is
        presented to the copy."""
        if not attempts:
            return ()
        state = _fingerprint(self.lab)
        target = copy.deepcopy(self.lab)
        verdicts = tuple(try_attempt(target, attempt) for attempt in attempts)
        if _fingerprint(self.lab) != state:
            raise Divergence("an input tried on a copy changed the lab itself")
        return verdicts

    def confirm(self, twin: str) -> Verdict[Any]:
        """Run the honest twin ``twin`` against this lab in its current state, on a copy of a
        replica as `inject` runs an attack; the lab's verdict on its genuine input (which must be
        accepted: the caller judges). This lab does not change (raises `Divergence` if it did).
        """
        chosen = self._attack(twin, HONEST)
        state = _fingerprint(self.lab)
        verdict = self._on_copy(chosen, state)[0]
        if _fingerprint(self.lab) != state:
            raise Divergence(f"{twin}: an honest twin on a copy changed the lab itself")
        return verdict

    def _on_copy(
        self, case: Attack, state: tuple[object, ...]
    ) -> tuple[Verdict[Any], ConcreteLab, object]:
        """Prepare ``case`` on a copy of a caught-up replica and submit its input: the verdict,
        the copy, and the copy's snapshot from before the input."""
        target = copy.deepcopy(self._caught_up(state).lab)
        if _fingerprint(target) != state:
            raise Divergence("a copy of the replica is not in the lab's state")
        submit = case.prepare(target)
        before = target.snapshot()
        return submit(), target, before

    def _caught_up(self, state: tuple[object, ...]) -> LabDriver:
        """A replica that has taken every step of this driver and is in its lab's `state`."""
        kept = self._replica
        if kept is not None and kept._catch_up(self.history) and _fingerprint(kept.lab) == state:
            return kept
        replica = LabDriver(self.config, self.seed, self.mutant, secret=self.lab.secret)
        for action in self.history:
            replica.step(action)
        if _fingerprint(replica.lab) != state:
            raise Divergence(f"replaying {len(self.history)} steps did not reproduce the lab")
        self._replica = replica
        return replica

    def _catch_up(self, history: list[Action]) -> bool:
        """Take the steps of ``history`` this replica has not taken; False when one diverges."""
        try:
            for action in history[len(self.history) :]:
                self.step(action)
        except Divergence:
            return False
        return True

    def _attack(self, name: str, cases: tuple[Attack, ...]) -> Attack:
        for attack in cases:
            if attack.name == name:
                missing = unmet(attack, self.lab)
                if missing:
                    raise ValueError(
                        f"attack: {name!r} does not apply to this lab now: {'; '.join(missing)}"
                    )
                return attack
        applicable = ", ".join(a.name for a in cases if not unmet(a, self.lab))
        raise ValueError(f"attack: {name!r} is not accepted; use one of {applicable}")


def _fingerprint(lab: ConcreteLab) -> tuple[object, ...]:
    """What tells two labs built alike apart: the site's observable state, the clock and each
    client's registration."""
    clients = tuple(
        (name, agent.registration_id, agent.generation) for name, agent in lab.clients.items()
    )
    return (lab.snapshot(), lab.clock.now(), clients)
