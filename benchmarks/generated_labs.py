"""The longer run of tests/config/test_generated_labs.py: more and larger generated labs.

Draws `--examples` labs from `ehttp.config.strategies.labs(max_parts=--max-parts)` with
Hypothesis seed `--seed` and, on each, prints one line: its management points, distribution
points and clients, its version and whether enhanced HTTP is on, then
- the native checker without symmetry against `--engine spin` (`ehttp.compose.spin.differences`:
  every variant's states and transitions, the diameter, every verdict Spin decides and its trace
  length), or that Spin stopped short (INCOMPLETE, with pan's reason);
- `ehttp scenarios`, `ehttp whatif --list` and `--do` the first two actions possible from the
  steady state, `ehttp diagnose --list` and `--symptom` the first two symptoms: each must exit 0
  or 1, or refuse with one line and exit 2; an exception is reported with the lab;
- `scenarios`, the report's scenario table, `whatif` and `diagnose` give the same answer to "can
  client C do X" on every steady world of the lab (`tests/decide/agreement.py`, as the test of
  CI's quick profile compares them).
Each lab with a finding is written to `--out` (default: a new temporary folder) as a lab file, so
it can be kept in specs/labs/ or the tests once the finding is fixed. Nothing is asserted; the
last line counts the findings.

    python -m benchmarks.generated_labs [--examples 40] [--max-parts 5] [--seed 1]
        [--no-spin] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import traceback
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, seed, settings

from ehttp.cli.app import main as ehttp
from ehttp.compose.checking import run_checks
from ehttp.compose.spin import differences, run_spin, spin_available
from ehttp.config.labfile import lab_to_toml
from ehttp.config.schema import Lab
from ehttp.config.strategies import labs
from tests.decide.agreement import answers, disagreements, steady_variants


def commands(path: Path) -> list[str]:
    """What scenarios, whatif and diagnose did wrong on the lab file at `path` (empty: nothing)."""
    runner = CliRunner()
    found: list[str] = []

    def run(*args: str) -> str:
        result = runner.invoke(ehttp, [*args[:1], "--lab", str(path), *args[1:]])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            kind = type(result.exception).__name__
            found.append(f"{' '.join(args)}: raised {kind}: {result.exception}")
        elif result.exit_code == 2 and result.stderr.count("\n") != 1:
            found.append(f"{' '.join(args)}: exit 2 with {result.stderr.count(chr(10))} lines")
        elif result.exit_code not in (0, 1, 2):
            found.append(f"{' '.join(args)}: exit {result.exit_code}")
        return result.stdout

    run("scenarios")
    listing = json.loads(run("whatif", "--list", "--json") or "{}").get("actions", [])
    for action in [a["action"] for a in listing if a["possible_now"]][:2]:
        run("whatif", "--do", action)
    symptoms = json.loads(run("diagnose", "--list", "--json") or "{}").get("symptoms", [])
    for symptom in [s["symptom"] for s in symptoms][:2]:
        run("diagnose", "--symptom", symptom, "--max", "2")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=40)
    parser.add_argument("--max-parts", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-spin", action="store_true", help="Leave the Spin cross-check out.")
    parser.add_argument("--out", type=Path, help="Folder for the labs with a finding.")
    args = parser.parse_args()
    spin = not args.no_spin and spin_available() is None
    out = args.out or Path(tempfile.mkdtemp(prefix="ehttp-generated-"))
    out.mkdir(parents=True, exist_ok=True)
    findings: list[tuple[str, list[str]]] = []
    count = [0]

    @seed(args.seed)
    @settings(
        max_examples=args.examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(labs(max_parts=args.max_parts))
    def one(lab: Lab) -> None:
        count[0] += 1
        name = f"generated-{args.seed}-{count[0]}"
        path = out / f"{name}.toml"
        path.write_text(lab_to_toml(lab), encoding="utf-8")
        found: list[str] = []
        started = time.perf_counter()
        native = run_checks(lab, symmetry=False)
        native_s = time.perf_counter() - started
        reduced = run_checks(lab)
        verdicts = {(v, p.name): (p.verdict, len(p.trace)) for v, p in native.properties}
        for variant, prop in reduced.properties:
            theirs = verdicts.get((variant, prop.name))
            if theirs != (prop.verdict, len(prop.trace)):
                found.append(
                    f"{prop.name}: with symmetry {prop.verdict} ({len(prop.trace)} steps), "
                    f"without {theirs}"
                )
        spin_part = ""
        if spin:
            started = time.perf_counter()
            try:
                checked = run_spin(lab)
            except Exception as error:
                found.append(f"spin raised {type(error).__name__}: {error}")
            else:
                if checked.complete:
                    found += differences(checked, native)
                else:
                    spin_part = f" spin INCOMPLETE ({'; '.join(checked.reasons)})"
                spin_part = spin_part or f" spin {time.perf_counter() - started:.1f} s"
        try:
            found += commands(path)
        except Exception:
            found.append("commands: " + traceback.format_exc().strip().splitlines()[-1])
        try:
            for label, variant in steady_variants(lab):
                found += [f"{label}: {wrong}" for wrong in disagreements(answers(variant))]
        except Exception:
            found.append("agreement: " + traceback.format_exc().strip().splitlines()[-1])
        print(
            f"{name}: {len(lab.management_points)} mp {len(lab.distribution_points)} dp "
            f"{len(lab.clients)} clients, {lab.site.version}"
            f"{' enhanced' if lab.site.enhanced_http else ''}: {native.main.states:,} states, "
            f"native {native_s:.1f} s{spin_part}; "
            + ("; ".join(found) if found else "agree, no command raised, the commands agree"),
            flush=True,
        )
        if found:
            findings.append((name, found))
        else:
            path.unlink()

    one()
    print(f"{count[0]} labs, {len(findings)} with findings (kept in {out})")


if __name__ == "__main__":
    main()
