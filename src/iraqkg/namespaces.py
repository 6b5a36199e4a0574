"""IRIs the whole package shares: namespaces and the dataset's named graphs."""

from rdflib import Namespace, URIRef

BASE = "https://w3id.org/iraqkg/"
IKG = Namespace(BASE + "ontology#")
ID = Namespace(BASE + "id/")
ST = Namespace(BASE + "statement/")
GRAPH = Namespace(BASE + "graph/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")
WDT = Namespace("http://www.wikidata.org/prop/direct/")
SH = Namespace("http://www.w3.org/ns/shacl#")

ONTOLOGY_GRAPH = URIRef(GRAPH["ontology"])
ASSERTED_GRAPH = URIRef(GRAPH["asserted"])
INFERRED_GRAPH = URIRef(GRAPH["inferred"])
PROVENANCE_GRAPH = URIRef(GRAPH["provenance"])
# Facts a source contradicts, and what follows only through them (src/iraqkg/contest.py).
CONTESTED_GRAPH = URIRef(GRAPH["contested"])
NAMED_GRAPHS = (ONTOLOGY_GRAPH, ASSERTED_GRAPH, INFERRED_GRAPH, PROVENANCE_GRAPH)
# Every graph a build may publish (the contested graph only when a source contradicts one).
ALL_GRAPHS = (*NAMED_GRAPHS, CONTESTED_GRAPH)

PREFIXES = {
    "ikg": str(IKG),
    "id": str(ID),
    "st": str(ST),
    "graph": str(GRAPH),
    "org": str(ORG),
    "prov": str(PROV),
    "sem": str(SEM),
    "schema": str(SCHEMA),
    "wd": str(WD),
    "wdt": str(WDT),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}
