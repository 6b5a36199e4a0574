"""Why a triple holds: its derivation, step by step, down to sourced statements, and when.

An explanation is a tree of JSON-ready dicts. Each node is one triple and says how it
holds (``how``):

- ``stated``: a Reported statement (or a speech act recorded by another) says so; the
  node lists every such statement with source, file, paragraph, quote and time;
- ``described``: an entity description in the data (a type or a label), no statement;
- ``ontology``: the ontology states it;
- ``inferred``: the reasoner derived it; the node names the OWL 2 RL rule, the axiom it
  applied (as written and in words) and explains each premise in turn;
- ``contested``: a Reported statement says so and another statement contradicts it (a
  negation or a denial): both sides are listed (``statements``, each with ``contested_by``);
  it holds only in the contested graph;
- ``absent``: it does not hold; any non-Reported statements of it are listed, since
  those never reach the reasoner.

An inferred node with ``contested: true`` follows only through a contested relation:
``rests_on_contested`` names the contested statements.

Every node carries ``valid``, the intervals in which it held (``temporal``): ``[]`` is
never, ``[{"from": null, "until": null}]`` is any time as far as the sources date it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS, NamespaceManager
from rdflib.term import Node
from rdflib.util import from_n3

from .contest import Contest, find_contests
from .materialise import Triple
from .namespaces import (
    ASSERTED_GRAPH,
    ID,
    IKG,
    ONTOLOGY_GRAPH,
    PREFIXES,
    PROVENANCE_GRAPH,
)
from .reasoning import Reasoning, reason
from .statements import STATUSES, statements
from .temporal import ALWAYS, TimeContext, Validity, as_dates, time_context, validities
from .tenure import RULE as SUCCESSION_RULE
from .tenure import Succession

MAX_DEPTH = 24  # derivations are well-founded; this only bounds pathological trees

# How each rule reads, given the labels of the axiom's terms.
_READINGS = {
    "prp-spo1": "every “{0}” is also “{1}”",
    "prp-eqp1": "“{0}” means the same as “{1}”",
    "prp-eqp2": "“{0}” means the same as “{1}”",
    "prp-inv1": "“{1}” is the inverse of “{0}”",
    "prp-inv2": "“{0}” is the inverse of “{1}”",
    "prp-symp": "“{0}” runs both ways",
    "prp-trp": "“{0}” is transitive: a chain of them is one",
    "prp-spo2": "{chain} implies “{0}”",
    "prp-dom": "whatever is “{0}” something is {a1}",
    "prp-rng": "whatever something is “{0}” is {a1}",
    "cax-sco": "every {0} is {a1}",
    "cax-eqc1": "{0} and {1} are the same class",
    "cax-eqc2": "{0} and {1} are the same class",
}


def _namespaces() -> NamespaceManager:
    manager = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace)
    return manager


NAMESPACES = _namespaces()


def parse_term(text: str, position: str = "subject") -> Node:
    """A term from the command line: ``<iri>``, an http(s) IRI, ``prefix:name``, an N3
    literal, or a bare name (``id:`` for entities, ``ikg:`` for predicates)."""
    text = text.strip()
    if text.startswith(("http://", "https://")):
        return URIRef(text)
    if text.startswith("<") and (not text.endswith(">") or len(text) < 3):
        # from_n3 would read "<iri" as an IRI with its last character dropped.
        raise ValueError(f"cannot read {text!r}: an IRI in <> needs its closing >")
    if text.startswith(("<", '"')) or (":" in text and text.split(":", 1)[0] in PREFIXES):
        return from_n3(text, nsm=NAMESPACES)
    if ":" not in text and text:
        return IKG[text] if position == "predicate" else ID[text]
    raise ValueError(f"cannot read {text!r} as an IRI, prefixed name or literal")


def short(node: Node) -> str:
    if isinstance(node, URIRef):
        return node.n3(NAMESPACES)
    return node.n3()


@dataclass
class Explainer:
    """Explanations over one dataset: the ontology, asserted and provenance graphs."""

    ontology: Graph
    asserted: Graph
    provenance: Graph
    reasoning: Reasoning = field(init=False)

    def __post_init__(self) -> None:
        self.reasoning = reason(self.ontology, self.asserted, engine="rules")
        self.derived_from: dict[Triple, list[URIRef]] = {}
        self.records: dict[Triple, list[URIRef]] = {}  # every status, for "absent"
        for statement in statements(self.provenance):
            spo = (statement.subject, statement.predicate, statement.object)
            self.records.setdefault(spo, []).append(statement.iri)
            if statement.derived is not None:
                self.derived_from.setdefault(statement.derived, []).append(statement.iri)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Explainer:
        graphs = [Graph() for _ in range(3)]
        names = (ONTOLOGY_GRAPH, ASSERTED_GRAPH, PROVENANCE_GRAPH)
        for graph, iri in zip(graphs, names, strict=True):
            for triple in dataset.graph(iri):
                graph.add(triple)
        return cls(*graphs)

    @cached_property
    def time(self) -> TimeContext:
        return time_context(self.provenance, self.asserted)

    @cached_property
    def validity(self) -> dict[Triple, Validity]:
        assert self.reasoning.closure is not None
        return validities(
            self.reasoning.closure, self.derived_from, self.provenance, context=self.time
        )

    @cached_property
    def contests(self) -> list[Contest]:
        return find_contests(self.ontology, self.provenance, self.time)

    @cached_property
    def aside(self) -> dict[Triple, list[URIRef]]:
        """Contested relations (not in the asserted graph) and the statements saying them."""
        return {
            c.triple: list(c.supported_by) for c in self.contests if c.triple not in self.asserted
        }

    @cached_property
    def contrary(self) -> dict[URIRef, list[URIRef]]:
        """Each contested statement and the statements that contradict it."""
        found: dict[URIRef, list[URIRef]] = {}
        for contest in self.contests:
            for supporter in contest.supported_by:
                found.setdefault(supporter, []).extend(contest.contradicted_by)
        return found

    @cached_property
    def contested_reasoning(self) -> Reasoning | None:
        if not self.aside:
            return None
        widened = Graph()
        widened += self.asserted
        for triple in self.aside:
            widened.add(triple)
        return reason(self.ontology, widened, engine="rules")

    @cached_property
    def contested_validity(self) -> dict[Triple, Validity]:
        reasoning = self.contested_reasoning
        if reasoning is None or reasoning.closure is None:
            return {}
        derived = dict(self.derived_from)
        derived.update(self.aside)
        return validities(reasoning.closure, derived, self.provenance, context=self.time)

    @cached_property
    def ended_by(self) -> dict[Node, Succession]:
        return {succession.ended: succession for succession in self.time.successions}

    def label(self, node: Node) -> str:
        for graph, predicate in (
            (self.asserted, SKOS.prefLabel),
            (self.ontology, RDFS.label),
            (self.provenance, SKOS.prefLabel),
        ):
            value = graph.value(node, predicate)
            if value is not None:
                return str(value)
        return short(node)

    def holds(self, triple: Triple) -> bool:
        closure = self.reasoning.closure
        return closure is not None and triple in closure or triple in self.ontology

    def explain(self, triple: Triple, depth: int = 0) -> dict:
        """The explanation tree of one triple (see the module docstring)."""
        node = {"triple": self._triple(triple), "holds": self.holds(triple)}
        closure = self.reasoning.closure
        assert closure is not None
        if triple in self.aside:
            node["how"] = "contested"
            node["contested"] = True
            node["statements"] = [self._statement(s) for s in self.aside[triple]]
            node["message"] = (
                "contested: a source says so and another contradicts it; it is published "
                "only in the contested graph and nothing settled is inferred from it"
            )
        elif triple in self.derived_from:
            node["how"] = "stated"
            node["statements"] = [self._statement(s) for s in self.derived_from[triple]]
        elif triple in self.asserted:
            node["how"] = "described"
        elif triple in self.ontology:
            node["how"] = "ontology"
        elif triple in closure.derived:
            self._inferred(node, closure.derived[triple], depth)
        elif self._contested_step(triple) is not None:
            self._inferred(node, self._contested_step(triple), depth)
            node["contested"] = True
            node["rests_on_contested"] = sorted(
                short(s) for s in _rests_on(triple, self.contested_reasoning, self.aside)
            )
        else:
            node["how"] = "absent"
            records = self.records.get(triple, [])
            node["statements"] = [self._statement(s) for s in records]
            node["message"] = _absent_message(node["statements"])
        node["valid"] = self._valid(triple, node["how"])
        return node

    def _inferred(self, node: dict, step, depth: int) -> None:
        node["how"] = "inferred"
        node["rule"] = step.rule
        node["axiom"] = self._axiom(step.axiom, step.rule)
        node["reading"] = self._reading(step.axiom, step.rule)
        if depth < MAX_DEPTH:
            node["premises"] = [self.explain(p, depth + 1) for p in step.premises]

    def _contested_step(self, triple: Triple):
        reasoning = self.contested_reasoning
        if reasoning is None or reasoning.closure is None:
            return None
        return reasoning.closure.derived.get(triple)

    def _valid(self, triple: Triple, how: str) -> list[dict]:
        if how == "absent":
            return []
        if triple[1] == RDF.type or how in ("described", "ontology"):
            found = ALWAYS  # types are not dated: they hold as long as the entity is described
        elif triple in self.validity:
            found = self.validity[triple]
        else:
            found = self.contested_validity.get(triple, ALWAYS)
        return [
            {
                "from": start.isoformat() if start else None,
                "until": end.isoformat() if end else None,
            }
            for start, end in as_dates(found)
        ]

    def _triple(self, triple: Triple) -> dict:
        return {
            role: {"term": short(term), "iri": str(term), "label": self.label(term)}
            if isinstance(term, URIRef)
            else {"term": short(term), "value": str(term)}
            for role, term in zip(("subject", "predicate", "object"), triple, strict=True)
        }

    def _statement(self, iri: URIRef) -> dict:
        prov = self.provenance
        source = prov.value(iri, IKG.source)
        found = {
            "statement": short(iri),
            "iri": str(iri),
            "status": _fragment(prov.value(iri, IKG.status)),
            "source": short(source) if source is not None else None,
            "source_title": self.label(source) if source is not None else None,
            "file": _text(prov.value(source, IKG.fileName)) if source is not None else None,
            "paragraph": _number(prov.value(iri, IKG.paragraph)),
            "quote": _text(prov.value(iri, IKG.quote)),
        }
        for key, predicate in (
            ("start", IKG.start),
            ("end", IKG.end),
            ("point_in_time", IKG.pointInTime),
            ("note", IKG.note),
        ):
            value = prov.value(iri, predicate)
            if value is not None:
                found[key] = str(value)
        according = [self.label(a) for a in prov.objects(iri, IKG.accordingTo)]
        if according:
            found["according_to"] = according
        contrary = self.contrary.get(iri)
        if contrary:
            found["contested_by"] = [self._statement(c) for c in contrary]
        if prov.value(iri, IKG.negated) is not None:
            found["negated"] = True  # the source says it does not hold
        if prov.value(iri, IKG.ended) is not None:
            found["ended"] = True  # the source says it is over
        succession = self.ended_by.get(iri)
        if succession is not None:
            found["ended_by"] = {
                "rule": SUCCESSION_RULE,
                "reading": (
                    f"{self.label(succession.office)} has one holder at a time: "
                    f"{self.label(succession.successor)}'s term began by "
                    f"{succession.until.isoformat()}, so this term ended by then"
                ),
                "successor": self.label(succession.successor),
                "statement": short(succession.by),
                "until": succession.until.isoformat(),
            }
        return found

    def _axiom(self, axiom: Triple, rule: str) -> str:
        s, p, o = axiom
        if rule == "prp-spo2":
            chain = " ".join(short(link) for link in self.ontology.items(o))
            return f"{short(s)} owl:propertyChainAxiom ( {chain} )"
        return f"{short(s)} {short(p)} {short(o)}"

    def _reading(self, axiom: Triple, rule: str) -> str:
        s, _, o = axiom
        chain = ""
        if rule == "prp-spo2":
            chain = " then ".join(f"“{self.label(link)}”" for link in self.ontology.items(o))
        other = "" if isinstance(o, BNode) else self.label(o)
        article = "an" if other[:1].lower() in "aeiou" else "a"
        return _READINGS.get(rule, rule).format(
            self.label(s), other, chain=chain, a1=f"{article} {other}"
        )


def _rests_on(triple: Triple, reasoning: Reasoning | None, aside: dict) -> set[URIRef]:
    from .contest import _contested_premises

    if reasoning is None or reasoning.closure is None:
        return set()
    return _contested_premises(triple, reasoning.closure, aside)


def _absent_message(records: list[dict]) -> str:
    if not records:
        return "does not hold: no Reported statement says so and nothing follows from those that do"
    statuses = sorted({r["status"] for r in records})
    return (
        f"does not hold: {len(records)} statement(s) record it as {', '.join(statuses)}; "
        "only Reported statements become facts and reach the reasoner"
    )


def _fragment(node: Node | None) -> str | None:
    if node is None:
        return None
    return node.fragment if node in STATUSES else short(node)  # type: ignore[union-attr]


def _text(node: Node | None) -> str | None:
    return str(node) if node is not None else None


def _number(node: Node | None) -> int | None:
    return int(node) if isinstance(node, Literal) and str(node).isdigit() else None


_CACHE: dict[tuple, Explainer] = {}


def explainer_for(source: Explainer | Dataset | Path | str) -> Explainer:
    """An Explainer for a dataset, an N-Quads file (cached while the file is unchanged)."""
    if isinstance(source, Explainer):
        return source
    if isinstance(source, Dataset):
        return Explainer.from_dataset(source)
    path = Path(source).resolve()
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE:
        dataset = Dataset()
        dataset.parse(path, format="nquads")
        _CACHE.clear()  # one dataset at a time: the current build
        _CACHE[key] = Explainer.from_dataset(dataset)
    return _CACHE[key]


def explain_triple(
    source: Explainer | Dataset | Path | str,
    subject: str | Node,
    predicate: str | Node,
    object: str | Node,
) -> dict:
    """JSON-ready explanation of ``subject predicate object`` over a dataset (see module doc).

    Terms may be nodes or strings as ``parse_term`` reads them (``id:badr-organization``,
    ``ikg:partOf``, full IRIs, N3 literals). Raises ValueError for an unreadable term."""
    terms = [
        term if isinstance(term, Node) else parse_term(term, position)
        for term, position in ((subject, "subject"), (predicate, "predicate"), (object, "object"))
    ]
    return explainer_for(source).explain((terms[0], terms[1], terms[2]))


def explain_entity(source: Explainer | Dataset | Path | str, entity: str | Node) -> list[dict]:
    """For an entity page: every inferred relation from the entity, each explained one step
    deep (rule, reading, premises with how they hold and their sources), sorted by label."""
    explainer = explainer_for(source)
    node = entity if isinstance(entity, Node) else parse_term(entity)
    closure = explainer.reasoning.closure
    assert closure is not None
    found = []
    for triple in explainer.reasoning.inferred.triples((node, None, None)):
        if triple[1] != RDF.type and isinstance(triple[2], URIRef) and triple in closure.derived:
            explanation = explainer.explain(triple, depth=MAX_DEPTH - 1)
            found.append(explanation)
    return sorted(
        found,
        key=lambda e: (e["triple"]["predicate"]["label"], e["triple"]["object"]["label"]),
    )
