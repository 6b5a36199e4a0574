"""Names inside longer labels: when a name written inside another entity's label still
names its own entity.

A longer label is a *name* when its words are capitalised but for particles ("Carnegie
Middle East Center", "Patriotic Union of Kurdistan", "PMF Commission"), or when it is a
work's title: the names inside it are parts of that name, not uses of theirs. It is a
*description* when it has a lower-case word that is not a particle ("residence of Iraqi
prime minister Mustafa al-Kadhimi", "war against the Islamic State", "Saddam Hussein’s
government"): a name inside it is written there as its own entity's name and counts for
it, unless it is only part of a word (Karbala in al-Karbala’e), leads a compound built on
it ("PUK peshmerga", "Syria strike", "Tower 22 attack") or modifies the word after it
("armed Shia networks", "attacks on U.S. bases"): there it is part of the longer name. A
possessive ("Saddam Hussein’s government") is the possessor's own name.
"""

from __future__ import annotations

import re

# Words that stand in lower case inside proper names ("Union of Kurdistan", "Department of
# the Treasury") and in descriptions alike: they tell neither apart.
PARTICLES = frozenset(
    {"a", "an", "and", "at", "by", "de", "for", "from", "in", "of", "on", "or", "the", "to"}
    | {"with", "al", "el", "bin", "ibn"}
)
# A word of a label: what whitespace and the punctuation around names separate.
_WORD = re.compile(r"[^\s\"'“”‘’()\[\],.;:!?—–]+")
# Arabic-article words (al-Sadr, al-Quds) are name words whatever their case.
_ARTICLE = re.compile(r"^[AaEe][lnrstdz]h?-")
_POSSESSIVE = re.compile(r"^['’]s(?!\w)")
# What joins a name to the word beside it (al-Karbala’e, Iraq–Syria, U.S.-Iraqi).
_JOINERS = "-–—'’/"
_FOLLOWING = re.compile(r"^\s+([^\s\"'“”‘’()\[\],.;:!?—–]+)")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _describes(word: str) -> bool:
    """A lower-case word that is not a particle: the mark of a description."""
    return word[:1].islower() and word.lower() not in PARTICLES and not _ARTICLE.match(word)


def names_itself(text: str, start: int, end: int, outer_start: int, outer_end: int) -> bool:
    """True when the name at ``text[start:end]``, inside the longer label written at
    ``text[outer_start:outer_end]``, is written as its own entity's name (module doc)."""
    before_text, after_text = text[outer_start:start], text[end:outer_end]
    before, after = _words(before_text), _words(after_text)
    if not any(_describes(w) for w in before + after):
        return False  # the longer label is a proper name: this one is part of it
    if _POSSESSIVE.match(after_text):
        return True  # Saddam Hussein's government
    if before_text[-1:] in _JOINERS or (after_text[:1] and after_text[:1] in _JOINERS):
        return False  # part of a word: Karbala in al-Karbala'e, Syria in Iraq–Syria
    if all(w.lower() in PARTICLES for w in before):
        return False  # it leads a compound built on it: PUK peshmerga, Syria strike
    following = _FOLLOWING.match(after_text)
    # it modifies the word after it: Shia in "armed Shia networks", U.S. in "U.S. bases"
    return not (following and _describes(following[1]))
