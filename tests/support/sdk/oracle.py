"""
The official SDK's types as a test oracle (``anthropic==2.17.0``, test extra only).

The SDK's request params are TypedDicts whose lists are typed ``Iterable[...]``,
which pydantic validates lazily; validating them as they are would accept
``{"messages": [{"bogus": 1}]}``. `adapter` rebuilds each type eagerly: every
``Iterable``/``Sequence`` becomes ``list`` and client-side file inputs are dropped;
names, requiredness, nullability, literals and unions stay exactly as declared.
"""

from __future__ import annotations

import collections.abc
import functools
import json
import os
import typing
from typing import Any

import pydantic
import typing_extensions as te
from anthropic._models import BaseModel as SDKModel
from anthropic.types import Message, RawMessageStreamEvent
from anthropic.types import message_create_params as mcp
from anthropic.types.beta import message_count_tokens_params as beta_mctp
from anthropic.types.beta import message_create_params as beta_mcp
from anthropic.types.beta.messages.batch_create_params import Request as BetaBatchItem
from anthropic.types.message_count_tokens_params import MessageCountTokensParams
from anthropic.types.messages.batch_create_params import Request as BatchItem
from anthropic.types.messages.message_batch_individual_response import (
    MessageBatchIndividualResponse,
)
from anthropic.types.shared.error_response import ErrorResponse

REQUEST = typing.Union[mcp.MessageCreateParamsNonStreaming, mcp.MessageCreateParamsStreaming]  # noqa: UP007
BETA_REQUEST = typing.Union[  # noqa: UP007
    beta_mcp.MessageCreateParamsNonStreaming, beta_mcp.MessageCreateParamsStreaming
]
#: The GA types by lint kind; ``beta_<kind>`` are the request types of ``anthropic.types.beta``.
TYPES: dict[str, Any] = {
    "request": REQUEST,
    "response": Message,
    "stream": RawMessageStreamEvent,
    "count_tokens": MessageCountTokensParams,
    "batch_request": BatchItem,
    "batch_result": MessageBatchIndividualResponse,
    "error": ErrorResponse,
    "beta_request": BETA_REQUEST,
    "beta_count_tokens": beta_mctp.MessageCountTokensParams,
    "beta_batch_request": BetaBatchItem,
}
_SEQUENCES = {collections.abc.Iterable, collections.abc.Sequence, collections.abc.Collection,
              list, tuple}
try:
    from anthropic._types import SequenceNotStr

    _SEQUENCES.add(SequenceNotStr)
except ImportError:  # pragma: no cover
    pass


def _client_side(tp: Any) -> bool:
    origin = te.get_origin(tp) or tp
    try:
        return origin is typing.IO or (isinstance(origin, type) and issubclass(origin, os.PathLike))
    except TypeError:
        return False


@functools.cache
def _eager(tp: Any) -> Any:
    origin, args = te.get_origin(tp), te.get_args(tp)
    if origin in (te.Annotated, te.Required, te.NotRequired):
        return _eager(args[0])
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        members = tuple(_eager(a) for a in args if not _client_side(a))
        return members[0] if len(members) == 1 else typing.Union[members]  # noqa: UP007
    if origin in _SEQUENCES:
        return list[_eager(args[0]) if args else Any]  # type: ignore[misc]
    if isinstance(tp, type) and te.is_typeddict(tp):
        hints = te.get_type_hints(tp, include_extras=True)
        fields = {}
        for name, ann in hints.items():
            marker = te.get_origin(ann)
            # Trust the markers and __required_keys__: a total=True subclass (the
            # streaming params) inherits optional keys from a total=False base.
            required = marker is te.Required or (
                marker is not te.NotRequired and name in tp.__required_keys__
            )
            inner = _eager(ann)
            fields[name] = te.Required[inner] if required else te.NotRequired[inner]
        new = te.TypedDict(tp.__name__, fields, total=False)  # type: ignore[operator]
        new.__pydantic_config__ = getattr(tp, "__pydantic_config__", None) or {}  # type: ignore[attr-defined]
        return new
    return tp  # response models are eager already; literals and dicts stay


@functools.cache
def adapter(kind: str) -> pydantic.TypeAdapter[Any]:
    """A pydantic adapter for *kind* over the eagerly rebuilt SDK type."""
    return pydantic.TypeAdapter(_eager(TYPES[kind]))


def explain(document: Any, kind: str = "request") -> str | None:
    """None when the SDK types accept *document* (strict JSON mode), else pydantic's text."""
    try:
        adapter(kind).validate_json(json.dumps(document), strict=True)
    except pydantic.ValidationError as exc:
        return str(exc)
    return None


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema pydantic derives from the eager SDK type."""
    return adapter(kind).json_schema()


def is_sdk_model(tp: Any) -> bool:
    """Whether *tp* is one of the SDK's response models."""
    return isinstance(tp, type) and issubclass(tp, SDKModel)
