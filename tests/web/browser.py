"""Headless Chromium driven through the DevTools protocol over a pipe (no extra packages).

    with Chromium(tmp_path / "profile") as browser:
        page = browser.new_page(width=390, height=844)  # narrower than 500: a phone
        page.goto(url)
        page.type("#search-q", "Khadimi"); page.key("Enter", navigates=True)
        page.wait_for("document.querySelectorAll('tr').length > 3")
        page.screenshot("search.png")  # into OUTPUT
        assert page.problems(url) == []

``--remote-debugging-pipe`` makes Chromium read commands on fd 3 and write replies and events
on fd 4, each a JSON message ended by a NUL byte. A bash ``exec`` (dash cannot name fds over
9) puts our pipe ends on those numbers: no ``preexec_fn``, so it is safe with a live server's
thread running. Every page records the requests it makes, its console and uncaught
exceptions and the browser's own log (CSP violations, failed loads), so a test can check that
nothing left the server under test. Every wait is bounded.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# Where the browser tests leave their screenshots (IRAQKG_TEST_OUTPUT overrides).
OUTPUT = Path(os.environ.get("IRAQKG_TEST_OUTPUT", REPO / "build" / "test-output"))
# Events a page records; the rest wait in Chromium.events for wait_event.
_RECORDED = (
    "Network.requestWillBeSent",
    "Runtime.consoleAPICalled",
    "Runtime.exceptionThrown",
    "Log.entryAdded",
)


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    pass


def _high(fd: int) -> int:
    """``fd`` moved to a number of 10 or more."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    """One headless Chromium process; ``new_page`` opens tabs in it."""

    def __init__(self, profile: Path, timeout: float = 60.0) -> None:
        self.profile = profile
        self.timeout = timeout
        self._id = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []
        self.pages: dict[str, Page] = {}
        self._log = profile.parent / f"{profile.name}-chromium.log"  # read when it fails

    def __enter__(self) -> Chromium:
        binary = chromium_binary()
        if binary is None:
            raise BrowserError("chromium is not installed")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # The child's ends away from 3 and 4, so the shell's redirections cannot clash.
        to_child_r, from_child_w = (_high(to_child_r), _high(from_child_w))
        args = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--mute-audio", "--remote-debugging-pipe",
            f"--user-data-dir={self.profile}", "about:blank",
        ]  # fmt: skip
        script = f'exec "$0" "$@" 3<&{to_child_r} 4>&{from_child_w}'
        self.process = subprocess.Popen(
            [shutil.which("bash") or "bash", "-c", script, binary, *args],
            pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log.open("wb"),
        )
        os.close(to_child_r)
        os.close(from_child_w)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        os.close(self._to_child)
        os.close(self._from_child)

    # ---- protocol -------------------------------------------------------------------------

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for chromium")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise BrowserError("chromium closed the pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _event(self, event: dict[str, Any]) -> None:
        page = self.pages.get(event.get("sessionId", ""))
        if page is not None and event.get("method") in _RECORDED:
            page.record(event["method"], event.get("params", {}))
        else:
            self.events.append(event)

    def send(
        self, method: str, params: dict | None = None, session: str | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_child, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            tail = self._log.read_text(errors="replace")[-1500:]
            raise BrowserError(f"chromium is gone (exit {self.process.poll()}): {tail}") from None
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)

    def wait_event(self, method: str, session: str, timeout: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self._event(self._read_message(deadline))

    def new_page(self, width: int = 1200, height: int = 900, mobile: bool | None = None) -> Page:
        """A tab of ``width`` x ``height`` CSS pixels; a phone (mobile layout) below 500."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = self.pages[session] = Page(self, session)
        for domain in ("Page", "Runtime", "Network", "Log"):
            page.call(f"{domain}.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": width < 500 if mobile is None else mobile,
            },
        )
        return page


class Page:
    """One tab: navigation, script, real keyboard and mouse input, screenshots."""

    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser = browser
        self.session = session
        self.requests: list[str] = []  # every URL the page asked for
        self.console: list[str] = []  # console messages and "exception: ..." lines
        self.log: list[str] = []  # the browser's own messages (CSP violations, failed loads)

    def record(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", "")) for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = json.dumps(params.get("exceptionDetails", {}))[:500]
            self.console.append(f"exception: {details}")
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            self.log.append(f"{entry.get('text', '')} ({entry.get('url', '')})")

    def problems(self, base: str) -> list[str]:
        """What went wrong on this page so far: a request to any host but ``base``, a
        Content-Security-Policy violation, an uncaught script error."""
        local = (base, "data:", "about:", "blob:")
        found = [f"from another host: {u}" for u in self.requests if not u.startswith(local)]
        found += [f"policy blocked: {e}" for e in self.log if "Content Security Policy" in e]
        found += [e for e in self.console if e.startswith("exception")]
        return found

    def call(self, method: str, params: dict | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session)

    def _drop_events(self, method: str) -> None:
        self.browser.events = [
            e
            for e in self.browser.events
            if not (e.get("method") == method and e.get("sessionId") == self.session)
        ]

    def goto(self, url: str) -> None:
        """Open ``url`` and wait for its load event."""
        self._drop_events("Page.loadEventFired")
        self.call("Page.navigate", {"url": url})
        self.browser.wait_event("Page.loadEventFired", self.session)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (a promise is awaited)."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:200]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60.0) -> Any:
        """Poll a JavaScript expression until it is truthy (bounded); its value. An
        expression that throws meanwhile (an element not there yet) counts as false."""
        deadline = time.monotonic() + timeout
        error: BrowserError | None = None
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except BrowserError as failed:
                value, error = None, failed
            if value:
                return value
            time.sleep(0.1)
        raise BrowserError(
            f"not true after {timeout} s: {expression}; last error: {error}; "
            f"console: {self.console}"
        )

    def type(self, selector: str, text: str) -> None:
        """Focus an input and type into it as a keyboard would (input events fire)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        for character in text:
            self.call("Input.insertText", {"text": character})

    def key(self, name: str, navigates: bool = False) -> None:
        """Press and release a key; with ``navigates``, wait for the page it opens."""
        codes = {"Enter": 13, "ArrowDown": 40, "ArrowUp": 38, "Escape": 27}
        base = {"key": name, "code": name, "windowsVirtualKeyCode": codes[name]}
        if navigates:
            self._drop_events("Page.loadEventFired")
        down = {**base, "type": "keyDown"}
        if name == "Enter":
            down["text"] = "\r"
        self.call("Input.dispatchKeyEvent", down)
        self.call("Input.dispatchKeyEvent", {**base, "type": "keyUp"})
        if navigates:
            self.browser.wait_event("Page.loadEventFired", self.session)

    def click(self, selector: str, navigates: bool = False) -> None:
        """A real mouse click in the middle of the element (scrolled into view first);
        with ``navigates``, wait for the page it opens."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        if navigates:
            self._drop_events("Page.loadEventFired")
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )
        if navigates:
            self.browser.wait_event("Page.loadEventFired", self.session)

    def screenshot(self, name: str | Path) -> Path:
        """The whole page as PNG: a bare name goes into OUTPUT, a path is used as is."""
        path = Path(name) if isinstance(name, Path) else OUTPUT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(data["data"]))
        return path
