"""CORS for the endpoint: any listed origin (or "*") may GET and POST; no credentials."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, request

EXPOSED = "X-SPARQL-MaxRows, X-Iraqkg-Truncated, Retry-After"


def install_cors(app: Flask, origins: Sequence[str]) -> None:
    """Answer preflights and tag responses for ``origins``; nothing at all when empty."""
    allowed = frozenset(origins)
    if not allowed:
        return

    @app.after_request
    def _cors(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin is None:
            return response
        if "*" in allowed:
            response.headers["Access-Control-Allow-Origin"] = "*"
        elif origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.vary.add("Origin")
        else:
            return response
        response.headers["Access-Control-Expose-Headers"] = EXPOSED
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            # No credentials are ever honoured, so echoing the asked-for headers is safe.
            wanted = request.headers.get("Access-Control-Request-Headers")
            response.headers["Access-Control-Allow-Headers"] = wanted or "Accept, Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
        return response
