"""Shared helpers for the client tests: a recording MockTransport."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from heroku_explorer.client import Credentials, HerokuClient, History

TOKEN = "hrku-test-0123456789abcdef-secret"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport that remembers every request it was given."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self.handler = handler
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.handler(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def make_client(handler: Handler, *, token: str | None = TOKEN, home: Path | None = None,
                history: bool = False, **kw: object) -> tuple[HerokuClient, Recorder]:
    recorder = Recorder(handler)
    creds = Credentials(token=token) if token else None
    hist = History(home / "data" / "history.sqlite3") if history and home else None
    client = HerokuClient(
        kw.pop("base_url", "https://api.heroku.com"), creds,  # type: ignore[arg-type]
        transport=recorder.transport, history=hist,
        cache_dir=(home / "cache") if home else None, **kw,  # type: ignore[arg-type]
    )
    return client, recorder


def json_response(status: int = 200, data: object = None, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=data if data is not None else {"ok": True},
                          headers={k.replace("_", "-"): v for k, v in headers.items()})
