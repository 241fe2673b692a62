"""The names and ids seen in answers, offered by the completer: newest first, per
resource, and per parent for things listed under one (the dynos of one app)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from heroku_explorer.repl.vocab import default_group

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.repl.vocab import Vocabulary
    from heroku_explorer.schema.model import Action, ApiSpec

__all__ = ["SEEN_LIMIT", "SeenValues"]

#: Values kept per resource (and per parent).
SEEN_LIMIT = 50


class SeenValues:
    """What one session has seen; :meth:`observe` learns from each answer."""

    def __init__(self) -> None:
        self._seen: dict[str, list[str]] = {}
        self._scoped: dict[tuple[str, str], list[str]] = {}
        self._parent: tuple[str, str] | None = None
        """(resource, parent value) of the exchange being read: its things go there."""

    def values(self, resource_key: str, parent: str | None = None) -> Sequence[str]:
        """Names and ids of ``resource_key`` seen, newest first. Things listed under
        a parent are offered only for that parent; without one, all are."""
        found = list(self._scoped.get((resource_key, parent), ())) if parent else [
            v for (key, _p), bucket in self._scoped.items() if key == resource_key
            for v in bucket]
        found += self._seen.get(resource_key, ())
        return tuple(dict.fromkeys(found))

    def clear(self) -> None:
        self._seen, self._scoped = {}, {}

    def observe(self, spec: ApiSpec, vocab: Vocabulary, exchange: Exchange) -> None:
        """Learn the names and ids in ``exchange``; forget what it deleted."""
        if exchange.error is not None or exchange.status is None:
            return
        parts = [unquote(p) for p in urlsplit(exchange.url).path.split("/") if p]
        if exchange.method.upper() == "DELETE" and 200 <= exchange.status < 300 and parts:
            self.forget(parts[-1])
            return
        if exchange.body_state != "json":
            return
        action = spec.action(exchange.action_id) if exchange.action_id else None
        key = _response_resource(action)
        parent = None
        if action is not None and action.path_params and len(parts) > 1:
            first = action.path_params[0]
            if key is not None and default_group(first) != key:
                parent = parts[1] if action.path.startswith("/") else None
        self._parent = (key, parent) if parent and key else None
        if key is None:
            for part in reversed([p for p in urlsplit(exchange.url).path.split("/") if p]):
                if (res := vocab.resource(part)) is not None:
                    key = res.key
                    break
        try:
            self._collect(spec, vocab, exchange.data, key, 0)
        finally:
            self._parent = None

    def _collect(self, spec: ApiSpec, vocab: Vocabulary, data: Any, key: str | None,
                 depth: int) -> None:
        if depth > 3:
            return
        if isinstance(data, list):
            for item in data[:500]:
                self._collect(spec, vocab, item, key, depth + 1)
            return
        if not isinstance(data, dict):
            return
        if key is not None:
            res = spec.resource(key)
            idents = [a.name for a in res.identity] if res is not None and res.identity else []
            for name in idents or ["name", "id"]:
                if isinstance(data.get(name), str):
                    self.remember(key, data[name])
        for name, value in data.items():
            if isinstance(value, dict) and (res := vocab.resource(name)) is not None:
                self._collect(spec, vocab, value, res.key, depth + 1)

    def forget(self, value: str) -> None:
        """A thing deleted is no longer offered (nor what was listed under it)."""
        for bucket in [*self._seen.values(), *self._scoped.values()]:
            if value in bucket:
                bucket.remove(value)
        for scope in [s for s in self._scoped if s[1] == value]:
            del self._scoped[scope]

    def remember(self, key: str, value: str) -> None:
        """``value`` of ``key`` seen just now (under the parent being read, if any)."""
        scope = self._parent
        if scope is not None and scope[0] == key:
            bucket = self._scoped.setdefault(scope, [])
        else:
            bucket = self._seen.setdefault(key, [])
        if value in bucket:
            bucket.remove(value)
        bucket.insert(0, value)
        del bucket[SEEN_LIMIT:]


def _response_resource(action: Action | None) -> str | None:
    if action is None:
        return None
    return action.response.resource or action.resource
