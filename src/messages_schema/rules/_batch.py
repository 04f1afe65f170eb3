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

from messages_schema.findings import Severity
from messages_schema.rules._registry import Node, Rule, Status, register

__all__ = ["duplicate_custom_ids"]

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
            Batch request files, checked by the file checker of `messages-schema check`
            with `messages_schema.rules._batch.duplicate_custom_ids`.
            """
        ),
    )
)


def duplicate_custom_ids(records: Iterable[Any]) -> list[tuple[int, str, int]]:
    """
    Return ``(index, custom_id, first_index)`` for every item that repeats an earlier id.

    *records* are the decoded items of one batch file in order (anything that is not an
    object with a string ``custom_id`` is skipped, but still counts for the index).
    """
    first: dict[str, int] = {}
    out: list[tuple[int, str, int]] = []
    for index, record in enumerate(records):
        custom_id = record.get("custom_id") if isinstance(record, dict) else None
        if not isinstance(custom_id, str):
            continue
        if custom_id in first:
            out.append((index, custom_id, first[custom_id]))
        else:
            first[custom_id] = index
    return out
