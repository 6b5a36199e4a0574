"""Every named setting, its default and its limits, in one place.

Nothing here reads the environment: the CLI (the edge) turns options and
``IRAQKG_*`` variables into these objects and passes them down.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

WIKIDATA_QUERY_SERVICE = "https://query.wikidata.org/sparql"

Limits = dict[str, tuple[float, float]]


def setting(default: Any, doc: str = "") -> Any:
    """A settings field with what it means (``iraqkg settings`` lists it)."""
    return field(default=default, metadata={"doc": doc})


def _check(settings: Any) -> None:
    """Every setting inside its class's LIMITS and CHOICES (a ValueError names it)."""
    for name, (low, high) in settings.LIMITS.items():
        value = getattr(settings, name)
        if not low <= value <= high:
            raise ValueError(f"setting {name}={value} is outside {low}..{high}")
    for name, choices in settings.CHOICES.items():
        value = getattr(settings, name)
        if value not in choices:
            spelled = ", ".join(choices[:-1]) + " or " + choices[-1]
            raise ValueError(f"setting {name}={value!r}: use {spelled}")


@dataclass(frozen=True)
class Paths:
    """Where the build reads from and writes to."""

    ontology: Path = Path("ontology")
    data: Path = Path("data")
    out: Path = Path("build")
    # Source texts for quote checks; None skips them (they live outside the project).
    sources: Path | None = None
    # The named queries whose default answers the build keeps (answers.py); None: none.
    queries: Path | None = None


@dataclass(frozen=True)
class BuildSettings:
    """How a build runs."""

    keep_builds: int = setting(
        3, "Builds kept in the output folder besides the current one (older ones are removed)."
    )
    check_quotes: bool = setting(
        True, "Check every quote against the source texts when ``Paths.sources`` is set."
    )
    max_file_bytes: int = setting(
        256 * 1024 * 1024,
        "Largest data or ontology file read, in bytes (1 KiB..4 GiB): a larger one is refused.",
    )
    max_literal_bytes: int = setting(
        64 * 1024, "Longest literal, in UTF-8 bytes (64..16 MiB): quotes are at most 25 words."
    )
    answer_seconds: float = setting(
        30.0,
        "Seconds each named query may take when the build keeps its default answer "
        "(0..3600; 0 keeps none): one slower is asked of the engine when served.",
    )
    answer_rows: int = setting(
        100_000,
        "Most rows a kept answer may have (1..10,000,000): larger ones are asked of the engine.",
    )

    LIMITS: ClassVar[Limits] = {
        "keep_builds": (0, 1000),
        "max_file_bytes": (1024, 4 * 1024**3),
        "max_literal_bytes": (64, 16 * 1024 * 1024),  # pyoxigraph's own token limit
        "answer_seconds": (0, 3600),
        "answer_rows": (1, 10_000_000),
    }
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True)
class LinkSettings:
    """How ``iraqkg link`` reconciles entities against a Wikidata dump."""

    threshold: float = setting(85.0, "Lowest score (0..100) a candidate needs to be listed.")
    top: int = setting(5, "Candidates kept per entity (1..100).")
    languages: tuple[str, ...] = setting(
        ("en", "ar"),
        "Languages preferred when two names score the same (all languages are compared).",
    )
    prefilter: bool = setting(
        True, "Skip, unparsed, dump lines whose labels share no word with any name of ours."
    )

    LIMITS: ClassVar[Limits] = {"threshold": (0, 100), "top": (1, 100)}
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}

    def __post_init__(self) -> None:
        _check(self)


