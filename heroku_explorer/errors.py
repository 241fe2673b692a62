"""One exception tree for heroku-explorer.

Every error the front ends can show derives from :class:`ExplorerError` and
carries one plain sentence (``str(err)``) fit for a status line::

    ExplorerError
     +-- SchemaError           a schema file or URL could not be read or understood
     +-- ConfigError           the config file has wrong keys or values
     +-- UsageError            the command line or the environment asks for what cannot be
     |                         done (a malformed --api-url, a token that may not be sent)
     +-- ValidationError       a value typed for a parameter does not fit its docs
 +-- ReadOnlyRefused       --read-only is on and the request is not a GET
     +-- RequestInvalid        every ValidationError of one request, collected
     +-- RequestError          the request could not be sent or answered (``kind``)
     |    +-- NetworkError     refused, DNS, TLS, reset
     |    +-- RequestTimeout    no answer in time
     +-- ApiError              the API answered 4xx/5xx (``id``, ``message``, ``url``)
          +-- Unauthorized     401
          +-- Forbidden        403 (``two_factor`` when a second factor is needed)
          +-- NotFound         404
          +-- PreconditionFailed  412: changed since you last read it
          +-- RangeNotSatisfiable 416
          +-- InvalidParams    422
          +-- RateLimited      429 (``retry_after``, ``remaining``)
          +-- ServerError      5xx

The UI turns these into a message in exactly one place per front end.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "ConfigError",
    "ExplorerError",
    "Forbidden",
    "InvalidParams",
    "NetworkError",
    "NotFound",
    "PreconditionFailed",
    "RangeNotSatisfiable",
    "RateLimited",
    "ReadOnlyRefused",
    "RequestError",
    "RequestInvalid",
    "RequestTimeout",
    "SchemaError",
    "ServerError",
    "Unauthorized",
    "UsageError",
    "ValidationError",
]


class ExplorerError(Exception):
    """Base of every error heroku-explorer reports to a person."""


class SchemaError(ExplorerError):
    """A schema could not be loaded.

    ``origin`` names the file or URL, ``where`` the place in it (``line 3, column 7``
    or a JSON pointer such as ``#/definitions/app``), and ``reason`` says what is wrong.
    """

    def __init__(self, origin: str, where: str | None, reason: str) -> None:
        self.origin = origin
        self.where = where
        self.reason = reason
        place = f" at {where}" if where else ""
        super().__init__(f"{origin}{place}: {reason}")


class ConfigError(ExplorerError):
    """The configuration file holds unknown keys or values of the wrong type."""


class UsageError(ExplorerError):
    """The options or the environment cannot be acted on: a malformed API URL, a key
    that would go over plain HTTP, an API URL without a key. Exit status 2."""


class ValidationError(ExplorerError):
    """A parameter value does not fit the schema; ``field`` names the parameter."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class RequestInvalid(ExplorerError):
    """A request failed validation before anything was sent.

    ``errors`` holds one :class:`ValidationError` per problem, each naming its field;
    ``str(err)`` joins them into one line.
    """

    def __init__(self, errors: tuple[ValidationError, ...] | list[ValidationError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors) or "the request is invalid")


class ReadOnlyRefused(ExplorerError):
    """``--read-only`` is on and the request would change something."""

    def __init__(self, method: str, target: str) -> None:
        self.method = method
        self.target = target
        super().__init__(
            f"Read-only mode: {method} {target} was not sent. Start without --read-only "
            "to send requests that change data."
        )


class RequestError(ExplorerError):
    """The request could not be completed (no HTTP answer was received).

    ``kind`` says why in one word: ``refused``, ``dns``, ``tls``, ``reset``,
    ``timeout``, ``connect-timeout``, ``protocol`` or ``other``.
    """

    def __init__(self, message: str = "", *, kind: str = "other") -> None:
        self.kind = kind
        super().__init__(message)


class NetworkError(RequestError):
    """The connection failed: refused, name not resolved, TLS, reset."""


class RequestTimeout(RequestError):
    """No answer arrived within the timeout."""


class ApiError(ExplorerError):
    """The API answered with an error status and (usually) a Heroku error body.

    ``retry_after`` (seconds) and ``remaining`` (requests left) are what the answer
    said of the request budget; a :class:`RateLimited` carries them.
    """

    def __init__(self, status: int, id: str | None, message: str, url: str | None = None,
                 request_id: str | None = None, retry_after: float | None = None,
                 remaining: int | None = None) -> None:
        self.status, self.id, self.message = status, id, message
        self.url, self.request_id = url, request_id
        self.retry_after, self.remaining = retry_after, remaining
        label = f"{status} {id}" if id else str(status)
        super().__init__(f"{label}: {message}")


class Unauthorized(ApiError):
    """401: the token is missing or wrong."""


class Forbidden(ApiError):
    """403: not allowed; ``id == "two_factor"`` means a second factor is needed."""


class NotFound(ApiError):
    """404: no such path or identity."""


class PreconditionFailed(ApiError):
    """412: the resource changed since you last read it (If-Match did not match)."""


class RangeNotSatisfiable(ApiError):
    """416: the Range header is not valid for this list."""


class InvalidParams(ApiError):
    """422: a parameter is missing, unknown or of the wrong type."""


class RateLimited(ApiError):
    """429: the request budget is spent; ``retry_after`` in seconds when the server said,
    ``remaining`` the requests left (``RateLimit-Remaining``)."""


class ServerError(ApiError):
    """5xx: the API failed; trying again later may help."""
