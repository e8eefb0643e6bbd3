"""Short, stable IDs for the properties of `model/compose/properties/`: the one table of them.

A property's sentence says what it claims ("rapidly enabling and disabling the option alone
leaves no SMS-Issuing certificate bound"); its ID names it in a line, an option or a link:
the requirement it checks first, a slash, a few words that tell it from the requirement's other
properties (`CERT-3/toggling`). Text, JSON (`id`, with the sentence as `name`), `--property` and
the report's anchors use the ID; the sentence stays beside it.

A property checked once per HTTP site system starts with the system's name (`mp1: queued
certificate work completes`); its ID is the template's, then `@` and the name
(`CERT-2/queue-completes@mp1`). Site system names are host names (letters, digits, hyphens), so
an ID needs no escaping in a URL fragment or an HTML attribute.

A property missing from the table still gets an ID (`fallback_id`), so that a run never stops
for it; `tests/compose/test_property_ids.py` fails until the table has it, and says the line to
add.
"""

from __future__ import annotations

import re

__all__ = [
    "PER_SITE_SYSTEM",
    "PROPERTY_IDS",
    "fallback_id",
    "known_id",
    "property_id",
    "sentence_of",
]

PROPERTY_IDS: dict[str, str] = {
    # Site mode and the console (SITE-*).
    "each console step sets what it names; HTTPS only with enhanced HTTP is allowed and flagged "
    "unsupported": "SITE-1/console",
    "with HTTPS or HTTP selected, the administrator turns on enhanced HTTP": "SITE-1/enable",
    "with enhanced HTTP on, the console lets the administrator select HTTPS only (unsupported)": (
        "SITE-2/https-only"
    ),
    "enhanced HTTP is never on: the option needs 1806 with pre-release features": (
        "SITE-3/never-on"
    ),
    "an HTTPS site system keeps its PKI certificate bound": "SITE-4/pki-kept",
    # Role certificates (CERT-*).
    "without the option no role certificate is ever issued": "CERT-1/none-without-option",
    "after enabling, every HTTP site system's role certificate is bound": "CERT-1/enabling",
    "once enabled, the site binds every HTTP site system's role certificate on its own": (
        "CERT-1/binds-on-its-own"
    ),
    "with enhanced HTTP on and smsexec running no role certificate binding is being removed": (
        "CERT-1/kept-while-on"
    ),
    "with enhanced HTTP off and smsexec running no role certificate is bound or waiting to be "
    "bound (a queued removal aside)": "CERT-1/none-while-off",
    "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound": (
        "CERT-3/toggling"
    ),
    "toggling only after the previous change completed never strands a certificate": (
        "CERT-5/careful-toggling"
    ),
    "after the workaround every HTTP site system's role certificate is bound": "CERT-4/workaround",
    "restarting smsexec without deleting the SMS Issuing certificates leaves no SMS-Issuing "
    "certificate bound, in every run (toggling the option included)": "CERT-3/restart-alone",
    "while smsexec is not running, enabling or disabling the option changes no certificate and no "
    "queued certificate work is done": "CERT-1/smsexec-stopped",
    "from every reachable state the administrator can return the site to health": (
        "CERT-4/recoverable"
    ),
    "no reachable state is a deadlock (time-bounded claims need the model to go on)": (
        "CERT-2/deadlock-free"
    ),
    # Client registration (REG-*, SEC-*).
    "an unregistered client registers as the MP table allows its identity evidence, and no other "
    "way": "REG-1/mp-table",
    "a client is registered by PKI certificate only when it has one": "REG-2/pki-only",
    "a client downloads from a distribution point with exactly the credentials the DP table lists "
    "for its type": "DP-1/dp-table",
    "approving a waiting client registers it under the site's current regime": "REG-3/approval",
    "a client waits for manual approval": "REG-3/waits",
    "with enhanced HTTP on no client stays registered under the old regime": "REG-4/no-old-regime",
    "an existing client is due to re-register after enhanced HTTP is enabled": (
        "REG-4/due-after-enabling"
    ),
    "every client due to re-register re-registers at a policy poll": "REG-4/re-registers",
    "a registered client's notification is acted on; it fails only after enabling, until the "
    "client re-registers, for at most 60 minutes unless HTTPS only strands it": (
        "REG-5/notification"
    ),
    "a client registers or re-registers only through a site system its site mode allows": (
        "SITE-5/allowed-mp"
    ),
    "enabling enhanced HTTP makes every registered client due to re-register, whatever regime it "
    "registered under (stranded if HTTPS only leaves it no management point)": (
        "REG-4/every-client-due"
    ),
    "without approval, a client with no identity evidence is never registered": (
        "SEC-2/without-approval"
    ),
}
"""Every property's sentence and its ID."""

PER_SITE_SYSTEM: dict[str, str] = {
    "queued certificate work is never older than 30 minutes": "CERT-2/queue-age",
    "queued certificate work completes": "CERT-2/queue-completes",
}
"""The properties checked once per HTTP site system: the sentence after `<name>: `, and the ID
before `@<name>`."""

_PREFIXED = re.compile(r"^(?P<system>[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?): (?P<rest>.+)$")


def fallback_id(name: str, requirements: tuple[str, ...]) -> str:
    """The ID of a property the table lacks: its first requirement and its sentence's first
    words, as the table's IDs are made (the table's entry, once added, replaces it)."""
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-").split("-")
    first = requirements[0] if requirements else "PROPERTY"
    return f"{first}/{'-'.join(words[:4])}"


def property_id(name: str, requirements: tuple[str, ...] = ()) -> str:
    """The short ID of the property named `name` (its sentence), from `PROPERTY_IDS` or
    `PER_SITE_SYSTEM`; `fallback_id` for a sentence neither has."""
    if name in PROPERTY_IDS:
        return PROPERTY_IDS[name]
    match = _PREFIXED.match(name)
    if match and match["rest"] in PER_SITE_SYSTEM:
        return f"{PER_SITE_SYSTEM[match['rest']]}@{match['system']}"
    return fallback_id(name, requirements)


def known_id(name: str) -> str | None:
    """The ID of a property the table has (None for any other sentence: no fallback)."""
    pid = property_id(name)
    return None if pid == fallback_id(name, ()) else pid


def sentence_of(property_ids: dict[str, str], wanted: str) -> str | None:
    """The sentence whose ID (in `property_ids`, sentence -> ID) is `wanted`, or `wanted`
    itself when it is one of the sentences; None when it is neither."""
    if wanted in property_ids:
        return wanted
    return next((name for name, pid in property_ids.items() if pid == wanted), None)
