"""The site's properties (SITE-1..SITE-3): the console sets what each step names, the option
is turned on the seed's way, HTTPS only with the option is allowed and flagged unsupported, and a
site without the option never has enhanced HTTP on."""

from __future__ import annotations

from ehttp.checker import Property
from ehttp.compose.properties.common import (
    FROM_OFF,
    SELECT_HTTPS_ONLY,
    SELECT_HTTPS_OR_HTTP,
    THEN_HTTPS_ONLY,
    Check,
    Prober,
    has_option,
)
from ehttp.compose.world import SITE, World, WorldModel
from ehttp.machines.guards import promela_not
from ehttp.machines.site import DISABLE, ENABLE, ENHANCED, SITE_MODE, UNSUPPORTED_STATE

__all__ = ["site_checks"]


_CONSOLE: tuple[tuple[str, str, str | bool], ...] = (
    (ENABLE, "option", True),
    (DISABLE, "option", False),
    (SELECT_HTTPS_ONLY, "communication", "https-only"),
    (SELECT_HTTPS_OR_HTTP, "communication", "https-or-http"),
)
"""The site's console (Client Computer Communication tab): what each administrator step sets."""


def _settings(mode: str) -> tuple[str, bool]:
    communication, _, option = mode.partition("+")
    return communication, option == "enhanced"


def site_checks(model: WorldModel) -> list[Check]:
    env = model.env
    offered = has_option(model.lab)
    ask = Prober(model, lambda w: ())

    # The answer reads the site mode alone (the console's steps are the site's rows, whose
    # guards read only the lab: `Prober`'s context ()), so it is worked out once per site mode.
    console_memo: dict[str, bool] = {}

    def console_applies_settings(w: World) -> bool:
        """Each console step sets what it names and nothing else, whatever the world; HTTPS only
        with the option on is allowed and flagged unsupported, and nothing else is flagged; where
        the option is not offered, enabling it does nothing."""
        found = console_memo.get(w[SITE][0])
        if found is None:
            found = console_memo[w[SITE][0]] = console_in(w)
        return found

    def console_in(w: World) -> bool:
        communication, option = _settings(w[SITE][0])
        for name, field, value in _CONSOLE:
            wanted = (communication, bool(value)) if field == "option" else (str(value), option)
            if wanted == (communication, option):
                continue
            after = ask(w, SITE, name)
            if name == ENABLE and not offered:
                if after:
                    return False
                continue
            if len(after) != 1 or _settings(after[0]) != wanted:
                return False
            unsupported = "unsupported" in SITE_MODE.state(after[0]).marks
            if unsupported != (wanted == ("https-only", True)):
                return False
        return True

    console = Check(
        Property.always(
            "each console step sets what it names; HTTPS only with enhanced HTTP is allowed "
            "and flagged unsupported",
            console_applies_settings,
            ("SITE-1", "SITE-2", "SITE-3"),
        ),
        probes=(SITE_MODE.name,),
    )
    if not offered:
        return [
            Check(
                Property.always(
                    "enhanced HTTP is never on: the option needs 1806 with pre-release features",
                    lambda w: not env.enhanced(w),
                    ("SITE-3",),
                ),
                promela=lambda r: promela_not(ENHANCED.promela(r, SITE)),
            ),
            console,
        ]
    return [
        Check(
            Property.sometimes(
                "with HTTPS or HTTP selected, the administrator turns on enhanced HTTP",
                lambda w: w[SITE][0] == "https-or-http+enhanced",
                ("SITE-1",),
            ),
            FROM_OFF,
            lambda r: r.is_in(SITE, ("https-or-http+enhanced",)),
        ),
        Check(
            Property.sometimes(
                "with enhanced HTTP on, the console lets the administrator select HTTPS only "
                "(unsupported)",
                lambda w: w[SITE][0] == UNSUPPORTED_STATE,
                ("SITE-2",),
            ),
            THEN_HTTPS_ONLY,
            lambda r: r.is_in(SITE, (UNSUPPORTED_STATE,)),
        ),
        console,
    ]
