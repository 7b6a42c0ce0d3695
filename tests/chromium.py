"""Headless Chromium driven through the DevTools protocol over a pipe (--remote-debugging-pipe):
no browser download, no driver, no websocket library, only Debian's `chromium`.

    with Browser() as browser:
        page = browser.open(path)          # waits for the load event
        page.wait_for("document.body.dataset.drawn === 'yes'")
        page.evaluate("network.body.data.nodes.length")
        page.screenshot(png_path)
        page.errors, page.requests         # JavaScript errors, every URL the page asked for
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars"]


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium; `open` gives a Page per file."""

    def __init__(self, width: int = 1400, height: int = 900, timeout: float = 30.0):
        self.width, self.height, self.timeout = width, height, timeout
        self._id = 0
        self._buffer = b""
        self.events: list[dict] = []

    def __enter__(self) -> "Browser":
        binary = chromium_binary()
        if binary is None:
            raise BrowserError("chromium is not installed")
        self._profile = tempfile.mkdtemp(prefix="kg-chromium-")
        commands_r, self._commands = os.pipe()   # we write, Chromium reads its fd 3
        self._replies, replies_w = os.pipe()     # Chromium writes its fd 4, we read

        def give_pipes():  # in the child: the two pipe ends become fds 3 and 4
            r = fcntl.fcntl(commands_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(replies_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self._log = open(Path(self._profile) / "stderr.log", "wb")
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile}", "--remote-debugging-pipe",
             f"--window-size={self.width},{self.height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log, preexec_fn=give_pipes, close_fds=False)
        os.close(commands_r)
        os.close(replies_w)
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # already gone
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._commands, self._replies):
            os.close(fd)
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    # ------------------------------------------------------------ protocol

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise BrowserError("Chromium did not answer in time")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the pipe (crashed?)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collect the events that arrive within `seconds`."""
        deadline = time.monotonic() + seconds
        try:
            while True:
                self.events.append(self._read_message(deadline))
        except BrowserError:
            pass

    def open(self, path: Path) -> "Page":
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session)
        self.send("Emulation.setDeviceMetricsOverride", session, width=self.width, height=self.height,
                  deviceScaleFactor=1, mobile=False)
        page.started = time.monotonic()
        self.send("Page.navigate", session, url=Path(path).resolve().as_uri())
        deadline = page.started + self.timeout
        while not page._mine("Page.loadEventFired"):
            if time.monotonic() > deadline:
                raise BrowserError(f"{path}: the page did not load in {self.timeout:.0f} s")
            self.pump(0.05)
        return page


class Page:
    def __init__(self, browser: Browser, session: str):
        self.browser, self.session = browser, session
        self.started = time.monotonic()

    def _mine(self, method: str):
        return [e["params"] for e in self.browser.events if e.get("sessionId") == self.session
                and e.get("method") == method]

    @property
    def errors(self) -> list[str]:
        """Uncaught exceptions, console.error calls and error log entries, as text."""
        found = [e["exceptionDetails"].get("exception", {}).get("description") or e["exceptionDetails"]["text"]
                 for e in self._mine("Runtime.exceptionThrown")]
        found += [" ".join(str(a.get("value", a.get("description", ""))) for a in e["args"])
                  for e in self._mine("Runtime.consoleAPICalled") if e["type"] in ("error", "assert")]
        found += [e["entry"]["text"] for e in self._mine("Log.entryAdded") if e["entry"]["level"] == "error"]
        return found

    @property
    def requests(self) -> list[str]:
        return [e["request"]["url"] for e in self._mine("Network.requestWillBeSent")]

    def evaluate(self, expression: str):
        result = self.browser.send("Runtime.evaluate", self.session, expression=expression, returnByValue=True,
                                   awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> float:
        """Wait until `expression` is true; the seconds since the page was asked for."""
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"Boolean({expression})"):
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression}")
            self.browser.pump(0.05)
        return time.monotonic() - self.started

    def mouse_move(self, x: float, y: float) -> None:
        self.browser.send("Input.dispatchMouseEvent", self.session, type="mouseMoved", x=x, y=y)

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.browser.send("Page.captureScreenshot", self.session, format="png")["data"])
        Path(path).write_bytes(data)
        return data
