"""Scenario verdicts: each seed scenario with labs where it works and where it must not."""

# ruff: noqa: E501  (the pinned table is the text users read, line for line)

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ehttp.cli.app import main
from ehttp.compose.world import World, WorldModel
from ehttp.config.labfile import default_lab, load_lab
from ehttp.config.schema import (
    JOINS,
    NETWORKS,
    VERSIONS,
    Client,
    DistributionPoint,
    Lab,
    ManagementPoint,
    Site,
)
from ehttp.decide import applies, goal_holds, steady_state
from ehttp.machines.site import AZURE_AD_APP, SITE_MODE
from ehttp.report.requirements import requirement_ids
from ehttp.views import scenarios
from ehttp.views.scenario_facts import mechanism_holds
from ehttp.views.scenarios import (
    SCENARIOS,
    VERDICTS,
    ScenarioId,
    evaluate,
    facts,
    judge,
    render_text,
    to_json,
)
from tests.search import reachable

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
ASSUMPTIONS = LABS.parent / "assumptions.md"

DEFAULT_TEXT = (
    "lab 'default': site version 1806, https-or-http, enhanced HTTP on; judged in its steady state (12 worlds explored to find it)\n"
    "\n"
    "client  scenario                         verdict         requirements\n"
    "aad1    1: client to management point    works           SCN-1, IMP-1, SITE-1, PRE-1, SCN-3, PRE-2 [assumes A-8, A-9]\n"
    "          - clients[aad1].join = azure-ad, network = internet: an Azure AD-joined device on the internet (SCN-1)\n"
    "          - site.enhanced_http = true: the site generates a certificate for the HTTP management point (SCN-1, IMP-1, SITE-1)\n"
    "          - site.cloud_management_gateway = true: internet clients reach the site through the CMG (PRE-1, A-8)\n"
    "          - site.azure_ad_app_updated = true: the site is onboarded to Azure AD with its application updated (PRE-1)\n"
    "          - clients[aad1].windows = 1803: its device identity alone authenticates it with the CMG and management point (SCN-3, A-9)\n"
    "          - management_points[mp1].connections = http: a management point configured for HTTP (SCN-1)\n"
    "          - site: the prerequisites that concern clients[aad1] here are met (an HTTP management point, a CMG, Azure AD onboarding with the application updated) (PRE-1, PRE-2)\n"
    "aad1    2: client to distribution point  undocumented    SCN-2\n"
    "          - clients[aad1].network = internet: the seed does not say how an internet client reaches a distribution point configured for HTTP (the lab has no cloud distribution point) (SCN-2)\n"
    "aad1    3: Azure AD device identity      works           SCN-3, IMP-1, PRE-1, MP-1, PRE-2 [assumes A-8, A-9]\n"
    "          - clients[aad1].join = azure-ad, user_signed_in = false: the device authenticates by its own identity (SCN-3)\n"
    "          - site.enhanced_http = true: the cloud-based device identity is now sufficient (SCN-3, IMP-1)\n"
    "          - site.azure_ad_app_updated = true: the site is onboarded to Azure AD with its application updated (PRE-1)\n"
    "          - site.cloud_management_gateway = true: internet clients reach the site through the CMG (PRE-1, A-8)\n"
    "          - clients[aad1].windows = 1803: its device identity alone authenticates it with the CMG and management point (SCN-3, A-9)\n"
    "          - management_points[mp1].connections = http: verifies the Azure AD device token (MP-1)\n"
    "          - clients[aad1].windows = 1803: scenario 3 needs a client running Windows 10 version 1803 (SCN-3)\n"
    "          - site: the prerequisites that concern clients[aad1] here are met (an HTTP management point, a CMG, Azure AD onboarding with the application updated) (PRE-1, PRE-2)\n"
    "dom1    1: client to management point    not-applicable  SCN-1\n"
    "          - clients[dom1].join = domain: scenario 1 is about Azure AD-joined devices (SCN-1)\n"
    "          - clients[dom1].network = intranet: scenario 1 is about reaching the management point through a CMG (SCN-1)\n"
    "dom1    2: client to distribution point  not-applicable  SCN-2\n"
    "          - clients[dom1].join = domain: scenario 2 is about workgroup or Azure AD-joined clients (SCN-2)\n"
    "dom1    3: Azure AD device identity      not-applicable  SCN-3\n"
    "          - clients[dom1].join = domain: scenario 3 is about Azure AD-joined or hybrid devices (SCN-3)\n"
    "          - clients[dom1].user_signed_in = true: scenario 3 is about a device with no Azure AD user signed in (SCN-3)\n"
    "dom1    user-available-apps              blocked         KI-1\n"
    "          - site.enhanced_http = true: users can't see applications targeted to them as available in Software Center (KI-1)\n"
    "          fix: site.enhanced_http = false\n"
    "wg1     1: client to management point    not-applicable  SCN-1\n"
    "          - clients[wg1].join = workgroup: scenario 1 is about Azure AD-joined devices (SCN-1)\n"
    "          - clients[wg1].network = intranet: scenario 1 is about reaching the management point through a CMG (SCN-1)\n"
    "wg1     2: client to distribution point  blocked         SCN-2, REG-3\n"
    "          - clients[wg1] = pending-approval in this world: it registered anonymously and waits for manual approval, so this world does not show that the client is registered under enhanced HTTP and an HTTP distribution point accepts its content access token (SCN-2, REG-3)\n"
    "          fix: approve wg1 (administrator action)\n"
    "wg1     3: Azure AD device identity      not-applicable  SCN-3\n"
    "          - clients[wg1].join = workgroup: scenario 3 is about Azure AD-joined or hybrid devices (SCN-3)\n"
    "\n"
    "10 scenario checks: 2 works, 2 blocked, 5 not-applicable, 1 undocumented\n"
)


