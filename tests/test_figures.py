"""Figures as typed quantities, and the named queries over time: figures and actor-timeline.

Each expectation is read from the source passage named beside it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from iraqkg.quantities import AMOUNT_PATTERN, parse_amount

D = Decimal


@pytest.mark.parametrize(
    "text, value, low, high, approximation, unit, total, per",
    [
        ("48", D(48), D(48), D(48), "exact", None, None, None),
        ("2,500", D(2500), D(2500), D(2500), "exact", None, None, None),
        ("some 10000", D(10000), None, None, "about", None, None, None),
        ("more than 70 of 329", D(70), D(71), None, "more than", None, 329, None),
        ("around $20 million per year", D(20_000_000), None, None, "about", "USD", None, "year"),
        (
            "$2.6 billion per year",
            D(2_600_000_000),
            D(2_600_000_000),
            D(2_600_000_000),
            "exact",
            "USD",
            None,
            "year",
        ),
        ("tens of thousands", None, D(20_000), D(99_999), "tens of thousands", None, None, None),
        ("hundreds", None, D(200), D(999), "hundreds", None, None, None),
        ("a number", None, D(2), None, "a number", None, None, None),
        ("seven", D(7), D(7), D(7), "exact", None, None, None),
        ("up to 5", D(5), None, D(5), "up to", None, None, None),
        ("fewer than 5", D(5), None, D(4), "fewer than", None, None, None),
    ],
)
def test_amounts_read_into_bounds(text, value, low, high, approximation, unit, total, per):
    amount = parse_amount(text)
    assert (amount.value, amount.minimum, amount.maximum, amount.approximation) == (
        value,
        low,
        high,
        approximation,
    )
    assert (amount.unit, amount.total, amount.per) == (unit, total, per)


@pytest.mark.parametrize("text", ["lots", "about hundreds", "10 000", "more than", "$"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)
    assert AMOUNT_PATTERN.startswith("^")


THIRD = (D("0.333333"), D("0.333333"), D("0.333334"))


@pytest.mark.parametrize(
    "text, value, low, high, approximation, unit",
    [
        # vague words: the word is the approximation; "several" and kin say at least two
        ("considerable", None, None, None, "considerable", None),
        ("numerous", None, D(2), None, "numerous", None),
        ("many", None, D(2), None, "many", None),
        ("several", None, D(2), None, "several", None),
        # shares of a whole, as fractions; a third rounded, its bounds outwards
        ("one-third", *THIRD, "exact", "share"),
        ("a third", *THIRD, "exact", "share"),
        ("two-thirds", D("0.666667"), D("0.666666"), D("0.666667"), "exact", "share"),
        ("half", D("0.5"), D("0.5"), D("0.5"), "exact", "share"),
        ("a quarter", D("0.25"), D("0.25"), D("0.25"), "exact", "share"),
        ("one-quarter", D("0.25"), D("0.25"), D("0.25"), "exact", "share"),
        ("three-quarters", D("0.75"), D("0.75"), D("0.75"), "exact", "share"),
        ("more than half", D("0.5"), D("0.5"), None, "more than", "share"),
        ("over a third", D("0.333333"), D("0.333333"), None, "more than", "share"),
        ("fewer than a third", D("0.333333"), None, D("0.333334"), "fewer than", "share"),
        ("nearly half", D("0.5"), None, None, "about", "share"),
        ("most", None, D("0.5"), None, "most", "share"),
        ("a majority", None, D("0.5"), None, "a majority", "share"),
        # durations: not counted in steps; decades read as ten years
        ("two years", D(2), D(2), D(2), "exact", "year"),
        ("one year", D(1), D(1), D(1), "exact", "year"),
        ("over two decades", D(20), D(20), None, "more than", "year"),
        ("18 months", D(18), D(18), D(18), "exact", "month"),
        ("about 3 weeks", D(3), None, None, "about", "week"),
        ("at most 1.5 days", D("1.5"), None, D("1.5"), "up to", "day"),
    ],
)
def test_shares_durations_and_vague_words(text, value, low, high, approximation, unit):
    amount = parse_amount(text)
    assert (amount.value, amount.minimum, amount.maximum) == (value, low, high)
    assert (amount.approximation, amount.unit, amount.text) == (approximation, unit, text)
    assert (amount.total, amount.per) == (None, None)
    if amount.unit == "share" and amount.minimum is not None and amount.maximum is not None:
        assert amount.minimum <= amount.value <= amount.maximum  # bounds hold the fraction


def test_vague_words_keep_a_total_and_a_rate():
    amount = parse_amount("several of 329")
    assert (amount.minimum, amount.total, amount.approximation) == (D(2), 329, "several")
    assert parse_amount("many per year").per == "year"


@pytest.mark.parametrize(
    "text, message",
    [
        ("about numerous", "takes no approximation"),
        ("more than most", "takes no approximation"),
        ("at least considerable", "takes no approximation"),
        ("one-third of the country", "a share takes no total"),
        ("most of 48", "a share takes no total"),
        ("half per year", "a share takes no total or rate"),
        ("two decades of 3", "a duration takes no total"),
        ("two years per month", "a duration takes no total or rate"),
        ("a few", "is not an amount"),
        ("one third", "is not an amount"),
        ("several decades", "is not an amount"),
        ("$half", "is not an amount"),
        ("$numerous", "is not an amount"),
        ("twenty-one years", "is not an amount"),
    ],
)
def test_malformed_amounts_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message) as refused:
        parse_amount(text)
    assert repr(text) in str(refused.value)  # the message quotes the amount it refuses


def test_figures_the_amount_form_could_not_hold_before(ask):
    def read(entity, measure):
        rows = ask("figures", entity=entity, measure=measure)
        return [
            tuple(r.get(k) for k in ("asStated", "value", "min", "max", "approximation", "unit"))
            + (r.get("regardingName"), r["source"], r["paragraph"])
            for r in rows
        ]

    # 000 para 1: "the Fatah Alliance, had lost considerable seats to its Shia rival, the
    # Sadrist movement": no number, so no bounds, and the word shown as the approximation.
    assert read("id:fatah-alliance", "ikg:seatsLost") == [
        ("considerable", None, None, None, "considerable", None, "Sadrist movement")
        + ("id:source-000", "1")
    ]
    # 000 para 17: "the soft spot for numerous rocket attacks": at least two.
    assert read("id:rocket-attacks-on-erbil-after-the-2021-election", "ikg:attacks") == [
        ("numerous", None, "2", None, "numerous", None, None, "id:source-000", "17")
    ]
    # 000 para 26: "in Iran, where he spent over two decades in exile": more than 20 years.
    assert read("id:mohammad-baqir-al-hakim", "ikg:timeInExile") == [
        ("over two decades", "20", "20", None, "more than", "year", "Iran", "id:source-000", "26")
    ]
    # 000 para 42: "Its insurgency conquered one-third of the country."
    assert read("id:islamic-state", "ikg:territoryConquered") == [
        ("one-third", "0.333333", "0.333333", "0.333334", "exact", "share", "Iraq")
        + ("id:source-000", "42")
    ]
    # 002 para 5: the militias "lost most of the seats they had won three years ago".
    assert read("id:iran-backed-shia-militias", "ikg:seatsLost") == [
        ("most", None, "0.5", None, "most", "share", None, "id:source-002", "5")
    ]
    # 002 para 36: "More than half of the members of parliament represent Shia majority
    # areas in central and southern Iraq."
    members = read("id:council-of-representatives", "ikg:members")
    shares = [row for row in members if row[5] == "share"]
    # (the quantity is regarding those areas, parts of both regions, not the regions whole:
    # thirteenth reading, recheck11)
    assert sorted(shares) == [
        ("more than half", "0.5", "0.5", None, "more than", "share")
        + ("Shia majority areas in central and southern Iraq", "id:source-002", "36")
    ]


def test_counts_that_had_no_measure(ask):
    # 000 para 35 (Rathmell, quoted): "giving him three key deputies"; 003 para 11:
    # "facilities in Syria used by two militias to smuggle weapons".
    deputies = ask("figures", entity="id:ministry-of-interior", measure="ikg:deputies")
    assert [(r["asStated"], r["min"], r["max"], r["paragraph"]) for r in deputies] == [
        ("three", "3", "3", "35")
    ]
    users = ask("figures", entity="id:militia-facilities-in-syria", measure="ikg:users")
    assert [(r["asStated"], r["min"], r["max"], r["source"]) for r in users] == [
        ("two", "2", "2", "id:source-003")
    ]


def test_a_claimed_majority_stays_a_claim(ask):
    # 002 para 29: "al-Sadr's claim of a majority within the Shia community": Claimed, so
    # it is no figure of the graph (the figures query lists Reported figures only).
    assert ask("figures", entity="id:muqtada-al-sadr", measure="ikg:share") == []
    claims = ask("contested-statements", status="ikg:Claimed")
    found = [
        (r["subjectName"], r["objectName"], r.get("accordingToName"), r["paragraph"])
        for r in claims
        if r["predicate"] == "ikg:share"
    ]
    assert found == [("Moqtada al-Sadr", "a majority", "Moqtada al-Sadr", "29")]


def test_figures_about_the_pmf_in_time_order(ask):
    rows = ask("figures", entity="id:popular-mobilization-forces")
    found = [(r["measure"], r["asStated"], r.get("earliest", "")) for r in rows]
    # 003 para 10: "in 2018, candidates representing various groups won 48 seats": dated,
    # so it sorts before the undated figures.
    assert ("ikg:seatsWon", "48", "2018-01-01") in found
    # "Some of them were absorbed into the Iraqi security state — with an annual budget of
    # $2.6 billion in 2020": the budget is the absorbed groups', not the whole PMF's.
    assert ("ikg:budget", "$2.6 billion per year", "2020-01-01") not in found
    absorbed = ask("figures", entity="id:pmf-groups-absorbed-into-the-security-state")
    assert [(r["measure"], r["asStated"], r.get("earliest", "")) for r in absorbed] == [
        ("ikg:budget", "$2.6 billion per year", "2020-01-01")
    ]
    seats = next(r for r in rows if r["measure"] == "ikg:seatsWon")
    assert seats["eventName"] == "2018 Iraqi parliamentary election"
    # 004 para 27: "billions each year" (undated): listed last, bounds from the words.
    assert rows[-1]["asStated"] == "billions per year" and "earliest" not in rows[-1]
    assert rows[-1]["min"] == "2000000000"


def test_casualty_figures_keep_their_approximation(ask):
    rows = ask("figures", entity="id:crackdown-on-2019-protests")
    found = {(r["measure"], r["approximation"], r.get("min"), r.get("max")) for r in rows}
    # 000 para 43: "killing more than six hundred protesters and wounding tens of thousands";
    # 001 para 9: "Hundreds of protesters were killed".
    assert found == {
        ("ikg:killed", "more than", "601", None),
        ("ikg:wounded", "tens of thousands", "20000", "99999"),
        ("ikg:killed", "hundreds", "200", "999"),
    }
    assert {r["source"] for r in rows} == {"id:source-000", "id:source-001"}


def test_seats_in_the_2021_election(ask):
    rows = ask("figures", measure="ikg:seatsWon")
    won = {
        (r["entityName"], r["asStated"], r.get("outOf"))
        for r in rows
        if "2021" in r.get("eventName", "")
    }
    # 002 para 19: "he came in first, with more than 70 seats in the 329 seat parliament";
    # 004 para 22: the CF factions "won a mere 50 seats ... of the legislature's 329 seats";
    # 002 paras 21-22: the KDP "won most seats in the Kurdish semi-autonomous region", and
    # "In the predominantly Sunni areas ... al-Halboosi, won most seats" (their regions' seats).
    assert won == {
        ("Moqtada al-Sadr", "more than 70 of 329", "329"),
        ("Coordination Framework", "50 of 329", "329"),
        ("Kurdistan Democratic Party", "most", None),
        ("Mohammed al-Halbousi", "most", None),
    }


def test_an_actors_timeline_sorts_across_precisions(ask):
    rows = ask("actor-timeline", actor="id:qais-al-khazali")
    dated = [r for r in rows if r["kind"] != "undated tie"]
    latest = [r["latest"] for r in dated if "latest" in r]
    assert latest == sorted(latest)
    # 003 para 1: Khazali at Muhandis' funeral (January 2020) before the drone attack of
    # 7 November 2021 (002 para 26: Khazali denied it).
    names = [r["itemName"] for r in dated]
    assert names.index("Funeral procession of Abu Mahdi al-Muhandis") < names.index(
        "Drone attack on Kadhimi's residence"
    )
    denial = next(r for r in dated if r["itemName"] == "Drone attack on Kadhimi's residence")
    assert denial["status"] == "ikg:Denied" and denial["role"] == "ikg:perpetrator"
    undated = [r["kind"] == "undated tie" for r in rows]
    assert undated == sorted(undated)  # undated ties listed apart, after the dated
    # Khazali's last undated ties (003 para 10: "who leads", "Several MPs are") hold at the
    # article's time of writing since the eleventh reading; Sadr's kinship has no time.
    sadr = ask("actor-timeline", actor="id:muqtada-al-sadr")
    dated = [r for r in sadr if r["kind"] != "undated tie"]
    latest = [r["latest"] for r in dated if "latest" in r]
    assert dated and latest == sorted(latest)
    assert any(
        r["kind"] == "undated tie" and r["itemName"] == "Mohammad Sadiq al-Sadr" for r in sadr
    )
    assert sadr[-1]["kind"] == "undated tie"  # undated ties listed apart, after the dated


def test_badrs_fighters(ask):
    rows = ask("figures", entity="id:badr-organization", measure="ikg:fighters")
    found = {(r["asStated"], r.get("min"), r.get("max"), r.get("regardingName")) for r in rows}
    # 000 para 32: "Badr moved some 10,000 fighters into Iraq"; 000 para 36: "it maintained
    # tens of thousands of fighters outside the ministry" (of Interior).
    assert ("some 10000", None, None, None) in found
    assert ("tens of thousands", "20000", "99999", "Ministry of Interior") in found


def test_a_malformed_amount_in_the_data_is_refused_with_file_and_line(tmp_path, monkeypatch):
    # Bad input loses nothing and says where: exit 1, the statement, the reason, file:line.
    import shutil

    from click.testing import CliRunner

    from iraqkg.cli import main

    from .conftest import MINI, REPO

    shutil.copytree(REPO / "ontology", tmp_path / "ontology")
    shutil.copytree(MINI / "data", tmp_path / "data")
    (tmp_path / "data" / "figure.ttl").write_text(
        "@prefix :    <https://w3id.org/iraqkg/id/> .\n"
        "@prefix st:  <https://w3id.org/iraqkg/statement/> .\n"
        "@prefix ikg: <https://w3id.org/iraqkg/ontology#> .\n"
        "\n"
        "st:000-01-guards-wounded a ikg:Statement ;\n"
        "    ikg:subject :drone-attack-on-kadhimi-residence ; ikg:predicate ikg:wounded ;\n"
        '    ikg:object "about several"^^ikg:amount ;\n'
        "    ikg:status ikg:Reported ; ikg:source :source-000 ; ikg:paragraph 1 ;\n"
        '    ikg:quote "The assassination attempt injured several security guards" .\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "000-01-guards-wounded" in result.output
    assert "'about several': a word with no number" in result.output
    assert "[data/figure.ttl:5]" in result.output
