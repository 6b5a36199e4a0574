"""The bounded LRU both answer caches keep their entries in (web/cache.py)."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from dataclasses import replace

import pytest
from endpoint_helpers import live_server

from iraqkg.web import create_app
from iraqkg.web.cache import BoundedLru
from iraqkg.web.state import EXTENSION


def test_least_recently_used_goes_first_when_over_the_byte_bound():
    lru = BoundedLru(800)  # an entry may take at most 100 bytes
    for key in "abcdefgh":
        lru.put(key, key.upper(), 100)
    assert lru.get("a") == "A"  # a is now the most recent
    lru.put("i", "I", 100)  # 900 > 800: the least recent (b) goes
    assert lru.get("b") is None
    assert [lru.get(k) for k in "acdefghi"] == list("ACDEFGHI")
    assert lru.status() == {"entries": 8, "bytes": 800, "hits": 9, "misses": 1}


def test_an_entry_over_its_share_is_not_kept_and_a_key_is_kept_once():
    lru = BoundedLru(800)
    lru.put("big", "x", 101)
    assert lru.get("big") is None
    lru.put("k", "first", 10)
    lru.put("k", "second", 10)
    assert lru.get("k") == "first" and lru.status()["bytes"] == 10


def test_concurrent_puts_keep_the_byte_count_exact():
    lru = BoundedLru(10_000)

    def fill(start: int) -> None:
        for n in range(start, start + 500):
            lru.put(n, n, 50)

    threads = [threading.Thread(target=fill, args=(i * 500,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    status = lru.status()
    assert status["bytes"] == 50 * status["entries"] <= 10_000


@pytest.mark.parametrize("http_server", ["waitress", "granian"])
def test_a_repeated_query_is_answered_from_the_response_cache(settings, oxigraph_engine,
                                                              http_server):  # fmt: skip
    # under granian the front looks the answer up before any WSGI environ exists: its key
    # must be the one the cache stored the answer under
    served = replace(settings, http_server=http_server)
    app = create_app(served, oxigraph_engine, {"build_id": "cache"})
    body = urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}).encode()
    headers = {"Accept": "application/sparql-results+json",
               "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
    with live_server(app, served) as url:
        answers = []
        for _ in range(3):
            request = urllib.request.Request(url, data=body, headers=headers)
            with urllib.request.urlopen(request, timeout=30) as response:
                answers.append(response.read())
    assert len(set(answers)) == 1 and b"true" in answers[0]
    assert app.extensions[EXTENSION].response_cache.status()["hits"] == 2
