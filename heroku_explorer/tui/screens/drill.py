"""Drill-down: from an object in a response to the actions that take its identity.

An app in App List leads to App Info, Add-on List, Config Var Info, Release List...
of that app, with their path parameters already filled, each by the identity the
slot names (:func:`slot_value`): a slot of the object's own resource takes the
attribute it names, a slot of another resource the object's reference to it (a
pipeline coupling fills ``{pipeline_id}`` from ``pipeline.id`` and
``{pipeline_coupling_stage}`` from ``stage``); what the object does not say comes
from the request it came from (an add-on listed under an app keeps that app).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec, Param, Resource
from heroku_explorer.tui.screens.modal import TitledModal

__all__ = ["DrillScreen", "DrillTarget", "drill_targets", "identity_value", "param_resource",
           "slot_value"]

_SUFFIX = re.compile(r"_(id_or_[a-z_]+|id|name)$")


@dataclass(frozen=True)
class DrillTarget:
    """An action to open, and the values for its form."""

    action: Action
    values: dict[str, Any]
    missing: tuple[str, ...] = ()
    """Path parameters still to be filled by hand."""


def param_resource(spec: ApiSpec, param: Param) -> str | None:
    """The key of the resource a path parameter names (``app_id_or_name`` -> ``app``)."""
    if param.identifies:
        return param.identifies
    stem = _SUFFIX.sub("", param.name)
    for guess in (stem, stem.replace("_", "-"), stem.replace("_", "")):
        res = spec.resource(guess)
        if res is not None:
            return res.key
    return None


def identity_value(res: Resource | None, obj: Mapping[str, Any]) -> str | None:
    """The friendliest identity of ``obj``: its name (or another identity), else its id."""
    names = [a.name for a in res.identity] if res is not None else []
    order = [*(n for n in names if n != "id"), "name", "id"]
    for key in order:
        value = obj.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def _slot_attribute(param: Param, owner: str) -> str:
    """The attribute of ``owner`` a path slot names: ``pipeline_coupling_stage`` of
    ``pipeline-coupling`` -> ``stage``, ``app_id_or_name`` of ``app`` -> ``id_or_name``."""
    prefix = owner.replace("-", "_") + "_"
    return param.name[len(prefix):] if param.name.startswith(prefix) else param.name


def _named(res: Resource | None, obj: Mapping[str, Any], attr: str) -> str | None:
    """The value of ``obj`` for a slot naming its attribute ``attr``: that attribute when
    it is a plain value (``stage``, ``id``), else the object's friendliest identity
    (``id_or_name`` names a choice of identities)."""
    value = obj.get(attr)
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
        return str(value)
    return identity_value(res, obj)


def slot_value(spec: ApiSpec, param: Param, res: Resource, obj: Mapping[str, Any]
               ) -> str | None:
    """What the object ``obj`` of resource ``res`` puts in the path slot ``param``, by
    the identity the slot names: a slot of ``res`` itself takes the attribute it names
    (``{pipeline_coupling_stage}`` takes ``stage``); a slot of another resource takes
    that resource's identity from the object's reference to it (``{pipeline_id}``
    takes ``pipeline.id``). ``None``: the object says nothing of that slot."""
    owner = param_resource(spec, param)
    if owner is None:
        return None
    attr = _slot_attribute(param, owner)
    if owner == res.key:
        return _named(res, obj, attr)
    ref = obj.get(owner.replace("-", "_"))
    if isinstance(ref, Mapping) and ref:
        return _named(spec.resource(owner), ref, attr)
    return None


def _object_resource(spec: ApiSpec, source: Action | None, path: tuple[str | int, ...]
                     ) -> Resource | None:
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        if source is None or source.response.resource is None:
            return None
        return spec.resource(source.response.resource)
    last = keys[-1]
    for guess in (last, last.replace("_", "-")):
        res = spec.resource(guess)
        if res is not None:
            return res
    return None


def drill_targets(
    spec: ApiSpec,
    source: Action | None,
    path: tuple[str | int, ...],
    obj: Mapping[str, Any],
    sent_values: Mapping[str, Any] | None = None,
) -> list[DrillTarget]:
    """Actions that take the identity of the object at ``path`` in ``source``'s answer."""
    res = _object_resource(spec, source, path)
    if res is None:
        return []
    ident = identity_value(res, obj)
    if ident is None:
        return []
    known = {k: v for k, v in (sent_values or {}).items() if isinstance(v, str | int)}
    found: list[tuple[int, DrillTarget]] = []
    for act in spec.actions():
        slots = [p for p in act.path_params if param_resource(spec, p) == res.key]
        if not slots:
            continue
        values: dict[str, Any] = {}
        missing: list[str] = []
        for param in act.path_params:
            value = slot_value(spec, param, res, obj)
            if value is not None:
                values[param.name] = value
            elif param in slots:
                values[param.name] = ident
            elif param.name in known:
                values[param.name] = known[param.name]
            else:
                missing.append(param.name)
        rank = (100 if missing else 0) + (0 if act.resource == res.key else 10) + (
            0 if act.method == "GET" else 1)
        found.append((rank, DrillTarget(act, values, tuple(missing))))
    found.sort(key=lambda item: item[0])
    return [target for _, target in found]


class DrillScreen(TitledModal[DrillTarget | None]):
    """Pick one of the actions an object leads to."""

    BOX_ID = "drill-box"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Close", id="close-drill"),
    ]

    def __init__(self, title: str, targets: list[DrillTarget], spec: ApiSpec) -> None:
        super().__init__(title)
        self.targets = targets
        self.spec = spec

    def compose_box(self) -> ComposeResult:
        options = []
        for n, target in enumerate(self.targets):
            act = target.action
            res = self.spec.resource(act.resource)
            label = Text(f"{act.method:<7}", style="bold")
            label.append(visible(f"{res.name if res else act.resource} {act.title}",
                                 single_line=True) + "  ")
            path = act.path
            for name, value in target.values.items():
                path = path.replace("{" + name + "}", str(value))
            label.append(visible(path, single_line=True), style="dim")
            if target.missing:
                label.append(f"  (needs {', '.join(target.missing)})", style="italic")
            options.append(Option(label, id=f"drill-{n}"))
        yield OptionList(*options, id="drill-options")
        yield Label("Enter opens the action with its path filled · Esc closes",
                    classes="modal-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.targets[event.option_index])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