def example(name: str) -> Lab:
    return load_lab(LABS / f"{name}.toml")


def verdicts(lab: Lab) -> dict[tuple[str, ScenarioId], scenarios.Verdict]:
    return {(v.client, v.scenario): v for v in evaluate(lab).verdicts}


def works(lab: Lab, client: str, scenario: ScenarioId) -> bool:
    return verdicts(lab)[(client, scenario)].works


def because(lab: Lab, client: str, scenario: ScenarioId) -> tuple[str, ...]:
    return verdicts(lab)[(client, scenario)].because


def with_client(lab: Lab, **changes: object) -> Lab:
    """The lab with its first client changed and the others removed."""
    return replace(lab, clients=(replace(lab.clients[0], **changes),))


def with_site(lab: Lab, **changes: object) -> Lab:
    return replace(lab, site=replace(lab.site, **changes))


def approved(lab: Lab) -> dict[tuple[str, ScenarioId], scenarios.Verdict]:
    """The verdicts in the lab's steady state once every client waiting for manual approval is
    approved (the administrator's "approve the client", REG-3)."""
    model = WorldModel(lab)
    world = steady_state(lab)
    for index in model.env.clients:
        if world[index][0] == "pending-approval":
            world = model.fire(world, index, "approve the client")
    return {(v.client, v.scenario): v for v in judge(lab, world).verdicts}


def test_verdicts_read_the_site_settings_from_the_world_they_judge() -> None:
    """The facts are read off the lab as the world has it: the default lab's file says enhanced
    HTTP on, but in the steady state of the same lab with it off users see their applications
    (KI-1) and scenario 1 is blocked by the setting, as `whatif` says in that world."""
    lab = default_lab()
    off = steady_state(with_site(lab, enhanced_http=False))
    found = {(v.client, v.scenario): v for v in judge(lab, off).verdicts}
    assert found[("dom1", "user-available-apps")].verdict == "works"
    assert found[("aad1", 1)].fix == ("site.enhanced_http = true",)
    assert verdicts(lab)[("dom1", "user-available-apps")].verdict == "blocked"


def test_all_scenarios_of_a_lab_are_judged_in_one_steady_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    real = scenarios.steady_search

    def counting(lab: Lab) -> tuple[World, int]:
        calls.append(lab.name)
        return real(lab)

    monkeypatch.setattr(scenarios, "steady_search", counting)
    report = evaluate(default_lab())
    assert calls == ["default"]
    assert len(report.verdicts) == len(report.decisions) == 10


