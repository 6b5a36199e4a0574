"""The bounded LRU both answer caches keep their entries in (web/cache.py)."""

from __future__ import annotations

import threading

from iraqkg.web.cache import BoundedLru


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
