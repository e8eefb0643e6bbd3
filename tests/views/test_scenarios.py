"""Scenario verdicts: each seed scenario with labs where it works and where it must not."""

# ruff: noqa: E501  (the pinned table is the text users read, line for line)

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.cli.app import main
from model.compose.world import APP, SITE
from model.config.labfile import default_lab, load_lab
from model.config.schema import (
    JOINS,
    NETWORKS,
    VERSIONS,
    Client,
    DistributionPoint,
    Lab,
    ManagementPoint,
    Site,
)
from model.views import scenarios
from model.views.scenarios import (
    SCENARIOS,
    SITE_CONFIGURATION_ROWS,
    ScenarioId,
    evaluate,
    facts,
    render_text,
    scenario_model,
    to_json,
)
from tests.search import reachable

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"

DEFAULT_TEXT = (
    "lab 'default': site version 1806, https-or-http, enhanced HTTP on; 864 states explored with the site configuration fixed\n"
    "\n"
    "client  scenario                         verdict        requirements\n"
    "aad1    1: client to management point    works          SCN-1, SITE-1, SITE-3, PRE-1, SCN-3\n"
    "          - clients[aad1].join = azure-ad, network = internet: an Azure AD-joined device on the internet (SCN-1)\n"
    "          - site.enhanced_http = true: the site generates a certificate for the HTTP management point (SITE-1, SITE-3)\n"
    "          - site.cloud_management_gateway = true: internet clients reach the site through the CMG (PRE-1)\n"
    "          - clients[aad1].windows = 1803: device identity works from Windows 10 1803 (SCN-3)\n"
    "          - site.azure_ad_app_updated = true: the site is onboarded to Azure AD with its application updated (PRE-1)\n"
    "          - management_points[mp1].connections = http: a management point configured for HTTP (PRE-1)\n"
    "aad1    2: client to distribution point  works          SCN-2, SITE-1, SITE-3, DP-2, PRE-1, REG-1, REG-2\n"
    "          - clients[aad1].join = azure-ad: a workgroup or Azure AD-joined client (SCN-2)\n"
    "          - site.enhanced_http = true: the client gets a content access token (SITE-1, SITE-3)\n"
    "          - distribution_points[dp1].connections = http, allow_anonymous = false: accepts a content access token over a secure channel, no network access account needed (DP-2, SCN-2)\n"
    "          - site.cloud_management_gateway = true: internet clients reach the site through the CMG (PRE-1)\n"
    "          - clients[aad1]: registers through the CMG with its Azure AD device token at management_points[mp1] (REG-1, REG-2)\n"
    "aad1    3: Azure AD device identity      works          SCN-3, PRE-1, MP-1\n"
    "          - clients[aad1].join = azure-ad, user_signed_in = false: the device authenticates by its own identity (SCN-3)\n"
    "          - clients[aad1].windows = 1803: device identity works from Windows 10 1803 (SCN-3)\n"
    "          - site.azure_ad_app_updated = true: the site is onboarded to Azure AD with its application updated (PRE-1)\n"
    "          - site.cloud_management_gateway = true: internet clients reach the site through the CMG (PRE-1)\n"
    "          - management_points[mp1].connections = http: verifies the Azure AD device token (MP-1)\n"
    "dom1    1: client to management point    doesn't work   SCN-1\n"
    "          - clients[dom1].join = domain: scenario 1 is for Azure AD-joined devices (SCN-1)\n"
    "          - clients[dom1].network = intranet: scenario 1 is about reaching the management point through a CMG (SCN-1)\n"
    "dom1    2: client to distribution point  doesn't work   SCN-2\n"
    "          - clients[dom1].join = domain: scenario 2 is for workgroup or Azure AD-joined clients (SCN-2)\n"
    "dom1    3: Azure AD device identity      doesn't work   SCN-3\n"
    "          - clients[dom1].join = domain: scenario 3 is for Azure AD-joined or hybrid devices (SCN-3)\n"
    "          - clients[dom1].user_signed_in = true: scenario 3 is for a device with no Azure AD user signed in (SCN-3)\n"
    "dom1    user-available-apps              doesn't work   KI-1\n"
    "          - site.enhanced_http = true: users can't see applications targeted to them as available in Software Center (KI-1)\n"
    "wg1     1: client to management point    doesn't work   SCN-1\n"
    "          - clients[wg1].join = workgroup: scenario 1 is for Azure AD-joined devices (SCN-1)\n"
    "          - clients[wg1].network = intranet: scenario 1 is about reaching the management point through a CMG (SCN-1)\n"
    "wg1     2: client to distribution point  works          SCN-2, SITE-1, SITE-3, DP-2, REG-1, REG-3\n"
    "          - clients[wg1].join = workgroup: a workgroup or Azure AD-joined client (SCN-2)\n"
    "          - site.enhanced_http = true: the client gets a content access token (SITE-1, SITE-3)\n"
    "          - distribution_points[dp1].connections = http, allow_anonymous = false: accepts a content access token over a secure channel, no network access account needed (DP-2, SCN-2)\n"
    "          - clients[wg1].network = intranet: registers with the management point, anonymously with manual approval or with its identity (REG-1, REG-3)\n"
    "wg1     3: Azure AD device identity      doesn't work   SCN-3\n"
    "          - clients[wg1].join = workgroup: scenario 3 is for Azure AD-joined or hybrid devices (SCN-3)\n"
    "\n"
    "4 of 10 scenario checks work\n"
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


def test_the_site_configuration_is_frozen_in_the_scenario_model() -> None:
    assert {
        "enable enhanced HTTP",
        "disable enhanced HTTP",
        "select HTTPS only",
        "select HTTPS or HTTP",
        "onboard the site to Azure AD for cloud management",
        "Update application setting",
    } == SITE_CONFIGURATION_ROWS
    model = scenario_model(example("enhanced-off"))
    worlds = reachable(model)
    assert len(worlds) > 1
    for world in worlds:
        for action in model.actions(world):
            assert model.action_name(action) not in SITE_CONFIGURATION_ROWS
    assert {(w[SITE], w[APP]) for w in worlds} == {(model.initial[SITE], model.initial[APP])}


def test_all_scenarios_of_a_lab_are_judged_in_one_exploration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    real = scenarios.check

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(len(args[1]))  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scenarios, "check", counting)
    report = evaluate(default_lab())
    assert calls == [10]
    assert len(report.verdicts) == 10


