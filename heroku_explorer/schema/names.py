"""Small naming helpers shared by both schema loaders."""

from __future__ import annotations

import re

__all__ = ["slugify"]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A kebab-case key: ``"OAuth Client"`` -> ``"oauth-client"``, ``"Add-on"`` -> ``"add-on"``.

    Lower-cases, turns every run of characters other than ``a-z``/``0-9`` into one ``-``
    and strips ``-`` from both ends.
    """
    return _NON_ALNUM.sub("-", text.lower()).strip("-")
