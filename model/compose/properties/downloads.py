"""The distribution points' property (DP-1..DP-3, SEC-1): a client downloads with exactly the
credentials the seed's DP table lists."""

from __future__ import annotations

from ehttp.checker import Property
from ehttp.compose.properties.common import Check
from ehttp.compose.seed_tables import seed_download_methods, seed_dp_row
from ehttp.compose.world import SITE, World, WorldModel

__all__ = ["download_checks"]


def download_checks(model: WorldModel) -> list[Check]:
    """What the model lets a client download with, at each distribution point (DP-1..DP-3),
    against the seed's DP table as the seed prints it (`model/compose/seed_tables.py`)."""
    env = model.env
    lab = model.lab
    dps = lab.distribution_points
    if not dps:
        return []
    follows: dict[str, bool] = {}

    def expected(w: World, connections: str, allow_anonymous: bool) -> frozenset[str]:
        # with HTTPS only selected, clients don't use a site system configured for HTTP.
        if connections == "http" and w[SITE][0].startswith("https-only"):
            return frozenset()
        row = seed_dp_row(connections, allow_anonymous)
        return seed_download_methods(row, lab.site.version, env.enhanced(w))

    def downloads_follow_table(w: World) -> bool:
        found = follows.get(w[SITE][0])
        if found is None:
            found = follows[w[SITE][0]] = all(
                env.dp_methods(w, dp) == expected(w, dp.connections, dp.allow_anonymous)
                for dp in dps
            )
        return found

    return [
        Check(
            Property.always(
                "a client downloads from a distribution point with exactly the credentials the "
                "DP table lists for its type",
                downloads_follow_table,
                ("DP-1", "DP-2", "DP-3", "SEC-1"),
            )
        )
    ]
