"""CORS for the endpoint: any listed origin (or "*") may GET and POST; no credentials."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask, Response, request

EXPOSED = "X-SPARQL-MaxRows, X-Iraqkg-Truncated, Retry-After"


def cors_headers(
    allowed: frozenset[str], origin: str | None, method: str, asked_headers: str | None
) -> list[tuple[str, str]]:
    """The CORS headers for one request (none for an origin not allowed). Without Flask, so
    the query operation answered outside it (query_operation.py) says the same."""
    if origin is None or not allowed:
        return []
    if "*" in allowed:
        headers = [("Access-Control-Allow-Origin", "*")]
    elif origin in allowed:
        headers = [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
    else:
        return []
    headers.append(("Access-Control-Expose-Headers", EXPOSED))
    if method == "OPTIONS":
        headers += [
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
            # No credentials are ever honoured, so echoing the asked-for headers is safe.
            ("Access-Control-Allow-Headers", asked_headers or "Accept, Content-Type"),
            ("Access-Control-Max-Age", "600"),
        ]
    return headers


def install_cors(app: Flask, origins: Sequence[str]) -> None:
    """Answer preflights and tag responses for ``origins``; nothing at all when empty."""
    allowed = frozenset(origins)
    if not allowed:
        return

    @app.after_request
    def _cors(response: Response) -> Response:
        headers = cors_headers(
            allowed,
            request.headers.get("Origin"),
            request.method,
            request.headers.get("Access-Control-Request-Headers"),
        )
        for name, value in headers:
            if name == "Vary":
                response.vary.add(value)
            else:
                response.headers[name] = value
        return response
