"""The explorer's widgets: resource tree, docs, parameter form, response view, status bar."""

from __future__ import annotations

__all__: list[str] = []
