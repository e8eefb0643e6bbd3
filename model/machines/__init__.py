"""The declarations: each machine of Enhanced HTTP as typed data, and the seed's access tables.

`machine` is the declaration vocabulary (states, rows, guards); `state` is what a declaration may
know of the composed world; `site`, `binding`, `registration` and `clock` declare the machines;
`access` holds the MP and DP tables. Nothing here imports a view, the lab, fuzzing, the report or
the command line.
"""
