"""What a case needs of a lab, how it finds its hosts in any lab, and its honest setup steps.

A case (`ehttp.lab.attacks.case`) names the conditions it `requires` and, when it needs the lab
changed first, a `variant` (an HTTPS distribution point, a network access account, enhanced HTTP
off, a 1802 site, a second management point).

Every family also has honest twins (issue 25): the same situation with a genuine client's genuine
input, which the lab must accept (`Honest.ACCEPTED` as their expectation). An attack only shows
that bad input is refused; a lab that refuses everything passes every attack, and a twin is what
fails it (a lab refusing a hybrid-joined client's own valid device token, say).

A setup step is an honest client doing what it may (registering, asking for a token): when the lab
refuses one, the case can't be run, and that is a finding about the lab, reported as the case's
result (`SetupRefused`, "setup refused: ..."), never a crash.

Preconditions read the lab's configuration and state (its clients' joins, its site systems'
connections, the site's settings, who is registered), never the decision functions the lab
enforces (`model/machines/access.py`, `model/lab/policy.py`): an attack whose precondition came from
the function under test would skip itself exactly when that function is wrong
(specs/threat-model.md). Each condition also names the lab key that would enable it, which
`unmet` reports.

Hosts are found by role (`Roles`): the first Azure AD-joined client, the first domain-joined one,
the management point that takes device tokens, the first distribution point that asks for a
credential, so every attack runs on any lab that has such hosts, whatever their names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.lab.attacks.case import Attack, Outcome, Submit
from ehttp.lab.evidence import RegistrationRequest
from ehttp.lab.messages import Registration
from ehttp.lab.reasons import Accepted, Reason, Verdict
from ehttp.lab.testbed import ConcreteLab
from ehttp.machines.access import Method

__all__ = [
    "CONDITIONS",
    "VARIANTS",
    "Condition",
    "Roles",
    "SetupRefused",
    "accepted",
    "all_accepted",
    "at_mp",
    "best_method",
    "first_registered",
    "register_best",
    "register_capturing",
    "registered",
    "registered_domain_client",
    "run",
    "unmet",
]

_T = TypeVar("_T")


class SetupRefused(Exception):
    """The lab refused an honest step of a case's setup (or lacks what it needs): the case can't
    be run, and that is its result."""


def accepted(verdict: Verdict[_T], step: str) -> _T:
    """The value of an honest setup ``step``'s verdict, or `SetupRefused` naming the step and
    the lab's reason."""
    if isinstance(verdict, Accepted):
        return verdict.value
    reason = getattr(verdict, "reason", None)
    detail = getattr(verdict, "detail", verdict)
    shown = f"{reason.value}: {detail}" if isinstance(reason, Reason) else str(detail)
    raise SetupRefused(f"{step}: {shown}")


def all_accepted(submits: Sequence[Submit]) -> Verdict[Any]:
    """Submit each in turn: the first refusal, or acceptance of them all (an honest twin made of
    several genuine inputs, one per client)."""
    values = []
    for submit in submits:
        verdict = submit()
        if not isinstance(verdict, Accepted):
            return verdict
        values.append(verdict.value)
    return Accepted(tuple(values))


def _https_dp(lab: Lab) -> Lab:
    dps = tuple(replace(dp, connections="https") for dp in lab.distribution_points)
    return replace(lab, distribution_points=dps)


def _with_naa(lab: Lab) -> Lab:
    dps = tuple(replace(dp, network_access_account=True) for dp in lab.distribution_points)
    return replace(lab, distribution_points=dps)


def _enhanced_off(lab: Lab) -> Lab:
    return replace(lab, site=replace(lab.site, enhanced_http=False))


def _site_1802(lab: Lab) -> Lab:
    site = replace(lab.site, version="1802", prerelease_features=False, enhanced_http=False)
    return replace(lab, site=site)


