"""Shared fixtures: where the read-only reference data lives.

No test touches the internet: the public schema is never fetched from api.heroku.com
(``HEROKU_EXPLORER_OFFLINE``, inherited by every subprocess a test starts). Tests of
the background fetch unset it with the ``online_schema`` fixture and point the API
URL at a loopback server.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
REFERENCE_DIR = SHARED / "reference"
SEEDS_DIR = SHARED / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ["HEROKU_EXPLORER_OFFLINE"] = "1"


_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


def _is_loopback(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").lower().rstrip(".")
    if name in _LOOPBACK_NAMES or name == "::1":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


_real_getaddrinfo = socket.getaddrinfo


def _loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
    """Every name a test resolves must be loopback: traffic stays on 127.0.0.0/8."""
    if host is not None and not _is_loopback(host):
        raise OSError(f"test guard: {host!r} is not a loopback address; tests send "
                      "nothing off this machine")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def _traffic_stays_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getaddrinfo", _loopback_only)


@pytest.fixture
def today(ref_hyper_path: Path) -> bytes:
    """Today's schema (the reference copy of GET /schema) as bytes."""
    return ref_hyper_path.read_bytes()


@pytest.fixture
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A private home, config and data directory, and no key or API URL from outside."""
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    monkeypatch.delenv("HEROKU_API_URL", raising=False)


@pytest.fixture
def online_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let the background schema fetch run (against the loopback API a test names)."""
    monkeypatch.delenv("HEROKU_EXPLORER_OFFLINE", raising=False)
    yield


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data not found at {path} (../shared beside the checkout)")
    return path


@pytest.fixture(scope="session")
def seed_path() -> Path:
    seeds = sorted(SEEDS_DIR.glob("000_*.txt")) if SEEDS_DIR.exists() else []
    if not seeds:
        pytest.skip(f"the seed manifest is not in {SEEDS_DIR}")
    return seeds[0]


@pytest.fixture(scope="session")
def ref_2013_path() -> Path:
    return _need(REFERENCE_DIR / "heroku-v3-2013-resources.json")


@pytest.fixture(scope="session")
def ref_hyper_path() -> Path:
    return _need(REFERENCE_DIR / "heroku-platform-api-schema.json")


@pytest.fixture(scope="session")
def ref_sdk_path() -> Path:
    return _need(REFERENCE_DIR / "heroku-platform-api-schema-3.sdk.json")


# -- the schemas, an in-process sandbox client, a loopback sandbox ----------------


@pytest.fixture(scope="session")
def spec() -> Any:
    """The bundled schema (the default one)."""
    from heroku_explorer.schema import load_bundled

    return load_bundled()


@pytest.fixture(scope="session")
def today_spec(ref_hyper_path: Path) -> Any:
    """Today's Hyper-Schema, from the reference copy."""
    from heroku_explorer.schema import load_path

    return load_path(str(ref_hyper_path))


#: The in-process sandbox's address, as the front ends use it.
SANDBOX_URL = "http://sandbox.invalid"


def sandbox_client(spec: Any, base_url: str = SANDBOX_URL, **sandbox: Any) -> Any:
    """A :class:`HerokuClient` on a fresh in-process sandbox of ``spec`` (not opened);
    ``sandbox`` goes to :func:`heroku_explorer.sandbox.create_app`."""
    import httpx

    from heroku_explorer.client import Credentials, HerokuClient
    from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app

    transport = httpx.ASGITransport(app=create_app(spec, **sandbox))
    return HerokuClient(base_url, Credentials(SANDBOX_TOKEN), transport=transport)


@pytest.fixture
async def client(spec: Any) -> Any:
    """An open client on a fresh in-process sandbox of ``spec``."""
    async with sandbox_client(spec) as opened:
        yield opened


@pytest.fixture(scope="module")
def loopback_sandbox(spec: Any) -> Iterator[tuple[Any, str]]:
    """A sandbox of ``spec`` served by uvicorn on a free loopback port: (app, URL)."""
    from heroku_explorer.sandbox import create_app
    from heroku_explorer.sandbox.server import BackgroundServer

    app = create_app(spec, seed=3, rate_limit=100_000)
    with BackgroundServer(app) as server:
        yield app, server.url
    app.close()
