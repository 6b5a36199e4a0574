"""The app under granian, a Rust HTTP server, through its RSGI interface.

Why RSGI, not granian's WSGI: under WSGI granian calls the app before the body has
arrived, so a client trickling its body holds a Python thread (measured: four such clients
stalled a two-thread server for as long as they kept trickling). Here a request's body is
read on the event loop, within ``max_request_bytes`` and ``request_read_timeout``, before
any thread is involved. A repeated query is answered from the response cache on the loop
itself: one dictionary lookup and one write. Any other query to /sparql is answered on the
loop too, with no thread: the request read as QueryOperation reads it, the task sent to a
query worker and its reply awaited on the worker's pipe (``ProcessPool.arun``), so a short
query costs no thread hand-off either way (the README's HTTP benchmark notes). Everything
else (pages, the service description, the editor) goes to the WSGI app (QueryOperation,
Flask) on one of ``threads`` request threads.

HTTP parsing, keep-alive and the header read timeout are granian's (server.py sets them
from the endpoint settings). One difference from waitress: RSGI takes a status code, not
a status line, so a 422's reason phrase is the standard one (the JSON body still says
the limit).
"""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from granian.rsgi import ProtocolClosed

from iraqkg.settings import EndpointSettings
from iraqkg.web.cache import KEY_HEADERS, LOOKED_UP, cacheable
from iraqkg.web.errors import ApiError, error_body, from_exception
from iraqkg.web.executor import run_async
from iraqkg.web.protocol import read_request
from iraqkg.web.query_operation import (
    CLIENT_GONE,
    PATHS,
    answer_headers,
    error_answer,
    query_task,
    reply_answer,
    wants_page,
)
from iraqkg.web.state import EXTENSION

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_KEYED = ("host", "accept", "origin", "content-type")  # cache.py's _KEY_HEADERS, in order
_SPECIAL = {"content-type": "CONTENT_TYPE", "content-length": "CONTENT_LENGTH"}


def _error(status: int, code: str, message: str) -> tuple[int, list, bytes]:
    body = error_body(ApiError(status, code, message))
    return status, [("content-type", "application/json"), ("connection", "close")], body


