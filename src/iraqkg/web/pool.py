"""Query worker processes that can be killed: the only way to really stop a query.

pyoxigraph's ``Store.query`` takes no timeout and a Python thread cannot be stopped, so each
query runs in a worker process holding its own engine. A request thread borrows an idle
worker, sends it the task and waits at most ``query_timeout``; past that the worker is
killed (SIGKILL) and a replacement is started in the background while the other workers
keep answering. A request that waits longer than ``queue_timeout`` for a free worker gets
503 busy.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from iraqkg.engines import Engine, EngineUnavailable, QueryTimeout
from iraqkg.settings import EndpointSettings
from iraqkg.web.errors import WorkersBusy
from iraqkg.web.executor import EngineInfo
from iraqkg.web.tasks import Reply, Task

log = logging.getLogger(__name__)
# Loading a large dataset can take a while; a worker that is not ready by then is broken.
STARTUP_TIMEOUT = 600.0
_RESTART_DELAYS = (0.0, 1.0, 5.0, 30.0)


def _child_env() -> dict[str, str]:
    # The worker must import what the parent imports, however the parent's path was set.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


class Worker:
    """One worker subprocess and the parent's ends of its two pipes."""

    def __init__(self, factory: Callable[[], Engine], allowlist: tuple[str, ...]) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "iraqkg.web.worker", str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w),
                env=_child_env(),
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.outbox = Connection(to_child_w, readable=False)
        self.inbox = Connection(from_child_r, writable=False)
        self.outbox.send((factory, allowlist))

    def wait_ready(self, timeout: float) -> EngineInfo:
        if not self.inbox.poll(timeout):
            raise EngineUnavailable(f"query worker not ready after {timeout:g} s")
        try:
            status, payload = self.inbox.recv()
        except (EOFError, OSError):
            raise EngineUnavailable("query worker died while loading the dataset") from None
        if status != "ready":
            raise EngineUnavailable(f"query worker failed to start: {payload}")
        return payload

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(5)
        self.inbox.close()
        self.outbox.close()

    def stop(self) -> None:
        """Ask the worker to finish, kill it if it does not."""
        try:
            self.outbox.send(None)
            self.process.wait(2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        self.kill()


class ProcessPool:
    """A fixed number of query worker processes; see the module docstring."""

    def __init__(self, factory: Callable[[], Engine], settings: EndpointSettings) -> None:
        self._factory = factory
        self._settings = settings
        self._allowlist = tuple(settings.service_allowlist)
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[Worker] = set()
        self._closed = False
        self._stats = {"timeouts": 0, "restarts": 0, "busy": 0}
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
        worker = Worker(self._factory, self._allowlist)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: Worker) -> None:
        """Kill a worker and start its replacement in the background."""
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        if not self._closed:
            threading.Thread(target=self._replace, name="iraqkg-replace", daemon=True).start()

    def _replace(self) -> None:
        for delay in _RESTART_DELAYS:
            time.sleep(delay)
            if self._closed:
                return
            worker = self._start()
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

    def run(self, task: Task) -> Reply:
        if self._closed:
            raise EngineUnavailable("the query pool is closed")
        try:
            worker = self._idle.get(timeout=self._settings.queue_timeout)
        except queue.Empty:
            self._stats["busy"] += 1
            raise WorkersBusy(
                f"all {self._settings.workers} query workers stayed busy for "
                f"{self._settings.queue_timeout:g} s; try again"
            ) from None
        try:
            worker.outbox.send(task)
            if not worker.inbox.poll(self._settings.query_timeout):
                self._stats["timeouts"] += 1
                self._retire(worker)
                raise QueryTimeout(f"query exceeded {self._settings.query_timeout:g} s")
            status, payload = worker.inbox.recv()
        except (EOFError, OSError):
            self._retire(worker)
            raise EngineUnavailable("the query worker died; it is being replaced") from None
        self._idle.put(worker)
        if status == "ok":
            return payload
        raise payload

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
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop()
