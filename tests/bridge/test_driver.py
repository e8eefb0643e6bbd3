"""The lab driver's API (model/bridge/driver.py): steps, errors, attacks on the lab as it is now."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ehttp.bridge.driver import Divergence, LabDriver
from ehttp.compose.world import SITE, World
from ehttp.config.labfile import default_lab, load_lab
from ehttp.lab.attacks import CATALOGUE
from ehttp.lab.reasons import Reason, Refused
from ehttp.machines.registration import NOTIFY_FAILS, NOTIFY_OK, POLICY_POLL
from ehttp.machines.site import DISABLE, ENABLE, SELECT_HTTPS_ONLY, SELECT_HTTPS_OR_HTTP


def _fire(driver: LabDriver, world: World, index: int, name: str) -> World:
    model = driver.model
    action = next(a for a in model.actions(world) if a[0] == index and model.action_name(a) == name)
    driver.step(action)
    world = model.next_state(world, action)
    assert driver.abstraction() == world
    return world


def test_the_default_lab_starts_where_the_model_starts() -> None:
    driver = LabDriver(default_lab())
    assert driver.abstraction() == driver.model.initial


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ((99, 0), "action: (99, 0) is not accepted; give (instance, row) with instance in 0..9"),
        ((0, 99), "action: (0, 99) is not accepted; give (instance, row) with instance in 0..9"),
    ],
)
def test_bad_action_is_one_line(action: tuple[int, int], message: str) -> None:
    with pytest.raises(ValueError) as error:
        LabDriver(default_lab()).step(action)
    assert str(error.value).startswith(message)


def test_a_reaction_row_is_not_an_action() -> None:
    driver = LabDriver(default_lab())
    mp1 = driver.model.env.names.index("mp1")
    with pytest.raises(ValueError, match="names the reaction row 'issue the SMS Role SSL"):
        driver.step((mp1, 0))


@pytest.mark.req("REG-4", "REG-5", "SEC-3")
def test_reregistration_gap_on_real_signatures() -> None:
    lab = default_lab()
    off = type(lab.site)(**{**lab.site.__dict__, "enhanced_http": False})
    driver = LabDriver(type(lab)(**{**lab.__dict__, "site": off}))
    dom1 = driver.model.env.names.index("dom1")
    world = driver.model.initial
    world = _fire(driver, world, dom1, "register with Active Directory domain evidence")
    world = _fire(driver, world, dom1, NOTIFY_OK)
    world = _fire(driver, world, SITE, ENABLE)
    assert world[dom1] == ("reregistration-due", 0)
    world = _fire(driver, world, dom1, NOTIFY_FAILS)
    old_key = driver.lab.clients["dom1"].key
    world = _fire(driver, world, dom1, POLICY_POLL)
    assert world[dom1][0] == "registered:enhanced-http"
    assert driver.lab.clients["dom1"].key is not old_key
    _fire(driver, world, dom1, NOTIFY_OK)


def test_a_refused_step_is_a_divergence() -> None:
    driver = LabDriver(default_lab())
    wg1 = driver.model.env.names.index("wg1")
    notify = next(
        n for n, row in enumerate(driver.model.env.machines[wg1].rows) if row.name == NOTIFY_OK
    )
    with pytest.raises(
        Divergence, match="wg1: 'client notification acted on': the client holds no registration"
    ):
        driver.step((wg1, notify))


def test_attack_names_follow_the_lab_now() -> None:
    driver = LabDriver(default_lab())
    names = driver.attack_names()
    default = {a.name for a in CATALOGUE if a.variant == "default"}
    needs_pki = {a.name for a in CATALOGUE if "pki-client" in a.requires}
    assert set(names) == default - needs_pki
    world = _fire(driver, driver.model.initial, SITE, "disable enhanced HTTP")
    later = set(driver.attack_names())
    assert "cat-without-enhanced-http" in later and "cat-expired" not in later
    assert "token-alg-none" not in later, "an HTTP MP takes no device token with enhanced off"
    assert world == driver.abstraction()


@pytest.mark.req("SEC-1", "SEC-2", "SEC-3", "SEC-4", "SEC-5")
def test_inject_refuses_every_applicable_attack_and_changes_nothing() -> None:
    driver = LabDriver(default_lab())
    dom1 = driver.model.env.names.index("dom1")
    world = _fire(
        driver, driver.model.initial, dom1, "register with Active Directory domain evidence"
    )
    before = driver.abstraction(), driver.lab.snapshot()
    expected = {a.name: a.expected for a in CATALOGUE}
    for name in driver.attack_names():
        assert driver.inject(name) is expected[name], name
    assert (driver.abstraction(), driver.lab.snapshot()) == before
    assert driver.abstraction() == world


def test_inject_names_what_is_missing() -> None:
    driver = LabDriver(default_lab())
    with pytest.raises(ValueError) as error:
        driver.inject("naa-wrong-secret")
    assert str(error.value) == (
        "attack: 'naa-wrong-secret' does not apply to this lab now: "
        "needs a network access account on every distribution point "
        "([[distribution_points]] network_access_account = true)"
    )
    with pytest.raises(ValueError, match="attack: 'bogus' is not accepted; use one of token-"):
        driver.inject("bogus")


def test_inject_reason_is_an_enum_member() -> None:
    assert LabDriver(default_lab()).inject("cert-wrong-name") is Reason.CERT_WRONG_NAME


def _attacks_along(driver: LabDriver, rows: list[tuple[str, str]]) -> list[Reason]:
    """Fire the rows in turn (by instance name and row name) and run every applicable attack
    after each; the reasons given, in order."""
    world = driver.model.initial
    reasons = []
    for instance, row in rows:
        world = _fire(driver, world, driver.model.env.names.index(instance), row)
        before = driver.abstraction(), driver.lab.snapshot()
        for name in driver.attack_names():
            reasons.append(driver.inject(name))
        assert (driver.abstraction(), driver.lab.snapshot()) == before
    return reasons


_ROWS = [
    ("dom1", "register with Active Directory domain evidence"),
    ("dom1", NOTIFY_OK),
    ("aad1", "register with an Azure AD device token"),
    ("site", "disable enhanced HTTP"),
]


def test_attacks_between_steps_give_what_a_fresh_replay_gives() -> None:
    kept = _attacks_along(LabDriver(default_lab()), _ROWS)
    fresh: list[Reason] = []
    for end in range(1, len(_ROWS) + 1):
        driver = LabDriver(default_lab())
        world = driver.model.initial
        for instance, row in _ROWS[:end]:
            world = _fire(driver, world, driver.model.env.names.index(instance), row)
        fresh += [driver.inject(name) for name in driver.attack_names()]
    assert kept == fresh
    expected = {a.expected for a in CATALOGUE}
    assert set(kept) <= expected


def test_a_replica_that_drifted_from_the_lab_is_not_attacked() -> None:
    driver = LabDriver(default_lab())
    assert driver.inject("cert-wrong-name") is Reason.CERT_WRONG_NAME
    replica = driver._replica
    assert replica is not None
    replica.lab.set_enhanced(False)
    assert driver.inject("cert-wrong-name") is Reason.CERT_WRONG_NAME
    assert driver._replica is not replica
    assert driver.abstraction() == driver.model.initial


def test_an_attack_that_sets_the_lab_up_leaves_the_kept_replica_as_it_was() -> None:
    driver = LabDriver(default_lab())
    dom1 = driver.model.env.names.index("dom1")
    _fire(driver, driver.model.initial, dom1, "register with Active Directory domain evidence")
    assert driver.inject("cat-expired") is Reason.CAT_EXPIRED
    replica = driver._replica
    assert replica is not None
    assert replica.lab.clock.now() == driver.lab.clock.now(), "the setup moved the clock"
    assert replica.lab.snapshot() == driver.lab.snapshot(), "the setup registered aad1"
    assert driver.inject("cat-expired") is Reason.CAT_EXPIRED
    assert driver._replica is replica, "a replica that still matches the lab is kept"


def test_an_honest_twin_runs_on_a_copy_and_is_accepted_between_steps() -> None:
    """`LabDriver.confirm` runs a twin as `inject` runs an attack: on a copy of a caught-up
    replica, so the lab itself (and its abstraction) stays as it was."""
    driver = LabDriver(default_lab())
    dom1 = driver.model.env.names.index("dom1")
    world = _fire(
        driver, driver.model.initial, dom1, "register with Active Directory domain evidence"
    )
    before = driver.abstraction(), driver.lab.snapshot()
    for twin in ("honest-notifications", "honest-rollover", "honest-token-request"):
        assert driver.confirm(twin).ok, twin
    assert (driver.abstraction(), driver.lab.snapshot()) == before == (world, before[1])
    with pytest.raises(ValueError, match="attack: 'token-alg-none' is not accepted; use one of"):
        driver.confirm("token-alg-none")


def test_a_twin_the_lab_refuses_is_its_verdict_and_a_refused_setup_is_setup_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A lab that acts on no notification refuses the notification twin (the verdict comes
    back, nothing raises) and the attacks whose setup needs a notification acted on say so."""
    from ehttp.lab.attacks import SetupRefused
    from ehttp.lab.mp import ManagementPointServer
    from ehttp.lab.reasons import Refused

    def deaf(self: ManagementPointServer, message: object) -> Refused:
        return Refused(Reason.MSG_BAD_SIGNATURE, "this lab acts on no notification")

    monkeypatch.setattr(ManagementPointServer, "notify", deaf)
    driver = LabDriver(default_lab())
    verdict = driver.confirm("honest-notifications")
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_BAD_SIGNATURE
    with pytest.raises(SetupRefused, match="notification is acted on: msg-bad-signature"):
        driver.inject("replay-notification")
    assert driver.abstraction() == driver.model.initial


