"""Idle query workers, handed to request threads and to the event loop alike.

The pool's workers are borrowed from two sides: request threads (waitress, and granian's
pages) block for one, and granian's query lane awaits one on its event loop without a
thread. One first-come-first-served line of waiters serves both, so neither side can
starve the other; a worker put back goes straight to the first waiter.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections import deque
from typing import Any


class _ThreadWaiter:
    def __init__(self) -> None:
        self.event = threading.Event()
        self.item: Any = None

    def offer(self, item: Any) -> bool:
        self.item = item
        self.event.set()
        return True


class _LoopWaiter:
    def __init__(self, owner: IdleWorkers, loop: asyncio.AbstractEventLoop) -> None:
        self.owner = owner
        self.loop = loop
        self.thread = threading.get_ident()  # the loop's: a waiter is made on it
        self.future: asyncio.Future = loop.create_future()

    def offer(self, item: Any) -> bool:
        try:
            if threading.get_ident() == self.thread:  # put back by the loop itself
                self.loop.call_soon(self._deliver, item)  # no wake-up write needed
            else:
                self.loop.call_soon_threadsafe(self._deliver, item)
        except RuntimeError:  # the loop has closed: the next waiter
            return False
        return True

    def _deliver(self, item: Any) -> None:
        if self.future.done():  # it stopped waiting (timed out, cancelled) meanwhile
            self.owner.put(item)
        else:
            self.future.set_result(item)


def _expire(future: asyncio.Future) -> None:
    if not future.done():
        future.set_exception(queue.Empty())


class IdleWorkers:
    """A first-in-first-out set of idle items with blocking and awaitable takers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: deque[Any] = deque()
        self._waiters: deque[_ThreadWaiter | _LoopWaiter] = deque()

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items

    def put(self, item: Any) -> None:
        with self._lock:
            while self._waiters:
                if self._waiters.popleft().offer(item):
                    return
            self._items.append(item)

    def get(self, timeout: float) -> Any:
        """An idle item, waiting at most ``timeout`` s; queue.Empty past that."""
        with self._lock:
            if self._items:
                return self._items.popleft()
            waiter = _ThreadWaiter()
            self._waiters.append(waiter)
        if not waiter.event.wait(timeout):
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
                    raise queue.Empty
            waiter.event.wait()  # offered between the timeout and the lock: take it
        return waiter.item

    async def aget(self, timeout: float) -> Any:
        """As ``get``, awaited on the running loop."""
        with self._lock:
            if self._items:
                return self._items.popleft()
            waiter = _LoopWaiter(self, asyncio.get_running_loop())
            self._waiters.append(waiter)
        # a timer on the future, not asyncio.timeout (it cost a queued query a tenth of
        # the loop's time)
        timer = waiter.loop.call_later(timeout, _expire, waiter.future)
        try:
            return await waiter.future
        except BaseException:
            with self._lock:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            future = waiter.future
            if future.done() and not future.cancelled() and future.exception() is None:
                self.put(future.result())  # handed over just as the wait ended: give back
            elif not future.done():
                future.cancel()  # one still on its way is given back by _deliver
            raise
        finally:
            timer.cancel()
