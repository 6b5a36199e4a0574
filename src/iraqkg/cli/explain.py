"""The ``iraqkg explain S P O`` command: why a triple holds, as a tree or as JSON.

Registered in ``cli/__init__.py`` with ``main.add_command(explain_command)``. It explains over
the current build (building first when the inputs changed), or over ``--dataset``.
"""

from __future__ import annotations

import json
import sys

import click

from ..errors import IraqkgError
from ..explain import explain_triple
from ..temporal import describe_validity
from .options import (
    data_option,
    dataset_files,
    ontology_option,
    out_option,
    project_from_options,
)


def _line(node: dict) -> str:
    t = node["triple"]
    obj = t["object"].get("label") or t["object"].get("value") or t["object"]["term"]
    return f"{t['subject']['label']} —{t['predicate']['label']}→ {obj}"


def render_text(node: dict, prefix: str = "", last: bool = True, root: bool = True) -> str:
    """The explanation tree as indented text, one triple per branch."""
    branch = "" if root else ("└─ " if last else "├─ ")
    child = prefix + ("" if root else ("   " if last else "│  "))
    how = node["how"]
    label = (
        "inferred through a contested premise"
        if how == "inferred" and node.get("contested")
        else how
    )
    lines = [f"{prefix}{branch}{_line(node)}  [{label}; valid: {describe_validity(node['valid'])}]"]
    if how == "inferred":
        lines.append(f"{child}   by {node['rule']}: {node['reading']}  ({node['axiom']})")
    if node.get("rests_on_contested"):
        lines.append(f"{child}   rests on contested: {', '.join(node['rests_on_contested'])}")
    if how == "contested":
        lines.append(f"{child}   {node['message']}")
    for record in node.get("statements", []):
        where = f"{record['source']} ({record['file']}) paragraph {record['paragraph']}"
        status = "" if record["status"] == "Reported" else f"{record['status']}, "
        lines.append(f"{child}   {status}{where}: “{record['quote']}”")
        times = [f"{k} {record[k]}" for k in ("start", "end", "point_in_time") if k in record]
        if record.get("ended"):
            times.append("ended (the source says it is over)")
        lines.append(f"{child}     {record['statement']}{'  ' + ', '.join(times) if times else ''}")
        ended = record.get("ended_by")
        if ended:
            lines.append(
                f"{child}     ended by {ended['rule']}: {ended['reading']} ({ended['statement']})"
            )
        for other in record.get("contested_by", []):
            lines.append(
                f"{child}     contested: {other['source']} paragraph {other['paragraph']} "
                f"says otherwise: “{other['quote']}” ({other['statement']})"
            )
    if how == "absent":
        lines.append(f"{child}   {node['message']}")
    premises = node.get("premises", [])
    for i, premise in enumerate(premises):
        lines.append(render_text(premise, child, i == len(premises) - 1, root=False))
    return "\n".join(lines)


@click.command("explain", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("subject")
@click.argument("predicate")
@click.argument("object")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@ontology_option
@data_option
@out_option
@click.option("--sources", default=None, help="Source texts for quote checks when building.")
@click.option("--dataset", default=None, help="Explain over this N-Quads file instead.")
def explain_command(
    subject: str,
    predicate: str,
    object: str,
    fmt: str,
    ontology: str | None,
    data: str | None,
    out: str | None,
    sources: str | None,
    dataset: str | None,
) -> None:
    """Explain why SUBJECT PREDICATE OBJECT holds (or that it does not).

    Terms are prefixed names (id:badr-organization, ikg:partOf), full IRIs, or bare names
    (an entity for SUBJECT / OBJECT, an ikg: property for PREDICATE). Each step names the
    OWL 2 RL rule and axiom applied, down to the statements with source, paragraph, quote
    and time; the validity says when the triple held according to the dated statements.
    """
    project = project_from_options(ontology, data, out, sources)
    try:
        [file], _ = dataset_files(project, (dataset,) if dataset else ())
        explanation = explain_triple(file, subject, predicate, object)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    except IraqkgError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    if fmt == "json":
        click.echo(json.dumps(explanation, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(explanation))