@pytest.mark.req("REG-3", "SCN-2")
def test_a_client_waiting_for_approval_is_blocked_until_approved() -> None:
    """Issue 19 point 5: `scenarios` said wg1's scenario 2 "works" (some world reachable with the
    site configuration fixed, after the administrator approves it) while `whatif` said "doesn't
    work, before or after" in the steady state. Both now judge the steady state: blocked, the fix
    is the approval, and once approved it works."""
    lab = default_lab()
    assert word(lab, "wg1", 2) == "blocked"
    assert fixes(lab, "wg1", 2) == ("approve wg1 (administrator action)",)
    assert "REG-3" in verdicts(lab)[("wg1", 2)].requirements
    assert approved(lab)[("wg1", 2)].verdict == "works"


def word(lab: Lab, client: str, scenario: ScenarioId) -> str:
    return verdicts(lab)[(client, scenario)].verdict


def fixes(lab: Lab, client: str, scenario: ScenarioId) -> tuple[str, ...]:
    return verdicts(lab)[(client, scenario)].fix


@pytest.mark.req("SCN-1", "SCN-3", "MP-1")
def test_point_1_windows_1803_is_asked_only_for_device_identity_alone() -> None:
    """An Azure AD-joined 1709 device with a user signed in reaches the HTTP MP through the CMG
    with its user's token ("the site verifies the *user* and/or *device* Azure AD token"); 1803
    is for "*Scenario 3* only". Before: scenario 1 didn't work, "device identity needs 1803"."""
    with_user = with_client(default_lab(), windows="1709", user_signed_in=True)
    assert word(with_user, "aad1", 1) == "works"
    assert (
        "clients[aad1].user_signed_in = true: the site verifies its user's Azure AD user token "
        "(MP-1, MP-2, A-9)" in because(with_user, "aad1", 1)
    )
    without_user = with_client(default_lab(), windows="1709")
    assert word(without_user, "aad1", 1) == "blocked"
    assert fixes(without_user, "aad1", 1) == ("clients[aad1].windows = 1803",)
    assert "A-9" in verdicts(without_user)[("aad1", 1)].assumptions
    aad1 = WorldModel(with_user).env.first_client
    assert steady_state(with_user)[aad1][0] == "registered:enhanced-http"
    lab = example("aad-1709")
    assert [word(lab, c, 1) for c in ("aaduser", "aaddevice", "aadlan")] == [
        "works",
        "blocked",
        "not-applicable",
    ]


@pytest.mark.req("SCN-3", "IMP-1")
def test_point_2_scenario_3_needs_the_1806_improvements() -> None:
    """ "The following scenarios benefit from these improvements"; the device identity is "now"
    sufficient. Before: site-1802 printed 'aad1 3: works' through its HTTPS management point."""
    site_1802 = example("site-1802")
    assert word(site_1802, "aad1", 3) == "blocked"
    assert fixes(site_1802, "aad1", 3) == (
        "site.version = 1806",
        "site.prerelease_features = true",
        "site.enhanced_http = true",
    )
    assert "IMP-1" in verdicts(site_1802)[("aad1", 3)].requirements
    off = example("site-1806-prerelease-off")
    assert word(off, "aad1", 3) == "blocked"
    assert fixes(off, "aad1", 3) == (
        "site.prerelease_features = true",
        "site.enhanced_http = true",
    )
    https_mp = replace(
        example("enhanced-off"),
        management_points=(
            *example("enhanced-off").management_points,
            ManagementPoint("mp2", "https"),
        ),
    )
    assert word(https_mp, "aad1", 3) == "blocked"
    assert fixes(https_mp, "aad1", 3) == ("site.enhanced_http = true",)
    assert word(default_lab(), "aad1", 3) == "works"


