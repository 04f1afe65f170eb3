"""
The ``BATCH`` family: checks across the items of one Message Batches file.

Per-item structure is covered elsewhere: ``custom_id`` length and pattern are
structural (``SCH007``/``SCH008``), and ``params.stream`` must be ``false`` in the
batch-item schema (``MessageCreateParamsNonStreaming``: ``stream`` is ``const: false``),
so ``"stream": true`` in an item is reported by the structural pass as well.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any

from messages_schema._types import Path
from messages_schema.findings import Finding, Location, Severity
from messages_schema.rules._registry import Node, Rule, Status, make_finding, register

__all__ = ["CustomIds", "duplicate_custom_id", "duplicate_custom_ids"]

register(
    Rule(
        code="BATCH001",
        name="duplicate-custom-id",
        severity=Severity.ERROR,
        node=Node.FILE,
        kinds=frozenset({"batch_request"}),
        since="0.1.0",
        status=Status.STABLE,
        doc=inspect.cleandoc(
            """
            ## What it does
            Flags a batch request item whose `custom_id` was already used by an earlier
            item of the same file (a JSONL file of `{custom_id, params}` lines).

            ## Why is this bad?
            Results come back unordered and are matched to requests by `custom_id`, which
            must be unique within a Message Batch (API reference, quoted in
            tryAGI/Anthropic#67). The API's error text for duplicates has not been
            reported publicly.

            ## Example
            ```json
            {"custom_id": "q-1", "params": {"model": "claude-haiku-4-5", "max_tokens": 64,
             "messages": [{"role": "user", "content": "A"}]}}
            {"custom_id": "q-1", "params": {"model": "claude-haiku-4-5", "max_tokens": 64,
             "messages": [{"role": "user", "content": "B"}]}}
            ```

            ## Applies to
            Batch request files (`messages-schema check`) and batch bodies (the gateway),
            both through `messages_schema.rules._batch`.
            """
        ),
    )
)


class CustomIds:
    """
    The ``custom_id`` values of one batch seen so far, each with where it was first used.

    `see` is fed the items in order, so a file read in chunks or a body read whole are
    judged alike.
    """

    def __init__(self) -> None:
        self._first: dict[str, Any] = {}

    def see(self, custom_id: Any, where: Any) -> tuple[bool, Any]:
        """
        Note *custom_id* used at *where*; return ``(repeated, where it was first used)``.

        A value that is not a string is no id (the structural pass reports it).
        """
        if not isinstance(custom_id, str):
            return False, None
        if custom_id in self._first:
            return True, self._first[custom_id]
        self._first[custom_id] = where
        return False, where


def duplicate_custom_id(
    custom_id: str,
    earlier: str,
    *,
    path: Path = ("custom_id",),
    api_path: str = "custom_id",
    location: Location | None = None,
) -> Finding:
    """
    The ``BATCH001`` finding of an item whose *custom_id* an earlier item already used.

    *earlier* says where, in the words of the door it came in by: ``on line 3`` for a
    file, ``by requests.0`` for a batch body.
    """
    # The API's text for this has not been reported publicly.
    message = (
        f"`custom_id` `{custom_id}` is already used {earlier}; "
        "each request of a batch needs a unique `custom_id`"
    )
    return make_finding("BATCH001", message, path, api_path=api_path, location=location)


def duplicate_custom_ids(records: Iterable[Any]) -> list[tuple[int, str, int]]:
    """
    Return ``(index, custom_id, first_index)`` for every item that repeats an earlier id.

    *records* are the decoded items of one batch in order (anything that is not an
    object with a string ``custom_id`` is skipped, but still counts for the index).
    """
    seen = CustomIds()
    out: list[tuple[int, str, int]] = []
    for index, record in enumerate(records):
        custom_id = record.get("custom_id") if isinstance(record, dict) else None
        repeated, first = seen.see(custom_id, index)
        if repeated and isinstance(custom_id, str):
            out.append((index, custom_id, first))
    return out
