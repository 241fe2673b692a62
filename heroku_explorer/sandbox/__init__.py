"""A stateful emulator of the Heroku Platform API, generated from a schema.

One ASGI application (:func:`create_app`) serves it in-process through
``httpx.ASGITransport`` or on loopback with uvicorn (:mod:`.server`). The sandbox
shares only :mod:`heroku_explorer.protocol` with the client; it imports no UI code.

Modules: ``routes`` (actions compiled to routes), ``store`` (state, SQLite when
persisted), ``seed`` and ``presets`` (deterministic data), ``validate`` (request
bodies), ``handlers`` (what each route kind does) and ``writes`` (objects built
from a body), ``paging`` (Range), ``bodies`` (a body's size, media type and JSON),
``rate`` (the token bucket), ``wire`` (ASGI scopes and headers), ``served_schema``
(``GET /schema``), ``app`` (the protocol), ``server`` and ``cli_entry`` (serving).
"""

from __future__ import annotations

from heroku_explorer.sandbox.app import SANDBOX_TOKEN, SandboxApp, create_app
from heroku_explorer.sandbox.rate import RatePool

__all__ = ["SANDBOX_TOKEN", "RatePool", "SandboxApp", "create_app"]
