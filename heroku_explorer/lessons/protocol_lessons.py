"""Lessons on the protocol the overview documents: the tree and the form,
authentication, versions, caching, integrity, ranges, rate limits, method
override, errors, request ids and warnings. Each check reads only the exchanges."""

from __future__ import annotations

from collections.abc import Sequence

from heroku_explorer.lessons.model import Lesson, Seen, SetUp, quote
from heroku_explorer.protocol import RangeSpec, RangeSyntaxError, parse_range

__all__ = ["PROTOCOL_LESSONS"]

_WRITES = frozenset({"PATCH", "PUT", "DELETE"})


def _range(value: str | None) -> RangeSpec | None:
    if value is None:
        return None
    try:
        return parse_range(value)
    except RangeSyntaxError:
        return None


def _tour(xs: Sequence[Seen]) -> str | None:
    for x in xs:
        if x.method == "GET" and x.is_app() and x.status == 200 and isinstance(x.data, dict):
            return (f"Your {x.line()} got {x.status_text()}: its body is one app object "
                    f"(name {quote(x.data.get('name'))}, id {quote(x.data.get('id'))}). The "
                    "tree listed the App resource and its Info action, the docs named the "
                    "path /apps/{app_id_or_name}, and the form put the app into that one "
                    "path segment.")
    return None


def _auth(xs: Sequence[Seen]) -> str | None:
    for i, bad in enumerate(xs):
        if bad.status != 401 or bad.sent("Authorization") is None:
            continue
        for good in xs[i + 1:]:
            if good.ok and good.path == bad.path and good.method == bad.method:
                return (f"Your {bad.line()} sent Authorization: "
                        f"{quote(bad.sent('Authorization'))} with a token the API does not "
                        f"know and got {bad.status_text()} (id {quote(bad.error_id())}). Your "
                        f"request #{good.number} to the same path carried the session's own "
                        f"token and got {good.status_text()}. Every request but GET /schema "
                        "carries a token (Authorization: Bearer TOKEN); the token itself is "
                        "never shown or recorded.")
    return None


def _versions(xs: Sequence[Seen]) -> str | None:
    for i, bad in enumerate(xs):
        accept = bad.sent("Accept") or ""
        if bad.status not in (400, 406) or "version=" in accept.replace(" ", ""):
            continue
        for good in xs[i + 1:]:
            sent = (good.sent("Accept") or "").replace(" ", "")
            if good.ok and good.path == bad.path and "version=3" in sent:
                return (f"Your {bad.line()} sent Accept: {quote(accept)} and got "
                        f"{bad.status_text()} (id {quote(bad.error_id())}): the API needs "
                        f"the version it speaks in the Accept header. Your request "
                        f"#{good.number} sent Accept: {quote(good.sent('Accept'))} and got "
                        f"{good.status_text()}.")
    return None


def _caching(xs: Sequence[Seen]) -> str | None:
    for j, again in enumerate(xs):
        match = again.sent("If-None-Match")
        if again.method != "GET" or again.status != 304 or not match or not again.is_app():
            continue
        for first in xs[:j]:
            etag = first.got("ETag")
            if (first.method == "GET" and first.path == again.path and first.status == 200
                    and etag and etag in match):
                return (f"Your {first.line()} got {first.status_text()} with ETag: "
                        f"{quote(etag)}. Your request #{again.number} sent If-None-Match: "
                        f"{quote(match)} for the same app and got {again.status_text()} "
                        "with no body: the app had not changed, so the copy you already "
                        "held is still good, and nothing was sent twice.")
    return None


def _integrity(xs: Sequence[Seen]) -> str | None:
    def write(x: Seen) -> bool:
        override = (x.sent("X-Http-Method-Override") or "").upper()
        return x.method in _WRITES or (x.method == "POST" and override in _WRITES)

    for i, bad in enumerate(xs):
        if bad.status != 412 or not write(bad) or bad.sent("If-Match") is None:
            continue
        for good in xs[i + 1:]:
            if good.ok and write(good) and good.path == bad.path and good.sent("If-Match"):
                return (f"Your {bad.line()} sent If-Match: {quote(bad.sent('If-Match'))}, "
                        f"an ETag that is not the object's, and got {bad.status_text()}: "
                        f"nothing was changed. Your request #{good.number} sent If-Match: "
                        f"{quote(good.sent('If-Match'))}, the current ETag, and got "
                        f"{good.status_text()}. If-Match makes a write happen only on the "
                        "version you read, so no one's change is lost.")
    return None


