"""/: the home page for people (what the graph holds, a search box, the questions, the other
pages) and its JSON twin; every other client is sent on to /sparql as before.

Negotiation: ``format=html`` or an Accept that prefers HTML (browsers) gets the page;
``format=json`` or ``Accept: application/json`` the same content as JSON; anything else (no
Accept, ``*/*``, SPARQL result types) and any request with ``query=`` is redirected to
``/sparql`` with its query string, so SPARQL clients pointed at the root keep working.
Counts come from grouped SELECTs through the executor, computed once per served build.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, redirect, request, url_for
from rdflib.namespace import SKOS

from iraqkg.namespaces import ASSERTED_GRAPH, ID, IKG, PROVENANCE_GRAPH
from iraqkg.web.errors import ApiError
from iraqkg.web.negotiation import best_offer
from iraqkg.web.pages import entity_path, error_page, html_response, json_response, run_select
from iraqkg.web.search import short_type, type_options
from iraqkg.web.search_index import current_index, per_build
from iraqkg.web.state import current_state

bp = Blueprint("home", __name__)

_HEADER = re.compile(r"^#\s*(title|question)\s*:\s*(.+?)\s*$")
# Entities are what has a name: records the build writes (statements' inferences, validity
# intervals, quantities) have none. Documents are counted apart, as sources.
_NOT_ENTITIES = ("Statement", "SourceDocument")
_NAMED = f"FILTER EXISTS {{ GRAPH ?h {{ ?e <{SKOS.prefLabel}> ?name }} }}"

_PER_CLASS = f"""SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  GRAPH ?g {{ ?e a ?c }}
  FILTER(?g IN (<{ASSERTED_GRAPH}>, <{PROVENANCE_GRAPH}>) && STRSTARTS(STR(?c), "{IKG}")
         && ?c NOT IN ({", ".join(f"<{IKG[n]}>" for n in _NOT_ENTITIES)}))
  {_NAMED}
}} GROUP BY ?c"""
_ENTITIES = f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
  GRAPH ?g {{ ?e a ?c }}
  FILTER(?g IN (<{ASSERTED_GRAPH}>, <{PROVENANCE_GRAPH}>) && STRSTARTS(STR(?c), "{IKG}")
         && ?c NOT IN ({", ".join(f"<{IKG[n]}>" for n in _NOT_ENTITIES)}))
  {_NAMED}
}}"""
_PER_SOURCE = f"""SELECT ?source (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?st) AS ?n) WHERE {{
  GRAPH <{PROVENANCE_GRAPH}> {{ ?st a <{IKG.Statement}> ; <{IKG.source}> ?source }}
  OPTIONAL {{ GRAPH ?g {{ ?source <{SKOS.prefLabel}> ?l }} }}
}} GROUP BY ?source"""
_PER_STATUS = f"""SELECT ?status (COUNT(DISTINCT ?st) AS ?n) WHERE {{
  GRAPH <{PROVENANCE_GRAPH}> {{ ?st a <{IKG.Statement}> ; <{IKG.status}> ?status }}
}} GROUP BY ?status"""


def _wants() -> str:
    """ "html", "json" or "sparql" (send on to the endpoint)."""
    if "query" in request.args:
        return "sparql"
    wanted = (request.args.get("format") or "").strip().lower()
    if wanted in ("html", "text/html"):
        return "html"
    if wanted in ("json", "application/json"):
        return "json"
    if wanted:
        raise ApiError(406, "not_acceptable", f"format={wanted} is not available here",
                       available=["html", "json"])  # fmt: skip
    accept = request.headers.get("Accept") or ""
    best = best_offer(accept, ["application/sparql-results+json", "text/html", "application/json"])
    return {"text/html": "html", "application/json": "json"}.get(best or "", "sparql")


