"""The ``iraqkg names`` command: regenerate or check ``data/names.ttl``, report on labels.

Registered in ``cli/__init__.py`` with ``main.add_command(names_command)``. A thin layer over
``iraqkg.authoring``: it finds the folders, runs the generator, and prints what it found.
"""

from __future__ import annotations

import json
import sys

import click

from ..errors import EXIT_INVALID_DATA, EXIT_USAGE, IraqkgError
from .options import data_option, project_from_options, sources_option


@click.command("names")
@data_option
@sources_option
@click.option("--write", is_flag=True, help="Write data/names.ttl (left alone when current).")
@click.option(
    "--check", is_flag=True, help="Exit 1 when data/names.ttl is not what --write would write."
)
@click.option(
    "--report",
    is_flag=True,
    help="List the labels no source uses, the ambiguous names and the preferred labels the "
    "sources spell otherwise (whole, or a name inside them).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures and report as JSON.")
def names_command(
    data: str | None, sources: str | None, write: bool, check: bool, report: bool, as_json: bool
) -> None:
    """Find every entity's labels in the source texts: which source uses which name.

    Writes one ikg:name statement per entity, name and source (the first paragraph it is
    in, a quote of at most 25 words around it) to data/names.ttl. Whole words,
    case-sensitive (PMU, KH), straight and curly quotes alike; a name inside a longer name
    counts for the longer only, inside a description ("arrest of Qassim Musleh") for
    itself too; a name two entities share is skipped and reported.
    """
    from ..authoring import generate

    if write and check:
        raise click.UsageError("--write and --check exclude each other")
    project = project_from_options(None, data, None, sources)
    if project.sources is None:
        click.echo("error: no source texts: give --sources (../shared/sources is absent)", err=True)
        sys.exit(EXIT_USAGE)
    if write and project.packaged_build and data is None:
        raise click.UsageError("the installed data is read-only: give --data to write")
    try:
        run = generate(project.data, project.sources)
    except IraqkgError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    findings = run.findings
    per_source: dict[str, int] = {}
    for statement in run.statements:
        key = statement.source.rsplit("/", 1)[-1]
        per_source[key] = per_source.get(key, 0) + 1
    figures = {
        "statements": len(run.statements),
        "occurrences": len(findings.occurrences),
        "per_source": dict(sorted(per_source.items())),
        "ambiguous": len(findings.ambiguous_forms()),
        "unused_labels": len(findings.unused()),
        "spellings": len(findings.spellings()),
        "respellings": len(findings.respellings()),
        "current": run.current,
    }
    if as_json:
        body = dict(figures)
        if report:
            body["report"] = _report(run)
        click.echo(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        click.echo(
            f"{figures['statements']} name statements from {figures['occurrences']} occurrences ("
            + ", ".join(f"{s} {n}" for s, n in figures["per_source"].items())
            + f"); {figures['ambiguous']} ambiguous names skipped; "
            f"{figures['unused_labels']} labels no source uses; "
            f"{figures['spellings']} preferred labels the sources spell otherwise, "
            f"{figures['respellings']} spelling a name inside them so"
        )
        if report:
            _print_report(_report(run))
    if check:
        if not run.current:
            click.echo(
                f"{run.target} is out of date: run `iraqkg names --write`"
                + (f" --data {data}" if data else ""),
                err=True,
            )
            sys.exit(EXIT_INVALID_DATA)
        click.echo(f"{run.target} is current")
    elif write:
        click.echo(f"{'wrote' if run.write() else 'unchanged'} {run.target}")


def _report(run) -> dict:
    findings = run.findings
    return {
        "ambiguous": [
            {"name": form, "entities": list(entities), "occurrences": n}
            for form, (entities, n) in findings.ambiguous_forms().items()
        ],
        "unused_labels": [
            {"entity": label.entity, "kind": label.kind, "label": label.text}
            for label in findings.unused()
        ],
        "spellings": [
            {"entity": s.entity, "current": s.current, "proposed": s.proposed, "uses": s.uses}
            for s in findings.spellings()
        ],
        "respellings": [
            {"entity": s.entity, "current": s.current, "proposed": s.proposed}
            for s in findings.respellings()
        ],
    }


def _print_report(report: dict) -> None:
    click.echo("\nambiguous names (skipped):")
    for item in report["ambiguous"]:
        click.echo(f"  {item['name']}: {', '.join(item['entities'])} ({item['occurrences']}x)")
    click.echo("\nlabels no source uses:")
    for item in report["unused_labels"]:
        click.echo(f"  <{item['entity']}> {item['kind']} {item['label']!r}")
    click.echo("\npreferred labels the sources spell otherwise:")
    for item in report["spellings"]:
        uses = ", ".join(f"{label!r} {n}" for label, n in item["uses"].items())
        click.echo(f"  <{item['entity']}> {item['current']!r} -> {item['proposed']!r} ({uses})")
    click.echo("\npreferred labels spelling a name inside them as no source does:")
    for item in report["respellings"]:
        click.echo(f"  <{item['entity']}> {item['current']!r} -> {item['proposed']!r}")
