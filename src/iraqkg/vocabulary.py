"""The ontology as a reference: every class and property with its label, definition, place in
the hierarchy, domain, range, characteristics and mappings to other vocabularies.

``describe(graph)`` reads an ontology graph (rdflib) and returns JSON-ready data; the web's
``/ontology`` page renders it and adds one example triple per term from the served data.
"""

from __future__ import annotations

from typing import Any

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS
from rdflib.term import Node

from iraqkg.explain import short
from iraqkg.namespaces import IKG, ORG, PROV, SEM

# Which outside vocabulary a mapping points into, by namespace.
VOCABULARIES = {
    "http://www.wikidata.org/": "Wikidata",
    str(ORG): "W3C Organization Ontology",
    str(PROV): "PROV-O",
    str(SEM): "Simple Event Model",
    "https://schema.org/": "schema.org",
    "http://www.w3.org/2004/02/skos/core#": "SKOS",
    "http://www.w3.org/2000/01/rdf-schema#": "RDF Schema",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "RDF",
    "http://purl.org/dc/terms/": "Dublin Core",
}
_MAPPINGS = {
    OWL.equivalentClass: "equivalent class",
    OWL.equivalentProperty: "equivalent property",
    RDFS.subClassOf: "subclass of",
    RDFS.subPropertyOf: "subproperty of",
    SKOS.exactMatch: "exact match",
    SKOS.closeMatch: "close match",
    SKOS.broadMatch: "broad match",
    SKOS.narrowMatch: "narrow match",
    SKOS.relatedMatch: "related match",
}
_PROPERTY_KINDS = {
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    RDF.Property: "property",
}
_CHARACTERISTICS = {
    OWL.TransitiveProperty: "transitive",
    OWL.SymmetricProperty: "symmetric",
    OWL.FunctionalProperty: "functional",
    OWL.InverseFunctionalProperty: "inverse functional",
    OWL.AsymmetricProperty: "asymmetric",
    OWL.IrreflexiveProperty: "irreflexive",
    OWL.ReflexiveProperty: "reflexive",
}


def vocabulary_of(iri: str) -> str | None:
    return next((name for ns, name in VOCABULARIES.items() if iri.startswith(ns)), None)


def _text(graph: Graph, term: Node, *predicates: URIRef) -> str | None:
    for predicate in predicates:
        values = sorted(graph.objects(term, predicate), key=lambda v: (v.language != "en", str(v)))
        if values:
            return str(values[0])
    return None


def _label(graph: Graph, term: Node) -> str:
    return _text(graph, term, RDFS.label, SKOS.prefLabel) or short(term)


def ref(graph: Graph, term: Node) -> dict[str, Any]:
    """A term as the page shows it: IRI, short name, label, anchor for our own terms."""
    if isinstance(term, BNode):
        return {"term": "(anonymous)", "iri": None, "label": "(anonymous class)", "anchor": None}
    iri = str(term)
    own = iri.startswith(str(IKG))
    return {
        "term": short(term),
        "iri": iri,
        "label": _label(graph, term) if own else short(term),
        "anchor": iri[len(str(IKG)) :] if own else None,
        "vocabulary": None if own else vocabulary_of(iri),
    }


def _refs(graph: Graph, terms) -> list[dict[str, Any]]:
    return sorted((ref(graph, t) for t in set(terms)), key=lambda r: r["term"])


def _mappings(graph: Graph, term: URIRef) -> list[dict[str, Any]]:
    found = []
    for predicate, relation in _MAPPINGS.items():
        for target in graph.objects(term, predicate):
            if isinstance(target, URIRef) and not str(target).startswith(str(IKG)):
                found.append({"relation": relation, "target": ref(graph, target)})
    return sorted(found, key=lambda m: (m["target"]["vocabulary"] or "", m["target"]["term"]))


def _own(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(
        (t for t in set(graph.subjects(RDF.type, kind)) if str(t).startswith(str(IKG))), key=str
    )


def describe(graph: Graph) -> dict[str, Any]:
    """Classes, properties and individuals of the ikg namespace in ``graph``, by name."""
    classes = []
    for cls in _own(graph, OWL.Class):
        classes.append(
            {
                **ref(graph, cls),
                "kind": "class",
                "definition": _text(graph, cls, SKOS.definition, RDFS.comment),
                "superclasses": _refs(
                    graph,
                    (c for c in graph.objects(cls, RDFS.subClassOf) if str(c).startswith(str(IKG))),
                ),
                "subclasses": _refs(graph, graph.subjects(RDFS.subClassOf, cls)),
                "mappings": _mappings(graph, cls),
            }
        )
    properties = []
    seen: set[URIRef] = set()
    for kind, kind_label in _PROPERTY_KINDS.items():
        for prop in _own(graph, kind):
            if prop in seen:
                continue
            seen.add(prop)
            chains = []
            for chain in graph.objects(prop, OWL.propertyChainAxiom):
                chains.append([ref(graph, p) for p in Collection(graph, chain)])
            properties.append(
                {
                    **ref(graph, prop),
                    "kind": kind_label,
                    "definition": _text(graph, prop, SKOS.definition, RDFS.comment),
                    "domain": _refs(graph, graph.objects(prop, RDFS.domain)),
                    "range": _refs(graph, graph.objects(prop, RDFS.range)),
                    "superproperties": _refs(
                        graph,
                        (
                            p
                            for p in graph.objects(prop, RDFS.subPropertyOf)
                            if str(p).startswith(str(IKG))
                        ),
                    ),
                    "inverse": _refs(
                        graph,
                        [*graph.objects(prop, OWL.inverseOf), *graph.subjects(OWL.inverseOf, prop)],
                    ),
                    "characteristics": sorted(
                        name for t, name in _CHARACTERISTICS.items() if (prop, RDF.type, t) in graph
                    ),
                    "chains": chains,
                    "mappings": _mappings(graph, prop),
                }
            )
    properties.sort(key=lambda p: p["iri"])
    individuals = []
    for cls in _own(graph, OWL.Class):
        for individual in sorted(set(graph.subjects(RDF.type, cls)), key=str):
            if str(individual).startswith(str(IKG)):
                individuals.append(
                    {
                        **ref(graph, individual),
                        "kind": "individual",
                        "type": ref(graph, cls),
                        "definition": _text(graph, individual, SKOS.definition, RDFS.comment),
                    }
                )
    ontology = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    return {
        "ontology": None
        if ontology is None
        else {
            "iri": str(ontology),
            "label": _label(graph, ontology),
            "definition": _text(graph, ontology, SKOS.definition, RDFS.comment),
            "version": _text(graph, ontology, OWL.versionInfo),
        },
        "namespace": str(IKG),
        "classes": classes,
        "properties": properties,
        "individuals": individuals,
    }
