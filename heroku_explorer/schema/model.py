"""The normalised, frozen, UI-free model of an API schema.

Both schema formats (Heroku's 2013 "resources" manifest and the modern JSON
Hyper-Schema) load into these classes; nothing outside ``heroku_explorer.schema``
needs to know which format a model came from::

    ApiSpec
     +-- overview: DocSection...        the schema's own prose docs
     +-- resources: Resource...
          +-- attributes: Attribute...  response shape, as a tree
          +-- identity: Attribute...    ways to name one instance (id, name, "~"...)
          +-- actions: Action...
               +-- path_params / query_params: Param...
               +-- body: Body (params, free-form map)
               +-- response: Response (kind, resource, example)

All collections are tuples, so a model can be shared between tasks freely.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from msgspec import Struct, field

__all__ = [
    "Action",
    "ApiSpec",
    "Attribute",
    "Body",
    "DocSection",
    "Location",
    "MapSpec",
    "Param",
    "Resource",
    "Response",
    "ResponseKind",
    "SchemaFormat",
    "SpecSource",
    "SpecWarning",
    "Stability",
    "json_type",
]

Location = Literal["path", "query", "body"]
ResponseKind = Literal["object", "list", "empty", "unknown"]
SchemaFormat = Literal["hyper-schema", "resources-2013"]
Stability = Literal["production", "development", "prototype"]

#: JSON type names used in :attr:`Attribute.types` ("null" lives in ``nullable``).
JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array")


def json_type(value: Any) -> str:
    """The JSON type name of a Python value, as the schema spells types."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


class MapSpec(Struct, frozen=True):
    """A free-form map: any key (matching ``key_pattern`` when given) to ``value``.

    Config vars are the canonical case: ``{"FOO": "bar", "BAZ": null}`` where a
    ``null`` value deletes the key (``null_deletes``).
    """

    value: Attribute
    key_pattern: str | None = None
    null_deletes: bool = False


class Attribute(Struct, frozen=True):
    """One node of a schema tree, with every ``$ref`` already resolved.

    ``path`` is the position from the resource root: ``("owner", "email")`` is the
    2013 manifest's ``owner:email``. Array items are named ``"[]"`` and map values
    ``"*"``.
    """

    name: str
    path: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    """JSON types without ``"null"``; empty when the schema does not say."""
    nullable: bool = False
    format: str | None = None
    """``uuid``, ``date-time``, ``date``, ``email``, ``uri``, ``ipv4``..."""
    description: str | None = None
    example: Any = None
    has_example: bool = False
    """True when the schema gives an example (which may itself be ``null``)."""
    default: Any = None
    enum: tuple[Any, ...] | None = None
    pattern: str | None = None
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    required: bool = False
    """Required within its parent object (or request)."""
    children: tuple[Attribute, ...] = ()
    items: Attribute | None = None
    alternatives: tuple[Attribute, ...] = ()
    """anyOf / oneOf members: an identity is "id or name"."""
    map_values: MapSpec | None = None
    ref: str | None = None
    """The innermost ``$ref`` this node came from, if any."""
    source: str = ""
    """JSON pointer (or ``resources/<Name>/...`` path) of the definition site."""

    @property
    def is_object(self) -> bool:
        return "object" in self.types or bool(self.children) or self.map_values is not None

    @property
    def is_array(self) -> bool:
        return "array" in self.types

    @property
    def is_map(self) -> bool:
        return self.map_values is not None

    @property
    def type_label(self) -> str:
        """A short human label: ``string (uuid)``, ``array of string``, ``id or name``."""
        if self.alternatives and not self.types:
            label = " or ".join(alt.name for alt in self.alternatives)
        else:
            parts = list(self.types) or ["any"]
            label = " | ".join(parts)
            if self.is_array and self.items is not None and self.items.types:
                label = f"array of {self.items.type_label}"
            if self.format:
                label = f"{label} ({self.format})"
        if self.nullable:
            label = f"{label} | null"
        return label

    def child(self, name: str) -> Attribute | None:
        for node in self.children:
            if node.name == name:
                return node
        return None

    def walk(self) -> Iterator[Attribute]:
        """This node and every node below it, depth first."""
        yield self
        for node in self.children:
            yield from node.walk()
        if self.items is not None:
            yield from self.items.walk()
        for alt in self.alternatives:
            yield from alt.walk()
        if self.map_values is not None:
            yield from self.map_values.value.walk()


class Param(Struct, frozen=True):
    """A parameter of an action: a path slot, a query parameter or a body field."""

    name: str
    """Wire name for body and query; the placeholder name for path slots."""
    location: Location
    required: bool
    doc: Attribute
    identifies: str | None = None
    """Resource key when the value names an instance of that resource."""


class Body(Struct, frozen=True):
    """A request body: named fields, or a free-form map (config vars)."""

    params: tuple[Param, ...] = ()
    map_values: MapSpec | None = None
    strict: bool = False
    """True when unknown fields are refused."""
    example: Any = None


class Response(Struct, frozen=True):
    """What a successful call returns."""

    kind: ResponseKind
    resource: str | None = None
    """Key of the resource returned (one, or a list of them), when known."""
    schema: Attribute | None = None
    """Inline shape when the response is not simply a resource."""
    example: Any = None
    has_example: bool = False


