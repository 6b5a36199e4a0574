"""``iraqkg query``, ``iraqkg queries`` and ``iraqkg stats``: asking the graph from a shell."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import EXIT_USAGE, IraqkgError
from ..queries import BoundQuery, load_named_queries
from ..settings import EndpointSettings
from ..tables import FORMATS, render
from .options import (
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
@setting_option("endpoint")
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
    setting: tuple[str, ...],
) -> None:
    """Run QUERY (a named query, a .rq file, or - for stdin) on the current build."""
    from ..engines import open_engine

    project = project_from_options(ontology, data, out, sources, queries_dir)
    bound = _query_text(query, params, project.queries)
    settings = settings_from(EndpointSettings, setting, service_rewrite=routes(service_rewrite))
    try:
        files, _ = dataset_files(project, datasets)
        engine = open_engine(settings, files)
        try:
            result = engine.query(bound.text, bindings=bound.as_dict())
        finally:
            engine.close()
    except IraqkgError as error:
        fail(error)
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


@click.command()
@data_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def stats(data: str | None, as_json: bool) -> None:
    """Coverage: entities per class, statements per source and status, time share."""
    from ..loading import load_folder
    from ..stats import coverage

    try:
        figures = coverage(load_folder(project_from_options(data=data).data).graph)
    except IraqkgError as error:
        fail(error)
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


@click.command(name="queries")
@queries_option
def list_queries(queries_dir: str | None) -> None:
    """List the named queries with the question each answers."""
    folder = project_from_options(queries=queries_dir).queries
    try:
        named_queries = load_named_queries(folder)
    except IraqkgError as error:
        fail(error)
    if not named_queries:
        # Nothing to list is an input error, not an empty success.
        click.echo(f"error: no named queries (*.rq files) in {folder}", err=True)
        sys.exit(EXIT_USAGE)
    for name, named in named_queries.items():
        params = f"  [params: {', '.join(named.parameters)}]" if named.parameters else ""
        if named.services:
            params += f"  [calls: {', '.join(named.services)}]"
        click.echo(f"{name}: {named.title}{params}\n    {named.question}")
