"""/limits: what a client of this endpoint is held to, as a page or as JSON.

The served twin of ``iraqkg settings endpoint``: each setting the server was started with,
its value, default, bounds and meaning (``iraqkg.setting_values``), so a program can learn
the row cap or the timeout before it meets them. Settings that name hosts (the listening
address, a remote store, where SERVICE calls are rerouted) are left out: no client needs
them, and they can name a private network.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from iraqkg.setting_values import describe
from iraqkg.settings import EndpointSettings
from iraqkg.web.pages import HTML_OFFER, html_response, json_response, negotiate
from iraqkg.web.state import current_state

bp = Blueprint("limits", __name__)

PRIVATE = frozenset({
    "host", "port", "endpoint", "graph_store", "service_rewrite", "remote_union_graph",
    "remote_timeout_param",
})  # fmt: skip
_OFFERS = {"json": ("json", "application/json"), "html": HTML_OFFER}


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


def served_settings(settings: EndpointSettings) -> list[dict[str, Any]]:
    """The public settings with the values they are served with."""
    return [
        {**d.as_dict(), "value": _plain(getattr(settings, d.name))}
        for d in describe(EndpointSettings)
        if d.name not in PRIVATE
    ]


def _shown(value: Any) -> str:
    """A value as the page writes it (the JSON keeps its type)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) or "(none)"
    return str(value)


@bp.get("/limits")
def limits() -> Response:
    wanted = negotiate(_OFFERS, default="json")
    found = served_settings(current_state().settings)
    if wanted == "html":
        shown = [{**s, "value": _shown(s["value"]), "default": _shown(s["default"])} for s in found]
        return html_response("limits.html", settings=shown)
    response = json_response({"settings": found})
    response.headers["Cache-Control"] = "no-store"  # a restart may change them
    return response
