"""What the network is read with: the ties it draws, by kind, and the SPARQL SELECTs over a
built dataset that give its nodes, stated / inferred / claimed ties and their schema
(network.py builds the graph from their rows)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rdflib.term import Node

from iraqkg.namespaces import (
    ASSERTED_GRAPH,
    CONTESTED_GRAPH,
    IKG,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    PROVENANCE_GRAPH,
)

Select = Callable[[str], Iterable[dict[str, Node]]]

# The ties between actors the network draws, by kind (the predicate's local name). The
# inverses (hasMember, hasPart, hasLeader, hasArmedWing, hasPoliticalWing) are left out:
# they repeat an edge the other way round. Events, places, offices and works are not actors.
AFFILIATION = (
    "affiliatedWith",
    "memberOf",
    "partOf",
    "foundingFactionOf",
    "armedWingOf",
    "politicalWingOf",
    "leadershipRoleIn",
    "leaderOf",
    "commanderOf",
    "deputyOf",
    "chiefOfStaffOf",
    "founderOf",
)
RELATIONAL = (
    "alliedWith",
    "rivalOf",
    "alignedWith",
    "backedBy",
    "fundedBy",
    "directedBy",
    "opposedTo",
    "attacked",
    "threatens",
    "splitFrom",
    "renamedTo",
    "designatedTerroristBy",
    "sanctionedBy",
    "childOf",
    "succeeded",
    "appointedBy",
    "dismissedBy",
    "mentorOf",
    "detainedBy",
    "represents",
    "frontFor",  # added for source-003
    "foughtAlongside",
    "cooperatesWith",
    "negotiatedWith",
    "pressured",
    "accused",
    "criticised",
    "praised",  # added for source-004
    "supported",
    "left",
    "withdrewFrom",
    "backedDownFrom",
    "mediatesBetween",  # added for source-004
    "seeksToControl",
    "littleControlOver",  # added for source-003
    "obstructed",  # added for source-004
    "defeated",  # added for source-002
    "resents",  # added for source-001: an attitude between actors, drawn like criticism
    "strainedRelationsWith",  # added for source-004: the state of a relationship, both ways
)
NETWORK_PREDICATES = AFFILIATION + RELATIONAL
# Ties between actors deliberately not drawn (tests check every tie in the data is one or
# the other, so a new property forces a decision).
NOT_DRAWN = (
    "hasMember",
    "hasPart",
    "hasLeader",
    "hasArmedWing",
    "hasPoliticalWing",
    "basedIn",
    "controls",
    "publishedBy",
    "providesSecurityIn",  # its object is a place
    "capitalOf",  # between places (added for source-001)
    "borders",  # between places (added for source-002)
    "placeOfPublication",  # a work to a city
)
# Statuses that mean a source disagrees with a tie ("Negated": a Reported statement that it
# does not hold, ``ikg:negated``). The build's own marks (``ikg:contested`` on statements,
# the contested graph) are read too.
CONTESTED_STATUSES = ("Disputed", "Denied", "Negated")

_VALUES = " ".join(f"ikg:{name}" for name in NETWORK_PREDICATES)
_PREFIXES = f"""PREFIX ikg: <{IKG}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
_TIES = f"<{ASSERTED_GRAPH}> <{INFERRED_GRAPH}> <{CONTESTED_GRAPH}>"
_RECORDS = f"<{PROVENANCE_GRAPH}> <{CONTESTED_GRAPH}>"
# Graph sets as VALUES, not FILTER(?g IN ...): Oxigraph then looks in those graphs only
# (with a filter it evaluated an OPTIONAL over every graph: 140 s instead of 0.2 s).
_ACTORS = f"""FILTER EXISTS {{ VALUES ?ga {{ {_TIES} }} GRAPH ?ga {{ ?s a ikg:Actor }} }}
  FILTER EXISTS {{ VALUES ?gb {{ {_TIES} }} GRAPH ?gb {{ ?o a ikg:Actor }} }}"""
_QUALIFIERS = """OPTIONAL { ?st ikg:source ?source } OPTIONAL { ?st ikg:paragraph ?paragraph }
      OPTIONAL { ?st ikg:start ?start } OPTIONAL { ?st ikg:end ?end }
      OPTIONAL { ?st ikg:pointInTime ?point } OPTIONAL { ?st ikg:accordingTo ?according }
      OPTIONAL { ?st ikg:validDuring ?v
        OPTIONAL { ?v ikg:validFrom ?from } OPTIONAL { ?v ikg:validUntil ?until } }"""
