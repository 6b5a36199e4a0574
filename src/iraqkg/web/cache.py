"""Answers to repeated queries, kept in memory: the dataset does not change while served.

Keyed by the whole task (query, bound parameters, dataset, Accept, format, row cap, base
IRI), bounded in bytes, least recently used first out. Queries whose answer can change
without the data changing are never kept: SERVICE calls (the remote data moves) and NOW(),
RAND(), UUID(), STRUUID(), BNODE() (a new value each time).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

from iraqkg.engines.policy import may_call_service
from iraqkg.web.executor import Executor
from iraqkg.web.tasks import Reply, Task

_VOLATILE = re.compile(r"\b(now|rand|uuid|struuid|bnode)\s*\(", re.IGNORECASE)
# One answer may take at most this share of the cache, so a few big ones cannot flush it.
_LARGEST_SHARE = 8


def cacheable(query: str) -> bool:
    return not may_call_service(query) and not _VOLATILE.search(query)


class CachingExecutor:
    """Wraps an executor; see the module docstring."""

    def __init__(self, inner: Executor, max_bytes: int) -> None:
        self._inner = inner
        self.info = inner.info
        self._max_bytes = max_bytes
        self._entries: OrderedDict[Task, Reply] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def run(self, task: Task) -> Reply:
        with self._lock:
            reply = self._entries.get(task)
            if reply is not None:
                self._entries.move_to_end(task)
                self._hits += 1
                return reply
            self._misses += 1
        reply = self._inner.run(task)
        size = len(reply.body)
        if size <= self._max_bytes // _LARGEST_SHARE and cacheable(task.query):
            with self._lock:
                if task not in self._entries:
                    self._entries[task] = reply
                    self._bytes += size
                while self._bytes > self._max_bytes:
                    _, dropped = self._entries.popitem(last=False)
                    self._bytes -= len(dropped.body)
        return reply

    def status(self) -> dict[str, Any]:
        with self._lock:
            cache = {"entries": len(self._entries), "bytes": self._bytes,
                     "hits": self._hits, "misses": self._misses}  # fmt: skip
        return {**self._inner.status(), "cache": cache}

    def close(self) -> None:
        self._inner.close()
