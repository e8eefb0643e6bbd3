"""Lab files: example labs load, the default round-trips, and bad input gives one clear line."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ehttp.config import labfile
from ehttp.config.labfile import (
    MAX_LAB_BYTES,
    LabError,
    default_lab,
    file_stem,
    lab_to_toml,
    load_lab,
    parse_lab,
)
from ehttp.config.schema import (
    CLIENT_COMMUNICATION,
    CONNECTIONS,
    JOINS,
    MAX_CLIENTS,
    NETWORKS,
    SITE_INSTANCES,
    VERSIONS,
    WINDOWS_BUILDS,
    Client,
    DistributionPoint,
    Lab,
    ManagementPoint,
    Site,
)

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
DEFAULT_TEXT = (Path(labfile.__file__).parent / "default_lab.toml").read_text(encoding="utf-8")
EXAMPLES = sorted(LABS.glob("*.toml"))
EXPECTED_EXAMPLES = {
    "aad-1709",
    "aad-app-not-updated",
    "anonymous-dp",
    "hybrid-devices",
    "site-1806-prerelease-off",
    "enhanced-off",
    "https-only-enhanced",
    "https-site-systems",
    "no-cmg",
    "osd-without-naa",
    "recommended-1806",
    "site-1802",
}
NO_CLIENTS = DEFAULT_TEXT[: DEFAULT_TEXT.index("[[clients]]")]


def error_for(text: str) -> str:
    with pytest.raises(LabError) as caught:
        parse_lab(text, "lab.toml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("lab.toml: ")
    return message


def test_every_example_lab_is_there_and_loads() -> None:
    assert {path.stem for path in EXAMPLES} == EXPECTED_EXAMPLES
    for path in EXAMPLES:
        lab = load_lab(path)
        assert lab.name == path.stem
        assert path.read_text(encoding="utf-8").startswith("# "), path


def test_default_lab_is_the_recommended_1806_site() -> None:
    lab = default_lab()
    assert lab.name == "default"
    assert lab.site == Site("1806", "https-or-http", True, True, True, True, True)
    assert lab.management_points == (ManagementPoint("mp1", "http"),)
    assert lab.distribution_points == (DistributionPoint("dp1", "http", False, False),)
    assert lab.clients == (
        Client("aad1", "azure-ad", "1803", False, "internet", False),
        Client("dom1", "domain", "1709", False, "intranet", True),
        Client("wg1", "workgroup", "1803", False, "intranet", False),
    )
    assert load_lab(None) is lab
    assert DEFAULT_TEXT.startswith("# ")


def test_recommended_example_is_the_default_lab() -> None:
    example = load_lab(LABS / "recommended-1806.toml")
    assert dataclasses.replace(example, name="default") == default_lab()


def test_example_labs_show_what_their_comments_say() -> None:
    labs = {path.stem: load_lab(path) for path in EXAMPLES}
    assert labs["site-1802"].site.version == "1802"
    assert not labs["site-1802"].site.enhanced_http
    assert {mp.connections for mp in labs["site-1802"].management_points} == {"http", "https"}
    assert not labs["enhanced-off"].site.enhanced_http
    unsupported = labs["https-only-enhanced"].site
    assert (unsupported.client_communication, unsupported.enhanced_http) == ("https-only", True)
    assert not labs["no-cmg"].site.cloud_management_gateway
    aad = labs["aad-app-not-updated"].site
    assert (aad.azure_ad_onboarded, aad.azure_ad_app_updated) == (True, False)
    osd = labs["osd-without-naa"]
    assert any(client.task_sequence for client in osd.clients)
    assert not any(dp.network_access_account for dp in osd.distribution_points)
    https = labs["https-site-systems"]
    assert {mp.connections for mp in https.management_points} == {"https"}
    assert {dp.connections for dp in https.distribution_points} == {"https"}
    assert any(client.pki_certificate for client in https.clients)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_every_example_round_trips(path: Path) -> None:
    lab = load_lab(path)
    assert parse_lab(lab_to_toml(lab), "again.toml") == lab


def test_default_lab_round_trips() -> None:
    assert parse_lab(lab_to_toml(default_lab()), "again.toml") == default_lab()


host_names = st.from_regex(r"\A[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?\Z").filter(
    lambda name: name not in SITE_INSTANCES
)
windows_builds = st.sampled_from(WINDOWS_BUILDS) | st.integers(19, 99).flatmap(
    lambda year: st.integers(1, 12).map(lambda month: f"{year:02d}{month:02d}")
)


def _site(draw: st.DrawFn) -> Site:
    """A site a lab file may give: enhanced HTTP only on 1806 with pre-release features."""
    version = draw(st.sampled_from(VERSIONS))
    enhanced, prerelease, *rest = draw(st.tuples(*(st.booleans() for _ in range(5))))
    enhanced = enhanced and prerelease and version == "1806"
    return Site(version, draw(st.sampled_from(CLIENT_COMMUNICATION)), enhanced, prerelease, *rest)


@st.composite
def labs(draw: st.DrawFn) -> Lab:
    names = draw(st.lists(host_names, min_size=2, max_size=7, unique=True))
    mp_count = draw(st.integers(1, len(names) - 1))
    dp_count = draw(st.integers(0, len(names) - 1 - mp_count))
    mp_names, dp_names, client_names = (
        names[:mp_count],
        names[mp_count : mp_count + dp_count],
        names[mp_count + dp_count :],
    )
    booleans = st.booleans()
    return Lab(
        name=draw(st.text(st.characters(codec="utf-8"), min_size=1).filter(str.isprintable)),
        site=_site(draw),
        management_points=tuple(
            ManagementPoint(name, draw(st.sampled_from(CONNECTIONS))) for name in mp_names
        ),
        distribution_points=tuple(
            DistributionPoint(
                name, draw(st.sampled_from(CONNECTIONS)), draw(booleans), draw(booleans)
            )
            for name in dp_names
        ),
        clients=tuple(
            Client(
                name,
                draw(st.sampled_from(JOINS)),
                draw(windows_builds),
                draw(booleans),
                draw(st.sampled_from(NETWORKS)),
                draw(booleans),
                draw(booleans),
            )
            for name in client_names
        ),
    )


@given(labs())
def test_any_lab_round_trips(lab: Lab) -> None:
    assert parse_lab(lab_to_toml(lab), "again.toml") == lab


def test_lab_name_defaults_to_the_file_stem() -> None:
    text = DEFAULT_TEXT.replace('name = "default"', "")
    assert parse_lab(text, "labs/my-site.toml").name == "my-site"


def test_task_sequence_defaults_to_false() -> None:
    assert not any(client.task_sequence for client in default_lab().clients)
    text = DEFAULT_TEXT + "task_sequence = true\n"
    assert parse_lab(text, "lab.toml").clients[-1].task_sequence


def test_distribution_points_may_be_absent() -> None:
    start = DEFAULT_TEXT.index("[[distribution_points]]")
    text = DEFAULT_TEXT[:start] + DEFAULT_TEXT[DEFAULT_TEXT.index("[[clients]]") :]
    assert parse_lab(text, "lab.toml").distribution_points == ()


@pytest.mark.parametrize(
    "build", ["1507", "1511", "1607", "1703", "1709", "1803", "1809", "1903", "2004", "2112"]
)
def test_windows_builds_accepted(build: str) -> None:
    text = DEFAULT_TEXT.replace('windows = "1709"', f'windows = "{build}"')
    assert parse_lab(text, "lab.toml").clients[1].windows == build


@pytest.mark.parametrize(
    "build", ["1704", "1808", "1813", "1900", "20H2", "803", "18030", "", " 1803"]
)
def test_windows_builds_rejected(build: str) -> None:
    text = DEFAULT_TEXT.replace('windows = "1709"', f'windows = "{build}"')
    assert error_for(text) == (
        f"lab.toml: clients[1].windows: {build!r} is not accepted; use a quoted Windows 10 version:"
        " 1507, 1511, 1607, 1703, 1709, 1803, 1809 or a later year-month such as '1903'"
    )


EXACT_MESSAGES = {
    "bad enumeration": (
        DEFAULT_TEXT.replace('join = "workgroup"', 'join = "cloud"'),
        "lab.toml: clients[2].join: 'cloud' is not accepted;"
        " use one of domain, azure-ad, hybrid, workgroup",
    ),
    "unknown key in site": (
        DEFAULT_TEXT.replace("[site]\n", '[site]\ncolour = "blue"\n'),
        "lab.toml: site.colour: unknown key; accepted keys are version, client_communication,"
        " enhanced_http, prerelease_features, azure_ad_onboarded, azure_ad_app_updated,"
        " cloud_management_gateway",
    ),
    "unknown key at top level": (
        "colour = 1\n" + DEFAULT_TEXT,
        "lab.toml: colour: unknown key; accepted keys are name, site, management_points,"
        " distribution_points, clients",
    ),
    "unknown key in a management point": (
        DEFAULT_TEXT.replace('connections = "http"\n', 'connections = "http"\nport = 80\n', 1),
        "lab.toml: management_points[0].port: unknown key; accepted keys are name, connections",
    ),
    "unknown key in a distribution point": (
        DEFAULT_TEXT.replace(
            "network_access_account = false\n", "network_access_account = false\npxe = true\n"
        ),
        "lab.toml: distribution_points[0].pxe: unknown key; accepted keys are name, connections,"
        " allow_anonymous, network_access_account",
    ),
    "unknown key in a client": (
        DEFAULT_TEXT + "colour = 1\n",
        "lab.toml: clients[2].colour: unknown key; accepted keys are name, join, windows,"
        " pki_certificate, network, user_signed_in, task_sequence",
    ),
    "duplicate client name": (
        DEFAULT_TEXT.replace('name = "wg1"', 'name = "dom1"'),
        "lab.toml: clients[2].name: 'dom1' is used twice; names must be unique",
    ),
    "client named like a management point, other case": (
        DEFAULT_TEXT.replace('name = "aad1"', 'name = "MP1"'),
        "lab.toml: clients[0].name: 'MP1' is used twice; names must be unique",
    ),
    "management point named like the site's clock": (
        DEFAULT_TEXT.replace('name = "mp1"', 'name = "clock"'),
        "lab.toml: management_points[0].name: 'clock' is the name of one of the site's own "
        "instances; use a name other than site, azure-ad-app, smsexec, clock, toggle-history",
    ),
    "distribution point named like the toggle history": (
        DEFAULT_TEXT.replace('name = "dp1"', 'name = "toggle-history"'),
        "lab.toml: distribution_points[0].name: 'toggle-history' is the name of one of the "
        "site's own instances; use a name other than site, azure-ad-app, smsexec, clock, "
        "toggle-history",
    ),
    "client named like the site, other case": (
        DEFAULT_TEXT.replace('name = "wg1"', 'name = "Site"'),
        "lab.toml: clients[2].name: 'Site' is the name of one of the site's own instances; use "
        "a name other than site, azure-ad-app, smsexec, clock, toggle-history",
    ),
    "text for a boolean": (
        DEFAULT_TEXT.replace("enhanced_http = true", 'enhanced_http = "yes"'),
        "lab.toml: site.enhanced_http: 'yes' is not accepted; use true or false",
    ),
    "number for a boolean": (
        DEFAULT_TEXT.replace("allow_anonymous = false", "allow_anonymous = 0"),
        "lab.toml: distribution_points[0].allow_anonymous: 0 is not accepted; use true or false",
    ),
    "number for a version": (
        DEFAULT_TEXT.replace('version = "1806"', "version = 1806"),
        "lab.toml: site.version: 1806 is not accepted;"
        " use one of 1702, 1706, 1710, 1802, 1806 (as quoted text)",
    ),
    "number for a name": (
        DEFAULT_TEXT.replace('name = "mp1"', "name = 1"),
        "lab.toml: management_points[0].name: 1 is not accepted; use a host name: 1 to 63 letters,"
        " digits and hyphens, not starting or ending with '-'",
    ),
    "bad host name": (
        DEFAULT_TEXT.replace('name = "dp1"', 'name = "dp 1"'),
        "lab.toml: distribution_points[0].name: 'dp 1' is not accepted; use a host name: 1 to 63"
        " letters, digits and hyphens, not starting or ending with '-'",
    ),
    "empty lab name": (
        DEFAULT_TEXT.replace('name = "default"', 'name = ""'),
        "lab.toml: name: '' is not accepted; use a non-empty line of text",
    ),
    "missing site key": (
        DEFAULT_TEXT.replace('version = "1806"\n', ""),
        "lab.toml: site.version: missing; use one of 1702, 1706, 1710, 1802, 1806",
    ),
    "missing client key": (
        DEFAULT_TEXT.replace('network = "internet"\n', ""),
        "lab.toml: clients[0].network: missing; use one of intranet, internet",
    ),
    "no site": (
        DEFAULT_TEXT[DEFAULT_TEXT.index("[[management_points]]") :],
        "lab.toml: site: missing; use one [site] table",
    ),
    "site as an array": (
        DEFAULT_TEXT.replace("[site]", "[[site]]"),
        "lab.toml: site: an array of tables is not accepted; use one [site] table",
    ),
    "management points as one table": (
        DEFAULT_TEXT.replace("[[management_points]]", "[management_points]"),
        "lab.toml: management_points: a table is not accepted;"
        " use one or more [[management_points]] tables",
    ),
    "no management point": (
        DEFAULT_TEXT.replace('[[management_points]]\nname = "mp1"\nconnections = "http"\n', ""),
        "lab.toml: management_points: missing; use one or more [[management_points]] tables",
    ),
    "no clients": (
        NO_CLIENTS,
        "lab.toml: clients: missing; use one or more [[clients]] tables",
    ),
    "an empty client list": (
        "clients = []\n" + NO_CLIENTS,
        "lab.toml: clients: an empty array is not accepted; use one or more [[clients]] tables",
    ),
    "a client that isn't a table": (
        "clients = [1]\n" + NO_CLIENTS,
        "lab.toml: clients[0]: 1 is not accepted; use one or more [[clients]] tables",
    ),
    "a multi-line value": (
        DEFAULT_TEXT.replace('join = "domain"', 'join = """do\nmain"""'),
        "lab.toml: clients[1].join: 'do\\nmain' is not accepted;"
        " use one of domain, azure-ad, hybrid, workgroup",
    ),
    "a date": (
        DEFAULT_TEXT.replace('version = "1806"', "version = 2018-06-01"),
        "lab.toml: site.version: 2018-06-01 is not accepted;"
        " use one of 1702, 1706, 1710, 1802, 1806 (as quoted text)",
    ),
    "not TOML": (
        'name = "x"\n[site]\nversion = \n',
        "lab.toml: not valid TOML (line 3, column 11): invalid value",
    ),
    "TOML cut short": (
        'name = "x',
        "lab.toml: not valid TOML (at the end of the file): unterminated string",
    ),
    "empty file": (
        "",
        "lab.toml: the file is empty; a lab needs [site], [[management_points]] and [[clients]]",
    ),
    "only comments": (
        "# nothing here\n\n",
        "lab.toml: the file holds only comments; a lab needs [site], [[management_points]]"
        " and [[clients]]",
    ),
}


@pytest.mark.parametrize("case", EXACT_MESSAGES)
def test_the_exact_message_users_see(case: str) -> None:
    text, message = EXACT_MESSAGES[case]
    assert error_for(text) == message


def test_a_long_value_is_cut_short() -> None:
    message = error_for(DEFAULT_TEXT.replace('version = "1806"', f'version = "{"x" * 200}"'))
    assert message.startswith("lab.toml: site.version: 'xxx")
    assert "x" * 60 not in message
    assert message.endswith("… is not accepted; use one of 1702, 1706, 1710, 1802, 1806")


def test_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(LabError) as caught:
        load_lab(missing)
    assert str(caught.value) == f"{missing}: cannot read the file (No such file or directory)"


def test_a_directory(tmp_path: Path) -> None:
    with pytest.raises(LabError) as caught:
        load_lab(tmp_path)
    assert str(caught.value) == f"{tmp_path}: cannot read the file (Is a directory)"


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(LabError) as caught:
        load_lab(path)
    assert (
        str(caught.value)
        == f"{path}: not UTF-8 text (byte 0xe9 at offset 11); save the file as UTF-8"
    )


def test_load_lab_names_the_file_as_given(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(LabError) as caught:
        load_lab(path)
    assert str(caught.value).startswith(f"{path}: the file is empty; ")


def test_a_device_or_huge_file_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    with pytest.raises(LabError, match=r"^/dev/zero: larger than 1,048,576 bytes; "):
        load_lab(Path("/dev/zero"))
    big = tmp_path / "big.toml"
    big.write_bytes(b"# padding\n" * (MAX_LAB_BYTES // 10 + 1))
    with pytest.raises(LabError, match="larger than"):
        load_lab(big)


def test_deeply_nested_toml_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("name = " + "[" * 5000 + "]" * 5000)
    with pytest.raises(LabError) as error:
        load_lab(deep)
    assert str(error.value).startswith(f"{deep}: name[0][0][0]")
    assert str(error.value).endswith(
        "…: nested deeper than 32 arrays and tables; at most 32 levels are read"
    )


def test_an_integer_too_long_for_python_is_one_line_naming_the_key(tmp_path: Path) -> None:
    """Regression (issue 21): more than 4,300 digits raised ValueError inside tomllib."""
    big = tmp_path / "big.toml"
    big.write_text(
        lab_to_toml(default_lab()).replace('version = "1806"', "version = " + "9" * 5000)
    )
    with pytest.raises(LabError) as error:
        load_lab(big)
    assert str(error.value) == (
        f"{big}: site.version: a value of 5,000 characters (999999999999…); at most 64 are read"
    )


@pytest.mark.parametrize(
    ("section", "most"),
    [("clients", MAX_CLIENTS), ("management_points", 8), ("distribution_points", 8)],
)
def test_a_lab_file_with_too_many_tables_of_a_kind_is_refused(section: str, most: int) -> None:
    """Regression (issue 21): a lab file with 33 clients passed the bound --clients enforces
    and ran for minutes."""
    lab = default_lab()
    template = getattr(lab, section)[0]

    def with_rows(count: int) -> str:
        rows = tuple(dataclasses.replace(template, name=f"n{k}") for k in range(count))
        changed: dict[str, Any] = {section: rows}
        return lab_to_toml(dataclasses.replace(lab, **changed))

    with pytest.raises(LabError) as error:
        parse_lab(with_rows(most + 1), "many.toml")
    assert str(error.value) == (
        f"many.toml: {section}: {most + 1:,} [[{section}]] tables are not accepted; give at "
        f"most {most}: each one multiplies the state space about 4.5 times"
    )
    assert len(getattr(parse_lab(with_rows(most), "ok.toml"), section)) == most


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("default", "default"),
        ("../../etc/passwd", "etc_passwd"),
        ("/abs/path", "abs_path"),
        ("..", "lab"),
        (".hidden", "hidden"),
        ("a b\\c\u00e9", "a_b_c_"),
        ("x" * 100, "x" * 64),
    ],
)
def test_file_stem_keeps_lab_names_inside_their_folder(name: str, stem: str) -> None:
    assert file_stem(name) == stem


def test_enhanced_http_without_pre_release_features_names_the_file() -> None:
    """Issue 9's acceptance: the mistake is one line naming the file, like every other."""
    text = DEFAULT_TEXT.replace("prerelease_features = true", "prerelease_features = false")
    assert error_for(text) == (
        "lab.toml: site.enhanced_http: true is not accepted for version 1806 with "
        "prerelease_features = false; enhanced HTTP needs version 1806 with prerelease_features "
        "= true"
    )