class RsgiBridge:
    """An RSGI application (``__rsgi__``) serving a WSGI app; see the module docstring."""

    def __init__(self, app: Any, settings: EndpointSettings) -> None:
        self._app = app
        self._state = app.extensions[EXTENSION]
        self._limit = settings.max_request_bytes
        self._read_timeout = settings.request_read_timeout
        self._threads = ThreadPoolExecutor(settings.threads, thread_name_prefix="iraqkg-request")
        host, _, port = settings.endpoint_url.split("//", 1)[1].split("/", 1)[0].rpartition(":")
        self._server = (host or "localhost", port or "80")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cors = frozenset(settings.cors_origins)

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        # the app (and its query workers) belongs to the caller, who closes it
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":  # websockets: not served
            proto.close(1003)
            return
        loop = self._loop or asyncio.get_running_loop()
        body = b""
        if scope.method in _BODY_METHODS:
            try:
                async with asyncio.timeout(self._read_timeout):  # a timer, not a task
                    body = await self._read_body(scope, proto)
            except ProtocolClosed:  # the client left while sending
                return
            except TimeoutError:
                proto.response_bytes(*_error(408, "request_timeout", (
                    f"the request was not all in after {self._read_timeout:g} s")))  # fmt: skip
                return
            except _TooLarge:
                proto.response_bytes(*_error(413, "request_entity_too_large", (
                    f"the body is over {self._limit} bytes (max_request_bytes)")))  # fmt: skip
                return
        cache = self._state.response_cache
        keyed = _key_headers(scope.headers)
        if cache is not None:
            hit = cache.lookup(scope.method, scope.path, scope.query_string, body, keyed)
            if hit is not None:
                status, headers, answer = hit
                proto.response_bytes(int(status[:3]), headers, answer)
                return
        query = scope.path in PATHS and scope.method in ("GET", "POST")
        if query and await self._query(scope, proto, body, keyed):
            return
        environ = self._environ(scope, body, proto, loop)
        environ[LOOKED_UP] = cache is not None
        try:
            await self._answer(environ, proto, loop)
        finally:
            environ[CLIENT_GONE].stop()

    async def _query(self, scope: Any, proto: Any, body: bytes, keyed: tuple) -> bool:
        """Answer a query request on the loop (see the module docstring); False when it is
        not one (no query: the description; a browser: the editor), for the app."""
        method, accept = scope.method, keyed[1]
        state = self._state
        request = {"REQUEST_METHOD": method, "QUERY_STRING": scope.query_string,
                   "CONTENT_TYPE": keyed[3]}  # fmt: skip
        keep = False
        try:
            wanted = read_request(request, self._limit, lambda: body)
            if wanted.query is None or (method == "GET" and wants_page(accept, wanted.formats)):
                return False
            task = query_task(state, wanted, accept)
            try:
                reply = await run_async(state.executor, task, proto.client_disconnect)
            except Exception as exc:
                raise from_exception(exc, state.settings.query_timeout) from exc
            answer = reply_answer(state, reply)
            keep = cacheable(task.query)
        except ApiError as error:
            answer = error_answer(error)
        except Exception as exc:  # a bug: the same logged 500 as the app's handler gives
            answer = error_answer(from_exception(exc))
        headers = answer_headers(answer, self._cors, keyed[2], method,
                                 scope.headers.get("access-control-request-headers"))  # fmt: skip
        proto.response_bytes(int(answer.status[:3]), headers, answer.body)
        if keep and state.response_cache is not None:
            state.response_cache.keep(method, scope.query_string, body, keyed,
                                      (answer.status, headers, answer.body))  # fmt: skip
        return True

    async def _answer(self, environ: dict[str, Any], proto: Any, loop: Any) -> None:
        status, headers, chunks = await loop.run_in_executor(self._threads, self._call, environ)
        if isinstance(chunks, list):
            proto.response_bytes(status, headers, b"".join(chunks))
            return
        transport = proto.response_stream(status, headers)
        try:
            while True:
                chunk = await loop.run_in_executor(self._threads, next, chunks, None)
                if chunk is None:
                    break
                if chunk:
                    await transport.send_bytes(chunk)
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                await loop.run_in_executor(self._threads, close)

    async def _read_body(self, scope: Any, proto: Any) -> bytes:
        declared = scope.headers.get("content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > self._limit:
                if int(declared) <= 2 * self._limit:
                    await _drain(proto)
                raise _TooLarge
            return await proto()  # at most the declared length: read in one go, in Rust
        parts, size = [], 0  # chunked: counted as it comes (a body is iterated only once)
        async for chunk in proto:
            size += len(chunk)
            if size > 2 * self._limit:  # see _drain
                raise _TooLarge
            if size <= self._limit:
                parts.append(chunk)
        if size > self._limit:
            raise _TooLarge
        return b"".join(parts)

    def _environ(self, scope: Any, body: bytes, proto: Any, loop: Any) -> dict[str, Any]:
        client, _, client_port = scope.client.rpartition(":")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": scope.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": scope.path,
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": self._server[0],
            "SERVER_PORT": self._server[1],
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": client,
            "REMOTE_PORT": client_port,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
            CLIENT_GONE: _DisconnectWatch(proto, loop),
        }
        for name, value in scope.headers.items():
            key = _SPECIAL.get(name) or "HTTP_" + name.upper().replace("-", "_")
            environ[key] = f"{environ[key]}, {value}" if key in environ else value
        if scope.method in _BODY_METHODS:
            environ["CONTENT_LENGTH"] = str(len(body))
        return environ

    def _call(self, environ: dict[str, Any]) -> tuple[int, list, Iterable[bytes]]:
        captured: list = []

        def start_response(status: str, headers: list, exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return lambda data: None  # the legacy write(): unused by this app

        chunks = self._app(environ, start_response)
        if isinstance(chunks, list):
            return int(captured[0][:3]), captured[1], chunks
        iterator = iter(chunks)
        first = next(iterator, None)  # start_response may come with the first chunk
        status, headers = int(captured[0][:3]), captured[1]
        return status, headers, _Chained(first, iterator, chunks)


def _key_headers(headers: Any) -> tuple[str | None, ...]:
    """The headers ResponseCache keys on, as the WSGI environ would hold them (repeated
    headers joined)."""
    found: dict[str, str] = {}
    for name, value in headers.items():
        if name in KEY_HEADERS:
            found[name] = f"{found[name]}, {value}" if name in found else value
    return tuple(found.get(name) for name in KEY_HEADERS)


async def _drain(proto: Any) -> None:
    """Read a refused body to its end (its declared length, at most twice the limit). A
    client that writes its whole body before reading (urllib, most libraries) would
    otherwise meet a closed socket and report a broken pipe, never the 413; a body over
    twice the limit is not worth reading, and its client gets the close."""
    async for _ in proto:
        pass


class _TooLarge(Exception):
    pass


class _Chained:
    """The rest of a WSGI answer after its first chunk, with the original's close()."""

    def __init__(self, first: bytes | None, rest: Any, original: Any) -> None:
        self._first = first
        self._rest = rest
        self._original = original

    def __iter__(self) -> _Chained:
        return self

    def __next__(self) -> bytes:
        if self._first is not None:
            first, self._first = self._first, None
            return first
        return next(self._rest)

    def close(self) -> None:
        close = getattr(self._original, "close", None)
        if close is not None:
            close()


class _DisconnectWatch:
    """``environ[CLIENT_GONE]``: called from a request thread, True once the client has
    gone. Costs nothing until first called (a query that has run for 0.1 s), when it asks
    the loop to watch the connection."""

    def __init__(self, proto: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._proto = proto
        self._loop = loop
        self._gone = threading.Event()
        self._watch_future: Any = None

    def __call__(self) -> bool:
        if self._watch_future is None:
            self._watch_future = asyncio.run_coroutine_threadsafe(self._watch(), self._loop)
        return self._gone.is_set()

    def stop(self) -> None:
        """The answer is sent: stop watching (on the loop's thread)."""
        if self._watch_future is not None:
            self._watch_future.cancel()

    async def _watch(self) -> None:
        await self._proto.client_disconnect()
        self._gone.set()
