"""``iraqkg serve``: the SPARQL endpoint and its pages over the current build."""

from __future__ import annotations

import atexit
import sys
from typing import Any

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
    setting_flag,
    setting_option,
    settings_from,
    sources_option,
)


def _flag(name: str, *decls: str, help: str | None = None):
    return setting_flag(EndpointSettings, name, *decls, help=help)


@click.command()
@ontology_option
@data_option
@out_option
@sources_option
@_flag("host")
@_flag("port")
@_flag("engine")
@_flag("endpoint", help="Remote SPARQL store URL (with --engine remote).")
@_flag("query_timeout", "--timeout", help="Seconds before a query is stopped.")
@_flag(
    "store",
    help="Embedded engine's store: memory (each worker loads the dataset) or disk (written "
    "once beside the dataset, opened read-only by every worker: for large builds).",
)
@_flag(
    "http_server",
    help="HTTP server: waitress (pure Python) or granian (Rust; several times the "
    "throughput on repeated and short queries).",
)
@_flag(
    "event_loop",
    help="granian's event loop: auto is uvloop when installed (pip install iraqkg[granian]), "
    "else asyncio.",
)
@_flag(
    "http_processes",
    help="granian server processes on the one port, each with its own --workers (Linux).",
)
@_flag("workers", help="Query worker processes (a timed-out worker is killed and replaced).")
@_flag("max_rows", help="Most rows or triples in one answer (a larger answer is an error: 422).")
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
@_flag(
    "base_url",
    help="Public URL of /sparql behind a proxy (base IRI, links) [default: from host, port].",
)
@_flag("max_answer_bytes", help="Largest answer body; a larger answer is an error.")
@_flag("max_query_depth", help="Deepest { ( [ nesting accepted in a query.")
@_flag("request_read_timeout", help="Seconds a client may take to send a whole request.")
@_flag("max_connections", help="Client connections served at once.")
@_flag(
    "demote_after",
    help="Seconds a query runs at normal CPU priority before it yields to cheaper ones.",
)
@_flag("background_nice", help="Nice value of queries past --demote-after (0: off).")
@_flag(
    "fast_lane_ms",
    help="A query a worker answered within this many ms runs in the server next time (0: off).",
)
@_flag(
    "remote_load",
    help="With --engine remote: upload the dataset to a store dedicated to it, or verify a "
    "store its owner loaded (Virtuoso's bulk loader; see `iraqkg export virtuoso`).",
)
@_flag(
    "remote_union_graph",
    help="With --remote-load verify: the store's graph holding the union of the named graphs.",
)
@_flag(
    "remote_timeout_param",
    help="Query parameter telling the remote store the time limit ('' sends none).",
)
@_flag("remote_timeout_unit", help="Unit of that parameter: s (Fuseki) or ms (Virtuoso).")
@setting_option("endpoint")
def serve(
    ontology: str | None,
    data: str | None,
    out: str | None,
    sources: str | None,
    allow_service: tuple[str, ...],
    service_rewrite: tuple[str, ...],
    cors_origins: tuple[str, ...],
    datasets: tuple[str, ...],
    get_path: str | None,
    queries_dir: str | None,
    setting: tuple[str, ...],
    **options: Any,
) -> None:
    """Serve the current build (building it first if needed) at /sparql."""
    from ..engines import EngineFactory, open_engine
    from ..web import create_app, replicas
    from ..web.server import serve as run_server

    if options["endpoint"] and options["engine"] == "oxigraph":
        options["engine"] = "remote"
    options["remote_timeout_param"] = options["remote_timeout_param"] or None
    if allow_service:
        options["service_allowlist"] = tuple(allow_service)
    if service_rewrite:
        options["service_rewrite"] = routes(service_rewrite)
    if cors_origins:
        options["cors_origins"] = () if cors_origins == ("none",) else tuple(cors_origins)
    # every other option is named for its setting (setting_flag)
    settings = settings_from(EndpointSettings, setting, **options)
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
