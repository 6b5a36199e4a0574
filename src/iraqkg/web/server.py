"""Serving the app with waitress, limits taken from the endpoint settings."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from iraqkg.settings import EndpointSettings
from iraqkg.web import close_app

log = logging.getLogger(__name__)


def make_server(app: Flask, settings: EndpointSettings, **overrides: Any) -> Any:
    """A waitress server bound to settings.host:settings.port (port 0: any free port)."""
    from waitress import create_server

    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "threads": settings.threads,
        "max_request_body_size": settings.max_request_bytes,
        "ident": "iraqkg",
        # Clients that go away should not keep a thread: drop idle connections.
        "channel_timeout": max(30, int(settings.query_timeout) * 2),
        "clear_untrusted_proxy_headers": True,
    }
    options.update(overrides)
    return create_server(app, **options)


def serve(app: Flask, settings: EndpointSettings) -> None:
    """Serve until interrupted, then stop the query workers."""
    server = make_server(app, settings)
    try:
        log.info("SPARQL endpoint on http://%s:%s/sparql", settings.host, server.effective_port)
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        close_app(app)
