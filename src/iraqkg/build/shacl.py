"""The data contract's SHACL shapes, compiled into direct checks; pySHACL is the reference.

pySHACL re-walks the data graph for every shape and constraint and slowed the build more
than the data grew (bench/results/reasoning.md). ``compile_shapes`` reads the shapes graph
once into plain objects; ``check`` first indexes the values of every path the shapes use
(one pass per predicate), then evaluates each focus node with dictionary lookups, so the
cost is linear in the data. Only the SHACL Core subset listed in ``_PARAMETERS`` is
compiled; a shapes graph that uses anything else raises ``Unsupported`` and the caller
runs pySHACL instead. ``tests/test_shacl.py`` checks on the seed data and on generated
broken graphs that both report the same results.

The semantics follow SHACL Core as pySHACL implements it, including its choices where
the specification leaves room (datatypes it cannot check pass unless ill-typed).
"""

from __future__ import annotations

import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node


class Unsupported(Exception):
    """The shapes use SHACL beyond the compiled subset."""


# Parameters a shape may carry; the rest of the sh: vocabulary is Unsupported.
_PARAMETERS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minInclusive,
    SH.minLength,
    SH["in"],
    SH.languageIn,
    SH.node,
    SH["or"],
    SH.pattern,
}
# sh:minCount -> sh:MinCountConstraintComponent, and so on.
_COMPONENTS = {
    p: SH[p.fragment[0].upper() + p.fragment[1:] + "ConstraintComponent"] for p in _PARAMETERS
}
# A count breaks its bound when this holds of (number of values, bound).
_COUNTS = {SH.minCount: operator.lt, SH.maxCount: operator.gt}
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf}
_DESCRIPTIVE = {SH.message, SH.name, SH.description, SH.order, SH.group, SH.path, SH.property}
_SHAPE_TYPES = {SH.NodeShape, SH.PropertyShape}
# What pySHACL checks beyond the datatype IRI: the Python type rdflib parses the value to.
_VALUE_TYPES = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.Literal: (Literal,),
    SH.BlankNode: (BNode,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL reports it."""

    focus: Node
    path: Node | None
    value: Node | None
    component: URIRef  # e.g. sh:MinCountConstraintComponent
    shape: Node
    message: str | None  # the shape's sh:message; None where the shape has none


@dataclass
class Shape:
    node: Node
    path: URIRef | None = None  # None for a node shape
    parameters: dict[URIRef, object] = field(default_factory=dict)
    properties: list[Shape] = field(default_factory=list)
    message: str | None = None
    targets: list[tuple[URIRef, Node]] = field(default_factory=list)


@dataclass
class Shapes:
    shapes: dict[Node, Shape]
    targeted: list[Shape]

    def paths(self) -> set[URIRef]:
        return {s.path for s in self.shapes.values() if s.path is not None}


def compile_shapes(graph: Graph) -> Shapes:
    """Read the shapes graph; raise Unsupported for anything outside the compiled subset."""
    shapes: dict[Node, Shape] = {}

    def shape(node: Node) -> Shape:
        if node in shapes:
            return shapes[node]
        compiled = shapes[node] = Shape(node)
        for predicate, value in graph.predicate_objects(node):
            if predicate == RDF.type:
                if value not in _SHAPE_TYPES:
                    raise Unsupported(f"shape {node} has type {value}")
            elif predicate == SH.path:
                if not isinstance(value, URIRef):
                    raise Unsupported(f"shape {node}: only predicate paths are compiled")
                compiled.path = value
            elif predicate == SH.property:
                compiled.properties.append(shape(value))
            elif predicate == SH.message:
                if compiled.message is not None:
                    raise Unsupported(f"shape {node} has more than one sh:message")
                compiled.message = str(value)
            elif predicate in _TARGETS:
                compiled.targets.append((predicate, value))
            elif predicate in _PARAMETERS:
                if predicate in compiled.parameters:
                    raise Unsupported(f"shape {node} repeats {predicate}")
                compiled.parameters[predicate] = _parameter(graph, predicate, value, shape)
            elif predicate in _DESCRIPTIVE or not str(predicate).startswith(str(SH)):
                continue
            else:
                raise Unsupported(f"shape {node} uses {predicate}")
        return compiled

    roots = {s for kind in _SHAPE_TYPES for s in graph.subjects(RDF.type, kind)}
    for predicate in _TARGETS:
        roots |= set(graph.subjects(predicate, None))
    for node in sorted(roots, key=str):
        shape(node)
    targeted = [s for s in shapes.values() if s.targets]
    return Shapes(shapes, targeted)


def _parameter(graph: Graph, predicate: URIRef, value: Node, shape) -> object:
    if predicate in (SH["in"], SH.languageIn):
        return tuple(Collection(graph, value))
    if predicate == SH["or"]:
        return tuple(shape(member) for member in Collection(graph, value))
    if predicate == SH.node:
        return shape(value)
    if predicate == SH.nodeKind and value not in _NODE_KINDS:
        raise Unsupported(f"unknown sh:nodeKind {value}")
    if predicate in (SH.minCount, SH.maxCount, SH.minLength) and not isinstance(value.value, int):
        raise Unsupported(f"{predicate} needs an integer")
    return value


class _Data:
    """The data graphs' values for the shapes' paths, indexed once."""

    def __init__(self, graphs: list[Graph], paths: set[URIRef]) -> None:
        self.values: dict[URIRef, dict[Node, list[Node]]] = {}
        for path in paths | {RDF.type}:
            index: dict[Node, list[Node]] = defaultdict(list)
            seen = set()
            for graph in graphs:
                for s, _, o in graph.triples((None, path, None)):
                    if (s, o) not in seen:
                        seen.add((s, o))
                        index[s].append(o)
            self.values[path] = index
        parents: dict[Node, set[Node]] = defaultdict(set)
        for graph in graphs:
            for sub, sup in graph.subject_objects(RDFS.subClassOf):
                parents[sub].add(sup)
        self._parents = parents
        self._ancestors: dict[Node, frozenset[Node]] = {}
        self.graphs = graphs

    def objects(self, node: Node, path: URIRef) -> list[Node]:
        return self.values[path].get(node, [])

    def ancestors(self, cls: Node) -> frozenset[Node]:
        """The class and every superclass (rdfs:subClassOf*)."""
        found = self._ancestors.get(cls)
        if found is None:
            seen, todo = {cls}, [cls]
            while todo:
                for parent in self._parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._ancestors[cls] = frozenset(seen)
        return found

    def is_instance(self, node: Node, cls: Node) -> bool:
        return any(cls in self.ancestors(t) for t in self.objects(node, RDF.type))

    def focus_nodes(self, shape: Shape) -> list[Node]:
        found: dict[Node, None] = {}
        classes = {value for kind, value in shape.targets if kind == SH.targetClass}
        if classes:
            for node, types in self.values[RDF.type].items():
                if any(classes & self.ancestors(t) for t in types):
                    found[node] = None
        for kind, value in shape.targets:
            for graph in self.graphs:
                if kind == SH.targetSubjectsOf:
                    found.update(dict.fromkeys(s for s, _ in graph.subject_objects(value)))
                elif kind == SH.targetObjectsOf:
                    found.update(dict.fromkeys(graph.objects(None, value)))
        return list(found)


class _Checker:
    def __init__(self, data: _Data) -> None:
        self.data = data
        self._conforms: dict[tuple[Node, Node], bool] = {}
        # The class's functions, not bound methods: those would make a reference cycle
        # (checker -> method -> checker) that only the paused collector frees, and the
        # build held every shape index until then (a sixth of its peak memory).
        self._tests = {p: getattr(_Checker, "_" + p.fragment) for p in _PARAMETERS - set(_COUNTS)}
        self._plans: dict[Node, tuple] = {}

    def conforms(self, node: Node, shape: Shape) -> bool:
        key = (node, shape.node)
        if key not in self._conforms:
            self._conforms[key] = True  # a recursive reference does not fail itself
            self._conforms[key] = self.evaluate(node, shape, None)
        return self._conforms[key]

    def _plan(self, shape: Shape) -> tuple:
        """The shape's value index and its (count, rule, test, component) steps, made once."""
        plan = self._plans.get(shape.node)
        if plan is None:
            steps = []
            for parameter, rule in shape.parameters.items():
                count = _COUNTS.get(parameter)
                bound = rule.value if count else rule
                steps.append((count, bound, self._tests.get(parameter), _COMPONENTS[parameter]))
            index = None if shape.path is None else self.data.values[shape.path]
            plan = self._plans[shape.node] = (index, steps)
        return plan

    def evaluate(self, focus: Node, shape: Shape, out: list[Result] | None) -> bool:
        """Whether ``focus`` conforms to ``shape``; appends each result to ``out``, or stops
        at the first failure when ``out`` is None (a nested sh:node or sh:or test)."""
        index, steps = self._plan(shape)
        values = [focus] if index is None else index.get(focus, ())
        conforms = True
        for count, rule, test, component in steps:
            failed = [None] if count is not None and count(len(values), rule) else []
            if test is not None:
                failed = [value for value in values if not test(self, value, rule)]
            if failed:
                if out is None:
                    return False
                conforms = False
                out.extend(
                    Result(focus, shape.path, value, component, shape.node, shape.message)
                    for value in failed
                )
        for prop in shape.properties:
            for value in values:
                if not self.evaluate(value, prop, out):
                    if out is None:
                        return False
                    conforms = False
        return conforms

    def _class(self, value: Node, cls: Node) -> bool:
        return not isinstance(value, Literal) and self.data.is_instance(value, cls)

    def _datatype(self, value: Node, datatype: Node) -> bool:
        if not isinstance(value, Literal):
            return False
        if value.datatype == datatype:
            if getattr(value, "ill_typed", None) is True:
                return False
        elif datatype == RDFS.Literal:
            return True
        elif datatype == RDFS.Datatype:
            return value.datatype is not None
        elif datatype == XSD.string:
            if value.datatype is not None or value.language is not None:
                return False
        elif not (datatype == RDF.langString and value.language):
            return False
        expected = _VALUE_TYPES.get(datatype)
        return expected is None or isinstance(value.value, expected)

    def _pattern(self, value: Node, pattern: Node) -> bool:
        # SHACL: the value's string form matches the regular expression; blank nodes fail.
        return not isinstance(value, BNode) and re.search(str(pattern), str(value)) is not None

    def _nodeKind(self, value: Node, kind: Node) -> bool:  # noqa: N802 (SHACL's name)
        return isinstance(value, _NODE_KINDS[kind])

    def _minInclusive(self, value: Node, bound: Literal) -> bool:  # noqa: N802
        if not isinstance(value, Literal):
            return False
        if isinstance(value.value, str) != isinstance(bound.value, str):
            return False
        try:  # rdflib's literal order (a boolean is not a number), as pySHACL uses it
            if isinstance(value.value, (datetime, time)):
                return value.value >= bound.value
            return value.eq(bound) or value > bound
        except (TypeError, NotImplementedError):
            return False

    def _minLength(self, value: Node, length: Literal) -> bool:  # noqa: N802
        return not isinstance(value, BNode) and len(str(value)) >= length.value

    def _in(self, value: Node, members: tuple) -> bool:
        return value in members

    def _languageIn(self, value: Node, ranges: tuple) -> bool:  # noqa: N802
        if not isinstance(value, Literal) or not value.language:
            return False
        tag = value.language.lower()
        return any(tag == r.lower() or tag.startswith(r.lower() + "-") for r in map(str, ranges))

    def _node(self, value: Node, shape: Shape) -> bool:
        return self.conforms(value, shape)

    def _or(self, value: Node, shapes: tuple[Shape, ...]) -> bool:
        return any(self.conforms(value, s) for s in shapes)


def check(shapes: Shapes, graphs: list[Graph]) -> list[Result]:
    """Every result of validating the union of ``graphs`` against ``shapes``."""
    data = _Data(graphs, shapes.paths())
    checker = _Checker(data)
    found: list[Result] = []
    for shape in shapes.targeted:
        for focus in data.focus_nodes(shape):
            checker.evaluate(focus, shape, found)
    return found


def reference_check(shapes: Graph, graphs: list[Graph]) -> list[Result]:
    """pySHACL's results for the same input: the reference ``check`` is tested against."""
    from pyshacl import validate

    data = Graph()
    for graph in graphs:
        data += graph
    _, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    found = []
    # Top-level results only: pySHACL also types the sh:detail of a failed sh:node as results.
    for result in report.objects(report.value(None, RDF.type, SH.ValidationReport), SH.result):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue  # warnings and infos do not break the contract
        shape = report.value(result, SH.sourceShape)
        own = shapes.value(shape, SH.message) is not None  # else pySHACL's words, not compared
        found.append(
            Result(
                report.value(result, SH.focusNode),
                report.value(result, SH.resultPath),
                report.value(result, SH.value),
                report.value(result, SH.sourceConstraintComponent),
                shape,
                str(report.value(result, SH.resultMessage)) if own else None,
            )
        )
    return found
