"""What the commands read: the folders, the source texts, and the dataset to work on.

Shared by ``cli.py`` and ``explain_cli.py`` so that every command finds its inputs, and
falls back to the last good build, the same way. Where the folders are found when no
option names them (the working directory, else the installed package) is
``iraqkg.project``'s to decide.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from .build import lease, read_build
from .errors import IraqkgError
from .project import Project, locate

DEFAULT_SOURCES = Path("..") / "shared" / "sources"
# Said in --help for the folder options left to iraqkg.project.
WHERE = "[default: ./{0} if present, else the installed copy]"

ontology_option = click.option(
    "--ontology", default=None, help="Ontology and shapes folder " + WHERE.format("ontology") + "."
)
data_option = click.option("--data", default=None, help="Data folder " + WHERE.format("data") + ".")
out_option = click.option(
    "--out",
    default=None,
    help="Build output folder [default: ./build, or the installed build with the installed "
    "ontology and data].",
)
queries_option = click.option(
    "--queries",
    "queries_dir",
    default=None,
    help="Named queries folder " + WHERE.format("queries") + ".",
)
sources_option = click.option(
    "--sources",
    default=None,
    help="Folder of source texts to check quotes against [default: ../shared/sources if present].",
)


def project_from_options(
    ontology: str | None = None,
    data: str | None = None,
    out: str | None = None,
    sources: str | None = None,
    queries: str | None = None,
) -> Project:
    found = Path(sources) if sources else None
    if found is None and DEFAULT_SOURCES.is_dir():
        found = DEFAULT_SOURCES  # the developers' layout: shared/ beside the checkout
    return locate(ontology, data, queries, out, found)


def dataset_files(project: Project, datasets: tuple[str, ...]) -> tuple[list[Path], str | None]:
    """The given files as they are, else the current build (built if stale) and its id.

    When a rebuild fails and a good build exists, the error is printed and the last good
    build is used; without one, the error is raised.
    """
    if datasets:
        missing = [d for d in datasets if not Path(d).is_file()]
        if missing:
            raise click.UsageError(f"no such dataset file: {', '.join(missing)}")
        return [Path(d) for d in datasets], None
    return project.dataset_files(warn=lambda message: click.echo(message, err=True))


@dataclass(frozen=True)
class CurrentBuildFiles:
    """The current build's dataset file, leased for the server (a worker's parent): what a
    query worker loads when the build it was started on has disappeared."""

    out: Path

    def __call__(self) -> list[Path]:
        result = read_build(self.out)
        if result is None:
            raise IraqkgError(f"no good build left in {self.out}")
        lease(result.folder, os.getppid())
        return [result.dataset_file]
