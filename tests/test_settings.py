"""Named settings: every one described, readable from text, held to its limits, and
reachable from the command line (``--setting NAME=VALUE``, ``IRAQKG_*_SETTING``)."""

from __future__ import annotations

import json
from dataclasses import fields

import pytest
from click.testing import CliRunner

from iraqkg.cli import main
from iraqkg.cli.setting_list import GROUPS
from iraqkg.setting_values import describe, parse_values, read_value, with_values
from iraqkg.settings import BuildSettings, EndpointSettings, LinkSettings

from .conftest import REPO

CLASSES = [BuildSettings, EndpointSettings, LinkSettings]


def _run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_setting_says_what_it_means_and_its_limits_are_its_own(cls):
    described = describe(cls)
    assert [d.name for d in described] == [f.name for f in fields(cls)]
    assert [d.name for d in described if not d.doc] == []
    names = {f.name for f in fields(cls)}
    assert set(cls.LIMITS) <= names and set(cls.CHOICES) <= names
    for d in described:  # every default is inside its own limits and choices
        if d.limits:
            assert d.limits[0] <= d.default <= d.limits[1], d.name
        if d.choices:
            assert d.default in d.choices, d.name


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("cache_bytes", "0", 0),
        ("cache_bytes", "64_000", 64_000),
        ("queue_timeout", "2.5", 2.5),
        ("union_default_graph", "off", False),
        ("union_default_graph", "TRUE", True),
        ("base_url", "none", None),
        ("base_url", "https://kg.example.org/sparql", "https://kg.example.org/sparql"),
        ("cors_origins", "", ()),
        (
            "cors_origins",
            "https://a.example, https://b.example",
            ("https://a.example", "https://b.example"),
        ),  # fmt: skip
        (
            "service_rewrite",
            "https://query.wikidata.org/sparql=http://127.0.0.1:9/q",
            (("https://query.wikidata.org/sparql", "http://127.0.0.1:9/q"),),
        ),  # fmt: skip
    ],
)
def test_a_value_is_read_by_its_fields_type(name, text, expected):
    settings = with_values(EndpointSettings(), [f"{name}={text}"])
    assert getattr(settings, name) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("threads=100", "setting threads=100 is outside 1..64"),
        ("threads=many", "setting threads='many': not a number (int)"),
        ("union_default_graph=maybe", "use true or false"),
        ("engine=sqlite", "setting engine='sqlite': use oxigraph, rdflib or remote"),
        ("no_such_thing=1", "no setting 'no_such_thing' in EndpointSettings"),
        ("threads", "write NAME=VALUE"),
        ("service_rewrite=https://elsewhere.example/sparql=http://x/q", "allowlist"),
    ],
)
def test_a_bad_value_is_refused_naming_the_setting(text, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        with_values(EndpointSettings(), [text])


def test_dashes_are_underscores_and_the_last_value_wins():
    assert parse_values(EndpointSettings, ["max-rows=5", "max_rows=7"]) == {"max_rows": 7}
    assert read_value(tuple[str, ...], " en , ar ,") == ("en", "ar")


def test_settings_lists_every_group_as_json_with_defaults_and_limits():
    result = _run("settings", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert set(listed) == set(GROUPS)
    for group, (cls, _) in GROUPS.items():
        assert [s["name"] for s in listed[group]] == [f.name for f in fields(cls)]
    threads = next(s for s in listed["endpoint"] if s["name"] == "threads")
    assert threads["default"] == EndpointSettings.threads
    assert threads["limits"] == list(EndpointSettings.LIMITS["threads"])
    text = _run("settings", "endpoint").output
    assert "cache_bytes (int) = 67108864  0..1073741824" in text


def _sparql_get(query: str) -> str:
    from urllib.parse import quote

    return f"/sparql?query={quote(query)}"


COUNT_ALL = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_takes_a_setting_with_no_option_of_its_own(how, built_dataset_file):
    # max_rows has an option; --setting must reach it too, and win over the option
    args = ["serve", "--dataset", str(built_dataset_file), "--max-rows", "100"]
    env = None
    if how == "option":
        args += ["--setting", "max_rows=2"]
    else:
        env = {"IRAQKG_SERVE_SETTING": "max_rows=2 cache_bytes=0"}
    result = _run(*args, "--get", _sparql_get(COUNT_ALL), env=env)
    assert result.exit_code == 1
    error = json.loads(result.output[result.output.index("{") :])
    assert error["error"] == "too_many_rows"


def test_serve_refuses_a_setting_outside_its_limits_with_exit_2(built_dataset_file):
    result = _run("serve", "--dataset", str(built_dataset_file), "--setting",
                  "queue_timeout=0", "--get", "/healthz")  # fmt: skip
    assert result.exit_code == 2
    assert "setting queue_timeout=0.0 is outside 1..300" in result.stderr


def test_validate_takes_a_build_setting(mini):
    folders = ["--ontology", str(mini.ontology), "--data", str(mini.data)]
    assert _run("validate", *folders).exit_code == 0
    result = _run("validate", *folders, "--setting", "max_literal_bytes=64")
    assert result.exit_code == 2
    assert "max_literal_bytes" in result.stderr


def test_the_readme_says_how_to_reach_a_setting_without_an_option():
    readme = (REPO / "README.md").read_text()
    assert "--setting NAME=VALUE" in readme and "iraqkg settings" in readme


@pytest.mark.parametrize(
    ("command", "cls"),
    [("serve", EndpointSettings), ("build", BuildSettings), ("validate", BuildSettings)],
)
def test_an_option_named_for_a_setting_has_its_default_and_choices(command, cls):
    params = {p.name: p for p in main.commands[command].params}
    # (repeatable options start empty: the setting's default applies when none is given)
    named = [f.name for f in fields(cls) if f.name in params and not params[f.name].multiple]
    assert len(named) >= (20 if cls is EndpointSettings else 2)
    for name in named:
        assert params[name].default == getattr(cls, name), name
        if name in cls.CHOICES:
            assert tuple(params[name].type.choices) == cls.CHOICES[name], name


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_a_value_spelled_out_reads_back_as_itself(cls):
    from iraqkg.setting_values import field_types, spelled

    sample = cls() if cls is not EndpointSettings else with_values(cls(), [
        "service_rewrite=https://query.wikidata.org/sparql=http://127.0.0.1:9/q",
        "cors_origins=https://a.example,https://b.example", "base_url=https://kg.example/sparql",
    ])  # fmt: skip
    for f in fields(cls):
        value = getattr(sample, f.name)
        assert read_value(field_types(cls)[f.name], spelled(value), f.name) == value, f.name
