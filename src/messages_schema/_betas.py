"""
Beta-only request fields, read from ``data/betas.toml``, and the schema views they imply.

The shipped request schema describes every field the API knows, beta-only ones included;
``betas.toml`` says which of them exist only under an ``anthropic-beta`` value. Without
the header the API treats them as unknown: a beta-only key is answered with
``Extra inputs are not permitted`` at its path, a beta-only block or tool type with a
union tag error, a beta-only literal with a literal error. `view` strips from a schema
what the configured betas do not unlock, so the structural pass rejects exactly that,
and marks each stripped item (``x-anthropic-beta``) so the linter can name the beta.

Names and values come from the SDK's ``anthropic.types.beta`` (checked by
``tools/sdk_audit.py``); where the SDK does not say which value unlocks a field, every
value of that feature's family is accepted, so a valid beta request is never flagged.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any, Final, Literal, TypeAlias

import attrs
import orjson

__all__ = ["ANNOTATION", "Unlock", "betas_for", "known_betas", "relevant", "unlocks", "view"]

#: The keyword marking, in a view, what was stripped and which betas unlock it.
ANNOTATION: Final = "x-anthropic-beta"
#: The schema file the beta data describes.
STEM: Final = "request"

What: TypeAlias = Literal["key", "tag", "value", "optional"]
_SECTIONS: Final[tuple[What, ...]] = ("key", "tag", "value", "optional")


@attrs.frozen
class Unlock:
    """
    One beta-only item of the request schema and the ``anthropic-beta`` values unlocking it.

    *what* is ``key`` (a property of the object ``$def`` *at*), ``tag`` (a member of the
    tagged union ``$def`` *at*), ``value`` (a literal of property *key* of *at*) or
    ``optional`` (property *name* of *at* may be left out only under the beta).
    """

    what: What
    at: str
    name: str
    betas: tuple[str, ...]
    key: str | None = None
    note: str = ""

    def describe(self) -> str:
        """A short name for messages: ``SystemMessageParam.clear_at`` and the like."""
        if self.what == "tag":
            return f"{self.at}{{type={self.name}}}"
        if self.what == "value":
            return f"{self.at}.{self.key}={self.name!r}"
        return f"{self.at}.{self.name}"


def _parse(data: dict[str, Any]) -> tuple[Unlock, ...]:
    families: dict[str, list[str]] = data.get("family", {})
    out: list[Unlock] = []
    for what in _SECTIONS:
        for entry in data.get(what, ()):
            named = families[entry["family"]] if "family" in entry else entry["betas"]
            betas = tuple(named)
            ats = entry["at"] if isinstance(entry["at"], list) else [entry["at"]]
            for at in ats:
                out.append(
                    Unlock(what, at, entry["name"], betas, entry.get("key"), entry.get("note", ""))
                )
    return tuple(out)


@functools.cache
def unlocks() -> tuple[Unlock, ...]:
    """Every beta-only item of the shipped data, in file order."""
    text = resources.files("messages_schema").joinpath("data/betas.toml").read_text("utf-8")
    return _parse(tomllib.loads(text))


def parse(text: str) -> tuple[Unlock, ...]:
    """The items of a ``betas.toml`` text (for tools checking a candidate file)."""
    return _parse(tomllib.loads(text))


@functools.cache
def known_betas() -> frozenset[str]:
    """Every ``anthropic-beta`` value that unlocks something in the shipped data."""
    return frozenset(b for u in unlocks() for b in u.betas)


def relevant(configured: Iterable[str]) -> frozenset[str]:
    """The configured values that unlock anything (the key of a schema view)."""
    known = known_betas()
    return frozenset(b for b in configured if b in known)


def betas_for(path: tuple[str | int, ...], tag: str | None) -> tuple[str, ...] | None:
    """
    Return the beta values that unlock a key named like *path*'s last part, or tag *tag*.

    A lookup by name only, for messages and tools; the linter reads the exact item
    from the view's annotations instead. None when nothing of that name is beta-only.
    """
    for item in unlocks():
        if tag is None and item.what == "key" and path and item.name == str(path[-1]):
            return item.betas
        if tag is not None and item.what == "tag" and item.name == tag:
            return item.betas
    return None


def _node(doc: dict[str, Any], at: str) -> dict[str, Any] | None:
    node: Any = doc.get("$defs", {})
    for part in at.split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def _mark(node: dict[str, Any], section: str, name: str, betas: tuple[str, ...]) -> None:
    marks = node.setdefault(ANNOTATION, {}).setdefault(section, {})
    marks[name] = list(dict.fromkeys([*marks.get(name, ()), *betas]))


def _enums(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``enum`` nodes of a property schema, through ``anyOf`` branches."""
    if "enum" in node:
        yield node
    for branch in node.get("anyOf", ()):
        if isinstance(branch, dict):
            yield from _enums(branch)


def _strip_key(node: dict[str, Any], item: Unlock) -> None:
    node.get("properties", {}).pop(item.name, None)
    if item.name in node.get("required", ()):
        node["required"] = [k for k in node["required"] if k != item.name]
    _mark(node, "keys", item.name, item.betas)


def _strip_tag(node: dict[str, Any], item: Unlock) -> None:
    disc = node.get("discriminator", {})
    prop = disc.get("propertyName", "type")
    disc.get("mapping", {}).pop(item.name, None)
    tag_node = node.get("properties", {}).get(prop, {})
    if "enum" in tag_node:
        tag_node["enum"] = [t for t in tag_node["enum"] if t != item.name]
        _mark(tag_node, "values", item.name, item.betas)
    node["allOf"] = [
        branch
        for branch in node.get("allOf", ())
        if branch.get("if", {}).get("properties", {}).get(prop, {}).get("const") != item.name
    ]


def _strip_value(node: dict[str, Any], item: Unlock) -> None:
    prop = node.get("properties", {}).get(item.key or "", {})
    for enum in _enums(prop):
        if item.name in enum["enum"]:
            enum["enum"] = [v for v in enum["enum"] if v != item.name]
            _mark(enum, "values", item.name, item.betas)


def _require(node: dict[str, Any], item: Unlock) -> None:
    required = node.setdefault("required", [])
    if item.name not in required:
        required.append(item.name)
    _mark(node, "optional", item.name, item.betas)


_STRIP: Final = {"key": _strip_key, "tag": _strip_tag, "value": _strip_value, "optional": _require}


def view(
    doc: dict[str, Any],
    unlocked: Iterable[str] = (),
    *,
    items: Iterable[Unlock] | None = None,
) -> dict[str, Any]:
    """
    Return a copy of the request schema *doc* without what *unlocked* does not unlock.

    Each stripped key, tag or literal (and each key made required again) is recorded on
    the node that rejects it, under `ANNOTATION`, with the betas that would unlock it.
    *items* defaults to the shipped data.
    """
    allowed = frozenset(unlocked)
    out: dict[str, Any] = orjson.loads(orjson.dumps(doc))  # a deep copy, fast
    for item in unlocks() if items is None else items:
        node = _node(out, item.at)
        # An item naming nothing strips nothing; tools/sdk_audit.py reports it.
        if node is not None and not allowed.intersection(item.betas):
            _STRIP[item.what](node, item)
    return out
