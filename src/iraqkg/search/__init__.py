"""Finding entities by name, tolerant of how people and sources spell them.

    from iraqkg.search import index_for_file, search
    index = index_for_file("build/CURRENT-ID/dataset.nq")      # built once per file version
    for hit in search(index, "Khadimi", types=["Person"], limit=5):
        print(hit.entity.label, hit.score, hit.matched)

``SearchIndex.from_graph`` / ``from_triples`` build an index from rdflib data; ``suggest``
is the as-you-type variant (prefixes first). Nothing here knows of Flask.
"""

from iraqkg.search.classes import class_iri, short_name
from iraqkg.search.index import Entity, SearchIndex, index_for_file
from iraqkg.search.matching import MIN_SCORE, Hit, search, suggest
from iraqkg.search.normalise import acronym, fold, skeleton

__all__ = [
    "MIN_SCORE",
    "Entity",
    "Hit",
    "SearchIndex",
    "acronym",
    "build_index",
    "class_iri",
    "fold",
    "index_for_file",
    "search",
    "short_name",
    "skeleton",
    "suggest",
]


def build_index(source) -> SearchIndex:
    """An index from an rdflib Graph / Dataset, or (cached) from dataset file path(s)."""
    from pathlib import Path

    if isinstance(source, str | Path):
        return index_for_file(source)
    if isinstance(source, list | tuple):
        return index_for_file(*source)
    return SearchIndex.from_graph(source)
