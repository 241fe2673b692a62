"""The commands the REPL's parser gives: one frozen dataclass per kind of line.

:class:`Command` is their union; :mod:`heroku_explorer.repl.commands` parses lines
into them and :mod:`heroku_explorer.repl.session` runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from heroku_explorer.repl.arguments import Options, Value
from heroku_explorer.repl.logs import Logs
from heroku_explorer.schema.model import Action, DocSection, Resource

__all__ = [
    "Again", "Call", "Command", "Diff", "Doc", "Empty", "Example", "Exit", "Export",
    "Help", "Hint", "HistoryCommand", "Jq", "Learn", "Logs", "Next", "Overview", "Raw",
    "Revalidate", "SchemaCommand", "SetDefaults", "Show", "Source", "UnsetDefaults",
]


# -- Requests: an action of the schema, or a method and a path as typed.


@dataclass(frozen=True, slots=True)
class Call:
    """``RESOURCE ACTION [name=value ...] [options]``: an action of the schema."""

    action: Action
    values: tuple[Value, ...] = ()
    options: Options = field(default_factory=Options)

    def value(self, name: str) -> Value | None:
        return next((v for v in self.values if v.name == name), None)


@dataclass(frozen=True, slots=True)
class Raw:
    """``METHOD /path [items] [options]`` (``GET`` when only a path is typed)."""

    method: str
    path: str
    values: tuple[Value, ...] = ()
    options: Options = field(default_factory=Options)


# -- The last exchange: its next page, once more, revalidated, shown or exported.


@dataclass(frozen=True, slots=True)
class _Repeat:
    """A command on the last exchange that sends again, with -v / --json options."""

    options: Options = field(default_factory=Options)


class Next(_Repeat):
    """``next``: the next page of the last list."""

    __slots__ = ()


class Again(_Repeat):
    """``again``: the last request once more, through the same policy."""

    __slots__ = ()


class Revalidate(_Repeat):
    """``revalidate``: the last answer asked again with its ETag."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Show:
    """``headers``, ``body`` or ``status`` of the last answer."""

    what: Literal["headers", "body", "status"]


@dataclass(frozen=True, slots=True)
class Export:
    """``curl``, ``httpie`` or ``python``: the last request as a command to run."""

    format: Literal["curl", "httpie", "python"]


# -- Looking back: the history, a file of lines, differences, jq filters.


@dataclass(frozen=True, slots=True)
class HistoryCommand:
    """``history [filter]``: the earlier requests, or one of them by number."""

    filter: str = ""
    verb: Literal["", "show", "send", "export"] = ""
    """``history show N``, ``history send N``, ``history export N FORMAT``."""
    number: int = 0
    format: Literal["curl", "httpie", "python"] = "curl"


@dataclass(frozen=True, slots=True)
class Source:
    """``source FILE``: run the lines of a file."""

    path: str


@dataclass(frozen=True, slots=True)
class Diff:
    """``diff`` (the last answer against the one before of its URL) or ``diff N``."""

    entry: int | None = None


@dataclass(frozen=True, slots=True)
class Jq:
    """``jq EXPR``: the last answer through a jq filter."""

    expr: str


# -- Reading: the documentation of the schema and of the REPL.


@dataclass(frozen=True, slots=True)
class Doc:
    """``doc`` (the index), ``doc RESOURCE`` or ``doc RESOURCE ACTION``."""

    resource: Resource | None = None
    action: Action | None = None


@dataclass(frozen=True, slots=True)
class Example:
    """``example RESOURCE ACTION``: the schema's example request and answer."""

    resource: Resource
    action: Action


@dataclass(frozen=True, slots=True)
class Overview:
    """``overview [topic]``: the schema's overview, or one topic of it."""

    topic: DocSection | None = None


@dataclass(frozen=True, slots=True)
class Help:
    """``help [command]``: the REPL's own help, or a resource's."""

    topic: str | None = None


# -- The session's state: defaults, headers, the schema in use, the lessons.


@dataclass(frozen=True, slots=True)
class SetDefaults:
    """``set``; no values means "show the defaults"."""

    values: tuple[tuple[str, str, str], ...] = ()
    """(group, name as typed, value)."""
    headers: tuple[tuple[str, str], ...] = ()
    """``set -H 'Name: value'``: sent with every request of the session."""


@dataclass(frozen=True, slots=True)
class UnsetDefaults:
    """``unset``; no groups means "forget them all"."""

    groups: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    """``unset -H Name``: session headers to forget."""


@dataclass(frozen=True, slots=True)
class SchemaCommand:
    """``schema`` (where the schema in use comes from) or ``schema use`` (switch to
    today's, once it has arrived)."""

    use: bool = False


@dataclass(frozen=True, slots=True)
class Learn:
    """``learn`` (the list), ``learn NAME``, ``learn stop``, ``learn reset``."""

    what: str = ""


@dataclass(frozen=True, slots=True)
class Hint:
    """``hint``: the next step of the lesson under way."""


# -- Lines that do nothing but end the session, or nothing at all.


@dataclass(frozen=True, slots=True)
class Exit:
    """``exit`` or ``quit``."""


@dataclass(frozen=True, slots=True)
class Empty:
    """A blank line."""


Command = (
    Call | Raw | Next | Revalidate | Show | Export | HistoryCommand | Diff | Jq | Doc | Example
    | Overview | SetDefaults | UnsetDefaults | SchemaCommand | Help | Exit | Empty | Again
    | Source | Logs | Learn | Hint
)
