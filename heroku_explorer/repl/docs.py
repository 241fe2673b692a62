"""Text for ``doc``, ``example``, ``overview`` and ``help``, from the model alone.

``example`` builds the request from the schema's own examples (through the same
:func:`~heroku_explorer.request.build_request` a real call uses), exports it as
curl with the token hidden, and shows the response the schema promises: its
example when it gives one, otherwise one assembled from the attributes' examples.

A schema is outside text: every word taken from it (titles, descriptions,
paths, examples, the overview) is shown inert (:func:`_s` and :func:`_l`), and
only this module's own colours reach the terminal. :func:`print_doc` prints the
text a session's ``doc``, ``example``, ``overview`` or ``help`` asks for.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from heroku_explorer.repl.commands import SESSION_COMMANDS
from heroku_explorer.repl.render import format_json, paint
from heroku_explorer.repl.vocab import param_label
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec, Attribute, DocSection, Param, Resource

if TYPE_CHECKING:
    from heroku_explorer.repl.command_types import Doc, Example, Help, Overview
    from heroku_explorer.repl.session import Session
    from heroku_explorer.request import RequestSpec

__all__ = [
    "action_doc",
    "example_text",
    "help_text",
    "index_doc",
    "overview_text",
    "print_doc",
    "resource_doc",
]

DEFAULT_BASE_URL = "https://api.heroku.com"


def _shown(text: object) -> str:
    """Schema text, inert; newlines kept."""
    return visible(str(text))


def _l(text: object) -> str:
    """Schema text for one line, inert."""
    return visible(str(text), single_line=True)


def _wrap(text: str | None, indent: str = "  ", width: int = 88) -> str:
    if not text:
        return ""
    return "\n".join(textwrap.fill(_shown(p), width, initial_indent=indent,
                                   subsequent_indent=indent, break_long_words=False,
                                   break_on_hyphens=False)
                     for p in text.strip().split("\n\n"))


def index_doc(spec: ApiSpec, *, color: bool = False) -> str:
    width = max((len(r.key) for r in spec.resources), default=0)
    lines = [paint(_l(spec.title), "bold", color), ""]
    for res in sorted(spec.resources, key=lambda r: r.key):
        summary = ((res.description or res.name).strip().splitlines() or [""])[0]
        lines.append(f"  {paint(_l(res.key.ljust(width)), 'cyan', color)}  "
                     f"{_l(summary[:70])}")
    lines += ["", "doc <resource> [action] for more; overview for the API's own docs."]
    return "\n".join(lines)


def _attr_lines(attrs: tuple[Attribute, ...], depth: int, color: bool) -> list[str]:
    out: list[str] = []
    for attr in attrs:
        pad = "  " * (depth + 1)
        flags = " read-only" if attr.read_only else ""
        desc = f"  {_l(attr.description)}" if attr.description else ""
        out.append(f"{pad}{paint(_l(attr.name), 'cyan', color)}  "
                   f"{paint(_l(attr.type_label + flags), 'dim', color)}{desc}")
        if depth < 3:
            out.extend(_attr_lines(attr.children, depth + 1, color))
            if attr.items is not None and attr.items.children:
                out.extend(_attr_lines(attr.items.children, depth + 1, color))
    return out


def resource_doc(res: Resource, *, color: bool = False) -> str:
    badge = f" [{res.stability}]" if res.stability and res.stability != "production" else ""
    lines = [paint(_l(f"{res.name} ({res.key}){badge}"), "bold", color)]
    if res.description:
        lines.append(_wrap(res.description))
    if res.actions:
        lines += ["", paint("Actions", "bold", color)]
        width = max(len(a.key) for a in res.actions)
        for act in res.actions:
            lines.append(f"  {paint(_l(act.key.ljust(width)), 'cyan', color)}  "
                         f"{_l(f'{act.method:<6} {act.path}')}")
    if res.attributes:
        lines += ["", paint("Attributes", "bold", color), *_attr_lines(res.attributes, 0, color)]
    if res.map_values is not None:
        lines += ["", "  a free-form map: any KEY to a value"]
    return "\n".join(lines)


def _param_line(p: Param, color: bool) -> str:
    name = param_label(p)
    where = p.location if name == p.name else f"{p.location} {p.name}"
    need = paint("required", "yellow", color) if p.required else "optional"
    parts = [f"  {paint(_l(name + '='), 'cyan', color)}  {need}, "
             f"{_l(f'{p.doc.type_label} ({where})')}"]
    if p.doc.description:
        parts.append(_wrap(p.doc.description, "      "))
    if p.doc.enum is not None:
        parts.append("      one of: " + _l(", ".join(_word(v) for v in p.doc.enum)))
    examples = dict.fromkeys(_word(n.example) for n in (p.doc, *p.doc.alternatives)
                             if n.has_example and n.example is not None)
    if examples:
        parts.append("      e.g. " + _l(", ".join(examples)))
    return "\n".join(parts)


def _word(value: object) -> str:
    """A value as it is typed: text as itself, anything else as JSON (``false``,
    ``null``, ``3``), never a Python repr."""
    import json

    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return str(value)


def action_doc(action: Action, *, color: bool = False) -> str:
    head = _l(f"{action.resource} {action.key}: {action.title}")
    lines = [paint(head, "bold", color), _l(f"  {action.method} {action.path}")]
    if action.description:
        lines.append(_wrap(action.description))
    params = sorted(action.params, key=lambda p: not p.required)
    if params:
        lines += ["", paint("Parameters", "bold", color), *(_param_line(p, color) for p in params)]
    if action.body is not None and action.body.map_values is not None:
        lines.append(f"  {paint('KEY=', 'cyan', color)}  any key; KEY:=null removes it")
    lines += ["", paint("Response", "bold", color)]
    resp = action.response
    what = {"object": "one", "list": "a list of", "empty": "no body", "unknown": "not documented"}
    target = (f" {_l(resp.resource)}" if resp.resource and resp.kind in ("object", "list")
              else "")
    statuses = ", ".join(str(s) for s in action.statuses) or "not documented"
    lines.append(f"  {what[resp.kind]}{target}; status {statuses}")
    if action.is_list:
        fields = ", ".join(action.sort_fields or ("id",))
        lines.append(f"  pages with --range '<field> ..; max=N' (fields: {_l(fields)}), "
                     "then next")
    required = [p for p in action.params if p.required]
    usage = " ".join([action.resource, action.key, *(f"{param_label(p)}=..." for p in required)])
    lines += ["", f"  try: {_l(usage)}",
              f"  see: example {_l(f'{action.resource} {action.key}')}"]
    return "\n".join(lines)


# -- examples -------------------------------------------------------------------


def example_text(spec: ApiSpec, action: Action, *, base_url: str = DEFAULT_BASE_URL,
                 color: bool = False,
                 curl_for: Callable[[RequestSpec], str] | None = None) -> str:
    """The schema's example request (as curl: ``curl_for``, the client's own export,
    when given) and the answer it promises, as the explorer's Example tab shows them."""
    from heroku_explorer.client.exports import to_curl, unsent
    from heroku_explorer.examples import example_inputs, promised_response

    values, req, problem = example_inputs(action)
    lines = [paint(_l(f"{action.resource} {action.key}: {action.title}"), "bold", color), ""]
    if req is None:
        lines.append(f"  ({_l(problem)})")
    else:
        lines += [paint("Request", "bold", color),
                  _shown(curl_for(req) if curl_for is not None
                     else to_curl(unsent(req, base_url, authenticated=True))), ""]
        words = [action.resource, action.key]
        for name, value in values.items():
            p = action.param(name)
            label = param_label(p) if p is not None else name
            words.append(f"{label}={value}" if isinstance(value, str) and " " not in value
                         else f"{label}:='{format_json(value, color=False, indent=None)}'")
        lines += [paint("In this REPL", "bold", color), "  " + _l(" ".join(words)), ""]
    statuses = ", ".join(str(s) for s in action.statuses) or "2xx"
    _, body, _ = promised_response(spec, action)
    lines.append(paint(f"Response ({statuses})", "bold", color))
    lines.append(format_json(body, color=color) if body is not None else "  (no body)")
    return "\n".join(lines)