def _ranges(xs: Sequence[Seen]) -> str | None:
    pages = [x for x in xs if x.method == "GET" and x.segments == ("apps",)]
    for i, first in enumerate(pages):
        asked = _range(first.sent("Range"))
        if asked is None or asked.max != 10 or asked.start or first.status != 206:
            continue
        chain = [first]
        for page in pages[i + 1:]:
            before = _range(chain[-1].got("Next-Range"))
            sent = _range(page.sent("Range"))
            if before is None or sent is None or sent.max != 10:
                continue
            if (sent.attr, sent.start) != (before.attr, before.start):
                continue
            chain.append(page)
            if page.ok and page.got("Next-Range") is None:
                items = sum(len(p.data) for p in chain if isinstance(p.data, list))
                numbers = ", ".join(f"#{p.number}" for p in chain)
                return (f"Your {first.line()} sent Range: {quote(first.sent('Range'))} and "
                        f"got {first.status_text()} with Content-Range: "
                        f"{quote(first.got('Content-Range'))}, Accept-Ranges: "
                        f"{quote(first.got('Accept-Ranges'))} and Next-Range: "
                        f"{quote(first.got('Next-Range'))}. Requests {numbers} followed "
                        f"Next-Range page by page ({items} apps in all) until request "
                        f"#{page.number} got {page.status_text()} with no Next-Range: "
                        "the last page.")
    return None


def _ratelimits(xs: Sequence[Seen]) -> str | None:
    for j, stop in enumerate(xs):
        if stop.status != 429:
            continue
        counts = [(x.number, x.got("RateLimit-Remaining")) for x in xs[:j]
                  if x.got("RateLimit-Remaining") is not None]
        if counts:
            fell = ", ".join(f"#{n}: {quote(v)}" for n, v in counts[-5:])
            return (f"RateLimit-Remaining fell with each request ({fell}) until your "
                    f"{stop.line()} got {stop.status_text()} (id {quote(stop.error_id())}"
                    f", Retry-After: {quote(stop.got('Retry-After'))}). The budget refills "
                    "over the hour; GET /account/rate-limits reads it without spending any.")
    return None


def _override(xs: Sequence[Seen]) -> str | None:
    for x in xs:
        override = x.sent("X-Http-Method-Override")
        if x.method == "POST" and (override or "").strip().upper() == "PATCH" and x.is_app() \
                and x.ok:
            return (f"Your {x.line()} went on the wire as a POST with "
                    f"X-Http-Method-Override: {quote(override)} and got {x.status_text()}: "
                    "the API treated it as the PATCH it named, for clients and proxies "
                    "that cannot send PATCH.")
    return None


def _errors(xs: Sequence[Seen]) -> str | None:
    for x in xs:
        if x.method == "GET" and x.is_app() and x.status == 404 and x.error_id():
            message = x.data.get("message") if isinstance(x.data, dict) else None
            return (f"Your {x.line()} got {x.status_text()} with a JSON body whose id is "
                    f"{quote(x.error_id())} and whose message is \"{quote(message)}\". The "
                    "status says the class of failure; the id is the stable name to act "
                    "on in code; the message is for people.")
    return None


def _request_ids(xs: Sequence[Seen]) -> str | None:
    for j, second in enumerate(xs):
        rid = second.got("Request-Id")
        if second.method != "GET" or not rid:
            continue
        for first in xs[:j]:
            other = first.got("Request-Id")
            if first.method == "GET" and first.path == second.path and other and other != rid:
                return (f"Your {first.line()} got Request-Id: {quote(other)} and request "
                        f"#{second.number}, the same GET, got Request-Id: {quote(rid)}. Each "
                        "answer has its own id: quote it when you ask Heroku about one "
                        "request (`history` finds it again).")
    return None


