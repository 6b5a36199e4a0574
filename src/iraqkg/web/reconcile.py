"""/reconcile: the W3C Reconciliation Service API 0.2 (what OpenRefine speaks), on the search
library's matcher.

* ``GET /reconcile`` (no ``queries``): the service manifest (``callback=`` for JSONP).
* ``GET|POST /reconcile`` with ``queries={"q0": {"query": ..., "type": ..., "limit": ...,
  "properties": [{"pid": ..., "v": ...}], "type_strict": ...}}``: a result batch.
* ``/reconcile/suggest/{entity,type,property}?prefix=&cursor=``: auto-complete.
* ``/reconcile/preview?id=``: a small HTML card OpenRefine shows in a pop-up.

Entity ids are the slugs of ``https://w3id.org/iraqkg/id/`` (the view URL is the entity
page), type ids the ontology's classes (``ArmedGroup``; ``ikg:`` and full IRIs accepted),
property ids the ontology's properties (``memberOf``) plus ``skos:altLabel`` and
``ikg:description``. A property whose values agree with the query raises a candidate's
score, one that disagrees or is missing lowers it: score = 0.7 x name + 0.3 x properties.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, request, url_for

from iraqkg.namespaces import ID, IKG
from iraqkg.search import SearchIndex, fold, search, suggest
from iraqkg.search.matching import MAX_QUERY, Query, score
from iraqkg.web.errors import ApiError
from iraqkg.web.pages import html_response, json_response
from iraqkg.web.search import short_type, type_iri, type_options
from iraqkg.web.search_index import current_index, per_build

bp = Blueprint("reconcile", __name__)

MAX_QUERIES = 500  # queries in one batch (OpenRefine sends 10 by default)
MAX_CANDIDATES = 25
NAME_SHARE = 0.7
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
_LABEL_PROPERTIES = {
    "skos:altLabel": "http://www.w3.org/2004/02/skos/core#altLabel",
    "skos:prefLabel": "http://www.w3.org/2004/02/skos/core#prefLabel",
    "ikg:description": str(IKG.description),
}


def _reply(body: Any) -> Response:
    """JSON, or JSONP when a well-formed ``callback`` is given."""
    callback = request.values.get("callback")
    if callback is None:
        return json_response(body)
    if not _CALLBACK.match(callback):
        raise ApiError(400, "bad_callback", "callback must be a JavaScript identifier")
    text = f"/**/{callback}({json.dumps(body, ensure_ascii=False)});"
    return Response(text, content_type="application/javascript; charset=utf-8")


def _root() -> str:
    return request.url_root.rstrip("/")


def manifest() -> dict[str, Any]:
    root = _root()
    return {
        "versions": ["0.2"],
        "name": "iraqkg: Iraq's armed groups, parties, leaders and violence",
        "identifierSpace": str(ID),
        "schemaSpace": str(IKG),
        "documentation": root + url_for("home.home"),
        "view": {"url": root + "/id/{{id}}"},
        "preview": {
            "url": root + url_for("reconcile.preview") + "?id={{id}}",
            "width": 400,
            "height": 140,
        },  # fmt: skip
        "defaultTypes": [
            {"id": "Actor", "name": "actor"},
            {"id": "Organization", "name": "organisation"},
            {"id": "Person", "name": "person"},
            {"id": "Event", "name": "event"},
            {"id": "Place", "name": "place"},
        ],
        "suggest": {
            kind: {"service_url": root, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
    }


def _types_of(query: dict[str, Any]) -> list[str]:
    wanted = query.get("type")
    if wanted is None:
        return []
    if isinstance(wanted, str):
        wanted = [wanted]
    if not isinstance(wanted, list) or not all(isinstance(t, str) for t in wanted):
        raise ApiError(400, "bad_query", "type must be a type id or a list of type ids")
    return [type_iri(t) for t in wanted if t.strip()]


def property_iri(pid: str) -> str:
    pid = pid.strip()
    if pid in _LABEL_PROPERTIES:
        return _LABEL_PROPERTIES[pid]
    return type_iri(pid)  # same naming rules as classes


def _entity_iri(value: str) -> str:
    value = value.strip()
    return value if "://" in value else str(ID) + value.removeprefix("id:")


def _value_agreement(index: SearchIndex, values: set[str], wanted: Any) -> float:
    """How well one wanted value (text, number or {"id"}) agrees with an entity's values of
    the property: 1 for the same entity or text, down to 0 for nothing alike."""
    if isinstance(wanted, dict):
        if "id" in wanted and _entity_iri(str(wanted["id"])) in values:
            return 1.0
        wanted = wanted.get("name")
        if wanted is None:
            return 0.0
    text = str(wanted)
    query = Query.of(text)
    best = 0.0
    for value in values:
        entity = index.by_iri.get(value)
        if entity is None:  # a literal value
            best = max(best, 1.0 if fold(value) == query.folded else 0.0)
            continue
        for key in index.keys_of(entity):
            best = max(best, score(query, key)[0] / 100)
    return best


def _property_score(index: SearchIndex, entity: int, properties: list[dict]) -> float:
    links = index.links[entity]
    total = 0.0
    for prop in properties:
        iri = property_iri(str(prop["pid"]))
        values = set(links.get(iri, ()))
        if iri == _LABEL_PROPERTIES["skos:prefLabel"]:
            values.add(index.entities[entity].label)
        wanted = prop["v"] if isinstance(prop["v"], list) else [prop["v"]]
        if not wanted or not values:
            continue
        total += max(_value_agreement(index, values, w) for w in wanted)
    return total / len(properties)


def _check_properties(query: dict[str, Any]) -> list[dict]:
    properties = query.get("properties") or []
    if not isinstance(properties, list) or not all(
        isinstance(p, dict) and isinstance(p.get("pid"), str) and "v" in p for p in properties
    ):
        raise ApiError(400, "bad_query", 'properties must be a list of {"pid": ..., "v": ...}')
    return properties


def reconcile_one(index: SearchIndex, query: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(query, dict):
        raise ApiError(400, "bad_query", "each query must be a JSON object")
    text = query.get("query", "")
    if not isinstance(text, str):
        raise ApiError(400, "bad_query", "query must be a string")
    text = text[:MAX_QUERY]
    limit = query.get("limit", 5)
    if not isinstance(limit, int | float) or isinstance(limit, bool):
        raise ApiError(400, "bad_query", "limit must be a number")
    limit = max(1, min(int(limit), MAX_CANDIDATES))
    types = _types_of(query)
    strict = query.get("type_strict", "any")
    properties = _check_properties(query)
    if not text.strip() and not properties:
        raise ApiError(400, "bad_query", "a query needs query text or properties")
    filter_types = types if strict in ("any", "all") else None
    if text.strip():
        found = {index.by_iri[h.iri]: h.score for h in search(index, text, filter_types, 100)}
    else:  # properties only: every entity of the types is a candidate
        allowed = set(filter_types or ())
        found = {
            i: 0.0 for i, e in enumerate(index.entities) if not allowed or e.all_types & allowed
        }
    if strict == "all" and types:
        found = {i: s for i, s in found.items() if set(types) <= index.entities[i].all_types}
    scored = []
    for i, name_score in found.items():
        value = name_score
        if properties:
            share = NAME_SHARE if text.strip() else 0.0
            value = share * name_score + (1 - share) * 100 * _property_score(index, i, properties)
        if strict == "should" and types and index.entities[i].all_types & set(types):
            value = min(100.0, value + 5)
        scored.append((round(value, 1), i))
    scored.sort(key=lambda item: (-item[0], -index.entities[item[1]].degree, item[1]))
    scored = [item for item in scored if item[0] > 0][:limit]
    results = []
    for rank, (value, i) in enumerate(scored):
        entity = index.entities[i]
        runner_up = scored[rank + 1][0] if rank + 1 < len(scored) else 0.0
        result = {
            "id": entity.slug,
            "name": entity.label,
            "type": [{"id": short_type(t), "name": index.type_label(t)} for t in entity.types],
            "score": value,
            "match": rank == 0 and value >= 95 and value - runner_up >= 10,
        }
        if entity.description:
            result["description"] = entity.description
        results.append(result)
    return {"result": results}


def _batch() -> dict[str, Any]:
    text = request.values.get("queries", "")
    try:
        queries = json.loads(text)
    except ValueError as error:
        raise ApiError(400, "bad_queries", f"queries is not JSON: {error}") from None
    if not isinstance(queries, dict):
        raise ApiError(400, "bad_queries", 'queries must be a JSON object {"q0": {...}, ...}')
    if len(queries) > MAX_QUERIES:
        raise ApiError(400, "bad_queries", f"at most {MAX_QUERIES} queries in one batch")
    index = current_index()
    return {key: reconcile_one(index, query) for key, query in queries.items()}


@bp.route("/reconcile", methods=["GET", "POST"])
def service() -> Response:
    if "queries" in request.values:
        return _reply(_batch())
    return _reply(manifest())


def _cursor() -> int:
    try:
        return max(0, int(request.args.get("cursor", 0)))
    except ValueError:
        raise ApiError(400, "bad_cursor", "cursor must be a number") from None


@bp.get("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    index = current_index()
    types = [type_iri(t) for t in request.args.getlist("type") if t.strip()]
    cursor = _cursor()
    hits = suggest(index, request.args.get("prefix", ""), types or None, limit=cursor + 10)
    result = []
    for hit in hits[cursor:]:
        found: dict[str, Any] = {
            "id": hit.entity.slug,
            "name": hit.entity.label,
            "notable": [
                {"id": short_type(t), "name": index.type_label(t)} for t in hit.entity.types
            ],
        }
        if hit.entity.description:
            found["description"] = hit.entity.description
        result.append(found)
    return _reply({"result": result})


def _matches_prefix(prefix: str, *names: str) -> bool:
    wanted = fold(prefix)
    return any(f" {wanted}" in f" {fold(n)}" for n in names)


@bp.get("/reconcile/suggest/type")
def suggest_type() -> Response:
    index = current_index()
    prefix = request.args.get("prefix", "")[:MAX_QUERY]
    found = [
        {
            "id": t["id"],
            "name": t["label"],
            "description": f"{t['count']} entit{'y' if t['count'] == 1 else 'ies'}",
        }
        for t in type_options(index)
        if _matches_prefix(prefix, t["id"], t["label"])
    ]
    return _reply({"result": found[_cursor() :][:20]})


def properties(index: SearchIndex) -> list[dict[str, str]]:
    """The properties that link entities in the data, and the label properties."""
    used: set[str] = set()
    for links in index.links:
        for predicate, objects in links.items():
            if predicate.startswith(str(IKG)) and any(o in index.by_iri for o in objects):
                used.add(predicate)
    found = [{"id": short_type(p), "name": index.type_label(p)} for p in sorted(used)]
    found += [
        {"id": "skos:altLabel", "name": "alternative name"},
        {"id": "ikg:description", "name": "description"},
    ]
    return found


@bp.get("/reconcile/suggest/property")
def suggest_property() -> Response:
    index = current_index()
    prefix = request.args.get("prefix", "")[:MAX_QUERY]
    known = per_build("reconcile-properties", lambda: properties(index))
    found = [p for p in known if _matches_prefix(prefix, p["id"], p["name"])]
    return _reply({"result": found[_cursor() :][:20]})


@bp.get("/reconcile/preview")
def preview() -> Response:
    index = current_index()
    slug = request.args.get("id", "")
    entity = index.entity(_entity_iri(slug)) if slug else None
    if entity is None:
        raise ApiError(404, "not_found", f"no entity with id {slug!r}")
    response = html_response(
        "preview.html",
        entity=entity,
        types=[index.type_label(t) for t in entity.types],
        href=url_for("entities.entity", slug=entity.slug),
    )
    # OpenRefine shows the preview in an iframe of its own page.
    response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors *"
    return response
