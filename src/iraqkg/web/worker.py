"""The query worker process, started by ``worker_pipe.BOOT`` with READ_FD WRITE_FD PARENT_PID.

A plain subprocess rather than multiprocessing, so a worker never re-imports the parent's
main module and starts the same way under any launcher. The parent sends, over the pipe,
the engine factory, the SERVICE allowlist and the demotion settings, then one Task at a
time (None to stop); the worker answers ("ready", EngineInfo) or ("failed", message) once,
then ("ok", Reply) or ("error", exception) per task.

CPU priority, so that cheap queries are not slowed by expensive ones on the same cores. On
Linux a nice value belongs to a thread, and an unprivileged process can lower a thread's
priority but never raise it again, so nothing here ever needs to raise one: a query runs
on a query thread, which reads the pipe itself; a watchdog raises that thread's nice value
to ``background_nice`` once a query has run ``demote_after`` seconds (the query finishes,
or is killed at the timeout, at that priority), and the next task gets a fresh thread at
normal priority.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from iraqkg.engines import Engine
from iraqkg.engines.errors import EngineError
from iraqkg.web.executor import EngineInfo
from iraqkg.web.negotiation import NotAcceptable
from iraqkg.web.tasks import Task, run_task, send_message

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass(frozen=True)
class WorkerSetup:
    """What the parent sends a new worker first."""

    factory: Any  # a picklable callable returning an Engine
    allowlist: tuple[str, ...]
    demote_after: float  # seconds a query runs at normal priority
    background_nice: int  # nice value of demoted queries (0: never demoted)


def answer(engine: Engine, task: Task, allowlist: tuple[str, ...]) -> tuple[str, Any]:
    """One task's reply message; a failure is reported, never raised."""
    try:
        return ("ok", run_task(engine, task, allowlist))
    except (EngineError, NotAcceptable) as exc:
        return ("error", exc)
    except Exception as exc:  # a bug: keep the worker, report a 500
        traceback.print_exc()
        return ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))


def demote(thread: threading.Thread, nice: int) -> bool:
    """Lower one thread's CPU priority (Linux: the nice value is per thread)."""
    tid = thread.native_id
    if tid is None or not sys.platform.startswith("linux"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, tid, nice)
    except OSError:  # the thread has just finished, or the platform says no
        return False
    return True


class QueryThread:
    """Reads tasks from the pipe and answers them, one at a time, with no hand-off on the
    way (a cheap query pays no extra thread switch). A watchdog on the thread that started
    it (normal priority) looks every ``demote_after / 2`` seconds and demotes it when its
    task has run past ``demote_after``; a demoted query thread finishes its task, answers,
    and leaves the pipe to a fresh one the watchdog starts, since its own priority cannot be
    raised again. The watchdog polls rather than being woken per task: waking it twice a
    task cost a short query more than the query."""

    def __init__(self, inbox: Connection, outbox: Connection, engine: Engine,
                 setup: WorkerSetup) -> None:  # fmt: skip
        self._io = (inbox, outbox, engine, setup)
        self._lock = threading.Lock()  # a task's end against its demotion
        self._current: tuple[int, float] | None = None  # (task number, monotonic start)
        self._demoted = False
        self.done = threading.Event()  # the pipe closed or the parent said stop
        self.thread = threading.Thread(target=self._loop, name="iraqkg-query", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        inbox, outbox, engine, setup = self._io
        count = 0
        while True:
            try:
                task = inbox.recv()
            except (EOFError, OSError):  # the parent went away
                task = None
            if task is None:
                self.done.set()
                engine.close()
                return
            count += 1
            self._current = (count, time.monotonic())
            reply = answer(engine, task, setup.allowlist)
            with self._lock:
                self._current = None
                demoted = self._demoted
            send_message(outbox, reply)
            if demoted:
                return  # the watchdog starts the next query thread

    def watch(self) -> bool:
        """Until this thread ends: demote it when a task runs too long. True when a new
        query thread is needed (it was demoted), False when the worker is done."""
        _, _, _, setup = self._io
        tried = 0  # the task last tried: a failed demotion is not retried for it
        while not self.done.wait(setup.demote_after / 2):
            with self._lock:
                current = self._current
                if current is None or current[0] == tried:
                    continue
                if time.monotonic() - current[1] < setup.demote_after:
                    continue
                tried = current[0]
                # under the lock, so the task cannot end between the check and the demotion
                self._demoted = demote(self.thread, setup.background_nice)
            if self._demoted:
                self.thread.join()
                return True
        return False


def serve_tasks(inbox: Connection, outbox: Connection) -> None:
    """A worker's life: open the engine, say ready, answer tasks until told to stop."""
    try:
        setup: WorkerSetup = inbox.recv()
        engine = setup.factory()
        info = EngineInfo(engine.name, engine.counts())
    except BaseException as exc:  # report any failure to the parent rather than vanish
        outbox.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    outbox.send(("ready", info))
    _answer_tasks(inbox, outbox, engine, setup)


def _answer_tasks(inbox: Connection, outbox: Connection, engine: Engine, setup: WorkerSetup):
    if not setup.background_nice:  # no priorities: answer on this thread
        while True:
            try:
                task = inbox.recv()
            except (EOFError, OSError):  # the parent went away
                return
            if task is None:
                engine.close()
                return
            send_message(outbox, answer(engine, task, setup.allowlist))
    # Query threads are started here, on a thread that is never demoted: each starts at
    # normal priority.
    while QueryThread(inbox, outbox, engine, setup).watch():
        pass


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies, however it dies (SIGKILL
    included), and exit now if it already has. Elsewhere: the pipe's EOF ends the loop."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if len(argv) > 2:
        die_with_parent(int(argv[2]))
    read_fd, write_fd = int(argv[0]), int(argv[1])
    serve_tasks(Connection(read_fd, writable=False), Connection(write_fd, readable=False))


if __name__ == "__main__":
    main(sys.argv[1:])
