"""Offline, the schema in use, and `schema --update` against a loopback API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from heroku_explorer.cli import main
from tests.test_schema_background import SchemaServer, changed_schema, start, updater

# These tests run the background schema fetch, against a loopback API only.
pytestmark = pytest.mark.usefixtures("online_schema")


@pytest.fixture
def server(ref_hyper_path: Path) -> Iterator[SchemaServer]:
    srv = SchemaServer(ref_hyper_path.read_bytes())
    try:
        yield srv
    finally:
        srv.close()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    monkeypatch.delenv("HEROKU_API_URL", raising=False)
    return home


def _config(home: Path, text: str) -> None:
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_offline_in_the_config_never_fetches(server: SchemaServer, tmp_path: Path) -> None:
    _config(tmp_path / "home", "[general]\noffline = true\n")
    setup = start("--sandbox", "--api-url", server.url)
    update = updater(setup)
    assert update.state == "offline"
    assert any("schema --update" in n and "Offline" in n for n in setup.notices)
    asyncio.run(update.run())
    assert update.state == "offline" and server.requests == []


def test_offline_option_uses_the_cache_without_asking(server: SchemaServer) -> None:
    asyncio.run(updater(start("--sandbox", "--api-url", server.url)).run())
    count = len(server.requests)
    setup = start("--sandbox", "--api-url", server.url, "--offline")
    assert updater(setup).state == "offline" and updater(setup).source.startswith("cached ")
    assert not any("schema --update" in n for n in setup.notices)
    assert len(setup.spec.resources) == 100
    asyncio.run(updater(setup).run())
    assert len(server.requests) == count


def test_schema_source_and_update(server: SchemaServer, ref_hyper_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--source", "--api-url", server.url]) == 0
    assert capsys.readouterr().out == "bundled 2013 manifest\n"
    assert main(["schema", "--update", "--api-url", server.url]) == 0
    out = capsys.readouterr().out
    assert "Changes since the bundled 2013 manifest:" in out
    assert "+ resource pipeline" in out
    assert "authorization" not in server.requests[-1][1]
    assert main(["schema", "--source", "--api-url", server.url]) == 0
    source = capsys.readouterr().out
    assert source.startswith("cached ") and "variant 3)" in source
    assert main(["schema", "--update", "--api-url", server.url]) == 0
    assert "The cached schema is current" in capsys.readouterr().out
    assert server.requests[-1][1]["if-none-match"] == '"v1"'
    server.data, server.etag = changed_schema(ref_hyper_path.read_bytes()), '"v2"'
    assert main(["schema", "--update", "--api-url", server.url]) == 0
    out = capsys.readouterr().out
    assert "Changes since the cached copy:" in out
    assert "    + attribute launch_code: string" in out
    assert main(["schema", "--api-url", server.url]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("schema: cached ")


def test_update_refused_offline_and_failing_plainly(
    server: SchemaServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--update", "--offline", "--api-url", server.url]) == 2
    assert "offline is set" in capsys.readouterr().err
    assert server.requests == []
    server.hang = True
    assert main(["schema", "--update", "--timeout", "1", "--api-url", server.url]) == 2
    err = capsys.readouterr().err
    assert "127.0.0.1" in err and "Traceback" not in err and err.count("\n") == 1


def test_the_schema_tree_says_its_source_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out.startswith("schema: bundled 2013 manifest\n")


def test_a_cached_copy_that_cannot_load_falls_back_to_bundled(server: SchemaServer,
                                                              tmp_path: Path) -> None:
    from heroku_explorer.client.cache import SchemaCache

    SchemaCache(tmp_path / "home" / "cache" / "schema").store(
        f"{server.url}/schema", "3", b'{"definitions": {"app": [', '"bad"')
    setup = start("--sandbox", "--api-url", server.url, "--offline")
    assert updater(setup).source.startswith("cached ")
    said: list[str] = []
    setup.on_notice = said.append
    assert setup.spec.source.origin.startswith("bundled:")
    assert len(said) == 1 and "cached schema cannot be used" in said[0]
    assert updater(setup).source == "bundled 2013 manifest"
    assert any("cached schema cannot be used" in n and "schema --update" in n
               for n in setup.notices)
