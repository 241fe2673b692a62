"""A request typed by hand, not tied to an action: ``GET /apps?x=1`` with an
optional JSON body and headers, checked as strictly as one built from the schema
(the method, each path segment, the query, the body, every header)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.request_spec import (
    DOT_SEGMENTS,
    MAX_TARGET,
    OVERRIDABLE,
    HeaderInput,
    RequestSpec,
    checked_headers,
    is_text,
    loads_json,
    shown,
    target_of,
)
from heroku_explorer.values import MAX_DEPTH, too_deep

__all__ = ["raw_request"]

_METHOD_RE = re.compile(r"[A-Z]+")
_ABSOLUTE_RE = re.compile(r"(?i)(https?)://([^/]*)(.*)")
_LONE_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Characters a typed path keeps as they are: the path's own delimiters and escapes.
_RAW_PATH_SAFE = "/%:@~!$&'()*+,;=-._"


def raw_request(
    method: str,
    path: str,
    body: Any = None,
    headers: HeaderInput = (),
    *,
    method_override: bool = False,
) -> RequestSpec:
    """A request not tied to an action: ``raw_request("GET", "/apps?x=1")``.

    ``path`` starts with ``/`` (or is an absolute URL); a query string in it is
    split into pairs. A ``str``/``bytes`` body is parsed as JSON text; anything else
    must be JSON-serialisable. Raises :class:`RequestInvalid`.
    """
    errors: list[ValidationError] = []
    verb = method.strip().upper() if isinstance(method, str) else ""
    if not _METHOD_RE.fullmatch(verb):
        errors.append(ValidationError(
            "method", f"'{shown(str(method))}' is not an HTTP method"))
    base, _, qs = path.strip().partition("?")
    base = _raw_path(base, errors)
    query = tuple(parse_qsl(qs, keep_blank_values=True)) if qs and is_text(qs) else ()
    if qs and not is_text(qs):
        errors.append(ValidationError("path", "holds characters that are not valid text "
                                      "(undecodable bytes?)"))
    if base and len(target_of(base, query)) > MAX_TARGET:
        errors.append(ValidationError("path", f"is too long for a URL (over {MAX_TARGET} "
                                      "bytes once encoded)"))
    if isinstance(body, bytes | str):
        try:
            text = body.strip()
            body = loads_json(text) if text else None
        except (ValueError, UnicodeDecodeError) as exc:
            errors.append(ValidationError("body", f"expected JSON text ({shown(str(exc), 80)})"))
            body = None
    elif body is not None:
        if too_deep(body):
            errors.append(ValidationError("body", f"is nested deeper than {MAX_DEPTH} levels"))
        else:
            try:
                json.dumps(body, allow_nan=False)
            except (TypeError, ValueError) as exc:
                errors.append(ValidationError(
                    "body", f"cannot be written as JSON ({shown(str(exc), 80)})"))
    pairs = checked_headers(headers, errors)
    if errors:
        raise RequestInvalid(errors)
    return RequestSpec(method=verb, path=base, query=query, body=body, headers=tuple(pairs),
                       method_override=method_override and verb in OVERRIDABLE)


def _raw_path(text: str, errors: list[ValidationError]) -> str:
    """A typed path (or absolute http(s) URL, query aside) in the form sent on the wire:
    characters a URL cannot hold percent-encoded, existing escapes kept, a lone ``%``
    written as ``%25``. Dot segments (``.``, ``..``, also encoded) are refused: they
    would send the request to another URL."""
    if not is_text(text):
        errors.append(ValidationError("path", "holds characters that are not valid text "
                                      "(undecodable bytes?)"))
        return ""
    origin = ""
    absolute = _ABSOLUTE_RE.fullmatch(text)
    if absolute is not None:
        origin = _origin(absolute.group(1), absolute.group(2), errors)
        text = absolute.group(3) or "/"
    elif not text.startswith("/"):
        errors.append(ValidationError("path", "expected a path starting with / or an "
                                      "http(s) URL"))
        return ""
    for segment in text.split("/"):
        decoded = unquote(segment)
        if decoded in DOT_SEGMENTS:
            errors.append(ValidationError("path", f"holds the segment '{shown(segment)}' "
                                          "(a dot segment), which would send the request to "
                                          "another URL; write the path it leads to instead"))
            return ""
    return origin + quote(_LONE_PERCENT_RE.sub("%25", text), safe=_RAW_PATH_SAFE)


def _origin(scheme: str, authority: str, errors: list[ValidationError]) -> str:
    """``scheme://host[:port]`` as the HTTP client writes it, or ``""`` and an error."""
    import httpx  # only for absolute URLs: the common case stays free of the import

    if "@" in authority:
        errors.append(ValidationError("path", "a URL with a user name or password in it is "
                                      "not sent; give credentials in a header instead"))
        return ""
    try:
        url = httpx.URL(f"{scheme.lower()}://{authority}/")
    except (httpx.InvalidURL, ValueError) as exc:
        errors.append(ValidationError("path", f"not a valid URL ({shown(str(exc), 80)})"))
        return ""
    if not url.host:
        errors.append(ValidationError("path", "the URL has no host"))
        return ""
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


# -- text input ---------------------------------------------------------------

