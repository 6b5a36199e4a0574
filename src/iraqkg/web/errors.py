"""Every error the endpoint answers has one shape: a JSON object with a stable structure.

    {"status": 400, "error": "syntax_error", "message": "line 1, column 8: ...", "line": 1,
     "column": 8, "detail": "the parser's own message"}

``error`` is a stable machine-readable code; ``message`` is for people. Status codes:
400 malformed request or query, or query refused (SERVICE not allowed...); 403 update on
this read-only endpoint; 404; 405 method; 406 no acceptable format; 413 body too large;
414 query string too long; 415 wrong or missing Content-Type or charset; 422 answer over
the row limit or the byte cap (never cut silently); 502 an allowlisted SERVICE failed or
answered garbage; 503 timeout, busy or engine unavailable; 500 only for a bug.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from iraqkg.engines.errors import (
    AnswerTooLarge,
    EngineError,
    EngineUnavailable,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
    ServiceFailed,
)
from iraqkg.web.negotiation import NotAcceptable

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answer, raised anywhere in a request and rendered by the app's handler."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        reason: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.reason = reason  # the status line's phrase, when the standard one says too little
        self.extra = extra


class WorkersBusy(EngineError):
    """Every query worker stayed busy for longer than the queue timeout."""


class ClientGone(EngineError):
    """The client disconnected while its query ran; the query was stopped."""


def status_line(status: int, reason: str | None = None) -> str:
    """The status line as Werkzeug writes it (its reason phrases are upper case)."""
    return f"{status} {reason or HTTP_STATUS_CODES.get(status, 'unknown').upper()}"


def error_body(error: ApiError) -> bytes:
    body = {"status": error.status, "error": error.code, "message": error.message}
    body.update({k: v for k, v in error.extra.items() if v is not None})
    return (json.dumps(body, ensure_ascii=False) + "\n").encode("utf-8")


def error_response(error: ApiError) -> Response:
    response = Response(
        error_body(error),
        status=status_line(error.status, error.reason),
        content_type="application/json",
    )
    response.headers.update(error.headers)
    return response


def from_exception(exc: BaseException, timeout: float | None = None) -> ApiError:
    """The ApiError for an engine (or negotiation) failure."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, QuerySyntaxError):
        return ApiError(
            400,
            "syntax_error",
            exc.message,
            line=exc.line,
            column=exc.column,
            detail=getattr(exc, "detail", None),
        )
    if isinstance(exc, QueryRefused):
        return ApiError(403 if exc.code == "read_only" else 400, exc.code, exc.message)
    if isinstance(exc, NotAcceptable):
        return ApiError(406, "not_acceptable", exc.message, available=list(exc.available))
    if isinstance(exc, AnswerTooLarge):
        return ApiError(422, "answer_too_large", exc.message, limit=exc.limit)
    if isinstance(exc, ServiceFailed):
        return ApiError(502, "service_failed", exc.message)
    if isinstance(exc, QueryTimeout):
        limit = f" of {timeout:g} s" if timeout else ""
        return ApiError(503, "timeout", f"query stopped: it exceeded the time limit{limit}")
    if isinstance(exc, ClientGone):  # nobody reads this answer
        return ApiError(503, "client_gone", exc.message)
    if isinstance(exc, WorkersBusy):
        return ApiError(503, "busy", exc.message, headers={"Retry-After": "1"})
    if isinstance(exc, EngineUnavailable):
        return ApiError(503, "engine_unavailable", exc.message, headers={"Retry-After": "1"})
    log.error("internal error", exc_info=exc)
    return ApiError(500, "internal_error", "internal error (logged on the server)")


def install_error_handlers(app: Flask) -> None:
    """Render ApiError, engine errors and Werkzeug's HTTP errors in the one shape."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        code = (error.name or "error").lower().replace(" ", "_")
        api = ApiError(error.code or 500, code, error.description or error.name)
        response = error_response(api)
        if getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        return error_response(from_exception(error))
