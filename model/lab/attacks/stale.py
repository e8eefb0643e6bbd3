"""Stale token attacks: content access tokens kept past the end of enhanced HTTP (SEC-1, DP-2;
specs/threat-model.md).

A genuine content access token issued while enhanced HTTP was on, presented after the
administrator turned it off, and after turning it on again.
"""

from __future__ import annotations

from collections.abc import Callable

from ehttp.lab.attacks.base import Roles
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.attacks.content import download_with, real_content_token
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab

__all__ = ["ATTACKS", "TWINS"]


def _after(*toggles: bool) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        roles = Roles(tb)
        token = real_content_token(tb, roles.need(roles.auth_dp, "authenticating DP"))
        for on in toggles:
            tb.set_enhanced(on)
        return download_with(tb, token)

    return prepare


ATTACKS: tuple[Attack, ...] = (
    Attack(
        "stale-cat-after-disabling",
        "stale",
        "a content access token issued before enhanced HTTP was turned off",
        Reason.METHOD_NOT_ACCEPTED,
        ("SEC-1", "DP-2"),
        _after(False),
        requires=("enhanced", "authenticating-dp"),
    ),
    Attack(
        "stale-cat-after-disabling-and-enabling",
        "stale",
        "a content access token issued before enhanced HTTP was turned off and on again",
        Reason.CAT_REVOKED,
        ("SEC-1", "DP-2"),
        _after(False, True),
        requires=("enhanced", "authenticating-dp"),
    ),
)
"""The stale token family."""


def _fresh_after_toggling(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    dp = roles.need(roles.auth_dp, "authenticating DP")
    tb.set_enhanced(False)
    tb.set_enhanced(True)
    return download_with(tb, real_content_token(tb, dp))


TWINS: tuple[Attack, ...] = (
    Family("stale", ("SEC-1", "DP-2")).twin(
        "honest-token-after-reenabling",
        "a content access token issued after enhanced HTTP was turned off and on again",
        _fresh_after_toggling,
        ("enhanced", "authenticating-dp"),
    ),
)
"""The stale token family's honest twin."""
