"""
Checking one request body: decode, lint, order the problems as the API would report them.

`Checker.inspect` is a plain function of bytes, so it runs on the event loop for small
bodies and in a bounded pool of threads for large ones (see `ValidatingMiddleware`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, Final

import attrs

from messages_schema import _jsonio
from messages_schema.config import LintConfig
from messages_schema.findings import Severity
from messages_schema.gateway import _encoding
from messages_schema.gateway._errors import INVALID_JSON_PREFIX, Problem
from messages_schema.linter import Linter
from messages_schema.rules import RULES

#: Most distinct ``anthropic-beta`` sets whose `Linter` is kept.
LINTER_CACHE_SIZE: Final = 128


@attrs.frozen
class Inspection:
    """What checking one body found."""

    #: Every problem, in the order the API reports them (the first is the answer).
    problems: list[Problem]
    #: The decoded JSON value (``None`` when it did not decode).
    value: Any
    #: Size of the decoded body in bytes.
    size: int


class Checker:
    """
    Lints request bodies for one `LintConfig`, one `Linter` per distinct beta set.

    Safe to call from several threads at once.
    """

    def __init__(self, config: LintConfig, *, strict_batches: bool = False) -> None:
        self.config = config
        self.strict_batches = strict_batches
        self._linters: dict[frozenset[str], Linter] = {}
        self._lock = threading.Lock()

    def linter_for(self, betas: Iterable[str]) -> Linter:
        """The linter for *config* plus *betas* (cached, at most `LINTER_CACHE_SIZE`)."""
        key = frozenset(betas)
        linter = self._linters.get(key)
        if linter is not None:
            return linter
        config = self.config
        if key - set(config.betas):
            config = attrs.evolve(config, betas=(*config.betas, *sorted(key)))
        linter = Linter(config)
        with self._lock:
            if len(self._linters) >= LINTER_CACHE_SIZE:  # random headers must not grow it
                self._linters.pop(next(iter(self._linters)))
            return self._linters.setdefault(key, linter)

    def warm_up(self) -> None:
        """Compile the header-less linter's validators now, not on the first request."""
        linter = self.linter_for(())
        sample: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "."}]}
        linter.lint(sample, kind="count_tokens")
        linter.lint({**sample, "max_tokens": 1}, kind="request")
        linter.lint({"custom_id": "c", "params": {**sample, "max_tokens": 1}},
                    kind="batch_request")

    def decode(self, body: bytes, codings: list[str], limit: int) -> bytes:
        """`messages_schema.gateway._encoding.decode`, for the thread pool."""
        return _encoding.decode(body, codings, limit)

    def inspect(self, body: bytes, kind: str, betas: tuple[str, ...]) -> Inspection:
        """Return the problems of *body* (decoded bytes) as a *kind* body."""
        try:
            value = _jsonio.decode(body)
        except _jsonio.InvalidJSON as exc:
            detail = str(exc).removeprefix("Invalid JSON: ")
            return Inspection([Problem.at("SCH000", (), INVALID_JSON_PREFIX + detail)], None,
                              len(body))
        linter = self.linter_for(betas)
        if kind == "batches":
            problems = list(batch_problems(linter, value, strict=self.strict_batches))
        else:
            problems = [Problem.from_finding(f) for f in linter.lint(value, kind=kind)]
        if len(problems) > 1:
            problems.sort(key=lambda p: p.order)
        return Inspection(problems, value, len(body))


def batch_problems(linter: Linter, value: Any, *, strict: bool = False) -> Iterable[Problem]:
    """
    Check a ``POST /v1/messages/batches`` body: the envelope, each item, unique ids.

    The API validates the batch body's *shape* when the batch is created, items'
    ``params`` included: an invalid ``custom_id`` (anthropics/anthropic-sdk-python#984)
    or an unknown key in ``params`` (anthropic-sdk-python#1152) rejects the whole batch.
    Other problems of an item (an image that does not match its media type, unpaired
    tool results...) do not: the batch is accepted and that item comes back as an
    ``errored`` result (anthropics/anthropic-sdk-typescript#682). So only ``SCH``
    findings of items and ``BATCH001`` (a ``custom_id`` used twice: results are matched
    to requests by it, and the API reference requires it unique within the batch)
    reject here; the items' other errors are reported as warnings, unless *strict*.

    The envelope messages are pydantic's, as the API's own are
    (``requests.0.custom_id: String should have at most 64 characters``,
    anthropics/anthropic-sdk-python#984, 2025-06-24).
    """
    if not isinstance(value, dict):
        yield Problem.at("SCH003", (), "Input should be a valid dictionary")
        return
    for key in value:
        if key != "requests":
            yield Problem.at("SCH002", (key,), "Extra inputs are not permitted")
    if "requests" not in value:
        yield Problem.at("SCH001", ("requests",), "Field required")
        return
    items = value["requests"]
    if not isinstance(items, list):
        yield Problem.at("SCH003", ("requests",), "Input should be a valid list")
        return
    for i, item in enumerate(items):
        for finding in linter.lint(item, kind="batch_request"):
            # Semantic findings carry the path an errored result reports, relative to
            # `params` (anthropic-sdk-typescript#682); put them back under it here.
            structural = finding.code.startswith("SCH")
            inside = not structural and finding.path[:1] == ("params",)
            head: tuple[Any, ...] = ("requests", i, "params") if inside else ("requests", i)
            problem = Problem.from_finding(finding, prefix=head)
            if not strict and not structural and problem.severity is Severity.ERROR:
                problem = attrs.evolve(problem, severity=Severity.WARNING)
            yield problem
    yield from _duplicates(linter, items)


def _duplicates(linter: Linter, items: list[Any]) -> Iterable[Problem]:
    rule = RULES.get("BATCH001")
    if rule is None or rule.code not in linter.enabled:
        return
    from messages_schema.rules._batch import duplicate_custom_ids

    for index, custom_id, first in duplicate_custom_ids(items):
        # The API's text for this has not been reported publicly; this one says which
        # earlier item holds the id, in the API's path style.
        yield Problem.at(
            rule.code,
            ("requests", index, "custom_id"),
            f"custom_id `{custom_id}` is already used by requests.{first}; each custom_id"
            " must be unique within the Message Batch",
            severity=rule.severity,
        )