def test_a_copy_of_the_lab_shares_its_frozen_values_and_nothing_that_changes() -> None:
    """Inputs the model forbids are tried on a copy of the lab after every fuzz step: the copy
    shares the lab file's settings, issued certificates and registration records (frozen), and
    owns its clock, database, stores and servers."""
    lab = LabDriver(default_lab()).lab
    mp1 = lab.certificates.systems["mp1"]
    assert mp1.bound is not None
    twin = copy.deepcopy(lab)
    assert twin.lab is lab.lab and twin.site is lab.site
    assert twin.certificates.systems["mp1"].bound is mp1.bound
    mutable = ("clock", "database", "certificates", "management_points", "clients")
    assert [name for name in mutable if getattr(twin, name) is getattr(lab, name)] == []
    assert twin.certificates.systems["mp1"] is not mp1
    twin.certificates.delete_sms_issued("mp1")
    assert mp1.bound is not None and twin.certificates.systems["mp1"].bound is None


def _load(name: str) -> LabDriver:
    return LabDriver(load_lab(Path(__file__).resolve().parents[2] / "specs" / "labs" / name))


def _refused_notification(driver: LabDriver, client: str) -> Reason:
    verdict = copy.deepcopy(driver.lab).notify(client, b"x", driver.lab.registered_at(client))
    assert isinstance(verdict, Refused), verdict
    return verdict.reason


