"""Lab speed: concrete lab steps per second over a seeded mix, and where the time goes.

Prints figures, never asserts (STYLE rule 8).
Run: ``python benchmarks/lab_speed.py [steps] [seed]``.
Each step is one lab operation a fuzz campaign would drive: a registration (device token or
domain), a signed client notification, a content access token and the download it opens, a TLS
handshake proving a binding, a forged token, a network access account download, or a certificate
toggle. Time is booked to signing (tokens and messages made), verification (the site's checks),
TLS handshakes, or other (state changes), so the share of each shows what caching must cover.

Then the lab driver (`model/bridge/driver.py`) over a seeded walk of the abstract model's actions:
the walk alone on the model, then each of its actions enacted on the lab with the abstraction read
back (TLS-proven bindings) after every step, as the lockstep test and the fuzzer do.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from ehttp.bridge.driver import LabDriver
from ehttp.compose.world import Action, WorldModel
from ehttp.config.labfile import default_lab
from ehttp.lab.evidence import ContentToken, DeviceToken, NaaLogon
from ehttp.lab.mp import CONTENT_TOKEN_REQUEST, NOTIFICATION
from ehttp.lab.reasons import Accepted
from ehttp.lab.testbed import NAA_USER, ConcreteLab
from ehttp.lab.tls import HANDSHAKES

Book = dict[str, float]


T = TypeVar("T")


def _timed(book: Book, kind: str, action: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    book[kind] += time.perf_counter() - start
    return result


def _step(lab: ConcreteLab, rng: random.Random, book: Book) -> str:
    kind = rng.choices(
        [
            "register-device",
            "register-domain",
            "notify",
            "content",
            "tls",
            "forged",
            "naa",
            "toggle",
        ],
        weights=[15, 10, 25, 20, 15, 8, 2, 5],
    )[0]
    mp, dp = lab.mp(), lab.dp()
    aad, dom = lab.clients["aad1"], lab.clients["dom1"]
    if kind == "register-device":
        request = _timed(book, "signing", lambda: aad.request("azure-ad-device-token"))
        verdict = _timed(book, "verification", lambda: mp.register(request))
        if isinstance(verdict, Accepted):
            aad.registered(verdict.value)
    elif kind == "register-domain":
        request = _timed(book, "signing", lambda: dom.request("active-directory"))
        verdict = _timed(book, "verification", lambda: mp.register(request))
        if isinstance(verdict, Accepted):
            dom.registered(verdict.value)
    elif kind == "notify":
        message = _timed(book, "signing", lambda: dom.message(NOTIFICATION, b"restart"))
        _timed(book, "verification", lambda: mp.notify(message))
    elif kind == "content":
        message = _timed(book, "signing", lambda: aad.message(CONTENT_TOKEN_REQUEST, b"dp1"))
        token = _timed(book, "signing", lambda: mp.content_token(message))
        if isinstance(token, Accepted):
            credential = ContentToken(token.value)
            _timed(book, "verification", lambda: dp.download("PS100001", credential))
    elif kind == "tls":
        system = lab.certificates.systems[rng.choice(["mp1", "dp1"])]
        _timed(book, "tls", lambda: system.prove(lab.trusted_roots))
    elif kind == "forged":
        request = _timed(book, "signing", lambda: aad.request("azure-ad-device-token"))
        forged = replace(request, evidence=DeviceToken(lab.tenant.user_token("a@contoso.com")))
        _timed(book, "verification", lambda: mp.register(forged))
    elif kind == "naa":
        _timed(book, "verification", lambda: dp.download("PS1", NaaLogon(NAA_USER, lab.naa_secret)))
    else:
        manager = lab.certificates
        action = rng.choice([manager.enable, manager.disable, lambda: manager.work("mp1")])
        _timed(book, "other", action)
    return kind


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    base = default_lab()
    lab_config = replace(
        base,
        distribution_points=tuple(
            replace(dp, network_access_account=True) for dp in base.distribution_points
        ),
    )
    start = time.perf_counter()
    lab = ConcreteLab(lab_config, seed)
    lab.register("aad1", "azure-ad-device-token")
    lab.register("dom1", "active-directory")
    build = time.perf_counter() - start
    rng = random.Random(seed)
    book: Book = defaultdict(float)
    kinds: Counter[str] = Counter()
    start = time.perf_counter()
    for _ in range(steps):
        kinds[_step(lab, rng, book)] += 1
    elapsed = time.perf_counter() - start
    print(f"seed {seed}: {steps} lab steps in {elapsed:.2f} s = {steps / elapsed:.0f} steps/s")
    print(f"lab build (keys, certificates, first registrations): {build * 1000:.0f} ms")
    for kind in ("signing", "verification", "tls", "other"):
        print(f"  {kind:<13} {book[kind]:6.2f} s  {100 * book[kind] / elapsed:5.1f}% of step time")
    print("  mix: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    driver_speed(steps, seed)


def _walk(steps: int, seed: int) -> tuple[list[Action], float]:
    model = WorldModel(default_lab())
    rng = random.Random(seed)
    world = model.initial
    actions: list[Action] = []
    start = time.perf_counter()
    for _ in range(steps):
        action = rng.choice(list(model.actions(world)))
        world = model.next_state(world, action)
        actions.append(action)
    return actions, time.perf_counter() - start


def driver_speed(steps: int, seed: int) -> None:
    """Driver steps/s (step + abstraction) beside the model's steps/s on the same walk."""
    actions, model_seconds = _walk(steps, seed)
    driver = LabDriver(default_lab(), seed)
    before = HANDSHAKES.copy()
    start = time.perf_counter()
    for action in actions:
        driver.step(action)
        driver.abstraction()
    lab_seconds = time.perf_counter() - start
    done = HANDSHAKES - before
    print(
        f"seed {seed}: walk of {steps} actions on the default lab: "
        f"driver {steps / lab_seconds:.0f} steps/s (step + abstraction, "
        f"{done.total() / steps:.2f} TLS handshakes per step: {done['full']} full, "
        f"{done['resumed']} resumed, {done['cached']} cached), "
        f"model {steps / model_seconds:.0f} steps/s"
    )


if __name__ == "__main__":
    main()
