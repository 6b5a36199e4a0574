"""Serving the app with waitress (the default) or granian, limits from the endpoint settings.
Under granian, ``http_processes`` over 1 adds replica processes on the same port (replicas.py).

waitress reads requests on one asynchronous loop and hands only complete requests to its
threads, so a slow client holds a socket, not a thread. Three defences sit at the
connection level: at most ``max_connections`` sockets are served at once (the rest wait in
the kernel's listen queue, not in the server); a request whose headers and body are not all
in after ``request_read_timeout`` is dropped, however slowly its bytes trickle in; an idle
keep-alive connection is closed after ``idle_timeout``. Errors waitress answers itself
(a body over the limit, a malformed request line) get the same JSON shape as the app's.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from typing import Any

from flask import Flask
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from iraqkg.errors import InputError
from iraqkg.settings import EndpointSettings
from iraqkg.web import close_app, replicas
from iraqkg.web.replicas import Recipe
from iraqkg.web.state import EXTENSION

log = logging.getLogger(__name__)


class JsonErrorTask(ErrorTask):
    """waitress's own error answers (413, 400...) in the endpoint's JSON error shape."""

    def execute(self) -> None:
        error = self.request.error
        code = error.reason.lower().replace(" ", "_")
        body = {"status": error.code, "error": code, "message": error.body or error.reason}
        data = (json.dumps(body, ensure_ascii=False) + "\n").encode("utf-8")
        self.status = f"{error.code} {error.reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(data)
        self.write(data)


class BoundedChannel(HTTPChannel):
    """An HTTP channel that remembers when it started reading its current request."""

    error_task_class = JsonErrorTask
    reading_since: float | None = None

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.reading_since = time.time()
        accepted = super().received(data)
        if self.request is None:  # nothing half-read any more
            self.reading_since = None
        return accepted


def _maintenance(server: Any, read_timeout: float) -> Any:
    """waitress's idle-channel sweep, plus: drop channels still reading a request after
    ``read_timeout`` seconds (slow headers or a body that never completes)."""
    idle_sweep = server.maintenance

    def maintenance(now: float) -> None:
        idle_sweep(now)
        for channel in list(server.active_channels.values()):
            since = getattr(channel, "reading_since", None)
            if since is not None and not channel.requests and now - since > read_timeout:
                log.info("dropping a client that took over %g s to send a request", read_timeout)
                channel.will_close = True

    return maintenance


def make_server(app: Flask, settings: EndpointSettings, **overrides: Any) -> Any:
    """A waitress server bound to settings.host:settings.port (port 0: any free port)."""
    from waitress import create_server

    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "threads": settings.threads,
        # The app refuses bodies over max_request_bytes with its JSON 413; waitress's own
        # limit is a little higher so that the app's answer is the one clients see.
        "max_request_body_size": settings.max_request_bytes + 65536,
        "ident": "iraqkg",
        "channel_timeout": int(settings.idle_timeout),
        "connection_limit": settings.max_connections,
        # Sweep for idle and slow channels every second (waitress's default is 30 s).
        "cleanup_interval": 1,
        # Lets the app see a client disconnect (environ["waitress.client_disconnected"]).
        "channel_request_lookahead": 1,
        "clear_untrusted_proxy_headers": True,
    }
    options.update(overrides)
    server = create_server(app, **options)
    if settings.base_url is None and settings.port == 0:  # now the port is known
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        app.extensions[EXTENSION].endpoint_url = f"http://{host}:{server.effective_port}/sparql"
    server.channel_class = BoundedChannel  # one listen address: a single TcpWSGIServer
    server.maintenance = _maintenance(server, settings.request_read_timeout)
    return server


def _stop_on_sigterm() -> None:
    """SIGTERM (systemd, Docker) stops the server like Ctrl-C: workers are killed too."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def serve(app: Flask, settings: EndpointSettings, recipe: Recipe | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then stop the query workers. With
    ``http_processes`` over 1 (granian), ``recipe`` makes the other processes' apps."""
    if settings.http_server == "granian":
        started = replicas.start(recipe) if recipe is not None else []
        try:
            serve_granian(app, settings)
        finally:
            replicas.stop(started)
        return
    server = make_server(app, settings)
    _stop_on_sigterm()
    try:
        log.info("SPARQL endpoint on http://%s:%s/sparql", settings.host, server.effective_port)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        close_app(app)


def granian_server(app: Flask, settings: EndpointSettings) -> Any:
    """granian's embedded server (in this process, on an asyncio loop) in front of the app
    through the RSGI bridge (rsgi.py): HTTP in Rust, bodies read on the loop."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server.embed import Server

    from iraqkg.web.rsgi import RsgiBridge

    return Server(
        RsgiBridge(app, settings),
        address=settings.host,
        port=settings.port,
        interface=Interfaces.RSGI,
        http=HTTPModes.http1,
        websockets=False,
        backlog=settings.max_connections,
        # requests in Python at once: those past it wait in granian, not on our threads
        backpressure=settings.max_connections,
        http1_settings=HTTP1Settings(
            header_read_timeout=int(settings.request_read_timeout * 1000), keep_alive=True
        ),
        log_level=LogLevels.warning,
    )


def serve_granian(app: Flask, settings: EndpointSettings) -> None:
    """Run granian until SIGINT or SIGTERM, then stop the query workers."""
    import asyncio

    server = granian_server(app, settings)
    server.workers_kill_timeout = 5  # granian waits for requests in flight: not forever

    def stop() -> None:
        # the query workers first, as waitress's shutdown does: requests still waiting on
        # one get their error now, and granian's graceful stop has nothing left to wait for
        close_app(app)
        server.stop()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop)
        await server.serve()

    run = _loop_runner(settings.event_loop)
    try:
        log.info("SPARQL endpoint on http://%s:%s/sparql (granian, %s loop)", settings.host,
                 settings.port, run.__module__.split(".")[0])  # fmt: skip
        run(main())
    finally:
        close_app(app)


def _loop_runner(choice: str) -> Any:
    """``asyncio.run`` or ``uvloop.run``: uvloop's loop costs less per request (a cache hit
    is all loop work: bench/results/http.md)."""
    import asyncio

    if choice in ("auto", "uvloop"):
        try:
            import uvloop
        except ImportError:
            if choice == "uvloop":
                raise InputError("event_loop=uvloop needs uvloop: pip install uvloop") from None
        else:
            return uvloop.run
    return asyncio.run
