"""``iraqkg validate`` and ``iraqkg build``: the data contract, then the dataset."""

from __future__ import annotations

import click

from ..build import build as run_build
from ..build import validate as run_validate
from ..errors import IraqkgError
from ..settings import BuildSettings
from .options import (
    data_option,
    fail,
    limits,
    ontology_option,
    out_option,
    project_from_options,
    setting_flag,
    setting_option,
    settings_from,
    sources_option,
)


@click.command()
@ontology_option
@data_option
@sources_option
@limits
@setting_option("build")
def validate(
    ontology: str,
    data: str,
    sources: str | None,
    max_file_bytes: int,
    max_literal_bytes: int,
    setting: tuple[str, ...],
) -> None:
    """Parse and check the data contract without building."""
    paths = project_from_options(ontology, data, None, sources).paths
    settings = settings_from(
        BuildSettings,
        setting,
        max_file_bytes=max_file_bytes,
        max_literal_bytes=max_literal_bytes,
    )
    try:
        inputs, views, stages = run_validate(paths, settings)
    except IraqkgError as error:
        fail(error)
    quotes = (
        f", quotes checked against {paths.sources}" if paths.sources else ", quotes not checked"
    )
    click.echo(
        f"valid: {len(inputs.data.files)} data files, {len(views.provenance)} provenance and "
        f"{len(views.asserted)} asserted triples{quotes} ({sum(stages.seconds.values()):.2f} s)"
    )


@click.command()
@ontology_option
@data_option
@out_option
@sources_option
@click.option("--force", is_flag=True, help="Rebuild even when an identical build exists.")
@setting_flag(
    BuildSettings,
    "answer_seconds",
    help="Seconds each named query may take when its default answer is kept with the build "
    "(0..3600; 0 keeps none).",
)
@setting_flag(BuildSettings, "answer_rows", help="Most rows a kept answer may have (1..10000000).")
@limits
@setting_option("build")
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
    setting: tuple[str, ...],
) -> None:
    """Validate, reason and write the dataset (N-Quads, five named graphs) to OUT."""
    project = project_from_options(ontology, data, out, sources)
    if project.packaged_build and out is None:
        # The installed build is read-only: building the installed data goes to ./build.
        project = project_from_options(ontology, data, "build", sources)
    paths = project.paths
    settings = settings_from(
        BuildSettings,
        setting,
        max_file_bytes=max_file_bytes,
        max_literal_bytes=max_literal_bytes,
        answer_seconds=answer_seconds,
        answer_rows=answer_rows,
    )
    try:
        result = run_build(paths, settings, force=force)
    except IraqkgError as error:
        fail(error)
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
