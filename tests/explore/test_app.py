"""model/explore/app.py through Starlette's TestClient: the pages, the JSON API against its
schemas and against the commands, the Host check, escaping, and assets served locally."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from ehttp.cli.app import main
from ehttp.config.labfile import default_lab
from ehttp.explore.adapter import model_of
from ehttp.explore.app import create_app
from ehttp.explore.place import Place, lab_parameter, world_parameter
from ehttp.fuzz.hostile_generators import HOSTILE_TEXT, html_structure, html_text
from tests.cli.test_json_schemas import validate
from tests.explore.test_adapter import TOGGLES

CLIENT = TestClient(create_app(), base_url="http://127.0.0.1")
FAULT = Place("default", None, TOGGLES)


def _get(url: str, **kwargs: object) -> object:
    response = CLIENT.get(url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "192.168.1.10"])
def test_a_request_whose_host_is_not_loopback_is_refused(host: str) -> None:
    response = CLIENT.get("/?lab=default", headers={"host": host})
    assert (response.status_code, response.text) == (400, "Invalid host header")


def test_loopback_hosts_with_a_port_are_served() -> None:
    for host in ("127.0.0.1:8765", "localhost:8765", "localhost"):
        assert CLIENT.get("/api/state?lab=default", headers={"host": host}).status_code == 200


def test_every_response_forbids_framing_and_other_origins() -> None:
    response = CLIENT.get("/?lab=default")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_page_loads_nothing_from_elsewhere_and_its_stylesheet_is_served() -> None:
    page = CLIENT.get(FAULT.url()).text
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources)
    assert "<script" not in page
    css = CLIENT.get("/static/explore.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


def test_api_state_follows_its_schema_and_names_the_lab() -> None:
    document = CLIENT.get("/api/state?lab=default").json()
    validate("explore", document)
    assert (document["command"], document["lab"], document["verdict"]) == (
        "explore",
        "default",
        "info",
    )
    assert document["fault"] is None and document["minutes"] == 0


@pytest.mark.req("CERT-3", "CERT-4")
def test_the_fault_shows_the_seed_and_the_workaround_then_the_site_binds_again() -> None:
    state = CLIENT.get(FAULT.url("/api/state")).json()
    validate("explore", state)
    fault = state["fault"]
    assert fault["site_systems"] == ["mp1", "dp1"]
    assert fault["quotes"][0].startswith("Rapidly and repeatedly enabling and disabling")
    assert fault["workaround"]["quotes"][0].startswith("To work around this issue, delete all")
    cured = CLIENT.get(fault["workaround"]["url"].replace("/?", "/api/state?")).json()
    assert cured["fault"] is None
    run = CLIENT.get(cured["run_url"], follow_redirects=False)
    assert run.status_code == 303
    settled = CLIENT.get(run.headers["location"].replace("/?", "/api/state?")).json()
    bound = {s["name"]: s["state"] for s in settled["site_systems"]}
    assert bound == {"mp1": "bound", "dp1": "bound"}
    assert settled["minutes"] - cured["minutes"] <= 30


def test_api_run_lists_where_the_site_settles() -> None:
    place = Place("default", None, (("disable-enhanced-http",),))
    document = CLIENT.get(place.url("/api/run")).json()
    validate("explore", document)
    (outcome,) = document["outcomes"]
    assert outcome["because"] == ["enhanced HTTP is off"]
    assert len(parse_qs(urlsplit(outcome["url"]).query)["s"]) == 2


def _command(*args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_api_whatif_is_what_ehttp_whatif_prints_for_the_same_world() -> None:
    api = CLIENT.get("/api/whatif?lab=default&do=disable-enhanced-http").json()
    validate("whatif", api)
    assert api == _command("whatif", "--do", "disable-enhanced-http", "--json")


def test_api_diagnose_is_what_ehttp_diagnose_prints() -> None:
    symptom = "no-sms-certificate-bound mp1"
    api = CLIENT.get("/api/diagnose", params={"lab": "default", "symptom": symptom}).json()
    validate("diagnose", api)
    assert api == _command("diagnose", "--symptom", symptom, "--json")


def test_a_bad_link_is_a_400_with_one_line() -> None:
    api = CLIENT.get("/api/state?lab=default&s=enable-enhanced-http")
    assert api.status_code == 400
    assert api.json()["error"].startswith("s[1]: 'enable-enhanced-http' is not possible here;")
    page = CLIENT.get("/?lab=default&s=enable-enhanced-http")
    assert page.status_code == 400 and "is not possible here" in page.text


def test_the_site_properties_form_applies_the_console_s_actions_in_the_seed_s_order() -> None:
    off = Place("enhanced-off")
    location = CLIENT.get(
        off.url("/apply") + "&communication=https-or-http&enhanced=on", follow_redirects=False
    ).headers["location"]
    assert parse_qs(urlsplit(location).query)["s"] == ["enable-enhanced-http"]
    location = CLIENT.get(
        Place("default").url("/apply") + "&communication=https-only", follow_redirects=False
    ).headers["location"]
    assert parse_qs(urlsplit(location).query)["s"] == ["disable-enhanced-http,select-https-only"]
    https_only = Place("default", None, (("disable-enhanced-http", "select-https-only"),))
    location = CLIENT.get(
        https_only.url("/apply") + "&communication=https-or-http&enhanced=on",
        follow_redirects=False,
    ).headers["location"]
    assert (
        parse_qs(urlsplit(location).query)["s"][-1] == "select-https-or-http,enable-enhanced-http"
    )


def test_names_from_a_lab_are_text_on_every_page_never_markup() -> None:
    lab = replace(default_lab(), name='<script>alert("lab")</script><img src=x onerror=1>')
    place = Place(lab_parameter(lab, None), None, TOGGLES)
    for url in (
        place.url(),
        place.url("/whatif") + "&do=restart-smsexec",
        place.url("/diagnose") + "&symptom=notification-fails+dom1",
        Place(place.lab, None, TOGGLES[:1]).url("/run"),
    ):
        page = _get(url, follow_redirects=True).text  # type: ignore[attr-defined]
        assert "<script" not in page and "<img" not in page, url
        assert "&lt;script&gt;alert(&#34;lab&#34;)&lt;/script&gt;" in page, url


def test_a_lab_name_with_every_metacharacter_changes_no_element_of_any_page() -> None:
    """Issue 21, point 1: the explorer is one more generator of HTML from a lab's text. A lab's
    name is its one free-text field a lab file may carry here (site system and client names are
    host names), so every page of a lab named with every generator's metacharacters has the
    elements and attributes of the same lab named plainly, and shows the name as text."""
    pages = {}
    for name in ("plain", HOSTILE_TEXT):
        place = Place(lab_parameter(replace(default_lab(), name=name), None), None, TOGGLES)
        pages[name] = [
            _get(url, follow_redirects=True).text  # type: ignore[attr-defined]
            for url in (
                place.url(),
                place.url("/whatif") + "&do=restart-smsexec",
                place.url("/diagnose") + "&symptom=notification-fails+dom1",
                Place(place.lab, None, TOGGLES[:1]).url("/run"),
            )
        ]
    for plain, hostile in zip(pages["plain"], pages[HOSTILE_TEXT], strict=True):
        assert html_structure(hostile) == html_structure(plain)
        assert HOSTILE_TEXT in html_text(hostile)


def test_the_page_says_what_the_console_shows() -> None:
    page = CLIENT.get(FAULT.url()).text
    assert "Use Configuration Manager-generated certificates for HTTP site systems" in page
    assert 'id="fault"' in page and 'role="alert"' in page
    assert "Apply the documented workaround" in page
    assert "SMS Role SSL Certificate for mp1" in page
    off = CLIENT.get("/?lab=site-1802").text
    assert 'id="enhanced"' not in off
    assert "it needs version 1806 with pre-release features turned on (SITE-3)" in off


def test_where_the_site_may_settle_in_several_worlds_the_run_is_a_choice() -> None:
    world_model = model_of(default_lab())
    start = Place("default", world_parameter(world_model, world_model.initial))
    document = CLIENT.get(start.url("/api/run")).json()
    validate("explore", document)
    assert len(document["outcomes"]) == 2
    page = CLIENT.get(start.url("/run"), follow_redirects=False)
    assert page.status_code == 200
    assert page.text.count("Follow the run to outcome") == 2
    for outcome in document["outcomes"]:
        settled = CLIENT.get(outcome["url"].replace("/?", "/api/state?")).json()
        assert settled["steps"] == [] and settled["wait"]["url"] is None


@pytest.mark.req("CERT-3")
def test_each_cause_of_a_diagnosis_opens_as_a_trace_to_follow() -> None:
    page = CLIENT.get("/diagnose?lab=default&symptom=no-sms-certificate-bound+mp1").text
    follows = re.findall(r'href="([^"]*)">Follow it in the explorer', page)
    ends = re.findall(r'href="([^"]*)">Go to where it ends', page)
    assert len(follows) == len(ends) == 2
    start = CLIENT.get(follows[1].replace("&amp;", "&").replace("/?", "/api/state?")).json()
    assert start["trace"]["property"] == "no-sms-certificate-bound mp1: cause 2"
    assert start["trace"]["step"] == 0 and start["clicks"] == 0
    end = CLIENT.get(ends[1].replace("&amp;", "&").replace("/?", "/api/state?")).json()
    assert end["fault"]["site_systems"][0] == "mp1"
    assert end["trace"]["next"] is None
