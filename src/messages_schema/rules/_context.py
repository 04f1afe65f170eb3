"""What rules share about one document: messages, tools, the thinking config, the model."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from messages_schema._types import JSONObject
from messages_schema.rules._facts import ConversationFacts, scan

if TYPE_CHECKING:
    from messages_schema.config import LintConfig


_T = TypeVar("_T")


class _cached(Generic[_T]):  # noqa: N801 - used as a decorator, like cached_property
    """
    ``functools.cached_property`` without its lock.

    Python 3.11's version takes an ``RLock`` on every first access; a `Context` lives
    in one thread for one document, so the lock is pure cost on the linter's hot path.
    As a non-data descriptor, later reads hit the instance ``__dict__`` directly.
    """

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type) -> _cached[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type) -> _T: ...
    def __get__(self, instance: object | None, owner: type) -> _T | _cached[_T]:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value


class Context:
    """Facts about one request body, computed once and shared by every rule."""

    def __init__(
        self,
        document: JSONObject,
        *,
        kind: str,
        config: LintConfig,
        capabilities: Any = None,
        lookup: Callable[[JSONObject], Any] | None = None,
    ) -> None:
        self.document = document
        self.kind = kind
        self.config = config
        self._given_capabilities = capabilities
        self._lookup = lookup

    @_cached
    def capabilities(self) -> Any:
        """The model's capability entry (`ModelCapabilities`), or None when unknown.

        Looked up on first use, so documents no capability rule reads pay nothing.
        """
        if self._given_capabilities is not None or self._lookup is None:
            return self._given_capabilities
        return self._lookup(self.document)

    @_cached
    def messages(self) -> list[Any]:
        """The ``messages`` list, or an empty list when it is missing or malformed."""
        value = self.document.get("messages")
        return value if isinstance(value, list) else []

    @_cached
    def tools(self) -> list[Any]:
        """The ``tools`` list, or an empty list."""
        value = self.document.get("tools")
        return value if isinstance(value, list) else []

    @_cached
    def tool_names(self) -> frozenset[str]:
        """Names of every defined tool (named tools included)."""
        return frozenset(
            t["name"] for t in self.tools if isinstance(t, dict) and isinstance(t.get("name"), str)
        )

    @_cached
    def thinking(self) -> JSONObject | None:
        """The ``thinking`` config object, if any."""
        value = self.document.get("thinking")
        return value if isinstance(value, dict) else None

    @_cached
    def thinking_type(self) -> str | None:
        """``thinking.type`` (``enabled``, ``adaptive``, ...), or None."""
        t = self.thinking.get("type") if self.thinking else None
        return t if isinstance(t, str) else None

    @_cached
    def thinking_on(self) -> bool:
        """Whether extended thinking is on (``enabled`` or ``adaptive``)."""
        return self.thinking_type in ("enabled", "adaptive")

    @_cached
    def thinking_mode(self) -> str | None:
        """
        The thinking mode the request runs in, or None when it is not known.

        ``thinking.type`` when the request sends ``thinking``; otherwise the model's
        default (`ModelCapabilities.thinking_default`): ``adaptive`` on models that think
        unasked (Claude Sonnet 5, Opus 5, Fable, Mythos), ``disabled`` on the others.
        Rules declare the modes they apply to (``@rule(thinking_modes=...)``) and are
        not run in the others, nor when the mode is unknown.
        """
        if self.thinking is not None:
            return self.thinking_type
        caps = self.capabilities
        default = getattr(caps, "thinking_default", None)
        return default if isinstance(default, str) else None

    @_cached
    def today(self) -> dt.date:
        """The day verdicts are given for (`LintConfig.as_of`): read once per document."""
        return self.config.as_of()

    @_cached
    def model(self) -> str | None:
        """The model id: the config's override, else the body's ``model``."""
        if self.config.model:
            return self.config.model
        value = self.document.get("model")
        return value if isinstance(value, str) else None

    @_cached
    def memo(self) -> dict[Any, Any]:
        """
        Scratch space for facts several rules of one family derive from this document.

        The MED rules keep their per-image analysis here (decoded once per lint), keyed
        by ``id()`` of the source object, which lives as long as the document.
        """
        return {}

    def has_beta(self, *values: str) -> bool:
        """Whether any of *values* is among the request's ``anthropic-beta`` values."""
        return any(v in self.config.betas for v in values)

    @_cached
    def conversation(self) -> ConversationFacts:
        """
        Facts of ``messages`` from one shared pass; see `messages_schema.rules._facts`.

        Merged turns, empty and whitespace text, ``tool_use`` / ``tool_result`` pairing
        and thinking positions, computed once per document for every rule that asks.
        """
        return scan(self.messages)
