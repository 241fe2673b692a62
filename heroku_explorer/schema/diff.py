"""What changed between two schemas, in either format, as plain text.

:func:`diff_specs` compares two loaded :class:`~heroku_explorer.schema.model.ApiSpec`
by resource key, action key and attribute path: resources and actions added or
removed, attributes added, removed or retyped, and stability changes of resources
and actions. :meth:`SchemaDiff.summary` writes it as lines of plain text in which
every name from a schema has gone through :func:`heroku_explorer.safe_text.visible`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import ApiSpec, Attribute, Resource

__all__ = ["ResourceDiff", "SchemaDiff", "diff_specs"]


def _v(text: object) -> str:
    return visible(str(text), single_line=True)


def _type(attr: Attribute) -> str:
    kind = "|".join(attr.types) or "any"
    if attr.format:
        kind += f" ({attr.format})"
    if attr.items is not None and attr.items.types:
        kind += f" of {'|'.join(attr.items.types)}"
    return kind


def _attributes(res: Resource) -> dict[str, str]:
    return {".".join(a.path or (a.name,)): _type(a) for a in res.walk_attributes()}


@dataclass(slots=True)
class ResourceDiff:
    """The changes inside one resource present in both schemas."""

    key: str
    actions_added: list[str] = field(default_factory=list)
    actions_removed: list[str] = field(default_factory=list)
    attributes_added: list[tuple[str, str]] = field(default_factory=list)
    attributes_removed: list[tuple[str, str]] = field(default_factory=list)
    attributes_retyped: list[tuple[str, str, str]] = field(default_factory=list)
    stability: list[tuple[str, str, str]] = field(default_factory=list)
    """(``resource`` or an action key, old, new)."""

    def __bool__(self) -> bool:
        return bool(self.actions_added or self.actions_removed or self.attributes_added
                    or self.attributes_removed or self.attributes_retyped or self.stability)


@dataclass(slots=True)
class SchemaDiff:
    old_origin: str
    new_origin: str
    resources_added: list[tuple[str, int]] = field(default_factory=list)
    """(key, number of actions)."""
    resources_removed: list[tuple[str, int]] = field(default_factory=list)
    changed: list[ResourceDiff] = field(default_factory=list)
    counts: tuple[tuple[int, int], tuple[int, int]] = ((0, 0), (0, 0))
    """((old resources, old actions), (new resources, new actions))."""

    def __bool__(self) -> bool:
        return bool(self.resources_added or self.resources_removed or self.changed)

    def headline(self) -> str:
        """One line: the counts on each side and the size of the change."""
        (r0, a0), (r1, a1) = self.counts
        if not self:
            return f"No changes ({r1} resources, {a1} actions)."
        return (f"{r0} -> {r1} resources, {a0} -> {a1} actions: "
                f"{len(self.resources_added)} resource(s) added, "
                f"{len(self.resources_removed)} removed, {len(self.changed)} changed.")

    def summary(self) -> str:
        """The whole change as plain text, one item a line."""
        lines = [f"{_v(self.old_origin)} -> {_v(self.new_origin)}", self.headline()]
        for key, n in self.resources_added:
            lines.append(f"+ resource {_v(key)} ({n} actions)")
        for key, n in self.resources_removed:
            lines.append(f"- resource {_v(key)} ({n} actions)")
        for res in self.changed:
            lines.append(f"~ resource {_v(res.key)}")
            lines.extend(f"    + action {_v(a)}" for a in res.actions_added)
            lines.extend(f"    - action {_v(a)}" for a in res.actions_removed)
            lines.extend(f"    + attribute {_v(p)}: {_v(t)}" for p, t in res.attributes_added)
            lines.extend(f"    - attribute {_v(p)}: {_v(t)}" for p, t in res.attributes_removed)
            lines.extend(f"    ~ attribute {_v(p)}: {_v(o)} -> {_v(n)}"
                         for p, o, n in res.attributes_retyped)
            lines.extend(f"    ~ stability of {_v(w)}: {_v(o)} -> {_v(n)}"
                         for w, o, n in res.stability)
        return "\n".join(lines)


def _stability(value: object) -> str:
    return str(value) if value else "unstated"


def diff_specs(old: ApiSpec, new: ApiSpec) -> SchemaDiff:
    """What changed from ``old`` to ``new``."""
    before = {r.key: r for r in old.resources}
    after = {r.key: r for r in new.resources}
    out = SchemaDiff(old.source.origin, new.source.origin,
                     counts=((len(before), old.action_count), (len(after), new.action_count)))
    out.resources_added = [(k, len(after[k].actions)) for k in sorted(after.keys() - before)]
    out.resources_removed = [(k, len(before[k].actions)) for k in sorted(before.keys() - after)]
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        res = ResourceDiff(key)
        acts_a = {x.key: x for x in a.actions}
        acts_b = {x.key: x for x in b.actions}
        res.actions_added = sorted(acts_b.keys() - acts_a)
        res.actions_removed = sorted(acts_a.keys() - acts_b)
        attrs_a, attrs_b = _attributes(a), _attributes(b)
        res.attributes_added = [(p, attrs_b[p]) for p in sorted(attrs_b.keys() - attrs_a)]
        res.attributes_removed = [(p, attrs_a[p]) for p in sorted(attrs_a.keys() - attrs_b)]
        res.attributes_retyped = [(p, attrs_a[p], attrs_b[p])
                                  for p in sorted(attrs_a.keys() & attrs_b.keys())
                                  if attrs_a[p] != attrs_b[p]]
        if _stability(a.stability) != _stability(b.stability):
            res.stability.append(("resource", _stability(a.stability), _stability(b.stability)))
        for act in sorted(acts_a.keys() & acts_b.keys()):
            sa, sb = _stability(acts_a[act].stability), _stability(acts_b[act].stability)
            if sa != sb:
                res.stability.append((act, sa, sb))
        if res:
            out.changed.append(res)
    return out
