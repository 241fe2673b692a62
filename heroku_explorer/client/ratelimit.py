"""Rate limits: ``RateLimit-Remaining`` tracked from every response, and the
opt-in wait-and-retry on 429 that honours ``Retry-After``."""

from __future__ import annotations

import time
from dataclasses import dataclass

__all__ = ["RateLimitState", "RetryPolicy", "parse_remaining"]


def parse_remaining(value: str | None) -> int | None:
    """``RateLimit-Remaining`` as an int; ``None`` when missing or not a number."""
    if value is None:
        return None
    text = value.strip()
    return int(text) if text.isdigit() else None


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
