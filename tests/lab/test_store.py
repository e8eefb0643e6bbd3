"""The SMS store, IIS binding and certificate manager (CERT-1..CERT-5, SITE-4), proved by TLS."""

from __future__ import annotations

from dataclasses import replace

from ehttp.config.labfile import default_lab
from ehttp.config.schema import ManagementPoint
from ehttp.lab.reasons import Reason, Refused
from ehttp.lab.testbed import ConcreteLab
from ehttp.machines.binding import BINDING, STRANDED, initial_binding


def _off() -> ConcreteLab:
    lab = default_lab()
    return ConcreteLab(replace(lab, site=replace(lab.site, enhanced_http=False)))


def test_initial_states_match_the_abstract_declaration() -> None:
    states = {s.name for s in BINDING.states}
    on = ConcreteLab(default_lab()).certificates.systems["mp1"]
    assert on.state_name() == initial_binding(pki_bound=False, enhanced=True)
    assert on.state_name() in states
    assert _off().certificates.systems["mp1"].state_name() == "no-certificate"


def test_enable_then_bind_serves_the_role_certificate() -> None:
    tb = _off()
    tb.certificates.enable()
    mp = tb.certificates.systems["mp1"]
    assert mp.state_name() == "issued"
    assert tb.certificates.work("mp1")
    assert mp.state_name() == "bound"
    assert mp.prove(tb.trusted_roots).ok


def test_rapid_enable_disable_enable_strands_the_certificate_cert3() -> None:
    tb = _off()
    tb.certificates.enable()
    tb.certificates.disable()
    tb.certificates.enable()
    mp = tb.certificates.systems["mp1"]
    assert mp.state_name() == STRANDED
    assert not tb.certificates.work("mp1")
    proof = mp.prove(tb.trusted_roots)
    assert isinstance(proof, Refused) and proof.reason is Reason.TLS_NO_BINDING


def test_restart_alone_does_not_help_but_delete_and_restart_does_cert4() -> None:
    tb = _off()
    tb.certificates.enable()
    tb.certificates.disable()
    tb.certificates.enable()
    tb.certificates.restart()
    tb.certificates.start()
    assert tb.certificates.systems["mp1"].state_name() == STRANDED
    tb.certificates.delete_sms_issued()
    tb.certificates.restart()
    tb.certificates.start()
    assert tb.certificates.work("mp1")
    mp = tb.certificates.systems["mp1"]
    assert mp.state_name() == "bound"
    assert mp.prove(tb.trusted_roots).ok


def test_careful_toggling_never_strands_cert5() -> None:
    tb = _off()
    for _ in range(3):
        tb.certificates.enable()
        assert tb.certificates.work("mp1")
        tb.certificates.disable()
        assert tb.certificates.work("mp1")
        assert tb.certificates.systems["mp1"].state_name() == "no-certificate"


def test_pki_binding_stays_in_use_site4() -> None:
    lab = default_lab()
    tb = ConcreteLab(
        replace(
            lab,
            site=replace(lab.site, enhanced_http=False),
            management_points=(ManagementPoint("mp1", "https"),),
        )
    )
    mp = tb.certificates.systems["mp1"]
    assert mp.state_name() == "pki-bound"
    tb.certificates.enable()
    assert mp.state_name() == "pki-bound+issued"
    tb.certificates.work("mp1")
    assert mp.state_name() == "pki-bound+stored"
    served = mp.prove(tb.trusted_roots)
    assert served.ok
    assert mp.bound is not None and mp.bound.certificate.issuer == tb.pki.certificate.subject
