"""/explain?s=..&p=..&o=..: why a triple holds (or that it does not), as JSON or an HTML tree.

Explanations come from ``iraqkg.explain`` over the served build's dataset file(s)
(``info["dataset_files"]``), loaded and reasoned over once in this process, then cached.
They need the build's named graphs (ontology, asserted, provenance): without them (no files,
or ``serve --dataset`` of files that are not a build) the route answers 501 and says so.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request, url_for
from rdflib import Dataset, URIRef
from rdflib.term import Node
from rdflib.util import guess_format

from iraqkg.explain import Explainer, explain_entity, explain_triple, parse_term
from iraqkg.namespaces import ID
from iraqkg.web.errors import ApiError
from iraqkg.web.pages import (
    HTML_OFFER,
    entity_path,
    error_page,
    html_response,
    json_response,
    negotiate,
)
from iraqkg.web.state import current_state

bp = Blueprint("explanations", __name__)

_OFFERS = {"json": ("json", "application/json"), "html": HTML_OFFER}
# Building an Explainer reasons over the whole dataset: one thread does it, the others wait.
_LOCK = threading.Lock()
_LOADED: dict[tuple, Explainer] = {}
_NOT_IN_IRI = set(' <>"{}|^`\\')  # RFC 3987 excludes these (and controls)


def _files() -> list[Path]:
    return [Path(f) for f in current_state().info.get("dataset_files") or []]


def _unavailable(message: str) -> ApiError:
    return ApiError(501, "explanations_unavailable", message)


def explainer() -> Explainer:
    """The Explainer over the served dataset; raises a 501 ApiError when there is none."""
    files = _files()
    if not files:
        raise _unavailable(
            "explanations need the build's dataset file; this server was started without one"
        )
    try:
        key = tuple((str(f.resolve()), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    except OSError as error:
        raise _unavailable(f"the dataset file is gone: {error}") from None
    with _LOCK:
        if key not in _LOADED:
            dataset = Dataset()
            for file in files:
                dataset.parse(file, format=guess_format(str(file)) or "nquads")
            found = Explainer.from_dataset(dataset)
            _LOADED.clear()  # one dataset at a time: the one being served
            _LOADED[key] = found
        found = _LOADED[key]
    if not len(found.asserted) or not len(found.provenance):
        raise _unavailable(
            "explanations need a build's named graphs (asserted, provenance, ontology); "
            "the served files do not have them"
        )
    return found


def available() -> bool:
    """Whether this server can explain (it serves a build's dataset file)."""
    if not _files():
        return False
    try:
        explainer()
    except ApiError:
        return False
    return True


def entity_inferences(iri: Node) -> dict[tuple[str, str], list[dict]]:
    """Validity of each inferred relation from ``iri``: {(predicate IRI, object IRI): valid}.
    Empty when explanations are unavailable (the page then shows no validity)."""
    if not available():
        return {}
    found = explainer()
    with _LOCK:
        explained = explain_entity(found, iri)
    return {
        (e["triple"]["predicate"]["iri"], e["triple"]["object"]["iri"]): e["valid"]
        for e in explained
    }


def _terms() -> tuple[Node, Node, Node]:
    terms = []
    for name, position in (("s", "subject"), ("p", "predicate"), ("o", "object")):
        values = request.args.getlist(name)
        if len(values) != 1 or not values[0].strip():
            raise ApiError(400, "bad_term", f"give exactly one {name}= ({position})")
        text = values[0].strip()
        try:
            # parse_term reads "<iri" as an IRI missing its last character: refuse it here.
            if text.startswith("<") and not text.endswith(">"):
                raise ValueError("unclosed IRI")
            term = parse_term(text, position)
            if isinstance(term, URIRef) and any(c in _NOT_IN_IRI or c < "!" for c in term):
                raise ValueError("not an IRI")
            terms.append(term)
        except Exception as error:  # rdflib raises several kinds for a malformed term
            raise ApiError(
                400, "bad_term", f"{name}={values[0]!r}: not an IRI, prefixed name or literal"
            ) from error
    return terms[0], terms[1], terms[2]


def _asked() -> dict[str, str]:
    return {name: request.args[name] for name in ("s", "p", "o")}


def _link(node: dict[str, Any]) -> None:
    """Give every entity in the tree its page's path (``href``), recursively."""
    for role in ("subject", "predicate", "object"):
        term = node["triple"][role]
        if "iri" in term:
            term["href"] = entity_path(term["iri"])
    for statement in node.get("statements", []):
        source = statement.get("source") or ""
        if source.startswith("id:"):
            statement["source_href"] = entity_path(ID[source[3:]])
    for premise in node.get("premises", []):
        _link(premise)


@bp.get("/explain")
def explain() -> Response:
    wanted = negotiate(_OFFERS, default="json")
    try:
        s, p, o = _terms()
        found = explainer()
        with _LOCK:
            tree = explain_triple(found, s, p, o)
    except ApiError as error:
        if wanted == "html":  # a browser gets the same status and message, readable
            return error_page(error)
        raise
    _link(tree)
    if wanted == "html":
        json_url = url_for("explanations.explain", format="json", **_asked())
        return html_response("explain.html", tree=tree, json_url=json_url)
    return json_response(tree)
