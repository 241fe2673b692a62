"""`heroku-explorer web` in a real headless browser: the system's Chromium, driven by
Playwright with that executable (no browser is ever downloaded).

The page loads with its title and favicon, the terminal paints the resource tree,
a filter typed and Enter open an action, the terminal follows the window's size, and
closing the tab ends its explorer. The screenshot goes to ``screenshots/web.png`` when
``HEROKU_EXPLORER_WRITE_SCREENSHOTS=1``, else to a temporary folder.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest

from tests.web_support import ROOT, serve, wait_gone

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(120),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium "
                       "(apt-get install chromium; .ci/run installs it)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("textual_serve")

# CSI sequences, OSC strings, charset selections, any other escape.
_ESCAPES = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)")


class Screen:
    """What the server streamed to the page's terminal, as text without escapes."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.frames: list[bytes] = []

    def on_frame(self, payload: Any) -> None:
        if isinstance(payload, bytes):
            self.frames.append(payload)

    def text(self, since: int = 0) -> str:
        raw = b"".join(self.frames[since:]).decode("utf-8", "replace")
        return _ESCAPES.sub("", raw)

    def wait_for(self, wanted: str, *, since: int = 0, seconds: float = 20) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            text = self.text(since)
            if wanted in text:
                return text
            self.page.wait_for_timeout(100)  # Playwright delivers frames while it waits
        raise AssertionError(f"{wanted!r} never painted; last: {self.text(since)[-400:]!r}")


def _screenshot_path(tmp_path: Path) -> Path:
    if os.environ.get("HEROKU_EXPLORER_WRITE_SCREENSHOTS") == "1":
        return ROOT / "screenshots" / "web.png"
    return tmp_path / "web.png"


def test_the_explorer_in_chromium(tmp_path: Path) -> None:
    with serve(tmp_path) as web, sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), args=ARGS,
            headless=True, viewport={"width": 1280, "height": 800},
        )
        try:
            page = context.new_page()
            screen = Screen(page)
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            page.on("websocket", lambda ws: ws.on("framereceived", screen.on_frame))
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            response = page.goto(web.url)
            assert response is not None and response.status == 200
            assert page.title() == "heroku-explorer"
            icon = page.locator("link[rel=icon]").get_attribute("href")
            assert icon and page.request.get(web.url + icon).status == 200
            page.wait_for_selector("body.-first-byte", timeout=30_000)

            # The resource tree and the status bar, painted in the terminal.
            text = screen.wait_for("SSL Endpoint")
            for resource in ("Account", "Add-on", "App", "Config Var", "Dyno", "SANDBOX"):
                assert resource in text, resource
            columns_before = _columns(page)

            # A filter, Enter to its first match, Enter to open it.
            page.click("#terminal")
            page.keyboard.press("/")
            page.keyboard.type("app list")
            screen.wait_for("app list")
            page.keyboard.press("Enter")
            page.wait_for_timeout(500)
            mark = len(screen.frames)
            page.keyboard.press("Enter")
            # The action bar of the opened action: its title, path and how to send.
            opened = screen.wait_for("ctrl+j sends", since=mark)
            assert "App List" in opened and "/apps" in opened
            page.wait_for_timeout(1000)  # let the form settle before the picture
            page.screenshot(path=str(_screenshot_path(tmp_path)))

            # The terminal follows the window.
            page.set_viewport_size({"width": 800, "height": 500})
            deadline = time.monotonic() + 10
            while _columns(page) >= columns_before and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            assert _columns(page) < columns_before
            assert errors == []
            # Everything the page asked for came from this server (no CDN font or script).
            assert any("/static/js/textual.js" in url for url in requested)
            assert any(url.endswith(".ttf") for url in requested)  # the local font
            elsewhere = [url for url in requested if not url.startswith(web.url)]
            assert elsewhere == []

            # Closing the tab ends its explorer.
            (child,) = web.children()
            page.close()
            assert wait_gone(child, 15), "the explorer outlived its tab"
        finally:
            context.close()


def _columns(page: Any) -> float:
    """The terminal's width in pixels, as xterm.js laid it out."""
    box = page.locator(".xterm-screen").bounding_box()
    assert box is not None
    return float(box["width"])
