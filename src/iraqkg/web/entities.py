"""/id/<slug>: the page of each entity (and source document), with machine-readable twins.

Content negotiation, ``?format=`` first, then Accept: ``application/json`` (the default: a
summary of the page), ``text/html`` (browsers), and the entity as RDF in ``text/turtle``,
``application/n-triples``, ``application/ld+json`` or ``application/rdf+xml``. ``/id/``
lists every entity (HTML or JSON). Unknown IRIs are 404: JSON, or a page for browsers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for
from rdflib import URIRef

from iraqkg.namespaces import ID
from iraqkg.temporal import describe_validity
from iraqkg.web.entity_data import entity_index, entity_summary, rdf_twin, sections
from iraqkg.web.errors import ApiError
from iraqkg.web.explanations import available, entity_inferences
from iraqkg.web.network import entity_picture
from iraqkg.web.pages import HTML_OFFER, error_page, html_response, is_slug, json_response
from iraqkg.web.pages import negotiate as _negotiate

bp = Blueprint("entities", __name__)
bp.add_app_template_filter(describe_validity, "validity")

# Format key -> (``format`` names, media types); the first name is the canonical one.
RDF_OFFERS = {
    "ttl": ("ttl", "turtle", "text/turtle"),
    "nt": ("nt", "ntriples", "n-triples", "application/n-triples"),
    "jsonld": ("jsonld", "json-ld", "application/ld+json"),
    "rdfxml": ("rdfxml", "rdf", "rdf+xml", "application/rdf+xml"),
}
OFFERS = {"json": ("json", "application/json"), "html": HTML_OFFER, **RDF_OFFERS}
LABELS = {
    "html": "HTML",
    "json": "JSON",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF/XML",
}


def _formats(endpoint: str, **values: str) -> list[dict[str, str]]:
    """Links to every twin of a page: format key, label, media type, URL."""
    keys = OFFERS if endpoint == "entities.entity" else ("json", "html")
    return [
        {
            "format": key,
            "label": LABELS[key],
            "media_type": OFFERS[key][-1] if key != "html" else "text/html",
            "url": url_for(endpoint, format=key, **values),
        }
        for key in keys
    ]


def _not_found(wanted: str, iri: str) -> Response:
    error = ApiError(404, "not_found", f"the dataset does not describe <{iri}>")
    if wanted == "html":
        return error_page(error)
    raise error


@bp.get("/id/<path:slug>")
def entity(slug: str) -> Response:
    wanted = _negotiate(OFFERS, default="json")
    iri = URIRef(ID[slug])
    if not is_slug(slug):
        return _not_found(wanted, str(iri))
    try:
        if wanted in RDF_OFFERS:
            reply = rdf_twin(iri, OFFERS[wanted][-1])
            if reply.size == 0:
                return _not_found(wanted, str(iri))
            response = Response(reply.body, content_type=reply.content_type)
            response.vary.add("Accept")
            return response
        summary = entity_summary(iri)
    except ApiError as error:
        if wanted == "html":
            return error_page(error)
        raise
    if summary is None:
        return _not_found(wanted, str(iri))
    _add_validity(summary)
    summary["formats"] = _formats("entities.entity", slug=slug)
    if wanted == "html":
        return html_response(
            "entity.html",
            entity=summary,
            sections=sections(summary),
            can_explain=available(),
            neighbourhood=entity_picture(summary["iri"]),
        )
    return json_response(summary)


def _add_validity(summary: dict[str, Any]) -> None:
    """Each inferred relation's validity, from the explainer (None when it cannot tell)."""
    if not summary["inferred"]:
        return
    validity = entity_inferences(URIRef(summary["iri"]))
    for relation in summary["inferred"]:
        key = (relation["predicate"]["iri"], relation["object"]["iri"])
        relation["valid"] = validity.get(key)


@bp.get("/id/")
def index() -> Response:
    wanted = _negotiate({"json": OFFERS["json"], "html": HTML_OFFER}, default="json")
    try:
        groups = entity_index()
    except ApiError as error:
        if wanted == "html":
            return error_page(error)
        raise
    if wanted == "html":
        return html_response("entities.html", groups=groups, formats=_formats("entities.index"))
    return json_response({"types": groups, "formats": _formats("entities.index")})
