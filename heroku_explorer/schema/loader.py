"""Entry points: read bytes, detect the format, hand over to the right loader."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from heroku_explorer.errors import SchemaError
from heroku_explorer.schema.model import ApiSpec, SchemaFormat

__all__ = ["BUNDLED_NAME", "MAX_SCHEMA_BYTES", "detect_format", "load_bundled", "load_path",
           "load_schema"]

#: Refuse schema files larger than this: the real ones are under 1 MB.
MAX_SCHEMA_BYTES = 32 * 1024 * 1024
BUNDLED_NAME = "resources-2013.json"

FORMAT_ALIASES: dict[str, SchemaFormat] = {
    "hyper-schema": "hyper-schema",
    "hyper": "hyper-schema",
    "modern": "hyper-schema",
    "resources-2013": "resources-2013",
    "resources": "resources-2013",
    "2013": "resources-2013",
}


def detect_format(doc: Any) -> SchemaFormat | None:
    """Which loader fits ``doc``: a 2013 manifest has ``resources``, a Hyper-Schema
    has ``definitions`` (and usually ``$schema``/``links``)."""
    if not isinstance(doc, Mapping):
        return None
    if isinstance(doc.get("resources"), Mapping):
        return "resources-2013"
    if isinstance(doc.get("definitions"), Mapping):
        return "hyper-schema"
    return None


def load_schema(
    data: bytes | str,
    *,
    origin: str = "<schema>",
    format: str | None = None,
    lenient: bool = False,
    variant: str | None = None,
) -> ApiSpec:
    """Load a schema from its bytes or text.

    ``format`` forces a loader (``hyper-schema`` or ``resources-2013``); otherwise
    it is detected. ``lenient`` recovers what it can from a cut-off document and
    lists what it dropped in ``spec.source.dropped``. Every failure is a
    :class:`SchemaError` naming ``origin`` and the place.
    """
    import heroku_explorer.schema.jsontext as jsontext

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_SCHEMA_BYTES:
        raise SchemaError(
            origin, None,
            f"the file is {len(raw) // (1024 * 1024)} MB; a schema is expected to be under "
            f"{MAX_SCHEMA_BYTES // (1024 * 1024)} MB",
        )
    sha = hashlib.sha256(raw).hexdigest()
    text = jsontext.decode_text(raw, origin)
    doc, cut = jsontext.parse_document(text, origin, lenient=lenient)

    forced: SchemaFormat | None = None
    if format is not None:
        forced = FORMAT_ALIASES.get(format.lower())
        if forced is None:
            raise SchemaError(origin, None, f"unknown schema format {format!r}; "
                              "use 'hyper-schema' or 'resources-2013'")
    chosen = forced or detect_format(doc)
    if chosen is None:
        raise SchemaError(
            origin, "#",
            "this is JSON but not a Heroku schema: expected a 'resources' object (2013 "
            "manifest) or a 'definitions' object (JSON Hyper-Schema)",
        )
    if not isinstance(doc, Mapping):
        raise SchemaError(origin, "#", "the document is not a JSON object")
    if chosen == "resources-2013":
        from heroku_explorer.schema.resources import load_resources

        return load_resources(doc, origin=origin, sha256=sha, lenient=lenient, cut=cut)
    from heroku_explorer.schema.hyper import load_hyper

    return load_hyper(doc, origin=origin, sha256=sha, variant=variant)


def load_path(
    path: str | Path,
    *,
    format: str | None = None,
    lenient: bool = False,
    variant: str | None = None,
) -> ApiSpec:
    """Load a schema file; a missing or unreadable file is a :class:`SchemaError`."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_SCHEMA_BYTES:
            raise SchemaError(
                str(p), None,
                f"the file is {size // (1024 * 1024)} MB; a schema is expected to be under "
                f"{MAX_SCHEMA_BYTES // (1024 * 1024)} MB",
            )
        # The size a path reports is not a bound (/dev/zero, a pipe, a growing file):
        # read one byte past the cap at most.
        with p.open("rb") as handle:
            data = handle.read(MAX_SCHEMA_BYTES + 1)
        if len(data) > MAX_SCHEMA_BYTES:
            raise SchemaError(
                str(p), None,
                f"it holds more than {MAX_SCHEMA_BYTES // (1024 * 1024)} MB; a schema is "
                "expected to be under that",
            )
    except FileNotFoundError:
        raise SchemaError(str(p), None, "no such file") from None
    except IsADirectoryError:
        raise SchemaError(str(p), None, "this is a directory, not a schema file") from None
    except OSError as exc:
        raise SchemaError(str(p), None, f"cannot read the file ({exc.strerror})") from None
    return load_schema(data, origin=str(p), format=format, lenient=lenient, variant=variant)


@lru_cache(maxsize=1)
def load_bundled() -> ApiSpec:
    """The schema shipped with the package: the 2013 manifest, completed."""
    # A plain path, not importlib.resources (which costs ~14 ms of imports at start-up):
    # the package is always installed as files.
    data = (Path(__file__).resolve().parent / "bundled" / BUNDLED_NAME).read_bytes()
    return load_schema(data, origin=f"bundled:{BUNDLED_NAME}", format="resources-2013")
