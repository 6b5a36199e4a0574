"""Source texts: paragraph numbering and verbatim-quote checks.

The source documents live outside the project (``shared/sources``); statements cite
them by file name, paragraph number and a short quote. This module is the one place
that says what a paragraph is and when a quote counts as verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

MAX_QUOTE_WORDS = 25

# A line holding only spaces or tabs separates paragraphs too: one source file has them.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00a0": " ",
    }
)
_SPACE = re.compile(r"\s+")


def paragraphs(text: str) -> list[str]:
    """Split a source text into its blank-line-separated paragraphs (index 0 is paragraph 1)."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def normalise(text: str) -> str:
    """Fold whitespace runs and typographic quotes, the only liberties a quote may take."""
    return _SPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()


def word_count(quote: str) -> int:
    return len(normalise(quote).split(" ")) if quote.strip() else 0


@dataclass(frozen=True)
class QuoteProblem:
    """A statement whose quote cannot be found where it says it is."""

    statement: str
    file_name: str
    paragraph: int
    quote: str
    message: str

    def __str__(self) -> str:
        return f"{self.statement}: {self.message} ({self.file_name} paragraph {self.paragraph})"


class SourceLibrary:
    """The source texts in one folder, read once and split into paragraphs."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._cache: dict[str, list[str]] = {}
        self._normalised: dict[str, list[str]] = {}  # every quote is sought in these

    def paragraphs_of(self, file_name: str) -> list[str] | None:
        """The paragraphs of a file in the folder; None if there is no such file, or the
        name leads outside the folder (``../``, an absolute path, a symbolic link out)."""
        if file_name not in self._cache:
            path = self.folder / file_name
            inside = Path(file_name).name == file_name and file_name not in ("", ".", "..")
            if not inside or not path.resolve().is_relative_to(self.folder.resolve()):
                return None
            if not path.is_file():
                return None
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return None
            self._cache[file_name] = paragraphs(text)
        return self._cache[file_name]

    def check_quote(
        self, statement: str, file_name: str, paragraph: int, quote: str
    ) -> QuoteProblem | None:
        """Return the problem with one quote, or None when it is verbatim and short enough."""

        def problem(message: str) -> QuoteProblem:
            return QuoteProblem(statement, file_name, paragraph, quote, message)

        words = word_count(quote)
        if words == 0:
            return problem("empty quote")
        if words > MAX_QUOTE_WORDS:
            return problem(f"quote has {words} words; at most {MAX_QUOTE_WORDS} allowed")
        paras = self.paragraphs_of(file_name)
        if paras is None:
            return problem(f"source file {file_name} not found (or not UTF-8) in {self.folder}")
        if not 1 <= paragraph <= len(paras):
            return problem(f"paragraph {paragraph} out of range 1..{len(paras)}")
        if file_name not in self._normalised:
            self._normalised[file_name] = [normalise(p) for p in paras]
        searched, wanted = self._normalised[file_name], normalise(quote)
        if wanted in searched[paragraph - 1]:
            return None
        elsewhere = [i for i, p in enumerate(searched, 1) if wanted in p]
        if elsewhere:
            return problem(f"quote is not in paragraph {paragraph} but in paragraph {elsewhere[0]}")
        return problem("quote not found verbatim in the source")
