"""Reading a SPARQL 1.1 Protocol query request, strictly.

Parameters are decoded as UTF-8 with no replacement characters; a repeated ``query``, a
POST without a Content-Type, a charset other than UTF-8 and any update request are errors
(several popular servers accept them silently).

Reads a WSGI environ, not a framework's request, so the query operation can be answered
with or without Flask (query_operation.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.http import parse_options_header

from iraqkg.web.errors import ApiError

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}
_UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")


@dataclass(frozen=True)
class ProtocolRequest:
    """A query request; ``query`` is None when none was sent (a GET for the description)."""

    query: str | None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "bad_encoding", f"{where} is not valid UTF-8 ({exc.reason})") from None


def _params(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(_decode(raw, where), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        message = f"{where}: percent-encoded bytes are not valid UTF-8 ({exc.reason})"
        raise ApiError(400, "bad_encoding", message) from None


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _refuse_update() -> ApiError:
    return ApiError(403, "read_only", "SPARQL Update is not allowed: this endpoint is read-only")


def _check_charset(params: dict[str, str]) -> None:
    charset = params.get("charset")
    if charset is not None and charset.strip().lower() not in _UTF8:
        raise ApiError(415, "unsupported_charset", f"charset={charset} not supported: send UTF-8")


def _post_params(
    content_type: str | None, body: Callable[[], bytes], url_params: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    if not content_type:
        raise ApiError(
            415,
            "missing_content_type",
            f"a POST needs a Content-Type: {FORM} or {DIRECT}",
        )
    mimetype, options = parse_options_header(content_type)
    mimetype = mimetype.lower()
    if mimetype == UPDATE:
        raise _refuse_update()
    if mimetype not in (FORM, DIRECT):
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Content-Type {mimetype} is not accepted: use {FORM} or {DIRECT}",
        )
    _check_charset(options)
    data = body()
    if mimetype == FORM:
        return url_params + _params(data, "request body")
    if _values(url_params, "query") or _values(url_params, "update"):
        raise ApiError(
            400, "ambiguous_query", f"with {DIRECT} the query is the body, not a parameter"
        )
    return [*url_params, ("query", _decode(data, "request body"))]


def read_request(
    environ: Mapping[str, Any], max_query_string: int, body: Callable[[], bytes]
) -> ProtocolRequest:
    """The query request in a WSGI ``environ``; ``body()`` gives the request body (read
    only for a POST). Raises ApiError for anything malformed or refused."""
    # WSGI carries the query string as latin-1 text: these are its raw bytes
    query_string = environ.get("QUERY_STRING", "").encode("latin-1")
    method = environ["REQUEST_METHOD"]
    if len(query_string) > max_query_string:
        raise ApiError(
            414,
            "uri_too_long",
            f"query string longer than {max_query_string} bytes: send the query with POST",
        )
    params = _params(query_string, "query string")
    if method == "POST":
        params = _post_params(environ.get("CONTENT_TYPE"), body, params)
    if any(_values(params, name) for name in _UPDATE_PARAMS):
        raise _refuse_update()
    queries = _values(params, "query")
    formats = tuple(_values(params, "format"))
    if len(queries) > 1:
        raise ApiError(400, "repeated_query", "the query parameter is given more than once")
    if not queries:
        if method == "POST":
            raise ApiError(400, "missing_query", "no query parameter in the request")
        return ProtocolRequest(None, formats=formats)
    if not queries[0].strip():
        raise ApiError(400, "empty_query", "the query is empty")
    return ProtocolRequest(
        queries[0],
        tuple(_values(params, "default-graph-uri")),
        tuple(_values(params, "named-graph-uri")),
        formats,
    )
