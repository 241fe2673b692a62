"""Requests as they will go on the wire, for previews and examples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heroku_explorer.errors import RequestInvalid
from heroku_explorer.protocol import H, accept_header
from heroku_explorer.request import OMITTED, RequestSpec, build_request
from heroku_explorer.schema.model import Action
from heroku_explorer.widgets.param_fields import example_for
from heroku_explorer.widgets.param_form import ordered_params

if TYPE_CHECKING:
    from heroku_explorer.app import ExplorerApp

__all__ = ["StandIn", "example_request", "example_values", "preview_wire"]


@dataclass(frozen=True, slots=True)
class StandIn:
    """A wire request written without the client (before it has opened)."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes | None
    authenticated: bool = False


def example_values(action: Action) -> dict[str, Any]:
    """A value for every parameter that has an example (or can be made from one)."""
    values: dict[str, Any] = {}
    for param in ordered_params(action):
        example = example_for(param.doc)
        if example is not OMITTED:
            values[param.name] = example
    if action.body is not None and action.body.map_values is not None:
        sample = action.body.example
        values.update(sample if isinstance(sample, dict) else {"EXAMPLE_KEY": "value"})
    return values


def example_request(action: Action) -> tuple[RequestSpec | None, str | None]:
    """The request built from the schema's examples, or why it cannot be built."""
    values = example_values(action)
    try:
        return build_request(action, values), None
    except RequestInvalid:
        pass
    # Keep only what the model accepts: some examples do not match their own docs.
    required = {p.name for p in action.params if p.required}
    trimmed = {k: v for k, v in values.items() if k in required}
    try:
        return build_request(action, trimmed), None
    except RequestInvalid as exc:
        return None, "The schema's examples do not make a valid request: " + str(exc)


def preview_wire(host: ExplorerApp, spec: RequestSpec) -> Any:
    """What the client would send for ``spec`` (its own ``prepare`` once it is open)."""
    client = host.client
    if client is not None:
        return client.prepare(spec)
    headers: list[tuple[str, str]] = [(H.ACCEPT, accept_header(host.variant))]
    body = spec.body_bytes()
    if body is not None:
        headers.append((H.CONTENT_TYPE, "application/json"))
    headers.extend(spec.wire_headers)
    return StandIn(spec.wire_method, host.base_url.rstrip("/") + spec.target, tuple(headers),
                   body, host.mode == "LIVE")
