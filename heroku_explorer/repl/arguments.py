"""Arguments of a command: ``name=text`` / ``name:=json`` values and the options
(``-H``, ``--range``, ``-v``, ``--json``, ``--if-match``), and how a typed value
becomes what :func:`~heroku_explorer.request.build_request` takes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from heroku_explorer.errors import ValidationError
from heroku_explorer.protocol import RangeSpec, RangeSyntaxError, parse_range
from heroku_explorer.repl.tokens import ParseError, Token, did_you_mean
from heroku_explorer.repl.words import FLAG_OPTIONS, VALUE_OPTIONS
from heroku_explorer.schema.model import Param

__all__ = [
    "Options",
    "Value",
    "parse_header",
    "parse_json",
    "parse_options",
    "place_value",
    "split_assignment",
]

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True, slots=True)
class Value:
    """One ``name=text`` or ``name:=json`` argument."""

    name: str
    """The parameter's wire name (or the map key, for free-form bodies)."""
    text: str
    """The value as typed, quotes removed."""
    is_json: bool = False
    data: Any = None
    """The parsed JSON for ``:=``; the text itself for ``=``."""
    param: Param | None = None
    """The documented parameter, or ``None`` for a free-form map key / raw field."""
    subpath: tuple[str, ...] = ()
    """Nested field inside ``param``: ``plan:name=x`` is ``plan`` + ``("name",)``."""
    start: int = 0
    file: bool = False
    """``name=@path`` (text) or ``name:=@path`` (JSON): read from the file when sent."""


@dataclass(frozen=True, slots=True)
class Options:
    headers: tuple[tuple[str, str], ...] = ()
    range: RangeSpec | None = None
    verbose: bool = False
    """``-v``: show the status line and key headers."""
    raw_json: bool = False
    """``--json``: print the body as compact JSON, no colour."""
    if_match: bool = False
    """``--if-match``: send the last response's ETag as ``If-Match``."""
    if_match_value: str | None = None
    """``--if-match VALUE`` (a quoted ETag, ``W/"..."`` or ``*``) or ``--if-match=VALUE``."""
    if_none_match: str | None = None
    """``--if-none-match VALUE``."""
    dry_run: bool = False
    """``--dry-run``: show the request and its curl; send nothing."""
    all_pages: bool = False
    """``--all``: follow Next-Range and print one JSON array (``call``)."""
    max_pages: int | None = None
    """``--max-pages N``: the page budget of ``--all``."""
    body: str | None = None
    """``--body``: the whole JSON body as typed, or ``@path`` to read it from a file."""
    query: tuple[tuple[str, str], ...] = ()
    """``name==value`` items: added to the query string."""
    jq: str | None = None
    """``--jq EXPR``: print the answer through this jq filter."""
    check: bool = False
    """``--check``: list how the answer departs from its schema (``call``: exit 4)."""


def split_assignment(tok: Token, *, parse: bool = True) -> Value | None:
    """``name=text`` or ``name:=json`` as a :class:`Value` (not yet bound to a param).

    ``parse=False`` (for completion) leaves the JSON unparsed in ``text``.
    """
    text = tok.text
    eq = text.find("=")
    if eq <= 0 or text.startswith("-"):
        return None
    is_json = text[eq - 1] == ":" and eq > 1
    name = text[: eq - 1] if is_json else text[:eq]
    raw = text[eq + 1 :]
    if raw.startswith("@") and len(raw) > 1:
        return Value(name, raw[1:], is_json, None, None, (), tok.start, file=True)
    if not is_json or not parse:
        return Value(name, raw, is_json, raw, None, (), tok.start)
    offset = tok.start + (0 if tok.quoted else eq + 1)
    return Value(name, raw, True, parse_json(raw, offset, name), None, (), tok.start)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str, offset: int, name: str) -> Any:
    """JSON for ``name:=...``; a :class:`ParseError` pointing into the line if it is not."""
    if not text:
        raise ParseError(f"{name}:= needs a JSON value (null, true, 3, '\"text\"', '[1]')",
                         offset)
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ParseError(f"bad JSON for {name}: {exc.msg}", offset + exc.pos) from None
    except (ValueError, RecursionError) as exc:
        raise ParseError(f"bad JSON for {name}: {exc}", offset) from None


