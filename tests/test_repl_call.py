"""``heroku-explorer call``: one command, body on stdout, status and headers on stderr
with -v, exit status 0 only for 2xx."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from heroku_explorer.client.client import HerokuClient
from heroku_explorer.repl.call import EXIT_HTTP_ERROR, EXIT_NO_ANSWER, EXIT_OK, EXIT_USAGE, run_call
from heroku_explorer.schema import ApiSpec
from tests.conftest import ROOT


async def call(spec: ApiSpec, client: HerokuClient, *words: str, verbose: bool = False,
               as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_call(spec, client, list(words), verbose=verbose, as_json=as_json,
                          stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


async def test_success_prints_the_body_only(spec: ApiSpec, client: HerokuClient) -> None:
    code, out, err = await call(spec, client, "app", "create", "name=call-app", "region=eu")
    assert code == EXIT_OK and err == ""
    assert json.loads(out)["name"] == "call-app"


async def test_verbose_puts_status_and_headers_on_stderr(spec: ApiSpec,
                                                         client: HerokuClient) -> None:
    code, out, err = await call(spec, client, "region", "list", verbose=True)
    assert code == EXIT_OK
    assert isinstance(json.loads(out), list)
    assert err.startswith("200 OK")
    assert "Request-Id" in err and "RateLimit-Remaining" in err
    code, _out2, err2 = await call(spec, client, "region", "list", "-v")
    assert code == EXIT_OK and err2.startswith("200 OK")


async def test_json_is_compact(spec: ApiSpec, client: HerokuClient) -> None:
    code, out, _ = await call(spec, client, "region", "list", as_json=True)
    assert code == EXIT_OK
    assert out.count("\n") == 1 and "\x1b" not in out
    assert json.loads(out)
    code, out2, _ = await call(spec, client, "region", "list", "--json")
    assert out2 == out


async def test_http_error_is_non_zero(spec: ApiSpec, client: HerokuClient) -> None:
    """The error body goes to stdout whatever the status, as HTTPie prints it."""
    code, out, err = await call(spec, client, "app", "info", "app=no-such-app")
    assert code == EXIT_HTTP_ERROR and json.loads(out)["id"] == "not_found"
    assert err.count("\n") == 1 and "404 not_found" in err and "Request-Id" in err


async def test_usage_errors(spec: ApiSpec, client: HerokuClient) -> None:
    code, _, err = await call(spec, client, "ap", "list")
    assert code == EXIT_USAGE and "did you mean 'app'" in err
    code, _, err = await call(spec, client)
    assert code == EXIT_USAGE and "usage" in err
    code, _, err = await call(spec, client, "app", "update", "app=x", "maintenance=perhaps")
    assert code == EXIT_USAGE and "maintenance" in err
    code, _, err = await call(spec, client, "next")
    assert code == EXIT_USAGE


async def test_values_with_spaces_survive(spec: ApiSpec, client: HerokuClient) -> None:
    await call(spec, client, "app", "create", "name=space-app")
    code, out, _ = await call(spec, client, "config-var", "update", "app=space-app",
                              "GREETING=hello world", "N:=null")
    assert code == EXIT_OK and json.loads(out)["GREETING"] == "hello world"


async def test_doc_runs_without_a_request(spec: ApiSpec, client: HerokuClient) -> None:
    code, out, _ = await call(spec, client, "doc", "app", "create")
    assert code == EXIT_OK and "POST /apps" in out


async def test_no_answer(spec: ApiSpec) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with HerokuClient("http://x.test", transport=httpx.MockTransport(refuse)) as client:
        code, out, err = await call(spec, client, "app", "list")
    assert code == EXIT_NO_ANSWER and out == "" and "Could not reach the API" in err


def test_call_does_not_load_prompt_toolkit_or_textual() -> None:
    code = ("import sys, heroku_explorer.repl.call, heroku_explorer.repl.session; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('prompt_toolkit', 'textual')"
            " or m.startswith('heroku_explorer.sandbox')]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_repl_package_never_imports_textual_or_the_sandbox() -> None:
    code = ("import sys, heroku_explorer.repl.app, heroku_explorer.repl.completer, "
            "heroku_explorer.repl.lexer, heroku_explorer.repl.call; "
            "bad = [m for m in sys.modules if m.split('.')[0] == 'textual'"
            " or m.startswith('heroku_explorer.sandbox')]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


# -- through the real command line ------------------------------------------------------


def _cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEROKU_")}
    env.update(HEROKU_EXPLORER_HOME=str(tmp_path / "home"), HOME=str(tmp_path),
               NO_COLOR="1")
    return env


def _cli_wired(tmp_path: Path) -> bool:
    """cli.py hands repl and call to heroku_explorer.runtime once that exists."""
    return importlib.util.find_spec("heroku_explorer.runtime") is not None


SCRIPT = """\
app create name=script-demo region=eu
app list --range 'name ..; max=2'
next
app info app=script-demo
revalidate
app update app=script-demo maintenance:=true --if-match
curl
app delete app=script-demo
"""


DRIVER = """
import asyncio, httpx
from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.repl import run_repl
from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
from heroku_explorer.schema import load_bundled

async def main() -> int:
    spec = load_bundled()
    transport = httpx.ASGITransport(app=create_app(spec))
    async with HerokuClient("http://sandbox.test", Credentials(SANDBOX_TOKEN),
                            transport=transport) as client:
        return await run_repl(spec, client, history_path=None)

raise SystemExit(asyncio.run(main()))
"""


def _check_script_output(out: str) -> None:
    for status in ("201 Created", "206 Partial Content", "304 Not Modified", "200 OK"):
        assert status in out
    assert "curl " in out and "-X PATCH" in out and "If-Match" in out
    assert "heroku>" not in out


def test_run_repl_reads_a_script_on_stdin_in_a_subprocess(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", DRIVER], input=SCRIPT, capture_output=True,
                            text=True, cwd=ROOT, env=_cli_env(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    _check_script_output(result.stdout + result.stderr)


def test_repl_script_on_stdin_in_a_subprocess(tmp_path: Path) -> None:
    if not _cli_wired(tmp_path):
        pytest.skip("`heroku-explorer repl` is not wired in cli.py yet")
    result = subprocess.run(
        [sys.executable, "-m", "heroku_explorer", "repl"], input=SCRIPT, capture_output=True,
        text=True, cwd=ROOT, env=_cli_env(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    _check_script_output(result.stdout + result.stderr)


def test_call_in_a_subprocess(tmp_path: Path) -> None:
    if not _cli_wired(tmp_path):
        pytest.skip("`heroku-explorer call` is not wired in cli.py yet")
    result = subprocess.run(
        [sys.executable, "-m", "heroku_explorer", "call", "region", "list", "-v"],
        capture_output=True, text=True, cwd=ROOT, env=_cli_env(tmp_path), timeout=120)
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    assert "200 OK" in result.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "heroku_explorer", "call", "app", "info", "app=nope"],
        capture_output=True, text=True, cwd=ROOT, env=_cli_env(tmp_path), timeout=120)
    assert missing.returncode != 0 and "404" in missing.stderr