@pytest.mark.req("SCN-1", "PRE-1")
def test_scenario_1_works_on_the_recommended_site_and_not_where_a_prerequisite_is_missing() -> None:
    assert works(example("recommended-1806"), "aad1", 1)
    assert not works(example("site-1802"), "aad1", 1)
    assert because(example("site-1802"), "aad1", 1) == (
        "site.version = 1802: enhanced HTTP needs 1806; before it, this scenario requires an "
        "HTTPS-enabled management point (SITE-3)",
    )
    assert not works(example("enhanced-off"), "aad1", 1)
    assert not works(example("no-cmg"), "aad1", 1)
    assert because(example("no-cmg"), "aad1", 1) == (
        "site.cloud_management_gateway = false: internet clients need a CMG (PRE-1)",
    )
    assert not works(example("aad-app-not-updated"), "aad1", 1)
    assert because(example("aad-app-not-updated"), "aad1", 1) == (
        "site.azure_ad_app_updated = false: the Azure AD application must be updated "
        "(Update application setting) (PRE-1)",
    )
    assert not works(example("https-site-systems"), "aad1", 1)
    old = with_client(default_lab(), windows="1709")
    assert not works(old, "aad1", 1)
    assert because(old, "aad1", 1) == (
        "clients[aad1].windows = 1709: device identity needs Windows 10 1803 (SCN-3)",
    )
    assert not works(default_lab(), "dom1", 1)


@pytest.mark.req("SCN-2", "DP-2")
def test_scenario_2_works_with_a_content_access_token_and_not_without_one() -> None:
    assert works(default_lab(), "wg1", 2)
    assert works(default_lab(), "aad1", 2)
    assert not works(default_lab(), "dom1", 2)
    assert not works(example("enhanced-off"), "wg1", 2)
    assert because(example("enhanced-off"), "wg1", 2) == (
        "site.enhanced_http = false: the client gets a content access token only with enhanced "
        "HTTP (SITE-1)",
    )
    assert not works(example("https-site-systems"), "pki2", 2)
    anonymous = replace(
        default_lab(),
        distribution_points=(replace(default_lab().distribution_points[0], allow_anonymous=True),),
    )
    assert not works(anonymous, "wg1", 2)
    assert "distribution_points[dp1].allow_anonymous = true" in because(anonymous, "wg1", 2)[0]
    internet_workgroup = replace(
        default_lab(), clients=(replace(default_lab().clients[2], network="internet"),)
    )
    assert not works(internet_workgroup, "wg1", 2)


@pytest.mark.req("SCN-3")
def test_scenario_3_needs_device_identity_windows_1803_and_no_user() -> None:
    assert works(default_lab(), "aad1", 3)
    hybrid = with_client(default_lab(), join="hybrid", network="intranet")
    assert works(hybrid, "aad1", 3)
    assert not works(with_client(default_lab(), windows="1709"), "aad1", 3)
    signed_in = with_client(default_lab(), user_signed_in=True)
    assert not works(signed_in, "aad1", 3)
    assert because(signed_in, "aad1", 3) == (
        "clients[aad1].user_signed_in = true: scenario 3 is for a device with no Azure AD user "
        "signed in (SCN-3)",
    )
    assert not works(example("aad-app-not-updated"), "aad1", 3)
    assert not works(example("no-cmg"), "aad1", 3)
    assert not works(example("enhanced-off"), "aad1", 3)
    assert not works(default_lab(), "wg1", 3)


