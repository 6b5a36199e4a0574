"""The ``iraqkg link DUMP`` command: candidate Wikidata items for unlinked entities.

Registered in ``cli/__init__.py`` with ``main.add_command(link_command)``. A thin layer over
``iraqkg.linking``: it reads the data and ontology folders, streams the dump with a progress
bar on stderr (bytes of the file read), and writes the review file. It never adds a link.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import IraqkgError
from ..settings import LinkSettings
from .options import data_option, ontology_option, project_from_options


@click.command("link")
@click.argument("dump")
@click.option(
    "--review",
    default="link-review.jsonl",
    show_default=True,
    help="Review file to write: JSON lines, or TSV when it ends in .tsv.",
)
@ontology_option
@data_option
@click.option(
    "--types",
    default=None,
    help="Extra class map: CLASS<TAB>QID lines (added to the ontology's class mappings).",
)
@click.option(
    "--threshold",
    type=float,
    default=LinkSettings.threshold,
    show_default=True,
    help="Lowest score (0-100) listed.",
)
@click.option(
    "--top", type=int, default=LinkSettings.top, show_default=True, help="Candidates per entity."
)
@click.option(
    "--language",
    "languages",
    multiple=True,
    help="Language preferred on equal scores (repeatable) [default: en, ar].",
)
@click.option(
    "--no-prefilter",
    is_flag=True,
    help="Parse every dump line (by default lines sharing no word with our names are skipped).",
)
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on stderr.")
def link_command(
    dump: str,
    review: str,
    ontology: str | None,
    data: str | None,
    types: str | None,
    threshold: float,
    top: int,
    languages: tuple[str, ...],
    no_prefilter: bool,
    progress: bool,
) -> None:
    """Propose Wikidata items for unlinked entities from a Wikidata JSON dump.

    DUMP is a Wikidata JSON dump (one entity per line; plain, .gz or .bz2), read once in
    constant memory. Each unlinked entity's labels are compared with every item's labels and
    aliases in all languages, and its classes with the item's instance-of (P31) values. The
    candidates, with scores and evidence, go to the review file; no link is ever added.
    """
    from ..linking import reconcile_dump, write_review_file

    try:
        settings = LinkSettings(
            threshold=threshold,
            top=top,
            languages=tuple(languages) or LinkSettings.languages,
            prefilter=not no_prefilter,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    path = Path(dump)
    project = project_from_options(ontology, data)
    try:
        size = path.stat().st_size if path.is_file() else 0
        with click.progressbar(
            length=size, label="reading dump", file=sys.stderr if progress else _Null()
        ) as bar:

            def advance(done: int) -> None:
                bar.update(done - bar.pos)

            candidates = reconcile_dump(
                path, project.ontology, project.data, settings, types, advance
            )
        count = write_review_file(candidates, Path(review))
    except IraqkgError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    entities = len({c.entity for c in candidates})
    click.echo(f"{count} candidate(s) for {entities} entit(ies) written to {review}", err=True)


class _Null:
    """A file that swallows the progress bar (``--no-progress``)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False
