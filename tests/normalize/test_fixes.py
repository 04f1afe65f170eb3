"""Tests for `messages_schema.fixes`: one pass of `apply_fixes`, and `fix_until_stable`."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest

import messages_schema
from messages_schema import (
    Applicability,
    Edit,
    Finding,
    Fix,
    Severity,
    apply_fixes,
    fix_until_stable,
    normalize,
)
from messages_schema.fixes import fixable
from messages_schema.linter import Linter


def finding(code: str, path: tuple[Any, ...], fix: Fix | None) -> Finding:
    return Finding(
        code=code, name=code.lower(), severity=Severity.ERROR, message=code, path=path, fix=fix
    )


def text(s: str) -> dict[str, Any]:
    return {"type": "text", "text": s}


def doc_with(*messages: Any) -> dict[str, Any]:
    return {"model": "claude-sonnet-4-5", "max_tokens": 8, "messages": list(messages)}


# Hand-made findings shaped like the repairs of the TURN and TOOL rules.


def empty_text_block(m: int, b: int) -> Finding:
    """TURN001 empty-text-block: remove the block (unsafe)."""
    path = ("messages", m, "content", b)
    return finding(
        "TURN001", path, Fix.unsafe("Remove the empty text block", Edit(op="remove", path=path))
    )


def trailing_whitespace(m: int, b: int, stripped: str) -> Finding:
    """TURN004 final-assistant-trailing-whitespace: rstrip the last text (unsafe)."""
    path = ("messages", m, "content", b, "text")
    edit = Edit(op="replace", path=path, value=stripped)
    return finding("TURN004", path[:-1], Fix.unsafe("Strip trailing whitespace", edit))


def orphan_result(m: int, b: int) -> Finding:
    """TOOL002 tool-result-without-tool-use: remove the block (unsafe)."""
    path = ("messages", m, "content", b)
    return finding(
        "TOOL002", path, Fix.unsafe("Remove the orphan tool_result", Edit(op="remove", path=path))
    )


def missing_result(m: int, tool_use_id: str) -> Finding:
    """TOOL001 tool-use-without-tool-result: insert an error result first in the next message."""
    block = {
        "type": "tool_result",
        "tool_use_id": tool_use_id,
        "is_error": True,
        "content": "No result was recorded.",
    }
    edit = Edit(op="add", path=("messages", m + 1, "content", 0), value=block)
    return finding("TOOL001", ("messages", m), Fix.unsafe("Insert an error tool_result", edit))


def same_role(m: int) -> Finding:
    """TURN005 consecutive-same-role: the safe fix is the merge_same_role step."""
    fix = Fix(
        applicability=Applicability.SAFE, message="Merge same-role turns", step="merge_same_role"
    )
    return finding("TURN005", ("messages", m), fix)


class TestApplyFixes:
    def test_safe_only_by_default(self):
        """Unsafe fixes are skipped unless *unsafe* is set."""
        doc = doc_with({"role": "user", "content": [text(""), text("hi")]})
        found = [empty_text_block(0, 0)]

        assert doc == apply_fixes(doc, found)
        assert [text("hi")] == apply_fixes(doc, found, unsafe=True)["messages"][0]["content"]

    def test_input_is_not_mutated(self):
        """The document and the fixes' values are left as they were."""
        doc = doc_with(
            {"role": "user", "content": [text(""), text("hi")]},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}],
            },
            {"role": "user", "content": [text("x")]},
        )
        before = copy.deepcopy(doc)
        fixes = [empty_text_block(0, 0), missing_result(1, "t")]

        out = apply_fixes(doc, fixes, unsafe=True)
        out["messages"][2]["content"][0]["content"] = "changed"

        assert before == doc
        assert "No result was recorded." == fixes[1].fix.edits[0].value["content"]  # type: ignore[union-attr]

    def test_removals_in_one_array_keep_indices_valid(self):
        """Several removals from one content list each remove the block they named."""
        doc = doc_with(
            {"role": "user", "content": [text(""), text("a"), text(""), text("b"), text("")]}
        )
        found = [empty_text_block(0, 0), empty_text_block(0, 2), empty_text_block(0, 4)]

        out = apply_fixes(doc, found, unsafe=True)

        assert [text("a"), text("b")] == out["messages"][0]["content"]

    def test_insert_and_remove_in_one_array(self):
        """An insert at 0 and a removal at 2 of the same list apply to the original indices."""
        use = {"type": "tool_use", "id": "t1", "name": "f", "input": {}}
        orphan = {"type": "tool_result", "tool_use_id": "zz", "content": "?"}
        doc = doc_with(
            {"role": "user", "content": "go"},
            {"role": "assistant", "content": [use]},
            {"role": "user", "content": [text("a"), text("b"), orphan]},
        )

        out = apply_fixes(doc, [missing_result(1, "t1"), orphan_result(2, 2)], unsafe=True)

        content = out["messages"][2]["content"]
        assert ["tool_result", "text", "text"] == [b["type"] for b in content]
        assert "t1" == content[0]["tool_use_id"]

    def test_overlapping_fixes_are_skipped_then_applied_next_pass(self):
        """Of two fixes on overlapping paths only the first is applied in one pass."""
        doc = doc_with({"role": "assistant", "content": [text("hi  ")]})
        first = empty_text_block(0, 0)
        second = trailing_whitespace(0, 0, "hi")

        once = apply_fixes(doc, [first, second], unsafe=True)
        assert [] == once["messages"][0]["content"]

        only_second = apply_fixes(doc, [second], unsafe=True)
        assert [text("hi")] == only_second["messages"][0]["content"]

    def test_stale_fix_is_skipped_whole(self):
        """A fix whose paths no longer resolve is skipped, not half-applied."""
        doc = doc_with({"role": "user", "content": [text("a")]})
        stale = finding(
            "X001",
            ("messages", 0),
            Fix.unsafe(
                "two edits",
                Edit(op="remove", path=("messages", 0, "content", 0)),
                Edit(op="replace", path=("messages", 5, "content"), value=[]),
            ),
        )

        assert doc == apply_fixes(doc, [stale], unsafe=True)

    def test_step_fix_runs_the_named_step(self):
        """A fix naming a step runs it on the whole document, once for many findings."""
        doc = doc_with(
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "assistant", "content": "c"},
            {"role": "assistant", "content": "d"},
        )

        out = apply_fixes(doc, [same_role(1), same_role(3)])

        assert normalize.merge_same_role(doc) == out

    def test_step_runs_after_edits(self):
        """Edits apply to the original paths, then the step rewrites the result."""
        doc = doc_with(
            {"role": "user", "content": [text(""), text("a")]},
            {"role": "user", "content": [text("b")]},
        )

        out = apply_fixes(doc, [empty_text_block(0, 0), same_role(1)], unsafe=True)

        assert [{"role": "user", "content": [text("a"), text("b")]}] == out["messages"]

    def test_unknown_step_is_ignored(self):
        """A fix naming a step that does not exist is skipped."""
        fix = Fix(applicability=Applicability.SAFE, message="?", step="no_such_step")
        doc = doc_with({"role": "user", "content": "a"})

        assert doc == apply_fixes(doc, [finding("X001", (), fix)])

    def test_add_to_object_and_replace_root_key(self):
        """`add` on an object sets a key; `replace` swaps a value."""
        doc = doc_with({"role": "user", "content": "a"})
        fixes = [
            finding(
                "X001",
                ("max_tokens",),
                Fix.safe("r", Edit(op="replace", path=("max_tokens",), value=16)),
            ),
            finding(
                "X002", ("system",), Fix.safe("a", Edit(op="add", path=("system",), value="s"))
            ),
        ]

        out = apply_fixes(doc, fixes)

        assert (16, "s") == (out["max_tokens"], out["system"])

    def test_append_with_dash(self):
        """An `add` at ``-`` appends to the list."""
        doc = doc_with({"role": "user", "content": [text("a")]})
        edit = Edit(op="add", path=("messages", 0, "content", "-"), value=text("b"))

        out = apply_fixes(doc, [finding("X001", ("messages", 0), Fix.safe("append", edit))])

        assert [text("a"), text("b")] == out["messages"][0]["content"]

    def test_untouched_parts_are_shared(self):
        """Messages no edit touched are the same objects."""
        doc = doc_with(
            {"role": "user", "content": [text("a")]}, {"role": "assistant", "content": [text("b ")]}
        )

        out = apply_fixes(doc, [trailing_whitespace(1, 0, "b")], unsafe=True)

        assert out["messages"][0] is doc["messages"][0]
        assert out is not doc

    def test_fixable(self):
        """`fixable` is true for a fix with edits or a step of the allowed applicability."""
        assert fixable(same_role(1))
        assert not fixable(empty_text_block(0, 0))
        assert fixable(empty_text_block(0, 0), unsafe=True)
        assert not fixable(finding("X", (), None))
        assert not fixable(finding("X", (), Fix.safe("nothing to do")))

    def test_reexported(self):
        """`apply_fixes` is reachable from the package and from `normalize`."""
        assert messages_schema.apply_fixes is normalize.apply_fixes is apply_fixes


