"""What every view needs: settings, the executor that runs queries, and build info."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from iraqkg.queries import NamedQuery
from iraqkg.settings import EndpointSettings
from iraqkg.web.executor import Executor

EXTENSION = "iraqkg"


@dataclass
class AppState:
    settings: EndpointSettings
    executor: Executor
    info: dict[str, Any] = field(default_factory=dict)
    # (name, SPARQL text) pairs for the editor's examples, parameter defaults spelled out.
    named_queries: list[tuple[str, str]] = field(default_factory=list)
    # The named queries by name: the /questions pages.
    questions: dict[str, NamedQuery] = field(default_factory=dict)
    # The whole-response cache in front of the app (None when the cache is off).
    response_cache: Any = None
    # The public /sparql URL (base IRI, service description): settings.endpoint_url, made
    # exact by the server once it knows its port; never taken from a request's Host.
    endpoint_url: str = ""

    def __post_init__(self) -> None:
        self.endpoint_url = self.endpoint_url or self.settings.endpoint_url

    def close(self) -> None:
        self.executor.close()


def current_state() -> AppState:
    return current_app.extensions[EXTENSION]