def _second_mp(lab: Lab) -> Lab:
    """The lab with a second management point of each kind it has one of (a copy, named after
    it), so that every management point has another like it in front of the site database."""
    taken = {m.name for m in lab.management_points}
    added = []
    for mp in lab.management_points:
        if sum(m.connections == mp.connections for m in lab.management_points) == 1:
            name = next(
                f"{mp.name}-{n}"
                for n in range(2, 2 + len(taken) + 1)
                if f"{mp.name}-{n}" not in taken
            )
            taken.add(name)
            added.append(replace(mp, name=name))
    if not added:
        return lab
    return replace(lab, management_points=(*lab.management_points, *added))


VARIANTS: dict[str, Callable[[Lab], Lab]] = {
    "default": lambda lab: lab,
    "https-dp": _https_dp,
    "naa-configured": _with_naa,
    "enhanced-off": _enhanced_off,
    "site-1802": _site_1802,
    "second-mp": _second_mp,
}
"""The lab changes an attack may ask for, by name."""


def _first(names: list[str]) -> str | None:
    return names[0] if names else None


class Roles:
    """The hosts of a lab, by the part they play in an attack (None when the lab has none)."""

    def __init__(self, tb: ConcreteLab) -> None:
        self.tb = tb

    def joined(self, *joins: str) -> list[str]:
        """Clients joined one of ``joins``, in lab order."""
        return [c.name for c in self.tb.lab.clients if c.join in joins]

    @property
    def aad(self) -> str | None:
        """The first Azure AD-joined (or hybrid) client."""
        return _first(self.joined("azure-ad", "hybrid"))

    @property
    def domain(self) -> str | None:
        """The first domain-joined (or hybrid) client."""
        return _first(self.joined("domain", "hybrid"))

    @property
    def workgroup(self) -> str | None:
        """The first workgroup client."""
        return _first(self.joined("workgroup"))

    @property
    def pki(self) -> str | None:
        """The first client holding a PKI client certificate."""
        return _first([c.name for c in self.tb.lab.clients if c.pki_certificate])

    def other_than(self, name: str | None) -> str | None:
        """The first client that is not ``name``."""
        return _first([c.name for c in self.tb.lab.clients if c.name != name])

    @property
    def unregistered_workgroup(self) -> str | None:
        """The first workgroup client neither registered nor waiting for approval."""
        tb = self.tb
        return _first(
            [
                n
                for n in self.joined("workgroup")
                if tb.registration_of(n) is None and tb.pending_at(n) is None
            ]
        )

    @property
    def mp(self) -> str:
        """The first management point (every method but the PKI one reaches it in some way)."""
        return self.tb.lab.management_points[0].name

    @property
    def device_mp(self) -> str | None:
        """A management point that takes device tokens, read from the configuration: the site
        is onboarded to Azure AD and the MP is HTTPS (1706 on), or HTTP on a 1806 site with
        enhanced HTTP set."""
        site = self.tb.site
        if not site.azure_ad_onboarded:
            return None
        for mp in self.tb.lab.management_points:
            if mp.connections == "https" and int(site.version) >= 1706:
                return mp.name
            if mp.connections == "http" and site.version == "1806" and site.enhanced_http:
                return mp.name
        return None

    @property
    def https_mp(self) -> str | None:
        """The first HTTPS management point (the only kind that registers PKI clients)."""
        return _first([m.name for m in self.tb.lab.management_points if m.connections == "https"])

    @property
    def http_mp_without_enhanced(self) -> str | None:
        """An HTTP management point on a site where enhanced HTTP is not set or not available."""
        site = self.tb.site
        if site.version == "1806" and site.enhanced_http:
            return None
        return _first([m.name for m in self.tb.lab.management_points if m.connections == "http"])

    def other_mp(self, name: str) -> str | None:
        """A management point other than ``name``, configured like it (the `second-mp` variant
        gives every one such a sibling)."""
        kind = next(m.connections for m in self.tb.lab.management_points if m.name == name)
        return _first(
            [
                m.name
                for m in self.tb.lab.management_points
                if m.name != name and m.connections == kind
            ]
        )

    @property
    def auth_dp(self) -> str | None:
        """The first distribution point that does not allow anonymous connections."""
        return _first([d.name for d in self.tb.lab.distribution_points if not d.allow_anonymous])

    @property
    def enhanced(self) -> bool:
        """Enhanced HTTP is set on a 1806 site (the only version that has the option)."""
        return self.tb.site.version == "1806" and self.tb.site.enhanced_http

    def need(self, value: str | None, what: str) -> str:
        """``value``, or `SetupRefused` naming ``what`` (`unmet` rules this out first)."""
        if value is None:
            raise SetupRefused(f"the lab has no {what}")
        return value