@pytest.mark.req("PRE-1", "PRE-2", "SCN-1", "SCN-2", "SCN-3")
def test_each_prerequisite_gates_only_the_scenarios_and_clients_its_words_name() -> None:
    """Issue 19 point 4: an HTTP management point gates Scenarios 1 and 3 ("with a management
    point configured for HTTP"), an HTTP distribution point without anonymous access Scenario 2
    ("from a distribution point configured for HTTP"), a CMG internet clients, Azure AD
    onboarding clients joined to Azure AD, Windows 10 1803 Scenario 3 only. Before, every
    prerequisite blocked every scenario: an intranet workgroup client's scenario 2 was blocked by
    a missing CMG with the reason "internet clients need a CMG"."""
    no_cmg = example("no-cmg")
    assert approved(no_cmg)[("wg1", 2)].verdict == "works"
    assert not any("CMG" in line for line in approved(no_cmg)[("wg1", 2)].because)
    assert not any("CMG" in line for line in because(no_cmg, "wg1", 2))
    assert word(no_cmg, "aad1", 1) == "blocked"
    assert fixes(no_cmg, "aad1", 1) == ("site.cloud_management_gateway = true",)
    intranet = with_client(no_cmg, join="hybrid", network="intranet")
    assert word(intranet, "aad1", 3) == "works"
    https = example("https-site-systems")
    assert word(https, "aad1", 3) == "blocked"
    assert fixes(https, "aad1", 3) == ("management_points[mp1].connections = http",)
    anonymous = example("anonymous-dp")
    assert word(anonymous, "wg1", 2) == "blocked"
    assert fixes(anonymous, "wg1", 2) == ("distribution_points[dp1].allow_anonymous = false",)
    for scenario in (1, 3):
        assert word(anonymous, "aad1", scenario) == "works"
    hybrid = example("hybrid-devices")
    assert word(hybrid, "hyb1", 3) == "works"
    assert word(hybrid, "hyb2", 3) == "blocked"
    assert fixes(hybrid, "hyb2", 3) == ("clients[hyb2].windows = 1803",)


@pytest.mark.req("SCN-1", "SCN-2", "SCN-3", "KI-2")
def test_point_4_not_applicable_and_undocumented_are_not_failures() -> None:
    """Scenario 1 is about Azure AD-joined devices through a CMG, scenario 3 about devices with no
    user signed in: other clients get 'not-applicable'. Where the seed is silent: 'undocumented'.
    Before: 'doesn't work' for the first, 'works' for the second."""
    lab = default_lab()
    assert word(lab, "dom1", 1) == "not-applicable"
    assert word(with_client(lab, user_signed_in=True), "aad1", 3) == "not-applicable"
    assert word(lab, "aad1", 2) == "undocumented"
    assert because(lab, "aad1", 2) == (
        "clients[aad1].network = internet: the seed does not say how an internet client reaches "
        "a distribution point configured for HTTP (the lab has no cloud distribution point) "
        "(SCN-2)",
    )
    anonymous = example("anonymous-dp")
    assert word(anonymous, "osd1", "os-deployment") == "undocumented"
    naa = replace(
        anonymous,
        distribution_points=(
            replace(anonymous.distribution_points[0], network_access_account=True),
        ),
    )
    assert word(naa, "osd1", "os-deployment") == "works"
    for row in to_json(evaluate(lab)):
        assert row["verdict"] in VERDICTS
        assert row["works"] == (row["verdict"] == "works")


@pytest.mark.req("SITE-2", "SITE-5")
def test_point_5_https_only_keeps_clients_off_http_site_systems() -> None:
    """Before: in HTTPS-only mode intranet clients still registered at the HTTP MP."""
    lab = example("https-only-enhanced")
    assert word(lab, "wg1", 2) == "blocked"
    assert fixes(lab, "wg1", 2) == ("site.client_communication = https-or-http",)
    assert "A-39" in verdicts(lab)[("wg1", 2)].assumptions
    model = WorldModel(lab)
    assert {steady_state(lab)[i][0] for i in model.env.clients} == {"unregistered"}


@pytest.mark.req("SCN-2", "DP-2")
def test_scenario_2_works_with_a_content_access_token_and_not_without_one() -> None:
    assert approved(default_lab())[("wg1", 2)].verdict == "works"
    assert word(default_lab(), "dom1", 2) == "not-applicable"
    assert word(example("enhanced-off"), "wg1", 2) == "blocked"
    assert fixes(example("enhanced-off"), "wg1", 2) == ("site.enhanced_http = true",)
    anonymous = replace(
        default_lab(),
        distribution_points=(replace(default_lab().distribution_points[0], allow_anonymous=True),),
    )
    assert word(anonymous, "wg1", 2) == "blocked"
    assert "distribution_points[dp1].allow_anonymous = true" in because(anonymous, "wg1", 2)[0]


