"""The query worker process: ``python -m iraqkg.web.worker READ_FD WRITE_FD PARENT_PID``.

A plain subprocess rather than multiprocessing, so a worker never re-imports the parent's
main module and starts the same way under any launcher. The parent sends, over the pipe,
the engine factory and the SERVICE allowlist, then one Task at a time (None to stop); the
worker answers ("ready", EngineInfo) or ("failed", message) once, then ("ok", Reply) or
("error", exception) per task.
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

from iraqkg.engines.errors import EngineError
from iraqkg.web.executor import EngineInfo
from iraqkg.web.negotiation import NotAcceptable
from iraqkg.web.tasks import run_task

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def serve_tasks(inbox: Connection, outbox: Connection) -> None:
    """A worker's life: open the engine, say ready, answer tasks until told to stop."""
    try:
        factory, allowlist = inbox.recv()
        engine = factory()
        outbox.send(("ready", EngineInfo(engine.name, engine.counts())))
    except BaseException as exc:  # report any failure to the parent rather than vanish
        outbox.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            task = inbox.recv()
        except (EOFError, OSError):  # the parent went away
            return
        if task is None:
            engine.close()
            return
        try:
            reply: tuple[str, Any] = ("ok", run_task(engine, task, allowlist))
        except (EngineError, NotAcceptable) as exc:
            reply = ("error", exc)
        except Exception as exc:  # a bug: keep the worker, report a 500
            traceback.print_exc()
            reply = ("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
        outbox.send(reply)


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
