"""
The shipped JSON Schemas (draft 2020-12) of the Messages API.

``load(name)`` returns one entry document; ``registry()`` is a `referencing`
registry holding all of them, so every ``$ref`` resolves offline. Nothing here
ever retrieves a remote resource.

The request schema describes beta-only fields too (``data/betas.toml`` says which);
``view(name, betas)`` is a schema as the API applies it under those ``anthropic-beta``
values, with what they do not unlock left out.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterable
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Final

from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from messages_schema.exceptions import SchemaNotFoundError
from messages_schema.schemas import _betas

__all__ = [
    "BASE_URI",
    "NAMES",
    "SCHEMA_VERSION",
    "load",
    "name_for_kind",
    "registry",
    "uri",
    "view",
]

#: Version of the schema set; part of every ``$id``.
SCHEMA_VERSION: Final = "v1"
#: Base of every shipped schema's ``$id``.
BASE_URI: Final = f"https://messages-schema.dev/schemas/{SCHEMA_VERSION}/"
#: The entry documents, by file stem.
NAMES: Final = (
    "request",
    "response",
    "stream-event",
    "count-tokens",
    "batch-request",
    "batch-result",
    "error",
)
_KIND_TO_NAME: Final = {
    "request": "request",
    "response": "response",
    "stream": "stream-event",
    "stream_event": "stream-event",
    "count_tokens": "count-tokens",
    "batch_request": "batch-request",
    "batch_result": "batch-result",
    "error": "error",
}


@functools.cache
def _root() -> Traversable:
    packaged = resources.files(__name__)
    if packaged.joinpath("request.schema.json").is_file():
        return packaged  # an installed wheel carries the JSON beside this module
    # An editable install of a checkout: hatchling's force-include does not apply.
    return Path(__file__).resolve().parents[3] / "schemas"


def name_for_kind(name: str) -> str:
    """
    Return the file stem for *name*, which may be a stem or a lint ``kind``.

    Raises:
        SchemaNotFoundError: *name* is neither.
    """
    if name in NAMES:
        return name
    stem = name.removesuffix(".schema.json")
    if stem in NAMES:
        return stem
    try:
        return _KIND_TO_NAME[name]
    except KeyError:
        raise SchemaNotFoundError(name, NAMES) from None


def uri(name: str) -> str:
    """Return the ``$id`` of the schema *name*."""
    return f"{BASE_URI}{name_for_kind(name)}.schema.json"


@functools.cache
def _load_shared(stem: str) -> dict[str, Any]:
    text = _root().joinpath(f"{stem}.schema.json").read_text(encoding="utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def load(name: str) -> dict[str, Any]:
    """
    Return a fresh copy of the schema *name*.

    Args:
        name: A file stem (``"batch-request"``), a file name
            (``"batch-request.schema.json"``) or a lint kind (``"batch_request"``).

    Raises:
        SchemaNotFoundError: No shipped schema has that name.

    .. versionadded:: 0.1.0
    """
    return copy.deepcopy(_load_shared(name_for_kind(name)))


def shared(name: str) -> dict[str, Any]:
    """Return the cached schema *name* without copying it; callers must not mutate it."""
    return _load_shared(name_for_kind(name))


def view(name: str, betas: Iterable[str] = ()) -> dict[str, Any]:
    """
    Return a fresh copy of the schema *name* as the API applies it under *betas*.

    Beta-only keys, union members and literals that none of the ``anthropic-beta``
    values *betas* unlocks are left out (and a key only the beta lets one omit is
    required again). Each left-out item is recorded, on the node that now rejects it,
    under the ``x-anthropic-beta`` keyword with the values that would unlock it. Only
    the request schema (and the entries that refer to it) has beta-only parts.

    .. versionadded:: 0.1.0
    """
    return copy.deepcopy(shared_view(name, _betas.relevant(betas)))


@functools.lru_cache(maxsize=64)
def shared_view(name: str, unlocked: frozenset[str] = frozenset()) -> dict[str, Any]:
    """
    Return the cached `view` of *name* for the relevant betas *unlocked*; do not mutate it.

    *unlocked* should be ``_betas.relevant(...)`` of the configured values, so that
    values unlocking nothing do not make new views.
    """
    stem = name_for_kind(name)
    if stem != _betas.STEM:
        return _load_shared(stem)
    return _betas.view(_load_shared(stem), unlocked)


def _refuse(uri: str) -> Resource[Any]:
    # Never reach out to the network: an unknown $ref is a bug in our schemas.
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


@functools.cache
def registry() -> Registry[Any]:
    """
    Return a registry holding every shipped schema under its ``$id``.

    Unknown URIs raise instead of being retrieved.

    .. versionadded:: 0.1.0
    """
    return _registry(None)


@functools.lru_cache(maxsize=64)
def _registry(unlocked: frozenset[str] | None) -> Registry[Any]:
    def doc(stem: str) -> dict[str, Any]:
        return _load_shared(stem) if unlocked is None else shared_view(stem, unlocked)

    resources_ = [
        (uri(stem), Resource.from_contents(doc(stem), default_specification=DRAFT202012))
        for stem in NAMES
    ]
    return Registry(retrieve=_refuse).with_resources(resources_)  # type: ignore[call-arg]


def view_registry(unlocked: frozenset[str]) -> Registry[Any]:
    """Return a registry holding the `shared_view` of every schema for *unlocked*."""
    return _registry(unlocked)


def definition(ref: str, unlocked: frozenset[str] | None = None) -> dict[str, Any]:
    """
    Return the shared schema node a ``$ref`` such as ``request.schema.json#/$defs/X`` names.

    Relative references resolve against the shipped files only; with *unlocked*, against
    their `shared_view` for those betas.
    """
    doc_part, _, fragment = ref.partition("#")
    stem = name_for_kind(doc_part.removesuffix(".schema.json") if doc_part else "request")
    node: Any = _load_shared(stem) if unlocked is None else shared_view(stem, unlocked)
    for part in fragment.split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    result: dict[str, Any] = node
    return result
