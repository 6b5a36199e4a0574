"""Reconciling our unlinked entities against a Wikidata JSON dump, in one streaming pass.

For each item of the dump: every label and alias (all languages) is compared with every
name of ours (rapidfuzz's token sort ratio on normalised names, 0-100); the best name
pair per entity of ours is the candidate's name score. Type agreement then adjusts it:
the item's instance-of (P31) values against the Wikidata classes our entity's classes map
to (ontology/wikidata.ttl, or a ``--types`` file): agree +10, disagree -15 (only against
an exact class match: see TypeMap), unknown 0.
Ties go to preferred languages (en, ar), then to labels over aliases.

Memory stays constant whatever the dump's size: one line at a time, and at most ``top``
candidates kept per entity of ours. A cheap pre-filter skips, without parsing, every line
whose labels and aliases share no word of three letters or more with any name of ours
(a fuzzy match that shares no word with the name scores well below any useful threshold);
``prefilter=False`` parses every line. Nothing here ever writes a link: the result is a
list of candidates for a person to review.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy
from rapidfuzz import fuzz, process
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from iraqkg.errors import InputError
from iraqkg.linking.dump import Progress, dump_lines, item_values, labels_and_aliases, text_in
from iraqkg.linking.names import Name, Subject, normalise, words
from iraqkg.namespaces import IKG, WD
from iraqkg.settings import LinkSettings

TYPE_AGREES, TYPE_DISAGREES = 10.0, -15.0
_MATCH_GRADES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
_WORD = re.compile(r"[^\W_]{3,}")
_VALUE = re.compile(r'"value":\s*"([^"\\]*(?:\\.[^"\\]*)*)"')  # a JSON string, unrolled


@dataclass(frozen=True, order=True)
class Candidate:
    """One Wikidata item proposed for one entity of ours, with the evidence for it."""

    score: float
    entity: str = field(compare=False)
    qid: str = field(compare=False)
    evidence: dict[str, Any] = field(compare=False)

    def as_record(self) -> dict[str, Any]:
        return {"entity": self.entity, "qid": self.qid, "score": self.score, **self.evidence}


@dataclass(frozen=True)
class TypeMap:
    """Our class -> Wikidata classes. ``agree``: an item whose P31 is one of these agrees.
    ``strict``: the exact matches; an item with P31 values but none of these disagrees. A
    dump gives only an item's direct P31 values, so a broader or narrower match (city ~
    human settlement) that is absent says nothing: the item may be in a subclass."""

    agree: dict[str, frozenset[str]] = field(default_factory=dict)
    strict: dict[str, frozenset[str]] = field(default_factory=dict)

    def expected(self, classes: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
        classes = list(classes)
        agree = frozenset().union(*(self.agree.get(c, frozenset()) for c in classes))
        strict = frozenset().union(*(self.strict.get(c, frozenset()) for c in classes))
        return agree | strict, strict

    def extended(self, extra: dict[str, frozenset[str]]) -> TypeMap:
        agree = dict(self.agree)
        for cls, qids in extra.items():
            agree[cls] = agree.get(cls, frozenset()) | qids
        return TypeMap(agree, dict(self.strict))


def type_map_from_ontology(ontology: Graph) -> TypeMap:
    """The class mappings of the ontology (ontology/wikidata.ttl), inherited along
    rdfs:subClassOf; exact matches are strict, the other grades only agree."""
    direct: dict[str, set[str]] = {}
    exact: dict[str, set[str]] = {}
    for grade in _MATCH_GRADES:
        for cls, target in ontology.subject_objects(grade):
            qid = str(target)[len(str(WD)) :]
            if str(target).startswith(str(WD)) and qid.startswith("Q"):
                direct.setdefault(str(cls), set()).add(qid)
                if grade == SKOS.exactMatch:
                    exact.setdefault(str(cls), set()).add(qid)
    agree, strict = {}, {}
    for cls in {str(c) for c in ontology.subjects()} | set(direct):
        supers = [str(s) for s in ontology.transitive_objects(URIRef(cls), RDFS.subClassOf)]
        found = set().union(*(direct.get(s, set()) for s in supers))
        if found:
            agree[cls] = frozenset(found)
        found = set().union(*(exact.get(s, set()) for s in supers))
        if found:
            strict[cls] = frozenset(found)
    return TypeMap(agree, strict)


def read_type_map(path: Path) -> dict[str, frozenset[str]]:
    """A ``--types`` file: ``CLASS<TAB>QID`` per line (CLASS a full IRI or ikg:Name; # comments)."""
    table: dict[str, set[str]] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read the type map {path}: {exc}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not re.fullmatch(r"Q[1-9]\d*", parts[1].strip()):
            raise InputError(f"{path}:{number}: expected CLASS<TAB>QID, got {line!r}")
        cls = parts[0].strip()
        cls = str(IKG) + cls[4:] if cls.startswith("ikg:") else cls
        table.setdefault(cls, set()).add(parts[1].strip())
    return {cls: frozenset(q) for cls, q in table.items()}


class _Index:
    """Our names, flattened for rapidfuzz, and the words the pre-filter looks for."""

    def __init__(self, subjects: list[Subject]) -> None:
        self.subjects = subjects
        self.names: list[tuple[int, Name]] = [
            (i, name) for i, s in enumerate(subjects) for name in s.names
        ]
        self.normals = [name.normal for _, name in self.names]
        # token_sort_ratio is ratio on sorted words: sort ours once, not per comparison.
        self.sorted = [sort_words(n) for n in self.normals]
        self.words = frozenset().union(*(words(n) for n in self.normals))

    def worth_parsing(self, line: str) -> bool:
        # Labels, descriptions and aliases come before the (much longer) claims: look at
        # their "value" strings only.
        end = line.find('"claims"')
        head = line if end < 0 else line[:end]
        values = " ".join(_VALUE.findall(head)).casefold()
        return not self.words.isdisjoint(_WORD.findall(values))


def sort_words(normal: str) -> str:
    return " ".join(sorted(normal.split()))


def _agreement(expected: frozenset[str], strict: frozenset[str], p31: list[str]) -> str:
    if expected & set(p31):
        return "agree"
    return "disagree" if strict and p31 else "unknown"


def reconcile(
    dump: Path,
    subjects: list[Subject],
    settings: LinkSettings,
    type_map: TypeMap | None = None,
    linked: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> list[Candidate]:
    """Candidates for each subject from one pass over ``dump``, best first per subject."""
    index = _Index(subjects)
    type_map, linked = type_map or TypeMap(), linked or {}
    preferred = {lang: rank for rank, lang in enumerate(settings.languages)}
    best: list[list[Candidate]] = [[] for _ in subjects]  # a min-heap of at most `top` each
    if not index.normals:
        return []
    for line in dump_lines(dump, progress):
        if settings.prefilter and not index.worth_parsing(line.text):
            continue
        entity = line.entity(dump)
        qid = entity.get("id")
        if entity.get("type") != "item" or not isinstance(qid, str):
            continue
        matches = _best_names(index, entity, settings.threshold, preferred)
        if not matches:
            continue
        p31 = item_values(entity, "P31")
        for i, (name_score, ours, kind, language, theirs) in matches.items():
            subject = index.subjects[i]
            expected, strict = type_map.expected(subject.classes)
            agreement = _agreement(expected, strict, p31)
            adjust = {"agree": TYPE_AGREES, "disagree": TYPE_DISAGREES}.get(agreement, 0.0)
            score = round(min(100.0, max(0.0, name_score + adjust)), 1)
            if score < settings.threshold:
                continue
            evidence = {
                "entity_label": subject.label,
                "wikidata_label": text_in(entity, "labels", "en")
                or text_in(entity, "labels", "ar"),
                "wikidata_description": text_in(entity, "descriptions", "en"),
                "name_score": round(name_score, 1),
                "matched": {
                    "ours": ours.text,
                    "ours_language": ours.language,
                    "ours_kind": ours.kind,
                    "theirs": theirs,
                    "theirs_language": language,
                    "theirs_kind": kind,
                },
                "types": {
                    "ours": list(subject.classes),
                    "expected_p31": sorted(expected),
                    "wikidata_p31": p31,
                    "agreement": agreement,
                },
                "already_linked_to": linked.get(qid),
                "dump_line": line.number,
            }
            candidate = Candidate(score, subject.iri, qid, evidence)
            heap = best[i]
            if len(heap) < settings.top:
                heapq.heappush(heap, candidate)
            elif candidate > heap[0]:
                heapq.heapreplace(heap, candidate)
    return [c for heap in best for c in sorted(heap, reverse=True)]


def _best_names(
    index: _Index, entity: dict[str, Any], threshold: float, preferred: dict[str, int]
) -> dict[int, tuple[float, Name, str, str, str]]:
    """Subject index -> (score, our name, their kind, language, their text), best pair each."""
    found: dict[int, tuple[float, Name, str, str, str]] = {}
    # Preferred languages first, labels before aliases: on equal scores the first pair wins.
    entries = sorted(
        labels_and_aliases(entity),
        key=lambda e: (preferred.get(e[1], len(preferred)), e[0] != "label", e[1]),
    )
    names: list[tuple[str, str, str]] = []
    queries: list[str] = []
    seen: set[str] = set()
    for kind, language, text in entries:
        normal = normalise(text)
        if normal and normal not in seen:
            seen.add(normal)
            names.append((kind, language, text))
            queries.append(sort_words(normal))
    if not queries:
        return found
    # Every name of theirs against every name of ours in one call (rapidfuzz, in C).
    scores = process.cdist(
        queries, index.sorted, scorer=fuzz.ratio, score_cutoff=threshold, dtype=numpy.float32
    )
    for row, position in zip(*numpy.nonzero(scores), strict=True):
        score = float(scores[row, position])
        i, ours = index.names[position]
        if i not in found or score > found[i][0]:  # rows are in preference order
            kind, language, text = names[row]
            found[i] = (score, ours, kind, language, text)
    return found


def candidates_by_entity(candidates: Iterable[Candidate]) -> dict[str, list[Candidate]]:
    grouped: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        grouped.setdefault(candidate.entity, []).append(candidate)
    return grouped
