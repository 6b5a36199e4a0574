"""Conversion between pyoxigraph terms and rdflib terms (the engine-neutral currency)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from iraqkg.engines.errors import QueryRefused

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: object) -> Node | None:
    """An rdflib term for a pyoxigraph term (None stays None: an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        # normalize=False keeps the lexical form exactly as stored ("01" stays "01").
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    if isinstance(term, ox.Triple):
        raise QueryRefused("RDF 1.2 triple terms cannot be returned by this endpoint")
    raise TypeError(f"unexpected term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A pyoxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != _RDF_LANGSTRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")
