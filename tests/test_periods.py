"""Dates of mixed precision: periods read as (earliest, latest), ordered and compared."""

from __future__ import annotations

import re
from datetime import date

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from iraqkg.periods import PERIOD, PERIOD_PATTERN, parse, parse_text
from iraqkg.temporal import Span, after, before, during, overlaps

from .conftest import REPO

D = date


@pytest.mark.parametrize(
    "text, earliest, latest, precision, qualifier",
    [
        ("2014", D(2014, 1, 1), D(2014, 12, 31), "year", None),
        ("2014-02", D(2014, 2, 1), D(2014, 2, 28), "month", None),
        ("2016-02", D(2016, 2, 1), D(2016, 2, 29), "month", None),
        ("2021-11-07", D(2021, 11, 7), D(2021, 11, 7), "day", None),
        ("1990s", D(1990, 1, 1), D(1999, 12, 31), "decade", None),
        ("early 1980s", D(1980, 1, 1), D(1983, 12, 31), "decade", "early"),
        ("mid 1990s", D(1993, 1, 1), D(1996, 12, 31), "decade", "mid"),
        ("late 1980s", D(1986, 1, 1), D(1989, 12, 31), "decade", "late"),
        ("late 2019", D(2019, 9, 1), D(2019, 12, 31), "year", "late"),
        ("early 2014", D(2014, 1, 1), D(2014, 4, 30), "year", "early"),
        ("20th century", D(1901, 1, 1), D(2000, 12, 31), "century", None),
        ("late 20th century", D(1967, 1, 1), D(2000, 12, 31), "century", "late"),
        ("by 2014", None, D(2014, 12, 31), "year", "by"),
        ("before 2003", None, D(2002, 12, 31), "year", "before"),
        ("after 2010", D(2011, 1, 1), None, "year", "after"),
        ("between 2014 and 2017", D(2014, 1, 1), D(2017, 12, 31), "year", "between"),
    ],
)
def test_periods_read_as_the_widest_interval_the_words_allow(
    text, earliest, latest, precision, qualifier
):
    period = parse(Literal(text, datatype=PERIOD))
    assert (period.earliest, period.latest, period.precision, period.qualifier) == (
        earliest,
        latest,
        precision,
        qualifier,
    )
    assert re.match(PERIOD_PATTERN, text)


@pytest.mark.parametrize(
    "text",
    ["the eighties", "1985s", "2014-13", "2021-04-31", "between 2017 and 2014", "early 2014-06"],
)
def test_what_names_no_period_is_refused_with_a_reason(text):
    with pytest.raises(ValueError):
        parse_text(text)
    assert parse(Literal(text, datatype=PERIOD)) is None


def test_xsd_literals_keep_their_precision():
    assert parse(Literal("2014", datatype=XSD.gYear)).precision == "year"
    assert parse(Literal("2014-06", datatype=XSD.gYearMonth)).latest == D(2014, 6, 30)
    assert parse(Literal("2014", datatype=XSD.string)) is None


def test_the_shapes_check_the_same_grammar_as_the_parser():
    shapes = Graph().parse(REPO / "ontology" / "shapes.ttl")
    from iraqkg.namespaces import SH

    patterns = {str(p) for p in shapes.objects(None, SH.pattern)}
    assert PERIOD_PATTERN in patterns


def _event(text):
    return Span.of(parse_text(text))


@pytest.mark.parametrize(
    "a, b, is_before, is_overlapping, is_during",
    [
        ("2014-06-10", "2014-06-13", True, False, False),  # fall of Mosul, Sistani's fatwa
        ("2014", "2014-06-10", None, None, None),  # a year against one of its days: open
        ("1990s", "2014", True, False, False),  # Badr's 1990s bases before the PMF
        ("early 1980s", "1982", None, None, None),
        ("late 2019", "2019-11-15", None, None, None),
        ("2019-11-15", "late 2019", None, None, None),  # a one-off event in late 2019: open
        ("by 2014", "2015", True, False, False),
        ("after 2010", "2006", False, False, False),
    ],
)
def test_before_overlaps_during_are_decided_where_the_dates_allow(
    a, b, is_before, is_overlapping, is_during
):
    assert before(_event(a), _event(b)) is is_before
    assert overlaps(_event(a), _event(b)) is is_overlapping
    assert during(_event(a), _event(b)) is is_during
    if is_before:
        assert after(_event(b), _event(a)) is True


def test_a_lasting_span_contains_a_day_inside_its_certain_part():
    term = Span.of(parse_text("2010"), parse_text("2014"))  # Maliki's second term (2010-14)
    assert during(_event("2012-06-01"), term) is True
    assert during(_event("2010-03-01"), term) is None  # the term may have begun later in 2010
    assert overlaps(_event("2012"), term) is True


def test_sorting_by_latest_then_earliest_descending_puts_a_year_after_its_months():
    texts = ["2014", "2014-06-10", "2014-06", "2014-12", "2013", "by 2014", "1990s"]
    periods = [parse_text(t) for t in texts]
    ordered = sorted(periods, key=lambda p: (p.latest, -(p.earliest or D.min).toordinal()))
    assert [p.text for p in ordered] == [
        "1990s",
        "2013",
        "2014-06-10",
        "2014-06",
        "2014-12",
        "2014",
        "by 2014",
    ]


def test_the_timeline_lists_undated_events_apart_and_filters_by_period():
    from iraqkg.timeline import arrange, in_period, period_filter

    def event(label, text):
        period = parse_text(text) if text else None
        return {
            "label": label,
            "earliest": period.earliest if period else None,
            "latest": period.latest if period else None,
        }

    events = [
        event("order", "2014"),
        event("mosul", "2014-06-10"),
        event("fatwa", "2014-06-13"),
        event("undated", None),
        event("bases", "1990s"),
    ]
    dated, undated = arrange(events)
    assert [e["label"] for e in dated] == ["bases", "mosul", "fatwa", "order"]
    assert [e["label"] for e in undated] == ["undated"]
    window = period_filter("2014-06", "2014-06")
    assert [e["label"] for e in dated if in_period(e["earliest"], e["latest"], window)] == [
        "mosul",
        "fatwa",
        "order",  # a year may fall within June: it is kept (possibly), not dropped
    ]
    with pytest.raises(ValueError):
        period_filter("2020", "2019")
