"""Errors the library raises, each with the exit code the CLI maps it to.

Exit codes: 0 ok, 1 invalid data (the data breaks the contract), 2 usage or input
error (a file that cannot be read or parsed, a bad option, a bad query).
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2


class IraqkgError(Exception):
    """Base class; ``exit_code`` says how the CLI ends when it is raised."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class SyntaxProblem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class DataSyntaxError(IraqkgError):
    """An RDF file does not parse; names the file, line and column."""

    exit_code = EXIT_USAGE

    def __init__(self, problem: SyntaxProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class InputError(IraqkgError):
    """A missing folder, an unreadable file, a query that will not run."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Violation:
    """One broken rule of the data contract."""

    focus: str
    path: str
    message: str
    where: str = ""  # file, or source paragraph, when known

    def __str__(self) -> str:
        place = f" [{self.where}]" if self.where else ""
        path = f" {self.path}" if self.path else ""
        return f"{self.focus}{path}: {self.message}{place}"


class ValidationFailed(IraqkgError):
    """The data parsed but breaks the contract (shapes, quotes, authoring rules)."""

    exit_code = EXIT_INVALID_DATA

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations[:200])
        more = f"\n  ... and {len(violations) - 200} more" if len(violations) > 200 else ""
        super().__init__(f"{len(violations)} violation(s) of the data contract:\n{lines}{more}")
