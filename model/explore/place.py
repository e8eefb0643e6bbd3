"""Where the explorer is, as a URL: the lab, the world it starts from, the clicks so far and,
when a trace is followed, the trace's steps. The server keeps nothing else (only caches), so a
reloaded or shared link reproduces the world.

Query parameters (each value is text the page escapes wherever it shows it):
- `lab`: the embedded default lab or an example lab by name (`default`, `enhanced-off`), or a lab
  carried in the link itself, `toml:` then its lab-file text deflated and in URL-safe base64;
  that text is read by the same loader as a lab file given to any command;
- `from`: the world the path starts from, `instance:state` or `instance:state@minutes` joined by
  commas (every instance but the clock); absent: the lab's steady state;
- `s`: one per click, in order: the click's step tokens joined by commas (an administrator action
  as `ehttp whatif --do` names it, or a site's step as `model/explore/adapter.py` names it);
- `trace` and `plan`: a trace being followed (its property's name, its step tokens from `from`).
"""

from __future__ import annotations

import base64
import binascii
import threading
import zlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from ehttp.explore.adapter import (
    DEFAULT,
    QUANTUM_MINUTES,
    InputError,
    Lab,
    Move,
    World,
    WorldModel,
    example_lab_names,
    lab_by_name,
    lab_from_text,
    lab_text,
    model_of,
    steady,
    take,
    world_from_json,
    world_json,
)

__all__ = [
    "MAX_CLICKS",
    "MAX_PARAMETER",
    "MAX_TOKENS",
    "Place",
    "PlaceError",
    "Walk",
    "lab_parameter",
    "place_from_query",
    "walk",
    "world_parameter",
]

MAX_CLICKS = 500
"""The longest path a link may carry (clicks)."""
MAX_TOKENS = 400
"""The most steps one click (or a followed trace) may carry."""
MAX_PARAMETER = 65_536
"""The longest value of any one query parameter (characters)."""
_INLINE = "toml:"


class PlaceError(ValueError):
    """A link that names no place of the model (one line: the parameter, the value, what is
    accepted)."""


@dataclass(frozen=True)
class Place:
    """A place in the explorer: everything the URL holds."""

    lab: str = DEFAULT
    start: str | None = None
    clicks: tuple[tuple[str, ...], ...] = ()
    trace: str | None = None
    plan: tuple[str, ...] = field(default=())

    def query(self) -> str:
        """The URL's query string (without `?`)."""
        items: list[tuple[str, str]] = [("lab", self.lab)]
        if self.start is not None:
            items.append(("from", self.start))
        items += [("s", ",".join(click)) for click in self.clicks]
        if self.trace is not None:
            items += [("trace", self.trace), ("plan", ",".join(self.plan))]
        return urlencode(items)

    def url(self, route: str = "/") -> str:
        """The place at `route` (the page `/`, or an API route)."""
        return f"{route}?{self.query()}"

    def then(self, tokens: Sequence[str]) -> Place:
        """The place after one more click of `tokens` (a trace stays followed while the path
        keeps to it)."""
        clicks = (*self.clicks, tuple(tokens))
        flat = [t for click in clicks for t in click]
        if self.trace is not None and flat == list(self.plan[: len(flat)]):
            return Place(self.lab, self.start, clicks, self.trace, self.plan)
        return Place(self.lab, self.start, clicks)

    def prefix(self, count: int) -> Place:
        """The place after the first `count` clicks (undo, or a step of the timeline)."""
        return Place(self.lab, self.start, self.clicks[:count], self.trace, self.plan)


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name, ())
    if len(values) > 1:
        raise PlaceError(f"{name}: given {len(values)} times; give it once")
    if values and len(values[0]) > MAX_PARAMETER:
        raise PlaceError(f"{name}: longer than {MAX_PARAMETER:,} characters")
    return values[0] if values else None


def _tokens(name: str, text: str) -> tuple[str, ...]:
    tokens = tuple(t.strip() for t in text.split(",")) if text.strip() else ()
    if len(tokens) > MAX_TOKENS:
        raise PlaceError(f"{name}: {len(tokens):,} steps; at most {MAX_TOKENS:,} are accepted")
    if any(not t for t in tokens):
        raise PlaceError(f"{name}: {text[:80]!r} has an empty step; join step tokens with commas")
    return tokens


_KNOWN = frozenset({"lab", "from", "s", "trace", "plan"})


def place_from_query(
    params: Mapping[str, Sequence[str]], extra: frozenset[str] = frozenset()
) -> Place:
    """The place a URL's query names (parameters as lists of values, in order); `extra` names
    the parameters a route reads besides the place's own."""
    known = _KNOWN | extra
    unknown = sorted(set(params) - known)
    if unknown:
        raise PlaceError(f"{unknown[0][:40]}: is not accepted here; use {', '.join(sorted(known))}")
    clicks = params.get("s", ())
    if len(clicks) > MAX_CLICKS:
        raise PlaceError(f"s: {len(clicks):,} clicks; at most {MAX_CLICKS:,} are accepted")
    for number, click in enumerate(clicks, 1):
        if len(click) > MAX_PARAMETER:
            raise PlaceError(f"s[{number}]: longer than {MAX_PARAMETER:,} characters")
    trace, plan = _one(params, "trace"), _one(params, "plan")
    if (trace is None) != (plan is None):
        raise PlaceError("trace: give trace and plan together (a followed trace needs both)")
    return Place(
        lab=_one(params, "lab") or DEFAULT,
        start=_one(params, "from"),
        clicks=tuple(_tokens(f"s[{n}]", c) for n, c in enumerate(clicks, 1)),
        trace=trace,
        plan=_tokens("plan", plan) if plan is not None else (),
    )


