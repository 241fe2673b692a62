"""What may be sent, what must be confirmed, and how problems are said.

The explorer and the REPL (and ``call``) follow the same rules of intent; this
module is the one place they are written. It knows nothing of screens or
prompts: each rule is a function of the request, the exchange or the mode that
returns a decision, usually ``None`` for "go ahead" or one sentence saying why
not. Front ends ask, then act (a modal, a prompt, a refusal).

- :func:`read_only_refusal`: ``--read-only`` allows GET and HEAD only.
- :func:`revalidate_refusal`: revalidation repeats a GET, never a POST.
- :func:`resend_refusal`: a recorded request whose secret was removed is not sent.
- :func:`destruction`: what a request destroys, from the schema's own words, and
  the name a person types to confirm it on the live API (:func:`needs_confirmation`).
- :func:`needs_second_factor`: after ``403 two_factor``, ask for a code once.
- :func:`describe_error`: one sentence for any problem, the same in every front end.
- :class:`Drafts`: what a person typed for each action, kept for the session.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit

from heroku_explorer.errors import (
    ApiError,
    ExplorerError,
    Forbidden,
    NetworkError,
    RateLimited,
    RequestError,
    RequestInvalid,
    RequestTimeout,
    ValidationError,
)
from heroku_explorer.protocol import HeaderName
from heroku_explorer.redaction import REDACTED, is_config_var_path
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.request import RequestSpec
    from heroku_explorer.schema.model import Action

__all__ = [
    "SAFE_METHODS",
    "Destruction",
    "Draft",
    "Drafts",
    "describe_error",
    "destruction",
    "host_mode",
    "host_of",
    "large_body_note",
    "mode_of",
    "needs_confirmation",
    "needs_second_factor",
    "no_next_page",
    "read_only_refusal",
    "resend_host_refusal",
    "resend_refusal",
    "revalidate_refusal",
    "second_factor_prompt",
]

Mode = Literal["SANDBOX", "LIVE"]

#: Methods that change nothing on the server.
SAFE_METHODS = frozenset({"GET", "HEAD"})

# Words in an action's title, key or rel that say it replaces or destroys data.
_DESTROYING = re.compile(
    r"\b(delete|destroy|remove|password|rollback|replace|regenerate|transfer|reset|revoke|"
    r"purge)\b")


# -- what may be sent -----------------------------------------------------------------


def read_only_refusal(read_only: bool, method: str) -> str | None:
    """Why ``method`` may not be sent in read-only mode, or ``None``."""
    if not read_only or method.upper() in SAFE_METHODS:
        return None
    return (f"Refused: read-only mode allows only GET requests; this is a {method.upper()}. "
            "Start without --read-only to send it.")


def revalidate_refusal(exchange: Exchange | None) -> str | None:
    """Why ``exchange`` cannot be revalidated (If-None-Match), or ``None``.

    Revalidating asks "has what I read changed?": it repeats a GET. Repeating a
    POST or a DELETE would do it again, so it is refused, and nothing is sent.
    """
    if exchange is None or exchange.spec is None:
        return "Nothing to revalidate yet: send a GET request first."
    method = exchange.method.upper()
    if method not in SAFE_METHODS:
        return (f"Not sent: revalidation repeats a GET, and the last request was a {method} "
                f"({exchange.spec.target}); sending it again would repeat what it did.")
    if not exchange.etag:
        return "Not sent: the last answer has no ETag to revalidate with."
    return None


def resend_refusal(method: str, url: str, headers: Iterable[tuple[str, str]],
                   body: bytes | str | None) -> str | None:
    """Why a recorded request may not be sent again as it is, or ``None``.

    A secret removed when the request was recorded stands as ``[REDACTED]``;
    sending that text would send a request nobody meant (``Authorization:
    [REDACTED]``). The person types the real value again instead.
    """
    places: list[str] = []
    if REDACTED in url:
        places.append("the URL")
    for name, value in headers:
        if REDACTED in value:
            places.append(f"the {visible(name, single_line=True)} header")
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if text is not None and REDACTED in text:
        places.append("the body")
    if not places:
        return None
    return (f"Not sent: this {method.upper()} was recorded with a secret removed "
            f"({REDACTED} in {', '.join(places)}); give the real value again to send it.")


# -- what must be confirmed -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Destruction:
    """What a request destroys and what the person types to confirm it."""

    what: str
    """What happens, as a phrase: ``deletes the domain www.example.com``."""
    target: str
    """The name to type to confirm (the app's name, the domain...)."""
    summary: str
    """One line for the confirmation: method, URL and what it does."""


def _named(action: Action | None, spec: RequestSpec) -> list[str]:
    """The decoded path values of ``spec``, in template order."""
    parts = [unquote(p) for p in urlsplit(spec.path).path.split("/") if p]
    if action is None:
        return parts[-1:]
    template = [p for p in action.path.split("/") if p]
    return [value for value, slot in zip(parts, template, strict=False)
            if slot.startswith("{") and value != slot]


def _null_keys(body: Any) -> list[str]:
    if not isinstance(body, Mapping):
        return []
    return [str(k) for k, v in body.items() if v is None]


def _zero_quantities(body: Any, default_type: str) -> list[str]:
    """Process types a formation update scales to zero."""
    items: list[Any]
    if isinstance(body, Mapping) and isinstance(body.get("updates"), list):
        items = list(body["updates"])
    elif isinstance(body, Mapping):
        items = [body]
    else:
        return []
    zero: list[str] = []
    for item in items:
        if not isinstance(item, Mapping) or "quantity" not in item:
            continue
        quantity = item.get("quantity")
        if quantity in (0, "0") or (isinstance(quantity, str) and quantity.strip() == "0"):
            zero.append(str(item.get("type") or default_type))
    return zero


def destruction(action: Action | None, spec: RequestSpec) -> Destruction | None:
    """What ``spec`` destroys, or ``None`` when it destroys nothing.

    From the schema's own words: DELETE (and ``rel: destroy``), updates whose
    title says they replace or remove (a password change, a rollback, a
    regenerated token...), a config var set to ``null`` (removed), a formation
    scaled to 0. ``action`` is ``None`` for a raw request.
    """
    method = spec.method.upper()
    if method in SAFE_METHODS:
        return None
    names = _named(action, spec)
    target = names[-1] if names else (action.resource if action else spec.path)
    title = action.title if action is not None else f"{method} {spec.path}"
    what: str | None = None
    if method == "DELETE" or (action is not None and (action.rel or "") == "destroy"):
        what = f"deletes {target}"
    elif is_config_var_path(spec.path) and (nulls := _null_keys(spec.body)):
        shown = ", ".join(nulls[:5]) + (" ..." if len(nulls) > 5 else "")
        what = f"removes config var{'s' if len(nulls) > 1 else ''} {shown} of {target}"
    elif (action is not None and action.resource == "formation"
          and (zero := _zero_quantities(spec.body, names[-1] if len(names) > 1
                                        else "the process type"))):
        what = f"scales {', '.join(zero)} of {names[0] if names else target} to 0 dynos"
        target = names[0] if names else target
    elif action is not None:
        words = f"{action.resource} {action.key} {action.title} {action.rel or ''}".lower()
        if _DESTROYING.search(words) is not None:
            what = f"{action.title.lower()}: replaces or removes data of {target}"
    if what is None:
        return None
    summary = f"{method} {spec.target} ({title}) {what}."
    return Destruction(visible(what, single_line=True), target,
                       visible(summary, single_line=True))


def needs_confirmation(mode: Mode | str, action: Action | None,
                       spec: RequestSpec) -> Destruction | None:
    """The destruction to confirm before sending ``spec``; never on the sandbox."""
    if mode != "LIVE":
        return None
    return destruction(action, spec)


def resend_confirmation(mode: Mode | str, action: Action | None,
                        spec: RequestSpec) -> Destruction | None:
    """What to confirm before sending ``spec`` once more (``again``, history's send
    again): a destruction as always, and on the live API any request that changes
    data (a second POST creates a second thing); the target to type is the method."""
    if mode != "LIVE":
        return None
    found = destruction(action, spec)
    if found is not None or spec.method.upper() in SAFE_METHODS:
        return found
    method = spec.method.upper()
    title = f" ({action.title})" if action is not None else ""
    what = "sends a request that changes data once more"
    return Destruction(what, method,
                       visible(f"{method} {spec.target}{title} {what}.", single_line=True))


# -- the second factor ----------------------------------------------------------------


def needs_second_factor(exchange: Exchange, spec: RequestSpec) -> bool:
    """True after ``403 two_factor`` when no code was sent yet: ask once, send again."""
    error = exchange.error
    return (isinstance(error, Forbidden) and error.id == "two_factor"
            and spec.header(HeaderName.TWO_FACTOR) is None)


def second_factor_prompt(spec: RequestSpec) -> str:
    return (f"{spec.method} {visible(spec.target, single_line=True)} needs a second "
            "authentication factor.")


# -- how problems are said ------------------------------------------------------------


#: A sentence of a server's 429 message that speaks of waiting.
_WAIT_WORDS = re.compile(r"\b(wait|try again|retry)\b", re.IGNORECASE)


def describe_error(error: BaseException, *, request_id: bool = True) -> str:
    """One plain sentence for any problem a request can end in; outside text in it
    (a server's message, a URL) is made visible, never raw."""
    if isinstance(error, RateLimited):
        left = "" if error.remaining is None else f"; {error.remaining} requests left"
        wait = ("" if error.retry_after is None
                else f"; try again in {error.retry_after:.0f} s")
        message = error.message
        if wait:  # the wait is said once: the server's own words on it give way
            kept = [s for s in re.split(r"(?<=[.!?])\s+", message.strip())
                    if not _WAIT_WORDS.search(s)]
            message = " ".join(kept) or "the request budget is spent"
        message = message.rstrip(". ")
        text = f"429 rate limited: {message}{left}{wait}."
    elif isinstance(error, ApiError):
        ident = f" {error.id}" if error.id else ""
        rid = f" (Request-Id {error.request_id})" if error.request_id and request_id else ""
        url = f" See {error.url}" if error.url else ""
        text = f"{error.status}{ident}: {error.message}{rid}{url}"
    elif isinstance(error, RequestInvalid):
        problems = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
        text = f"Not sent: {problems or error}"
    elif isinstance(error, ValidationError):
        text = f"Not sent: {error.field}: {error.message}"
    elif isinstance(error, RequestTimeout):
        text = f"Timed out: {error}"
    elif isinstance(error, NetworkError | RequestError):
        text = f"Could not reach the API: {error}"
    elif isinstance(error, ExplorerError):
        text = str(error)
    else:
        text = f"Unexpected error ({type(error).__name__}): {error}"
    return visible(text, single_line=True)


def no_next_page(exchange: Exchange) -> str:
    """Why there is no next page to ask for after ``exchange`` (the client's
    ``next_page`` gave none): the last page, not a list, or a ``Next-Range`` the
    client could not read, named as received."""
    sent = exchange.next_range or exchange.header("Next-Range")
    if exchange.status == 206 and sent:
        return (f"Not sent: the answer's Next-Range ({visible(sent, single_line=True)}) "
                "cannot be followed (it is not valid Range syntax).")
    if exchange.status in (200, 206):
        return "No next page: that was the last page (the answer has no Next-Range)."
    return "No next page: the last answer was not a page of a list."


def large_body_note(exchange: Exchange) -> str:
    """What to say of a body too large to show: its size, and whether all of it
    arrived (a body cut off at the spool cap is said to be cut off, never "whole")."""
    size = f"{exchange.size:,} bytes"
    if exchange.truncated:
        why = next((n for n in exchange.notes if "cut off" in n), "the body was cut off")
        return visible(f"{size} kept; {why.rstrip('.')}", single_line=True)
    return f"{size} in all"


# -- drafts ---------------------------------------------------------------------------


@dataclass(slots=True)
class Draft:
    """What a person typed for one action: form fields and request headers, as text.

    ``headers`` holds the header tab's state by field name (``if_match``: bool,
    ``range``: text, ``extra``: text...): whatever the front end keeps, opaque here.
    """

    fields: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(v not in (None, "", False) for v in
                       (*self.fields.values(), *self.headers.values()))


class Drafts:
    """One :class:`Draft` per action id, for the session: looking at another action
    and coming back loses nothing, and nothing typed for one action leaks into
    another (an If-Match set on ``/apps`` is not sent with ``GET /account``)."""

    def __init__(self) -> None:
        self._drafts: dict[str, Draft] = {}

    def get(self, action_id: str) -> Draft:
        """The draft of ``action_id`` (a new, empty one the first time)."""
        draft = self._drafts.get(action_id)
        if draft is None:
            draft = self._drafts[action_id] = Draft()
        return draft

    def peek(self, action_id: str) -> Draft | None:
        return self._drafts.get(action_id)

    def save(self, action_id: str, fields: Mapping[str, Any],
             headers: Mapping[str, Any]) -> None:
        self._drafts[action_id] = Draft(dict(fields), dict(headers))

    def clear(self, action_id: str) -> None:
        self._drafts.pop(action_id, None)

    def __len__(self) -> int:
        return len(self._drafts)


#: Host names no real API answers (RFC 2606/6761): only an in-process sandbox does.
_RESERVED_SUFFIXES = (".invalid", ".test", ".example")


def host_mode(host: str) -> Literal["SANDBOX", "LIVE"]:
    """``SANDBOX`` for the reserved names only an in-process sandbox answers
    (``sandbox.invalid``), else ``LIVE``: the mode an exchange with ``host`` was made in."""
    host = host.lower().rstrip(".")
    reserved = host.endswith(_RESERVED_SUFFIXES) or host in ("invalid", "test", "example")
    return "SANDBOX" if reserved else "LIVE"



def mode_of(url: str) -> Mode:
    """The mode an exchange of ``url`` belongs to (:func:`host_mode` of its host)."""
    return host_mode(urlsplit(url).hostname or "")


def host_of(url: str) -> str:
    """The host (and port, when given) an exchange of ``url`` went to, shown literally."""
    return visible(urlsplit(url).netloc or "?", single_line=True)


def resend_host_refusal(url: str, base_url: str) -> str | None:
    """Why an exchange of ``url`` is not sent again by a session on ``base_url``: a
    request goes again only where it went (a sandbox exchange is not sent to the live
    API, nor the reverse, nor to another host). ``None``: it may be sent."""
    went, now = urlsplit(url), urlsplit(base_url)
    if (went.scheme, went.netloc.lower()) == (now.scheme, now.netloc.lower()):
        return None
    then_mode, now_mode = mode_of(url), mode_of(base_url)
    where = f"{host_of(url)} ({then_mode})"
    here = f"{host_of(base_url)} ({now_mode})"
    if then_mode != now_mode:
        return (f"Not sent: this exchange went to {where} and this session sends to "
                f"{here}; send it again from a {then_mode} session.")
    return (f"Not sent: this exchange went to {where} and this session sends to {here}; "
            "a request is sent again only to the host it went to.")
