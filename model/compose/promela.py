"""The composed model of a lab as Promela, for Spin: `ehttp export --promela`.

Everything is read off the declarations (`model/machines/`) and the composition
(`model/compose/world.py`), so Spin explores the same transition system as `ehttp check`:
- one byte per machine instance holds its control state, one byte per instance of a machine with
  deadlines holds its timer (quanta spent in a deadline state; 0 in other states, where ehttp's
  timer is -1, so the two encodings are in one-to-one correspondence);
- one `d_step` alternative of the process `world` per (row, instance): one ehttp step is one Spin
  transition. Its guard is the row's source states and guard formula (each atom's Promela
  rendering, `model/machines/guards.py`), and for the environment's rows "nothing is overdue"
  (urgency, as `WorldModel.actions` does it). Its body first judges every reaction on the world
  before the step (into `r_` variables, back to 0 when the step ends, so they add no state; Spin's
  breadth-first search refuses `hidden` variables), then updates;
- the clock's alternative advances every running timer, as `WorldModel.next_state` does;
- every `always` property of a variant is an assertion, in an alternative enabled only in a state
  that violates it (so it adds no transition while the property holds); a deadlock is Spin's
  "invalid end state";
- every `sometimes` property is an alternative enabled only where its goal holds, whose assertion
  fails there: selected with ``-DWITNESS=k`` (or ``EHTTP_WITNESS=k``), Spin's shortest error trail
  in a breadth-first search is ehttp's shortest witness. (Not a never claim: Spin 6.5.2's
  breadth-first search reports a never claim's end at the wrong depth, even for a five-state
  counter; with the depth-first search the trail is not a shortest one.);
- a variant that leaves rows out is a choice (``-DWITHOUT_APPROVAL`` or ``EHTTP_VARIANT=1``)
  that disables those rows and selects its properties. Variants with other starting worlds or
  fairness (the workaround's) carry only liveness properties, which this export does not state.
The choices are C globals read through `c_expr` inside the guards (pan reads its environment when it
starts), so one compiled `pan` serves every property: no choice adds a Spin state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ehttp.compose.properties import LAB, lab_checks, row_variants
from ehttp.compose.world import CLOCK_AT, EXEC, SITE, Env, ModelError, WorldModel
from ehttp.config.schema import Lab
from ehttp.machines.binding import CERTIFICATE_WORK_PENDING, SMSEXEC_RUNNING
from ehttp.machines.clock import OVERDUE, QUANTUM_MINUTES, TIME_CAN_ADVANCE
from ehttp.machines.guards import Atom, promela_all, promela_any, promela_not
from ehttp.machines.machine import Machine, Row
from ehttp.machines.site import APP_READY, ENHANCED
from ehttp.machines.state import Action

__all__ = [
    "Numbered",
    "PromelaExport",
    "PromelaRendering",
    "comment_text",
    "export_promela",
    "instance_identifiers",
    "switch_name",
]

_IDENT = re.compile(r"[^A-Za-z0-9_]")


def _ident(name: str) -> str:
    return _IDENT.sub("_", name)


def instance_identifiers(env: Env) -> tuple[str, ...]:
    """Each instance's part of its Promela variables' names, chosen by the program: the site's
    components by their fixed names, the lab's site systems and clients by kind and position
    (``mp1``, ``dp1``, ``client1``, ...), never by the names the lab gives them (STYLE.md rule
    16: a lab's names are data, written only into comments, escaped)."""
    fixed = tuple(_ident(name) for name in env.names[: env.first_binding])
    return (
        *fixed,
        *(f"mp{k}" for k in range(1, env.first_dp - env.first_binding + 1)),
        *(f"dp{k}" for k in range(1, env.first_client - env.first_dp + 1)),
        *(f"client{k}" for k in range(1, len(env.names) - env.first_client + 1)),
    )


def comment_text(text: str) -> str:
    """`text` as the inside of a C or Promela block comment, whatever it holds: printable ASCII
    is kept, every other character is written as its code point (``\\u00e9``), and each ``*/``
    and ``/*`` is broken by a space, so the comment ends only where the export ends it."""
    shown = "".join(
        char
        if " " <= char <= "~"
        else f"\\u{ord(char):04x}"
        if ord(char) <= 0xFFFF
        else f"\\U{ord(char):08x}"
        for char in text
    )
    return shown.replace("*/", "* /").replace("/*", "/ *")


def switch_name(variant: str) -> str:
    """The ``-D`` switch that selects a variant of the lab's model (``without approval`` ->
    ``WITHOUT_APPROVAL``)."""
    return _ident(variant).upper()


class PromelaRendering:
    """How the lab's world is spelled in Promela (implements `ehttp.machines.guards.Rendering`)."""

    def __init__(self, env: Env) -> None:
        self.env = env
        self.site = SITE
        self.app = 1
        self.smsexec = EXEC
        self.bindings: Sequence[int] = tuple(env.bindings)
        self.management_points: Sequence[int] = tuple(range(env.first_binding, env.first_dp))
        self.timed: Sequence[tuple[int, dict[str, int]]] = tuple(
            (index, compiled.deadlines)
            for index, compiled in enumerate(env.compiled)
            if compiled.deadlines
        )
        self.variables = tuple(f"s_{ident}" for ident in instance_identifiers(env))
        self._constants: dict[tuple[str, str], str] = {}
        for machine in set(env.machines):
            prefix = _ident(machine.name).upper()
            spelled = [f"{prefix}_{_ident(state)}" for state in machine.state_names]
            if len(set(spelled)) != len(spelled):
                raise ModelError(f"machine {machine.name}: state names collide in Promela")
            for state, constant in zip(machine.state_names, spelled, strict=True):
                self._constants[machine.name, state] = constant

    def constant(self, machine: Machine, state: str) -> str:
        """The Promela constant naming `state` of `machine`."""
        return self._constants[machine.name, state]

    def is_in(self, instance: int, states: Iterable[str]) -> str:
        """A Promela expression: the instance's control state is one of `states`."""
        machine = self.env.machines[instance]
        wanted = set(states)
        variable = self.variables[instance]
        return promela_any(
            f"{variable} == {self.constant(machine, state)}"
            for state in machine.state_names
            if state in wanted
        )

    def timer(self, instance: int) -> str:
        """The Promela variable holding the instance's timer."""
        return f"t_{self.variables[instance][2:]}"

    def has_timer(self, instance: int) -> bool:
        """Whether the instance's machine has deadlines (and so a timer variable)."""
        return bool(self.env.compiled[instance].deadlines)


@dataclass(frozen=True)
class Numbered:
    """A property as the export numbers it: ``ALWAYS_number`` or ``SOMETIMES_number``."""

    number: int
    variant: str
    name: str


@dataclass(frozen=True)
class PromelaExport:
    """The Promela text of a lab and what it takes to read Spin's answers back.

    `steps` maps the line of each alternative's guard to the ehttp action it stands for;
    An `always` alternative prints ``ehttp: always k violated`` before its assertion fails, so a
    replayed trail says which property it broke.
    """

    lab: Lab
    text: str
    steps: dict[int, Action]
    always: tuple[Numbered, ...]
    witnesses: tuple[Numbered, ...]
    variants: dict[str, int]
    """Each variant's number for EHTTP_VARIANT (0: the lab as configured)."""


_SHARED: tuple[Atom, ...] = (
    TIME_CAN_ADVANCE,
    OVERDUE,
    CERTIFICATE_WORK_PENDING,
    ENHANCED,
    APP_READY,
    SMSEXEC_RUNNING,
)
"""Atoms that read no instance of their own: each becomes a macro named after it."""


def _grouped(text: str) -> bool:
    """Whether `text` is one parenthesized group (so replacing it by a macro keeps its meaning)."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    level = 0
    for at, char in enumerate(text):
        level += {"(": 1, ")": -1}.get(char, 0)
        if level == 0 and at < len(text) - 1:
            return False
    return True


def _shared_macros(r: PromelaRendering) -> list[tuple[str, Atom, str]]:
    """(macro name, atom, expansion) for the shared atoms, longest expansion first."""
    found = []
    for atom in _SHARED:
        expansion = atom.promela(r, r.site)
        if expansion not in ("0", "1") and _grouped(expansion):
            found.append((_ident(atom.name).upper(), atom, expansion))
    return sorted(found, key=lambda item: -len(item[2]))


def _use_macros(text: str, macros: Sequence[tuple[str, Atom, str]]) -> str:
    for name, _atom, expansion in macros:
        text = text.replace(expansion, name)
    return text


def _words(row: Row) -> str:
    return f"{row.name} ({row.actor}; {', '.join(row.requirements)})"


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str = "") -> int:
        self.lines.append(line)
        return len(self.lines)


def _enter(r: PromelaRendering, instance: int, source: str, row: Row, indent: str) -> list[str]:
    """The assignments that move `instance` from `source` to the row's destination."""
    if row.dest == source:
        return []
    machine = r.env.machines[instance]
    out = [f"{indent}{r.variables[instance]} = {r.constant(machine, row.dest)};"]
    if r.has_timer(instance):
        out.append(f"{indent}{r.timer(instance)} = 0;")
    return out


def _reactions(r: PromelaRendering, instance: int, row: Row) -> tuple[list[str], list[str]]:
    """Judge every other instance's reaction to `row` (before the step), then apply them."""
    judge: list[str] = []
    apply: list[str] = []
    for other, _name, by_source in r.env.reactors.get(row.name, ()):
        if other == instance:
            continue
        hidden = f"r_{r.variables[other][2:]}"
        options: list[str] = []
        effects: list[str] = []
        number = 0
        for source, candidates in by_source.items():
            for _row_number, reaction in candidates:
                guard = promela_all((r.is_in(other, (source,)), reaction.guard.promela(r, other)))
                if guard == "0":
                    continue
                number += 1
                options.append(
                    f"      :: {guard} -> {hidden} = {number}"
                    f"   /* {comment_text(r.env.names[other])}: {comment_text(reaction.name)}:"
                    f" {source} -> {reaction.dest} ({', '.join(reaction.requirements)}) */"
                )
                moves = _enter(r, other, source, reaction, "")
                effects.append(f"      :: {hidden} == {number} -> {' '.join(moves) or 'skip'}")
        if not options:
            continue
        judge += ["      if", *options, f"      :: else -> {hidden} = 0", "      fi;"]
        apply += [
            "      if",
            *effects,
            "      :: else -> skip",
            "      fi;",
            f"      {hidden} = 0;",
        ]
    return judge, apply


def _step(
    out: _Writer, r: PromelaRendering, instance: int, number: int, row: Row, choice: str
) -> int | None:
    """Write the alternative of (row, instance); return the line of its guard (None: never).

    `choice` is a C condition on the run-time choices that must also hold ("" for none)."""
    env = r.env
    machine = env.machines[instance]
    who = env.names[instance]
    moving = comment_text(f"{who}: {_words(row)}: {', '.join(row.source)} -> {row.dest}")
    header = f"  /* {moving}"
    guard = promela_all(
        (
            r.is_in(instance, row.source),
            row.guard.promela(r, instance),
            "1" if row.fair else promela_not(OVERDUE.promela(r, instance)),
        )
    )
    if guard == "0":
        out.add(f"{header}: never enabled in this lab */")
        return None
    out.add(f"{header}")
    if row.guard_text:
        out.add(f"     if {comment_text(row.guard_text)}")
    if row.note:
        out.add(f"     {comment_text(row.note)}")
    out.lines[-1] += " */"
    chosen = f"c_expr {{ {choice} }} && " if choice else ""
    line = out.add(f"  :: d_step {{ {chosen}{guard} ->")
    if instance == CLOCK_AT:
        for timed, deadlines in r.timed:
            out.add(f"      if :: {r.is_in(timed, deadlines)} -> {r.timer(timed)}++ :: else fi;")
        out.add("    }")
        return line
    judge, apply = _reactions(r, instance, row)
    for text in judge:
        out.add(text)
    if len(row.source) == 1:
        moves = _enter(r, instance, row.source[0], row, "      ")
    else:
        moves = []
        if row.dest in row.source:
            entered = _enter(r, instance, "", row, "")
            moves = [
                f"      if :: {r.variables[instance]} != {r.constant(machine, row.dest)} -> "
                f"{' '.join(entered)} :: else fi;"
            ]
        else:
            moves = _enter(r, instance, "", row, "      ")
    for text in moves + apply:
        out.add(text)
    if not moves and not apply:
        out.add("      skip")
    out.add("    }")
    return line


def export_promela(lab: Lab) -> PromelaExport:
    """The lab's composed model as Promela (see the module docstring for the encoding)."""
    model = WorldModel(lab)
    env = model.env
    r = PromelaRendering(env)
    checks = lab_checks(model)
    without = row_variants(model)
    switches = {variant: switch_name(variant) for variant in without}
    variant_numbers = {LAB: 0, **{v: n for n, v in enumerate(switches, start=1)}}
    always: list[tuple[int, str, str, str]] = []
    witnesses: list[Numbered] = []
    goals: list[str] = []
    for found in checks:
        prop = found.prop
        if found.promela is None or found.variant not in variant_numbers:
            continue
        if prop.kind == "always":
            always.append((len(always) + 1, found.variant, prop.name, found.promela(r)))
        elif prop.kind == "sometimes":
            witnesses.append(Numbered(len(witnesses) + 1, found.variant, prop.name))
            goals.append(found.promela(r))
    out = _Writer()
    out.add("/*")
    title = comment_text(f"lab '{lab.name}' with {len(lab.clients)} clients")
    out.add(f" * Enhanced HTTP: {title}, for Spin.")
    out.add(" * Generated by `ehttp export --promela` from the declarations in model/machines/;")
    out.add(" * do not edit. Encoding: see model/compose/promela.py.")
    out.add(f" * Time: a quantum is {QUANTUM_MINUTES} minutes.")
    out.add(" *")
    out.add(" * Run:   spin -a default.pml && gcc -DBFS -DSAFETY -DNOREDUCE -o pan pan.c && ./pan")
    out.add(" * checks every always property of the lab (assertions) and deadlocks (invalid end")
    out.add(" * states). Choices, given to spin -a as -D switches or to pan in its environment:")
    out.add(" *   -DWITNESS=k        or EHTTP_WITNESS=k   look for the k-th sometimes property's")
    out.add(" *                                           goal instead (an error is its witness)")
    for variant, number in variant_numbers.items():
        if number:
            flag = f"-D{switches[variant]}"
            out.add(f" *   {flag:18} or EHTTP_VARIANT={number}   the {variant!r} variant")
    out.add(" *   EHTTP_SKIP=3,5                          leave out always properties 3 and 5")
    out.add(" */")
    out.add()
    out.add("#ifndef WITNESS")
    out.add("#define WITNESS 0")
    out.add("#endif")
    for variant, number in variant_numbers.items():
        if number:
            out.add(f"#ifdef {switches[variant]}")
            out.add(f"#define VARIANT {number}")
            out.add("#endif")
    out.add("#ifndef VARIANT")
    out.add("#define VARIANT 0")
    out.add("#endif")
    out.add("c_decl {")
    out.add("  /* the run-time choices; pan reads its environment when it starts */")
    out.add(f"  int Witness = WITNESS, Variant = VARIANT, Skip[{len(always) + 1}];")
    out.add("  __attribute__((constructor)) static void ehttp_choices(void) {")
    out.add("    const char *v;")
    out.add('    if ((v = getenv("EHTTP_WITNESS")) != NULL) Witness = atoi(v);')
    out.add('    if ((v = getenv("EHTTP_VARIANT")) != NULL) Variant = atoi(v);')
    out.add('    for (v = getenv("EHTTP_SKIP"); v != NULL && *v != 0; v++) {')
    out.add("      int k = atoi(v);")
    out.add(f"      if (k > 0 && k <= {len(always)}) Skip[k] = 1;")
    out.add("      while (*v != 0 && *v != ',') v++;")
    out.add("      if (*v == 0) break;")
    out.add("    }")
    out.add("  }")
    out.add("}")
    out.add()
    for machine in dict.fromkeys(env.machines):
        out.add(f"/* {comment_text(machine.name)}: {comment_text(machine.title)} */")
        for value, state in enumerate(machine.states):
            marks = f" [{', '.join(state.marks)}]" if state.marks else ""
            deadline = f" (deadline {state.deadline} quanta)" if state.deadline else ""
            out.add(
                f"#define {r.constant(machine, state.name)} {value}"
                f"   /* {comment_text(state.description)}{marks}{deadline} */"
            )
        out.add()
    start = model.initial
    for index, name in enumerate(env.names):
        machine = env.machines[index]
        initial = r.constant(machine, start[index][0])
        out.add(
            f"byte {r.variables[index]} = {initial};   /* {comment_text(name)}: {machine.name} */"
        )
    for index, name in enumerate(env.names):
        if r.has_timer(index):
            out.add(
                f"byte {r.timer(index)} = 0;   /* quanta {comment_text(name)} spent in its state */"
            )
    reacting = sorted({o for found in env.reactors.values() for o, _n, _b in found})
    for index in reacting:
        out.add(
            f"byte r_{r.variables[index][2:]};   /* which reaction of "
            f"{comment_text(env.names[index])} this step takes; 0 between steps */"
        )
    out.add()
    process_line = out.add("active proctype world() {")
    out.add("  do")
    steps: dict[int, Action] = {}
    for index, machine in enumerate(env.machines):
        for number, row in enumerate(machine.rows):
            if row.reaction:
                continue
            left_out = [n for v, n in variant_numbers.items() if row.name in without.get(v, ())]
            choice = " && ".join(f"Variant != {n}" for n in left_out)
            line = _step(out, r, index, number, row, choice)
            if line is not None:
                steps[line] = (index, number)
    out.add("  /* always properties: each an alternative enabled only where it is violated */")
    for number, variant, _name, _expression in always:
        v = variant_numbers[variant]
        out.add(
            f"  :: d_step {{ c_expr {{ Witness == 0 && Variant == {v} && !Skip[{number}] }} && "
            f"!ALWAYS_{number} ->"
        )
        out.add(f'      printf("ehttp: always {number} violated\\n"); assert(ALWAYS_{number})')
        out.add("    }")
    out.add("  /* sometimes properties: each an alternative enabled only where its goal holds */")
    for witness in witnesses:
        k, v = witness.number, variant_numbers[witness.variant]
        out.add(
            f"  :: d_step {{ c_expr {{ Witness == {k} && Variant == {v} }} && "
            f"SOMETIMES_{k} -> assert(!SOMETIMES_{k}) }}"
        )
    out.add("  od")
    out.add("}")
    macros = _shared_macros(r)
    header: list[str] = ["/* the atoms of the guards that read no instance of their own */"]
    for at, (name, atom, expansion) in enumerate(macros):
        header.append(f"/* {comment_text(atom.name)}: {comment_text(atom.text)} */")
        header.append(f"#define {name} {_use_macros(expansion, macros[at + 1 :])}")
    header.append("")
    header.append("/* the properties, in the order `ehttp check` reports them */")
    for number, variant, name, expression in always:
        where = "" if variant == LAB else f" [{variant}]"
        header.append(f"/* always {number}: {comment_text(name)}{where} */")
        header.append(f"#define ALWAYS_{number} ({expression})")
    for witness, expression in zip(witnesses, goals, strict=True):
        where = "" if witness.variant == LAB else f" [{witness.variant}]"
        header.append(f"/* sometimes {witness.number}: {comment_text(witness.name)}{where} */")
        header.append(f"#define SOMETIMES_{witness.number} ({expression})")
    header.append("")
    at = process_line - 1
    out.lines[at:] = [_use_macros(line, macros) for line in out.lines[at:]]
    header = [
        _use_macros(line, macros)
        if line.startswith(("#define ALWAYS", "#define SOMETIMES"))
        else line
        for line in header
    ]
    out.lines[at:at] = header
    shift = len(header)
    steps = {line + shift: action for line, action in steps.items()}
    return PromelaExport(
        lab=lab,
        text="\n".join(out.lines) + "\n",
        steps=steps,
        always=tuple(Numbered(number, variant, name) for number, variant, name, _ in always),
        witnesses=tuple(witnesses),
        variants=variant_numbers,
    )
