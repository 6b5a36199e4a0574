"""The side of reconciliation that is ours: unlinked entities, their names, their classes.

Names are compared after ``normalise``: case folded, accents and Arabic diacritics
dropped, typographic quotes and dashes unified, apostrophes dropped ("Sha'abi" = "Shaabi"), other
punctuation turned into spaces (so "al-Sadr" and "Sadr" share the word "sadr").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from iraqkg.namespaces import IKG, WD

_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'", "`": "'",
                         "“": '"', "”": '"', "–": "-", "—": "-", "‐": "-"})  # fmt: skip
_PUNCT = re.compile(r"[\W_]+")
_SPACES = re.compile(r"\s+")
# Too common to tell names apart (they still count in the similarity score).
STOPWORDS = frozenset({"the", "and", "for", "of", "al", "el", "in", "on", "de"})


def normalise(text: str) -> str:
    """A name reduced to what tells it apart: see the module docstring."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("'", "")
    return _SPACES.sub(" ", _PUNCT.sub(" ", text)).strip()


def words(normal: str) -> set[str]:
    """The words of a normalised name worth looking for (three letters or more)."""
    return {w for w in normal.split() if len(w) >= 3 and w not in STOPWORDS}


@dataclass(frozen=True)
class Name:
    text: str
    language: str | None
    kind: str  # "prefLabel" | "altLabel"
    normal: str


@dataclass(frozen=True)
class Subject:
    """An entity of ours that is not linked to Wikidata yet."""

    iri: str
    label: str
    classes: tuple[str, ...]
    names: tuple[Name, ...]


def is_wikidata_item(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(WD))


def unlinked_subjects(graph: Graph) -> list[Subject]:
    """Every entity with a preferred label and no skos:exactMatch to Wikidata, sorted."""
    subjects = []
    for entity in sorted(set(graph.subjects(SKOS.prefLabel, None)), key=str):
        if not isinstance(entity, URIRef) or (entity, RDF.type, IKG.Statement) in graph:
            continue
        if any(is_wikidata_item(o) for o in graph.objects(entity, SKOS.exactMatch)):
            continue
        names = []
        for kind in (SKOS.prefLabel, SKOS.altLabel, RDFS.label):
            for label in sorted(graph.objects(entity, kind), key=str):
                if isinstance(label, Literal) and normalise(str(label)):
                    names.append(
                        Name(str(label), label.language, kind.split("#")[-1], normalise(label))
                    )
        if names:
            classes = tuple(sorted(str(c) for c in graph.objects(entity, RDF.type)))
            subjects.append(Subject(str(entity), names[0].text, classes, tuple(names)))
    return subjects


def links(graph: Graph) -> dict[str, str]:
    """Wikidata id -> our entity, for the links that exist."""
    return {
        str(o)[len(str(WD)) :]: str(s)
        for s, o in graph.subject_objects(SKOS.exactMatch)
        if is_wikidata_item(o)
    }
