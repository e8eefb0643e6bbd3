"""Where `ehttp whatif` starts: a world the command can name.

- "steady": the lab's steady state (`model/ask/steady.py`);
- "enhanced-off" / "enhanced-on": the steady state of the same lab with "Use Configuration
  Manager-generated certificates for HTTP site systems" off / on, everything else as configured
  (the world before enabling, or before disabling);
- "auto" (the default): the steady state, unless the first action can't be taken there and can be
  from the steady state with the option switched the other way: then that one. So the first
  question an administrator asks of the embedded default lab (enhanced HTTP on, as the seed
  recommends), `ehttp whatif --do enable-enhanced-http`, is answered from the world before
  enabling, and the answer's first lines name that start. The default lab itself stays the seed's
  recommended site, so every other command's answer about it is unchanged.
"""

from __future__ import annotations

from dataclasses import replace

from ehttp.ask.actions import AdminAction, take
from ehttp.ask.steady import steady_state
from ehttp.compose.world import ModelError, World, WorldModel
from ehttp.config.schema import Lab

__all__ = ["STARTS", "named_start"]

STARTS: tuple[str, ...] = ("auto", "steady", "enhanced-off", "enhanced-on")
"""The starts `--start` names."""

_WORDS = {
    "steady": "steady state",
    "enhanced-off": "steady state with enhanced HTTP off",
    "enhanced-on": "steady state with enhanced HTTP on",
}


def _switched(lab: Lab, on: bool) -> World | None:
    """The steady state of `lab` with enhanced HTTP `on`; None when the lab's site has no such
    option (SITE-3) and so can't be switched on."""
    try:
        return steady_state(replace(lab, site=replace(lab.site, enhanced_http=on)))
    except ModelError:
        return None


def named_start(lab: Lab, name: str, first: AdminAction | None) -> tuple[World, str, str | None]:
    """The start `name` names for `lab`: (world, its words, why "auto" chose it or None)."""
    if name == "steady":
        return steady_state(lab), _WORDS[name], None
    if name in {"enhanced-off", "enhanced-on"}:
        switched = _switched(lab, name == "enhanced-on")
        if switched is None:
            raise ModelError(
                f"--start: {name!r} is not accepted for lab {lab.name!r}: its site has no enhanced "
                "HTTP option (version 1806 with pre-release features, SITE-3); use one of auto, "
                "steady, enhanced-off"
            )
        return switched, _WORDS[name], None
    steady = steady_state(lab)
    model = WorldModel(lab)
    if first is None or take(model, steady, first) is not None:
        return steady, _WORDS["steady"], None
    other = "enhanced-off" if lab.site.enhanced_http else "enhanced-on"
    world = _switched(lab, not lab.site.enhanced_http)
    if world is None or take(model, world, first) is None:
        return steady, _WORDS["steady"], None
    why = (
        f"{first.text} can't be taken from the lab's steady state (enhanced HTTP is "
        f"{'already on' if lab.site.enhanced_http else 'off'}), so the answer starts from the "
        f"{_WORDS[other]} (--start {other}; --start steady refuses it)"
    )
    return world, _WORDS[other], why