# A Reported statement that a tie holds (not one saying it does not: ikg:negated).
_STATED = """?st a ikg:Statement ; ikg:status ikg:Reported ;
          ikg:subject ?s ; ikg:predicate ?p ; ikg:object ?o .
      FILTER NOT EXISTS { ?st ikg:negated true }"""

NODES_QUERY = (
    _PREFIXES
    + f"""SELECT ?x ?type ?label ?description ?wikidata WHERE {{
  {{ SELECT DISTINCT ?x WHERE {{ VALUES ?g {{ {_TIES} }} GRAPH ?g {{ ?x a ikg:Actor }} }} }}
  OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?x a ?type }} }}
  OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?x skos:prefLabel ?label }} }}
  OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?x ikg:description ?description }} }}
  OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?x skos:exactMatch ?wikidata }} }}
}}"""
)
# Stated ties: in the asserted graph, or in the contested graph when a source contradicts
# them (the build moves those out of the asserted graph).
ASSERTED_QUERY = (
    _PREFIXES
    + f"""SELECT ?s ?p ?o ?tg ?st ?source ?paragraph ?start ?end ?point ?according ?v ?from
       ?until WHERE {{
  VALUES ?p {{ {_VALUES} }}
  VALUES ?tg {{ <{ASSERTED_GRAPH}> <{CONTESTED_GRAPH}> }} GRAPH ?tg {{ ?s ?p ?o }}
  {_ACTORS}
  OPTIONAL {{ GRAPH <{PROVENANCE_GRAPH}> {{ {_STATED}
      {_QUALIFIERS} }} }}
  FILTER(?tg = <{ASSERTED_GRAPH}> || BOUND(?st))
}}"""
)
# Inferred ties: the inferred graph, and what follows only through a contested tie (the
# contested graph also holds the stated contested tie: build_network drops it here, since a
# nested NOT EXISTS made Oxigraph take minutes).
INFERRED_QUERY = (
    _PREFIXES
    + f"""SELECT ?s ?p ?o ?tg ?record ?rule ?v ?from ?until WHERE {{
  VALUES ?p {{ {_VALUES} }}
  VALUES ?tg {{ <{INFERRED_GRAPH}> <{CONTESTED_GRAPH}> }} GRAPH ?tg {{ ?s ?p ?o }}
  {_ACTORS}
  OPTIONAL {{ VALUES ?rg {{ {_RECORDS} }} GRAPH ?rg {{
      ?record a ikg:Inference ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
      OPTIONAL {{ ?record ikg:rule ?rule }}
      OPTIONAL {{ ?record ikg:validDuring ?v
        OPTIONAL {{ ?v ikg:validFrom ?from }} OPTIONAL {{ ?v ikg:validUntil ?until }} }} }} }}
}}"""
)
# What a source presents as alleged, claimed, denied or disputed, and Reported statements
# that a tie does not hold (ikg:negated): edges of their own, never reasoned over.
CLAIMS_QUERY = (
    _PREFIXES
    + f"""SELECT ?s ?p ?o ?st ?status ?negated ?source ?paragraph ?start ?end ?point
       ?according ?v ?from ?until WHERE {{
  VALUES ?p {{ {_VALUES} }}
  GRAPH <{PROVENANCE_GRAPH}> {{
    ?st a ikg:Statement ; ikg:status ?status ; ikg:subject ?s ; ikg:predicate ?p ;
        ikg:object ?o .
    OPTIONAL {{ ?st ikg:negated ?negated }}
    FILTER(?status != ikg:Reported || (BOUND(?negated) && ?negated))
    {_QUALIFIERS} }}
  {_ACTORS}
}}"""
)
# Statements the build marks contested (a negation or a denial contradicts them).
CONTESTED_QUERY = (
    _PREFIXES
    + f"""SELECT DISTINCT ?st WHERE {{ GRAPH <{PROVENANCE_GRAPH}> {{ ?st ikg:contested true }} }}"""
)
SCHEMA_QUERY = (
    _PREFIXES
    + f"""SELECT ?p ?label ?super ?symmetric WHERE {{
  VALUES ?p {{ {_VALUES} }}
  OPTIONAL {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?p rdfs:label ?label }} }}
  OPTIONAL {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?p rdfs:subPropertyOf ?super }} }}
  BIND(EXISTS {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?p a owl:SymmetricProperty }} }} AS ?symmetric)
}}"""
)
