"""Queries known to be cheap, run in the server process: no worker round trip.

A query runs in a worker process so that it can be killed (pool.py): pyoxigraph takes no
timeout and a thread cannot be stopped. For a short lookup that safety is most of the cost:
sending the task, waking a worker and reading its reply cost the event loop about three
times what the query costs pyoxigraph (py-spy, the README's HTTP notes). But the store of
one build never changes, so what a query costs is a property of its text: a task that a
worker answered within ``fast_lane_ms`` of CPU time (its own engine work, not the wait for
a worker nor a loaded machine's queue for a core) is remembered, and when it is asked
again it runs on the server's own engine, in the calling thread (granian's event loop, or
a request thread under waitress; pyoxigraph releases the GIL while it evaluates). Its
answer is computed afresh every time: this decides where a query runs, never what it
answers (the caches are cache.py's and kept_answers.py's).

What may be remembered: a task that succeeded in a worker (so it neither crashed a worker
nor hit a limit), whose answer depends on nothing but the data (``stable_answer``: no
SERVICE, NOW(), RAND()...), on the embedded Oxigraph engine (a remote store's time is the
network's). The key is the whole task, its text without trailing comment lines (a comment
appended to defeat caches changes nothing the engine does); with a triple-quoted string in
the query the text is taken as it is. A run on the lane that takes longer than the limit
sends the task back to the workers. The server's engine is opened the first time a task is
remembered, in the background: start-up is unchanged, and until it is open tasks go to the
workers. With ``store=memory`` it is one more copy of the dataset in the server process,
so there the lane is used only for datasets up to ``MEMORY_STORE_BYTES`` (``fits``): at
1000x the seed, two workers and a third copy would not fit in 24 GiB. With ``store=disk``
the lane's engine opens the same on-disk store read-only, at any size. ``fast_lane_ms=0``
turns the lane off.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from iraqkg.engines import Engine
from iraqkg.engines.policy import stable_answer, without_trailing_comments
from iraqkg.settings import EndpointSettings
from iraqkg.web.executor import Executor, run_async
from iraqkg.web.tasks import Reply, Task, run_task

log = logging.getLogger(__name__)
_REMEMBERED = 10_000  # most task keys kept
# Largest dataset (bytes of N-Quads) the lane loads into the server's memory (store=memory):
# the seed's is a few MB; 100x the seed about 700 MB in files and more in memory.
MEMORY_STORE_BYTES = 256 * 2**20


def fits(settings: EndpointSettings, files: Iterable[Path] | None) -> bool:
    """Whether the lane may open its engine: Oxigraph, and on disk or a small dataset."""
    if not settings.fast_lane_ms or settings.engine != "oxigraph":
        return False
    if settings.store == "disk" or files is None:
        return True
    return sum(Path(f).stat().st_size for f in files) <= MEMORY_STORE_BYTES


def lane_key(task: Task) -> tuple:
    """The task, its query without trailing comment lines."""
    return (without_trailing_comments(task.query), *task[1:])


class FastLane:
    """Wraps the process pool; see the module docstring."""

    def __init__(self, inner: Executor, factory: Callable[[], Engine],
                 settings: EndpointSettings) -> None:  # fmt: skip
        self._inner = inner
        self.info = inner.info
        self._factory = factory
        self._limit = settings.fast_lane_ms / 1000
        self._allowlist = tuple(settings.service_allowlist)
        self._known: OrderedDict[tuple, None] = OrderedDict()
        self._engine: Engine | None = None
        self._opening = False
        self._closed = False
        self._lock = threading.Lock()
        self._stats = {"remembered": 0, "answered": 0, "sent_back": 0}

    @property
    def uncached(self) -> Executor:
        """The pool underneath (probes must reach a worker)."""
        return getattr(self._inner, "uncached", self._inner)

    def run(self, task: Task, cancelled: Callable[[], bool] | None = None) -> Reply:
        key = lane_key(task)
        reply = self._on_lane(key, task)
        if reply is None:
            reply = self._inner.run(task, cancelled)
            self._learn(key, task, reply)
        return reply

    async def arun(self, task: Task, gone: Callable[[], Awaitable[Any]] | None = None) -> Reply:
        key = lane_key(task)
        reply = self._on_lane(key, task)
        if reply is None:
            reply = await run_async(self._inner, task, gone)
            self._learn(key, task, reply)
        return reply

    def _on_lane(self, key: tuple, task: Task) -> Reply | None:
        engine = self._engine
        if engine is None or key not in self._known:
            return None
        # run_task raises what a worker would have sent back (EngineError, NotAcceptable).
        # The text without its trailing comments (key[0]) means the same, and its checks
        # are cached (policy.check_query) where the unique comments would miss every time.
        reply = run_task(engine, task._replace(query=key[0]), self._allowlist)
        with self._lock:
            self._stats["answered"] += 1
            if reply.cpu_seconds > self._limit:  # over one build it should not: cheap to check
                self._known.pop(key, None)
                self._stats["sent_back"] += 1
        return reply

    def _learn(self, key: tuple, task: Task, reply: Reply) -> None:
        if reply.cpu_seconds > self._limit or not stable_answer(task.query):
            return
        with self._lock:
            if key not in self._known:
                self._stats["remembered"] += 1
            self._known[key] = None
            while len(self._known) > _REMEMBERED:
                self._known.popitem(last=False)
            if self._engine is not None or self._opening or self._closed:
                return
            self._opening = True
        threading.Thread(target=self._open, name="iraqkg-fast-lane", daemon=True).start()

    def _open(self) -> None:
        began = time.perf_counter()
        try:
            engine = self._factory()
        except Exception as exc:  # the workers still answer everything
            log.error("the fast lane's engine did not open (%s); queries stay on workers", exc)
            return
        with self._lock:
            if self._closed:
                engine.close()
                return
            self._engine = engine
        log.info("fast lane open in %.2f s", time.perf_counter() - began)

    def status(self) -> dict[str, Any]:
        with self._lock:
            lane = {**self._stats, "known": len(self._known), "open": self._engine is not None,
                    "limit_ms": self._limit * 1000}  # fmt: skip
        return {**self._inner.status(), "fast_lane": lane}

    def close(self) -> None:
        with self._lock:
            self._closed = True
            engine, self._engine = self._engine, None
        self._inner.close()
        if engine is not None:
            engine.close()
