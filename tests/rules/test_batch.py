"""The BATCH family: duplicate custom_id across a file; stream is structural."""

from __future__ import annotations

from messages_schema import LintConfig, lint
from messages_schema.rules import RULES, Node
from messages_schema.rules._batch import duplicate_custom_ids


class TestDuplicateCustomId:
    def test_registered_for_files(self):
        """BATCH001 is a documented FILE-level rule without a function."""
        entry = RULES["BATCH001"]
        assert (entry.node, entry.func, entry.name) == (Node.FILE, None, "duplicate-custom-id")

    def test_helper_reports_later_repeats(self):
        """Each repeat names its index, the id and the first index."""
        records = [
            {"custom_id": "a"},
            {"custom_id": "b"},
            "junk",
            {"custom_id": "a"},
            {"custom_id": "a"},
        ]
        assert duplicate_custom_ids(records) == [(3, "a", 0), (4, "a", 0)]


class TestStreamingBatchItem:
    def test_stream_true_is_structural(self):
        """`params.stream: true` in a batch item is rejected by the schema (const false)."""
        item = {
            "custom_id": "x",
            "params": {
                "model": "claude-haiku-4-5",
                "max_tokens": 8,
                "stream": True,
                "messages": [{"role": "user", "content": "Hi"}],
            },
        }
        found = lint(item, kind="batch_request", config=LintConfig(select=["SCH"]))
        assert [f.pointer for f in found] == ["/params/stream"]