@pytest.mark.req("REG-1", "REG-2", "MP-1", "MP-2", "SCN-3")
def test_device_identity_at_an_https_mp_from_1706_and_at_an_http_mp_only_with_enhanced_http() -> (
    None
):
    site_1802 = example("site-1802")
    assert works(site_1802, "aad1", 3)
    assert because(site_1802, "aad1", 3)[-1] == (
        "management_points[mp2].connections = https: verifies the Azure AD device token (MP-2)"
    )
    http_only = replace(site_1802, management_points=site_1802.management_points[:1])
    assert not works(http_only, "aad1", 3)
    assert because(http_only, "aad1", 3)[-1] == (
        "management_points[mp1].connections = http: without enhanced HTTP it doesn't verify an "
        "Azure AD device token (MP-1)"
    )
    model = scenario_model(http_only)
    aad1 = model.env.first_client
    assert {world[aad1][0] for world in reachable(model)} == {"unregistered"}
    assert works(default_lab(), "aad1", 1)


@pytest.mark.req("KI-2", "DP-1", "DP-2")
def test_os_deployment_needs_the_network_access_account() -> None:
    lab = example("osd-without-naa")
    assert not works(lab, "osd1", "os-deployment")
    assert because(lab, "osd1", "os-deployment") == (
        "distribution_points[dp1].network_access_account = false: OS deployment still needs "
        "the network access account (KI-2)",
    )
    assert works(lab, "wg1", 2)
    naa = replace(
        lab, distribution_points=(replace(lab.distribution_points[0], network_access_account=True),)
    )
    assert works(naa, "osd1", "os-deployment")
    anonymous = replace(
        lab, distribution_points=(replace(lab.distribution_points[0], allow_anonymous=True),)
    )
    assert works(anonymous, "osd1", "os-deployment")
    assert because(anonymous, "osd1", "os-deployment") == (
        "distribution_points[dp1].allow_anonymous = true: no client authentication (DP-1)",
    )
    assert ("wg1", "os-deployment") not in verdicts(lab)


@pytest.mark.req("KI-1", "MP-3")
def test_users_see_available_apps_only_with_enhanced_http_off() -> None:
    assert not works(default_lab(), "dom1", "user-available-apps")
    assert because(default_lab(), "dom1", "user-available-apps") == (
        "site.enhanced_http = true: users can't see applications targeted to them as available "
        "in Software Center (KI-1)",
    )
    assert works(example("enhanced-off"), "dom1", "user-available-apps")
    workgroup_user = with_client(
        example("enhanced-off"), join="workgroup", network="intranet", user_signed_in=True
    )
    assert not works(workgroup_user, "aad1", "user-available-apps")
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
        assert "SITE-2" in row["requirements"]
        assert row["because"][-1].endswith("(SITE-2)")
    assert not evaluate(default_lab()).unsupported


def test_every_reason_names_a_lab_value_and_requirement_ids() -> None:
    for path in sorted(LABS.glob("*.toml")):
        for verdict in evaluate(load_lab(path)).verdicts:
            assert verdict.because
            for reason in verdict.because:
                head, _, tail = reason.partition(": ")
                assert tail, reason
                assert head.startswith(
                    ("site.", "clients[", "management_points[", "distribution_points")
                ), reason
                assert reason.endswith(")"), reason
            assert verdict.requirements[0] in ("SCN-1", "SCN-2", "SCN-3", "KI-1", "KI-2")


def test_the_default_lab_table_as_users_read_it() -> None:
    assert render_text(evaluate(default_lab())) == DEFAULT_TEXT


def test_the_default_lab_json_as_users_read_it() -> None:
    rows = to_json(evaluate(default_lab()))
    assert [(r["client"], r["scenario"], r["works"]) for r in rows] == [
        ("aad1", "1", True),
        ("aad1", "2", True),
        ("aad1", "3", True),
        ("dom1", "1", False),
        ("dom1", "2", False),
        ("dom1", "3", False),
        ("dom1", "user-available-apps", False),
        ("wg1", "1", False),
        ("wg1", "2", True),
        ("wg1", "3", False),
    ]
    assert rows[9] == {
        "client": "wg1",
        "scenario": "3",
        "works": False,
        "because": [
            "clients[wg1].join = workgroup: scenario 3 is for Azure AD-joined or hybrid devices "
            "(SCN-3)"
        ],
        "requirements": ["SCN-3"],
    }
    assert rows[2]["requirements"] == ["SCN-3", "PRE-1", "MP-1"]


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


@pytest.mark.req("SCN-1", "SCN-2", "SCN-3", "KI-1", "KI-2")
@settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(labs())
def test_the_model_and_the_documented_facts_agree_on_generated_labs(lab: Lab) -> None:
    """The verdict is the model's; the reasons are the lab's values. They must never disagree."""
    for verdict in evaluate(lab).verdicts:
        client = next(c for c in lab.clients if c.name == verdict.client)
        found = facts(lab, client, verdict.scenario)
        assert verdict.works == all(f.holds for f in found), (verdict, found)


def test_the_model_and_the_facts_agree_on_every_example_lab() -> None:
    for path in sorted(LABS.glob("*.toml")):
        lab = load_lab(path)
        for verdict in evaluate(lab).verdicts:
            client = next(c for c in lab.clients if c.name == verdict.client)
            assert verdict.works == all(f.holds for f in facts(lab, client, verdict.scenario))
            assert verdict.scenario in SCENARIOS
