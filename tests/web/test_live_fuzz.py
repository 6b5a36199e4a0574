"""A hypothesis fuzzer against a live server: a real ``iraqkg serve`` process on loopback.

Generated SPARQL (valid and broken: random nesting, unicode, control characters, huge
literals, odd prefixes, SERVICE / FROM / update forms), random parameters to the questions,
search and reconciliation, random methods, headers, Accept and content types. After every
example: no 500 (a status outside the documented set fails), a syntax error is a 400 with
the parser's one-line message, a refused form has its documented status, the server still
answers /healthz. Over the module: the graph has as many triples as before, no answer holds
a byte of a local file, and the only other server on loopback (the one SERVICE may call)
was never reached. Bounded: a few hundred examples, no deadline, well under a minute.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from endpoint_helpers import MINI, free_port, recording_server, wait_until_up
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# hypothesis warns when it keeps the text of a long example (a query nested 6000 deep)
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
ROOT = Path(__file__).resolve().parents[2]
CANARY = "iraqkg-canary-7f3c9e1d"  # the content of a local file no answer may ever show
CANARY_FILE = Path(tempfile.gettempdir()) / "iraqkg-fuzz-canary.txt"  # named by the queries
CANARY_IRI = f"<{CANARY_FILE.as_uri()}>"
# Every status the endpoint documents (src/iraqkg/web/ENDPOINT.md); 503 only as timeout/busy.
MAX_REQUEST_BYTES = 1_000_000  # EndpointSettings.max_request_bytes, the server's default
DOCUMENTED = {200, 400, 403, 404, 405, 406, 413, 414, 415, 422, 503}
ANY_ANSWER = "application/sparql-results+json, text/turtle;q=0.9"  # SELECT/ASK or graphs
fuzz = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck),
                derandomize=True)  # fmt: skip


class Live:
    """The server under test and what the module checks at its end."""

    def __init__(self, port: int, canary: Path, allowed: str) -> None:
        self.port = port
        self.canary = canary
        self.allowed = allowed  # the one SERVICE IRI allowed (a recording server)
        self.leaks: list[str] = []

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:  # fmt: skip
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            try:
                connection.request(method, path, body=body, headers=headers or {})
            except (BrokenPipeError, ConnectionResetError):
                # refused (413) and closed while a body over the limit was still being sent
                assert body is not None and len(body) > MAX_REQUEST_BYTES, path
                return 413, {}, b""
            response = connection.getresponse()
            data = response.read()
            found = {k.lower(): v for k, v in response.getheaders()}
            if CANARY.encode() in data or b"root:x:0:0" in data:
                self.leaks.append(path)
            return response.status, found, data
        finally:
            connection.close()

    def sparql(self, query: str, accept: str = ANY_ANSWER):
        body = urllib.parse.urlencode({"query": query}, encoding="utf-8", errors="surrogatepass")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
        return self.request("POST", "/sparql", body.encode("ascii"), headers)

    def triples(self) -> int:
        status, _, body = self.sparql(
            "SELECT (COUNT(*) AS ?n) { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        )
        assert status == 200, body
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    def healthy(self) -> None:
        status, _, body = self.request("GET", "/healthz")
        assert status == 200, body


@pytest.fixture(scope="module", params=["waitress", "granian"])
def live(tmp_path_factory, request) -> Iterator[Live]:
    canary = CANARY_FILE
    canary.write_text(CANARY + "\n")
    port = free_port()
    with recording_server() as (recorder, hits):
        allowed = recorder + "allowed"
        server = subprocess.Popen(
            [sys.executable, "-m", "iraqkg.cli", "serve", "--dataset", str(MINI), "--port",
             str(port), "--workers", "1", "--timeout", "3", "--allow-service", allowed,
             "--http-server", request.param],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", timeout=60)
            state = Live(port, canary, allowed)
            before = state.triples()
            yield state
            assert state.triples() == before  # nothing a client sent was written
            assert state.leaks == []  # no answer showed a local file's content
            assert hits == []  # nothing was fetched from the only other server here
            assert server.poll() is None  # and the server is still up
        finally:
            server.terminate()
            server.wait(20)
            canary.unlink(missing_ok=True)


# ---- generated SPARQL -----------------------------------------------------------------

ODD_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("\x00\x01\x7f\u202e\ufeff\U0001f600\u0627"),  # noqa: E501
    max_size=12,
)
IRIS = st.sampled_from([
    "<http://e/x>", "<https://w3id.org/iraqkg/id/badr-organization>", "<x>", "<>",
    "<file:///etc/passwd>", CANARY_IRI, "<http://127.0.0.1:9/>", "<http://e/\u00e9\u0627>",
    "<http://e/a b>", "<javascript:alert(1)>", "<urn:x:y>",
])  # fmt: skip
VARS = st.sampled_from(["?s", "?p", "?o", "$x", "?\u00e9t\u00e9", "?_1"])
PNAMES = st.sampled_from(["ikg:ArmedGroup", "ikg:armedWingOf", "id:badr-organization", "a",
                          "rdf:type", "ex:thing", ":local", "nope:x", "\u0627:\u0628"])  # fmt: skip
LITERALS = st.one_of(
    ODD_TEXT.map(lambda t: json.dumps(t, ensure_ascii=False)),
    st.integers(-(10**30), 10**30).map(str),
    st.sampled_from(
        [
            '"2021-11-07"^^xsd:date',
            '"x"@ar',
            '"""multi\nline"""',
            "'single'",
            '"bad\\q"',
            "1.5e999",
            '"x"^^<file:///etc/passwd>',
        ]
    ),  # fmt: skip
)
TERMS = st.one_of(VARS, IRIS, PNAMES, LITERALS)


def _triple(terms) -> str:
    return f"{terms[0]} {terms[1]} {terms[2]} ."


TRIPLES = st.tuples(TERMS, st.one_of(VARS, IRIS, PNAMES), TERMS).map(_triple)
PATTERNS = st.recursive(
    TRIPLES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "{ " + " ".join(xs) + " }"),
        st.tuples(inner, inner).map(lambda ab: f"{{ {ab[0]} }} UNION {{ {ab[1]} }}"),
        inner.map(lambda x: f"OPTIONAL {{ {x} }}"),
        inner.map(lambda x: f"MINUS {{ {x} }}"),
        st.tuples(IRIS | VARS, inner).map(lambda gx: f"GRAPH {gx[0]} {{ {gx[1]} }}"),
        st.tuples(IRIS, inner).map(lambda sx: f"SERVICE {sx[0]} {{ {sx[1]} }}"),
        st.tuples(VARS, TERMS).map(lambda vt: f"FILTER({vt[0]} = {vt[1]})"),
        st.tuples(TERMS, VARS).map(lambda tv: f"BIND({tv[0]} AS {tv[1]})"),
    ),
    max_leaves=8,
)
PROLOGUES = st.lists(
    st.sampled_from(["PREFIX ex: <http://e/>", "PREFIX : <>", "PREFIX ex: <file:///etc/>",
                     "PREFIX ikg: <http://not/ikg#>", "BASE <file:///>", "PREFIX \u00e9: <x:>",
                     "PREFIX : <http://127.0.0.1:9/>", "# a comment {{{", "PREFIX ex:<x>"]),
    max_size=3,
).map("\n".join)  # fmt: skip
DATASETS = st.lists(
    st.sampled_from(["FROM <http://e/g>", "FROM NAMED <http://e/g>", "FROM <file:///etc/passwd>",
                     f"FROM {CANARY_IRI}", f"FROM NAMED {CANARY_IRI}"]),
    max_size=2,
).map(" ".join)  # fmt: skip
READS = st.one_of(
    st.tuples(DATASETS, PATTERNS).map(lambda dp: f"SELECT * {dp[0]} WHERE {{ {dp[1]} }} LIMIT 5"),
    PATTERNS.map(lambda p: f"ASK {{ {p} }}"),
    PATTERNS.map(lambda p: f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {p} }} LIMIT 5"),
    st.tuples(IRIS, PATTERNS).map(lambda ip: f"DESCRIBE {ip[0]} WHERE {{ {ip[1]} }}"),
)
UPDATES = st.one_of(
    TRIPLES.map(lambda t: f"INSERT DATA {{ {t} }}"),
    TRIPLES.map(lambda t: f"DELETE DATA {{ {t} }}"),
    PATTERNS.map(lambda p: f"DELETE WHERE {{ {p} }}"),
    PATTERNS.map(lambda p: f"INSERT {{ <http://e/s> <http://e/p> 1 }} WHERE {{ {p} }}"),
    st.sampled_from(
        [
            "LOAD <file:///etc/passwd>",
            "LOAD <http://127.0.0.1:9/x> INTO GRAPH <g>",
            "CLEAR ALL",
            "DROP DEFAULT",
            "CREATE GRAPH <http://e/g>",
            "ADD DEFAULT TO <http://e/g>",
            "MOVE <a> TO <b>",
            "COPY DEFAULT TO <x>",
            "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        ]
    ),  # fmt: skip
)


@st.composite
def breakages(draw, text: str) -> str:
    """``text`` cut, spliced with odd characters, or nested far too deep."""
    how = draw(st.sampled_from(["cut", "splice", "deep", "swap"]))
    if how == "cut" and text:
        return text[: draw(st.integers(0, len(text) - 1))]
    if how == "deep":
        n = draw(st.integers(150, 6000))
        opener = draw(st.sampled_from("{(["))
        closer = {"{": "}", "(": ")", "[": "]"}[opener]
        return f"SELECT * {{ FILTER{opener * n}1{closer * n} }}"
    if how == "swap":
        return text.replace("{", "(", 1).replace("}", "]", 1)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(ODD_TEXT) + text[at:]


def check_common(status: int, headers: dict, body: bytes) -> dict | None:
    """The rules every answer keeps; returns the JSON error body, if any."""
    assert status in DOCUMENTED and status != 500, (status, body[:300])
    if status < 400 or not headers:  # no headers: closed while the client still sent
        return None
    assert headers.get("content-type", "").startswith("application/json"), headers
    error = json.loads(body)
    assert error["status"] == status and error["error"] and error["message"]
    if status == 503:
        assert error["error"] in {"timeout", "busy"}, error
    if error["error"] == "syntax_error":
        assert status == 400
        assert "\n" not in error["message"] and error["message"].startswith("line ")
        assert isinstance(error["line"], int) and isinstance(error["column"], int)
    return error


# Sizes of a huge literal put into a query (made in the test: hypothesis need not show it).
HUGE = st.sampled_from([0, 0, 0, 0, 70_000, 400_000, 1_100_000])


@fuzz
@given(PROLOGUES, READS, HUGE)
def test_generated_queries_answer_or_explain(live, prologue: str, query: str, huge: int):
    if huge:  # over max_literal_bytes, or over the whole request's cap (413)
        query = query.replace("{", '{ BIND("' + "x" * huge + '" AS ?huge) ', 1)
    status, headers, body = live.sparql(f"{prologue}\n{query}")
    error = check_common(status, headers, body)
    if error is not None:
        assert status in {400, 413, 422, 503}, error
        if "SERVICE <" in query and error["error"] == "service_refused":
            assert live.allowed not in error["message"].split("allowed:")[0]
    live.healthy()


@fuzz
@given(PROLOGUES, UPDATES)
def test_every_update_form_is_403(live, prologue: str, update: str) -> None:
    status, headers, body = live.sparql(f"{prologue}\n{update}")
    error = check_common(status, headers, body)
    assert error is not None
    # an update too large to read is refused before it is read; any other is read-only
    assert (status, error["error"]) in {(403, "read_only"), (413, "payload_too_large"),
                                        (413, "request_too_large")}, error  # fmt: skip
    live.healthy()


@fuzz
@given(st.one_of(READS, UPDATES).flatmap(breakages))
def test_broken_queries_are_400_with_one_line(live, query: str) -> None:
    status, headers, body = live.sparql(query)
    error = check_common(status, headers, body)
    if error is not None:
        assert status in {400, 403, 413, 422, 503}, error
        if status == 400 and query.count("{") + query.count("(") + query.count("[") > 400:
            assert error["error"] in {"too_deeply_nested", "syntax_error"}, error
    live.healthy()


QUESTIONS = ["armed-wings", "drone-strike-blame", "relations-at-date", "offices-held",
             "no-such-question", "..%2F..%2Fetc%2Fpasswd", "%00", "armed-wings.json",
             "..%2F" * 8 + CANARY_FILE.as_posix().lstrip("/").replace("/", "%2F")]  # fmt: skip
VALUES = st.one_of(
    ODD_TEXT,
    st.sampled_from(
        [
            "id:sciri",
            "id:../../etc/passwd",
            "<file:///etc/passwd>",
            '"2014"',
            '"x"^^<file:///etc/passwd>',
            "2021-11-07",
            "<http://127.0.0.1:9/>",
            "} ; DROP ALL ; {",
            '" } INSERT DATA { <a> <b> <c> } #',
        ]
    ),  # fmt: skip
    st.integers(1000, 20_000).map(lambda n: "x" * n),
)
PARAMS = st.dictionaries(
    st.sampled_from(["party", "date", "actor", "group", "format", "q", "type", "limit",
                     "queries", "callback", "prefix", "cursor", "id", "x\u00e9"]),
    VALUES, max_size=4,
)  # fmt: skip
ACCEPTS = st.one_of(
    st.sampled_from(["*/*", "text/html", "application/json", "text/csv", "application/xml",
                     "text/turtle;q=0.1, */*;q=0", "application/sparql-results+json;q=2",
                     "", "image/png", ",,,;;q=", "text/*"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)  # fmt: skip
HEADERS = st.dictionaries(
    st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12).filter(
        lambda h: h not in {"content-length", "transfer-encoding", "host", "expect"}
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
    max_size=3,
)


def _path(base: str, params: dict[str, str]) -> str:
    query = urllib.parse.urlencode(params, encoding="utf-8", errors="surrogatepass")
    return f"{base}?{query}" if query else base


@fuzz
@given(
    st.sampled_from(["/questions/{q}", "/search", "/search/suggest", "/reconcile",
                     "/reconcile/suggest/entity", "/reconcile/preview", "/id/{q}", "/explain"]),
    st.sampled_from(QUESTIONS), PARAMS, ACCEPTS, HEADERS, st.sampled_from(["GET", "POST"]),
)  # fmt: skip
def test_random_parameters_never_5xx(live, route, name, params, accept, headers, method):
    path = route.format(q=name)
    send = {**headers, "Accept": accept}
    if method == "POST":
        body = urllib.parse.urlencode(params, encoding="utf-8", errors="surrogatepass").encode()
        send["Content-Type"] = "application/x-www-form-urlencoded"
        status, found, data = live.request("POST", path, body, send)
    else:
        status, found, data = live.request("GET", _path(path, params), None, send)
    if status >= 400 and found.get("content-type", "").startswith("application/json"):
        check_common(status, found, data)
    else:  # a page or a download: still never a server error
        assert status in DOCUMENTED and status < 500, (status, data[:300])
    live.healthy()


CONTENT_TYPES = st.one_of(
    st.sampled_from(["application/sparql-query", "application/x-www-form-urlencoded",
                     "application/sparql-update", "text/plain", "multipart/form-data",
                     "application/sparql-query; charset=latin-1", "application/json", ""]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30),
)  # fmt: skip


@fuzz
@given(
    st.one_of(READS, UPDATES, ODD_TEXT), CONTENT_TYPES, ACCEPTS, HEADERS,
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]),
)  # fmt: skip
def test_random_bodies_and_headers_never_5xx(live, text, content_type, accept, headers, method):
    send = {**headers, "Accept": accept, "Content-Type": content_type}
    body = text.encode("utf-8", "surrogatepass")
    if method in ("GET", "HEAD"):
        path = _path("/sparql", {"query": text})
        status, found, data = live.request(method, path, None, send)
    else:
        status, found, data = live.request(method, "/sparql", body, send)
    if method != "HEAD" and status >= 400:
        error = check_common(status, found, data)
        assert error is not None
        if method in ("PUT", "DELETE", "PATCH"):
            assert status == 405, error
    else:
        assert status in DOCUMENTED and status < 500, (status, data[:300])
    live.healthy()