def _questions() -> list[dict[str, Any]]:
    """The named queries as entry points: name, title, question, and the page that answers
    it (``/questions/<name>``, when this app has question pages for them)."""
    state = current_state()
    found = {
        name: {"name": name, "title": q.title, "question": q.question or None}
        for name, q in state.questions.items()
    }
    for name, text in state.named_queries:  # examples without a question page
        if name in found:
            continue
        header: dict[str, str] = {}
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            match = _HEADER.match(line)
            if match:
                header.setdefault(match.group(1), match.group(2))
        found[name] = {"name": name, "title": header.get("title", name),
                       "question": header.get("question")}  # fmt: skip
    for name, item in found.items():
        has_page = name in state.questions and "questions.question" in current_app.view_functions
        item["href"] = url_for("questions.question", name=name) if has_page else None
    return sorted(found.values(), key=lambda q: q["title"].lower())


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def holdings() -> dict[str, Any]:
    """What the graph holds: entities per class, statements per source and per status."""
    return per_build("home", _count)


def _count() -> dict[str, Any]:
    index = current_index()
    per_class = [
        {
            "class": short_type(str(row["c"])),
            "iri": str(row["c"]),
            "label": index.type_label(str(row["c"])),
            "count": int(row["n"]),
            "search": url_for("search.search_page", type=short_type(str(row["c"]))),
        }
        for row in run_select(_PER_CLASS)
    ]
    per_source = [
        {
            "source": _local(str(row["source"])),
            "iri": str(row["source"]),
            "label": str(row["label"]) if "label" in row else _local(str(row["source"])),
            "count": int(row["n"]),
            "href": entity_path(row["source"]),
        }
        for row in run_select(_PER_SOURCE)
    ]
    per_status = {_local(str(r["status"])): int(r["n"]) for r in run_select(_PER_STATUS)}
    entities = run_select(_ENTITIES)
    return {
        "entities": int(entities[0]["n"]) if entities else 0,
        "entities_per_class": sorted(per_class, key=lambda c: (-c["count"], c["label"])),
        "statements": sum(per_status.values()),
        "statements_per_source": sorted(per_source, key=lambda s: s["source"]),
        "statements_per_status": dict(sorted(per_status.items())),
    }


def _page(endpoint: str, fallback: str, **values: str) -> str:
    """The URL of another blueprint's page, or its planned path when it is not installed."""
    if endpoint in current_app.view_functions:
        return url_for(endpoint, **values)
    return fallback


def _links() -> dict[str, str]:
    return {
        "search": url_for("search.search_page"),
        "suggest": url_for("search.suggest_json"),
        "reconcile": url_for("reconcile.service"),
        "network": _page("network.network", "/network", format="html"),
        "timeline": _page("timeline.page", "/timeline"),
        "editor": url_for("sparql.endpoint"),
        "sparql": url_for("sparql.endpoint"),
        "ontology": url_for("ontology.vocabulary"),
        "limits": _page("limits.limits", "/limits"),
        "entities": url_for("entities.index"),
        "dump_nq": url_for("dataset.dump", key="nq"),
        "dump_trig": url_for("dataset.dump", key="trig"),
        "dump_jsonld": url_for("dataset.dump", key="jsonld"),
    }


@bp.get("/")
def home() -> Response:
    try:
        wanted = _wants()
        if wanted == "sparql":
            target = url_for("sparql.endpoint")
            if request.query_string:
                target += "?" + request.query_string.decode("utf-8", "replace")
            return redirect(target)  # type: ignore[return-value]
        body = {
            "build_id": current_state().info.get("build_id"),
            **holdings(),
            "questions": _questions(),
            "links": _links(),
            "id_namespace": str(ID),
        }
    except ApiError as error:
        if request.args.get("format") == "html" or "text/html" in (
            request.headers.get("Accept") or ""
        ):
            return error_page(error)
        raise
    if wanted == "html":
        return html_response(
            "home.html",
            home=body,
            types=type_options(current_index()),
            chosen=set(),
            json_url=url_for("home.home", format="json"),
        )
    return json_response(body)
