"""More than one HTTP process on one port, under granian: the ``http_processes`` setting.

Why: granian's embedded server runs the app on one event loop in one process, and the fast
lane and the answer cache answer on that loop, so one process tops out near one core while
the other sits idle (bench/results/http.md). Each further process is a replica of the
first: its own app, query workers, fast lane and answer cache, made from the same settings
and the same engine recipe (already prepared: a disk store is written once, a remote store
uploaded once), listening on the same address. granian binds with SO_REUSEPORT on Linux, so
the kernel spreads new connections over the processes. They share nothing else: a replica
that dies takes only its own connections with it, and each has its own ``workers`` query
workers (a slow query holds a worker of one process, not of all).

A replica is a plain subprocess, as a query worker is (worker_pipe.py): it asks Linux to
kill it when the server dies before importing anything, and reads its recipe from stdin.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, replace
from typing import Any

from iraqkg.settings import EndpointSettings
from iraqkg.web.worker_pipe import child_env

# python -c BOOT PARENT_PID; the recipe (a pickled Recipe) comes on stdin.
BOOT = """\
import os, signal, sys
if sys.platform.startswith("linux"):
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    os._exit(1)
from iraqkg.web.replicas import main
main()
"""


@dataclass(frozen=True)
class Recipe:
    """What a replica needs to make the same app as the first process."""

    settings: EndpointSettings
    factory: Any  # the prepared, picklable EngineFactory
    info: dict[str, Any]


def reserve_port(settings: EndpointSettings) -> tuple[EndpointSettings, socket.socket | None]:
    """With port 0 and replicas, pick the port now so every process binds the same one.
    The socket that found it stays bound (never listening, so it takes no connections)
    until the server stops, so nothing else can take the port meanwhile."""
    if settings.http_processes == 1 or settings.port != 0:
        return settings, None
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    holder = socket.socket(family, socket.SOCK_STREAM)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind((settings.host, 0))
    return replace(settings, port=holder.getsockname()[1]), holder


def start(recipe: Recipe) -> list[subprocess.Popen]:
    """Start ``http_processes - 1`` replicas; each serves until the server stops."""
    env = child_env()  # what a query worker gets: the parent's import path
    payload = pickle.dumps(recipe)
    started = []
    for _ in range(recipe.settings.http_processes - 1):
        process = subprocess.Popen(
            [sys.executable, "-c", BOOT, str(os.getpid())], stdin=subprocess.PIPE, env=env
        )
        assert process.stdin is not None
        process.stdin.write(payload)
        process.stdin.close()
        started.append(process)
    return started


def stop(processes: list[subprocess.Popen], timeout: float = 10.0) -> None:
    """SIGTERM each replica (a graceful stop, as for the first process), SIGKILL stragglers."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    """A replica's life: read the recipe, make the app, serve until SIGTERM."""
    from iraqkg.web import create_app
    from iraqkg.web.server import serve_granian

    logging.basicConfig(level=logging.WARNING)
    recipe: Recipe = pickle.loads(sys.stdin.buffer.read())
    app = create_app(recipe.settings, recipe.factory, recipe.info)
    serve_granian(app, recipe.settings)
