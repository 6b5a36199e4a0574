"""The ``iraqkg`` command: a thin layer over the library.

Exit codes: 0 ok; 1 invalid data (the data breaks the contract); 2 usage or input
error (bad option, unreadable or unparsable file, bad query).
"""

from __future__ import annotations

import atexit
import json
import sys
from pathlib import Path

import click

from . import __version__
from .build import build as run_build
from .build import lease
from .build import validate as run_validate
from .cli_export import export_command
from .cli_inputs import (
    CurrentBuildFiles,
    data_option,
    dataset_files,
    ontology_option,
    out_option,
    project_from_options,
    queries_option,
    sources_option,
)
from .errors import EXIT_USAGE, IraqkgError
from .explain_cli import explain_command
from .link_cli import link_command
from .names_cli import names_command
from .queries import BoundQuery, load_named_queries
from .settings import BuildSettings, EndpointSettings
from .tables import FORMATS, render


def _fail(error: IraqkgError) -> None:
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


limit_options = [
    click.option(
        "--max-file-bytes",
        type=int,
        default=BuildSettings.max_file_bytes,
        show_default=True,
        help="Largest data or ontology file read.",
    ),
    click.option(
        "--max-literal-bytes",
        type=int,
        default=BuildSettings.max_literal_bytes,
        show_default=True,
        help="Longest literal (UTF-8 bytes) in a data file.",
    ),
]


def _limits(command):
    for option in reversed(limit_options):
        command = option(command)
    return command


def _build_settings(max_file_bytes: int, max_literal_bytes: int, **more) -> BuildSettings:
    try:
        return BuildSettings(
            max_file_bytes=max_file_bytes, max_literal_bytes=max_literal_bytes, **more
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "IRAQKG"}
)
@click.version_option(__version__, prog_name="iraqkg")
def main() -> None:
    """iraqkg: a sourced knowledge graph of Iraq's armed groups, parties and violence.

    Every option can also be set as IRAQKG_<COMMAND>_<OPTION> in the environment.
    """


@main.command()
@ontology_option
@data_option
@sources_option
@_limits
def validate(
    ontology: str, data: str, sources: str | None, max_file_bytes: int, max_literal_bytes: int
) -> None:
    """Parse and check the data contract without building."""
    paths = project_from_options(ontology, data, None, sources).paths
    settings = _build_settings(max_file_bytes, max_literal_bytes)
    try:
        inputs, views, stages = run_validate(paths, settings)
    except IraqkgError as error:
        _fail(error)
    quotes = (
        f", quotes checked against {paths.sources}" if paths.sources else ", quotes not checked"
    )
    click.echo(
        f"valid: {len(inputs.data.files)} data files, {len(views.provenance)} provenance and "
        f"{len(views.asserted)} asserted triples{quotes} ({sum(stages.seconds.values()):.2f} s)"
    )


@main.command()
@ontology_option
@data_option
@out_option
@sources_option
@click.option("--force", is_flag=True, help="Rebuild even when an identical build exists.")
@click.option(
    "--answer-seconds",
    type=float,
    default=BuildSettings.answer_seconds,
    show_default=True,
    help="Seconds each named query may take when its default answer is kept with the build "
    "(0..3600; 0 keeps none).",
)
@click.option(
    "--answer-rows",
    type=int,
    default=BuildSettings.answer_rows,
    show_default=True,
    help="Most rows a kept answer may have (1..10000000).",
)
@_limits
def build(
    ontology: str | None,
    data: str | None,
    out: str | None,
    sources: str | None,
    force: bool,
    answer_seconds: float,
    answer_rows: int,
    max_file_bytes: int,
    max_literal_bytes: int,
) -> None:
    """Validate, reason and write the dataset (N-Quads, five named graphs) to OUT."""
    project = project_from_options(ontology, data, out, sources)
    if project.packaged_build and out is None:
        # The installed build is read-only: building the installed data goes to ./build.
        project = project_from_options(ontology, data, "build", sources)
    paths = project.paths
    settings = _build_settings(
        max_file_bytes, max_literal_bytes, answer_seconds=answer_seconds, answer_rows=answer_rows
    )
    try:
        result = run_build(paths, settings, force=force)
    except IraqkgError as error:
        _fail(error)
    verb = "unchanged" if result.reused else "built"
    click.echo(f"{verb} {result.build_id} -> {result.dataset_file}")
    click.echo("triples:  " + ", ".join(f"{g} {n}" for g, n in result.triples.items()))
    click.echo("entities: " + ", ".join(f"{c} {n}" for c, n in result.entities.items()))
    click.echo("seconds:  " + ", ".join(f"{s} {t:.3f}" for s, t in result.seconds.items()))
    if result.answers is not None:
        skipped = result.answers["skipped"]
        click.echo(
            f"answers:  {result.answers['kept']} named queries' default answers kept "
            f"({result.answers['seconds']:.2f} s)"
            + (
                f"; not kept: {', '.join(f'{k} ({v})' for k, v in sorted(skipped.items()))}"
                if skipped
                else ""
            )  # fmt: skip
        )


