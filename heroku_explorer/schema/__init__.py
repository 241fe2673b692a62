"""Schema engine: load either schema format into one frozen model.

``import heroku_explorer.schema`` stays light: it imports neither the UI libraries nor
the loaders until one is needed.
"""

from __future__ import annotations

from heroku_explorer.schema.loader import detect_format, load_bundled, load_path, load_schema
from heroku_explorer.schema.model import (
    Action,
    ApiSpec,
    Attribute,
    Body,
    DocSection,
    MapSpec,
    Param,
    Resource,
    Response,
    SpecSource,
    SpecWarning,
)

__all__ = [
    "Action",
    "ApiSpec",
    "Attribute",
    "Body",
    "DocSection",
    "MapSpec",
    "Param",
    "Resource",
    "Response",
    "SpecSource",
    "SpecWarning",
    "detect_format",
    "load_bundled",
    "load_path",
    "load_schema",
]