def parse_options(tokens: list[Token], line: str) -> tuple[Options, list[Token]]:
    """Pull ``-H``, ``--range``, ``-v``, ``--json``, ``--if-match`` out of ``tokens``."""
    headers: list[tuple[str, str]] = []
    rng: RangeSpec | None = None
    jq: str | None = None
    flags: set[str] = set()
    given: dict[str, str] = {}
    rest: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        text = tok.text
        if not text.startswith("-") or text == "-":
            rest.append(tok)
            continue
        name, eq, inline = text.partition("=")
        if not eq and text.startswith("-H") and len(text) > 2:
            name, eq, inline = "-H", "=", text[2:]
        if text == "--":
            rest.extend(tokens[i:])
            break
        if name == "--if-match" and eq:
            given["--if-match"] = inline
            continue
        if name == "--if-match" and i < len(tokens) and _is_etag(tokens[i]):
            given["--if-match"] = tokens[i].text
            i += 1
            continue
        if name in FLAG_OPTIONS and not eq:
            flags.add(FLAG_OPTIONS[name])
            continue
        if name not in VALUE_OPTIONS:
            pool = [*VALUE_OPTIONS, *FLAG_OPTIONS]
            raise ParseError(f"unknown option '{name}'", tok.start, end=tok.end,
                             suggestions=did_you_mean(name, pool))
        canonical = VALUE_OPTIONS[name]
        if eq:
            arg, where = inline, tok
        elif i < len(tokens):
            arg, where = tokens[i].text, tokens[i]
            i += 1
        else:
            raise ParseError(f"{name} needs a value: {name} {_HINTS[canonical]}", len(line))
        if canonical == "--max-pages":
            if not arg.isdigit() or not 0 < int(arg) <= 10_000:
                raise ParseError("--max-pages takes a number of pages from 1 to 10000",
                                 where.start, end=where.end)
            given[canonical] = arg
        elif canonical in ("--if-none-match", "--body"):
            if canonical == "--if-none-match" and any(ch in arg for ch in "\r\n\x00"):
                raise ParseError("an ETag cannot contain line breaks", where.start,
                                 end=where.end)
            given[canonical] = arg
        elif canonical == "--jq":
            if not arg.strip():
                raise ParseError("--jq needs a filter: --jq '.[] | .name'", where.start,
                                 end=where.end)
            jq = arg
        elif canonical == "--header":
            headers.append(parse_header(arg, where))
        else:
            try:
                rng = parse_range(arg)
            except RangeSyntaxError as exc:
                raise ParseError(f"bad range: {exc}", where.start, end=where.end) from None
    body = given.get("--body")
    if body is not None and not body.startswith("@"):
        parse_json(body, 0, "--body")  # checked now: the mistake is shown where typed
    pages = given.get("--max-pages")
    options = Options(
        headers=tuple(headers), range=rng, verbose="--verbose" in flags,
        raw_json="--json" in flags, if_match="--if-match" in flags,
        if_match_value=given.get("--if-match"), if_none_match=given.get("--if-none-match"),
        dry_run="--dry-run" in flags, all_pages="--all" in flags,
        max_pages=int(pages) if pages else None, body=body,
        jq=jq, check="--check" in flags,
    )
    return options, rest


_HINTS = {"--header": "'Name: value'", "--range": "'name ..; max=10'",
          "--if-none-match": "'\"etag\"'", "--body": "'{\"name\": \"x\"}' (or @file)",
          "--max-pages": "20", "--jq": "'.[] | .name'"}


def _is_etag(tok: Token) -> bool:
    """The word after ``--if-match`` is its value when it looks like an ETag."""
    text = tok.text
    return text == "*" or text.startswith(('"', 'W/"'))


def parse_header(text: str, tok: Token) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    name = name.strip()
    if not colon or not _HEADER_NAME.match(name):
        raise ParseError("a header is written 'Name: value', e.g. -H 'If-Match: \"abc\"'",
                         tok.start, end=tok.end)
    value = value.strip()
    if any(ch in value for ch in "\r\n\x00"):
        raise ParseError("a header value cannot contain line breaks", tok.start, end=tok.end)
    return name, value


def place_value(values: dict[str, Any], value: Value) -> None:
    """Put one typed value into the values :func:`build_request` takes."""
    from heroku_explorer.request import coerce_text

    if value.param is None:
        values[value.name] = value.data if value.is_json else value.text
        return
    if not value.subpath:
        values[value.name] = value.data if value.is_json else coerce_text(value.param, value.text)
        return
    node: Any = value.param.doc
    for part in value.subpath:
        child = node.child(part) if node is not None else None
        if child is None:
            child = next((a for a in node.alternatives if a.name == part), None) if node else None
        node = child
    if node is None:
        dotted = ".".join((value.name, *value.subpath))
        raise ValidationError(dotted, f"{value.name} has no field {'.'.join(value.subpath)}")
    typed = value.data if value.is_json else coerce_text(node, value.text)
    target = values.setdefault(value.name, {})
    if not isinstance(target, dict):
        raise ValidationError(value.name, "given both as a whole and field by field")
    for part in value.subpath[:-1]:
        target = target.setdefault(part, {})
    target[value.subpath[-1]] = typed
