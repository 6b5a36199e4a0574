"""Where queries run: in the request thread (InlineExecutor) or in worker processes (pool).

The app talks only to this interface, so the way queries are isolated can change without
touching a view.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from iraqkg.engines import Engine
from iraqkg.settings import EndpointSettings
from iraqkg.web.tasks import Reply, Task, run_task


@dataclass(frozen=True)
class EngineInfo:
    """What /healthz and the service description say about the engine."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)


class Executor(Protocol):
    info: EngineInfo

    def run(self, task: Task, cancelled: Callable[[], bool] | None = None) -> Reply:
        """Answer ``task``; ``cancelled()`` True means the client went away: stop early."""
        ...

    def status(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


async def run_async(
    executor: Executor, task: Task, gone: Callable[[], Awaitable[Any]] | None = None
) -> Reply:
    """Answer ``task`` on the running event loop: with the executor's own ``arun`` when it
    has one (the process pool awaits its worker's pipe, no thread), else on a thread.
    ``gone()``: an awaitable that ends when the client has gone."""
    arun = getattr(executor, "arun", None)
    if arun is not None:
        return await arun(task, gone)
    return await asyncio.to_thread(executor.run, task, None)


class InlineExecutor:
    """Runs each query in the calling thread on one shared engine.

    No hard timeout is possible here (a thread cannot be killed): use it for tests and
    embedding; the server uses the process pool.
    """

    def __init__(self, engine: Engine, settings: EndpointSettings) -> None:
        self._engine = engine
        self._allowlist = tuple(settings.service_allowlist)
        self.info = EngineInfo(engine.name, engine.counts())

    def run(self, task: Task, cancelled: Callable[[], bool] | None = None) -> Reply:
        return run_task(self._engine, task, self._allowlist)

    def status(self) -> dict[str, Any]:
        return {"mode": "inline"}

    def close(self) -> None:
        """The engine belongs to the caller, who closes it."""
