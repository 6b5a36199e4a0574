"""What the commands read: the folders, the source texts, and the dataset to work on.

Shared by ``cli.py`` and ``explain_cli.py`` so that every command finds its inputs, and
falls back to the last good build, the same way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from .build import build, is_stale, lease, read_build
from .errors import IraqkgError
from .settings import BuildSettings, Paths

DEFAULT_SOURCES = Path("..") / "shared" / "sources"


def paths_from_options(ontology: str, data: str, out: str, sources: str | None) -> Paths:
    found = Path(sources) if sources else None
    if found is None and DEFAULT_SOURCES.is_dir():
        found = DEFAULT_SOURCES  # the developers' layout: shared/ beside the checkout
    return Paths(Path(ontology), Path(data), Path(out), found)


def dataset_files(paths: Paths, datasets: tuple[str, ...]) -> tuple[list[Path], str | None]:
    """The given files as they are, else the current build (built if stale) and its id.

    When a rebuild fails and a good build exists, the error is printed and the last good
    build is used; without one, the error is raised.
    """
    if datasets:
        missing = [d for d in datasets if not Path(d).is_file()]
        if missing:
            raise click.UsageError(f"no such dataset file: {', '.join(missing)}")
        return [Path(d) for d in datasets], None
    result = read_build(paths.out)
    if is_stale(paths):
        click.echo("building (no current build, or inputs changed)...", err=True)
        try:
            result = build(paths, BuildSettings())
        except IraqkgError as error:
            if result is None:
                raise
            click.echo(f"error: {error}", err=True)
            click.echo(
                f"warning: build failed; using the last good build {result.build_id}", err=True
            )
    assert result is not None
    return [result.dataset_file], result.build_id


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
