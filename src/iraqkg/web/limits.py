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

from iraqkg.setting_values import describe, plain, spelled
from iraqkg.settings import EndpointSettings
from iraqkg.web.pages import HTML_OFFER, html_response, json_response, negotiate
from iraqkg.web.state import current_state

bp = Blueprint("limits", __name__)

PRIVATE = frozenset({
    "host", "port", "endpoint", "graph_store", "service_rewrite", "remote_union_graph",
    "remote_timeout_param",
})  # fmt: skip
_OFFERS = {"json": ("json", "application/json"), "html": HTML_OFFER}


def served_settings(settings: EndpointSettings) -> list[dict[str, Any]]:
    """The public settings with the values they are served with."""
    return [
        {**d.as_dict(), "value": plain(getattr(settings, d.name))}
        for d in describe(EndpointSettings)
        if d.name not in PRIVATE
    ]


@bp.get("/limits")
def limits() -> Response:
    wanted = negotiate(_OFFERS, default="json")
    settings = current_state().settings
    found = served_settings(settings)
    if wanted == "html":
        shown = [
            {**s, "value": spelled(getattr(settings, s["name"])) or "(none)",
             "default": spelled(getattr(EndpointSettings, s["name"])) or "(none)"}
            for s in found
        ]  # fmt: skip
        return html_response("limits.html", settings=shown)
    response = json_response({"settings": found})
    response.headers["Cache-Control"] = "no-store"  # a restart may change them
    return response
