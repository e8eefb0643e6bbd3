"""Every property of every example lab has a short ID from the one table, unique in its lab
(model/compose/property_ids.py)."""

from __future__ import annotations

from ehttp.compose.property_ids import (
    PER_SITE_SYSTEM,
    PROPERTY_IDS,
    fallback_id,
    property_id,
    sentence_of,
)
from ehttp.report.traceability import declared_properties, example_labs


def test_every_property_of_every_example_lab_is_in_the_table() -> None:
    missing = {}
    for ref in declared_properties(example_labs()):
        pid = property_id(ref.name, ref.requirements)
        if pid == fallback_id(ref.name, ref.requirements):
            missing[ref.name] = f"    {ref.name!r}: {pid!r},"
    lines = "\n".join(sorted(set(missing.values())))
    assert not missing, (
        "add to PROPERTY_IDS in model/compose/property_ids.py (requirement/few-words; a property "
        f"named '<site system>: ...' goes in PER_SITE_SYSTEM without the name):\n{lines}"
    )


def test_ids_are_unique_in_each_lab_and_start_with_a_requirement_of_the_property() -> None:
    by_lab: dict[str, dict[str, str]] = {}
    for ref in declared_properties(example_labs()):
        pid = property_id(ref.name, ref.requirements)
        seen = by_lab.setdefault(ref.lab, {})
        assert pid not in seen or seen[pid] == ref.name, (
            f"lab {ref.lab!r}: {ref.name!r} and {seen[pid]!r} share the ID {pid!r}; give one "
            "another in model/compose/property_ids.py"
        )
        seen[pid] = ref.name
        assert pid.split("/")[0] in ref.requirements, (pid, ref.requirements)


def test_the_table_maps_no_two_sentences_to_one_id() -> None:
    ids = [*PROPERTY_IDS.values(), *PER_SITE_SYSTEM.values()]
    assert len(ids) == len(set(ids))


def test_per_site_system_ids_carry_the_system_name() -> None:
    assert property_id("mp1: queued certificate work completes") == "CERT-2/queue-completes@mp1"
    assert property_id("dp-2: queued certificate work is never older than 30 minutes") == (
        "CERT-2/queue-age@dp-2"
    )


def test_an_unknown_sentence_gets_a_fallback_made_like_the_table() -> None:
    assert property_id("a brand new claim about things", ("REG-9",)) == "REG-9/a-brand-new-claim"


def test_sentence_of_takes_an_id_or_a_sentence() -> None:
    table = {"the sentence": "CERT-3/toggling"}
    assert sentence_of(table, "CERT-3/toggling") == "the sentence"
    assert sentence_of(table, "the sentence") == "the sentence"
    assert sentence_of(table, "CERT-3") is None