class Action(Struct, frozen=True):
    """One call: method, path template and everything documented about it."""

    resource: str
    """Key of the owning resource."""
    key: str
    """Slug of the title, unique within the resource: ``list``, ``list-by-team``."""
    title: str
    method: str
    """Upper-case HTTP method."""
    path: str
    """Template with named placeholders: ``/apps/{app_id_or_name}/addons``."""
    raw_href: str
    description: str | None = None
    rel: str | None = None
    path_params: tuple[Param, ...] = ()
    query_params: tuple[Param, ...] = ()
    body: Body | None = None
    response: Response = field(default_factory=lambda: Response(kind="unknown"))
    statuses: tuple[int, ...] = ()
    """Expected success statuses (documented, or derived from method and rel)."""
    statuses_documented: bool = False
    sort_fields: tuple[str, ...] | None = None
    """Attributes a Range header may sort on, when documented."""
    is_list: bool = False
    stability: Stability | None = None
    deprecated: bool = False
    extras: Mapping[str, Any] = field(default_factory=dict)
    """Link keys the model has no field for, kept verbatim."""
    source: str = ""

    @property
    def id(self) -> str:
        """``<resource>.<action>``: unique within a spec."""
        return f"{self.resource}.{self.key}"

    @property
    def body_params(self) -> tuple[Param, ...]:
        return self.body.params if self.body is not None else ()

    @property
    def params(self) -> tuple[Param, ...]:
        """Every parameter: path slots first, then query, then body."""
        return self.path_params + self.query_params + self.body_params

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None


class Resource(Struct, frozen=True):
    """A kind of thing the API manages (App, Add-on, Config Var...)."""

    key: str
    """Canonical slug: ``app``, ``add-on``, ``oauth-client``."""
    name: str
    """Display name: ``App``, ``Add-on``, ``OAuth Client``."""
    description: str | None = None
    stability: Stability | None = None
    deprecated: bool = False
    identity: tuple[Attribute, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    map_values: MapSpec | None = None
    required: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    example: Any = None
    source: str = ""

    def action(self, key: str) -> Action | None:
        for a in self.actions:
            if a.key == key:
                return a
        return None

    def attribute(self, *path: str) -> Attribute | None:
        nodes: tuple[Attribute, ...] = self.attributes
        found: Attribute | None = None
        for part in path:
            found = next((n for n in nodes if n.name == part), None)
            if found is None:
                return None
            nodes = found.children
        return found

    def walk_attributes(self) -> Iterator[Attribute]:
        for attr in self.attributes:
            yield from attr.walk()


class DocSection(Struct, frozen=True):
    """One section of the schema's own prose docs (Authentication, Ranges...).

    ``markdown`` renders the whole section; when the section is a table (Statuses,
    Custom Types...) its ``columns`` and ``rows`` are kept as data too.
    """

    title: str
    markdown: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


class SpecWarning(Struct, frozen=True):
    """Something odd the loader survived: an unresolved ``$ref``, a missing title..."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class SpecSource(Struct, frozen=True):
    """Where a spec came from and how it was read."""

    format: SchemaFormat
    origin: str
    sha256: str = ""
    variant: str | None = None
    lenient: bool = False
    dropped: tuple[str, ...] = ()
    """What a lenient load left out (cut-off resources and actions)."""


class ApiSpec:
    """A whole API: its docs, resources and the warnings met while loading it.

    Immutable like the rest of the model; it also indexes resources and actions.
    """

    __slots__ = ("_actions", "_by_key", "description", "overview", "resources", "source",
                 "title", "warnings")

    source: SpecSource
    title: str
    description: str | None
    overview: tuple[DocSection, ...]
    resources: tuple[Resource, ...]
    warnings: tuple[SpecWarning, ...]
    _by_key: dict[str, Resource]
    _actions: dict[str, Action]
    _FIELDS = ("source", "title", "description", "overview", "resources", "warnings")

    def __init__(
        self,
        source: SpecSource,
        title: str,
        description: str | None = None,
        overview: tuple[DocSection, ...] = (),
        resources: tuple[Resource, ...] = (),
        warnings: tuple[SpecWarning, ...] = (),
    ) -> None:
        values = (source, title, description, overview, resources, warnings)
        for name, value in zip(self._FIELDS, values, strict=True):
            object.__setattr__(self, name, value)
        by_key: dict[str, Resource] = {}
        actions: dict[str, Action] = {}
        for res in resources:
            by_key[res.key] = res
            for act in res.actions:
                actions[act.id] = act
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_actions", actions)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ApiSpec is immutable (cannot set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"ApiSpec is immutable (cannot delete {name!r})")

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if type(other) is not ApiSpec:
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"ApiSpec(title={self.title!r}, resources={len(self.resources)}, "
                f"actions={len(self._actions)}, source={self.source!r})")

    def __reduce__(self) -> tuple[object, ...]:
        return (ApiSpec, self._values())

    def resource(self, key: str) -> Resource | None:
        """The resource with this key (``app``) or display name (``App``)."""
        found = self._by_key.get(key)
        if found is not None:
            return found
        folded = key.casefold()
        for res in self.resources:
            if res.name.casefold() == folded:
                return res
        return None

    def action(self, action_id: str) -> Action | None:
        """The action with this id: ``app.info``."""
        return self._actions.get(action_id)

    def actions(self) -> Iterator[Action]:
        for res in self.resources:
            yield from res.actions

    @property
    def action_count(self) -> int:
        return len(self._actions)

    def doc(self, title: str) -> DocSection | None:
        folded = title.casefold()
        for section in self.overview:
            if section.title.casefold() == folded:
                return section
        return None