def _routes(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """--service-rewrite IRI=URL values as (IRI, URL) pairs (a usage error otherwise)."""
    from .engines.services import parse_route

    try:
        return tuple(parse_route(v) for v in values)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _endpoint_settings(**values) -> EndpointSettings:
    try:
        return EndpointSettings(**values)
    except ValueError as error:
        raise click.UsageError(str(error)) from None


@main.command()
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--param", "params", multiple=True, help="Bind a named query's parameter: NAME=VALUE."
)
@queries_option
@ontology_option
@data_option
@out_option
@sources_option
@click.option("--dataset", "datasets", multiple=True, help="Query these RDF files instead.")
@click.option(
    "--service-rewrite",
    "service_rewrite",
    multiple=True,
    metavar="IRI=URL",
    help="Call URL where a SERVICE clause names IRI (an allowlisted endpoint; repeatable), "
    "e.g. a Wikidata mirror.",
)
def query(
    query: str,
    fmt: str,
    params: tuple[str, ...],
    queries_dir: str | None,
    ontology: str | None,
    data: str | None,
    out: str | None,
    sources: str | None,
    datasets: tuple[str, ...],
    service_rewrite: tuple[str, ...],
) -> None:
    """Run QUERY (a named query, a .rq file, or - for stdin) on the current build."""
    from .engines import open_engine

    project = project_from_options(ontology, data, out, sources, queries_dir)
    bound = _query_text(query, params, project.queries)
    settings = _endpoint_settings(service_rewrite=_routes(service_rewrite))
    try:
        files, _ = dataset_files(project, datasets)
        engine = open_engine(settings, files)
        try:
            result = engine.query(bound.text, bindings=bound.as_dict())
        finally:
            engine.close()
    except IraqkgError as error:
        _fail(error)
    except Exception as error:  # the engine's query errors carry the parser's message
        click.echo(f"error: {error}", err=True)
        detail = getattr(error, "detail", None)
        if detail:  # the one-line summary first, then what the parser said
            click.echo(f"  the parser's error: {detail}", err=True)
        sys.exit(EXIT_USAGE)
    if result.kind == "select":
        click.echo(render(result.variables, result.rows, fmt), nl=False)
    elif result.kind == "ask":
        click.echo("true" if result.boolean else "false")
    else:
        click.echo(result.serialize("text/turtle").decode("utf-8"), nl=False)


def _query_text(query: str, params: tuple[str, ...], queries_dir: Path) -> BoundQuery:
    """The query to run and its parameters, read as terms (bound by the engine)."""
    values = {}
    for param in params:
        name, sep, value = param.partition("=")
        if not sep:
            raise click.UsageError(f"--param takes NAME=VALUE, got {param!r}")
        values[name.strip()] = value
    named = load_named_queries(queries_dir)
    if query in named:
        try:
            return named[query].bind(values)
        except IraqkgError as error:
            raise click.UsageError(str(error)) from None
    if values:
        raise click.UsageError("--param is for named queries only")
    if query == "-":
        return BoundQuery(sys.stdin.read())
    path = Path(query)
    if path.is_file():
        return BoundQuery(path.read_text(encoding="utf-8"))
    raise click.UsageError(f"{query!r} is neither a named query in {queries_dir} nor a file")


@main.command()
@data_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(data: str | None, as_json: bool) -> None:
    """Coverage: entities per class, statements per source and status, time share."""
    from .loading import load_folder
    from .stats import coverage

    try:
        figures = coverage(load_folder(project_from_options(data=data).data).graph)
    except IraqkgError as error:
        _fail(error)
    if as_json:
        click.echo(json.dumps(figures.as_dict(), indent=2))
        return
    click.echo(f"entities: {figures.entities}")
    for name, count in figures.entities_per_class.items():
        click.echo(f"  {name:<28} {count:>5}")
    click.echo(f"statements: {figures.statements}")
    click.echo(
        "  per source: " + ", ".join(f"{k} {v}" for k, v in figures.statements_per_source.items())
    )
    click.echo(
        "  per status: " + ", ".join(f"{k} {v}" for k, v in figures.statements_per_status.items())
    )
    click.echo(f"  with a date or time qualifier: {figures.with_time} ({figures.time_share:.0%})")


@main.command(name="queries")
@queries_option
def list_queries(queries_dir: str | None) -> None:
    """List the named queries with the question each answers."""
    folder = project_from_options(queries=queries_dir).queries
    try:
        named_queries = load_named_queries(folder)
    except IraqkgError as error:
        _fail(error)
    if not named_queries:
        # Nothing to list is an input error, not an empty success.
        click.echo(f"error: no named queries (*.rq files) in {folder}", err=True)
        sys.exit(EXIT_USAGE)
    for name, named in named_queries.items():
        params = f"  [params: {', '.join(named.parameters)}]" if named.parameters else ""
        if named.services:
            params += f"  [calls: {', '.join(named.services)}]"
        click.echo(f"{name}: {named.title}{params}\n    {named.question}")


@main.command()
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
) -> None:
    """Serve the current build (building it first if needed) at /sparql."""
    from .engines import EngineFactory, open_engine
    from .web import create_app, replicas
    from .web.server import serve as run_server

    if endpoint and engine == "oxigraph":
        engine = "remote"
    try:
        extra = {}
        if allow_service:
            extra["service_allowlist"] = tuple(allow_service)
        if service_rewrite:
            extra["service_rewrite"] = _routes(service_rewrite)
        if cors_origins:
            extra["cors_origins"] = () if cors_origins == ("none",) else tuple(cors_origins)
        settings = EndpointSettings(
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
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    project = project_from_options(ontology, data, out, sources, queries_dir)
    try:
        files, build_id = dataset_files(project, datasets)
        named = load_named_queries(project.queries)
    except IraqkgError as error:
        _fail(error)
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
               f"http://{host}:{settings.port}/sparql", err=True)  # fmt: skip
    try:
        run_server(app, settings, recipe)
    finally:
        if port_holder is not None:
            port_holder.close()
        if held is not None:
            held.unlink(missing_ok=True)


main.add_command(explain_command)
main.add_command(link_command)
main.add_command(names_command)
main.add_command(export_command)


if __name__ == "__main__":
    main()
