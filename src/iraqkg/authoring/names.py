"""Which source uses which name: every label of every entity found in the source texts.

An entity's labels (``skos:prefLabel``, ``skos:altLabel``) are sought in every paragraph of
every source, whole words only, and case-sensitively (PMU is not "pmu"), with two
tolerances: straight and curly quotes are one (as ``provenance.normalise`` treats them), and
a word the label writes in lower case may be capitalised in the text (al-Sadr at the start
of a sentence is Al-Sadr). Labels that differ only in those ways are one *form*.

Where forms overlap, the leftmost, then the longest wins, so "Badr" inside "Badr
Organization" counts for the longer name only. A name inside another entity's longer label
counts for its own entity too when that label describes rather than names
(``nesting.names_itself``): "Mustafa al-Kadhimi" in "residence of Iraqi prime minister
Mustafa al-Kadhimi" is his name, "PMF" in "PMF Commission" part of another's. A form that
labels two entities is not guessed: an occurrence written exactly as one entity's label
only (U.S.-led Coalition forces, U.S.-led coalition forces) is that entity's; the others
are kept aside and reported.

The same findings answer the label questions of issue 12: which labels no source uses, and
which entities' preferred label is not the spelling the sources use most (a spelling being
one of the labels that ``same_name`` finds a spelling of the preferred one: Kadhimi /
Khadimi, Musleh / Muslih, Shamkhani / Shamakhani; PMU is another name, not a spelling).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from iraqkg.authoring.nesting import names_itself
from iraqkg.namespaces import IKG
from iraqkg.provenance import SourceLibrary
from iraqkg.search.normalise import fold, skeleton_word, words

# The quote characters provenance.normalise folds, as one-for-one replacements: positions
# in the folded text are positions in the paragraph.
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                       "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00a0": " "})  # fmt: skip
_SPACE = re.compile(r"\s+")
# A word may be capitalised in the text when the label writes it in lower case, or when it
# begins with an Arabic article (Al-Kadhimi for al-Kadhimi, al-Hashd for Al-Hashd).
_ARTICLE = re.compile(r"^[AaEe][lnrstdz]h?-")
# How close two words of one name must be, when their skeletons differ (0-100).
_CLOSE = 85
# Types whose members are not looked for: the documents themselves and the records.
_NOT_NAMED = {IKG.SourceDocument, IKG.Statement, IKG.Inference}


@dataclass(frozen=True)
class Label:
    """One label of one entity, as the data writes it."""

    entity: str
    text: str
    kind: str  # "prefLabel" | "altLabel"

    @property
    def form(self) -> str:
        return form_of(self.text)


@dataclass(frozen=True)
class Occurrence:
    """One place a source writes a name: the span in the paragraph, and who it names."""

    form: str
    written: str  # the words as the source writes them (whitespace folded)
    file_name: str
    paragraph: int  # counted from 1
    start: int
    end: int
    entities: tuple[str, ...]  # one entity, or several when the form is ambiguous
    within: str = ""  # the longer label it is written inside of, as written ("" if none)


@dataclass(frozen=True)
class Spelling:
    """An entity whose preferred label is not the spelling the sources use most."""

    entity: str
    current: str
    proposed: str
    uses: dict[str, int]  # label -> occurrences in all sources, for each spelling


@dataclass
class Findings:
    """Every occurrence of every label in the sources, and what follows for the labels."""

    labels: list[Label]
    occurrences: list[Occurrence]  # unambiguous, in source and text order
    ambiguous: list[Occurrence] = field(default_factory=list)
    # Form -> how the sources write it, counted wherever it stands, inside a longer name
    # too ("Ali al-Sistani" in "Grand Ayatollah Ali al-Sistani"): the evidence for spellings.
    written: dict[str, Counter] = field(default_factory=dict)

    def uses(self) -> Counter:
        """(entity, form) -> number of occurrences in all sources."""
        return Counter((o.entities[0], o.form) for o in self.occurrences)

    def sources_using(self) -> dict[tuple[str, str], set[str]]:
        """(entity, form) -> the source files that write it."""
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for o in self.occurrences:
            found[(o.entities[0], o.form)].add(o.file_name)
        return dict(found)

    def unused(self) -> list[Label]:
        """Labels that no source writes anywhere, not even inside a longer name, sorted."""
        return sorted(
            (
                label
                for label in self.labels
                if is_name(label) and not sum(self.written.get(label.form, Counter()).values())
            ),
            key=lambda label: (label.entity, label.kind != "prefLabel", label.text),
        )

    def descriptions(self) -> list[Label]:
        """Labels in lower case only: descriptions, not names, so not sought (``is_name``)."""
        return [label for label in self.labels if not is_name(label)]

    def ambiguous_forms(self) -> dict[str, tuple[tuple[str, ...], int]]:
        """Form -> (the entities it labels, occurrences skipped)."""
        counts = Counter((o.form, o.entities) for o in self.ambiguous)
        return {form: (entities, n) for (form, entities), n in sorted(counts.items())}

    def spellings(self) -> list[Spelling]:
        """Entities whose preferred label is written less often than another spelling of it
        (``same_name``), counting every place each is written."""
        by_entity: dict[str, list[Label]] = defaultdict(list)
        for label in self.labels:
            by_entity[label.entity].append(label)
        found = []
        for entity, labels in sorted(by_entity.items()):
            preferred = next((la for la in labels if la.kind == "prefLabel"), None)
            if preferred is None:
                continue
            mine = preferred.form
            variants = {la.form: la for la in labels if same_name(la.text, preferred.text)}
            counted = {form: sum(self.written.get(form, Counter()).values()) for form in variants}
            for form in list(counted):  # HAIDAR HAMDANI in a byline is Haidar Hamdani
                if form != mine and form.casefold() == mine.casefold():
                    counted[mine] += counted.pop(form)
            best = max(counted, key=lambda form: (counted[form], form == mine, form))
            if counted[best] > counted[mine]:
                ways = self.written[best]
                proposed = max(ways, key=lambda w: (ways[w], w))
                if preferred.text[:1].isupper():  # a label starts as the current one does
                    proposed = _capitalised(proposed)
                found.append(
                    Spelling(
                        entity,
                        preferred.text,
                        proposed,
                        {variants[form].text: n for form, n in sorted(counted.items())},
                    )
                )
        return found

    def respellings(self) -> list[Spelling]:
        """Preferred labels that spell a name inside them as no source does, where the
        sources write that name otherwise ("Arrest of Qasim Muslih" when the sources write
        Qassim Musleh): an unused label of several words, a spelling of its entity's
        preferred label, which the sources use."""
        count = {form: sum(ways.values()) for form, ways in self.written.items()}
        by_entity: dict[str, list[Label]] = defaultdict(list)
        for label in self.labels:
            by_entity[label.entity].append(label)
        wrong: dict[str, str] = {}  # an unused spelling -> the used preferred one
        for labels in by_entity.values():
            preferred = next((la for la in labels if la.kind == "prefLabel"), None)
            if preferred is None or not count.get(preferred.form):
                continue
            for la in labels:
                if (
                    la.kind == "altLabel"
                    and " " in la.text.strip()
                    and not count.get(la.form)
                    and same_name(la.text, preferred.text)
                ):
                    wrong[fold_quotes(la.text)] = fold_quotes(preferred.text)
        found = []
        for label in self.labels:
            text = fold_quotes(label.text)
            if label.kind != "prefLabel" or count.get(label.form):
                continue
            for spelled, right in sorted(wrong.items()):
                if spelled != text and re.search(rf"(?<!\w){re.escape(spelled)}(?!\w)", text):
                    found.append(
                        Spelling(label.entity, label.text, text.replace(spelled, right), {})
                    )
                    break
        return sorted(found, key=lambda s: s.entity)


def fold_quotes(text: str) -> str:
    """Straight quotes for curly ones (position for position)."""
    return text.translate(_FOLD)


def form_of(text: str) -> str:
    """The key labels share when they differ only in quote style, spacing or the case a
    sentence or title may give a lower-case word."""
    words = _SPACE.sub(" ", text.translate(_FOLD)).strip().split(" ")
    return " ".join(_capitalised(w) if _may_capitalise(w) else w for w in words)


def same_name(one: str, other: str) -> bool:
    """True when two labels are spellings of one name: word for word (articles aside) the
    same transliteration skeleton, or close (Shamkhani / Shamakhani), the same number of
    words; "Popular Mobilization Units" is another name than "... Forces", PMU than PMF."""
    first, second = words(fold(one)), words(fold(other))
    return len(first) == len(second) and all(
        a == b
        or skeleton_word(a) == skeleton_word(b)
        or (min(len(a), len(b)) > 3 and fuzz.ratio(a, b) >= _CLOSE)
        for a, b in zip(first, second, strict=True)
    )


def _may_capitalise(word: str) -> bool:
    return word[:1].islower() or bool(_ARTICLE.match(word))


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]


def _form_pattern(texts: list[str]) -> str:
    """The pattern of one form, from the labels that have it: a word any of them writes in
    lower case (or with an article) may start with either case; a label's space matches
    any run of whitespace (a line break inside a paragraph)."""
    split = [_SPACE.sub(" ", t.translate(_FOLD)).strip().split(" ") for t in texts]
    parts = []
    for position, word in enumerate(split[0]):
        first = word[:1]
        if first.isalpha() and any(_may_capitalise(words[position]) for words in split):
            parts.append(f"[{first.lower()}{first.upper()}]" + re.escape(word[1:]))
        else:
            parts.append(re.escape(word))
    return r"\s+".join(parts)


def read_labels(graph: Graph) -> list[Label]:
    """Every English (or untagged) label of every entity that is not a source or a record."""
    found = set()
    for kind in (SKOS.prefLabel, SKOS.altLabel):
        for entity, label in graph.subject_objects(kind):
            if not isinstance(entity, URIRef) or not isinstance(label, Literal):
                continue
            if label.language not in (None, "en") or not str(label).strip():
                continue
            if set(graph.objects(entity, RDF.type)) & _NOT_NAMED:
                continue
            found.add(Label(str(entity), str(label), kind.split("#")[-1]))
    return sorted(found, key=lambda la: (la.entity, la.kind != "prefLabel", la.text))


def is_name(label: Label) -> bool:
    """A label with a capital letter or a digit is a name; one in lower case only ("the
    militias", "parliament", "civil war") describes, and is not sought: every "militias" of
    a text is not the entity that label is on."""
    return any(c.isupper() or c.isdigit() for c in label.text)


def source_files(graph: Graph) -> dict[str, str]:
    """Source document IRI -> its file name in the source folder."""
    return {
        str(doc): str(name)
        for doc, name in graph.subject_objects(IKG.fileName)
        if (doc, RDF.type, IKG.SourceDocument) in graph
    }


def find_names(
    labels: list[Label],
    library: SourceLibrary,
    files: list[str],
    titles: frozenset[str] = frozenset(),
) -> Findings:
    """Every occurrence of the labels' forms in the paragraphs of ``files`` (missing files
    are skipped: the quote check reports them). ``titles``: entities whose labels are
    titles (works), names as a whole whatever their case."""
    entities: dict[str, set[str]] = defaultdict(set)
    texts: dict[str, list[str]] = defaultdict(list)
    exact: dict[str, set[str]] = defaultdict(set)  # label as written -> entities
    for label in filter(is_name, labels):
        entities[label.form].add(label.entity)
        texts[label.form].append(label.text)
        exact[_SPACE.sub(" ", fold_quotes(label.text)).strip()].add(label.entity)
    if not entities:
        return Findings(labels, [])
    forms = sorted(entities)
    alone = {f: re.compile(rf"(?<!\w){_form_pattern(texts[f])}(?!\w)") for f in forms}
    # A form can only be in a paragraph that holds its longest word (any case): a substring
    # test that keeps each paragraph's search to the few forms it may hold.
    needles = {f: max(f.lower().split(" "), key=len) for f in forms}
    occurrences, ambiguous = [], []
    written: dict[str, Counter] = defaultdict(Counter)
    for file_name in sorted(files):
        for number, paragraph in enumerate(library.paragraphs_of(file_name) or (), 1):
            folded = paragraph.translate(_FOLD)
            lowered = folded.lower()
            spans = []  # every match of every form, overlapping ones too
            for f in (f for f in forms if needles[f] in lowered):
                for match in alone[f].finditer(folded):
                    written[f][_SPACE.sub(" ", match.group())] += 1
                    spans.append((match.start(), match.end(), f))
            for (start, end, form), outer in _nested(sorted(spans, key=_leftmost_longest)):
                named = _named(entities[form], exact, paragraph[start:end])
                within = ""
                if outer is not None:  # inside a longer label: does it name its own entity?
                    around = _named(entities[outer[2]], exact, paragraph[outer[0] : outer[1]])
                    if set(named) & set(around) or set(around) & titles:
                        continue
                    if not names_itself(folded, start, end, outer[0], outer[1]):
                        continue
                    within = _SPACE.sub(" ", paragraph[outer[0] : outer[1]])
                found = Occurrence(
                    form,
                    _SPACE.sub(" ", paragraph[start:end]),
                    file_name,
                    number,
                    start,
                    end,
                    named,
                    within,
                )
                (occurrences if len(named) == 1 else ambiguous).append(found)
    return Findings(labels, occurrences, ambiguous, dict(written))


def findings_for(graph: Graph, library: SourceLibrary) -> Findings:
    """The findings for the entities of ``graph`` in the sources of ``library``."""
    titles = frozenset(str(work) for work in graph.subjects(RDF.type, IKG.Work))
    return find_names(read_labels(graph), library, list(source_files(graph).values()), titles)


def _named(labelled: set[str], exact: dict[str, set[str]], written: str) -> tuple[str, ...]:
    """The entities a form written so names: one, or several when the form is shared and
    its exact case does not tell them apart."""
    named = tuple(sorted(labelled))
    if len(named) > 1:
        same = exact.get(fold_quotes(_SPACE.sub(" ", written)), set()) & set(named)
        named = tuple(sorted(same)) if len(same) == 1 else named
    return named


def _leftmost_longest(span: tuple[int, int, str]) -> tuple[int, int, str]:
    return (span[0], -span[1], span[2])


def _nested(spans: list, outer: tuple | None = None) -> list:
    """(span, the span it is inside of or None) for the outermost spans, leftmost then
    longest (what overlaps a kept span is inside it or lost), then for the spans inside
    each of them, recursively. ``spans`` sorted by ``_leftmost_longest``."""
    kept, end = [], -1
    for span in spans:
        if span[0] >= end:
            kept.append(span)
            end = span[1]
    found = []
    for span in kept:
        found.append((span, outer))
        inside = [s for s in spans if span[0] <= s[0] and s[1] <= span[1] and s[:2] != span[:2]]
        found += _nested(inside, span)
    return found