def fake_rules(document: Any, **_: Any) -> list[Finding]:
    """A stand-in linter: TURN005 for each same-role run, TURN004 for trailing whitespace."""
    out: list[Finding] = []
    messages = document.get("messages", [])
    for i in range(1, len(messages)):
        if messages[i]["role"] == messages[i - 1]["role"]:
            out.append(same_role(i))
    last = messages[-1] if messages else None
    if last and last["role"] == "assistant" and isinstance(last["content"], list):
        j = len(last["content"]) - 1
        block = last["content"][j]
        if block.get("type") == "text" and block["text"] != block["text"].rstrip():
            out.append(trailing_whitespace(len(messages) - 1, j, block["text"].rstrip()))
    return sorted(out, key=Finding.sort_key)


class TestFixUntilStable:
    @pytest.fixture
    def fake(self, monkeypatch) -> None:
        monkeypatch.setattr(Linter, "lint", lambda self, document, **kw: fake_rules(document))

    def test_loops_until_no_fixable_finding(self, fake):
        """Fixes are applied pass after pass until none is left."""
        doc = doc_with(
            {"role": "user", "content": "a"},
            {"role": "user", "content": "b"},
            {"role": "assistant", "content": [text("x ")]},
            {"role": "assistant", "content": [text("y  ")]},
        )

        fixed, applied, remaining = fix_until_stable(doc, unsafe=True)

        assert [
            {"role": "user", "content": [text("a"), text("b")]},
            {"role": "assistant", "content": [text("x "), text("y")]},
        ] == fixed["messages"]
        assert {"TURN004", "TURN005"} == {f.code for f in applied}
        assert [] == remaining

    def test_safe_only_leaves_unsafe_findings(self, fake):
        """Without *unsafe* the unsafe findings remain."""
        doc = doc_with(
            {"role": "user", "content": "a"}, {"role": "assistant", "content": [text("x ")]}
        )

        fixed, applied, remaining = fix_until_stable(doc)

        assert doc == fixed
        assert [] == applied
        assert ["TURN004"] == [f.code for f in remaining]

    def test_stops_after_max_passes(self, monkeypatch):
        """A fix that never settles stops after *max_passes*."""
        counter = {"n": 0}

        def bump(self: Any, document: Any, **_: Any) -> list[Finding]:
            counter["n"] += 1
            edit = Edit(op="replace", path=("max_tokens",), value=document["max_tokens"] + 1)
            return [finding("X001", ("max_tokens",), Fix.safe("bump", edit))]

        monkeypatch.setattr(Linter, "lint", bump)

        fixed, applied, _ = fix_until_stable(doc_with(), max_passes=3)

        assert 11 == fixed["max_tokens"]
        assert 3 == len(applied)

    def test_real_linter_without_fixable_findings(self):
        """With the real rules, a clean request comes back equal with nothing applied."""
        doc = doc_with({"role": "user", "content": "hi"})

        fixed, applied, remaining = fix_until_stable(doc)

        assert doc == fixed
        assert [] == applied
        assert [] == [f for f in remaining if f.is_error]

    def test_batch_item_paths_are_rooted_at_the_item(self, monkeypatch):
        """For a batch item the edits' paths start at ``params`` and apply there."""

        def lint_item(self: Any, document: Any, *, kind: str = "request") -> list[Finding]:
            assert "batch_request" == kind
            found = fake_rules(document["params"])
            return [attrs.evolve(f, fix=f.fix.relocated(("params",))) for f in found if f.fix]

        monkeypatch.setattr(Linter, "lint", lint_item)
        item = {
            "custom_id": "r1",
            "params": doc_with(
                {"role": "user", "content": "a"},
                {"role": "user", "content": "b"},
                {"role": "assistant", "content": [text("x ")]},
            ),
        }

        fixed, applied, _ = fix_until_stable(item, unsafe=True)

        assert [
            {"role": "user", "content": [text("a"), text("b")]},
            {"role": "assistant", "content": [text("x")]},
        ] == fixed["params"]["messages"]
        assert {"TURN004", "TURN005"} == {f.code for f in applied}


