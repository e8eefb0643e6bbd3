"""Classic model-checking puzzles with known answers, used to test the generic checker.

Each puzzle is written after its published specification and cites it; the tests pin the numbers
those sources give (distinct states, counterexample lengths, verdicts).
"""

__all__: list[str] = []
