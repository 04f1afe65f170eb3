"""
The shipped JSON Schemas (draft 2020-12) of the Messages API.

``load(name)`` returns one entry document; ``registry()`` is a `referencing`
registry holding all of them, so every ``$ref`` resolves offline. Nothing here
ever retrieves a remote resource.
"""

from __future__ import annotations

import copy
import functools
import json
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Final

from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from messages_schema.exceptions import SchemaNotFoundError

__all__ = ["BASE_URI", "NAMES", "SCHEMA_VERSION", "load", "name_for_kind", "registry", "uri"]

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
    resources_ = [
        (uri(stem), Resource.from_contents(_load_shared(stem), default_specification=DRAFT202012))
        for stem in NAMES
    ]
    return Registry(retrieve=_refuse).with_resources(resources_)  # type: ignore[call-arg]


def definition(ref: str) -> dict[str, Any]:
    """
    Return the shared schema node a ``$ref`` such as ``request.schema.json#/$defs/X`` names.

    Relative references resolve against the shipped files only.
    """
    doc_part, _, fragment = ref.partition("#")
    stem = doc_part.removesuffix(".schema.json") if doc_part else "request"
    node: Any = _load_shared(name_for_kind(stem))
    for part in fragment.split("/")[1:]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    result: dict[str, Any] = node
    return result
