"""/questions: every named query as a page with a form, its answers as a table of labels.

``/questions`` lists them; ``/questions/<name>`` answers one, its parameters taken from the
URL (``?event=id:...``; defaults for those not given). Content negotiation, ``?format=``
first, then Accept: ``application/json`` (the default: SPARQL JSON results with the
question, its parameters and the labels of the IRIs), ``text/csv`` (SPARQL CSV results,
as a download) and ``text/html`` (browsers). Parameters are read as RDF terms and bound by
the engine (see iraqkg.queries); a value that is not one term is a 400.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, request, url_for
from rdflib import Literal, URIRef
from rdflib.term import Node

from iraqkg.errors import InputError
from iraqkg.queries import BoundQuery, NamedQuery
from iraqkg.web.entity_data import READER
from iraqkg.web.errors import ApiError, from_exception
from iraqkg.web.pages import HTML_OFFER, error_page, html_response, json_response, negotiate
from iraqkg.web.state import current_state
from iraqkg.web.tasks import Reply, Task

bp = Blueprint("questions", __name__)

OFFERS = {
    "json": ("json", "application/json"),
    "html": HTML_OFFER,
    "csv": ("csv", "text/csv"),
}
_RESULTS_JSON = "application/sparql-results+json"
_STATUSES = {"Reported", "Alleged", "Claimed", "Denied", "Disputed"}


def _questions() -> dict[str, NamedQuery]:
    return current_state().questions


def parameter_kind(named: NamedQuery, name: str) -> str:
    """What a parameter takes, for its form field: "entity", "term", "date" or "literal"."""
    hint = named.parameters.get(name, "")
    if "xsd:date" in hint or name in ("date", "day"):
        return "date"
    if '"' in hint:
        return "literal"
    if "ikg:" in hint:
        return "term"
    return "entity"


def _parameters(named: NamedQuery, given: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "description": named.describe(name),
            "default": named.default(name),
            "value": given.get(name, ""),
            "kind": parameter_kind(named, name),
        }
        for name in named.parameters
    ]


def _summary(named: NamedQuery) -> dict[str, Any]:
    return {
        "name": named.name,
        "title": named.title,
        "question": named.question,
        "parameters": _parameters(named, {}),
        "url": url_for("questions.question", name=named.name),
    }


@bp.get("/questions/", endpoint="index_slash")
@bp.get("/questions")
def index() -> Response:
    wanted = negotiate({"json": OFFERS["json"], "html": HTML_OFFER}, default="json")
    questions = [_summary(q) for q in _questions().values()]
    if wanted == "html":
        return html_response("questions.html", questions=questions)
    return json_response({"questions": questions})


def _run(bound: BoundQuery, accept: str) -> Reply:
    state = current_state()
    task = Task(bound.text, accept=accept, max_rows=state.settings.max_rows,
                bindings=bound.bindings)  # fmt: skip
    try:
        return state.executor.run(task)
    except Exception as exc:
        raise from_exception(exc, state.settings.query_timeout) from exc


def _term(value: dict[str, str]) -> Node:
    if value["type"] == "uri":
        return URIRef(value["value"])
    datatype = value.get("datatype")
    return Literal(value["value"], lang=value.get("xml:lang"), datatype=datatype)


def _table(variables: list[str], bindings: list[dict]) -> tuple[list[list], dict[Node, str]]:
    """Rows of cells for the page (label, link, literal text) and the IRIs' labels."""
    terms = [{k: _term(v) for k, v in b.items() if v["type"] != "bnode"} for b in bindings]
    # The entity pages' own labels and links (one query for every IRI of the table).
    labels = READER._labels({t for row in terms for t in row.values() if isinstance(t, URIRef)})
    rows = []
    for row in terms:
        cells = []
        for name in variables:
            term = row.get(name)
            cell = READER.ref(term, labels) if term is not None else None
            if cell is not None and name == "status" and cell.get("value") in _STATUSES:
                cell["status"] = cell["value"]
            if cell is not None and name == "quote":
                cell["quote"] = True
            cells.append(cell)
        rows.append(cells)
    return rows, labels


def _repeats(rows: list[list], i: int, j: int) -> bool:
    """Column i holds, in every row, the label the page shows for column j's IRI."""
    return all(
        (r[i] is None and r[j] is None)
        or (r[i] is not None and r[j] is not None and "iri" in r[j]
            and r[i].get("value") == r[j].get("label"))
        for r in rows
    )  # fmt: skip


def _shown_columns(variables: list[str], rows: list[list]) -> list[int]:
    """The columns the page shows: a name column (``?actorName``) is left out when it only
    repeats the labels the page already shows for an IRI column (JSON and CSV keep all)."""
    literal = [
        i for i in range(len(variables)) if all(r[i] is None or "value" in r[i] for r in rows)
    ]
    iris = [j for j in range(len(variables)) if j not in literal]
    hidden = {i for i in literal if rows and any(_repeats(rows, i, j) for j in iris)}
    return [i for i in range(len(variables)) if i not in hidden]


@bp.get("/questions/<name>")
def question(name: str) -> Response:
    named = _questions().get(name)
    wanted = negotiate(OFFERS, default="json")
    if named is None:
        error = ApiError(404, "not_found", f"there is no question named {name!r}")
        if wanted == "html":
            return error_page(error)
        abort(404, error.message)
    given = {p: request.args[p] for p in named.parameters if p in request.args}
    unknown = sorted(set(request.args) - set(named.parameters) - {"format"})
    try:
        if unknown:
            raise InputError(f"question {name} has no parameter {unknown[0]!r}")
        bound = named.bind(given)
    except InputError as exc:
        error = ApiError(400, "bad_parameter", str(exc))
        if wanted == "html":
            return error_page(error)
        raise error from None
    if wanted == "csv":
        reply = _run(bound, "text/csv")
        response = Response(reply.body, content_type=reply.content_type)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response.vary.add("Accept")
        return response
    try:
        reply = _run(bound, _RESULTS_JSON)
    except ApiError as error:
        if wanted == "html":
            return error_page(error)
        raise
    results = json.loads(reply.body)
    variables = results["head"]["vars"]
    bindings = results["results"]["bindings"]
    rows, labels = _table(variables, bindings)
    in_force = named.values(given)
    query_string = {k: v for k, v in given.items() if v.strip()}
    downloads = {
        key: url_for("questions.question", name=name, format=key, **query_string)
        for key in ("csv", "json")
    }
    if wanted == "html":
        shown = _shown_columns(variables, rows)
        editor = url_for("sparql.endpoint") + "?" + urlencode({"query": named.spelled_out(given)})
        return html_response(
            "question.html",
            q=named,
            parameters=_parameters(named, given),
            in_force=in_force,
            variables=[variables[i] for i in shown],
            rows=[[row[i] for i in shown] for row in rows],
            count=len(bindings),
            truncated=reply.truncated,
            downloads=downloads,
            editor=editor,
        )
    body = {
        **_summary(named),
        "parameters": _parameters(named, given),
        "bound": {k: bound.as_dict()[k].n3() for k in in_force},
        "count": len(bindings),
        "truncated": reply.truncated,
        "sparql": named.text,
        "downloads": downloads,
        "labels": {str(iri): label for iri, label in labels.items()},
        "head": results["head"],
        "results": results["results"],
    }
    return json_response(body)