def _warnings(xs: Sequence[Seen]) -> str | None:
    for x in xs:
        if not (x.ok and x.is_app()):
            continue
        said = x.got("Warning-Message") or x.got("X-Heroku-Warning") or x.got("Warning")
        if said:
            code = x.got("Warning-Id")
            named = f" (Warning-Id: {quote(code)})" if code else ""
            return (f"Your {x.line()} got {x.status_text()} and a warning: "
                    f"{quote(said)}{named}. A warning does not fail the request; it tells "
                    "you of something to change before it does.")
    return None


PROTOCOL_LESSONS: tuple[Lesson, ...] = (
    Lesson("tour", "The tree, the docs and the form",
           "Read one app: pick App > Info in the tree, read its docs, fill in an app "
           "from `app list` and send it.",
           ("Send `app list` first to see the apps' names.",
            "Then `app info NAME` (in the explorer: App > Info, fill in the app, Send)."),
           _tour, topic="overview"),
    Lesson("auth", "Authentication",
           "Send a request with a wrong token and see 401 Unauthorized, then send the same "
           "request with your own token and see it succeed.",
           ("`GET /account -H 'Authorization: Bearer wrong'` sends a token of your own.",
            "Then `GET /account` carries the session's token."),
           _auth, topic="authentication"),
    Lesson("versions", "Clients and the Accept header",
           "Send a request whose Accept header names no version and read the refusal, then "
           "send it again asking for version 3.",
           ("`GET /account -H 'Accept: application/json'` names no version.",
            "`GET /account` sends Accept: application/vnd.heroku+json; version=3."),
           _versions, topic="clients"),
    Lesson("caching", "Caching with ETag and If-None-Match",
           "Fetch an app, then get 304 Not Modified for that same app by sending its ETag "
           "back in If-None-Match.",
           ("`app info NAME` answers with an ETag header (`headers` shows it).",
            "`revalidate` repeats the last GET with If-None-Match."),
           _caching, topic="caching"),
    Lesson("integrity", "Data integrity with If-Match",
           "Make an update of an app fail with 412 Precondition Failed, then make the same "
           "update succeed.",
           ("`app update NAME maintenance:=true -H 'If-Match: \"stale\"'` sends an old ETag.",
            "`app info NAME`, then `app update NAME maintenance:=true --if-match` sends the "
            "current one."),
           _integrity, topic="data_integrity"),
    Lesson("ranges", "Ranges and paging",
           "List all your apps ten at a time: ask with a Range of max=10 and follow "
           "Next-Range to the last page.",
           ("`app list --range 'name ..; max=10'` asks for the first ten.",
            "`next` sends the Next-Range of the last answer; repeat until there is none."),
           _ranges, SetUp(apps=25), topic="ranges"),
    Lesson("ratelimits", "Rate limits",
           "Your budget is cut to a few requests: watch RateLimit-Remaining fall and keep "
           "sending until the API answers 429 Too Many Requests.",
           ("Any request spends one; `headers` shows RateLimit-Remaining.",
            "Send `account info` a few times."),
           _ratelimits, SetUp(rate_limit=4), topic="rate_limits"),
    Lesson("override", "Method override",
           "Update an app with a POST that carries X-Http-Method-Override: PATCH.",
           ("`POST /apps/NAME -H 'X-Http-Method-Override: PATCH' maintenance:=false`",),
           _override, topic="method_override"),
    Lesson("errors", "Errors and statuses",
           "Ask for an app that does not exist and read the error: its status and its id.",
           ("`app info no-such-app`",),
           _errors, topic="errors"),
    Lesson("request-ids", "Request ids",
           "Send the same GET twice and compare the Request-Id of the two answers.",
           ("`account info`, twice; `headers` shows Request-Id.",),
           _request_ids, topic="request_id"),
    Lesson("warnings", "Warnings",
           "Find the app that runs on a deprecated stack: reading that app, the API adds a "
           "warning to the answer.",
           ("`app list` shows each app's stack; one is deprecated.",
            "`app info NAME` for that app; the warning prints under the status."),
           _warnings, topic="warnings"),
)
