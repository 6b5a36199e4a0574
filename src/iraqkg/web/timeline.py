"""/timeline: events in time order with participants, roles and sources; HTML and JSON.

Parameters (all optional): ``actor`` (an entity: ``qais-al-khazali``, ``id:qais-al-khazali``
or its IRI) keeps the events it takes part in, in any role; ``type`` (an event class:
``Attack``, ``ikg:Attack``) keeps events of that class or below; ``from`` / ``until`` (a
date or period: ``2014``, ``2019-10``, ``late 2019``) keep events that may fall within.
Sorting follows ``iraqkg.timeline``: a year sorts after its own months and days. Events
without a date are listed apart. A bad parameter is a 400 with the reason.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for
from rdflib import URIRef

from iraqkg.namespaces import ID, IKG
from iraqkg.timeline import period_filter
from iraqkg.web.errors import ApiError
from iraqkg.web.pages import HTML_OFFER, error_page, html_response, is_slug, json_response
from iraqkg.web.pages import negotiate as _negotiate
from iraqkg.web.timeline_data import timeline

bp = Blueprint("timeline", __name__)
OFFERS = {"json": ("json", "application/json"), "html": HTML_OFFER}


def _actor(text: str) -> URIRef:
    text = text.strip()
    if text.startswith(str(ID)):
        text = text[len(str(ID)) :]
    elif text.startswith("id:"):
        text = text[3:]
    if not is_slug(text):
        raise ApiError(400, "bad_parameter", f"actor: {text!r} is not an entity name")
    return URIRef(ID[text])


def _kind(text: str) -> URIRef:
    name = text.strip().removeprefix("ikg:").removeprefix(str(IKG))
    if not name.isidentifier():
        raise ApiError(400, "bad_parameter", f"type: {text!r} is not an event class name")
    return URIRef(IKG[name])


@bp.get("/timeline")
def page() -> Response:
    wanted = _negotiate(OFFERS, default="json")
    args = {k: request.args.get(k, "").strip() for k in ("actor", "type", "from", "until")}
    try:
        try:
            period = period_filter(args["from"] or None, args["until"] or None)
        except ValueError as error:
            raise ApiError(400, "bad_parameter", str(error)) from error
        actor = _actor(args["actor"]) if args["actor"] else None
        kind = _kind(args["type"]) if args["type"] else None
        found = timeline(actor, kind, period)
    except ApiError as error:
        if wanted == "html":
            return error_page(error)
        raise
    found["filters"] = {k: v or None for k, v in args.items()}
    found["formats"] = [
        {"format": f, "label": f.upper(), "url": url_for("timeline.page", format=f, **_set(args))}
        for f in ("json", "html")
    ]
    if wanted == "html":
        return html_response("timeline.html", timeline=found)
    return json_response(found)


def _set(args: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in args.items() if v}