@dataclass(frozen=True)
class Condition:
    """What an attack may require of a lab: a description, the lab key that would enable it,
    and the test on the lab now."""

    description: str
    enable: str
    holds: Callable[[Roles], bool]


CONDITIONS: dict[str, Condition] = {
    "aad-client": Condition(
        "an Azure AD-joined client", '[[clients]] join = "azure-ad"', lambda r: bool(r.aad)
    ),
    "domain-client": Condition(
        "a domain-joined client", '[[clients]] join = "domain"', lambda r: bool(r.domain)
    ),
    "pki-client": Condition(
        "a client with a PKI certificate",
        "[[clients]] pki_certificate = true",
        lambda r: bool(r.pki),
    ),
    "two-clients": Condition(
        "two clients", "a second [[clients]] table", lambda r: len(r.tb.lab.clients) >= 2
    ),
    "workgroup-client": Condition(
        "a workgroup client", '[[clients]] join = "workgroup"', lambda r: bool(r.workgroup)
    ),
    "workgroup-unregistered": Condition(
        "a workgroup client, not registered",
        '[[clients]] join = "workgroup"',
        lambda r: bool(r.unregistered_workgroup),
    ),
    "device-token-mp": Condition(
        "a management point taking Azure AD device tokens",
        '[site] azure_ad_onboarded = true, with [[management_points]] connections = "https" '
        '(1706 on) or [site] version = "1806", enhanced_http = true',
        lambda r: bool(r.device_mp),
    ),
    "https-mp": Condition(
        "an HTTPS management point",
        '[[management_points]] connections = "https"',
        lambda r: bool(r.https_mp),
    ),
    "http-mp-without-enhanced": Condition(
        "an HTTP management point without enhanced HTTP",
        '[[management_points]] connections = "http"',
        lambda r: bool(r.http_mp_without_enhanced),
    ),
    "app-updated": Condition(
        "the Azure AD application updated",
        "[site] azure_ad_app_updated = true",
        lambda r: r.tb.tenant.app_updated,
    ),
    "enhanced": Condition(
        "enhanced HTTP in effect",
        '[site] version = "1806", enhanced_http = true',
        lambda r: r.enhanced,
    ),
    "option-available": Condition(
        "the enhanced HTTP option (a 1806 site)",
        '[site] version = "1806"',
        lambda r: r.tb.site.version == "1806",
    ),
    "authenticating-dp": Condition(
        "a distribution point asking for a credential",
        "[[distribution_points]] allow_anonymous = false",
        lambda r: bool(r.auth_dp),
    ),
}
"""What an attack may require of a lab, by name."""


def unmet(attack: Attack, tb: ConcreteLab) -> tuple[str, ...]:
    """Why ``attack`` does not apply to lab ``tb`` in its current state (empty: it applies);
    each reason names the lab key that would enable it."""
    roles = Roles(tb)
    current = replace(tb.lab, site=tb.site)
    missing = [
        f"needs {c.description} ({c.enable})"
        for c in (CONDITIONS[name] for name in attack.requires)
        if not c.holds(roles)
    ]
    if VARIANTS[attack.variant](current) != current:
        missing.insert(0, f"the lab is not a {attack.variant} lab")
    return tuple(missing)


