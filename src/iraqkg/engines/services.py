"""Where a SERVICE call really goes: ``settings.service_rewrite`` routes an allowlisted
SERVICE IRI to another URL (a Wikidata mirror, or a local server in the tests).

The allowlist is always checked against the IRI as the query writes it (engines/policy.py);
routing happens afterwards, only for IRIs the operator configured, so a client can neither
name the routed URL directly (it is not on the allowlist) nor add routes. The query text is
edited token by token (sparql_text): only the endpoint of a SERVICE clause changes, written
as a full IRI or a prefixed name; a SERVICE endpoint given as a relative IRI is not routed.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from iraqkg.sparql_text import service_clauses, splice

Routes = tuple[tuple[str, str], ...]


def check_routes(routes: Iterable[tuple[str, str]], allowlist: Iterable[str]) -> None:
    """Raise ValueError unless every route maps an allowlisted IRI to an http(s) URL."""
    allowed = set(allowlist)
    for iri, url in routes:
        if iri not in allowed:
            raise ValueError(
                f"setting service_rewrite: {iri} is not in service_allowlist, so no query may "
                "call it; allow it first"
            )
        if urlsplit(url).scheme.lower() not in ("http", "https") or not urlsplit(url).netloc:
            raise ValueError(f"setting service_rewrite: {url!r} is not an http(s) URL")


def parse_route(text: str) -> tuple[str, str]:
    """``IRI=URL`` (the CLI's and the environment's spelling) as a pair."""
    iri, sep, url = text.partition("=")
    if not sep or not iri.strip() or not url.strip():
        raise ValueError(f"service rewrite {text!r}: write IRI=URL")
    return iri.strip(), url.strip()


def route_services(query: str, routes: Routes) -> str:
    """The query with each routed SERVICE endpoint replaced by its URL (else unchanged)."""
    if not routes or "service" not in query.lower():
        return query
    table = dict(routes)
    edits = [
        (clause.endpoint.start, clause.endpoint.end, f"<{table[clause.endpoint_iri]}>")
        for clause in service_clauses(query)
        if clause.endpoint_iri in table
    ]
    return splice(query, edits) if edits else query
