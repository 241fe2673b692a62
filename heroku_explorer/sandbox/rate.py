"""The sandbox's request budget: a token bucket, as the API's own rate limit
(``RateLimit-Remaining``, 429 with ``Retry-After`` when it is spent)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["RatePool"]


class RatePool:
    """A token bucket: ``capacity`` tokens, refilled at ``per_hour`` an hour."""

    def __init__(self, capacity: int, per_hour: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = capacity
        self.rate = (per_hour if per_hour is not None else capacity) / 3600.0
        self.clock = clock
        self.tokens = float(capacity)
        self._last = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(float(self.capacity), self.tokens + (now - self._last) * self.rate)
        self._last = now

    def take(self) -> bool:
        self._refill()
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    @property
    def remaining(self) -> int:
        self._refill()
        return int(self.tokens)

    def retry_after(self) -> int:
        if self.rate <= 0:
            return 3600
        return max(1, math.ceil((1 - self.tokens) / self.rate))
