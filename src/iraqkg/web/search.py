"""/search?q=: entities by name (HTML or JSON), and /search/suggest?q= for as-you-type fields.

Both use ``iraqkg.search`` over the served dataset's index (``search_index``). ``type=``
(repeatable) filters by class: a full IRI, ``ikg:ArmedGroup`` or ``ArmedGroup``; subclasses
count. ``limit=`` caps the hits (1..100).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for

from iraqkg.namespaces import IKG
from iraqkg.search import SearchIndex, search, suggest
from iraqkg.search.classes import class_iri, short_name
from iraqkg.search.matching import MAX_QUERY
from iraqkg.web.errors import ApiError
from iraqkg.web.pages import HTML_OFFER, error_page, html_response, json_response, negotiate
from iraqkg.web.search_index import current_index

bp = Blueprint("search", __name__)

_OFFERS = {"json": ("json", "application/json"), "html": HTML_OFFER}
MAX_LIMIT = 100


# The web's names for the library's class naming (shared with reconcile and home).
type_iri = class_iri
short_type = short_name


def _limit(default: int = 10) -> int:
    text = request.args.get("limit")
    if text is None or not text.strip():
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, "bad_limit", f"limit={text!r} is not a number") from None
    if not 1 <= value <= MAX_LIMIT:
        raise ApiError(400, "bad_limit", f"limit must be between 1 and {MAX_LIMIT}")
    return value


def type_options(index: SearchIndex) -> list[dict[str, Any]]:
    """The ikg classes that have entities, with how many (for the filter menu)."""
    counts: dict[str, int] = {}
    for entity in index.entities:
        for t in entity.all_types:
            if t.startswith(str(IKG)):
                counts[t] = counts.get(t, 0) + 1
    return sorted(
        (
            {"iri": t, "id": short_type(t), "label": index.type_label(t), "count": n}
            for t, n in counts.items()
        ),
        key=lambda o: o["label"].lower(),
    )


@bp.get("/search")
def search_page() -> Response:
    wanted = negotiate(_OFFERS, default="json")
    try:
        text = request.args.get("q", "")
        if len(text) > MAX_QUERY:
            raise ApiError(400, "query_too_long", f"q= is longer than {MAX_QUERY} characters")
        wanted_types = [t for t in request.args.getlist("type") if t.strip()]
        types = [type_iri(t) for t in wanted_types]
        limit = _limit(20)
        index = current_index()
    except ApiError as error:
        if wanted == "html":
            return error_page(error)
        raise
    hits = search(index, text, types=types or None, limit=limit) if text.strip() else []
    results = []
    for hit in hits:
        found = hit.as_dict(index)
        found["href"] = url_for("entities.entity", slug=hit.entity.slug)
        results.append(found)
    body = {
        "q": text,
        "type": [short_type(t) for t in types],
        "limit": limit,
        "results": results,
    }
    if wanted == "html":
        return html_response(
            "search.html",
            search=body,
            types=type_options(index),
            chosen=set(types),
            json_url=url_for("search.search_page", q=text, type=wanted_types, format="json"),
        )
    return json_response(body)


@bp.get("/search/suggest")
def suggest_json() -> Response:
    """``{"q": ..., "results": [{"id", "name", "type", "description", "href"}]}``."""
    text = request.args.get("q", "")[:MAX_QUERY]
    types = [type_iri(t) for t in request.args.getlist("type") if t.strip()]
    limit = _limit(8)
    index = current_index()
    results = []
    for hit in suggest(index, text, types=types or None, limit=limit):
        entity = hit.entity
        results.append(
            {
                "id": entity.iri,
                "name": entity.label,
                "type": index.type_label(entity.types[0]) if entity.types else None,
                "description": entity.description,
                "matched": hit.matched,
                "href": url_for("entities.entity", slug=entity.slug),
            }
        )
    return json_response({"q": text, "results": results})
