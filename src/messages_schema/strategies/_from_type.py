"""`model_strategy`: the strategies `st.from_type` uses for the main model classes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from messages_schema import models
from messages_schema.converter import structure
from messages_schema.strategies._common import (
    JSON,
)
from messages_schema.strategies._valid import (
    _response_blocks,
    content_blocks,
    conversations,
    requests,
    responses,
    tools,
)

# -- st.from_type ---------------------------------------------------------------------------


def _as(cls: type[Any]) -> Callable[[Any], Any]:
    return lambda document: structure(document, cls)


def _blocks_as(cls: type[Any], kind: str) -> st.SearchStrategy[Any]:
    return content_blocks(types=(kind,)).map(_as(cls))


def _response_blocks_as(cls: type[Any], kind: str) -> st.SearchStrategy[Any]:
    return _response_blocks((kind,)).map(_as(cls))


def _messages_as(cls: type[Any], role: str) -> st.SearchStrategy[Any]:
    def of_role(body: JSON) -> list[JSON]:
        return [m for m in body["messages"] if m["role"] == role]

    return (
        conversations(max_turns=3, prefill=role == "assistant" or None, thinking=False)
        .map(of_role)
        .flatmap(st.sampled_from)
        .map(_as(cls))
    )


def model_strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    """
    The strategy `st.from_type` uses for the model class *cls*.

    ``models.Message`` draws `responses` structured into models,
    ``models.MessageCreateParams`` draws `requests`, the request block and message
    classes draw from `content_blocks` and `conversations`, ``models.ToolParam`` from
    `tools`, and the response block classes from the blocks of `responses`. The
    ``hypothesis`` entry point (`messages_schema.models._hypothesis`) registers these
    for the classes in `FROM_TYPE_MODELS`.

    Raises:
        InvalidArgument: *cls* is not one of `FROM_TYPE_MODELS`.

    .. versionadded:: 0.2.0
    """
    builders: dict[type[Any], Callable[[], st.SearchStrategy[Any]]] = {
        models.Message: lambda: responses().map(_as(models.Message)),
        models.MessageCreateParams: lambda: requests().map(_as(models.MessageCreateParams)),
        models.ToolParam: lambda: tools().map(_as(models.ToolParam)),
        models.TextBlockParam: lambda: _blocks_as(models.TextBlockParam, "text"),
        models.ImageBlockParam: lambda: _blocks_as(models.ImageBlockParam, "image"),
        models.DocumentBlockParam: lambda: _blocks_as(models.DocumentBlockParam, "document"),
        models.TextBlock: lambda: _response_blocks_as(models.TextBlock, "text"),
        models.ToolUseBlock: lambda: _response_blocks_as(models.ToolUseBlock, "tool_use"),
        models.ThinkingBlock: lambda: _response_blocks_as(models.ThinkingBlock, "thinking"),
        models.UserMessageParam: lambda: _messages_as(models.UserMessageParam, "user"),
        models.AssistantMessageParam: lambda: _messages_as(
            models.AssistantMessageParam, "assistant"
        ),
    }
    builder = builders.get(cls)
    if builder is None:
        msg = f"cls={cls!r} is not one of the models with a registered strategy"
        raise InvalidArgument(msg)
    return builder()
