"""Negative lockstep: the inputs the model forbids in a world, for the lab to refuse.

Lockstep (`model/fuzz/lockstep.py`) drives the lab only through steps the model allows, so on its
own it cannot see a lab that is looser than the model (an HTTP management point that takes an
Azure AD device token without enhanced HTTP passes every allowed step). After each step, a sample
of the inputs derived here is presented to a copy of the lab (`model/lab/forbidden.py`), and each
must be refused for the reason the model implies. The model's decisions in the world at hand (its
access tables, read for the lab's version and whether enhanced HTTP is on in that world) give:
- registration at each management point with each kind of device evidence the MP table does not
  list now (REG-1, REG-2; SEC-2), from the first client that holds that evidence;
- user authorization at each management point with each kind of user evidence the MP table does
  not list now (MP-3);
- a download at each distribution point that does not serve anonymously, with each credential
  the DP table does not list now (DP-1..DP-3; SEC-1; a PKI certificate only where some client
  holds one).
The expected reason is always "method-not-accepted": the table decides before any evidence is
examined.
"""

from __future__ import annotations

from ehttp.compose.world import World, WorldModel
from ehttp.lab.forbidden import Attempt
from ehttp.machines.access import (
    Method,
    dp_authentication_methods,
    dp_type,
    mp_registration_methods,
    mp_user_authorization_methods,
)

__all__ = ["forbidden_attempts", "sample"]

_DEVICE: tuple[Method, ...] = (
    "anonymous-manual-approval",
    "active-directory",
    "azure-ad-device-token",
    "pki-certificate",
)
_USER: tuple[Method, ...] = ("active-directory", "azure-ad-user-token")
_CREDENTIALS: tuple[Method, ...] = (
    "none",
    "network-access-account",
    "content-access-token",
    "pki-certificate",
)


def _holder(model: WorldModel, method: Method) -> str | None:
    """The first client of the lab that holds `method`'s device evidence."""
    for client in model.lab.clients:
        if method == "anonymous-manual-approval":
            return client.name
        if method == "active-directory" and client.join in ("domain", "hybrid"):
            return client.name
        if method == "azure-ad-device-token" and client.join in ("azure-ad", "hybrid"):
            return client.name
        if method == "pki-certificate" and client.pki_certificate:
            return client.name
    return None


def forbidden_attempts(model: WorldModel, world: World) -> tuple[Attempt, ...]:
    """Every input the model forbids in `world` that this lab can present (see the module
    docstring), in a fixed order."""
    lab = model.lab
    version = lab.site.version
    enhanced = model.env.enhanced(world)
    tables = model.tables
    found: list[Attempt] = []
    for mp in lab.management_points:
        registers = mp_registration_methods(mp.connections, version, enhanced, tables)
        for method in _DEVICE:
            holder = _holder(model, method)
            if method not in registers and holder is not None:
                found.append(Attempt("registration", mp.name, method, holder))
        authorizes = mp_user_authorization_methods(mp.connections, version, enhanced, tables)
        found += [
            Attempt("user authorization", mp.name, method)
            for method in _USER
            if method not in authorizes
        ]
    has_pki = any(client.pki_certificate for client in lab.clients)
    for dp in lab.distribution_points:
        serves = dp_authentication_methods(
            dp_type(dp.connections, dp.allow_anonymous), version, enhanced, tables
        )
        if "none" in serves:
            continue
        found += [
            Attempt("download", dp.name, method)
            for method in _CREDENTIALS
            if method not in serves and (method != "pki-certificate" or has_pki)
        ]
    return tuple(found)


def sample(attempts: tuple[Attempt, ...], start: int, size: int) -> tuple[Attempt, ...]:
    """`size` of `attempts` (all when fewer), taken in turn from position `start`: successive
    steps try successive attempts, so a run covers them all, and a replay tries the same ones."""
    if len(attempts) <= size:
        return attempts
    return tuple(attempts[(start + k) % len(attempts)] for k in range(size))