@pytest.mark.req("KI-2", "DP-1", "DP-2")
def test_os_deployment_needs_the_network_access_account() -> None:
    lab = example("osd-without-naa")
    assert word(lab, "osd1", "os-deployment") == "blocked"
    assert because(lab, "osd1", "os-deployment") == (
        "distribution_points[dp1].network_access_account = false: OS deployment still needs "
        "the network access account (KI-2)",
    )
    assert fixes(lab, "osd1", "os-deployment") == (
        "distribution_points[dp1].network_access_account = true",
    )
    assert approved(lab)[("wg1", 2)].verdict == "works"
    assert ("wg1", "os-deployment") not in verdicts(lab)


@pytest.mark.req("KI-1", "MP-3")
def test_users_see_available_apps_only_with_enhanced_http_off() -> None:
    assert word(default_lab(), "dom1", "user-available-apps") == "blocked"
    assert fixes(default_lab(), "dom1", "user-available-apps") == ("site.enhanced_http = false",)
    assert word(example("enhanced-off"), "dom1", "user-available-apps") == "works"
    workgroup_user = with_client(
        example("enhanced-off"), join="workgroup", network="intranet", user_signed_in=True
    )
    assert word(workgroup_user, "aad1", "user-available-apps") == "blocked"
    assert ("aad1", "user-available-apps") not in verdicts(default_lab())


@pytest.mark.req("SITE-2")
def test_the_unsupported_combination_is_flagged_in_text_and_json() -> None:
    report = evaluate(example("https-only-enhanced"))
    assert report.unsupported
    assert (
        "WARNING: the site is configured HTTPS only with enhanced HTTP: unsupported (SITE-2)"
        in (render_text(report))
    )
    for row in to_json(report):
        if row["verdict"] != "not-applicable":
            assert "SITE-2" in row["requirements"]
            assert row["because"][-1].endswith("(SITE-2)")
    assert not evaluate(default_lab()).unsupported


