"""The schema's examples as a request and the answer it promises.

The explorer's Example tab and fill-from-examples key, and the REPL's ``example``
command, all show these, so both front ends teach an action the same way (as
Heroku's reference docs do: a curl built from the examples, then the response).
"""

from __future__ import annotations

from typing import Any

from heroku_explorer.errors import RequestInvalid
from heroku_explorer.request import OMITTED, RequestSpec, build_request
from heroku_explorer.schema.model import Action, ApiSpec, Attribute

__all__ = ["attribute_example", "example_inputs", "example_request", "example_values",
           "promised_response"]


def attribute_example(doc: Attribute) -> Any:
    """The schema's example for ``doc``, or one made from its parts; ``OMITTED`` if none."""
    if doc.has_example:
        return doc.example
    for alt in doc.alternatives:
        if alt.has_example:
            return alt.example
    if doc.children:
        found = _examples(doc.children)
        if found:
            return found
    if doc.items is not None:
        item = attribute_example(doc.items)
        if item is not OMITTED:
            return [item]
    if doc.enum:
        return doc.enum[0]
    if doc.default is not None:
        return doc.default
    return OMITTED


def _examples(attrs: tuple[Attribute, ...]) -> dict[str, Any]:
    found = {a.name: attribute_example(a) for a in attrs}
    return {k: v for k, v in found.items() if v is not OMITTED}


def example_values(action: Action) -> dict[str, Any]:
    """A value for every parameter that has an example (or can be made from one)."""
    values: dict[str, Any] = {}
    for param in action.params:
        example = attribute_example(param.doc)
        if example is not OMITTED:
            values[param.name] = example
    if action.body is not None and action.body.map_values is not None:
        sample = action.body.example
        values.update(sample if isinstance(sample, dict) else {"EXAMPLE_KEY": "value"})
    return values


def example_inputs(action: Action) -> tuple[dict[str, Any], RequestSpec | None, str | None]:
    """The values used, the request built from them, and why it could not be built."""
    values = example_values(action)
    try:
        return values, build_request(action, values), None
    except RequestInvalid:
        pass
    # Keep only what the model requires: some examples do not match their own docs.
    required = {p.name for p in action.params if p.required}
    trimmed = {k: v for k, v in values.items() if k in required}
    try:
        return trimmed, build_request(action, trimmed), None
    except RequestInvalid as exc:
        return trimmed, None, "The schema's examples do not make a valid request: " + str(exc)


def example_request(action: Action) -> tuple[RequestSpec | None, str | None]:
    """The request built from the schema's examples, or why it cannot be built."""
    _, request, problem = example_inputs(action)
    return request, problem


def promised_response(spec: ApiSpec, action: Action) -> tuple[int, Any, bool]:
    """The status and body the schema promises: ``(status, body, known)``.

    The body is the response's own example, else the returned resource's, else one
    made from the examples of its attributes; ``known`` is false when the schema
    gives none of these for an answer that has a body.
    """
    status = action.statuses[0] if action.statuses else 200
    resp = action.response
    if resp.has_example:
        return status, resp.example, True
    if resp.kind == "empty":
        return status, None, True
    shape: Any = None
    res = spec.resource(resp.resource) if resp.resource else None
    if res is not None:
        shape = res.example if res.example is not None else (_examples(res.attributes) or None)
    elif resp.schema is not None:
        made = attribute_example(resp.schema)
        shape = None if made is OMITTED else made
    if shape is None:
        return status, None, False
    if resp.kind == "list" and not isinstance(shape, list):
        shape = [shape]
    return status, shape, True
