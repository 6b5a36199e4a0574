"""The SPARQL 1.1 Service Description of this endpoint (sd: vocabulary), as an RDF graph,
with a VoID description of its dataset (counts, dumps, sources, licence as stated)."""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD

from iraqkg.engines.formats import ALL_FORMATS, FORMATS_NS
from iraqkg.namespaces import ALL_GRAPHS, ID, IKG, PREFIXES, SH
from iraqkg.settings import EndpointSettings
from iraqkg.web.executor import EngineInfo

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENT = Namespace("http://www.w3.org/ns/entailment/")
FORMATS = Namespace(FORMATS_NS)
# What the sources and the project say about a licence: nothing (data/sources.ttl).
NO_LICENCE = (
    "No licence is stated: the source documents do not state one, and neither does this "
    "project. Ask the publishers of the sources before reusing their words."
)


def _graph_node(graph: Graph, triples: int) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, SD.Graph))
    graph.add((node, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return node


def description_graph(
    endpoint: str,
    settings: EndpointSettings,
    info: EngineInfo,
    void: dict[str, Any] | None = None,
) -> Graph:
    """Describe the endpoint at ``endpoint`` (the URL the client used); ``void`` holds the
    dataset's facts (``web.dataset.void_facts``): entities, sources, dump names."""
    graph = Graph(bind_namespaces="none")
    for prefix, ns in (
        ("sd", SD),
        ("void", VOID),
        ("formats", FORMATS),
        ("ent", ENT),
        ("dcterms", DCTERMS),
        ("rdfs", RDFS),
    ):
        graph.bind(prefix, ns)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.defaultEntailmentRegime, ENT.Simple))
    for fmt in ALL_FORMATS:
        graph.add((service, SD.resultFormat, FORMATS[fmt.sd_name]))
    if settings.union_default_graph:
        graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))

    # The predefined prefixes (a query need not declare them), as SHACL prefix declarations.
    graph.bind("sh", SH)
    for prefix, namespace in PREFIXES.items():
        declaration = BNode(f"prefix-{prefix}")
        graph.add((service, SH.declare, declaration))
        graph.add((declaration, SH.prefix, Literal(prefix)))
        graph.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))

    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    counts = dict(info.counts)
    graph.add((dataset, SD.defaultGraph, _graph_node(graph, counts.pop("default", 0))))
    # The build's four graphs first, then any other graph the dataset files named.
    names = [str(g) for g in ALL_GRAPHS if str(g) in counts]
    names += sorted(name for name in counts if name not in names)
    subsets = []
    for name in names:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        node = _graph_node(graph, counts[name])
        graph.add((named, SD.graph, node))
        subsets.append(node)
    if void is not None:
        _void(graph, dataset, endpoint, subsets, sum(counts[n] for n in names), void)
    return graph


def _void(
    graph: Graph,
    dataset: BNode,
    endpoint: str,
    subsets: list[BNode],
    triples: int,
    facts: dict[str, Any],
) -> None:
    """The dataset as a void:Dataset: each named graph a subset with its triples."""
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, VOID.triples, Literal(triples, datatype=XSD.integer)))
    graph.add((dataset, VOID.entities, Literal(facts["entities"], datatype=XSD.integer)))
    graph.add((dataset, VOID.uriSpace, Literal(str(ID))))
    graph.add((dataset, VOID.vocabulary, URIRef(str(IKG))))
    root = endpoint.rsplit("/sparql", 1)[0]
    for key in facts["dumps"]:
        graph.add((dataset, VOID.dataDump, URIRef(f"{root}/dataset.{key}")))
    for node in subsets:
        graph.add((node, RDF.type, VOID.Dataset))
        graph.add((dataset, VOID.subset, node))
    for source, label in facts["sources"]:
        graph.add((dataset, DCTERMS.source, source))
        if label is not None:
            graph.add((source, RDFS.label, label))
    # No dcterms:license: none is stated anywhere, and that is what the description says.
    graph.add((dataset, DCTERMS.rights, Literal(NO_LICENCE, lang="en")))
