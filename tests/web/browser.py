"""Headless Chromium driven over the DevTools protocol on a pipe (no websocket library).

    with Browser(tmp_path) as browser:
        browser.open(url)
        browser.wait_for("document.querySelectorAll('tr').length > 3")
        browser.screenshot(path)

``--remote-debugging-pipe`` makes Chromium read commands on fd 3 and write answers on fd 4,
as NUL-terminated JSON messages. Every request the page makes is recorded in ``requests``,
so a test can check that nothing left the loopback interface.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
# Where the browser tests leave their screenshots (IRAQKG_TEST_OUTPUT overrides).
OUTPUT = Path(os.environ.get("IRAQKG_TEST_OUTPUT", REPO / "build" / "test-output"))


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    pass


class Browser:
    def __init__(self, profile: Path, width: int = 1200, height: int = 900) -> None:
        binary = chromium()
        if binary is None:
            raise BrowserError("chromium is not installed")
        commands_r, commands_w = os.pipe()
        answers_r, answers_w = os.pipe()
        # The child must see them as fds 3 and 4.
        self._process = subprocess.Popen(
            [
                binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-extensions", "--mute-audio",
                f"--window-size={width},{height}", f"--user-data-dir={profile}",
                "--remote-debugging-pipe", "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=_dup_to(commands_r, answers_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(commands_r)
        os.close(answers_w)
        self._out = os.fdopen(commands_w, "wb", buffering=0)
        self._in = os.fdopen(answers_r, "rb", buffering=0)
        self._buffer = b""
        self._next_id = 0
        self.requests: list[str] = []
        self.console: list[str] = []
        self.log: list[str] = []  # the browser's own messages (CSP violations, failed loads)
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable", session=True)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=width < 500,
        )

    # ---- protocol -------------------------------------------------------------------------

    def send(self, method: str, session: bool = False, timeout: float = 60, **params: Any) -> Any:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        self._out.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)
        raise BrowserError(f"{method}: no answer in {timeout} s")

    def _read(self, deadline: float) -> dict:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserError("chromium stopped answering")
            chunk = self._in.read(1 << 16)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _event(self, event: dict) -> None:
        method = event.get("method")
        params = event.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(a.get("value", "")) for a in params.get("args", [])))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            self.log.append(f"{entry.get('text', '')} ({entry.get('url', '')})")
        elif method == "Runtime.exceptionThrown":
            self.console.append(
                "exception: " + json.dumps(params.get("exceptionDetails", {}))[:500]
            )

    # ---- what tests use -------------------------------------------------------------------

    def open(self, url: str, timeout: float = 60) -> None:
        self.send("Page.navigate", session=True, url=url)
        self.wait_for("document.readyState === 'complete'", timeout)

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate",
            session=True,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise BrowserError(f"not true after {timeout} s: {expression}; console: {self.console}")

    def screenshot(self, name: str) -> Path:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        data = self.send("Page.captureScreenshot", session=True, format="png",
                         captureBeyondViewport=True)["data"]  # fmt: skip
        path = OUTPUT / name
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close", timeout=5)
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(5)
        self._out.close()
        self._in.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _dup_to(commands: int, answers: int):
    def setup() -> None:
        os.dup2(commands, 3)
        os.dup2(answers, 4)

    return setup
