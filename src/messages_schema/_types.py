"""Type aliases shared across the package."""

from __future__ import annotations

from typing import Literal, TypeAlias, get_args

#: Any value ``orjson.loads`` can return.
JSONValue: TypeAlias = "dict[str, JSONValue] | list[JSONValue] | str | int | float | bool | None"
#: A decoded JSON object.
JSONObject: TypeAlias = "dict[str, JSONValue]"
#: One step of a path into a JSON document: an object key or an array index.
PathSegment: TypeAlias = str | int
#: A path into a JSON document, outermost segment first.
Path: TypeAlias = tuple[PathSegment, ...]
#: The documents `messages_schema.lint` knows how to check.
Kind: TypeAlias = Literal[
    "request",
    "response",
    "stream",
    "stream_event",
    "count_tokens",
    "batch_request",
    "batch_result",
    "error",
]

#: Every kind, in the order the documentation lists them.
KINDS: tuple[Kind, ...] = get_args(Kind)
#: The kinds that are requests (strict: unknown keys are errors).
REQUEST_KINDS: frozenset[str] = frozenset({"request", "count_tokens", "batch_request"})
#: The kinds the API sends (tolerant: what is newer than the schemas is a warning).
RESPONSE_KINDS: frozenset[str] = frozenset(
    {"response", "stream", "stream_event", "batch_result", "error"}
)


def canonical_kind(kind: str) -> str:
    """
    Return *kind* in its one documented spelling, with underscores (``count_tokens``).

    The dashed spelling (``count-tokens``, as in the schema file names) is accepted
    everywhere a kind is; anything else comes back as it is, for the caller to refuse.
    """
    if kind in KINDS:
        return kind
    if isinstance(kind, str):
        spelled = kind.strip().lower().replace("-", "_")
        if spelled in KINDS:
            return spelled
    return kind
