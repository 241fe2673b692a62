"""Local ``$ref`` resolution for JSON (Hyper-)Schema documents.

Only same-document references (``#/definitions/app/definitions/name``) are
supported, which is all the Heroku schemas use. Resolution is lazy and memoised
per target pointer; keys written beside a ``$ref`` override the target
(``{**target, **siblings}``). A reference that cannot be followed -- missing,
external, cyclic or too deeply chained -- never raises: it resolves to an empty
schema (plus any sibling keys) and a :class:`SpecWarning` is recorded at the JSON
pointer of the node that holds the ``$ref``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from heroku_explorer.schema.model import SpecWarning

__all__ = [
    "MAPPING",
    "MAX_REF_CHAIN",
    "RefResolver",
    "Resolved",
    "WarningSink",
    "escape_token",
    "join_pointer",
    "pointer_resource",
    "pointer_tokens",
]

#: Longest ``$ref`` -> ``$ref`` chain followed before giving up.
MAX_REF_CHAIN = 16

_EMPTY: Mapping[str, Any] = {}

#: For ``isinstance``: parsed JSON is made of dicts, and checking ``dict`` first
#: skips the slow ABC check.
MAPPING = (dict, Mapping)


def escape_token(token: str) -> str:
    """Escape one reference token for a JSON pointer (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def join_pointer(base: str, *tokens: str) -> str:
    """``join_pointer("#/definitions", "add-on")`` -> ``#/definitions/add-on``."""
    if len(tokens) == 1:
        token = tokens[0]
        if "~" in token or "/" in token:
            token = token.replace("~", "~0").replace("/", "~1")
        return f"{base}/{token}"
    return base + "".join("/" + escape_token(t) for t in tokens)


@lru_cache(maxsize=4096)
def pointer_tokens(pointer: str) -> tuple[str, ...] | None:
    """The unescaped tokens of a local pointer (``#/a/b~1c`` -> ``("a", "b/c")``).

    ``None`` when ``pointer`` is not a same-document pointer.
    """
    if not pointer.startswith("#"):
        return None
    body = pointer[1:]
    if body == "":
        return ()
    if not body.startswith("/"):
        return None
    tokens = body[1:].split("/")
    return tuple(t.replace("~1", "/").replace("~0", "~") if "~" in t else t for t in tokens)


def pointer_resource(pointer: str) -> str | None:
    """The definition key a pointer lives in: ``#/definitions/app/...`` -> ``app``."""
    tokens = pointer_tokens(pointer)
    if tokens and len(tokens) >= 2 and tokens[0] == "definitions":
        return tokens[1]
    return None


class WarningSink:
    """Collects :class:`SpecWarning` objects in order, dropping exact repeats."""

    __slots__ = ("_seen", "items")

    def __init__(self) -> None:
        self.items: list[SpecWarning] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, where: str, message: str) -> None:
        key = (where, message)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(SpecWarning(where, message))


class Resolved:
    """A schema node with its ``$ref`` chain followed (treat it as read-only).

    ``schema`` is the effective node (a mapping for any well-formed schema) and
    ``mapping`` the same when it is a mapping, else an empty one; ``pointer`` is
    where its content lives; ``ref`` is the innermost ``$ref`` followed and
    ``chain`` every ``$ref`` followed, outermost first. ``origins`` maps keys to
    their own location when sibling keys were merged over a target. ``broken``
    says a reference on the way could not be followed.
    """

    __slots__ = ("broken", "chain", "mapping", "origins", "pointer", "ref", "schema")

    def __init__(
        self,
        schema: Any,
        pointer: str,
        ref: str | None = None,
        chain: tuple[str, ...] = (),
        origins: Mapping[str, str] | None = None,
        broken: bool = False,
    ) -> None:
        self.schema = schema
        self.mapping: Mapping[str, Any] = schema if isinstance(schema, MAPPING) else _EMPTY
        self.pointer = pointer
        self.ref = ref
        self.chain = chain
        self.origins = origins
        self.broken = broken

    def __repr__(self) -> str:
        return f"Resolved(pointer={self.pointer!r}, ref={self.ref!r}, broken={self.broken})"

    def at(self, key: str) -> str:
        """JSON pointer of ``schema[key]``, honouring merged siblings."""
        base = self.pointer
        if self.origins is not None:
            base = self.origins.get(key, base)
        return join_pointer(base, key)