@dataclass(frozen=True)
class EndpointSettings:
    """The SPARQL endpoint's behaviour and limits (documented in the README)."""

    host: str = setting("127.0.0.1", "Address the HTTP server listens on.")
    port: int = setting(8000, "Port it listens on (0: any free one).")
    engine: str = setting(
        "oxigraph",
        'Embedded engine: "oxigraph" (default), "rdflib", or "remote" with ``endpoint``.',
    )
    endpoint: str | None = setting(None, "engine=remote: the remote store's SPARQL query URL.")
    graph_store: str | None = setting(
        None,
        "engine=remote: Graph Store Protocol URL the dataset is uploaded to; None "
        'derives it from ``endpoint`` (Oxigraph ".../query" -> ".../store", Fuseki '
        '".../sparql" -> ".../data").',
    )
    remote_timeout_param: str | None = setting(
        "timeout",
        "engine=remote: the query parameter that tells the store its time limit, in "
        'seconds (Fuseki\'s "timeout"; Oxigraph ignores it); None sends none.',
    )
    remote_timeout_unit: str = setting(
        "s", 'engine=remote: the unit of that parameter, "s" (Fuseki) or "ms" (Virtuoso).'
    )
    remote_load: str = setting(
        "upload",
        'engine=remote: "upload" (iraqkg mirrors the dataset into a store dedicated to '
        'it, by the Graph Store Protocol) or "verify" (the store\'s owner loaded it, '
        "e.g. with Virtuoso's bulk loader from `iraqkg export virtuoso`: iraqkg only "
        "checks that every graph holds the build's triple count, and never writes to "
        "the store).",
    )
    remote_union_graph: str = setting(
        "https://w3id.org/iraqkg/graph/union",
        "engine=remote, remote_load=verify: the store's graph holding the union of the "
        "named graphs. Queries that name no dataset are sent it as default-graph-uri "
        "and the build's graphs as named-graph-uri, so a store holding other graphs "
        "(Virtuoso's system graphs) answers exactly as the embedded engine.",
    )
    store: str = setting(
        "memory",
        'engine=oxigraph: "memory" (each query worker loads the dataset into memory) or'
        ' "disk" (one on-disk store beside the dataset, written once, opened read-only '
        "by every worker: start-up in milliseconds and one copy in the page cache; for "
        "large builds).",
    )
    query_timeout: float = setting(10.0, "Seconds before a query is stopped (1..300).")
    max_rows: int = setting(
        100_000,
        "Most rows (SELECT) or triples (CONSTRUCT / DESCRIBE) in one answer "
        "(1..1_000_000); an answer over it is an error (422), never cut. The default "
        "holds the whole dataset.",
    )
    max_request_bytes: int = setting(
        1_000_000, "Largest request body accepted, in bytes (1 KiB..16 MiB)."
    )
    workers: int = setting(
        2, "Query worker processes (1..16); a worker that times out is killed and replaced."
    )
    queue_timeout: float = setting(
        30.0, "Seconds a request may wait for a free query worker before 503 busy (1..300)."
    )
    http_server: str = setting(
        "waitress",
        'The HTTP server: "waitress" (pure Python) or "granian" (Rust HTTP, answers '
        "repeated queries without a thread; see src/iraqkg/web/rsgi.py).",
    )
    event_loop: str = setting(
        "auto",
        'granian\'s event loop: "auto" (uvloop when installed, else asyncio), "asyncio" '
        'or "uvloop" (its loop costs less per request: bench/results/http.md).',
    )
    http_processes: int = setting(
        1,
        "granian's server processes on the one port (1..16; Linux): each further one is"
        " a replica with its own app, ``workers`` query workers, fast lane and answer "
        "cache, and the kernel spreads connections over them (web/replicas.py). One "
        "event loop tops out near one core: on a machine with more, 2 or more serves "
        "more short queries.",
    )
    threads: int = setting(
        8, "Request threads (1..64): waitress's, or those granian hands requests to."
    )
    cache_bytes: int = setting(
        64 * 1024 * 1024,
        "Bytes of answers kept for repeated queries (0..1 GiB; 0 turns the cache off).",
    )
    union_default_graph: bool = setting(
        True, "Default graph is the union of the named graphs when True."
    )
    cors_origins: tuple[str, ...] = setting(
        ("*",), 'Origins allowed by CORS ("*" for any; empty tuple turns CORS off).'
    )
    service_allowlist: tuple[str, ...] = setting(
        (WIKIDATA_QUERY_SERVICE,),
        "Endpoints a SERVICE clause may call; anything else is refused before any fetch.",
    )
    max_answer_bytes: int = setting(
        32 * 1024 * 1024,
        "Largest answer body in bytes (1 KiB..1 GiB); a larger answer is an error, not cut.",
    )
    max_query_depth: int = setting(
        200,
        "Deepest nesting of { ( [ in a query (10..1000): deeper ones are refused before"
        " the parser sees them (a few thousand levels overflow its stack).",
    )
    request_read_timeout: float = setting(
        10.0, "Seconds a client may take to send one whole request, headers and body (1..300)."
    )
    idle_timeout: float = setting(
        15.0, "Seconds an idle keep-alive connection stays open (1..300)."
    )
    max_connections: int = setting(
        1000, "Open client connections served at once (10..10_000); more wait in the listen queue."
    )
    slow_query_memory: float = setting(
        300.0,
        "Seconds a query that timed out is remembered (0..3600): while remembered, the "
        "same query (comments and spacing aside) runs on at most one worker at a time "
        "and is refused at once when that worker is taken, so it cannot starve other "
        "queries.",
    )
    demote_after: float = setting(
        0.25,
        "Seconds a query runs at normal CPU priority (0.01..300): past that, the worker"
        " thread running it drops to nice ``background_nice``, so cheap queries on the "
        "other workers (and the server itself) get the CPU first.",
    )
    background_nice: int = setting(
        19,
        "Nice value (0..19) of demoted queries; 0 turns demotion off. Linux only (a "
        "nice value per thread); elsewhere a no-op.",
    )
    fast_lane_ms: float = setting(
        2.0,
        "Milliseconds (0..50): a query a worker answered within this is remembered and,"
        " asked again (trailing comments aside), runs in the server process with no "
        "worker round trip (web/fast_lane.py); 0 turns the lane off. engine=oxigraph "
        "only.",
    )
    base_url: str | None = setting(
        None,
        "The endpoint's public URL (e.g. https://kg.example.org/sparql), used as the "
        "base IRI of queries and in the service description; None: "
        "http://host:port/sparql from the settings, never from the request's Host "
        "header.",
    )
    service_rewrite: tuple[tuple[str, str], ...] = setting(
        (),
        "(SERVICE IRI, URL) pairs: a SERVICE clause naming the IRI calls the URL "
        "instead (a Wikidata mirror, a local test server). The IRI must be on the "
        "allowlist, which is checked against the query as written; clients cannot name "
        "the URL itself.",
    )

    LIMITS: ClassVar[Limits] = {
        "query_timeout": (1, 300),
        "queue_timeout": (1, 300),
        "max_rows": (1, 1_000_000),
        "max_request_bytes": (1024, 16 * 1024 * 1024),
        "workers": (1, 16),
        "threads": (1, 64),
        "cache_bytes": (0, 1024 * 1024 * 1024),
        "port": (0, 65535),
        "max_answer_bytes": (1024, 1024 * 1024 * 1024),
        "max_query_depth": (10, 1000),
        "request_read_timeout": (1, 300),
        "idle_timeout": (1, 300),
        "max_connections": (10, 10_000),
        "slow_query_memory": (0, 3600),
        "demote_after": (0.01, 300),
        "background_nice": (0, 19),
        "fast_lane_ms": (0, 50),
        "http_processes": (1, 16),
    }
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {
        "engine": ("oxigraph", "rdflib", "remote"),
        "store": ("memory", "disk"),
        "http_server": ("waitress", "granian"),
        "event_loop": ("auto", "asyncio", "uvloop"),
        "remote_timeout_unit": ("s", "ms"),
        "remote_load": ("upload", "verify"),
    }

    def __post_init__(self) -> None:
        _check(self)
        if self.engine == "remote" and not self.endpoint:
            raise ValueError("setting engine=remote needs endpoint=URL")
        if self.http_processes > 1 and self.http_server != "granian":
            raise ValueError("setting http_processes > 1 needs http_server=granian")
        if self.http_processes > 1 and not sys.platform.startswith("linux"):
            raise ValueError("setting http_processes > 1 needs Linux (SO_REUSEPORT)")
        if self.base_url is not None and not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"setting base_url={self.base_url!r}: use an http(s) URL")
        from iraqkg.engines.services import check_routes  # the rule lives with the routing

        check_routes(self.service_rewrite, self.service_allowlist)

    @property
    def endpoint_url(self) -> str:
        """The public /sparql URL: ``base_url``, else built from host and port."""
        if self.base_url:
            return self.base_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/sparql"
