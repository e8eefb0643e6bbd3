"""An Azure AD tenant that signs device and user tokens with `pyjwt`.

Implements the token side of the seed's Scenarios 1 and 3 and the MP table ("the site verifies the
*user* and/or *device* Azure AD token"), and PRE-1 ("Onboard the site to Azure AD ... update the
Azure AD application" if onboarded before). Reference "Tokens": the client asks for a device token
first and falls back to a user token.

Modeling assumptions A-25 (the documents give no token format):
- tokens are Azure AD v1-style JWTs signed RS256 with an RSA 2048 key named by ``kid`` and
  published in a JWKS; the issuer is ``https://sts.windows.net/<tenant id>/``; ``tid`` is the
  tenant; device tokens carry ``deviceid`` and user tokens ``upn`` and ``oid``; the claim ``idtyp``
  (``"device"`` or ``"user"``) tells the two kinds apart;
- the audience is the site's server application: after "Update application setting" it is
  ``api://<app id>``; an application that was onboarded before 1806 and not updated still has the
  old identifier URI ``https://ConfigMgrService``, which a 1806 site refuses (PRE-1);
- tokens live one hour on the lab clock.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from ehttp.lab.clock import LabClock
from ehttp.lab.keys import derive_rsa_key

__all__ = ["OLD_APP_URI", "TOKEN_LIFETIME", "Tenant", "device_id_for", "tenant_id_for"]

OLD_APP_URI = "https://ConfigMgrService"
TOKEN_LIFETIME = dt.timedelta(hours=1)
_NAMESPACE = uuid.UUID("6f1c1b0e-7a62-4f4e-9a55-3e2c1d0b9f21")


def tenant_id_for(name: str) -> str:
    """The tenant's directory id, derived from its name (reproducible)."""
    return str(uuid.uuid5(_NAMESPACE, f"tenant:{name}"))


def device_id_for(tenant_id: str, computer: str) -> str:
    """The Azure AD device id of ``computer`` when it is joined to the tenant."""
    return str(uuid.uuid5(_NAMESPACE, f"device:{tenant_id}:{computer}"))


class Tenant:
    """An Azure AD tenant with the site's server application registered in it."""

    def __init__(self, seed: int, name: str, clock: LabClock, *, app_updated: bool = True) -> None:
        self.name = name
        self.tenant_id = tenant_id_for(name)
        self.issuer = f"https://sts.windows.net/{self.tenant_id}/"
        self.app_id = str(uuid.uuid5(_NAMESPACE, f"app:{self.tenant_id}"))
        self.app_updated = app_updated
        self._seed = seed
        self._clock = clock

    @property
    def app_uri(self) -> str:
        """The identifier URI a 1806 site expects as audience (after the application update)."""
        return f"api://{self.app_id}"

    @property
    def audience(self) -> str:
        """The audience this tenant puts in tokens for the site (old URI until updated)."""
        return self.app_uri if self.app_updated else OLD_APP_URI

    def update_application(self) -> None:
        """The console's "Update application setting" (seed, Prerequisites)."""
        self.app_updated = True

    @functools.cached_property
    def signing_key(self) -> rsa.RSAPrivateKey:
        """The tenant's RS256 signing key (derived once, then kept)."""
        return derive_rsa_key(self._seed, f"tenant:{self.tenant_id}")

    @functools.cached_property
    def kid(self) -> str:
        """The key identifier published in the JWKS and put in each token header."""
        return uuid.uuid5(_NAMESPACE, f"kid:{self.tenant_id}").hex[:16]

    @functools.cached_property
    def jwks(self) -> dict[str, Any]:
        """The tenant's published signing keys (JWK Set, RFC 7517)."""
        jwk = RSAAlgorithm.to_jwk(self.signing_key.public_key(), as_dict=True)
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def device_id(self, computer: str) -> str:
        """The device id of ``computer`` joined to this tenant."""
        return device_id_for(self.tenant_id, computer)

    def _base_claims(self, lifetime: dt.timedelta) -> dict[str, Any]:
        now = self._clock.timestamp()
        return {
            "iss": self.issuer,
            "aud": self.audience,
            "tid": self.tenant_id,
            "iat": now,
            "nbf": now,
            "exp": now + int(lifetime.total_seconds()),
        }

    def device_token(self, computer: str, lifetime: dt.timedelta = TOKEN_LIFETIME) -> str:
        """A device token for ``computer`` (Scenario 3: device identity with no user signed in)."""
        claims = self._base_claims(lifetime)
        claims.update({"idtyp": "device", "deviceid": self.device_id(computer)})
        return self.sign(claims)

    def user_token(self, upn: str, lifetime: dt.timedelta = TOKEN_LIFETIME) -> str:
        """A user token for ``upn``."""
        claims = self._base_claims(lifetime)
        oid = str(uuid.uuid5(_NAMESPACE, f"user:{self.tenant_id}:{upn}"))
        claims.update({"idtyp": "user", "upn": upn, "oid": oid})
        return self.sign(claims)

    def sign(self, claims: Mapping[str, Any]) -> str:
        """Sign arbitrary claims with the tenant's key (what Azure AD issues, for any resource)."""
        return jwt.encode(
            dict(claims), self.signing_key, algorithm="RS256", headers={"kid": self.kid}
        )
