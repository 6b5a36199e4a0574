"""The SPARQL 1.1 Service Description of this endpoint (sd: vocabulary), as an RDF graph."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, VOID, XSD

from iraqkg.engines.formats import ALL_FORMATS, FORMATS_NS
from iraqkg.namespaces import ALL_GRAPHS
from iraqkg.settings import EndpointSettings
from iraqkg.web.executor import EngineInfo

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENT = Namespace("http://www.w3.org/ns/entailment/")
FORMATS = Namespace(FORMATS_NS)


def _graph_node(graph: Graph, triples: int) -> BNode:
    node = BNode()
    graph.add((node, RDF.type, SD.Graph))
    graph.add((node, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return node


def description_graph(endpoint: str, settings: EndpointSettings, info: EngineInfo) -> Graph:
    """Describe the endpoint at ``endpoint`` (the URL the client used)."""
    graph = Graph(bind_namespaces="none")
    for prefix, ns in (("sd", SD), ("void", VOID), ("formats", FORMATS), ("ent", ENT)):
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

    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    counts = dict(info.counts)
    graph.add((dataset, SD.defaultGraph, _graph_node(graph, counts.pop("default", 0))))
    # The build's four graphs first, then any other graph the dataset files named.
    names = [str(g) for g in ALL_GRAPHS if str(g) in counts]
    names += sorted(name for name in counts if name not in names)
    for name in names:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, _graph_node(graph, counts[name])))
    return graph