def lab_parameter(lab: Lab, name: str | None) -> str:
    """The `lab` parameter for `lab`: its name when it is the default or an example lab given
    by name, else the lab itself, carried in the link."""
    if name is not None:
        return name
    packed = zlib.compress(lab_text(lab).encode("utf-8"), 9)
    return _INLINE + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


_LIMIT_BYTES = 1_048_576


def _lab(parameter: str) -> Lab:
    if not parameter.startswith(_INLINE):
        if parameter not in example_lab_names():
            raise PlaceError(
                f"lab: {parameter[:80]!r} is not accepted; use one of "
                f"{', '.join(example_lab_names())}, or a lab carried as {_INLINE}..."
            )
        return lab_by_name(parameter)
    encoded = parameter[len(_INLINE) :]
    try:
        padded = (encoded + "=" * (-len(encoded) % 4)).encode("ascii")
        packed = base64.b64decode(padded, altchars=b"-_", validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _LIMIT_BYTES + 1)
        if not inflater.eof and len(raw) <= _LIMIT_BYTES:
            raise ValueError("truncated")
    except (binascii.Error, ValueError, zlib.error):
        raise PlaceError(
            "lab: the lab carried in the link is not deflated text in URL-safe base64; "
            "copy the whole link"
        ) from None
    if len(raw) > _LIMIT_BYTES or inflater.unconsumed_tail:
        raise PlaceError(f"lab: the lab carried in the link is larger than {_LIMIT_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PlaceError("lab: the lab carried in the link is not UTF-8 text") from None
    try:
        return lab_from_text(text, "the link's lab")
    except InputError as error:
        raise PlaceError(str(error)) from None


def world_parameter(model: WorldModel, world: World) -> str:
    """The `from` parameter for `world`."""
    parts = []
    for name, value in world_json(model, world).items():
        minutes = value["minutes"]
        parts.append(f"{name}:{value['state']}" + ("" if minutes is None else f"@{minutes}"))
    return ",".join(parts)


def _start(model: WorldModel, parameter: str) -> World:
    data: dict[str, object] = {}
    for part in parameter.split(","):
        name, colon, rest = part.partition(":")
        if not colon:
            raise PlaceError(
                f"from: {part[:80]!r} is not accepted; give instance:state or "
                "instance:state@minutes, joined by commas"
            )
        state, at, minutes = rest.partition("@")
        value: object = state
        if at:
            if not minutes.isdigit() or len(minutes) > 6:
                raise PlaceError(
                    f"from: {part[:80]!r}: minutes {minutes[:20]!r} is not accepted; give a "
                    f"whole number of minutes (a multiple of {QUANTUM_MINUTES})"
                )
            value = {"state": state, "minutes": int(minutes)}
        if name in data:
            raise PlaceError(f"from: {name[:80]!r} is given twice; give each instance once")
        data[name] = value
    try:
        return world_from_json(model, data, "from")
    except InputError as error:
        raise PlaceError(str(error)) from None


@dataclass(frozen=True)
class Walk:
    """A place replayed on the model: the lab, the start, and each click's moves."""

    lab: Lab
    model: WorldModel
    start: World
    clicks: tuple[tuple[Move, ...], ...]

    @property
    def moves(self) -> tuple[Move, ...]:
        """Every move of the path, in order."""
        return tuple(move for click in self.clicks for move in click)

    @property
    def worlds(self) -> tuple[World, ...]:
        """The start, then the world after each move."""
        return (self.start, *(move.after for move in self.moves))

    @property
    def here(self) -> World:
        """The world the path has reached."""
        return self.worlds[-1]

    @property
    def minutes(self) -> int:
        """Minutes since the start: the clock's steps on the path."""
        return QUANTUM_MINUTES * sum(move.tick for move in self.moves)


_CACHE: OrderedDict[tuple[str, str | None, tuple[tuple[str, ...], ...]], Walk] = OrderedDict()
_CACHE_SIZE = 2048
_LOCK = threading.Lock()


def walk(place: Place) -> Walk:
    """Replay `place` on the model (from the longest prefix already replayed)."""
    key = (place.lab, place.start, place.clicks)
    with _LOCK:
        done = len(place.clicks)
        while done >= 0 and (place.lab, place.start, place.clicks[:done]) not in _CACHE:
            done -= 1
        if done < 0:
            lab = _lab(place.lab)
            model = model_of(lab)
            start = steady(lab) if place.start is None else _start(model, place.start)
            found = Walk(lab, model, start, ())
            _remember((place.lab, place.start, ()), found)
            done = 0
        else:
            found = _CACHE[(place.lab, place.start, place.clicks[:done])]
            _CACHE.move_to_end((place.lab, place.start, place.clicks[:done]))
        for number in range(done, len(place.clicks)):
            found = _click(found, place.clicks[number], number + 1)
            _remember((place.lab, place.start, place.clicks[: number + 1]), found)
        assert (place.lab, place.start, place.clicks) == key
        return found


def _click(found: Walk, tokens: tuple[str, ...], number: int) -> Walk:
    world = found.here
    moves = []
    for token in tokens:
        try:
            move = take(found.model, world, token)
        except InputError as error:
            raise PlaceError(f"s[{number}]: {error}") from None
        moves.append(move)
        world = move.after
    return Walk(found.lab, found.model, found.start, (*found.clicks, tuple(moves)))


def _remember(key: tuple[str, str | None, tuple[tuple[str, ...], ...]], found: Walk) -> None:
    _CACHE[key] = found
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
