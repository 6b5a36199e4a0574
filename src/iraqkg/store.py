"""A compact in-memory triple store for the build's rdflib graphs.

rdflib's stores keep every triple in three nested dictionaries (subject-predicate-object,
predicate-object-subject, object-subject-predicate), so a triple costs three innermost
dictionaries of its own; at 1000x the seed that was most of the build's 20 GB. This store
keeps two indexes, and a single value where there is one (most subjects have one object
per predicate, most predicate-object pairs one subject), a set only where there are more:

    spo[s][p] = o  or  {o1, o2, ...}
    pos[p][o] = s  or  {s1, s2, ...}

Every triple pattern is answered from one of them (an object alone: one lookup per
predicate, of which there are few). Counting is kept, not recomputed. As with rdflib's
stores, a graph must not be changed while one of its patterns is being iterated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rdflib.plugins.stores.memory import SimpleMemory

_NO_CONTEXTS: tuple = ()


def _each(value) -> Iterable:
    return value if value.__class__ is set else (value,)


def _put(index: dict, key, value) -> bool:
    """index[key] gains value; False if it was there."""
    current = index.get(key)
    if current is None:
        index[key] = value
    elif current.__class__ is set:
        if value in current:
            return False
        current.add(value)
    elif current == value:
        return False
    else:
        index[key] = {current, value}
    return True


def _drop(index: dict, key, value) -> None:
    current = index[key]
    if current.__class__ is set:
        current.discard(value)
        if len(current) == 1:
            index[key] = next(iter(current))
    else:
        del index[key]


class CompactStore(SimpleMemory):
    """A context-free store with two compact indexes (see module docstring). Namespace
    bindings and SPARQL come from rdflib's SimpleMemory, which it extends."""

    def __init__(self, configuration: Any = None, identifier: Any = None) -> None:
        super().__init__(configuration, identifier)
        self._spo: dict = {}
        self._pos: dict = {}
        self._count = 0

    def add(self, triple, context=None, quoted: bool = False) -> None:
        s, p, o = triple
        by_predicate = self._spo.get(s)
        if by_predicate is None:
            self._spo[s] = {p: o}
        elif not _put(by_predicate, p, o):
            return
        by_object = self._pos.get(p)
        if by_object is None:
            self._pos[p] = {o: s}
        else:
            _put(by_object, o, s)
        self._count += 1

    def addN(self, quads: Iterable) -> None:  # noqa: N802 (rdflib's name)
        add = self.add
        for s, p, o, _ in quads:
            add((s, p, o))

    def remove(self, triple_pattern, context=None) -> None:
        for s, p, o in list(self._match(triple_pattern)):
            by_predicate = self._spo[s]
            _drop(by_predicate, p, o)
            if not by_predicate:
                del self._spo[s]
            by_object = self._pos[p]
            _drop(by_object, o, s)
            if not by_object:
                del self._pos[p]
            self._count -= 1

    def triples(self, triple_pattern, context=None) -> Iterator:
        for triple in self._match(triple_pattern):
            yield triple, _NO_CONTEXTS

    def _match(self, pattern) -> Iterator[tuple]:
        s, p, o = pattern
        if s is not None:
            by_predicate = self._spo.get(s)
            if by_predicate is None:
                return
            if p is not None:
                value = by_predicate.get(p)
                if value is None:
                    return
                if o is not None:
                    if o in _each(value):
                        yield (s, p, o)
                    return
                for obj in _each(value):
                    yield (s, p, obj)
                return
            for pred, value in by_predicate.items():
                for obj in _each(value):
                    if o is None or obj == o:
                        yield (s, pred, obj)
            return
        if p is not None:
            by_object = self._pos.get(p)
            if by_object is None:
                return
            if o is not None:
                value = by_object.get(o)
                if value is not None:
                    for subj in _each(value):
                        yield (subj, p, o)
                return
            for obj, value in by_object.items():
                for subj in _each(value):
                    yield (subj, p, obj)
            return
        if o is not None:
            for pred, by_object in self._pos.items():
                value = by_object.get(o)
                if value is not None:
                    for subj in _each(value):
                        yield (subj, pred, o)
            return
        for subj, by_predicate in self._spo.items():
            for pred, value in by_predicate.items():
                for obj in _each(value):
                    yield (subj, pred, obj)

    def by_subject(self) -> Iterator[tuple]:
        """(subject, [(predicate, objects), ...]) for every subject: the index as it is."""
        for s, by_predicate in self._spo.items():
            yield s, [(p, _each(value)) for p, value in by_predicate.items()]

    def subjects_list(self) -> list:
        """Every distinct subject (a snapshot: the graph may change while it is read)."""
        return list(self._spo)

    def __len__(self, context=None) -> int:
        return self._count
