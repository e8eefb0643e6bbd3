"""Fixture: the default lab with its one management point configured for HTTPS and wg1 holding a
PKI client certificate."""

from __future__ import annotations

from dataclasses import replace

from ehttp.config.labfile import default_lab
from ehttp.config.schema import ManagementPoint
from ehttp.lab.testbed import ConcreteLab

__all__ = ["https_mp_lab"]


def https_mp_lab() -> ConcreteLab:
    """The default lab at an HTTPS management point, wg1 with a PKI client certificate."""
    lab = default_lab()
    client = replace(lab.clients[2], pki_certificate=True)
    return ConcreteLab(
        replace(
            lab,
            management_points=(ManagementPoint("mp1", "https"),),
            clients=(*lab.clients[:2], client),
        )
    )
