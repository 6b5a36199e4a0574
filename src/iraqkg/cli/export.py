"""The ``iraqkg export FORMAT`` command: the current build (or ``--dataset``) in one format.

Registered in ``cli/__init__.py``. The formats are ``iraqkg.export.FORMATS``; ``csv`` is two tables,
so ``-o`` names a folder receiving ``nodes.csv`` and ``edges.csv``, and to stdout only the
edges table is written (the command says so on stderr).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_USAGE, IraqkgError
from ..export import FORMATS, export_file, export_stream
from .options import (
    data_option,
    dataset_files,
    ontology_option,
    out_option,
    project_from_options,
    sources_option,
)


def _formats_help() -> str:
    return "; ".join(f"{f.name}: {f.description}" for f in FORMATS.values())


@click.command("export", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("format_name", metavar="FORMAT", type=click.Choice(list(FORMATS)))
@click.option(
    "-o",
    "--output",
    default=None,
    help="File to write (for csv: a folder for nodes.csv and edges.csv) [default: stdout].",
)
@ontology_option
@data_option
@out_option
@sources_option
@click.option("--dataset", default=None, help="Export this build's N-Quads file instead.")
def export_command(
    format_name: str,
    output: str | None,
    ontology: str | None,
    data: str | None,
    out: str | None,
    sources: str | None,
    dataset: str | None,
) -> None:
    """Write the current build as FORMAT to a file or stdout.

    RDF: nquads, trig and jsonld keep the named graphs; turtle is their union. The
    actor network (organisations, people, coalitions, states and the ties between them,
    stated and inferred, with status, source, dates and validity): graphml and gexf (for
    networkx and Gephi), csv (nodes and edges tables), svg (a picture).
    """
    project = project_from_options(ontology, data, out, sources)
    try:
        [file], _ = dataset_files(project, (dataset,) if dataset else ())
    except IraqkgError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    try:
        if output is None:
            if FORMATS[format_name].files:
                click.echo(
                    f"{format_name} to stdout: the edges table only; give -o DIR for "
                    + " and ".join(FORMATS[format_name].files),
                    err=True,
                )
            export_stream(format_name, file, sys.stdout.buffer)
            sys.stdout.buffer.flush()
            return
        written = export_file(format_name, file, Path(output))
    except IraqkgError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except BrokenPipeError:  # the reader stopped early (| head): not an error of ours
        sys.stderr.close()
        sys.exit(0)
    except OSError as error:
        click.echo(f"error: cannot write {output}: {error.strerror or error}", err=True)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # rdflib's parsers raise several kinds for a bad file
        message = str(error)
        click.echo(f"error: {message if str(file) in message else f'{file}: {message}'}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo("wrote " + ", ".join(str(p) for p in written), err=True)
