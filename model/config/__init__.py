"""The lab configuration: its typed schema and the TOML lab file that fills it.

`schema` declares the dataclasses; `labfile` reads a lab file (or the embedded default lab) into
them with one-line errors.
"""
