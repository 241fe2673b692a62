"""``heroku-explorer call`` as people use it, in a subprocess: the error body on
stdout whatever the status, the next-page hint and ``--all`` within a page budget,
warnings without ``-v``, a body that is not JSON printed as it came (exit 0, as
HTTPie), ``--dry-run``, ``--body`` inline and from stdin, ``--if-match`` /
``--if-none-match`` with values, the command as one argument, ``--``, and the exit
table in ``call --help`` and the README.

With no key and no API URL each call runs on its own built-in sandbox; the body
that is not JSON comes from a small loopback server reached as the live API.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT

BAD_JSON = b'{"name": "half-an-app", "stack": "heroku-2'


def _env(tmp_path: Path, token: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEROKU_")}
    env.update(HEROKU_EXPLORER_HOME=str(tmp_path / "home"), HOME=str(tmp_path), NO_COLOR="1",
               HEROKU_EXPLORER_OFFLINE="1")
    if token is not None:
        env["HEROKU_API_KEY"] = token
    return env


def call(tmp_path: Path, *words: str, stdin: bytes = b"", token: str | None = None
         ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "heroku_explorer", "call", *words],
                          input=stdin, capture_output=True, cwd=ROOT,
                          env=_env(tmp_path, token), timeout=120)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode(), done.stderr.decode())


def test_error_body_on_stdout_whatever_the_status(tmp_path: Path) -> None:
    done = call(tmp_path, "app", "info", "app=no-such-app")
    assert done.returncode == 1
    assert json.loads(done.stdout)["id"] == "not_found"
    assert "404 not_found" in done.stderr


def test_a_page_says_how_to_get_the_rest(tmp_path: Path) -> None:
    done = call(tmp_path, "app", "list", "--range", "name ..; max=1")
    assert done.returncode == 0 and len(json.loads(done.stdout)) == 1
    assert "--all" in done.stderr and "--range '" in done.stderr
    assert "type 'next'" not in done.stderr
    verbose = call(tmp_path, "app", "list", "--range", "name ..; max=1", "-v")
    assert "206" in verbose.stderr and "type 'next'" not in verbose.stderr


def test_all_follows_next_range_within_the_budget(tmp_path: Path) -> None:
    every = json.loads(call(tmp_path, "app", "list").stdout)
    done = call(tmp_path, "--all", "app", "list", "--range", "name ..; max=1")
    assert done.returncode == 0
    paged = json.loads(done.stdout)
    assert isinstance(paged, list) and len(paged) == len(every) > 1
    assert sorted(a["name"] for a in paged) == sorted(a["name"] for a in every)
    short = call(tmp_path, "--all", "--max-pages", "1", "app", "list", "--range",
                 "name ..; max=1")
    assert short.returncode == 0 and len(json.loads(short.stdout)) == 1
    assert "stopped after 1 page" in short.stderr and "--max-pages" in short.stderr
    bad = call(tmp_path, "--all", "--max-pages", "0", "app", "list")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_warnings_without_verbose(tmp_path: Path) -> None:
    done = call(tmp_path, "app", "create", "name=old-stack", "stack=heroku-20")
    assert done.returncode == 0
    assert "warning: stack_deprecated" in done.stderr


def test_dry_run_shows_the_request_and_its_curl(tmp_path: Path) -> None:
    done = call(tmp_path, "--dry-run", "--if-match", '"abc"', "app", "update",
                "app=x", "maintenance:=true")
    assert done.returncode == 0
    assert "dry run: nothing was sent" in done.stdout
    assert 'If-Match: "abc"' in done.stdout and "curl -X PATCH" in done.stdout
    inline = call(tmp_path, "app", "info", "app=x", "--if-none-match", '"e1"', "--dry-run")
    assert 'If-None-Match: "e1"' in inline.stdout


def test_body_inline_and_from_stdin(tmp_path: Path) -> None:
    done = call(tmp_path, "--body", '{"name": "inline-body"}', "app", "create")
    assert done.returncode == 0 and json.loads(done.stdout)["name"] == "inline-body"
    piped = call(tmp_path, "--body", "@-", "app", "create", stdin=b'{"name": "from-stdin"}')
    assert piped.returncode == 0 and json.loads(piped.stdout)["name"] == "from-stdin"
    broken = call(tmp_path, "--body", "@-", "app", "create", stdin=b"{nope")
    assert broken.returncode == 2 and "Traceback" not in broken.stderr


def test_one_argument_and_double_dash(tmp_path: Path) -> None:
    one = call(tmp_path, "region list")
    assert one.returncode == 0 and json.loads(one.stdout)
    dashed = call(tmp_path, "--", "region", "list")
    assert dashed.returncode == 0 and json.loads(dashed.stdout) == json.loads(one.stdout)


def test_a_real_option_is_recognised(tmp_path: Path) -> None:
    done = call(tmp_path, "app", "list", "--if-none-match")
    assert done.returncode == 2
    assert "did you mean" not in done.stderr and "--if-none-match needs a value" in done.stderr


@pytest.fixture
def bad_json_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BAD_JSON)))
            self.end_headers()
            self.wfile.write(BAD_JSON)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_malformed_json_printed_as_it_came(tmp_path: Path, bad_json_server: str) -> None:
    done = call(tmp_path, "--api-url", bad_json_server, "GET", "/apps", token="tok-1")
    assert done.returncode == 0
    assert done.stdout.rstrip("\n") == BAD_JSON.decode()


def test_exit_codes_in_help_and_readme(tmp_path: Path) -> None:
    from heroku_explorer.cli_parser import CALL_EPILOG

    done = subprocess.run([sys.executable, "-m", "heroku_explorer", "call", "--help"],
                          capture_output=True, text=True, cwd=ROOT, env=_env(tmp_path),
                          timeout=60)
    assert done.returncode == 0
    readme = (ROOT / "README.md").read_text()
    for code in ("0", "1", "2", "3", "130"):
        assert f"\n  {code} " in done.stdout
        assert f"| {code} |" in readme or f"| `{code}` |" in readme
    assert "exit status:" in CALL_EPILOG and "--all" in done.stdout
