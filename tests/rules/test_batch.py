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


def test_batch001_is_made_once_with_the_registry_s_name_and_severity() -> None:
    """`check` and the gateway both build BATCH001 with `duplicate_custom_id`."""
    from messages_schema.rules import RULES
    from messages_schema.rules._batch import duplicate_custom_id

    finding = duplicate_custom_id("q-1", "on line 1")

    assert (finding.code, finding.name, finding.severity) == (
        "BATCH001", RULES["BATCH001"].name, RULES["BATCH001"].severity
    )
    assert finding.message.startswith("`custom_id` `q-1` is already used on line 1; ")
    assert finding.api_path == "custom_id"


def test_custom_ids_fed_in_pieces_judge_as_a_whole() -> None:
    """Items seen one at a time (a file read in chunks) repeat where the whole list does."""
    from messages_schema.rules._batch import CustomIds, duplicate_custom_ids

    items = [{"custom_id": c} for c in ("a", "b", "a", 3, "b", "a")]
    seen = CustomIds()
    pieces = [
        (i, item["custom_id"], first)
        for i, item in enumerate(items)
        for repeated, first in [seen.see(item["custom_id"], i)]
        if repeated
    ]

    assert pieces == duplicate_custom_ids(items) == [(2, "a", 0), (4, "b", 1), (5, "a", 0)]
