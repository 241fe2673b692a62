"""`heroku-explorer web` as people start it: the secret link, 403 without it, loopback only,
one explorer per websocket that ends with it, and the rules of heroku_explorer.web.launch."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from heroku_explorer.web.launch import (
    app_command,
    app_environment,
    host_warning,
    new_secret,
    secret_matches,
    url_host,
)
from tests.web_support import ROOT, listening, serve, wait_gone, web_env

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")


def _get(url: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def test_the_link_answers_and_nothing_else_does(tmp_path: Path) -> None:
    with serve(tmp_path) as web:
        status, page, headers = _get(web.url)
        assert status == 200
        assert "<title>heroku-explorer</title>" in page
        assert 'rel="icon"' in page and "(sandbox)" in page
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"
        # Everything the page loads comes from this server: no CDN font or script.
        assert "http://" not in page.replace(f"ws://127.0.0.1:{web.port}", "")
        assert "https://" not in page
        for asset in ("assets/favicon.svg", "assets/page.css", "assets/page.js",
                      "static/js/textual.js", "static/fonts/RobotoMono-VariableFont_wght.ttf"):
            assert _get(web.url + asset)[0] == 200, asset
        css = _get(web.url + "assets/page.css")[1]
        assert "//" not in css.replace("/*", "").replace("*/", "")

        wrong = new_secret()
        refused = [
            web.origin + "/",
            web.origin + "/ws",
            web.origin + "/favicon.ico",
            web.origin + "/static/js/textual.js",
            f"{web.origin}/{wrong}/",
            f"{web.origin}/{web.secret[:-1]}/",
            f"{web.origin}/{web.secret}x/",
            f"{web.origin}/?secret={web.secret}",
            f"{web.origin}/{wrong}/static/js/textual.js",
        ]
        for url in refused:
            status, body, _ = _get(url)
            assert status == 403, url
            assert web.secret not in body
        assert web.children() == []

        # Bound on loopback only, on the printed port.
        bound = listening(web.process.pid)
        assert bound and all(addr == "127.0.0.1" for addr, _ in bound), bound
        assert {port for _, port in bound} == {web.port}
    assert web.process.returncode == 0  # Ctrl+C stops it cleanly


async def test_a_websocket_without_the_secret_starts_nothing(tmp_path: Path) -> None:
    with serve(tmp_path) as web:
        async with aiohttp.ClientSession() as session:
            for url in (f"ws://127.0.0.1:{web.port}/ws",
                        f"ws://127.0.0.1:{web.port}/{new_secret()}/ws",
                        f"ws://127.0.0.1:{web.port}/ws?secret={web.secret}"):
                with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
                    await session.ws_connect(url)
                assert caught.value.status == 403
            # The right secret from another site's page: refused as well.
            with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
                await session.ws_connect(f"ws://127.0.0.1:{web.port}/{web.secret}/ws",
                                         origin="http://attacker.invalid")
            assert caught.value.status == 403
        time.sleep(0.3)
        assert web.children() == []


async def test_each_tab_runs_the_sandbox_explorer_which_ends_with_it(tmp_path: Path) -> None:
    env = web_env(tmp_path, HEROKU_API_KEY="hrku-web-test-key-000",
                  HEROKU_API_URL="http://127.0.0.1:9")
    with serve(tmp_path, env=env) as web:
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(
                f"ws://127.0.0.1:{web.port}/{web.secret}/ws?width=120&height=40",
                origin=web.origin)
            painted = b""
            deadline = time.monotonic() + 30
            while b"SANDBOX" not in painted and time.monotonic() < deadline:
                message = await ws.receive(timeout=30)
                if message.type == aiohttp.WSMsgType.BINARY:
                    painted += message.data
            assert b"SANDBOX" in painted and b"App" in painted
            (child,) = web.children()
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            assert argv[1:4] == [b"-m", b"heroku_explorer", b"--sandbox"]
            environ = Path(f"/proc/{child}/environ").read_bytes().split(b"\0")
            assert not any(v.startswith((b"HEROKU_API_KEY=", b"HEROKU_API_URL="))
                           for v in environ)
            assert b"hrku-web-test-key-000" not in b"".join(argv)
            await ws.close()
        assert wait_gone(child, 10), "the explorer outlived its tab"
        assert web.children() == []


def test_live_says_so_and_keeps_the_key_off_the_command_line(tmp_path: Path) -> None:
    env = web_env(tmp_path, HEROKU_API_KEY="hrku-web-test-key-000",
                  HEROKU_API_URL="http://127.0.0.1:9")
    with serve(tmp_path, "--live", env=env) as web:
        status, page, _ = _get(web.url)
        assert status == 200
        assert "<title>heroku-explorer — LIVE</title>" in page
        assert "hrku-web-test-key-000" not in page
        assert "LIVE" in "".join(web.first_lines)
    args = argparse.Namespace(live=True, read_only=True, api_url="http://127.0.0.1:9")
    command = app_command(args, python="py")
    assert command == ["py", "-m", "heroku_explorer", "--api-url", "http://127.0.0.1:9",
                       "--read-only", "tui"]
    live_env = app_environment({"HEROKU_API_KEY": "k", "PATH": "/bin"}, live=True)
    assert live_env == {"HEROKU_API_KEY": "k", "PATH": "/bin"}
    assert app_environment({"HEROKU_API_KEY": "k", "PATH": "/bin"}, live=False) == {
        "PATH": "/bin"}


def test_open_hands_the_link_to_the_default_browser(tmp_path: Path) -> None:
    seen = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(f"import sys; open({str(seen)!r}, 'w').write(sys.argv[1])\n")
    env = web_env(tmp_path, BROWSER=f"{sys.executable} {browser} %s")
    with serve(tmp_path, "--open", env=env) as web:
        deadline = time.monotonic() + 10
        while not seen.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert seen.read_text() == web.url


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "heroku_explorer", *args], cwd=ROOT,
                          env=web_env(tmp_path, **env), capture_output=True, text=True,
                          timeout=60)


def test_without_the_extra_one_sentence_and_exit_2(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow" / "textual_serve"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'textual_serve'\", name='textual_serve')\n")
    paths = os.pathsep.join([str(shadow.parent), os.environ.get("PYTHONPATH", "")])
    done = _run(tmp_path, "web", "--port", "0", PYTHONPATH=paths)
    assert done.returncode == 2
    assert done.stderr == ("heroku-explorer: The browser front end needs the web extra: "
                           "pip install 'heroku-explorer[web]'\n")
    assert done.stdout == ""


def test_refusals_are_one_sentence(tmp_path: Path) -> None:
    done = _run(tmp_path, "web", "--port", "0", "--api-key", "hrku-on-the-line")
    assert done.returncode == 2
    assert "takes no --api-key" in done.stderr and "hrku-on-the-line" not in done.stderr
    assert "Traceback" not in done.stderr
    done = _run(tmp_path, "web", "--port", "70000")
    assert (done.returncode, done.stderr.count("\n")) == (2, 1)
    assert "is not a port" in done.stderr
    done = _run(tmp_path, "web", "--live", "--sandbox", "--port", "0")
    assert done.returncode == 2 and "contradict" in done.stderr
    # --live with no key anywhere: not a LIVE page on the sandbox.
    done = _run(tmp_path, "web", "--live", "--port", "0")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("heroku-explorer: --live found no API key ($HEROKU_API_KEY, or a "
                           "~/.netrc entry for api.heroku.com); set one, or leave out --live "
                           "for the sandbox.\n")


def test_a_port_in_use_is_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = _run(tmp_path, "web", "--port", str(port))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (f"heroku-explorer: Cannot serve on 127.0.0.1 port {port}: "
                           "address already in use.\n")


def test_secret_and_host_rules() -> None:
    secrets_seen = {new_secret() for _ in range(50)}
    assert len(secrets_seen) == 50
    for secret in secrets_seen:
        assert len(secret) >= 43  # 256 bits, URL-safe base64
        assert secret_matches(secret, secret)
        assert not secret_matches(secret[:-1], secret)
        assert not secret_matches("", secret)
    assert not secret_matches("caf\udce9", "café")
    for host in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST."):
        assert host_warning(host) is None, host
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.invalid"):
        warning = host_warning(host)
        assert warning is not None
        assert host in warning and "token" in warning and "secret" in warning
    hostile = host_warning("bad\x1b]52;c;eA==\x07host")
    assert hostile is not None and "\x1b" not in hostile and "\x07" not in hostile
    assert url_host("::1") == "[::1]" and url_host("127.0.0.1") == "127.0.0.1"


def test_a_loopback_host_other_than_the_default_gives_no_warning(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "heroku_explorer", "web", "--port", "0", "--host", "127.0.0.2"],
        cwd=ROOT, env=web_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "http://127.0.0.2:" in line
        assert listening(process.pid)[0][0] == "127.0.0.2"
    finally:
        process.terminate()
        _, err = process.communicate(timeout=15)
    assert "warning" not in err
