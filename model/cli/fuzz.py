"""`ehttp fuzz`: a Hypothesis stateful campaign over the concrete lab, or the replay of one.

DESIGN "Command line". Prints the seed first, shows progress on standard error (as `check` does: a
status line on a terminal, a plain line every 10 s otherwise); a failure comes next (what broke, the
shortened steps, the replay command), then the step budget, steps, steps per second, examples,
coverage of the checker's reachable states and transitions with its timeline, and the rules never
fired (rows and attacks the lab rules out marked as such). By default a campaign runs
`STEPS_PER_STATE` (1.2) lab steps per reachable state, so its work follows the lab's size and a seed
gives the same coverage on any machine (on the default lab, 82.5 % of the states with seed 1 in
under a minute; the goal of 90 % is met at 1.5 per state, `--steps`); `--steps N` stops after N lab
steps (same seed and N, same coverage); `--seconds S` counts the set-up and stops at the first step
past S. `--replay FILE` replays a campaign's replay file exactly (its own lab, seed and mutant), or
a property's trace from `ehttp check --json` on `--lab`. `--hostile` runs the hostile-input campaign
instead (`model/fuzz/hostile.py`): structured mutations of genuine tokens, messages, requests,
logons and chains, and prints how many were tried. Exit 0 clean, 1 a failure found, 2 bad usage or
input (one line), 130 interrupted.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ehttp.bridge.driver import LabDriver
from ehttp.cli.options import (
    OneOf,
    integer_option,
    lab_option,
    mutant_option,
    seconds_option,
    seed_option,
)
from ehttp.cli.output import emit_json, emit_text, envelope
from ehttp.cli.progress import INTERRUPTED, reporter
from ehttp.compose.property_ids import known_id
from ehttp.config.schema import Lab
from ehttp.fuzz.campaign import STEPS_PER_STATE, CampaignPlan, FuzzResult, run_campaign
from ehttp.fuzz.coverage import Coverage
from ehttp.fuzz.hostile import CI_HOSTILE_EXAMPLES, HostilePlan, HostileResult, run_hostile
from ehttp.fuzz.lockstep import FuzzStep
from ehttp.fuzz.profiles import PROFILES, Profile
from ehttp.fuzz.replay import (
    ReplayError,
    ReplayOutcome,
    ReplayPlan,
    load_replay,
    replay,
    step_json,
)
from ehttp.lab.mutants import MUTANTS
from ehttp.words import plural

__all__ = [
    "DEFAULT_SECONDS",
    "broke",
    "campaign_json",
    "fuzz",
    "render_hostile",
    "render_replay",
    "render_text",
]

DEFAULT_SECONDS = 30.0


def _numbers(coverage: Coverage, reachable: int) -> str:
    return (
        f"examples {coverage.examples:,}  steps {coverage.steps:,}  "
        f"states {len(coverage.reached):,} of {reachable:,}"
    )


def campaign_json(plan: CampaignPlan, result: FuzzResult) -> dict[str, Any]:
    """`ehttp fuzz --json` for a campaign: the envelope, the plan, then `FuzzResult.to_json`."""
    return envelope(
        "fuzz",
        plan.lab,
        "fail" if result.failures else "interrupted" if result.interrupted else "pass",
        mode="campaign",
        mutant=plan.mutant,
        profile=plan.profile,
        budget={
            "seconds": plan.seconds,
            "examples": plan.examples,
            "steps": result.step_budget,
            "steps_per_state": plan.steps_per_state,
        },
        **result.to_json(),
    )


def broke(invariant: str, steps: tuple[FuzzStep, ...]) -> str:
    """What broke and where, in words: the property (by ID) or the invariant, then the step
    after which it no longer held (the last of `steps`), e.g. `property CERT-5/careful-toggling
    ('toggling only ...') broke at step 3 (enable enhanced HTTP)`."""
    pid = known_id(invariant)
    what = f"property {pid} ({invariant!r})" if pid else f"invariant {invariant!r}"
    if not steps:
        return f"{what} broke on the lab as configured, before any step"
    return f"{what} broke at step {len(steps)} ({steps[-1].name})"


def _numbered(steps: tuple[FuzzStep, ...]) -> list[str]:
    return [f"  {number:3}. {step.text}" for number, step in enumerate(steps, 1)]


def render_text(result: FuzzResult) -> str:
    """The campaign summary users read (the seed line is printed before the campaign runs).

    A failure comes first (what broke, the shortened steps, the replay command), then coverage;
    the rules never fired are listed only for a campaign that ran its whole budget.
    """
    lines: list[str] = []
    for failure in result.failures:
        count = len(failure.steps)
        lines.append(f"FAIL: {broke(failure.invariant, failure.steps)}")
        lines.append(f"  {failure.detail}")
        lines.append(f"shortened to {plural(count, 'step')}:")
        lines.extend(_numbered(failure.steps))
        lines.append(f"replay: ehttp fuzz --replay {failure.replay_file}")
        lines.append("")
    if result.step_budget is not None and result.reachable:
        per_state = result.step_budget / result.reachable
        lines.append(
            f"budget: {plural(result.step_budget, 'step')} ({per_state:.2f} per reachable state)"
        )
    lines += [
        f"{result.steps:,} steps in {result.seconds:.1f} s "
        f"({result.steps_per_second:,.0f} steps/s), "
        f"{plural(result.examples, 'example')}",
        f"coverage: {result.reached:,} of {result.reachable:,} reachable states "
        f"({100 * result.fraction:.1f}%), {result.edges:,} of {result.reachable_edges:,} "
        f"reachable transitions ({100 * result.edges / max(result.reachable_edges, 1):.1f}%)",
        "timeline: " + ", ".join(f"{at:.0f} s {count:,}" for at, count in result.timeline[1:]),
    ]
    never = result.never_fired
    ruled_out = set(result.never_enabled)
    header = f"rules never fired: {len(never)} of {len(result.rules)}"
    if ruled_out:
        header += (
            f" ({len(ruled_out)} rows that no reachable state enables: the lab rules them out)"
        )
    if result.failures or result.interrupted:
        lines.append(f"{header}; the campaign stopped early, so no list")
    else:
        lines.append(header)
        needs = dict(result.attack_needs)
        for name in never:
            attack = name.removeprefix("attack: ")
            if name in ruled_out:
                lines.append(f"  {name}  [ruled out]")
            elif attack in needs:
                lines.append(f"  {name}  [ruled out: {'; '.join(needs[attack])}]")
            else:
                lines.append(f"  {name}")
    if result.failures:
        names = "; ".join(broke(failure.invariant, failure.steps) for failure in result.failures)
        lines.append(f"FAIL: {names} (steps and replay above)")
    elif result.interrupted:
        lines.append(
            f"INTERRUPTED: no invariant broke in {result.steps:,} steps; coverage so far above"
        )
    else:
        lines.append("PASS: no invariant broke")
    return "\n".join(lines) + "\n"


def render_replay(path: Path, plan: ReplayPlan, outcome: ReplayOutcome) -> str:
    """A replay as users read it: what was replayed, the numbered steps, the verdict."""
    what = "replay file" if plan.source == "fuzz" else "checker trace"
    mutant = f", mutant {plan.mutant}" if plan.mutant else ""
    lines = [f"replaying {what} {path} on lab {plan.lab.name!r}, seed {plan.seed}{mutant}"]
    lines.extend(_numbered(outcome.steps))
    if outcome.broken is None:
        lines.append(f"PASS: every invariant held over {plural(len(outcome.steps), 'step')}")
    else:
        lines.append(f"  {outcome.broken.detail}")
        lines.append(f"FAIL: {broke(outcome.broken.invariant, outcome.steps)}")
    return "\n".join(lines) + "\n"


_REPLAY_IGNORES = ("seconds", "steps", "examples", "profile")
"""Options that mean nothing to a replay, refused with --replay rather than dropped."""
_FILE_DECIDES = ("lab", "seed", "mutant")
"""Options a fuzz replay file decides itself (its own lab, seed and mutant)."""


def _given(ctx: click.Context, names: tuple[str, ...]) -> list[str]:
    return [
        f"--{name}"
        for name in names
        if ctx.get_parameter_source(name) is ParameterSource.COMMANDLINE
    ]


def _replay(
    path: Path, lab: Lab, seed: int | None, mutant: str | None, prop: str | None, as_json: bool
) -> None:
    ctx = click.get_current_context()
    ignored = _given(ctx, _REPLAY_IGNORES)
    if ignored:
        raise click.UsageError(
            f"{', '.join(ignored)}: not accepted with --replay, which replays the file's steps "
            "as they are; leave it out"
        )
    try:
        plan = load_replay(path, lab, prop)
    except ReplayError as error:
        raise click.UsageError(str(error)) from None
    decided = _given(ctx, _FILE_DECIDES)
    if plan.source == "fuzz" and decided:
        raise click.UsageError(
            f"{', '.join(decided)}: not accepted with --replay of a fuzz replay file, which "
            "carries its own lab, seed and mutant; leave it out"
        )
    if plan.source == "check":
        plan = ReplayPlan(plan.lab, seed or 0, mutant, plan.moves, plan.source)
    driver = LabDriver(plan.lab, seed=plan.seed, mutant=plan.mutant)
    try:
        outcome = replay(plan, driver)
    except ReplayError as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        broken = outcome.broken
        emit_json(
            envelope(
                "fuzz",
                plan.lab,
                "pass" if broken is None else "fail",
                mode="replay",
                replay=str(path),
                source=plan.source,
                seed=plan.seed,
                mutant=plan.mutant,
                steps=[step_json(step) for step in outcome.steps],
                failure=None
                if broken is None
                else {"invariant": broken.invariant, "detail": broken.detail},
            )
        )
    else:
        emit_text(render_replay(path, plan, outcome))
    sys.exit(0 if outcome.broken is None else 1)


@click.command()
@lab_option
@seconds_option(
    "--seconds",
    help="Run for S seconds, set-up included; stops within a step of S (with --hostile the "
    "default is 30).",
)
@integer_option(
    "--steps",
    minimum=1,
    help="Run N lab steps: the same seed and N give the same coverage on any machine (default: "
    f"{STEPS_PER_STATE} per state of the checker's reachable set for the lab).",
)
@integer_option("--examples", minimum=1, help="Run N examples (same seed, same result).")
@seed_option("Seed (default: a random one).", default=None)
@click.option(
    "--replay",
    "replay_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Replay a failure's JSON file, or a trace from `ehttp check --json`.",
)
@click.option(
    "--property",
    "prop",
    metavar="ID",
    help="With --replay of a whole `ehttp check --json` file: the property whose trace to replay, "
    "by its ID (CERT-3/toggling) or its sentence.",
)
@mutant_option(MUTANTS, "Plant one named bug in the lab.")
@click.option(
    "--profile",
    type=OneOf(list(PROFILES)),
    default="fuzz",
    show_default=True,
    help="Hypothesis profile: ci (deterministic, bounded) or fuzz.",
)
@click.option(
    "--hostile",
    is_flag=True,
    help="Throw mutated tokens, messages, requests, logons and chains at the lab instead.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def fuzz(
    lab: Lab,
    seconds: float | None,
    steps: int | None,
    examples: int | None,
    seed: int | None,
    replay_file: Path | None,
    prop: str | None,
    mutant: str | None,
    profile: Profile,
    hostile: bool,
    as_json: bool,
) -> None:
    """Drive the concrete lab with Hypothesis in lockstep with the model.

    After every step the lab's abstraction must equal the model's state and every `always`
    property must hold; every attack of the catalogue must be refused and change nothing.
    Coverage is counted against the checker's reachable set for the same lab.
    """
    if replay_file is not None:
        if hostile:
            raise click.UsageError("--replay and --hostile are not accepted together; give one")
        _replay(replay_file, lab, seed, mutant, prop, as_json)
        return
    if prop is not None:
        raise click.UsageError(
            "--property: accepted only with --replay of an ehttp check --json file"
        )
    given = [
        name
        for name, value in (("--seconds", seconds), ("--steps", steps), ("--examples", examples))
        if value is not None
    ]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} are not accepted together; give one")
    if seed is None:
        seed = secrets.randbelow(2**32)
    if not as_json:
        click.echo(f"seed {seed}")
    if hostile:
        if steps is not None:
            raise click.UsageError(
                "--steps and --hostile are not accepted together; give --seconds or --examples"
            )
        _hostile(lab, seed, seconds, examples, mutant, profile, as_json)
        return
    plan = CampaignPlan(
        lab=lab,
        seed=seed,
        seconds=seconds,
        examples=examples,
        steps=steps,
        steps_per_state=None if given else STEPS_PER_STATE,
        mutant=mutant,
        profile=profile,
    )
    with reporter("fuzzing") as progress:
        result = run_campaign(plan, progress=lambda *now: progress.show(_numbers(*now)))
    if as_json:
        emit_json(campaign_json(plan, result))
    else:
        emit_text(render_text(result))
    sys.exit(1 if result.failures else INTERRUPTED if result.interrupted else 0)


def render_hostile(result: HostileResult) -> str:
    """A hostile campaign as users read it: inputs tried, per target, the verdict."""
    lines = [
        f"hostile inputs tried: {result.total:,} in {result.seconds:.1f} s "
        f"({result.per_second:,.0f} per second)"
    ]
    for name in sorted(result.tried):
        lines.append(
            f"  {name}: {result.tried[name]:,} tried, {result.accepted[name]:,} accepted "
            "within the model's rules"
        )
    lines.extend(f"  skipped {line}" for line in result.skipped)
    failure = result.failure
    if failure is None and result.interrupted:
        lines.append(
            f"INTERRUPTED: no exception, no acceptance the model forbids, nothing changed after "
            f"a refusal in {result.total:,} inputs; counts so far above"
        )
    elif failure is None:
        lines.append(
            "PASS: no exception, no acceptance the model forbids, nothing changed after a refusal"
        )
    else:
        lines.append(f"FAIL: {failure.invariant}")
        lines.append(f"  {failure.target}: {failure.detail}")
        lines.append(f"  input: {failure.hostile}")
    return "\n".join(lines) + "\n"


def _hostile(
    lab: Lab,
    seed: int,
    seconds: float | None,
    examples: int | None,
    mutant: str | None,
    profile: Profile,
    as_json: bool,
) -> None:
    if seconds is None and examples is None:
        if profile == "ci":
            examples = CI_HOSTILE_EXAMPLES
        else:
            seconds = DEFAULT_SECONDS
    plan = HostilePlan(lab, seed, seconds, examples, mutant, profile)
    result = run_hostile(plan)
    if as_json:
        body = result.to_json()
        body.pop("seed")
        emit_json(
            envelope(
                "fuzz",
                lab,
                "fail" if result.failure else "interrupted" if result.interrupted else "pass",
                body,
                mode="hostile",
                seed=seed,
                mutant=mutant,
                profile=profile,
            )
        )
    else:
        emit_text(render_hostile(result))
    sys.exit(1 if result.failure else INTERRUPTED if result.interrupted else 0)
