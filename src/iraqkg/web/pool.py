"""Query worker processes that can be killed: the only way to really stop a query.

pyoxigraph's ``Store.query`` takes no timeout and a Python thread cannot be stopped, so each
query runs in a worker process holding its own engine. A request borrows an idle worker
(``run`` on a request thread, ``arun`` on granian's event loop: one line of waiters for
both, handoff.py), sends it the task and waits at most ``query_timeout``; past that, or as
soon as the client has gone away, the worker is killed (SIGKILL) and a replacement is started in the
background while the other workers keep answering. A request that waits longer than
``queue_timeout`` for a free worker gets 503 busy.

Workers die with the server: each asks Linux for SIGKILL when its parent dies (prctl
PR_SET_PDEATHSIG, which fires when the *thread* that started it ends, so every worker is
started by one thread that lives as long as the pool), and they stay in the server's
process group. A query that timed out is remembered (``slow_query_memory``): while it is,
that query (comments and spacing aside) runs on at most one worker at a time, so looping
it cannot take every worker from the cheap queries. Expensive work yields the CPU to cheap
work (see worker.py): a query running past ``demote_after`` drops to nice
``background_nice``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import queue
import subprocess
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from iraqkg.engines import Engine, EngineUnavailable, QueryTimeout
from iraqkg.engines.policy import _TOKEN
from iraqkg.settings import EndpointSettings
from iraqkg.web.errors import ClientGone, WorkersBusy
from iraqkg.web.executor import EngineInfo
from iraqkg.web.handoff import IdleWorkers
from iraqkg.web.tasks import Reply, Task, send_message
from iraqkg.web.worker import WorkerSetup
from iraqkg.web.worker_pipe import ReplyReader, Worker

log = logging.getLogger(__name__)
# Loading a large dataset can take a while; a worker that is not ready by then is broken.
STARTUP_TIMEOUT = 600.0
_RESTART_DELAYS = (0.0, 1.0, 5.0, 30.0)
# How often a waiting request checks whether its client is still connected.
_POLL_SLICE = 0.1
_REMEMBERED_SLOW = 10_000  # most timed-out query fingerprints kept
_CLOSED: Any = object()  # put in the idle queue by close()


def fingerprint(query: str) -> str:
    """The query without its comments and spacing, hashed: a trailing comment or other
    spacing does not make a known slow query new."""
    tokens = (m.group() for m in _TOKEN.finditer(query) if m.lastgroup not in ("space", "comment"))
    return hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=16).hexdigest()


class ProcessPool:
    """A fixed number of query worker processes; see the module docstring."""

    def __init__(self, factory: Callable[[], Engine], settings: EndpointSettings) -> None:
        self._factory = factory
        self._settings = settings
        self._setup = WorkerSetup(factory, tuple(settings.service_allowlist),
                                  settings.demote_after, settings.background_nice)  # fmt: skip
        self._idle = IdleWorkers()  # borrowed by request threads and the event loop
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self._closed = False
        self._stats = {"timeouts": 0, "restarts": 0, "busy": 0, "deaths": 0, "cancelled": 0,
                       "slow_refused": 0}  # fmt: skip
        # Every worker is started by this one long-lived thread (see PR_SET_PDEATHSIG).
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="iraqkg-spawner")
        self._slow: OrderedDict[str, float] = OrderedDict()
        self._slow_lane = threading.Semaphore(1)
        self._replacing = 0  # workers being replaced: the pool is below strength
        prepare = getattr(factory, "prepare", None)
        if callable(prepare):
            prepare()  # once, in the parent (e.g. upload the dataset to a remote store)
        starting = [self._start() for _ in range(settings.workers)]
        try:
            infos = [worker.wait_ready(STARTUP_TIMEOUT) for worker in starting]
        except BaseException:
            self.close()
            raise
        self.info: EngineInfo = infos[0]
        for worker in starting:
            self._idle.put(worker)

    def _start(self) -> Worker:
        worker = self._spawner.submit(Worker, self._setup).result()
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        with self._lock:
            self._workers.discard(worker)
            self._replacing += 1
        worker.kill()
        if not self._closed:
            threading.Thread(target=self._replace, name="iraqkg-replace", daemon=True).start()

    def _replace(self) -> None:
        try:
            self._replace_once()
        finally:
            with self._lock:
                self._replacing -= 1

    def _replace_once(self) -> None:
        for delay in _RESTART_DELAYS:
            time.sleep(delay)
            if self._closed:
                return
            # at normal priority: a low one measured worse (bench/results/fairness.md), as
            # the pool then serves cheap queries on one worker fewer for longer
            try:
                # a child killed before it read its setup makes the send fail: a failed start
                worker = self._start()
            except OSError as exc:
                log.error("query worker replacement failed to start: %s", exc)
                continue
            try:
                worker.wait_ready(STARTUP_TIMEOUT)
            except EngineUnavailable as exc:
                log.error("query worker replacement failed: %s", exc)
                with self._lock:
                    self._workers.discard(worker)
                worker.kill()
                continue
            self._stats["restarts"] += 1
            if self._closed:
                worker.stop()
            else:
                self._idle.put(worker)
            return
        log.critical("giving up replacing a query worker: the pool is smaller now")

    def _known_slow(self, task: Task) -> bool:
        if not self._slow:
            return False
        key = fingerprint(task.query)
        since = self._slow.get(key)
        if since is None:
            return False
        if time.monotonic() - since > self._settings.slow_query_memory:
            self._slow.pop(key, None)
            return False
        return True

    def _remember_slow(self, task: Task) -> None:
        if self._settings.slow_query_memory <= 0:
            return
        self._slow[fingerprint(task.query)] = time.monotonic()
        while len(self._slow) > _REMEMBERED_SLOW:
            self._slow.popitem(last=False)

    def run(self, task: Task, cancelled: Callable[[], bool] | None = None) -> Reply:
        if self._closed:
            raise EngineUnavailable("the query pool is closed")
        slow = self._slow_gate(task)
        try:
            return self._run(task, cancelled)
        finally:
            if slow:
                self._slow_lane.release()

    async def arun(self, task: Task, gone: Callable[[], Awaitable[Any]] | None = None) -> Reply:
        """``run`` on the event loop, no thread: the reply is awaited on the worker's pipe.
        ``gone()``: an awaitable that ends when the client has gone (watched only once a
        query has run ``_POLL_SLICE`` s)."""
        if self._closed:
            raise EngineUnavailable("the query pool is closed")
        slow = self._slow_gate(task)
        try:
            return await self._arun(task, gone)
        finally:
            if slow:
                self._slow_lane.release()

    def _slow_gate(self, task: Task) -> bool:
        """True when the task is a known slow query and may run now (it then holds the slow
        lane); WorkersBusy when it may not."""
        if not self._known_slow(task):
            return False
        # A known slow query runs only on an idle pool at full strength, one at a time: it
        # never takes a worker that other queries are using or waiting for (it would hold
        # it until the timeout), nor the last one while another is being replaced.
        if self._pool_idle() and self._slow_lane.acquire(blocking=False):
            return True
        self._stats["slow_refused"] += 1
        raise WorkersBusy(
            f"this query exceeded the time limit within the last "
            f"{self._settings.slow_query_memory:g} s; one such query runs at a time, "
            "and only while every worker is up and idle"
        )

    def _take(self) -> Worker:
        """An idle worker that is alive: one that died while idle (killed, out of memory)
        is replaced, and the query, which it never saw, goes to the next one."""
        deadline = time.monotonic() + self._settings.queue_timeout
        while True:
            try:
                worker = self._idle.get(max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise self._busy() from None
            if self._usable(worker):
                return worker

    async def _atake(self) -> Worker:
        """``_take`` on the event loop."""
        deadline = time.monotonic() + self._settings.queue_timeout
        while True:
            try:
                worker = await self._idle.aget(max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise self._busy() from None
            if self._usable(worker):
                return worker

    def _busy(self) -> WorkersBusy:
        self._stats["busy"] += 1
        return WorkersBusy(
            f"all {self._settings.workers} query workers stayed busy for "
            f"{self._settings.queue_timeout:g} s; try again"
        )

    def _usable(self, worker: Any) -> bool:
        if worker is _CLOSED:  # the pool closed while this request waited
            self._idle.put(worker)  # for the next waiter
            raise EngineUnavailable("the query pool is closed")
        if worker.alive():
            return True
        self._stats["deaths"] += 1
        log.error("query worker %s died (exit status %s) while idle; replacing it",
                  worker.process.pid, worker.process.poll())  # fmt: skip
        self._retire(worker)
        return False

    def _pool_idle(self) -> bool:
        """Every worker is up and idle, and no request is waiting for one."""
        return not self._replacing and self._idle.qsize() >= self._settings.workers

    def _none_left(self) -> None:
        with self._lock:
            none_left = not self._workers
        if none_left:  # every replacement failed: say so now rather than after queue_timeout
            raise EngineUnavailable("no query worker is running: the dataset cannot be loaded")

    def _run(self, task: Task, cancelled: Callable[[], bool] | None) -> Reply:
        self._none_left()
        worker = self._take()
        try:
            send_message(worker.outbox, task)
            reader = worker.reader()
            deadline = time.monotonic() + self._settings.query_timeout
            while not reader.feed():
                if time.monotonic() >= deadline:
                    raise self._timed_out(worker, task)
                # the client is asked only once a query has taken a slice (it costs granian)
                slice_ = min(_POLL_SLICE, max(0.0, deadline - time.monotonic()))
                if not worker.answered(slice_) and cancelled is not None and cancelled():
                    raise self._cancelled(worker)
        except (EOFError, OSError):
            raise self._died(worker) from None
        return self._reply(worker, reader)

    async def _arun(self, task: Task, gone: Callable[[], Awaitable[Any]] | None) -> Reply:
        self._none_left()
        worker = await self._atake()
        loop = asyncio.get_running_loop()
        wake = _Wake(loop)
        timer = loop.call_later(self._settings.query_timeout, wake, "timeout")
        watch = None if gone is None else loop.call_later(_POLL_SLICE, wake.watch, gone)
        try:
            send_message(worker.outbox, task)
            reader = worker.reader()
            loop.add_reader(worker.reply_fd, wake, "readable")
            try:
                while not reader.feed():
                    why = await wake.next()
                    if why == "gone":
                        raise self._cancelled(worker)
                    if why == "timeout":
                        raise self._timed_out(worker, task)
            finally:
                loop.remove_reader(worker.reply_fd)
        except (EOFError, OSError):
            raise self._died(worker) from None
        except asyncio.CancelledError:  # the request itself was cancelled: nobody waits
            self._retire(worker)
            raise
        finally:
            timer.cancel()
            if watch is not None:
                watch.cancel()
            wake.close()
        return self._reply(worker, reader)

    def _reply(self, worker: Worker, reader: ReplyReader) -> Reply:
        status, payload = reader.message()
        self._idle.put(worker)
        if status == "ok":
            return payload
        raise payload

    def _cancelled(self, worker: Worker) -> ClientGone:
        self._stats["cancelled"] += 1
        self._retire(worker)  # nobody is waiting for this answer any more
        return ClientGone("the client disconnected; its query was stopped")

    def _timed_out(self, worker: Worker, task: Task) -> QueryTimeout:
        self._stats["timeouts"] += 1
        self._remember_slow(task)
        self._retire(worker)
        return QueryTimeout(f"query exceeded {self._settings.query_timeout:g} s")

    def _died(self, worker: Worker) -> EngineUnavailable:
        self._stats["deaths"] += 1
        log.error("query worker %s died (exit status %s) while running a query; replacing it",
                  worker.process.pid, worker.process.poll())  # fmt: skip
        self._retire(worker)
        return EngineUnavailable("the query worker died; it is being replaced")

    def status(self) -> dict[str, Any]:
        with self._lock:
            alive = sum(1 for w in self._workers if w.alive())
        return {"mode": "processes", "workers": self._settings.workers, "alive": alive,
                **self._stats}  # fmt: skip

    def pids(self) -> set[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._lock:
            return {w.process.pid for w in self._workers if w.alive()}

    def close(self) -> None:
        """Stop every worker at once: they hold nothing that needs a clean exit."""
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                worker.kill()
        self._idle.put(_CLOSED)  # wakes requests waiting for a worker: none will come
        self._spawner.shutdown(wait=False)


class _Wake:
    """Why an awaited query woke: "readable" (its pipe), "timeout" or "gone" (the client).
    Plain callbacks and one future at a time: no task per query."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._future: asyncio.Future | None = None
        self._pending: list[str] = []
        self._watcher: asyncio.Task | None = None

    def __call__(self, why: str) -> None:
        if self._future is not None and not self._future.done():
            self._future.set_result(why)
        elif why not in self._pending:
            self._pending.append(why)

    async def next(self) -> str:
        if self._pending:
            return self._pending.pop(0)
        self._future = self._loop.create_future()
        return await self._future

    def watch(self, gone: Callable[[], Awaitable[Any]]) -> None:
        async def watching() -> None:
            await gone()
            self("gone")

        self._watcher = self._loop.create_task(watching())

    def close(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
