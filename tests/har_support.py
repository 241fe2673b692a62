"""A JSON Schema of the fields HAR 1.2 requires, for the HAR export tests."""

from __future__ import annotations

from typing import Any

_NV: dict[str, Any] = {"type": "object", "required": ["name", "value"],
       "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}
#: The fields HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) requires.
HAR_12: dict[str, Any] = {
    "type": "object", "required": ["log"],
    "properties": {"log": {
        "type": "object", "required": ["version", "creator", "entries"],
        "properties": {
            "version": {"const": "1.2"},
            "creator": {"type": "object", "required": ["name", "version"],
                        "properties": {"name": {"type": "string"},
                                       "version": {"type": "string"}}},
            "entries": {"type": "array", "items": {
                "type": "object",
                "required": ["startedDateTime", "time", "request", "response", "cache",
                             "timings"],
                "properties": {
                    "startedDateTime": {"type": "string", "format": "date-time",
                                        "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"},
                    "time": {"type": "number", "minimum": 0},
                    "request": {
                        "type": "object",
                        "required": ["method", "url", "httpVersion", "cookies", "headers",
                                     "queryString", "headersSize", "bodySize"],
                        "properties": {
                            "method": {"type": "string"}, "url": {"type": "string"},
                            "httpVersion": {"type": "string"},
                            "cookies": {"type": "array"},
                            "headers": {"type": "array", "items": _NV},
                            "queryString": {"type": "array", "items": _NV},
                            "postData": {"type": "object", "required": ["mimeType"],
                                         "properties": {"mimeType": {"type": "string"},
                                                        "text": {"type": "string"}}},
                            "headersSize": {"type": "integer"},
                            "bodySize": {"type": "integer"}}},
                    "response": {
                        "type": "object",
                        "required": ["status", "statusText", "httpVersion", "cookies",
                                     "headers", "content", "redirectURL", "headersSize",
                                     "bodySize"],
                        "properties": {
                            "status": {"type": "integer"}, "statusText": {"type": "string"},
                            "httpVersion": {"type": "string"},
                            "cookies": {"type": "array"},
                            "headers": {"type": "array", "items": _NV},
                            "content": {"type": "object", "required": ["size", "mimeType"],
                                        "properties": {"size": {"type": "integer"},
                                                       "mimeType": {"type": "string"},
                                                       "text": {"type": "string"}}},
                            "redirectURL": {"type": "string"},
                            "headersSize": {"type": "integer"},
                            "bodySize": {"type": "integer"}}},
                    "cache": {"type": "object"},
                    "timings": {"type": "object", "required": ["send", "wait", "receive"],
                                "properties": {k: {"type": "number", "minimum": -1}
                                               for k in ("send", "wait", "receive")}},
                }}}}}},
}
