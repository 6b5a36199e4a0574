"""Drive headless Chromium through the DevTools protocol over a pipe (no extra packages).

Chromium's ``--remote-debugging-pipe`` reads commands from fd 3 and writes replies and events
to fd 4, each a JSON message ended by a NUL byte. A bash ``exec`` (dash cannot name fds over
9) puts our pipe ends on those numbers (no preexec_fn, safe with the server thread running).
Bounded waits throughout.

    with Chromium(tmp_path / "profile") as browser:
        page = browser.new_page(width=390, height=844)
        page.goto(url); page.type("#search-q", "Khadimi"); page.key("Enter")
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


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class CdpError(RuntimeError):
    pass


def _high(fd: int) -> int:
    """``fd`` moved to a number of 10 or more."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    def __init__(self, profile: Path, timeout: float = 30.0) -> None:
        self.profile = profile
        self.timeout = timeout
        self._id = 0
        self._buffer = b""
        self.events: list[dict[str, Any]] = []
        self._log = profile.parent / f"{profile.name}-chromium.log"  # read when it fails

    def __enter__(self) -> Chromium:
        binary = chromium_binary()
        if binary is None:
            raise CdpError("chromium is not installed")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # The child's ends away from 3 and 4, so the shell's redirections cannot clash.
        to_child_r, from_child_w = (_high(to_child_r), _high(from_child_w))
        args = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--remote-debugging-pipe",
            f"--user-data-dir={self.profile}", "about:blank",
        ]  # fmt: skip
        script = f'exec "$0" "$@" 3<&{to_child_r} 4>&{from_child_w}'
        self.process = subprocess.Popen(
            [shutil.which("bash") or "bash", "-c", script, binary, *args],
            pass_fds=(to_child_r, from_child_w),
            stdout=subprocess.DEVNULL,
            stderr=self._log.open("wb"),
        )
        os.close(to_child_r)
        os.close(from_child_w)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(CdpError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        os.close(self._to_child)
        os.close(self._from_child)

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CdpError("timed out waiting for chromium")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise CdpError("chromium closed the pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

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
            raise CdpError(f"chromium is gone (exit {self.process.poll()}): {tail}") from None
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, session: str, timeout: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def new_page(self, width: int = 1200, height: int = 900, mobile: bool = False) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session)
        page.call("Page.enable")
        page.call("Runtime.enable")
        page.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
        )
        return page


class Page:
    def __init__(self, browser: Chromium, session: str) -> None:
        self.browser = browser
        self.session = session

    def call(self, method: str, params: dict | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session)

    def _drop_events(self, method: str) -> None:
        self.browser.events = [
            e
            for e in self.browser.events
            if not (e.get("method") == method and e.get("sessionId") == self.session)
        ]

    def goto(self, url: str) -> None:
        self._drop_events("Page.loadEventFired")
        self.call("Page.navigate", {"url": url})
        self.browser.wait_event("Page.loadEventFired", self.session)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise CdpError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        """Poll a JavaScript expression until it is truthy (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.evaluate(expression)
            except CdpError:
                value = None
            if value:
                return value
            time.sleep(0.1)
        raise CdpError(f"timed out waiting for {expression}")

    def type(self, selector: str, text: str) -> None:
        """Focus an input and type into it as a keyboard would (input events fire)."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        for character in text:
            self.call("Input.insertText", {"text": character})

    def key(self, name: str, navigates: bool = False) -> None:
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

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element; waits for the next page."""
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        self._drop_events("Page.loadEventFired")
        for kind in ("mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )
        self.browser.wait_event("Page.loadEventFired", self.session)

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.write_bytes(base64.b64decode(data["data"]))
        return path
