"""The explorer's screens: explorer, response detail, history, overview, confirm, help."""

from __future__ import annotations

__all__: list[str] = []
