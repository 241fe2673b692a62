"""Request bodies in the sandbox: the size cap, the media type (415), strict JSON
(400), and the route a body's rules choose among those of one path (422)."""

from __future__ import annotations

import json
from typing import Any

from heroku_explorer.sandbox.handlers import Problem
from heroku_explorer.sandbox.routes import Route
from heroku_explorer.sandbox.validate import ParamError, validate_body
from heroku_explorer.schema.model import ApiSpec

__all__ = ["MAX_BODY", "MAX_DEPTH", "check_content_type", "choose_route", "invalid_params",
           "parse_body", "too_large"]

#: The largest request body read, in bytes: the API's own bodies are a few KiB.
MAX_BODY = 1024 * 1024
#: How deeply a JSON body may nest arrays and objects (the API's nest 3 or 4 deep).
MAX_DEPTH = 32


def too_large(limit: int) -> Problem:
    return Problem(413, "request_entity_too_large",
                   f"The request body is over the limit of {limit:,} bytes.")


def check_content_type(value: str | None) -> None:
    """A body is JSON: a ``Content-Type`` naming anything else is answered 415."""
    if value is None:
        return
    media = value.partition(";")[0].strip().lower()
    if media == "application/json" or (media.startswith("application/") and
                                       media.endswith("+json")):
        return
    raise Problem(415, "unsupported_media_type",
                  "The request body must be JSON (Content-Type: application/json).")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(body: bytes) -> Any:
    """A request body as JSON: UTF-8 text, standard JSON (no ``NaN``), nested at most
    :data:`MAX_DEPTH` deep, no lone surrogates; anything else is a 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "bad_request", "The request body is not UTF-8 text.") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        raise Problem(400, "bad_request", "The request body is not valid JSON.") from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                for key in value:
                    _check_text(key)
                stack.extend((v, depth + 1) for v in value.values())
            else:
                stack.extend((v, depth + 1) for v in value)
    return data


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Problem(400, "bad_request",
                      "The request body holds a lone UTF-16 surrogate (\\ud800-\\udfff).") from None


def _too_deep() -> Problem:
    return Problem(400, "bad_request",
                   f"The request body nests arrays and objects over {MAX_DEPTH} deep.")


def invalid_params(exc: ParamError) -> Problem:
    """Heroku's 422: ``Invalid params: quantity: expected integer, got "x".``"""
    sep = ": " if exc.message.startswith(("expected", "required", "the key", "unknown")) else " "
    text = exc.message if exc.message[:1].isupper() else f"{exc.field}{sep}{exc.message}"
    return Problem(422, "invalid_params", f"Invalid params: {text.rstrip('.')}.")


def choose_route(spec: ApiSpec, routes: tuple[Route, ...], data: Any
            ) -> tuple[Route, dict[str, Any]]:
    """The first route whose body rules the request satisfies (Create vs Rollback);
    when none does, the error of the one whose parameters the body uses most."""
    best: tuple[int, ParamError] | None = None
    keys = set(data) if isinstance(data, dict) else set()
    for route in routes:
        try:
            return route, validate_body(route.action, data if route.action.method in (
                "POST", "PATCH", "PUT") else None, spec.resource(route.resource))
        except ParamError as exc:
            body = route.action.body
            used = len(keys & {p.name for p in body.params}) if body is not None else 0
            if best is None or used > best[0]:
                best = (used, exc)
    assert best is not None
    raise invalid_params(best[1])
