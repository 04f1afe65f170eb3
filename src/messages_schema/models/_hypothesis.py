"""
The ``hypothesis`` entry point: `st.from_type` strategies for the main models.

Hypothesis calls `setup_hook` while ``import hypothesis`` runs, so this module must not
import `messages_schema.strategies` (which imports Hypothesis): a user importing
`messages_schema.strategies` first would import it half-way through its own import.
Each registration is deferred; the strategies module loads on the first draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

__all__ = ["FROM_TYPE_MODELS", "setup_hook"]

#: Names of the model classes `st.from_type` can draw (see
#: `messages_schema.strategies.model_strategy`).
FROM_TYPE_MODELS: Final = (
    "AssistantMessageParam",
    "DocumentBlockParam",
    "ImageBlockParam",
    "Message",
    "MessageCreateParams",
    "TextBlock",
    "TextBlockParam",
    "ThinkingBlock",
    "ToolParam",
    "ToolUseBlock",
    "UserMessageParam",
)


def _drawn(cls: type[Any]) -> Callable[[], Any]:
    """The deferred definition for *cls* (Hypothesis wants a plain function)."""

    def definition() -> Any:
        from messages_schema.strategies import model_strategy

        return model_strategy(cls)

    return definition


def setup_hook() -> None:
    """Register a deferred `st.from_type` strategy for each of `FROM_TYPE_MODELS`."""
    from hypothesis import strategies as st

    from messages_schema import models

    for name in FROM_TYPE_MODELS:
        cls = getattr(models, name)
        st.register_type_strategy(cls, st.deferred(_drawn(cls)))
