"""The parent's side of one query worker: the subprocess and the two pipes to it.

Replies are read without blocking (``ReplyReader``): the request thread, or the event loop
under granian, reads what the pipe holds whenever it is readable, so neither ever sits in
a read while a large answer is still being written, and the deadline and the client's
departure are checked between reads. The wire format is multiprocessing's
``Connection.send`` (what the worker writes): a 4-byte big-endian length (-1: an 8-byte
length follows), then the pickle.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import pickle
import select
import struct
import subprocess
import sys
from multiprocessing.connection import Connection
from typing import Any

from iraqkg.engines import EngineUnavailable
from iraqkg.web.executor import EngineInfo
from iraqkg.web.worker import WorkerSetup

# Each worker runs this (python -c BOOT READ_FD WRITE_FD PARENT_PID): it asks for SIGKILL on
# the server's death before importing anything, since the imports take seconds on a busy
# machine and a worker still importing when the server died would outlive it that long.
BOOT = """\
import os, signal, sys
if sys.platform.startswith("linux"):
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[3]):
    os._exit(1)
from iraqkg.web.worker import main
main(sys.argv[1:])
"""


def child_env() -> dict[str, str]:
    # The worker must import what the parent imports, however the parent's path was set.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env


class Worker:
    """One worker subprocess and the parent's ends of its two pipes."""

    def __init__(self, setup: WorkerSetup) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    BOOT,
                    str(to_child_r),
                    str(from_child_w),
                    str(os.getpid()),
                ],  # fmt: skip
                pass_fds=(to_child_r, from_child_w),
                env=child_env(),
                stdin=subprocess.DEVNULL,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.outbox = Connection(to_child_w, readable=False)
        self.inbox = Connection(from_child_r, writable=False)
        self.reply_fd = from_child_r
        # One poll object for the worker's life: Connection.poll builds a selector per call,
        # which cost a short query more than its pipe round trip.
        self._answer_ready = select.poll()
        self._answer_ready.register(from_child_r, select.POLLIN)
        try:
            self.outbox.send(setup)
        except OSError:  # the child is already gone (killed): leave nothing open
            self.kill()
            raise

    def answered(self, timeout: float) -> bool:
        """True once the worker's reply (or its end: EOF) can be read; waits ``timeout`` s."""
        return bool(self._answer_ready.poll(max(0, math.ceil(timeout * 1000))))

    def wait_ready(self, timeout: float) -> EngineInfo:
        if not self.inbox.poll(timeout):
            raise EngineUnavailable(f"query worker not ready after {timeout:g} s")
        try:
            status, payload = self.inbox.recv()
        except (EOFError, OSError):
            raise EngineUnavailable("query worker died while loading the dataset") from None
        if status != "ready":
            raise EngineUnavailable(f"query worker failed to start: {payload}")
        # From now on replies are read without blocking (ReplyReader).
        os.set_blocking(self.reply_fd, False)
        if sys.platform.startswith("linux"):
            # over /proc/sys/fs/pipe-max-size the default size works too
            with contextlib.suppress(OSError):
                fcntl.fcntl(self.reply_fd, _F_SETPIPE_SZ, _PIPE_BYTES)
        return payload

    def reader(self) -> ReplyReader:
        """A reader for the reply to the task just sent."""
        return ReplyReader(self.reply_fd)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(5)
        self.inbox.close()
        self.outbox.close()

    def stop(self) -> None:
        """Ask the worker to finish, kill it if it does not."""
        try:
            self.outbox.send(None)
            self.process.wait(2)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
        self.kill()


_F_SETPIPE_SZ = 1031  # from <linux/fcntl.h>
# A larger pipe: a reply of up to this size is read in one wake-up (the default is 64 KiB).
_PIPE_BYTES = 1 << 20
_READ_BYTES = 1 << 20


class ReplyReader:
    """One reply, read piece by piece from a non-blocking pipe; see the module docstring."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = bytearray()
        self._size: int | None = None  # the payload's length, once its header is in
        self._start = 0  # where the payload begins in the buffer

    def feed(self) -> bool:
        """Read what the pipe holds now; True once the whole reply is in. EOFError when
        the worker's end closed first (it died)."""
        while True:
            if self._size is None:
                self._header()
            if self._size is not None and len(self._buffer) - self._start >= self._size:
                return True
            wanted = _READ_BYTES if self._size is None else max(
                _READ_BYTES, self._start + self._size - len(self._buffer))  # fmt: skip
            try:
                chunk = os.read(self._fd, wanted)
            except BlockingIOError:
                return False
            if not chunk:
                raise EOFError("the worker closed its pipe")
            self._buffer += chunk

    def _header(self) -> None:
        if len(self._buffer) < 4:
            return
        (size,) = struct.unpack_from("!i", self._buffer)
        if size != -1:
            self._size, self._start = size, 4
        elif len(self._buffer) >= 12:
            (self._size,) = struct.unpack_from("!Q", self._buffer, 4)
            self._start = 12

    def message(self) -> Any:
        assert self._size is not None
        return pickle.loads(memoryview(self._buffer)[self._start : self._start + self._size])
