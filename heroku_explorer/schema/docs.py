"""Protocol notes shown beside a Hyper-Schema spec.

The modern schema describes resources and links only; how to authenticate, page,
cache and read errors is not in it. These sections fill that gap for the
overview screen and the REPL's ``help`` command.
"""

from __future__ import annotations

from heroku_explorer.schema.model import DocSection

__all__ = ["PROTOCOL_DOCS", "STATUS_ROWS"]

AUTHENTICATION = """\
Every call except fetching the schema needs an API token (from `heroku auth:token`
or an OAuth authorization). Send it as a bearer token:

    Authorization: Bearer <token>

HTTP Basic also works: leave the user name empty and put the token in the password.
A missing or wrong token is answered with `401 Unauthorized`."""

CLIENTS = """\
Ask for version 3 of the API in the `Accept` header on every request:

    Accept: application/vnd.heroku+json; version=3

Without a version the API answers `400 Bad Request` with the id `missing_version`;
an unknown version gets `406 Not Acceptable`. The version string also picks a
variant: `version=3.sdk` exposes extra (often prototype) endpoints and fields, and
others such as `3.webhooks` exist. Request bodies are JSON, sent with
`Content-Type: application/json`. A descriptive `User-Agent` helps Heroku support."""

CACHING = """\
Responses carry an `ETag`. Send it back in `If-None-Match` on a later GET: when
nothing changed, the answer is `304 Not Modified` with an empty body, so a cached
copy can be reused."""

DATA_INTEGRITY = """\
To change something only if nobody else changed it since you read it, send the
`ETag` you got in `If-Match`. When the resource moved on meanwhile, the change is
refused with `412 Precondition Failed`; read it again and retry."""

RANGES = """\
Lists are paged. Ask for a page with a `Range` header:

    Range: <attribute> [<first>]..[<last>][; max=<n>, order=<asc|desc>]

Both bounds are optional and inclusive; prefix the first value with `]` or suffix
the last with `[` to exclude it. Examples: `Range: id ..`, `Range: name ..; max=10`,
`Range: updated_at ..; order=desc`.

A page holds 200 items unless `max` says otherwise (at most 1000). A complete list
comes back as `200 OK`; a partial one as `206 Partial Content` with `Content-Range`
describing the page and `Next-Range` holding the `Range` value for the next page.
Keep requesting with that value until no `Next-Range` comes back. `Accept-Ranges`
names the attributes a list can be sorted on, and an invalid range is answered with
`416 Requested Range Not Satisfiable`."""

RATE_LIMITS = """\
Each account has a budget of requests that refills steadily over time. Every
response reports what is left in `RateLimit-Remaining`, and `GET /account/rate-limits`
reads it without spending any. When the budget is spent the API answers
`429 Too Many Requests` with the error id `rate_limit`; wait, then try again."""

REQUEST_ID = """\
Every response has a `Request-Id` header identifying the call on Heroku's side.
Quote it when reporting a problem to Heroku support."""

ERRORS = """\
Failed calls answer with a 4xx or 5xx status and a JSON body:

    {"id": "not_found", "message": "No such app.", "url": "https://..."}

`id` is a stable machine-readable code (`unauthorized`, `forbidden`, `not_found`,
`invalid_params`, `rate_limit`, `two_factor`...), `message` a sentence for people,
and `url` (optional) a page with more help."""

STATUS_ROWS: tuple[tuple[str, str], ...] = (
    ("200 OK", "the call succeeded"),
    ("201 Created", "a new object was created"),
    ("202 Accepted", "accepted; the work finishes in the background"),
    ("206 Partial Content", "one page of a longer list (see Ranges)"),
    ("304 Not Modified", "unchanged since the ETag sent in If-None-Match"),
    ("400 Bad Request", "the request could not be understood (id missing_version: the "
                        "Accept header names no version)"),
    ("401 Unauthorized", "no token, or a wrong one"),
    ("402 Payment Required", "the account must be verified or paid up first"),
    ("403 Forbidden", "not allowed (id two_factor: a second factor is needed)"),
    ("404 Not Found", "no such path, or no such object"),
    ("406 Not Acceptable", "the Accept header asks for a version that is not served"),
    ("412 Precondition Failed", "changed since the ETag sent in If-Match"),
    ("416 Requested Range Not Satisfiable", "the Range header is not valid for this list"),
    ("422 Unprocessable Entity", "a parameter is missing, unknown or of the wrong type"),
    ("429 Too Many Requests", "the rate limit is spent (id rate_limit)"),
    ("500 Internal Server Error", "Heroku failed; try again later"),
    ("503 Service Unavailable", "the API is down or in maintenance; try again later"),
)


def _status_markdown() -> str:
    lines = ["| Status | Meaning |", "|---|---|"]
    lines.extend(f"| {status} | {meaning} |" for status, meaning in STATUS_ROWS)
    return "Statuses the API answers with:\n\n" + "\n".join(lines)


#: Built-in protocol sections, in reading order.
PROTOCOL_DOCS: tuple[DocSection, ...] = (
    DocSection("Authentication", AUTHENTICATION),
    DocSection("Clients", CLIENTS),
    DocSection("Caching", CACHING),
    DocSection("Data Integrity", DATA_INTEGRITY),
    DocSection("Ranges", RANGES),
    DocSection("Rate Limits", RATE_LIMITS),
    DocSection("Request IDs", REQUEST_ID),
    DocSection("Errors", ERRORS),
    DocSection("Statuses", _status_markdown(), columns=("Status", "Meaning"),
               rows=STATUS_ROWS),
)
