"""Every mutant of model/lab/mutants.py is observable: an attack is accepted or lockstep breaks."""

from __future__ import annotations

import pytest

from ehttp.bridge.driver import AttackAccepted, LabDriver
from ehttp.compose.world import EXEC, SITE, World
from ehttp.config.labfile import default_lab
from ehttp.lab.forbidden import Attempt
from ehttp.lab.mutants import (
    ALG_NONE,
    ANONYMOUS_REPLACES,
    DEVICE_TOKEN_WITHOUT_ENHANCED,
    FORGETS_KEYS,
    IGNORES_IDENTITY,
    IGNORES_LIFETIME,
    KEEPS_OLD_KEY,
    KEEPS_TOKENS,
    KIND_UNBOUND,
    MUTANTS,
    NEVER_REBINDS,
    NO_REPLAY_WINDOW,
    SERVES_WITHOUT_CREDENTIAL,
    SKIPS_CONTINUITY,
    mutant_set,
)
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.tls import CACHE, HANDSHAKES
from ehttp.machines.binding import DELETE, RESTART, SMSEXEC_STARTS
from ehttp.machines.site import DISABLE, ENABLE

CAUGHT_BY_ATTACK = [
    (ALG_NONE, "token-alg-none", Reason.TOKEN_ALG_NOT_ALLOWED),
    (SERVES_WITHOUT_CREDENTIAL, "dp-no-credential", Reason.METHOD_NOT_ACCEPTED),
    (KEEPS_OLD_KEY, "msg-old-key-current-generation", Reason.MSG_BAD_SIGNATURE),
    (IGNORES_IDENTITY, "identity-domain-registers-other-client", Reason.AD_ACCOUNT_MISMATCH),
    (IGNORES_IDENTITY, "identity-token-registers-other-client", Reason.TOKEN_DEVICE_MISMATCH),
    (IGNORES_IDENTITY, "identity-domain-unknown-name", Reason.REG_UNKNOWN_CLIENT),
    (SKIPS_CONTINUITY, "rollover-signed-by-attacker", Reason.REG_ROLLOVER_NOT_CONTINUOUS),
    (SKIPS_CONTINUITY, "rollover-borrowed-continuity", Reason.REG_ROLLOVER_NOT_CONTINUOUS),
    (KIND_UNBOUND, "kind-token-request-as-notification", Reason.MSG_BAD_SIGNATURE),
    (KIND_UNBOUND, "kind-notification-as-token-request", Reason.MSG_BAD_SIGNATURE),
    (NO_REPLAY_WINDOW, "replay-notification", Reason.MSG_REPLAYED),
    (NO_REPLAY_WINDOW, "replay-notification-next-day", Reason.MSG_NOT_FRESH),
    (NO_REPLAY_WINDOW, "replay-user-proof", Reason.MSG_REPLAYED),
    (NO_REPLAY_WINDOW, "replay-user-proof-a-month-later", Reason.MSG_NOT_FRESH),
    (NO_REPLAY_WINDOW, "replay-token-request", Reason.MSG_REPLAYED),
    (NO_REPLAY_WINDOW, "replay-rollover-as-registration", Reason.MSG_REPLAYED),
    (FORGETS_KEYS, "replay-superseded-key-with-device-token", Reason.REG_KEY_SUPERSEDED),
    (IGNORES_LIFETIME, "cat-expired", Reason.CAT_EXPIRED),
    (KEEPS_TOKENS, "stale-cat-after-disabling-and-enabling", Reason.CAT_REVOKED),
    (ANONYMOUS_REPLACES, "identity-anonymous-replaces-registered", Reason.REG_CONFLICTING_RECORD),
    (ANONYMOUS_REPLACES, "identity-anonymous-replaces-pending", Reason.REG_CONFLICTING_RECORD),
]
"""Each mutant with an attack it lets through; the new six remove one identity, continuity,
kind, freshness, lifetime or revocation check each (issue 11)."""


@pytest.mark.req("SEC-5", "SEC-1", "SEC-2", "SEC-3")
@pytest.mark.parametrize(
    ("mutant", "attack", "reason"),
    CAUGHT_BY_ATTACK,
    ids=[f"{m}:{a}" for m, a, _ in CAUGHT_BY_ATTACK],
)
def test_mutant_makes_an_attack_succeed(mutant: str, attack: str, reason: Reason) -> None:
    assert LabDriver(default_lab()).inject(attack) is reason
    driver = LabDriver(default_lab(), mutant=mutant)
    before = driver.abstraction(), driver.lab.snapshot()
    with pytest.raises(AttackAccepted, match=attack):
        driver.inject(attack)
    assert (driver.abstraction(), driver.lab.snapshot()) == before


