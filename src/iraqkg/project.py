"""Where the ontology, data, named queries and build are: a clone, or the installed package.

Each of ``ontology/``, ``data/`` and ``queries/`` is read from the working directory when it
has one (a clone keeps using its own folders), else from the copy installed with the
package (``iraqkg/_data/`` in the wheel), else from the source checkout an editable install
points to. When both the ontology and the data are the installed copies, the build is the
one made when the wheel was built (``iraqkg/_data/build/``): nothing is written and nothing
is rebuilt.

    project = locate()                # the defaults, as every command uses them
    project = locate(data="my-data")  # another data folder, the rest as above
    files, build_id = project.dataset_files()
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from .build import build, is_stale, read_build
from .errors import InputError, IraqkgError
from .settings import BuildSettings, Paths

FOLDERS = ("ontology", "data", "queries")
BUILD_FOLDER = "build"
# The folder inside the installed package that the wheel's build hook fills.
PACKAGED_FOLDER = "_data"


def packaged_root() -> Path | None:
    """The installed copy of the project's folders (a wheel install), or None."""
    root = files("iraqkg").joinpath(PACKAGED_FOLDER)
    # A regular install is a folder on disk; a zipped import is not supported.
    if isinstance(root, Path) and (root / "ontology").is_dir():
        return root
    return None


def checkout_root() -> Path | None:
    """The source checkout this module was imported from (an editable install), or None."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and all((root / f).is_dir() for f in FOLDERS):
        return root
    return None


def installed_root() -> Path | None:
    """Where the folders come from when the working directory has none."""
    return packaged_root() or checkout_root()


@dataclass(frozen=True)
class Project:
    ontology: Path
    data: Path
    queries: Path
    out: Path
    sources: Path | None = None
    # True when ``out`` is the build shipped in the wheel (read-only, never rebuilt).
    packaged_build: bool = False

    @property
    def paths(self) -> Paths:
        return Paths(self.ontology, self.data, self.out, self.sources, self.queries)

    def dataset_files(self, warn=None) -> tuple[list[Path], str | None]:
        """The current build's dataset file and id, building first when it is missing or
        stale. When a rebuild fails and a good build exists, ``warn(message)`` is told and
        the last good build is used; without one, the error is raised."""
        result = read_build(self.out)
        if self.packaged_build:
            if result is None:
                raise InputError(f"the installed package has no build in {self.out}")
            return [result.dataset_file], result.build_id
        if is_stale(self.paths):
            if warn:
                warn("building (no current build, or inputs changed)...")
            try:
                result = build(self.paths, BuildSettings())
            except IraqkgError as error:
                if result is None:
                    raise
                if warn:
                    warn(f"error: {error}")
                    warn(f"warning: build failed; using the last good build {result.build_id}")
        assert result is not None
        return [result.dataset_file], result.build_id


def _folder(given: str | Path | None, name: str, cwd: Path, installed: Path | None) -> Path:
    if given is not None:
        return Path(given)
    here = cwd / name
    if here.is_dir() or installed is None:
        return Path(name) if cwd == Path.cwd() else here
    return installed / name


def locate(
    ontology: str | Path | None = None,
    data: str | Path | None = None,
    queries: str | Path | None = None,
    out: str | Path | None = None,
    sources: str | Path | None = None,
    cwd: str | Path | None = None,
) -> Project:
    """The project folders: those given, else ``cwd``'s (default: the working directory),
    else the installed copy. See the module doc for which build goes with them."""
    base = Path(cwd) if cwd is not None else Path.cwd()
    installed = installed_root()
    onto = _folder(ontology, "ontology", base, installed)
    dat = _folder(data, "data", base, installed)
    named = _folder(queries, "queries", base, installed)
    packaged = packaged_root()
    if out is not None:
        return Project(onto, dat, named, Path(out), _path(sources))
    if installed is not None and onto == installed / "ontology" and dat == installed / "data":
        if packaged is not None and installed == packaged:
            return Project(onto, dat, named, packaged / BUILD_FOLDER, _path(sources), True)
        return Project(onto, dat, named, installed / BUILD_FOLDER, _path(sources))
    here = Path(BUILD_FOLDER) if base == Path.cwd() else base / BUILD_FOLDER
    return Project(onto, dat, named, here, _path(sources))


def _path(value: str | Path | None) -> Path | None:
    return Path(value) if value is not None else None
