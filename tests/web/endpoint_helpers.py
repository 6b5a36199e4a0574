"""Helpers for the endpoint tests: paths, live servers, an Oxigraph server, answer parsing.

Nothing here reaches the internet: every server binds to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from flask import Flask

from iraqkg.engines import EngineFactory
from iraqkg.settings import EndpointSettings
from iraqkg.web import create_app
from iraqkg.web.server import granian_server, make_server
from iraqkg.web.state import EXTENSION

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini.trig"
# /work/shared sits beside the repository; the W3C tests skip when it is absent.
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
W3C = SHARED / "w3c"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def live_server(app: Flask, settings: EndpointSettings) -> Iterator[str]:
    """Serve ``app`` on a free loopback port with the settings' HTTP server (waitress, or
    granian's embedded server on its own loop); yield the /sparql URL."""
    if settings.http_server == "granian":
        with _granian_live(app, settings) as url:
            yield url
        return
    server = make_server(app, replace(settings, host="127.0.0.1", port=0))
    stopping = threading.Event()

    def run() -> None:
        try:
            server.run()
        except OSError:  # closing the sockets under a running loop: expected at shutdown
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}/sparql"
    finally:
        stopping.set()
        server.close()
        thread.join(5)


@contextmanager
def _granian_live(app: Flask, settings: EndpointSettings) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    app.extensions[EXTENSION].endpoint_url = url  # as make_server does for port 0
    server = granian_server(app, replace(settings, host="127.0.0.1", port=port))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),),
                              daemon=True)  # fmt: skip
    thread.start()
    try:
        wait_until_up(url + "?query=ASK%7B%7D")
        yield url
    finally:
        loop.call_soon_threadsafe(server.stop)
        thread.join(10)


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    return str(beside_python) if beside_python.exists() else shutil.which("oxigraph")


@contextmanager
def oxigraph_server(location: Path, *extra: str) -> Iterator[str]:
    """A real Oxigraph server on loopback; yields its base URL (…/query, …/store)."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary (PyPI package oxigraph) is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/query?query=ASK%7B%7D")
        yield base
    finally:
        process.terminate()
        process.wait(10)


def make_pool_app(settings: EndpointSettings, files, info=None) -> Flask:
    """The endpoint with real query worker processes (hard timeouts)."""
    return create_app(settings, EngineFactory(settings, tuple(files)), info or {})


# ---- reading answers back, to compare them as sets / isomorphic graphs -------------------

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def term_key(term, csv_style: bool = False):
    """A comparable key for a term; blank node labels are ignored (they may differ)."""
    from rdflib.term import BNode, Literal

    if term is None:
        return None
    if csv_style:  # CSV keeps only strings
        return "_:" if isinstance(term, BNode) else str(term)
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        datatype = (
            str(term.datatype) if term.datatype and str(term.datatype) != XSD_STRING else None
        )
        return ("literal", str(term), term.language, None if term.language else datatype)
    return ("uri", str(term))


def row_keys(rows, csv_style: bool = False) -> list:
    return sorted((tuple(term_key(t, csv_style) for t in row) for row in rows), key=repr)


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def parse_answer(body: bytes, content_type: str):
    """(kind, variables, rows or boolean or graph) from an HTTP answer's body."""
    import csv
    import io
    import json

    from rdflib import Dataset, Graph
    from rdflib.query import Result

    media = media_type(content_type)
    if media in GRAPH_TYPES:
        fmt = GRAPH_TYPES[media]
        if fmt in ("trig", "nquads"):
            dataset = Dataset()
            dataset.parse(data=body, format=fmt)
            graph = Graph()
            for s, p, o, _g in dataset.quads():
                graph.add((s, p, o))
            return "graph", [], graph
        return "graph", [], Graph().parse(data=body, format=fmt)
    fmt = RESULT_TYPES[media]
    if fmt == "csv":
        lines = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
        if lines[0] == ["_askResult"]:
            return "ask", [], lines[1][0] == "true"
        rows = (tuple("_:" if v.startswith("_:") else v or None for v in r) for r in lines[1:])
        return "select", lines[0], sorted(rows, key=repr)
    if fmt == "json":
        doc = json.loads(body)
        if "boolean" in doc:
            return "ask", [], doc["boolean"]
    text = body.decode("utf-8")
    if fmt == "tsv" and text.startswith("?_askResult"):
        return "ask", [], text.splitlines()[1] == "true"
    result = Result.parse(io.BytesIO(body), format=fmt)
    if result.type == "ASK":
        return "ask", [], result.askAnswer
    names = [str(v) for v in result.vars]
    rows = [tuple(b.get(v) for v in result.vars) for b in result.bindings]
    return "select", names, row_keys(rows)


@contextmanager
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request path: proof nothing was fetched."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            hits.append(self.path)
            body = b"<http://e/s> <http://e/p> <http://e/o> ."
            self.send_response(200)
            self.send_header("Content-Type", "application/n-triples")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", hits
    finally:
        server.shutdown()
        server.server_close()
