"""Hypothesis campaigns that drive the concrete lab in lockstep with the model.

`campaign` runs a campaign; `machine` and `rules` are the Hypothesis state machine built from the
declarations; `driver`, `lockstep` and `invariants` keep the lab and the model in step;
`coverage` measures reached states; `minimize` shortens failures; `replay` replays them.
"""
