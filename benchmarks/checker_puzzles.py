"""Checker throughput on the test puzzles, scaled up. Run: python -m benchmarks.checker_puzzles

Prints distinct states, transitions, seconds and states/s for two-phase commit with more
resource managers (with and without symmetry reduction) and for DieHard. Speed lives here, not
in the tests.

Measured once (Python 3.11, 2 cores): TwoPhase 5 RMs 8,832 states at ~100,000 states/s,
6 RMs 50,816 states at ~80,000 states/s, 7 RMs 296,448 states at ~55,000 states/s. A profile of
the 6-RM run puts about a quarter of the time in the checker's loop and the rest in the model
(`next_state`, dataclass hashing and equality), so faster models are the next lever.
"""

from __future__ import annotations

from ehttp.checker import Property, check
from tests.checker.puzzles.diehard import DieHard
from tests.checker.puzzles.twophase import TwoPhase, TwoPhaseState

__all__ = ["main"]


def consistent(s: TwoPhaseState) -> bool:
    """TCConsistent: no RM has committed while another has aborted."""
    return not ("committed" in s.rm_state and "aborted" in s.rm_state)


def main() -> None:
    """Run each configuration once and print one line per run."""
    runs = [
        ("DieHard", DieHard(), False, [Property.always("big != 4", lambda s: s.big != 4)]),
        *(
            (
                f"TwoPhase rms={rms} symmetry={symmetry}",
                TwoPhase(rms),
                symmetry,
                [Property.always("TCConsistent", consistent)],
            )
            for rms in (5, 6, 7)
            for symmetry in (False, True)
        ),
        (
            "TwoPhase rms=5 + eventually (unreduced liveness graph)",
            TwoPhase(5),
            False,
            [Property.eventually("TM decides", lambda s: s.tm_state != "init")],
        ),
    ]
    for label, model, symmetry, props in runs:
        result = check(model, props, symmetry=symmetry)  # type: ignore[arg-type]
        print(
            f"{label:58} states={result.states:>8} transitions={result.transitions:>9} "
            f"seconds={result.seconds:7.2f} states/s={result.states_per_second:>9,.0f} "
            f"verdicts={[p.verdict for p in result.properties]}"
        )


if __name__ == "__main__":
    main()
