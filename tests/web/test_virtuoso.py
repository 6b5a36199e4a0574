"""The remote-store path against a second real SPARQL store: Virtuoso 7 (Debian's
virtuoso-opensource), started with deploy/virtuoso/virtuoso.ini and loaded by its own bulk
loader from `iraqkg export virtuoso`, then queried through iraqkg's remote engine with
remote_load=verify. Skips when Virtuoso is not installed.

Every named query is compared with the embedded engine on the full build. Where Virtuoso
answers differently, the difference is listed below with what was seen, and the test
insists that it still differs (strict xfail): a Virtuoso that stops differing fails here,
so the list stays true.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pytest
from endpoint_helpers import free_port, make_pool_app
from test_endpoint_differential import assert_same

from iraqkg.engines import open_engine
from iraqkg.engines.errors import EngineUnavailable, QueryTimeout
from iraqkg.export import export_file
from iraqkg.queries import load_named_queries
from iraqkg.web import close_app

REPO = Path(__file__).resolve().parents[2]
NAMED = load_named_queries(REPO / "queries")
LOCAL = sorted(n for n, q in NAMED.items() if not q.services)

# Seen with Virtuoso 07.20.3229 on the seed build (each a Virtuoso behaviour, not ours:
# the embedded Oxigraph and rdflib engines agree with each other on all of these).
VIRTUOSO_DIFFERS = {
    "relations-at-date": "SP031 'Internal error: sparp_gp_deprecate()' compiling the query",
    "sources-overview": "drops the groups whose OPTIONAL date or publication is unbound",
    "funding-and-backing": "leaves the OPTIONAL amount unbound where the figure exists",
    "office-holders-at-date": "computes another status for a holder than the pattern gives",
    "events-timeline": "keeps superclass types that FILTER NOT EXISTS removes",
}
# actor-timeline differed on its default actor, Qais al-Khazali, only in his undated ties
# (Virtuoso gave them the kind "tie", not "undated tie"); since the eleventh reading of
# source 003 dated them (present tense at its time of writing) he has none, and the two
# engines agree on that answer.


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (Debian: apt-get install virtuoso-opensource)")
    return found


def _isql(sql_port: int, script: Path) -> str:
    done = subprocess.run(
        [_binary("isql-vt"), str(sql_port), "dba", "dba", str(script)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, built_dataset_file):
    """A Virtuoso server on loopback holding the full build; yields its /sparql URL."""
    binary = _binary("virtuoso-t")
    root = tmp_path_factory.mktemp("virtuoso")
    load_dir = root / "load"
    http_port, sql_port = free_port(), free_port()
    template = (REPO / "deploy" / "virtuoso" / "virtuoso.ini").read_text(encoding="utf-8")
    ini = root / "virtuoso.ini"
    ini.write_text(
        template.format(root=root, load_dir=load_dir, http_port=http_port, sql_port=sql_port)
    )
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        deadline = time.monotonic() + 180  # a new database is created on first start
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}?query=ASK%7B%7D", timeout=5):
                    break
            except OSError:
                assert process.poll() is None, (root / "virtuoso.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "Virtuoso did not come up in 180 s"
                time.sleep(0.5)
        export_file("virtuoso", built_dataset_file, load_dir)
        _isql(sql_port, load_dir / "load.isql")
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def remote_settings(settings, virtuoso):
    return replace(
        settings,
        engine="remote",
        endpoint=virtuoso,
        remote_load="verify",
        remote_timeout_unit="ms",
    )


@pytest.fixture(scope="module")
def engines(settings, remote_settings, built_dataset_file):
    embedded = open_engine(settings, [built_dataset_file])
    remote = open_engine(remote_settings, [built_dataset_file])
    yield {"oxigraph": embedded, "virtuoso": remote}
    embedded.close()
    remote.close()


def test_every_graph_holds_the_build(engines):
    assert engines["virtuoso"].counts() == engines["oxigraph"].counts()


def test_virtuoso_system_graphs_stay_out_of_answers(engines, virtuoso):
    own = "SELECT ?s { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'http://www.openlinksw.com/')) } LIMIT 1"
    request = f"{virtuoso}?{urlencode({'query': own})}"
    with urllib.request.urlopen(
        urllib.request.Request(request, headers={"Accept": "application/sparql-results+json"})
    ) as direct:
        assert json.load(direct)["results"]["bindings"]  # Virtuoso itself holds such triples
    assert engines["virtuoso"].query(own).rows == []
    graphs = "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"
    assert_same({k: e.query(graphs) for k, e in engines.items()})


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=VIRTUOSO_DIFFERS[n]))
        if n in VIRTUOSO_DIFFERS
        else n
        for n in LOCAL
    ],
)
def test_named_queries_agree_with_the_embedded_engine(engines, name):
    bound = NAMED[name].bind({})
    assert_same({k: e.query(bound.text, bindings=bound.as_dict()) for k, e in engines.items()})


def test_ask_is_a_boolean(engines):
    # Virtuoso 7 answers ASK as a one-row table (__ASK_RETVAL): read back as a boolean.
    for query in ("ASK { id:badr-organization ?p ?o }", "ASK { id:no-such-thing ?p ?o }"):
        assert_same({k: e.query(query) for k, e in engines.items()})


def test_a_query_naming_its_own_graph_gets_only_that_graph(engines):
    query = (
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/iraqkg/graph/asserted> WHERE { ?s ?p ?o }"
    )
    assert_same({k: e.query(query) for k, e in engines.items()})


def test_partial_answers_at_the_time_limit_are_refused(remote_settings):
    # Given its timeout, Virtuoso answers 200 with whatever it found so far ("anytime"
    # results, X-SQL-State S1TAT): an empty count here. iraqkg serves a timeout instead.
    engine = open_engine(replace(remote_settings, query_timeout=1), ())
    with pytest.raises(QueryTimeout):
        engine.query("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")


def test_a_store_holding_another_build_is_refused(remote_settings, tmp_path):
    other = tmp_path / "other.nq"
    other.write_text(
        "<https://w3id.org/iraqkg/id/x> <https://w3id.org/iraqkg/ontology#p> "
        '"y" <https://w3id.org/iraqkg/graph/asserted> .\n'
    )
    with pytest.raises(EngineUnavailable, match="does not hold this build"):
        open_engine(remote_settings, [other])


def test_served_over_http_with_query_workers(remote_settings, built_dataset_file):
    app = make_pool_app(remote_settings, [built_dataset_file])
    try:
        client = app.test_client()
        health = client.get("/healthz")
        assert health.status_code == 200, health.get_data(as_text=True)
        answer = client.get(
            "/sparql",
            query_string={"query": "SELECT ?o { id:badr-organization skos:prefLabel ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200
        assert answer.get_json()["results"]["bindings"][0]["o"]["value"] == "Badr Organization"
    finally:
        close_app(app)