def _fire(driver: LabDriver, world: World, index: int, name: str) -> World:
    model = driver.model
    action = next(a for a in model.actions(world) if a[0] == index and model.action_name(a) == name)
    driver.step(action)
    return model.next_state(world, action)


def _workaround_trace(driver: LabDriver) -> list[tuple[World, World]]:
    """Strand mp1 (CERT-3), apply the workaround; the (lab, model) worlds after each step."""
    mp1 = driver.model.env.names.index("mp1")
    world = driver.model.initial
    pairs = []
    for index, name in (
        (SITE, DISABLE),
        (mp1, "remove the binding and delete the role certificate"),
        (SITE, ENABLE),
        (SITE, DISABLE),
        (SITE, ENABLE),
        (mp1, DELETE),
        (EXEC, RESTART),
        (EXEC, SMSEXEC_STARTS),
    ):
        world = _fire(driver, world, index, name)
        pairs.append((driver.abstraction(), world))
    return pairs


@pytest.mark.req("CERT-4")
def test_never_rebinds_departs_from_the_model_on_the_workaround() -> None:
    assert all(lab == model for lab, model in _workaround_trace(LabDriver(default_lab())))
    pairs = _workaround_trace(LabDriver(default_lab(), mutant=NEVER_REBINDS))
    assert all(lab == model for lab, model in pairs[:-1])
    lab, model = pairs[-1]
    assert lab != model
    mp1 = LabDriver(default_lab()).model.env.names.index("mp1")
    assert (lab[mp1][0], model[mp1][0]) == ("no-certificate", "issued")


@pytest.mark.req("CERT-4")
def test_never_rebinds_is_caught_with_every_handshake_answered_from_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The abstraction learns what mp1 serves from a TLS handshake. The unmutated lab takes the
    workaround's steps first (same seed, so the same certificates byte for byte) and fills the
    handshake cache; the mutant's lab then gets every accepted handshake from the cache, and
    still departs from the model where it serves nothing."""
    monkeypatch.setattr(CACHE, "enabled", True)
    monkeypatch.setattr(CACHE, "kept", {})
    assert all(lab == model for lab, model in _workaround_trace(LabDriver(default_lab())))
    before = HANDSHAKES.copy()
    pairs = _workaround_trace(LabDriver(default_lab(), mutant=NEVER_REBINDS))
    answered = HANDSHAKES - before
    assert answered["cached"] > 0 and answered["full"] + answered["resumed"] == 0
    mp1 = LabDriver(default_lab()).model.env.names.index("mp1")
    lab, model = pairs[-1]
    assert (lab[mp1][0], model[mp1][0]) == ("no-certificate", "issued")


@pytest.mark.req("REG-1", "SEC-2")
def test_device_token_without_enhanced_accepts_what_the_mp_table_forbids() -> None:
    attempt = Attempt("registration", "mp1", "azure-ad-device-token", "aad1")
    verdicts = []
    for mutant in (None, DEVICE_TOKEN_WITHOUT_ENHANCED):
        driver = LabDriver(default_lab(), mutant=mutant)
        model = driver.model
        [off] = [a for a in model.actions(model.initial) if model.action_name(a) == DISABLE]
        driver.step(off)
        verdicts += driver.try_forbidden([attempt])
    refused, accepted = verdicts
    assert isinstance(refused, Refused) and refused.reason is Reason.METHOD_NOT_ACCEPTED
    assert isinstance(accepted, Accepted)


def test_every_mutant_is_exercised_here() -> None:
    tested = {m for m, _, _ in CAUGHT_BY_ATTACK} | {NEVER_REBINDS, DEVICE_TOKEN_WITHOUT_ENHANCED}
    assert tested == set(MUTANTS)


def test_unknown_mutant_is_one_line() -> None:
    with pytest.raises(ValueError) as error:
        mutant_set("bogus")
    assert str(error.value) == (
        "mutant: 'bogus' is not accepted; use one of dp-ignores-token-lifetime, "
        "dp-keeps-tokens-after-disabling, dp-serves-without-credential, mp-accepts-alg-none, "
        "mp-anonymous-replaces-record, mp-forgets-superseded-keys, "
        "mp-http-device-token-without-enhanced, mp-ignores-identity-binding, "
        "mp-ignores-message-kind, "
        "mp-keeps-old-key, mp-never-rebinds, mp-no-replay-window, mp-skips-rollover-continuity"
    )
    with pytest.raises(ValueError, match="mutant: 'bogus'"):
        LabDriver(default_lab(), mutant="bogus")