def overview_text(spec: ApiSpec, topic: DocSection | None, *, color: bool = False) -> str:
    if topic is None:
        lines = [paint(_l(spec.title), "bold", color)]
        if spec.description:
            lines.append(markdown_text(spec.description, color=color))
        lines += ["", "Topics (overview <topic>):"]
        lines += [f"  {paint(_l(s.title), 'cyan', color)}" for s in spec.overview]
        return "\n".join(lines)
    body = markdown_text(topic.markdown, color=color)
    return f"{paint(_l(topic.title), 'bold', color)}\n\n{body}"


def _width() -> int:
    import shutil

    return max(40, min(100, shutil.get_terminal_size((88, 24)).columns - 2))


_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)")
_CODE = re.compile(r"`([^`]+)`")
_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")


def _inline(text: str) -> str:
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2)
                     else f"{m.group(1)} ({m.group(2)})", text)
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), text)
    return _CODE.sub(lambda m: m.group(1), text)


def markdown_text(markdown: str, *, color: bool = False, width: int | None = None) -> str:
    """Markdown from a schema for a terminal: paragraphs and list items wrapped at
    words to the terminal's width, headings bold, emphasis and code marks and link
    syntax removed (the address kept), code blocks as they are; shown inert."""
    width = width or _width()
    out: list[str] = []
    paragraph: list[str] = []
    fenced = False

    def flush() -> None:
        if not paragraph:
            return
        first = paragraph[0]
        item = _ITEM.match(first)
        joined = " ".join(part.strip() for part in paragraph)
        if item is not None:
            lead = item.group(1) + item.group(2) + " "
            body = _inline(_shown(_ITEM.sub("", joined, count=1)))
            out.append(textwrap.fill(body, width, initial_indent=lead,
                                     subsequent_indent=" " * len(lead),
                                     break_long_words=False, break_on_hyphens=False))
        else:
            out.append(textwrap.fill(_inline(_shown(joined)), width, break_long_words=False,
                                     break_on_hyphens=False))
        paragraph.clear()

    for line in markdown.strip().splitlines():
        if line.strip().startswith("```"):
            flush()
            fenced = not fenced
            continue
        if fenced or line.startswith(("    ", "\t")):
            flush()
            out.append(_shown(line.rstrip()))
            continue
        if not line.strip():
            flush()
            if out and out[-1] != "":
                out.append("")
            continue
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading is not None:
            flush()
            out.append(paint(_inline(_l(heading.group(1).strip())), "bold", color))
            continue
        if _ITEM.match(line):
            flush()
        paragraph.append(line)
    flush()
    return "\n".join(out).strip("\n")


