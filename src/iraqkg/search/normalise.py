"""How names are compared: folded text, a transliteration skeleton, tokens and acronyms.

Arabic and Persian names reach English sources in many romanisations (Kadhimi, Khadimi,
Kazimi; Hezbollah, Hizbollah, Hizballah; Kata'ib, Kataib, Kataeb). Rather than a table of
names, every label and every query goes through the same general rules, so two spellings of
one name meet on the same key:

* ``fold``: Unicode accents removed, lower case, apostrophes and hamza/ayn marks dropped
  (Kata'ib -> kataib), sun-letter articles read as al- (as-Salam), anything else that
  is not a letter or digit a space (hyphens).
* ``plain``: the folded words without the articles al-/el-/the.
* ``skeleton``: per token, after dropping the articles al-/el-/the: digraphs reduced
  (dh, z -> d; kh, q -> k; gh -> g; th -> t; ph -> f), doubled letters single, every vowel
  run one ``a`` (ou/u, ei/e/i, aa/a all meet), a final ``h`` after a vowel dropped
  (Hizballah, Hezbollah -> hazbala). Words of three letters or fewer keep their vowels.
* ``acronym``: initials of a label's words other than articles and small words
  (Asa'ib Ahl al-Haq -> aah, Popular Mobilization Forces -> pmf).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Apostrophes, quotes and the marks used for hamza and ayn: they vanish (Kata'ib = Kataib).
_MARKS = "'\u2018\u2019\u201b\u02bc\u02bb\u02be\u02bf\u00b4`\u2032"
_MARKS_TABLE = str.maketrans("", "", _MARKS)
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# The article assimilated to a sun letter, written with a hyphen: as-Salam, ad-Din, ash-Sham.
_SUN_ARTICLE = re.compile(r"\b[ae](?:[dnrstz]h?)-(?=[a-z])")
# Articles that may be written or left out: al-Kadhimi = Kadhimi.
ARTICLES = frozenset({"al", "el", "ul", "the"})
# Words that an acronym skips.
_SMALL = ARTICLES | {"of", "and", "for", "in", "on", "to", "a", "an", "de"}
# Consonant spellings that romanisations use for one sound, longest first.
_DIGRAPHS = (("dh", "d"), ("kh", "k"), ("gh", "g"), ("th", "t"), ("ph", "f"), ("q", "k"))
_SINGLE = str.maketrans({"z": "d"})
_VOWELS = re.compile(r"[aeiouy]+")
_DOUBLE = re.compile(r"(.)\1+")


def fold(text: str) -> str:
    """Lower case without accents, apostrophes or punctuation; single spaces."""
    if text.isascii():
        plain = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = _SUN_ARTICLE.sub("al ", plain.casefold().translate(_MARKS_TABLE))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def words(folded: str) -> list[str]:
    """The folded text's words without articles (unless the text is only articles)."""
    found = folded.split()
    kept = [w for w in found if w not in ARTICLES]
    return kept or found


def plain(text: str) -> str:
    return " ".join(words(fold(text)))


@functools.lru_cache(maxsize=65536)
def skeleton_word(word: str) -> str:
    """One word reduced to the key its romanisations share."""
    if word.isdigit():
        return word
    for spelled, sound in _DIGRAPHS:
        word = word.replace(spelled, sound)
    word = _DOUBLE.sub(r"\1", word.translate(_SINGLE))
    if len(word) <= 3:  # short words keep their vowels: PMU is not PMO
        return word
    word = _VOWELS.sub("a", word)
    if len(word) > 2 and word.endswith("ah"):
        word = word[:-1]
    return _DOUBLE.sub(r"\1", word)


def skeleton_words(text: str) -> list[str]:
    return [skeleton_word(w) for w in words(fold(text))]


def forms(text: str) -> tuple[str, str, str, tuple[str, ...]]:
    """(folded, plain, skeleton, skeleton words) of ``text``, folding once."""
    folded = fold(text)
    kept = words(folded)
    skeletons = tuple(skeleton_word(w) for w in kept)
    return folded, " ".join(kept), " ".join(skeletons), skeletons


def skeleton(text: str) -> str:
    return " ".join(skeleton_words(text))


def acronym(text: str) -> str | None:
    """Initials of a label of two or more significant words, else None."""
    significant = [w for w in fold(text).split() if w not in _SMALL and w.isalpha()]
    if len(significant) < 2:
        return None
    return "".join(w[0] for w in significant)
