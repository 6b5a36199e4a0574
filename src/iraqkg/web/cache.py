"""Answers to repeated queries, kept in memory: the dataset does not change while served.

Keyed by the whole task (query, bound parameters, dataset, Accept, format, row cap, base
IRI), bounded in bytes, least recently used first out. Queries whose answer can change
without the data changing are never kept: SERVICE calls (the remote data moves) and NOW(),
RAND(), UUID(), STRUUID(), BNODE() (a new value each time).
"""

from __future__ import annotations

import functools
import io
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from iraqkg.engines.policy import stable_answer, without_trailing_comments
from iraqkg.web.executor import Executor, run_async
from iraqkg.web.tasks import Reply, Task

# Set in the WSGI environ by the /sparql view when its answer may be kept by ResponseCache.
CACHEABLE = "iraqkg.cacheable"
# Set by a front that already asked ResponseCache.lookup and missed (rsgi.py): not again.
LOOKED_UP = "iraqkg.cache_looked_up"
# One answer may take at most this share of the cache, so a few big ones cannot flush it.
_LARGEST_SHARE = 8


def cacheable(query: str) -> bool:
    # asked twice per query (by the executor and the front), by texts that differ only in
    # a trailing comment when a client defeats caches: cached on the text without it
    return _stable(without_trailing_comments(query))


_stable = functools.lru_cache(maxsize=256)(stable_answer)


class BoundedLru:
    """Values by key, at most ``max_bytes`` of them (each with its size), least recently
    used first out; one entry may take at most 1/_LARGEST_SHARE of it. Thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._entries: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Any) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Any, value: Any, size: int) -> None:
        if size > self._max_bytes // _LARGEST_SHARE:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (value, size)
            self._bytes += size
            while self._bytes > self._max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def status(self) -> dict[str, int]:
        with self._lock:
            return {"entries": len(self._entries), "bytes": self._bytes, "hits": self.hits,
                    "misses": self.misses}  # fmt: skip


class CachingExecutor:
    """Wraps an executor; see the module docstring."""

    def __init__(self, inner: Executor, max_bytes: int) -> None:
        self._inner = inner
        self.info = inner.info
        self._answers = BoundedLru(max_bytes)

    @property
    def uncached(self) -> Executor:
        """The executor underneath (for probes that must reach the engine)."""
        return getattr(self._inner, "uncached", self._inner)

    def run(self, task: Task, cancelled: Callable[[], bool] | None = None) -> Reply:
        reply = self._answers.get(task)
        if reply is not None:
            return reply
        reply = self._inner.run(task, cancelled)
        if cacheable(task.query):
            self._answers.put(task, reply, len(reply.body))
        return reply

    async def arun(self, task: Task, gone: Callable[[], Awaitable[Any]] | None = None) -> Reply:
        reply = self._answers.get(task)
        if reply is not None:
            return reply
        reply = await run_async(self._inner, task, gone)
        if cacheable(task.query):
            self._answers.put(task, reply, len(reply.body))
        return reply

    def status(self) -> dict[str, Any]:
        return {**self._inner.status(), "cache": self._answers.status()}

    def close(self) -> None:
        self._inner.close()


# The request headers an answer depends on, as HTTP names (the granian front reads them so)
# and as the WSGI environ keys they become.
KEY_HEADERS = ("host", "accept", "origin", "content-type")
_KEY_HEADERS = tuple(
    "CONTENT_TYPE" if h == "content-type" else "HTTP_" + h.upper() for h in KEY_HEADERS
)


def _key(environ: dict, body: bytes) -> tuple:
    return (environ["REQUEST_METHOD"], environ.get("QUERY_STRING", ""), body,
            *(environ.get(h) for h in _KEY_HEADERS))  # fmt: skip


class ResponseCache:
    """WSGI middleware: a repeated /sparql request is answered from memory, no app at all.

    The key is the raw request (method, path, query string, body and the headers the answer
    depends on), so a hit is one dictionary lookup and one write. Only 200 answers the app
    marks cacheable (``environ[CACHEABLE]``, set after the executor answered a cacheable
    query) are kept; bounded in bytes like CachingExecutor.
    """

    def __init__(self, app: Any, max_bytes: int, max_body: int, path: str = "/sparql") -> None:
        self._app = app
        self._max_body = max_body
        self._path = path
        self._answers = BoundedLru(max_bytes)  # (status, headers, body) by request key

    @property
    def hits(self) -> int:
        return self._answers.hits

    def status(self) -> dict[str, int]:
        found = self._answers.status()
        return {k: found[k] for k in ("entries", "bytes", "hits")}

    def lookup(self, method: str, path: str, query_string: str, body: bytes,
               headers: tuple[str | None, ...]) -> tuple[str, list, bytes] | None:  # fmt: skip
        """The kept answer (status, headers, body) to a request given by its parts, else
        None: the granian front asks before it builds a WSGI environ. ``headers``: the
        values of Host, Accept, Origin and Content-Type (None when absent)."""
        if path != self._path or method not in ("GET", "POST"):
            return None
        return self._answers.get((method, query_string, body if method == "POST" else b"",
                                  *headers))  # fmt: skip

    def keep(self, method: str, query_string: str, body: bytes,
             headers: tuple[str | None, ...], entry: tuple[str, list, bytes]) -> None:  # fmt: skip
        """Keep a 200 answer (status, headers, body) to the request given by its parts, as
        ``lookup`` finds it (the granian front answers queries without this middleware)."""
        body = body if method == "POST" else b""
        size = len(entry[2]) + len(body) + len(query_string)
        self._answers.put((method, query_string, body, *headers), entry, size)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if environ.get("PATH_INFO") != self._path or environ["REQUEST_METHOD"] not in (
            "GET",
            "POST",
        ):
            return self._app(environ, start_response)
        body = b""
        if environ["REQUEST_METHOD"] == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or -1)
            except ValueError:
                length = -1
            if not 0 <= length <= self._max_body:
                return self._app(environ, start_response)  # the app gives 411/413
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
        key = _key(environ, body)
        entry = None if environ.get(LOOKED_UP) else self._answers.get(key)
        if entry is not None:
            start_response(entry[0], entry[1])
            return [entry[2]]
        captured: list = []

        def capture(status: str, headers: list, exc_info: Any = None) -> Any:
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        chunks = self._app(environ, capture)
        try:
            answer = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if environ.get(CACHEABLE) and captured and captured[0].startswith("200"):
            size = len(answer) + len(key[2]) + len(key[1])
            self._answers.put(key, (captured[0], list(captured[1]), answer), size)
        return [answer]
