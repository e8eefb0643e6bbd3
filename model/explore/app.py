"""The explorer's web application (Starlette): the console page, its forms, and the JSON API.

Routes, every one a GET whose answer depends only on the URL (`model/explore/place.py`):
- `/`: the console view of a place; `/apply`: the site properties form (Apply), answered with a
  redirect to the place after the administrator's actions it implies; `/run`: "let the site run",
  a redirect to where the site settles, or a choice when it may settle in several worlds;
  `/whatif`, `/diagnose`: `ehttp whatif`'s and `ehttp diagnose`'s answers on a page;
- `/api/state`, `/api/run`: the console view and the settled outcomes as JSON
  (`specs/schemas/explore.json`); `/api/whatif`, `/api/diagnose`: exactly what
  `ehttp whatif --json` and `ehttp diagnose --json` print (`specs/schemas/whatif.json`,
  `specs/schemas/diagnose.json`);
- `/static/`: the stylesheet, served from the package (the page loads nothing from elsewhere).

Safe by default: a request whose Host header is not the loopback address the server listens on
is refused (Starlette's `TrustedHostMiddleware`), so a web page elsewhere can't reach the
explorer through DNS rebinding; every response forbids framing and loading anything from other
origins. Templates escape every value (Jinja2 autoescaping): lab, site system and client names
are data, never markup. Model computations run one at a time (the model's memos are not
thread-safe).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ehttp.explore.adapter import (
    InputError,
    diagnose_answer,
    run_outcomes,
    site_view,
    tokens_along,
    whatif_answer,
)
from ehttp.explore.console import state_document
from ehttp.explore.place import Place, PlaceError, Walk, place_from_query, walk

__all__ = ["LOOPBACK_HOSTS", "create_app"]

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
"""The Host header values the explorer answers (it listens on 127.0.0.1 only)."""

_HERE = Path(__file__).resolve().parent
_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]
_LOCK = threading.Lock()


class _SafeHeaders:
    """Adds the headers of `_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_HEADERS]
            await send(message)

        await self.app(scope, receive, sending)


def _tool_version() -> str:
    try:
        return version("ehttp")
    except PackageNotFoundError:
        return "unknown"


def _envelope(command: str, lab: str, verdict: str, body: dict[str, Any]) -> dict[str, Any]:
    """The commands' JSON envelope (`model/cli/output.py`), then the body."""
    return {"command": command, "version": _tool_version(), "lab": lab, "verdict": verdict, **body}


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["capitalize_first"] = lambda text: str(text)[:1].upper() + str(text)[1:]
    return env


def _params(request: Request) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        found.setdefault(key, []).append(value)
    return found


def create_app(start: str = "/") -> Starlette:
    """The explorer's application; `start` is the URL the printed link opens (a place)."""
    env = _templates()

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(start=start, **context), status)

    def problem(request: Request, error: Exception) -> Response:
        message = str(error)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=400)
        return page("problem.html", 400, message=message, home=start)

    def guarded(
        handler: Callable[[Request, Place, Walk], Response], *extra: str
    ) -> Callable[..., Any]:
        async def endpoint(request: Request) -> Response:
            try:
                with _LOCK:
                    place = place_from_query(_params(request), frozenset(extra))
                    return handler(request, place, walk(place))
            except (PlaceError, *InputError) as error:
                return problem(request, error)

        return endpoint

    def console(request: Request, place: Place, found: Walk) -> Response:
        return page(
            "console.html",
            state=state_document(place, found),
            fields=parse_qsl(place.query()),
            query=place.query(),
        )

    def api_state(request: Request, place: Place, found: Walk) -> Response:
        body = state_document(place, found)
        return JSONResponse(_envelope("explore", found.lab.name, "info", body))

    def apply(request: Request, place: Place, found: Walk) -> Response:
        tokens = _settings_tokens(request, found)
        return RedirectResponse(place.then(tokens).url() if tokens else place.url(), 303)

    def outcomes(place: Place, found: Walk) -> list[dict[str, Any]]:
        return [
            {
                "healthy": o.healthy,
                "because": list(o.because),
                "fault": list(o.fault),
                "settles_between_minutes": list(o.minutes),
                "steps": list(o.texts),
                "url": place.then(o.tokens).url() if o.tokens else place.url(),
            }
            for o in run_outcomes(found.lab, found.here)
        ]

    def run(request: Request, place: Place, found: Walk) -> Response:
        found_outcomes = outcomes(place, found)
        if len(found_outcomes) == 1:
            return RedirectResponse(found_outcomes[0]["url"], 303)
        return page("run.html", outcomes=found_outcomes, back=place.url(), lab_name=found.lab.name)

    def api_run(request: Request, place: Place, found: Walk) -> Response:
        body = {"kind": "run", "url": place.url(), "outcomes": outcomes(place, found)}
        return JSONResponse(_envelope("explore", found.lab.name, "info", body))

    def whatif_body(request: Request, found: Walk) -> tuple[str, dict[str, Any]]:
        actions = request.query_params.getlist("do")
        if not actions:
            raise PlaceError("do: no action given; give do=ACTION (an id of ehttp whatif --list)")
        return whatif_answer(found.lab, found.here, actions)

    def whatif(request: Request, place: Place, found: Walk) -> Response:
        answer, body = whatif_body(request, found)
        actions = request.query_params.getlist("do")
        return page(
            "whatif.html",
            answer=answer,
            body=body,
            lab_name=found.lab.name,
            do_url=place.then(actions).url(),
            back=place.url(),
        )

    def api_whatif(request: Request, place: Place, found: Walk) -> Response:
        answer, body = whatif_body(request, found)
        verdict = "pass" if answer == "answered" else "fail"
        return JSONResponse(
            _envelope("whatif", found.lab.name, verdict, {**body, "answer": answer})
        )

    def diagnose_body(request: Request, found: Walk) -> tuple[str, dict[str, Any]]:
        symptom = request.query_params.get("symptom")
        if not symptom:
            raise PlaceError("symptom: none given; give symptom=SYMPTOM (see the symptom list)")
        return diagnose_answer(found.lab, symptom, start=found.here)

    def diagnose(request: Request, place: Place, found: Walk) -> Response:
        answer, body = diagnose_body(request, found)
        causes = [
            _cause_links(found, place, body["symptom"], number, cause)
            for number, cause in enumerate(body["causes"], 1)
        ]
        return page(
            "diagnose.html",
            answer=answer,
            body=body,
            causes=causes,
            lab_name=found.lab.name,
            back=place.url(),
            here=place,
        )

    def api_diagnose(request: Request, place: Place, found: Walk) -> Response:
        answer, body = diagnose_body(request, found)
        verdict = "fail" if answer == "no cure" else "pass"
        return JSONResponse(
            _envelope("diagnose", found.lab.name, verdict, {**body, "answer": answer})
        )

    routes = [
        Route("/", guarded(console)),
        Route("/apply", guarded(apply, "communication", "enhanced")),
        Route("/run", guarded(run)),
        Route("/whatif", guarded(whatif, "do")),
        Route("/diagnose", guarded(diagnose, "symptom")),
        Route("/api/state", guarded(api_state)),
        Route("/api/run", guarded(api_run)),
        Route("/api/whatif", guarded(api_whatif, "do")),
        Route("/api/diagnose", guarded(api_diagnose, "symptom")),
        Mount("/static", StaticFiles(directory=_HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(LOOPBACK_HOSTS)),
        Middleware(_SafeHeaders),
    ]
    return Starlette(routes=routes, middleware=middleware)


def _settings_tokens(request: Request, found: Walk) -> list[str]:
    """The administrator's actions the site properties form asks for, in the seed's order:
    turning the option on comes after selecting HTTPS or HTTP ("Select the option for HTTPS or
    HTTP and then enable the option"); turning it off comes before selecting HTTPS only."""
    site = site_view(found.model, found.here)
    wanted = request.query_params.get("communication", site["client_communication"])
    if wanted not in ("https-only", "https-or-http"):
        raise PlaceError(
            f"communication: {wanted[:40]!r} is not accepted; use https-only or https-or-http"
        )
    enhanced = request.query_params.get("enhanced") == "on"
    if not site["option_offered"]:
        enhanced = False
    select = [] if wanted == site["client_communication"] else [f"select-{wanted}"]
    if enhanced == site["enhanced_http"]:
        return select
    toggle = ["enable-enhanced-http" if enhanced else "disable-enhanced-http"]
    return select + toggle if enhanced else toggle + select


def _cause_links(
    found: Walk, place: Place, symptom: str, number: int, cause: dict[str, Any]
) -> dict[str, Any]:
    """A cause of `ehttp diagnose` (searched from the world the path has reached) as a trace to
    follow in the explorer from that place: its plan is the path so far, then the cause's steps."""
    tokens = tokens_along(found.model, found.here, [s["state"] for s in cause["trace"]])
    done = tuple(token for click in place.clicks for token in click)
    follow = Place(
        place.lab, place.start, place.clicks, f"{symptom}: cause {number}", (*done, *tokens)
    )
    return {"follow_url": follow.url(), "end_url": follow.then(tokens).url() if tokens else None}
