"""Named queries answered from what the build kept (iraqkg.answers), no engine at all.

A task whose query text and bound terms are a named query's with its defaults (the
/questions pages and their JSON twins, the same text sent to /sparql), over the build the
answers were computed from, asked as SPARQL results JSON, within the row and byte caps, is
answered with the kept body. Everything else, and anything that goes wrong reading a kept
answer (a build pruned under the server), goes to the executor underneath.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Any

from iraqkg.answers import Answers
from iraqkg.engines.formats import find_format
from iraqkg.engines.policy import PREDEFINED, check_query
from iraqkg.settings import EndpointSettings
from iraqkg.web.executor import Executor, run_async
from iraqkg.web.negotiation import NotAcceptable, choose_format
from iraqkg.web.tasks import Reply, Task

_JSON = find_format("select", "application/sparql-results+json")


class KeptAnswersExecutor:
    """Wraps an executor; see the module docstring."""

    def __init__(self, inner: Executor, answers: Answers, settings: EndpointSettings) -> None:
        self._inner = inner
        self._answers = answers
        self._allowlist = tuple(settings.service_allowlist)
        self.info = inner.info
        self._hits = 0
        self._lock = threading.Lock()

    @property
    def uncached(self) -> Executor:
        """The executor underneath (for probes that must reach the engine)."""
        return getattr(self._inner, "uncached", self._inner)

    def run(self, task: Task, cancelled: Callable[[], bool] | None = None) -> Reply:
        reply = self._kept(task)
        if reply is None:
            return self._inner.run(task, cancelled)
        with self._lock:
            self._hits += 1
        return reply

    async def arun(self, task: Task, gone: Callable[[], Awaitable[Any]] | None = None) -> Reply:
        reply = self._kept(task)
        if reply is None:
            return await run_async(self._inner, task, gone)
        with self._lock:
            self._hits += 1
        return reply

    def _kept(self, task: Task) -> Reply | None:
        if task.default_graph_uris or task.named_graph_uris:
            return None  # another dataset than the one the answer was computed over
        kept = self._answers.find(task.query, task.bindings)
        if kept is None or (task.max_rows is not None and kept.rows > task.max_rows):
            return None
        try:
            if choose_format(kept.kind, task.accept, task.formats) is not _JSON:
                return None
        except NotAcceptable:
            return None  # the engine's path gives the 406
        # Every limit the engine's path checks (depth, allowlist): cached after the first.
        check_query(task.query, self._allowlist, "oxigraph", PREDEFINED, task.base_iri,
                    max_depth=task.max_depth)  # fmt: skip
        try:
            body = kept.body()
        except OSError:
            return None
        if task.max_bytes is not None and len(body) > task.max_bytes:
            return None  # the engine's path gives the 413
        return Reply(body, _JSON.content_type, kept.kind, kept.rows)

    def status(self) -> dict[str, Any]:
        with self._lock:
            hits = self._hits
        return {**self._inner.status(), "kept_answers": {"answers": len(self._answers),
                                                          "hits": hits}}  # fmt: skip

    def close(self) -> None:
        self._inner.close()
