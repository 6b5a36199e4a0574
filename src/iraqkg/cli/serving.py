"""``iraqkg serve``: the SPARQL endpoint and its pages over the current build."""

from __future__ import annotations

import atexit
import sys

import click

from ..build import lease
from ..errors import IraqkgError
from ..queries import load_named_queries
from ..settings import EndpointSettings
from .options import (
    CurrentBuildFiles,
    data_option,
    dataset_files,
    fail,
    ontology_option,
    out_option,
    project_from_options,
    queries_option,
    routes,
    setting_option,
    settings_from,
    sources_option,
)


@click.command()
@ontology_option
@data_option
@out_option
@sources_option
@click.option("--host", default=EndpointSettings.host, show_default=True)
@click.option("--port", default=EndpointSettings.port, show_default=True, type=int)
@click.option(
    "--engine",
    type=click.Choice(["oxigraph", "rdflib", "remote"]),
    default=EndpointSettings.engine,
    show_default=True,
)
@click.option("--endpoint", default=None, help="Remote SPARQL store URL (with --engine remote).")
@click.option(
    "--timeout",
    default=EndpointSettings.query_timeout,
    show_default=True,
    type=float,
    help="Seconds before a query is stopped.",
)
@click.option(
    "--store",
    type=click.Choice(["memory", "disk"]),
    default=EndpointSettings.store,
    show_default=True,
    help="Embedded engine's store: memory (each worker loads the dataset) or disk (written "
    "once beside the dataset, opened read-only by every worker: for large builds).",
)
@click.option(
    "--http-server",
    type=click.Choice(["waitress", "granian"]),
    default=EndpointSettings.http_server,
    show_default=True,
    help="HTTP server: waitress (pure Python) or granian (Rust; several times the "
    "throughput on repeated and short queries).",
)
@click.option(
    "--event-loop",
    type=click.Choice(["auto", "asyncio", "uvloop"]),
    default=EndpointSettings.event_loop,
    show_default=True,
    help="granian's event loop: auto is uvloop when installed (pip install iraqkg[granian]), "
    "else asyncio.",
)
@click.option(
    "--http-processes",
    default=EndpointSettings.http_processes,
    show_default=True,
    type=int,
    help="granian server processes on the one port, each with its own --workers (Linux).",
)
@click.option(
    "--workers",
    default=EndpointSettings.workers,
    show_default=True,
    type=int,
    help="Query worker processes (a timed-out worker is killed and replaced).",
)
@click.option(
    "--max-rows",
    default=EndpointSettings.max_rows,
    show_default=True,
    type=int,
    help="Most rows or triples in one answer (a larger answer is an error: 422).",
)
@click.option(
    "--allow-service",
    "allow_service",
    multiple=True,
    help="An endpoint SERVICE may call (repeatable) [default: the Wikidata Query Service].",
)
@click.option(
    "--service-rewrite",
    "service_rewrite",
    multiple=True,
    metavar="IRI=URL",
    help="Call URL where a SERVICE clause names IRI (an allowlisted endpoint; repeatable), "
    "e.g. a Wikidata mirror.",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help="An origin allowed by CORS (repeatable) [default: *]; 'none' turns CORS off.",
)
@click.option(
    "--dataset",
    "datasets",
    multiple=True,
    help="Publish these RDF files as they are, without the build.",
)
@click.option(
    "--get",
    "get_path",
    default=None,
    help="Make one in-process GET request to PATH, print the response and exit.",
)
@queries_option
@click.option(
    "--base-url",
    default=None,
    help="Public URL of /sparql behind a proxy (base IRI, links) [default: from host, port].",
)
@click.option(
    "--max-answer-bytes",
    default=EndpointSettings.max_answer_bytes,
    show_default=True,
    type=int,
    help="Largest answer body; a larger answer is an error.",
)
@click.option(
    "--max-query-depth",
    default=EndpointSettings.max_query_depth,
    show_default=True,
    type=int,
    help="Deepest { ( [ nesting accepted in a query.",
)
@click.option(
    "--request-read-timeout",
    default=EndpointSettings.request_read_timeout,
    show_default=True,
    type=float,
    help="Seconds a client may take to send a whole request.",
)
@click.option(
    "--max-connections",
    default=EndpointSettings.max_connections,
    show_default=True,
    type=int,
    help="Client connections served at once.",
)
@click.option(
    "--demote-after",
    default=EndpointSettings.demote_after,
    show_default=True,
    type=float,
    help="Seconds a query runs at normal CPU priority before it yields to cheaper ones.",
)
@click.option(
    "--background-nice",
    default=EndpointSettings.background_nice,
    show_default=True,
    type=int,
    help="Nice value of queries past --demote-after (0: off).",
)
@click.option(
    "--fast-lane-ms",
    default=EndpointSettings.fast_lane_ms,
    show_default=True,
    type=float,
    help="A query a worker answered within this many ms runs in the server next time (0: off).",
)
@click.option(
    "--remote-load",
    type=click.Choice(["upload", "verify"]),
    default=EndpointSettings.remote_load,
    show_default=True,
    help="With --engine remote: upload the dataset to a store dedicated to it, or verify a "
    "store its owner loaded (Virtuoso's bulk loader; see `iraqkg export virtuoso`).",
)
@click.option(
    "--remote-union-graph",
    default=EndpointSettings.remote_union_graph,
    show_default=True,
    help="With --remote-load verify: the store's graph holding the union of the named graphs.",
)
@click.option(
    "--remote-timeout-param",
    default=EndpointSettings.remote_timeout_param,
    show_default=True,
    help="Query parameter telling the remote store the time limit ('' sends none).",
)
@click.option(
    "--remote-timeout-unit",
    type=click.Choice(["s", "ms"]),
    default=EndpointSettings.remote_timeout_unit,
    show_default=True,
    help="Unit of that parameter: s (Fuseki) or ms (Virtuoso).",
)
@setting_option("endpoint")
def serve(
    ontology: str | None,
    data: str | None,
    out: str | None,
    sources: str | None,
    host: str,
    port: int,
    engine: str,
    endpoint: str | None,
    timeout: float,
    store: str,
    http_server: str,
    event_loop: str,
    http_processes: int,
    workers: int,
    max_rows: int,
    allow_service: tuple[str, ...],
    service_rewrite: tuple[str, ...],
    cors_origins: tuple[str, ...],
    datasets: tuple[str, ...],
    get_path: str | None,
    queries_dir: str | None,
    base_url: str | None,
    max_answer_bytes: int,
    max_query_depth: int,
    request_read_timeout: float,
    max_connections: int,
    demote_after: float,
    background_nice: int,
    fast_lane_ms: float,
    remote_load: str,
    remote_union_graph: str,
    remote_timeout_param: str,
    remote_timeout_unit: str,
    setting: tuple[str, ...],
) -> None:
    """Serve the current build (building it first if needed) at /sparql."""
    from ..engines import EngineFactory, open_engine
    from ..web import create_app, replicas
    from ..web.server import serve as run_server

    if endpoint and engine == "oxigraph":
        engine = "remote"
    extra = {}
    if allow_service:
        extra["service_allowlist"] = tuple(allow_service)
    if service_rewrite:
        extra["service_rewrite"] = routes(service_rewrite)
    if cors_origins:
        extra["cors_origins"] = () if cors_origins == ("none",) else tuple(cors_origins)
    settings = settings_from(
        EndpointSettings,
        setting,
        host=host,
        port=port,
        engine=engine,
        endpoint=endpoint,
        query_timeout=timeout,
        http_server=http_server,
        event_loop=event_loop,
        http_processes=http_processes,
        store=store,
        workers=workers,
        max_rows=max_rows,
        base_url=base_url,
        max_answer_bytes=max_answer_bytes,
        max_query_depth=max_query_depth,
        request_read_timeout=request_read_timeout,
        max_connections=max_connections,
        demote_after=demote_after,
        background_nice=background_nice,
        fast_lane_ms=fast_lane_ms,
        remote_load=remote_load,
        remote_union_graph=remote_union_graph,
        remote_timeout_param=remote_timeout_param or None,
        remote_timeout_unit=remote_timeout_unit,
        **extra,
    )
    project = project_from_options(ontology, data, out, sources, queries_dir)
    try:
        files, build_id = dataset_files(project, datasets)
        named = load_named_queries(project.queries)
    except IraqkgError as error:
        fail(error)
    info = {
        "build_id": build_id,
        "questions": named,
        "dataset_files": [str(f) for f in files],
    }
    if get_path is not None:
        # One request in process: query in-thread, no worker pool to start and stop.
        app = create_app(settings, open_engine(settings, files), info)
        response = app.test_client().get(get_path)
        click.echo(response.get_data(as_text=True), nl=False)
        sys.exit(0 if response.status_code < 400 else 1)
    held = None
    fallback = None
    if build_id is not None:  # a build: lease it so that pruning leaves it alone
        held = lease(files[0].parent)
        atexit.register(held.unlink, missing_ok=True)
        fallback = CurrentBuildFiles(files[0].parent.parent.resolve())  # OUT/ID/dataset.nq
    factory = EngineFactory(settings, files, fallback=fallback)
    factory.prepare()
    settings, port_holder = replicas.reserve_port(settings)
    app = create_app(settings, factory, info)
    recipe = replicas.Recipe(settings, factory, info) if settings.http_processes > 1 else None
    click.echo(f"serving {', '.join(map(str, files))} at "
               f"http://{settings.host}:{settings.port}/sparql", err=True)  # fmt: skip
    try:
        run_server(app, settings, recipe)
    finally:
        if port_holder is not None:
            port_holder.close()
        if held is not None:
            held.unlink(missing_ok=True)
