"""Serving the explorer: uvicorn on 127.0.0.1, on a free port unless one is given.

The socket is bound here, before the server starts, so the printed URL names the port the
server really listens on, and a port already in use is a one-line error before anything runs.
uvicorn handles Ctrl-C: it stops the server and raises the signal again, which the command turns
into exit 130. A shell starts a background command with SIGINT ignored, and uvicorn would then
raise it into nothing; the explorer is stopped by SIGINT however it was started, so it restores
Python's own handler first.
"""

from __future__ import annotations

import signal
import socket
import threading
import webbrowser
from collections.abc import Callable

import uvicorn

from ehttp.explore.app import create_app

__all__ = ["HOST", "PortError", "bind", "serve"]

HOST = "127.0.0.1"
"""The only address the explorer listens on (loopback)."""


class PortError(OSError):
    """The port can't be listened on (one line naming it and what to do)."""


def bind(port: int | None) -> socket.socket:
    """A listening socket on `HOST`, at `port` or at a free port the system picks."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port or 0))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise PortError(
            f"--port: {port} can't be listened on at {HOST} ({error.strerror or error}); give "
            "another port, or leave --port out for a free one"
        ) from None
    return sock


def serve(
    sock: socket.socket,
    start: str,
    *,
    open_browser: bool,
    say: Callable[[str], None],
) -> None:
    """Serve the explorer on `sock` until Ctrl-C; say its URL (the place `start`) first, and
    open it in the default browser unless told not to."""
    port = sock.getsockname()[1]
    url = f"http://{HOST}:{port}{start}"
    config = uvicorn.Config(create_app(start), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    say(f"ehttp explore: {url}")
    say("press Ctrl-C to stop")
    if open_browser:

        def opener() -> None:
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                webbrowser.open(url)

        threading.Thread(target=opener, daemon=True).start()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
    server.run(sockets=[sock])
