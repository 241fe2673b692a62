"""Rate limits: ``RateLimit-Remaining`` tracked from every response, and the
opt-in wait-and-retry on 429 that honours ``Retry-After``."""

from __future__ import annotations

import time
from dataclasses import dataclass

__all__ = ["RateLimitState", "RetryPolicy", "parse_remaining", "remaining_note"]

#: More digits than any real budget has: such a value is not believed.
_MAX_DIGITS = 12


def parse_remaining(value: str | None) -> int | None:
    """``RateLimit-Remaining`` as an int; ``None`` when missing, not a number (only
    ASCII digits count: ``'²'.isdigit()`` is true) or implausibly large."""
    if value is None:
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_DIGITS:
        return None
    return int(text)


def remaining_note(value: str | None) -> str | None:
    """Why a ``RateLimit-Remaining`` value is ignored; ``None`` when it is fine or absent."""
    if value is None or parse_remaining(value) is not None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return "RateLimit-Remaining ignored: the number is too large to be a budget"
    return "RateLimit-Remaining ignored: not a number"


@dataclass(slots=True)
class RateLimitState:
    """The last request budget the server reported (``None`` until one did)."""

    remaining: int | None = None
    updated_at: float | None = None
    """``time.time()`` of the response that reported it."""

    def observe(self, value: str | None) -> int | None:
        remaining = parse_remaining(value)
        if remaining is not None:
            self.remaining = remaining
            self.updated_at = time.time()
        return remaining


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to wait before retrying a 429, and how often.

    The server's ``Retry-After`` wins when given; otherwise the wait doubles from
    ``base_delay``. No single wait exceeds ``max_delay``.
    """

    max_retries: int = 3
    base_delay: float = 1.0
    max_delay: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based), or ``None``
        when the retries are spent."""
        if attempt > self.max_retries:
            return None
        wanted = retry_after if retry_after is not None else self.base_delay * 2 ** (attempt - 1)
        return min(max(wanted, 0.0), self.max_delay)
