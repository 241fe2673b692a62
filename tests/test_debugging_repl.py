"""diff, jq and schema conformance through the REPL (pipe input, a session) and
``heroku-explorer call`` (a subprocess)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from heroku_explorer.client.auth import Credentials
from heroku_explorer.client.client import HerokuClient
from heroku_explorer.client.history import History
from heroku_explorer.repl.app import run_repl
from heroku_explorer.repl.call import EXIT_NONCONFORMING, EXIT_OK, EXIT_USAGE, run_call
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.session import Session
from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
from heroku_explorer.schema import ApiSpec, load_bundled
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return load_bundled()


@pytest.fixture
async def client(spec: ApiSpec) -> AsyncIterator[HerokuClient]:
    transport = httpx.ASGITransport(app=create_app(spec))
    async with HerokuClient("http://sandbox.test", Credentials(SANDBOX_TOKEN),
                            transport=transport) as opened:
        yield opened


async def _repl(spec: ApiSpec, client: HerokuClient, lines: list[str]) -> str:
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("".join(line + "\r" for line in lines))
        await asyncio.wait_for(run_repl(spec, client, history_path=None, input=pipe,
                                        output=DummyOutput(), stdout=out), timeout=60)
    return out.getvalue()


async def test_diff_the_last_two_answers_of_one_url(spec: ApiSpec,
                                                    client: HerokuClient) -> None:
    text = await _repl(spec, client, [
        "app create name=diff-me region=eu", "app info diff-me",
        "app update app=diff-me maintenance:=true", "app info diff-me", "diff", "exit"])
    assert re.search(r"GET /apps/diff-me → the last answer: \d+ changes?:", text)
    assert "~ .maintenance: false → true" in text
    assert "+ " not in text.split("the last answer:")[1].split("\n", 2)[1]


async def test_diff_n_against_a_numbered_history_entry(spec: ApiSpec,
                                                       client: HerokuClient) -> None:
    session = Session(spec, client, Console(io.StringIO(), io.StringIO()))
    out = session.console.out
    assert await session.run_line("app list")
    assert await session.run_line("app create name=diff-new region=eu")
    assert await session.run_line("app list")
    assert await session.run_line("history")
    assert re.search(r"#1 +SANDBOX +\S+ +GET +/apps", out.getvalue())  # type: ignore[attr-defined]
    assert await session.run_line("diff 1")
    text = out.getvalue()  # type: ignore[attr-defined]
    assert "#1 GET /apps → the last answer: 1 change: 1 added" in text
    assert re.search(r"\+ \[id=[0-9a-f-]+\]: .*\"name\": \"diff-new\"", text)
    err = session.console.err
    assert not await session.run_line("diff 99")
    assert "history has no entry #99" in err.getvalue()  # type: ignore[attr-defined]
    assert not await session.run_line("diff x")


async def test_diff_reads_the_redacted_history(spec: ApiSpec, tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3", secrets=[SANDBOX_TOKEN])
    transport = httpx.ASGITransport(app=create_app(spec))
    async with HerokuClient("http://sandbox.test", Credentials(SANDBOX_TOKEN),
                            transport=transport, history=history) as opened:
        session = Session(spec, opened, Console(io.StringIO(), io.StringIO()))
        name = "cv-app"
        assert await session.run_line(f"app create name={name} region=eu")
        assert await session.run_line(f"config-var update app={name} SECRET_KEY=first")
        assert await session.run_line(f"config-var info app={name}")
        assert await session.run_line(f"config-var update app={name} SECRET_KEY=second")
        fresh = Session(spec, opened, Console(io.StringIO(), io.StringIO()))
        assert await fresh.run_line(f"config-var info app={name}")
        assert await fresh.run_line("history config-vars")
        listing = fresh.console.out.getvalue()  # type: ignore[attr-defined]
        assert re.search(r"#\d+ +SANDBOX +\S+ +GET +/apps/cv-app/config-vars", listing)
        assert await fresh.run_line("diff")
    text = fresh.console.out.getvalue()  # type: ignore[attr-defined]
    shown = text.split("→ the last answer:")[1]
    # Both values are kept redacted, so the change of a secret is no change at all.
    assert shown.startswith(" no changes")
    assert "first" not in shown and "second" not in shown


async def test_jq_on_the_last_answer_and_as_an_option(spec: ApiSpec,
                                                      client: HerokuClient) -> None:
    text = await _repl(spec, client, [
        "region list --jq '.[].name'", "jq 'map(.name) | length'", "jq .[0].name",
        "jq '.['", "jq", "exit"])
    lines = text.splitlines()
    assert "eu" in lines and "us" in lines
    assert "The jq filter is not valid: syntax error" in text
    assert "jq needs a filter" in text
    assert "Traceback" not in text


async def test_the_status_line_notes_schema_differences(spec: ApiSpec,
                                                        tmp_path: Path) -> None:
    doctored = _doctored(tmp_path)
    from heroku_explorer.schema import load_path

    bad = load_path(str(doctored))
    transport = httpx.ASGITransport(app=create_app(spec))
    async with HerokuClient("http://sandbox.test", Credentials(SANDBOX_TOKEN),
                            transport=transport) as opened:
        err = io.StringIO()
        session = Session(bad, opened, Console(io.StringIO(), err))
        assert await session.run_line("app list")
    note = err.getvalue()
    assert re.search(r"\d+ differences from the schema: \[0\]\.name: string \"[^\"]+\", "
                     r"but the schema says integer", note)
    assert session.differences


# -- call ------------------------------------------------------------------------------


def _doctored(tmp_path: Path) -> Path:
    """The bundled manifest with app names documented as integers: the names of a
    sandbox built from the bundled schema then depart from it."""
    source = ROOT / "heroku_explorer" / "schema" / "bundled" / "resources-2013.json"
    data = json.loads(source.read_text())
    data["resources"]["App"]["attributes"]["name"]["type"] = "integer"
    path = tmp_path / "doctored.json"
    path.write_text(json.dumps(data))
    return path


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEROKU_")}
    env.update(HEROKU_EXPLORER_HOME=str(tmp_path / "home"), HOME=str(tmp_path),
               NO_COLOR="1", HEROKU_EXPLORER_OFFLINE="1")
    return subprocess.run([sys.executable, "-m", "heroku_explorer", "call", *args],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_call_jq_prints_raw_strings_and_json(tmp_path: Path) -> None:
    names = _cli(tmp_path, "--jq", ".[] | .name", "region", "list")
    assert names.returncode == EXIT_OK, names.stderr
    assert set(names.stdout.split()) >= {"eu", "us"}
    assert '"' not in names.stdout
    objects = _cli(tmp_path, "region", "list", "--jq", ".[0] | {name}")
    assert objects.returncode == EXIT_OK
    assert json.loads(objects.stdout.splitlines()[0]).keys() == {"name"}
    bad = _cli(tmp_path, "--jq", ".[", "region", "list")
    assert bad.returncode == EXIT_USAGE and bad.stdout == ""
    assert "The jq filter is not valid" in bad.stderr and "Traceback" not in bad.stderr


def test_call_check_exits_4_when_the_answer_departs(tmp_path: Path) -> None:
    good = _cli(tmp_path, "--check", "app", "list")
    assert good.returncode == EXIT_OK, good.stderr
    assert "the answer conforms to the schema" in good.stderr
    from heroku_explorer.sandbox.server import BackgroundServer

    token = "check-token-0123456789abcdef"
    with BackgroundServer(create_app(load_bundled(), token=token)) as server:
        bad = _cli(tmp_path, "--api-url", server.url, "--api-key", token,
                   "--schema", str(_doctored(tmp_path)), "--check", "app", "list")
    assert bad.returncode == EXIT_NONCONFORMING == 4, bad.stderr
    assert token not in bad.stderr + bad.stdout
    assert "differences from the schema" in bad.stderr
    assert re.search(r'(?m)^  \[0\]\.name: string ".*", but the schema says integer', bad.stderr)
    assert json.loads(bad.stdout)  # the body is still printed
    helped = subprocess.run([sys.executable, "-m", "heroku_explorer", "call", "--help"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "--check" in helped.stdout and "exit 4" in helped.stdout


async def test_run_call_takes_jq_and_check(spec: ApiSpec, client: HerokuClient) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = await run_call(spec, client, ["region", "list"], jq="length", check=True,
                          stdout=out, stderr=err)
    assert code == EXIT_OK and int(out.getvalue()) >= 2
    assert "conforms" in err.getvalue()
