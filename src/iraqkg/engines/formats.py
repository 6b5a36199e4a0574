"""The result and RDF formats the endpoint speaks: media types, aliases and short names.

One table serves serialisation, content negotiation, the ``format`` parameter and the
service description, so adding a format is one line here plus its writer.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    key: str  # stable internal name
    media_type: str  # what the response says
    aliases: tuple[str, ...] = ()  # other media types a client may ask for in Accept
    names: tuple[str, ...] = ()  # values of the ``format`` request parameter
    text: bool = True  # answered with "; charset=utf-8"
    sd_name: str = ""  # local name under http://www.w3.org/ns/formats/

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    @property
    def offers(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# SELECT and ASK results, in server preference order (the first is the default).
RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "srj",
        "application/sparql-results+json",
        ("application/json",),
        ("json", "srj"),
        text=False,
        sd_name="SPARQL_Results_JSON",
    ),
    Format(
        "srx",
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        ("xml", "srx"),
        text=False,
        sd_name="SPARQL_Results_XML",
    ),
    Format("csv", "text/csv", (), ("csv",), sd_name="SPARQL_Results_CSV"),
    Format("tsv", "text/tab-separated-values", (), ("tsv",), sd_name="SPARQL_Results_TSV"),
)

# CONSTRUCT and DESCRIBE results (and the service description), in preference order.
GRAPH_FORMATS: tuple[Format, ...] = (
    # Turtle is N3 without N3's extensions: N3 readers (SPARQLWrapper's N3) read it.
    Format(
        "turtle",
        "text/turtle",
        (
            "application/x-turtle",
            "application/turtle",
            "text/n3",
            "text/rdf+n3",
            "application/n3",
            "application/rdf+n3",
        ),
        ("turtle", "ttl", "n3"),
        sd_name="Turtle",
    ),
    Format("nt", "application/n-triples", (), ("nt", "ntriples", "n-triples"), sd_name="N-Triples"),
    Format(
        "jsonld",
        "application/ld+json",
        ("application/json", "application/x-json+ld"),
        ("json-ld", "jsonld", "json"),
        text=False,
        sd_name="JSON-LD",
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        ("rdfxml", "rdf+xml", "rdf", "xml"),
        text=False,
        sd_name="RDF_XML",
    ),
    Format("trig", "application/trig", (), ("trig",), sd_name="TriG"),
    Format("nq", "application/n-quads", (), ("nq", "nquads", "n-quads"), sd_name="N-Quads"),
)

ALL_FORMATS = RESULT_FORMATS + GRAPH_FORMATS


def formats_for(kind: str) -> tuple[Format, ...]:
    """The formats a result of this kind ("select", "ask" or "graph") can be written in."""
    return GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS


def is_known(wanted: str) -> bool:
    """True when ``wanted`` names some format, of any kind."""
    return any(find_format(kind, wanted) for kind in ("select", "graph"))


def find_format(kind: str, wanted: str) -> Format | None:
    """The format for a media type, alias or short name, among those of ``kind``."""
    wanted = wanted.split(";", 1)[0].strip().lower()
    for fmt in formats_for(kind):
        if wanted == fmt.key or wanted in fmt.names or wanted in fmt.offers:
            return fmt
    return None
