"""What can go wrong when an engine loads data or answers a query.

The web layer maps each class to one HTTP status; the CLI prints the message. Every class
keeps its constructor arguments in ``args`` so instances pickle across worker processes.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every engine error."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class QuerySyntaxError(EngineError):
    """The query does not parse; ``line`` and ``column`` are 1-based when the parser says.

    ``message`` is one line for people; ``detail`` the parser's own message, if different."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message, line, column, detail)
        self.line = line
        self.column = column
        self.detail = detail if detail != message else None

    def __str__(self) -> str:
        return self.message


class QueryRefused(EngineError):
    """The query parses but this endpoint will not run it (update, SERVICE not allowed...)."""

    def __init__(self, message: str, code: str = "refused") -> None:
        super().__init__(message, code)
        self.code = code

    def __str__(self) -> str:
        return self.message


class QueryTimeout(EngineError):
    """The query ran longer than the configured timeout and was stopped."""


class EngineUnavailable(EngineError):
    """The engine cannot answer: data failed to load, a remote store is down, a worker died."""


class DatasetError(EngineError):
    """A dataset file cannot be read (unknown kind, missing, or malformed)."""


class AnswerTooLarge(EngineError):
    """The answer would be larger than the configured byte cap (``max_answer_bytes``)."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    def __str__(self) -> str:
        return (
            f"the answer is larger than this endpoint's limit of {self.limit} bytes: "
            "ask for fewer rows (LIMIT) or shorter values"
        )

    @property
    def message(self) -> str:
        return str(self)


class ServiceFailed(EngineError):
    """An allowlisted SERVICE endpoint failed or answered something that is not a result."""