def run(attack: Attack, seed: int = 0, lab: Lab | None = None) -> Outcome:
    """Run ``attack`` against a fresh lab of its variant (of the default lab unless given)."""
    testbed = ConcreteLab(VARIANTS[attack.variant](lab or default_lab()), seed)
    submit = attack.prepare(testbed)
    before = testbed.snapshot()
    verdict = submit()
    return Outcome(attack, verdict, testbed.snapshot() == before)


def best_method(tb: ConcreteLab, client: str) -> tuple[Method, str | None]:
    """The best evidence ``client`` holds, and the management point that takes it."""
    roles = Roles(tb)
    config = next(c for c in tb.lab.clients if c.name == client)
    if config.join in ("domain", "hybrid"):
        return "active-directory", roles.mp
    if config.pki_certificate and roles.https_mp:
        return "pki-certificate", roles.https_mp
    if config.join == "azure-ad" and roles.device_mp and tb.tenant.app_updated:
        return "azure-ad-device-token", roles.device_mp
    return "anonymous-manual-approval", roles.mp


def register_best(tb: ConcreteLab, client: str) -> Verdict[Registration]:
    """``client`` registers with the best evidence it holds, an anonymous request approved (the
    one waiting already, if any); a client registered anonymously already re-registers by its
    policy poll's key rollover, as a new anonymous request can't displace its record (A-42). The
    first refusal, if any."""
    method, mp = best_method(tb, client)
    if method != "anonymous-manual-approval":
        return tb.register(client, method, mp)
    if tb.registration_of(client) is not None:
        return tb.reregister(client, at_mp(tb, client))
    waiting = tb.pending_at(client)
    if waiting is None:
        asked = tb.register(client, method, mp)
        if not isinstance(asked, Accepted):
            return asked
        waiting = mp
    return tb.approve(client, waiting)


def registered(tb: ConcreteLab, client: str) -> Registration:
    """``client`` registered with the best evidence it holds (`register_best`), or
    `SetupRefused`."""
    return accepted(register_best(tb, client), f"{client} registers ({best_method(tb, client)[0]})")


def register_capturing(tb: ConcreteLab, client: str) -> RegistrationRequest:
    """Register ``client`` with the best evidence it holds; the request it sent (as an attacker
    on the network would capture it). Anonymous requests are approved; a client with an
    anonymous request on record sends its policy poll's key rollover instead (A-42)."""
    method, mp = best_method(tb, client)
    request = tb.clients[client].request(method)
    anonymous = method == "anonymous-manual-approval"
    if anonymous and (tb.registration_of(client) or tb.pending_at(client)):
        if tb.registration_of(client) is None:
            registered(tb, client)
            request = tb.clients[client].request(method)
        verdict = tb.reregister(client, at_mp(tb, client), request)
    else:
        verdict = tb.mp(mp).register(request)
        if isinstance(verdict, Accepted) and anonymous:
            verdict = tb.mp(mp).approve(client)
    tb.clients[client].registered(accepted(verdict, f"{client} registers ({method})"))
    return request


def first_registered(tb: ConcreteLab) -> str:
    """The lab's first client, registered."""
    client = tb.lab.clients[0].name
    registered(tb, client)
    return client


def registered_domain_client(tb: ConcreteLab) -> tuple[str, str]:
    """A domain-joined client, registered, and the management point that holds it."""
    roles = Roles(tb)
    client = roles.need(roles.domain, "domain-joined client")
    registered(tb, client)
    return client, at_mp(tb, client)


def at_mp(tb: ConcreteLab, client: str) -> str:
    """The management point ``client`` registered through (and goes on talking to)."""
    where = tb.registered_at(client)
    if where is None:
        raise SetupRefused(f"{client} is registered nowhere")
    return where