TOOL_USE = {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


class TestWithRealRules:
    """`fix_until_stable` driven by the shipped TURN and TOOL rules."""

    def test_same_role_runs_merge_safely(self):
        """TURN005's safe fix merges the run, as normalize_request does."""
        doc = doc_with(user("a"), user("b"))

        fixed, applied, remaining = fix_until_stable(doc)

        assert [user([text("a"), text("b")])] == fixed["messages"]
        assert ["TURN005"] == [f.code for f in applied]
        assert [] == remaining

    @pytest.mark.parametrize(
        ("code", "messages", "expected"),
        [
            ("TURN001", [user([text(""), text("hi")])], [user([text("hi")])]),
            ("TURN004", [user("a"), assistant("Sure: ")], [user("a"), assistant("Sure:")]),
            (
                "TOOL002",
                [
                    user(
                        [
                            {"type": "tool_result", "tool_use_id": "toolu_9", "content": "x"},
                            text("hi"),
                        ]
                    )
                ],
                [user([text("hi")])],
            ),
        ],
    )
    def test_unsafe_repairs_need_unsafe(self, code, messages, expected):
        """An unsafe repair is left alone by default and applied with *unsafe*."""
        doc = doc_with(*messages)

        kept, _, before = fix_until_stable(doc)
        fixed, applied, after = fix_until_stable(doc, unsafe=True)

        assert doc == kept
        assert code in {f.code for f in before}
        assert expected == fixed["messages"]
        assert [code] == [f.code for f in applied]
        assert [] == [f for f in after if f.is_error]

    def test_missing_tool_result_is_answered_with_an_error_result(self):
        """TOOL001 inserts an error tool_result first in the next user message."""
        doc = doc_with(user("a"), assistant([TOOL_USE]), user("next"))

        fixed, applied, after = fix_until_stable(doc, unsafe=True)

        first = fixed["messages"][2]["content"][0]
        assert ("tool_result", "toolu_1", True) == (
            first["type"],
            first["tool_use_id"],
            first["is_error"],
        )
        assert ["TOOL001"] == [f.code for f in applied]
        assert [] == [f for f in after if f.is_error]

    def test_late_tool_result_is_merged_then_moved_first(self):
        """A result in a later same-role message is merged (safe) then moved first (unsafe)."""
        result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "r"}
        doc = doc_with(user("a"), assistant([TOOL_USE]), user("hurry"), user([result]))

        safe, _, safe_left = fix_until_stable(doc)
        fixed, applied, after = fix_until_stable(doc, unsafe=True)

        assert [text("hurry"), result] == safe["messages"][2]["content"]
        assert "TOOL001" in {f.code for f in safe_left}
        assert [result, text("hurry")] == fixed["messages"][2]["content"]
        assert {"TOOL001", "TURN005"} == {f.code for f in applied}
        assert [] == [f for f in after if f.is_error]
