"""`ehttp explore`: the site in a browser, clicked through as in the console, with the model
answering at every step.

`adapter` is the one module that calls into the rest of the package (worlds, steps, properties,
`whatif`, `diagnose`, `scenarios`); `place` keeps the whole state in the URL; `console` builds
the console view; `app` is the Starlette application; `server` serves it on 127.0.0.1 with
uvicorn; `tracefile` opens a trace of `ehttp check --json`.
"""

from ehttp.explore.adapter import example_lab_names, lab_by_name, read_lab_file
from ehttp.explore.app import LOOPBACK_HOSTS, create_app
from ehttp.explore.place import Place, lab_parameter
from ehttp.explore.server import HOST, PortError, bind, serve
from ehttp.explore.tracefile import TraceError, trace_place

__all__ = [
    "HOST",
    "LOOPBACK_HOSTS",
    "Place",
    "PortError",
    "TraceError",
    "bind",
    "create_app",
    "example_lab_names",
    "lab_by_name",
    "lab_parameter",
    "read_lab_file",
    "serve",
    "trace_place",
]