class RefResolver:
    """Follows local ``$ref`` pointers in ``doc``; see the module docstring."""

    def __init__(self, doc: Mapping[str, Any], sink: WarningSink | None = None) -> None:
        self.doc = doc
        self.sink = sink if sink is not None else WarningSink()
        self._memo: dict[str, Resolved | None] = {}
        self._via: dict[str, Resolved] = {}
        self._resolving: list[str] = []

    def lookup(self, pointer: str) -> Any:
        """The raw node at ``pointer`` (no ``$ref`` following), or ``None``."""
        tokens = pointer_tokens(pointer)
        if tokens is None:
            return None
        node: Any = self.doc
        for token in tokens:
            if isinstance(node, MAPPING):
                if token not in node:
                    return None
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

    def resolve(self, node: Any, where: str) -> Resolved:
        """Follow ``node``'s ``$ref`` (if any); ``where`` is ``node``'s own pointer."""
        if not isinstance(node, MAPPING) or "$ref" not in node:
            return Resolved(node, where)
        ref = node["$ref"]
        if not isinstance(ref, str):
            self.sink.add(where, "$ref is not a string; it was ignored")
            return Resolved({k: v for k, v in node.items() if k != "$ref"}, where)
        if len(node) == 1:
            via = self._via.get(ref)
            if via is not None:
                return via
        target = self._target(ref, where)
        if target is None:
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            return Resolved(siblings, where, ref, (ref,), broken=True)
        if target.broken:
            self.sink.add(where, f"$ref {ref} leads to a reference that cannot be resolved")
        chain = (ref, *target.chain)
        inner = target.ref or ref
        if len(node) == 1:
            result = Resolved(target.schema, target.pointer, inner, chain, target.origins,
                              target.broken)
            if not target.broken:
                self._via[ref] = result
            return result
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        base = target.mapping
        origins = {k: self._origin(target, k) for k in base}
        origins.update(dict.fromkeys(siblings, where))
        merged = {**base, **siblings}
        return Resolved(merged, where, inner, chain, origins, target.broken)

    @staticmethod
    def _origin(target: Resolved, key: str) -> str:
        if target.origins is not None:
            return target.origins.get(key, target.pointer)
        return target.pointer

    def _target(self, ref: str, where: str) -> Resolved | None:
        """The resolved node at ``ref``; ``None`` (plus a warning) when it cannot be had."""
        if ref in self._memo:
            found = self._memo[ref]
            if found is None:
                self.sink.add(where, f"$ref {ref} cannot be resolved; treated as an empty schema")
            return found
        if ref in self._resolving:
            self.sink.add(where, f"$ref {ref} is part of a reference cycle; "
                          "treated as an empty schema")
            return None
        if len(self._resolving) >= MAX_REF_CHAIN:
            self.sink.add(where, f"$ref {ref} is chained more than {MAX_REF_CHAIN} deep; "
                          "treated as an empty schema")
            return None
        if not ref.startswith("#"):
            self.sink.add(where, f"$ref {ref} points outside this document; "
                          "treated as an empty schema")
            self._memo[ref] = None
            return None
        raw = self.lookup(ref)
        if raw is None:
            self.sink.add(where, f"$ref {ref} cannot be resolved; treated as an empty schema")
            self._memo[ref] = None
            return None
        self._resolving.append(ref)
        try:
            result = self.resolve(raw, ref)
        finally:
            self._resolving.pop()
        self._memo[ref] = result
        return result
