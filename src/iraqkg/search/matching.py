"""Ranked matching of typed text against the index's names (rapidfuzz for the fuzzy part).

Each name of an entity scores 0-100 against the query; the entity takes its best name.

======================================  ===========================================
the folded text is the name              100
the plain text (articles dropped) is     98
same transliteration skeleton            96
a typo away (Levenshtein, plain text)    90 - 6 per edit (1 edit from 5 letters, 2 from 9)
the computed acronym of a name           88
a variant with a typo (skeleton of 7+)   80
every query word is a word of the name   75 + 20 x (query words / name words)
the same, some words typos or prefixes   65 + 20 x ... - 3 per edit - 5 per prefix
fuzzy (rapidfuzz ratio, plain text)      up to 70, counted from 80 similarity
======================================  ===========================================

Equal scores go to the closer written form (rapidfuzz ratio), the preferred label, the
better-connected entity, then the label.
Candidates come from dictionary look-ups and rapidfuzz's C loops, so a query does not
score every name in Python.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from iraqkg.search.classes import class_iri
from iraqkg.search.index import Entity, Key, SearchIndex
from iraqkg.search.normalise import fold, skeleton_word, words

EXACT, PLAIN, SKELETON, ACRONYM = 100.0, 98.0, 96.0, 88.0
MIN_SCORE = 60.0
# Skeletons are short (Khadimi and Khazali are kadama and kadala): a typo on top of a variant
# is only forgiven in longer ones.
SKELETON_TYPO_LENGTH = 7
MAX_QUERY = 200  # characters of a query that are read


@dataclass(frozen=True)
class Hit:
    entity: Entity
    score: float
    matched: str  # the name that matched, as the data spells it
    match: str  # how: "exact", "variant", "typo", "acronym", "words", "fuzzy", "prefix"
    closeness: float = 0.0  # similarity of the written forms: breaks ties of equal scores

    @property
    def iri(self) -> str:
        return self.entity.iri

    def as_dict(self, index: SearchIndex) -> dict:
        return {
            "iri": self.entity.iri,
            "id": self.entity.slug,
            "label": self.entity.label,
            "types": [{"iri": t, "label": index.type_label(t)} for t in self.entity.types],
            "description": self.entity.description,
            "matched": self.matched,
            "match": self.match,
            "score": round(self.score, 1),
        }


def _allowed_typos(length: int) -> int:
    """Edits forgiven in a word or name of ``length`` letters: none below 5, 2 from 9."""
    return 0 if length < 5 else 1 if length < 9 else 2


@dataclass(frozen=True)
class Query:
    folded: str
    plain: str
    skeleton: str
    words: tuple[str, ...]  # skeleton words
    plain_words: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Query:
        folded = fold(text[:MAX_QUERY])
        kept = tuple(words(folded)) if folded else ()
        found = tuple(skeleton_word(w) for w in kept)
        return cls(folded, " ".join(kept), " ".join(found), found, kept)


def _word_score(query: Query, key: Key) -> tuple[float, str] | None:
    """Every query word is a word of the name: same skeleton, a typo away, or the start of
    one (three letters or more: "Kata" for Kata'ib)."""
    if not query.words or not key.words or len(query.words) > len(key.words):
        return None
    names = set(key.words)
    plains = key.plain.split()
    typos = prefixes = 0
    for word, written in zip(query.words, query.plain_words, strict=True):
        if (word in names and len(word) >= 3) or written in plains:
            continue
        allowed = _allowed_typos(len(written))
        best = min((Levenshtein.distance(written, n) for n in plains), default=99)
        if best <= allowed:
            typos += best
        elif len(written) >= 3 and any(n.startswith(written) for n in plains):
            prefixes += 1
        else:
            return None
    share = len(query.words) / len(key.words)
    if typos or prefixes:
        return 65 + 20 * share - 3 * typos - 5 * prefixes, "typo" if typos else "prefix"
    return 75 + 20 * share, "words"


def score(query: Query, key: Key) -> tuple[float, str]:
    """The score of one name and how it matched (0 and "" when it does not)."""
    if not query.folded:
        return 0.0, ""
    if key.kind == "acronym":
        return (ACRONYM, "acronym") if query.folded == key.folded else (0.0, "")
    if query.folded == key.folded:
        return EXACT, "exact"
    if query.plain == key.plain:
        return PLAIN, "exact"
    if query.skeleton == key.skeleton and len(key.skeleton) >= 3:
        return SKELETON, "variant"
    best = (0.0, "")
    allowed = _allowed_typos(len(query.plain))
    if allowed:
        distance = Levenshtein.distance(query.plain, key.plain, score_cutoff=allowed)
        if distance <= allowed:
            best = (90 - 6 * distance, "typo")
        elif (
            len(query.skeleton) >= SKELETON_TYPO_LENGTH
            and Levenshtein.distance(query.skeleton, key.skeleton) == 1
        ):
            best = (80.0, "typo")  # a variant spelling with a typo
    found = _word_score(query, key)
    if found and found[0] > best[0]:
        best = found
    if len(query.plain) >= 5:
        similarity = fuzz.ratio(query.plain, key.plain)
        fuzzy = (similarity - 80) * 3.5 if similarity >= 80 else 0.0
        if fuzzy > best[0]:
            best = (fuzzy, "fuzzy")
    return best


def _candidates(index: SearchIndex, query: Query) -> set[int]:
    found: set[int] = set()
    found.update(index.by_folded.get(query.plain, ()))
    found.update(index.by_skeleton.get(query.skeleton, ()))
    for word, written in zip(query.words, query.plain_words, strict=True):
        found.update(index.by_word.get(word, ()))
        if len(written) >= 3:
            start = bisect.bisect_left(index.folded_words, written)
            for near in index.folded_words[start : start + 200]:
                if not near.startswith(written):
                    break
                found.update(index.by_folded_word[near])
        allowed = _allowed_typos(len(written))
        if allowed:
            for near, _, _ in process.extract(
                written,
                index.vocabulary,
                scorer=Levenshtein.distance,
                score_cutoff=allowed,
                limit=None,
            ):
                found.update(index.by_folded_word[near])
    if len(query.plain) >= 5:
        for _, _, i in process.extract(
            query.plain, index.plains, scorer=fuzz.ratio, score_cutoff=80, limit=200
        ):
            found.add(i)
        if len(query.skeleton) >= SKELETON_TYPO_LENGTH:
            for _, _, i in process.extract(
                query.skeleton,
                index.skeletons,
                scorer=Levenshtein.distance,
                score_cutoff=1,
                limit=None,
            ):
                found.add(i)
    return found


def _allowed(index: SearchIndex, types: Iterable[str] | None) -> set[int] | None:
    if not types:
        return None
    wanted = {class_iri(t) for t in types}
    return {i for i, e in enumerate(index.entities) if e.all_types & wanted}


def _rank(index: SearchIndex, scored: dict[int, Hit], limit: int) -> list[Hit]:
    hits = sorted(
        scored.values(),
        key=lambda h: (
            -h.score,
            -h.closeness,
            h.matched != h.entity.label,
            -h.entity.degree,
            h.entity.label.lower(),
        ),
    )
    return hits[: max(0, limit)]


def search(
    index: SearchIndex,
    text: str,
    types: Iterable[str] | None = None,
    limit: int = 10,
    min_score: float = MIN_SCORE,
) -> list[Hit]:
    """The entities whose names match ``text``, best first, at most ``limit``.

    ``types``: classes (IRIs, ``ikg:Person`` or ``Person``); an entity qualifies if it is of
    one of them or of a subclass."""
    query = Query.of(text)
    if not query.folded:
        return []
    allowed = _allowed(index, types)
    best: dict[int, Hit] = {}
    for i in _candidates(index, query):
        key = index.keys[i]
        if allowed is not None and key.entity not in allowed:
            continue
        value, how = score(query, key)
        if value < min_score:
            continue
        close = fuzz.ratio(query.folded, key.folded)
        current = best.get(key.entity)
        if current is None or (value, close, key.kind == "label") > (
            current.score,
            current.closeness,
            current.matched == current.entity.label,
        ):
            best[key.entity] = Hit(index.entities[key.entity], value, key.text, how, close)
    return _rank(index, best, limit)


def suggest(
    index: SearchIndex, prefix: str, types: Iterable[str] | None = None, limit: int = 10
) -> list[Hit]:
    """As-you-type: names that start with ``prefix`` (or a word of them that does), then the
    tolerant matches of :func:`search` for what is typed so far."""
    query = Query.of(prefix)
    if not query.folded:
        return []
    allowed = _allowed(index, types)
    best: dict[int, Hit] = {}

    def offer(i: int, value: float, how: str) -> None:
        key = index.keys[i]
        if key.kind == "acronym" or (allowed is not None and key.entity not in allowed):
            return
        current = best.get(key.entity)
        if current is None or value > current.score:
            best[key.entity] = Hit(index.entities[key.entity], value, key.text, how)

    last = query.folded.split()[-1]
    start = bisect.bisect_left(index.folded_words, last)
    for word in index.folded_words[start:]:
        if not word.startswith(last):
            break
        for i in index.by_folded_word[word]:
            key = index.keys[i]
            if key.folded.startswith(query.folded):
                offer(i, 100.0 if key.folded == query.folded else 95.0, "prefix")
            elif f" {query.folded}" in f" {key.folded}":
                offer(i, 85.0, "prefix")
    for hit in search(index, prefix, types=types, limit=limit):
        current = best.get(index.by_iri[hit.iri])
        if current is None or hit.score > current.score:
            best[index.by_iri[hit.iri]] = hit
    return _rank(index, best, limit)
