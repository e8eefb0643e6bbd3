"""The distribution point: each accepted credential serves content (DP-1..DP-3, SEC-1)."""

from __future__ import annotations

from dataclasses import replace

from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.lab.evidence import ClientCertificate, ContentToken, NaaLogon, NoCredential
from ehttp.lab.mp import CONTENT_TOKEN_REQUEST
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.testbed import NAA_USER, ConcreteLab
from ehttp.lab.trust import presented


def _dp(lab: Lab, **changes: object) -> Lab:
    return replace(lab, distribution_points=(replace(lab.distribution_points[0], **changes),))


def test_anonymous_dp_serves_without_credentials() -> None:
    tb = ConcreteLab(_dp(default_lab(), allow_anonymous=True))
    assert tb.dp().download("PS100001", NoCredential()).ok


def test_content_access_token_download() -> None:
    tb = ConcreteLab(default_lab())
    tb.register("aad1", "azure-ad-device-token")
    token = tb.mp().content_token(tb.clients["aad1"].message(CONTENT_TOKEN_REQUEST, b"dp1"))
    assert isinstance(token, Accepted)
    served = tb.dp().download("PS100001", ContentToken(token.value))
    assert isinstance(served, Accepted)
    assert served.value.to == tb.clients["aad1"].registration_id
    assert tb.dp().snapshot() == (served.value,)


def test_network_access_account_download() -> None:
    tb = ConcreteLab(_dp(default_lab(), network_access_account=True))
    assert tb.dp().download("PS100001", NaaLogon(NAA_USER, tb.naa_secret)).ok


def test_network_access_account_not_configured() -> None:
    tb = ConcreteLab(default_lab())
    verdict = tb.dp().download("PS100001", NaaLogon(NAA_USER, tb.naa_secret))
    assert isinstance(verdict, Refused) and verdict.reason is Reason.NAA_NOT_CONFIGURED


def test_pki_client_certificate_at_an_https_dp_only() -> None:
    https = ConcreteLab(_dp(default_lab(), connections="https"))
    certificate = https.pki.client_certificate("wg1.contoso.com")
    assert https.dp().download("PS100001", ClientCertificate(presented(certificate))).ok
    http = ConcreteLab(default_lab())
    verdict = http.dp().download("PS100001", ClientCertificate(presented(certificate)))
    assert isinstance(verdict, Refused) and verdict.reason is Reason.METHOD_NOT_ACCEPTED
