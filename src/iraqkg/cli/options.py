"""What the commands share: the folders, source texts and dataset they read, the limits
and ``--setting`` options, and how an error ends a command.

Shared by every command so that each finds its inputs, and falls back to the last good
build, the same way. Where the folders are found when no
option names them (the working directory, else the installed package) is
``iraqkg.project``'s to decide.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..build import lease, read_build
from ..errors import IraqkgError
from ..project import Project, locate
from ..setting_values import field_types, parse_values
from ..settings import BuildSettings

S = TypeVar("S")

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


def fail(error: IraqkgError) -> NoReturn:
    """End the command with the error's message and exit code (errors.py)."""
    click.echo(f"error: {error}", err=True)
    sys.exit(error.exit_code)


def setting_option(kind: str) -> Callable[[Any], Any]:
    """``--setting NAME=VALUE``, repeatable: any of the command's settings by name."""
    return click.option(
        "--setting",
        multiple=True,
        metavar="NAME=VALUE",
        help=f"Any {kind} setting by name (repeatable), applied after the other options; "
        "`iraqkg settings` lists them with their defaults and limits.",
    )


def settings_from(settings: type[S], values: tuple[str, ...], **options: Any) -> S:
    """The settings the options name, ``--setting`` values taking precedence; a bad value
    is a usage error that names the setting and its limits."""
    try:
        return settings(**{**options, **parse_values(settings, values)})  # type: ignore[arg-type]
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def setting_flag(cls: type, name: str, *decls: str, help: str | None = None) -> Any:
    """An option for the setting ``name`` of ``cls``: its type, choices and default are the
    settings class's (settings.py), so they are written once; ``decls`` default to
    ``--name-with-dashes``, and the command receives the value under the setting's name."""
    kind = field_types(cls)[name]
    choices = cls.CHOICES.get(name)  # type: ignore[attr-defined]
    default = getattr(cls, name)
    if choices:
        kind = click.Choice(choices)
    elif kind not in (int, float, bool):
        kind = str
    return click.option(*(decls or ("--" + name.replace("_", "-"),)), name, type=kind,
                        default=default, show_default=default is not None, help=help)  # fmt: skip


limit_options = [
    setting_flag(BuildSettings, "max_file_bytes", help="Largest data or ontology file read."),
    setting_flag(
        BuildSettings, "max_literal_bytes", help="Longest literal (UTF-8 bytes) in a data file."
    ),
]


def limits(command: Any) -> Any:
    """The build's input limits as options (validate and build share them)."""
    for option in reversed(limit_options):
        command = option(command)
    return command


def routes(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """--service-rewrite IRI=URL values as (IRI, URL) pairs (a usage error otherwise)."""
    from ..engines.services import parse_route

    try:
        return tuple(parse_route(v) for v in values)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
