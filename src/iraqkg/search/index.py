"""The search index: every labelled entity of a dataset with its names in matchable forms.

Built from triples (an rdflib Graph or Dataset, or any iterable of triples): entities are the
``id:`` IRIs with a ``skos:prefLabel``; their ``skos:altLabel``, the names the sources use
(``ikg:name``, from the name statements, when not already a label), ``ikg:description`` and
``rdf:type`` (closed over ``rdfs:subClassOf`` for type filters), class labels, and the links
between entities (for reconciliation properties). Build once per dataset: ``index_for_file``
caches by file identity.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from iraqkg.namespaces import ID, IKG, ORG
from iraqkg.search.normalise import acronym, fold, forms

# Types whose members are not searched for: the statement records and the inference records.
_UNSEARCHED = {IKG.Statement, IKG.Inference}
# Acronyms are computed for organisations only: people and places are not known by initials.
_ACRONYM_TYPES = {IKG.Organization, ORG.Organization}
PREDICATES = (
    RDF.type,
    SKOS.prefLabel,
    SKOS.altLabel,
    IKG.name,
    IKG.description,
    RDFS.subClassOf,
    RDFS.label,
)
_DISPATCH = dict(
    zip(PREDICATES, ("type", "pref", "alt", "name", "description", "parent", "label"), strict=True)
)
_NOT_LINKS = frozenset(str(p) for p in PREDICATES)


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    alt_labels: tuple[str, ...]
    types: tuple[str, ...]  # most specific asserted types
    all_types: frozenset[str]  # with every superclass, for filters
    description: str | None
    degree: int  # links to other entities: a tie-break for equal scores

    @property
    def slug(self) -> str:
        return self.iri[len(str(ID)) :]


@dataclass(frozen=True)
class Key:
    """One name of one entity in every form the matcher compares."""

    entity: int
    text: str  # as written in the data
    kind: str  # "label" | "alt" | "name" (a source's, not a label) | "acronym"
    folded: str
    plain: str  # folded, articles dropped
    skeleton: str
    words: tuple[str, ...]  # skeleton words


@dataclass
class SearchIndex:
    entities: list[Entity]
    keys: list[Key]
    type_labels: dict[str, str]  # class IRI -> label
    # Links: entity index -> predicate IRI -> object IRIs (entities) or literal texts.
    links: list[dict[str, set[str]]]
    by_iri: dict[str, int] = field(default_factory=dict)
    by_folded: dict[str, list[int]] = field(default_factory=dict)  # by plain text
    by_skeleton: dict[str, list[int]] = field(default_factory=dict)
    by_word: dict[str, set[int]] = field(default_factory=dict)
    plains: list[str] = field(default_factory=list)  # per key, for rapidfuzz
    skeletons: list[str] = field(default_factory=list)
    vocabulary: list[str] = field(default_factory=list)  # distinct folded words
    folded_words: list[str] = field(default_factory=list)  # sorted distinct folded words
    by_folded_word: dict[str, set[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_folded, by_skeleton = defaultdict(list), defaultdict(list)
        by_word, by_folded_word = defaultdict(set), defaultdict(set)
        for i, key in enumerate(self.keys):
            by_folded[key.plain].append(i)
            by_skeleton[key.skeleton].append(i)
            for word in key.words:
                by_word[word].add(i)
            for word in key.folded.split():
                by_folded_word[word].add(i)
        self.by_iri = {e.iri: i for i, e in enumerate(self.entities)}
        self._by_entity: dict[int, list[int]] = defaultdict(list)
        for i, key in enumerate(self.keys):
            self._by_entity[key.entity].append(i)
        self.by_folded, self.by_skeleton = dict(by_folded), dict(by_skeleton)
        self.by_word, self.by_folded_word = dict(by_word), dict(by_folded_word)
        self.plains = [k.plain for k in self.keys]
        self.skeletons = [k.skeleton for k in self.keys]
        self.folded_words = sorted(by_folded_word)
        self.vocabulary = self.folded_words

    def keys_of(self, entity: int) -> list[Key]:
        """Every name of entity number ``entity``."""
        return [self.keys[i] for i in self._by_entity.get(entity, ())]

    def __len__(self) -> int:
        return len(self.entities)

    def entity(self, iri: str) -> Entity | None:
        found = self.by_iri.get(iri)
        return None if found is None else self.entities[found]

    def type_label(self, iri: str) -> str:
        return self.type_labels.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    @classmethod
    def from_triples(cls, triples: Iterable[tuple[Node, Node, Node]]) -> SearchIndex:
        """The index of every ``id:`` entity with a preferred label among ``triples``."""
        pref: dict[Node, list[Literal]] = defaultdict(list)
        alt: dict[Node, set[str]] = defaultdict(set)
        used: dict[Node, set[str]] = defaultdict(set)  # ikg:name: what the sources write
        descriptions: dict[Node, list[Literal]] = defaultdict(list)
        types: dict[Node, set[Node]] = defaultdict(set)
        parents: dict[Node, set[Node]] = defaultdict(set)
        class_labels: dict[Node, list[Literal]] = defaultdict(list)
        links: dict[Node, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        id_prefix = str(ID)
        for s, p, o in triples:
            kind = _DISPATCH.get(p)
            if kind is not None:
                literal = isinstance(o, Literal)
                if kind == "pref" and literal:
                    pref[s].append(o)
                elif kind == "alt" and literal:
                    alt[s].add(str(o))
                elif kind == "name" and literal:
                    used[s].add(str(o))
                elif kind == "description" and literal:
                    descriptions[s].append(o)
                elif kind == "type":
                    types[s].add(o)
                elif kind == "parent" and isinstance(o, URIRef):
                    parents[s].add(o)
                elif kind == "label" and literal:
                    class_labels[s].append(o)
            if isinstance(s, URIRef) and s.startswith(id_prefix):
                links[s][str(p)].add(str(o))
        entities, keys, link_list = [], [], []
        for iri in sorted(pref, key=str):
            if not isinstance(iri, URIRef) or not str(iri).startswith(str(ID)):
                continue
            if types[iri] & _UNSEARCHED:
                continue
            label = _english(pref[iri])
            closed = _closure(types[iri], parents)
            # Most specific: not a superclass of another of its types.
            above = {t for u in types[iri] for t in _closure({u}, parents) if t != u}
            specific = (types[iri] - above) or types[iri]
            degree = sum(
                1
                for p, objects in links[iri].items()
                if p not in _NOT_LINKS
                for o in objects
                if o.startswith(str(ID))
            )
            number = len(entities)
            entities.append(
                Entity(
                    iri=str(iri),
                    label=label,
                    alt_labels=tuple(sorted(alt[iri] - {label})),
                    types=tuple(sorted(str(t) for t in specific)),
                    all_types=frozenset(str(t) for t in closed),
                    description=_english(descriptions[iri]) if descriptions[iri] else None,
                    degree=degree,
                )
            )
            link_list.append(dict(links[iri]))
            names = [(label, "label")] + [(a, "alt") for a in sorted(alt[iri] - {label})]
            # A source's name that folds to a label adds no key (Kata’ib = Kata'ib).
            labelled = {fold(text) for text, _ in names}
            for text in sorted(used[iri]):
                if fold(text) not in labelled:
                    labelled.add(fold(text))
                    names.append((text, "name"))
            keys.extend(_key(number, text, kind) for text, kind in names)
            if closed & _ACRONYM_TYPES:
                seen = {fold(text) for text, _ in names}
                for text, _ in names:
                    short = acronym(text)
                    if short and short not in seen:
                        seen.add(short)
                        keys.append(_key(number, short, "acronym"))
        labels = {str(c): _english(ls) for c, ls in class_labels.items() if ls}
        return cls(entities, keys, labels, link_list)

    @classmethod
    def from_graph(cls, graph: Graph | Dataset) -> SearchIndex:
        """The index of a graph or of every graph of a dataset."""
        if isinstance(graph, Dataset):
            triples = ((s, p, o) for s, p, o, _ in graph.quads((None, None, None, None)))
            return cls.from_triples(triples)
        return cls.from_triples(graph.triples((None, None, None)))


def _key(entity: int, text: str, kind: str) -> Key:
    return Key(entity, text, kind, *forms(text))


def _english(literals: list[Literal]) -> str:
    """English or untagged first, then the rest; shortest text of the first rank, stable."""
    ranked = sorted(literals, key=lambda lit: (lit.language not in (None, "en"), str(lit)))
    return str(ranked[0])


def _closure(start: set[Node], parents: dict[Node, set[Node]]) -> set[Node]:
    found, todo = set(start), list(start)
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


_LOCK = threading.Lock()
_CACHE: dict[tuple, SearchIndex] = {}


def index_for_file(*files: Path | str) -> SearchIndex:
    """The index of dataset file(s) (N-Quads, TriG, Turtle...), built once per file version."""
    paths = [Path(f) for f in files]
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    with _LOCK:
        if key not in _CACHE:
            dataset = Dataset()
            for path in paths:
                dataset.parse(path, format=_format(path))
            _CACHE.clear()  # one dataset at a time
            _CACHE[key] = SearchIndex.from_graph(dataset)
        return _CACHE[key]


def _format(path: Path) -> str:
    from rdflib.util import guess_format

    return guess_format(str(path)) or "nquads"
