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


class DataLimitError(InputError):
    """A data file or a literal over a size limit of ``BuildSettings`` (names the setting)."""


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
        # The same text many times over (blank nodes nested 200,000 deep) is listed once.
        counts: dict[str, int] = {}
        for violation in violations:
            text = str(violation)
            counts[text] = counts.get(text, 0) + 1
        listed = [
            f"  - {text}" + (f" ({n:,} times)" if n > 1 else "")
            for text, n in list(counts.items())[:SHOWN]
        ]
        if len(counts) > SHOWN:
            listed.append(f"  ... and {len(counts) - SHOWN:,} more")
        lines = "\n".join(listed)
        super().__init__(f"{len(violations)} violation(s) of the data contract:\n{lines}")


SHOWN = 200  # distinct violations listed in the message