@pytest.mark.req("REG-4", "REG-5")
def test_an_enhanced_http_client_registered_before_a_disable_reregisters_on_enable() -> None:
    driver = LabDriver(default_lab())
    dom1 = driver.model.env.names.index("dom1")
    world = driver.model.initial
    world = _fire(driver, world, dom1, "register with Active Directory domain evidence")
    world = _fire(driver, world, SITE, DISABLE)
    assert world[dom1][0] == "registered:enhanced-http"
    world = _fire(driver, world, dom1, NOTIFY_OK)
    world = _fire(driver, world, SITE, ENABLE)
    assert world[dom1] == ("reregistration-due", 0)
    assert _refused_notification(driver, "dom1") is Reason.MSG_REGIME_MISMATCH
    world = _fire(driver, world, dom1, NOTIFY_FAILS)
    world = _fire(driver, world, SITE, DISABLE)
    assert world[dom1][0] == "registered:self-signed"
    assert driver.lab.registration_of("dom1").regime == "self-signed"  # type: ignore[union-attr]
    world = _fire(driver, world, dom1, NOTIFY_OK)
    world = _fire(driver, world, SITE, ENABLE)
    world = _fire(driver, world, dom1, POLICY_POLL)
    assert world[dom1][0] == "registered:enhanced-http"
    _fire(driver, world, dom1, NOTIFY_OK)


@pytest.mark.req("REG-4", "REG-2")
def test_a_pki_client_reregisters_and_is_cancelled_to_its_certificate() -> None:
    driver = _load("https-site-systems.toml")
    pki1 = driver.model.env.names.index("pki1")
    certificate_key = driver.lab.clients["pki1"].certificate.key  # type: ignore[union-attr]
    world = driver.model.initial
    world = _fire(driver, world, pki1, "register with Active Directory domain evidence")
    assert world[pki1][0] == "registered:enhanced-http"
    world = _fire(driver, world, SITE, DISABLE)
    world = _fire(driver, world, SITE, ENABLE)
    assert world[pki1] == ("reregistration-due", 0)
    world = _fire(driver, world, SITE, DISABLE)
    assert driver.lab.registration_of("pki1").regime == "pki"  # type: ignore[union-attr]
    world = _fire(driver, world, pki1, NOTIFY_OK)
    world = _fire(driver, world, SITE, ENABLE)
    world = _fire(driver, world, pki1, NOTIFY_FAILS)
    world = _fire(driver, world, pki1, POLICY_POLL)
    assert world[pki1][0] == "registered:pki"
    assert driver.lab.clients["pki1"].key is certificate_key
    _fire(driver, world, pki1, NOTIFY_OK)


@pytest.mark.req("REG-4", "REG-5", "SITE-5")
def test_https_only_strands_a_due_client_until_https_or_http_is_selected() -> None:
    driver = _load("https-only-enhanced.toml")
    model = driver.model
    world = _fire(driver, model.initial, SITE, SELECT_HTTPS_OR_HTTP)
    client = next(
        i
        for i in model.env.clients
        if any(
            model.action_name(a) == "register with Active Directory domain evidence"
            for a in model.actions(world)
            if a[0] == i
        )
    )
    name = model.env.names[client]
    world = _fire(driver, world, client, "register with Active Directory domain evidence")
    world = _fire(driver, world, SITE, DISABLE)
    world = _fire(driver, world, SITE, SELECT_HTTPS_ONLY)
    world = _fire(driver, world, SITE, ENABLE)
    assert world[client] == ("reregistration-stranded", -1)
    assert driver.lab.clients[name].reregister_by is None
    world = _fire(driver, world, client, NOTIFY_FAILS)
    world = _fire(driver, world, SITE, SELECT_HTTPS_OR_HTTP)
    assert world[client] == ("reregistration-due", 0)
    world = _fire(driver, world, SITE, SELECT_HTTPS_ONLY)
    assert world[client] == ("reregistration-stranded", -1)
    world = _fire(driver, world, SITE, DISABLE)
    assert world[client][0] == "registered:self-signed"
    _fire(driver, world, client, NOTIFY_OK)