PINNED: dict[str, dict[tuple[str, ScenarioId], str]] = {
    "recommended-1806": {
        ("aad1", 1): "works",
        ("aad1", 2): "undocumented",
        ("aad1", 3): "works",
        ("dom1", 1): "not-applicable",
        ("dom1", 2): "not-applicable",
        ("dom1", 3): "not-applicable",
        ("dom1", "user-available-apps"): "blocked",
        ("wg1", 1): "not-applicable",
        ("wg1", 2): "blocked",
        ("wg1", 3): "not-applicable",
    },
    "site-1806-prerelease-off": {
        ("aad1", 1): "blocked",
        ("aad1", 2): "undocumented",
        ("aad1", 3): "blocked",
        ("wg1", 1): "not-applicable",
        ("wg1", 2): "blocked",
        ("wg1", 3): "not-applicable",
    },
    "site-1802": {
        ("aad1", 1): "blocked",
        ("aad1", 2): "undocumented",
        ("aad1", 3): "blocked",
        ("dom1", 1): "not-applicable",
        ("dom1", 2): "not-applicable",
        ("dom1", 3): "not-applicable",
        ("dom1", "user-available-apps"): "works",
        ("wg1", 1): "not-applicable",
        ("wg1", 2): "blocked",
        ("wg1", 3): "not-applicable",
    },
    "aad-1709": {
        ("aaduser", 1): "works",
        ("aaduser", 2): "undocumented",
        ("aaduser", 3): "not-applicable",
        ("aaduser", "user-available-apps"): "blocked",
        ("aaddevice", 1): "blocked",
        ("aaddevice", 2): "undocumented",
        ("aaddevice", 3): "blocked",
        ("aadlan", 1): "not-applicable",
        ("aadlan", 2): "works",
        ("aadlan", 3): "blocked",
    },
    "hybrid-devices": {
        ("hyb1", 1): "not-applicable",
        ("hyb1", 2): "not-applicable",
        ("hyb1", 3): "works",
        ("hyb2", 1): "not-applicable",
        ("hyb2", 2): "not-applicable",
        ("hyb2", 3): "blocked",
    },
    "anonymous-dp": {
        ("aad1", 1): "works",
        ("aad1", 2): "undocumented",
        ("aad1", 3): "works",
        ("wg1", 1): "not-applicable",
        ("wg1", 2): "blocked",
        ("wg1", 3): "not-applicable",
        ("osd1", 1): "not-applicable",
        ("osd1", 2): "blocked",
        ("osd1", 3): "not-applicable",
        ("osd1", "os-deployment"): "undocumented",
    },
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_example_labs_verdicts_are_pinned(name: str) -> None:
    found = {key: v.verdict for key, v in verdicts(example(name)).items()}
    assert found == PINNED[name]


def citation_defects(found: tuple[scenarios.Fact, ...], known: frozenset[str]) -> list[str]:
    """Facts that cite neither a requirement ID nor an assumption ID, or cite an unknown one."""
    defects = []
    for fact in found:
        if not fact.ids:
            defects.append(f"cites nothing: {fact.text}")
        defects += [f"unknown {i}: {fact.text}" for i in fact.ids if i not in known]
        if not fact.holds and fact.kind in ("prerequisite", "mechanism") and not fact.fix:
            defects.append(f"blocks without a fix: {fact.text}")
    return defects


def known_ids() -> frozenset[str]:
    assumptions = re.findall(r"^## (A-\d+):", ASSUMPTIONS.read_text(encoding="utf-8"), re.M)
    return requirement_ids() | frozenset(assumptions)


def test_a_condition_citing_neither_a_requirement_nor_an_assumption_is_found() -> None:
    known = known_ids()
    bad = (scenarios.Fact(False, "site.version = 1802: no reason given", ()),)
    assert citation_defects(bad, known) == [
        "cites nothing: site.version = 1802: no reason given",
        "blocks without a fix: site.version = 1802: no reason given",
    ]
    assert citation_defects((scenarios.Fact(True, "x", ("A-999",)),), known) == ["unknown A-999: x"]


def test_every_condition_of_every_example_lab_cites_a_known_id() -> None:
    known = known_ids()
    for path in sorted(LABS.glob("*.toml")):
        lab = load_lab(path)
        for client in lab.clients:
            for scenario in SCENARIOS:
                assert citation_defects(facts(lab, client, scenario), known) == []


def test_every_reason_names_a_lab_value_and_ids() -> None:
    for path in sorted(LABS.glob("*.toml")):
        for verdict in evaluate(load_lab(path)).verdicts:
            assert verdict.because
            for reason in verdict.because:
                head, _, tail = reason.partition(": ")
                assert tail, reason
                assert head.startswith(
                    ("site", "clients[", "management_points[", "distribution_points")
                ), reason
                assert reason.endswith(")"), reason
            assert verdict.requirements[0] in ("SCN-1", "SCN-2", "SCN-3", "KI-1", "KI-2")
            assert bool(verdict.fix) == (verdict.verdict == "blocked"), verdict


def test_the_default_lab_table_as_users_read_it() -> None:
    assert render_text(evaluate(default_lab())) == DEFAULT_TEXT


def test_the_default_lab_json_as_users_read_it() -> None:
    rows = to_json(evaluate(default_lab()))
    assert [(r["client"], r["scenario"], r["verdict"], r["works"]) for r in rows] == [
        ("aad1", "1", "works", True),
        ("aad1", "2", "undocumented", False),
        ("aad1", "3", "works", True),
        ("dom1", "1", "not-applicable", False),
        ("dom1", "2", "not-applicable", False),
        ("dom1", "3", "not-applicable", False),
        ("dom1", "user-available-apps", "blocked", False),
        ("wg1", "1", "not-applicable", False),
        ("wg1", "2", "blocked", False),
        ("wg1", "3", "not-applicable", False),
    ]
    assert rows[9] == {
        "client": "wg1",
        "scenario": "3",
        "verdict": "not-applicable",
        "works": False,
        "because": [
            "clients[wg1].join = workgroup: scenario 3 is about Azure AD-joined or hybrid devices "
            "(SCN-3)"
        ],
        "fix": [],
        "requirements": ["SCN-3"],
        "assumptions": [],
    }
    assert rows[6]["fix"] == ["site.enhanced_http = false"]
    assert rows[2]["assumptions"] == ["A-8", "A-9"]


def test_the_command_prints_the_table_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["scenarios"])
    assert result.exit_code == 0
    assert result.output == DEFAULT_TEXT
    result = runner.invoke(main, ["scenarios", "--json", "--lab", str(LABS / "site-1802.toml")])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["command"] == "scenarios" and document["verdict"] == "info"
    assert document["lab"] == "site-1802"
    rows = document["verdicts"]
    assert {r["scenario"] for r in rows} == {"1", "2", "3", "user-available-apps"}
    assert all({"verdict", "works", "assumptions", "fix"} <= set(r) for r in rows)


