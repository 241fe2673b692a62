"""The schema the sandbox serves at ``GET /schema``: the original bytes of the
loaded schema, when they can still be read unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

from heroku_explorer.schema.model import ApiSpec

__all__ = ["schema_source"]


def schema_source(spec: ApiSpec) -> bytes | None:
    """The original bytes of ``spec``'s schema, when its origin can still be read
    unchanged (the bundled file, or a path whose content has the same hash)."""
    origin = spec.source.origin
    try:
        if origin.startswith("bundled:"):
            from importlib import resources

            name = origin.partition(":")[2]
            data = resources.files("heroku_explorer.schema").joinpath("bundled", name).read_bytes()
        else:
            data = Path(origin).read_bytes()
    except (OSError, ValueError):
        return None
    if spec.source.sha256 and hashlib.sha256(data).hexdigest() != spec.source.sha256:
        return None
    return data