_LANGUAGE = """\
  <resource> <action> [items] [options]
      app list · app info app=my-app · app create name=demo region=eu
      config-var update app=demo FOO=bar BAZ:=null
  METHOD /path [items] [options]
      GET /apps/demo · GET /apps/{app_id_or_name} app=demo · PATCH /apps/demo maintenance:=true
  items: name=value  name:=json  name=@file  name:=@file.json  name==query  Header:value
  options: -H/--header 'Name: value'  -r/--range 'name ..; max=10'  -v/--verbose  --json
      --if-match [VALUE]  --if-none-match VALUE  --body '{...}'|@file  --dry-run
      --all [--max-pages N]  --jq '.[] | .name'  --check (how the answer departs
      from its schema)  --  (the end of the options)
  A line ending in \\ goes on on the next; a paste of several lines runs line by line.
  rm, remove and destroy are delete: the same action, the same confirmation."""


def print_doc(session: Session, command: Doc | Example | Overview | Help) -> None:
    """Print what ``doc``, ``example``, ``overview`` or ``help`` asks for."""
    from heroku_explorer.repl.command_types import Doc, Example, Overview

    spec, color = session.spec, session.console.color
    if isinstance(command, Doc):
        if command.action is not None:
            text = action_doc(command.action, color=color)
        elif command.resource is not None:
            text = resource_doc(command.resource, color=color)
        else:
            text = index_doc(spec, color=color)
    elif isinstance(command, Example):
        text = example_text(spec, command.action, base_url=str(session.client.base_url),
                            color=color, curl_for=session.client.export)
    elif isinstance(command, Overview):
        text = overview_text(spec, command.topic, color=color)
    else:
        topic = command.topic
        res = session.vocab.resource(topic) if topic else None
        text = (resource_doc(res, color=color) if res is not None
                and topic not in SESSION_COMMANDS else help_text(topic, color=color))
    session.console.print(text)


def help_text(topic: str | None = None, *, color: bool = False) -> str:
    if topic is not None and topic in SESSION_COMMANDS:
        return f"{paint(topic, 'cyan', color)}  {SESSION_COMMANDS[topic]}"
    lines = [paint("Calls", "bold", color), _LANGUAGE, "", paint("Session", "bold", color)]
    width = max(len(k) for k in SESSION_COMMANDS)
    lines += [f"  {paint(k.ljust(width), 'cyan', color)}  {v}" for k, v in SESSION_COMMANDS.items()]
    lines += ["", "Tab completes; Ctrl-C cancels a request in flight; Ctrl-D leaves."]
    return "\n".join(lines)