def test_a_bad_lab_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'x'\n[site]\nversion = '1900'\n")
    result = CliRunner().invoke(main, ["scenarios", "--lab", str(bad)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "site.version" in result.output


_names = st.sampled_from(["c0", "c1"])


@st.composite
def labs(draw: st.DrawFn) -> Lab:
    version = draw(st.sampled_from(VERSIONS))
    prerelease = version == "1806" and draw(st.booleans())
    site = Site(
        version=version,
        client_communication=draw(st.sampled_from(["https-only", "https-or-http"])),
        enhanced_http=prerelease and draw(st.booleans()),
        prerelease_features=prerelease,
        azure_ad_onboarded=draw(st.booleans()),
        azure_ad_app_updated=draw(st.booleans()),
        cloud_management_gateway=draw(st.booleans()),
    )
    connections = st.sampled_from(["http", "https"])
    mps = tuple(
        ManagementPoint(f"mp{i}", draw(connections)) for i in range(draw(st.integers(1, 2)))
    )
    dps = tuple(
        DistributionPoint(f"dp{i}", draw(connections), draw(st.booleans()), draw(st.booleans()))
        for i in range(draw(st.integers(0, 2)))
    )
    clients = tuple(
        Client(
            name=f"c{i}",
            join=draw(st.sampled_from(JOINS)),
            windows=draw(st.sampled_from(["1709", "1803"])),
            pki_certificate=draw(st.booleans()),
            network=draw(st.sampled_from(NETWORKS)),
            user_signed_in=draw(st.booleans()),
            task_sequence=draw(st.booleans()),
        )
        for i in range(draw(st.integers(1, 2)))
    )
    return Lab("generated", site, mps, dps, clients)


SITE_CONFIGURATION_ROWS = frozenset(row.name for row in (*SITE_MODE.rows, *AZURE_AD_APP.rows))


def model_and_facts_agree(lab: Lab) -> int:
    """Where the seed decides a scenario that applies, the lab's model with the site's
    configuration fixed reaches its goal (for the client or an interchangeable one, A-13) exactly
    when every mechanism fact holds; in the steady state a failing mechanism fact means the goal
    fails there too. Returns how many (client, scenario) were compared."""
    model = WorldModel(lab, without=SITE_CONFIGURATION_ROWS)
    env = model.env
    worlds = reachable(model)
    steady = steady_state(lab)
    compared = 0
    for index in env.clients:
        client = env.client(index)
        peers = next((g for g in model.symmetric_groups if index in g), (index,))
        for scenario in SCENARIOS:
            found = facts(lab, client, scenario)
            if not applies(client, scenario) or any(
                not f.holds for f in found if f.kind in ("gate", "silence")
            ):
                continue
            reached = any(goal_holds(env, w, p, scenario) for w in worlds for p in peers)
            assert reached == mechanism_holds(found), (client.name, scenario, reached, found)
            if not mechanism_holds(found):
                assert not goal_holds(env, steady, index, scenario), (client.name, scenario)
            compared += 1
    return compared


@pytest.mark.req("SCN-1", "SCN-2", "SCN-3", "KI-1", "KI-2")
@settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(labs())
def test_the_model_and_the_documented_facts_agree_on_generated_labs(lab: Lab) -> None:
    """Where the model is asked, it reaches the goal exactly when every mechanism fact holds."""
    model_and_facts_agree(lab)
    for verdict in evaluate(lab).verdicts:
        assert verdict.scenario in SCENARIOS


def test_the_model_and_the_facts_agree_on_every_example_lab() -> None:
    asked = [model_and_facts_agree(load_lab(path)) for path in sorted(LABS.glob("*.toml"))]
    assert sum(asked) >= 25
