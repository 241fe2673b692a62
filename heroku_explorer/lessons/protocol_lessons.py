"""Lessons on the protocol the overview documents: the tree and the form,
authentication, versions, caching, integrity, ranges, rate limits, method
override, errors, request ids and warnings. Each check reads only the exchanges."""

from __future__ import annotations

from collections.abc import Sequence

from heroku_explorer.lessons.finder import answering, first, then
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
    x = first(xs, lambda x: x.method == "GET" and bool(x.is_app()) and x.status == 200
              and isinstance(x.data, dict))
    if x is None:
        return None
    return (f"Your {x.outcome()}: its body is one app object "
            f"(name {quote(x.data.get('name'))}, id {quote(x.data.get('id'))}). The "
            "tree listed the App resource and its Info action, the docs named the "
            "path /apps/{app_id_or_name}, and the form put the app into that one "
            "path segment.")


def _auth(xs: Sequence[Seen]) -> str | None:
    found = then(xs, lambda bad: bad.status == 401 and bad.sent("Authorization") is not None,
                 lambda bad, good: good.ok and good.path == bad.path
                 and good.method == bad.method)
    if found is None:
        return None
    bad, good = found
    return (f"Your {bad.line()} sent Authorization: "
            f"{quote(bad.sent('Authorization'))} with a token the API does not "
            f"know and got {bad.status_text()} (id {quote(bad.error_id())}). Your "
            f"request #{good.number} to the same path carried the session's own "
            f"token and got {good.status_text()}. Every request but GET /schema "
            "carries a token (Authorization: Bearer TOKEN); the token itself is "
            "never shown or recorded.")


def _accept(x: Seen) -> str:
    """The Accept header sent, white space dropped (``""`` if none)."""
    return (x.sent("Accept") or "").replace(" ", "")


def _versions(xs: Sequence[Seen]) -> str | None:
    found = then(xs, lambda bad: bad.status in (400, 406) and "version=" not in _accept(bad),
                 lambda bad, good: good.ok and good.path == bad.path
                 and "version=3" in _accept(good))
    if found is None:
        return None
    bad, good = found
    return (f"Your {bad.line()} sent Accept: {quote(bad.sent('Accept') or '')} and got "
            f"{bad.status_text()} (id {quote(bad.error_id())}): the API needs "
            f"the version it speaks in the Accept header. Your request "
            f"#{good.number} sent Accept: {quote(good.sent('Accept'))} and got "
            f"{good.status_text()}.")


def _revalidated(again: Seen) -> bool:
    return (again.method == "GET" and again.status == 304 and bool(again.sent("If-None-Match"))
            and bool(again.is_app()))


def _tagged(fetched: Seen, again: Seen) -> bool:
    etag = fetched.got("ETag") or ""
    return (fetched.method == "GET" and fetched.path == again.path and fetched.status == 200
            and bool(etag) and etag in (again.sent("If-None-Match") or ""))


def _caching(xs: Sequence[Seen]) -> str | None:
    found = answering(xs, _revalidated, _tagged)
    if found is None:
        return None
    fetched, again = found
    return (f"Your {fetched.outcome()} with ETag: "
            f"{quote(fetched.got('ETag'))}. Your request #{again.number} sent If-None-Match: "
            f"{quote(again.sent('If-None-Match'))} for the same app and got "
            f"{again.status_text()} with no body: the app had not changed, so the copy "
            "you already held is still good, and nothing was sent twice.")


def _write(x: Seen) -> bool:
    override = (x.sent("X-Http-Method-Override") or "").upper()
    return x.method in _WRITES or (x.method == "POST" and override in _WRITES)


def _integrity(xs: Sequence[Seen]) -> str | None:
    found = then(xs, lambda bad: bad.status == 412 and _write(bad)
                 and bad.sent("If-Match") is not None,
                 lambda bad, good: good.ok and _write(good) and good.path == bad.path
                 and bool(good.sent("If-Match")))
    if found is None:
        return None
    bad, good = found
    return (f"Your {bad.line()} sent If-Match: {quote(bad.sent('If-Match'))}, "
            f"an ETag that is not the object's, and got {bad.status_text()}: "
            f"nothing was changed. Your request #{good.number} sent If-Match: "
            f"{quote(good.sent('If-Match'))}, the current ETag, and got "
            f"{good.status_text()}. If-Match makes a write happen only on the "
            "version you read, so no one's change is lost.")


def _ranges(xs: Sequence[Seen]) -> str | None:
    pages = [x for x in xs if x.method == "GET" and x.segments == ("apps",)]
    for i, opening in enumerate(pages):
        asked = _range(opening.sent("Range"))
        if asked is None or asked.max != 10 or asked.start or opening.status != 206:
            continue
        chain = [opening]
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
                return (f"Your {opening.line()} sent Range: {quote(opening.sent('Range'))} and "
                        f"got {opening.status_text()} with Content-Range: "
                        f"{quote(opening.got('Content-Range'))}, Accept-Ranges: "
                        f"{quote(opening.got('Accept-Ranges'))} and Next-Range: "
                        f"{quote(opening.got('Next-Range'))}. Requests {numbers} followed "
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
    x = first(xs, lambda x: x.method == "POST" and bool(x.is_app()) and x.ok
              and (x.sent("X-Http-Method-Override") or "").strip().upper() == "PATCH")
    if x is None:
        return None
    return (f"Your {x.line()} went on the wire as a POST with "
            f"X-Http-Method-Override: {quote(x.sent('X-Http-Method-Override'))} and got "
            f"{x.status_text()}: the API treated it as the PATCH it named, for clients "
            "and proxies that cannot send PATCH.")


def _errors(xs: Sequence[Seen]) -> str | None:
    x = first(xs, lambda x: x.method == "GET" and bool(x.is_app()) and x.status == 404
              and bool(x.error_id()))
    if x is None:
        return None
    return (f"Your {x.outcome()} with a JSON body whose id is "
            f"{quote(x.error_id())} and whose message is \"{quote(x.data.get('message'))}\". "
            "The status says the class of failure; the id is the stable name to act "
            "on in code; the message is for people.")


def _request_ids(xs: Sequence[Seen]) -> str | None:
    found = answering(xs, lambda second: second.method == "GET" and bool(second.got("Request-Id")),
                      lambda one, second: one.method == "GET" and one.path == second.path
                      and bool(one.got("Request-Id"))
                      and one.got("Request-Id") != second.got("Request-Id"))
    if found is None:
        return None
    earlier, second = found
    return (f"Your {earlier.line()} got Request-Id: {quote(earlier.got('Request-Id'))} and "
            f"request #{second.number}, the same GET, got Request-Id: "
            f"{quote(second.got('Request-Id'))}. Each answer has its own id: quote it "
            "when you ask Heroku about one request (`history` finds it again).")


def _warning(x: Seen) -> str | None:
    """The warning an answer carries, by whichever header it came."""
    return x.got("Warning-Message") or x.got("X-Heroku-Warning") or x.got("Warning")


def _warnings(xs: Sequence[Seen]) -> str | None:
    x = first(xs, lambda x: x.ok and bool(x.is_app()) and bool(_warning(x)))
    if x is None:
        return None
    code = x.got("Warning-Id")
    named = f" (Warning-Id: {quote(code)})" if code else ""
    return (f"Your {x.outcome()} and a warning: "
            f"{quote(_warning(x))}{named}. A warning does not fail the request; it tells "
            "you of something to change before it does.")


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
