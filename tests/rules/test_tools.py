"""The ``TOOL`` family: tool definitions, ``tool_choice`` and tool_use / tool_result pairing."""

from __future__ import annotations

from typing import Any

import pytest

from messages_schema import LintConfig, apply_fixes, lint
from messages_schema.rules import _tools

TOOL = {"name": "get_weather", "input_schema": {"type": "object"}}


def req(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "claude-sonnet-4-5", "max_tokens": 1024, "tools": [TOOL]}
    body["messages"] = list(messages)
    body.update(extra)
    return body


def user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def assistant(content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


def use(id_: str, **extra: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": id_, "name": "get_weather", "input": {}, **extra}


def result(id_: str, content: Any = "18 C", **extra: Any) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": id_, "content": content, **extra}


def errors(document: Any) -> list[str]:
    return sorted(f.code for f in lint(document) if f.is_error)


class TestToolUseWithoutToolResult:
    def test_message_lists_ids_in_order(self, only_finding):
        """The message lists the unanswered ids joined with `, `, at the assistant index."""
        doc = req(user("Go"), assistant([use("toolu_a"), use("toolu_b")]), user("hm"))
        f = only_finding(doc, code="TOOL001")

        assert f.message.startswith(
            "`tool_use` ids were found without `tool_result` blocks immediately after: "
            "toolu_a, toolu_b. "
        )
        assert "messages.1" == f.api_path
        assert f.message == f.api_error

    def test_fix_answers_ids_in_order(self, only_finding):
        """The fix inserts error results at the start, in call order, and the request passes."""
        doc = req(
            user("Go"),
            assistant([use("toolu_a"), use("toolu_b")]),
            user([{"type": "text", "text": "hm"}]),
        )
        f = only_finding(doc, code="TOOL001")

        fixed = apply_fixes(doc, [f], unsafe=True)
        content = fixed["messages"][2]["content"]

        assert ["toolu_a", "toolu_b"] == [b["tool_use_id"] for b in content[:2]]
        assert all(b["is_error"] is True for b in content[:2])
        assert [] == errors(fixed)

    def test_fix_for_string_content(self, only_finding):
        """String content becomes results followed by the original text."""
        doc = req(user("Go"), assistant([use("toolu_a")]), user("hm"))
        f = only_finding(doc, code="TOOL001")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert {"type": "text", "text": "hm"} == fixed["messages"][2]["content"][-1]
        assert [] == errors(fixed)

    def test_misplaced_result_fix_moves_it(self, only_finding):
        """A result after text gets the `tool_results_first` step instead of a new result."""
        doc = req(
            user("Go"),
            assistant([use("toolu_a")]),
            user([{"type": "text", "text": "here"}, result("toolu_a")]),
        )
        f = only_finding(doc, code="TOOL001")

        assert f.fix is not None
        assert "tool_results_first" == f.fix.step
        fixed = apply_fixes(doc, [f], unsafe=True)
        assert "tool_result" == fixed["messages"][2]["content"][0]["type"]
        assert [] == errors(fixed)

    def test_not_for_pending_final_turn(self):
        """A final assistant turn with tool_use is waiting for results: not flagged."""
        doc = req(user("Go"), assistant([use("toolu_a")]))

        assert [] == [f for f in lint(doc) if f.code == "TOOL001"]


class TestToolResultWithoutToolUse:
    def test_message_names_the_id(self, only_finding):
        """A tool_result whose id matches nothing in the previous turn is reported once."""
        f = only_finding(req(user("6 x 7?"), user([result("toolu_01", "42")])), code="TOOL002")

        assert "`tool_use_id` found in `tool_result` blocks: toolu_01." in f.message
        assert "/messages/1/content/0" == f.pointer
        assert "messages.1.content.0" == f.api_path

    def test_fix_removes_block_when_others_remain(self, only_finding):
        """The unsafe fix removes the orphan when the message keeps other blocks."""
        doc = req(user([result("toolu_x"), {"type": "text", "text": "Hi"}]))
        f = only_finding(doc, code="TOOL002")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert [{"type": "text", "text": "Hi"}] == fixed["messages"][0]["content"]

    def test_no_fix_for_lone_orphan(self, only_finding):
        """No fix when removing the orphan would leave the message empty."""
        f = only_finding(req(user([result("toolu_x")])), code="TOOL002")

        assert f.fix is None


class TestDuplicateToolUseId:
    def test_second_occurrence(self, only_finding):
        """Only the repeat is reported, with the API's text."""
        doc = req(user("Go"), assistant([use("t1"), use("t1")]), user([result("t1")]))
        f = only_finding(doc, code="TOOL003")

        assert "/messages/1/content/1" == f.pointer
        assert "`tool_use` ids must be unique" == f.api_error


class TestDuplicateToolName:
    def test_later_tool(self, only_finding):
        """The later tool is reported with the bare `tools` path."""
        f = only_finding(req(user("Hi"), tools=[TOOL, TOOL]), code="TOOL004")

        assert "/tools/1" == f.pointer
        assert "tools" == f.api_path
        assert "Tool names must be unique." == f.api_error


class TestInvalidInputSchema:
    def test_detail_and_api_error(self, only_finding):
        """The message names the meta-schema problem; api_error is the API's text."""
        bad = {
            "name": "f",
            "input_schema": {"type": "object", "properties": {"a": {"type": "int"}}},
        }
        f = only_finding(req(user("Hi"), tools=[bad]), code="TOOL005")

        assert "/properties/a/type" in f.message
        assert f.api_error is not None
        assert f.api_error.startswith("JSON schema is invalid. It must match JSON Schema draft")
        assert "tools.0.custom.input_schema" == f.api_path

    def test_deep_schema_is_skipped(self):
        """Schemas nested deeper than the bound get no verdict, and no crash."""
        schema: dict[str, Any] = {"type": "object"}
        node = schema
        for _ in range(_tools.MAX_SCHEMA_DEPTH + 5):
            node["properties"] = {"x": {"type": "int"}}
            node = node["properties"]["x"]
        doc = req(user("Hi"), tools=[{"name": "f", "input_schema": schema}])

        found = lint(doc, config=LintConfig(select=["TOOL005", "SCH099"]))

        assert [] == found

    def test_result_is_cached(self):
        """The same schema is meta-validated once, and the same tools list checked once."""
        _tools._schema_problem.cache_clear()
        _tools._verdicts_of.cache_clear()
        tool = {"name": "f", "input_schema": {"type": "object", "x": 1}}
        doc = req(user("Hi"), tools=[tool])

        first = lint(doc)
        assert first == lint(doc)
        assert (1, 1) == (_tools._verdicts_of.cache_info().hits,
                          _tools._schema_problem.cache_info().misses)
        lint(req(user("Hi"), tools=[tool, {**tool, "name": "g"}]))  # another list, same schema

        assert (2, 1) == (_tools._verdicts_of.cache_info().misses,
                          _tools._schema_problem.cache_info().misses)

    def test_repeated_tools_list_keeps_its_findings(self):
        """A tools list answered from the memo reports the same findings, at the same paths."""
        tools = [{"name": "f", "input_schema": {"oneOf": []}}, {"name": "f", "input_schema": {}}]
        doc = req(user("Hi"), tools=tools)

        first = [(f.code, f.pointer) for f in lint(doc)]

        assert {"TOOL004", "TOOL006"} <= {code for code, _ in first}
        assert first == [(f.code, f.pointer) for f in lint(doc)]


class TestTopLevelCombinator:
    @pytest.mark.parametrize("key", ["oneOf", "allOf", "anyOf"])
    def test_each_combinator(self, only_finding, key):
        """Each combinator at the top level is reported with the API's text."""
        tool = {"name": "f", "input_schema": {key: [{"type": "object"}]}}
        f = only_finding(req(user("Hi"), tools=[tool]), code="TOOL006")

        assert (
            "input_schema does not support oneOf, allOf, or anyOf at the top level" == f.api_error
        )


class TestToolChoiceUnknownTool:
    def test_names_the_tool(self, only_finding):
        """The message names the missing tool."""
        doc = req(user("Hi"), tool_choice={"type": "tool", "name": "nope"})
        f = only_finding(doc, code="TOOL007")

        assert "`nope`" in f.message

    def test_mcp_servers_skip(self):
        """With `mcp_servers` the named tool may come from a server: not checked."""
        doc = req(
            user("Hi"),
            tool_choice={"type": "tool", "name": "nope"},
            mcp_servers=[{"type": "url", "url": "https://example.com", "name": "s"}],
        )

        found = lint(doc, config=LintConfig(select=["TOOL007"]))

        assert [] == found


class TestAllowedAndBlockedDomains:
    def test_error(self, only_finding):
        """Both lists set on a web_search tool is an error."""
        tool = {
            "type": "web_search_20250305",
            "name": "web_search",
            "allowed_domains": ["a.example"],
            "blocked_domains": ["b.example"],
        }
        f = only_finding(req(user("Hi"), tools=[tool]), code="TOOL008")

        assert f.is_error


class TestEmptyErrorToolResult:
    def test_api_path_ends_at_tag(self, only_finding):
        """The API path ends at the block's `tool_result` tag."""
        doc = req(user("Go"), assistant([use("t1")]), user([result("t1", "", is_error=True)]))
        f = only_finding(doc, code="TOOL009")

        assert "messages.2.content.0.tool_result" == f.api_path

    def test_fix_fills_content(self, only_finding):
        """The unsafe fix puts a generic error text into `content`."""
        doc = req(user("Go"), assistant([use("t1")]), user([result("t1", [], is_error=True)]))
        f = only_finding(doc, code="TOOL009")

        fixed = apply_fixes(doc, [f], unsafe=True)

        assert [] == errors(fixed)


class TestResponseShapesEchoed:
    def test_caller_null_is_accepted(self):
        """A response `tool_use` with `caller: null` passed back verbatim lints clean."""
        doc = req(user("Go"), assistant([use("t1", caller=None)]), user([result("t1")]))

        assert [] == errors(doc)

    def test_tool_use_id_pattern_is_structural(self):
        """A bad `tool_use.id` is SCH008's, not a TOOL rule's."""
        doc = req(user("Go"), assistant([use("bad id")]), user([result("bad id")]))

        assert ["SCH008", "SCH008"] == errors(doc)


class TestRobustness:
    def test_odd_tools_never_raise(self):
        """Malformed tools and schemas produce no rule crash (SCH099)."""
        tools: list[Any] = [
            None,
            {"name": 3},
            {"name": "f", "input_schema": []},
            {"name": "g", "input_schema": {"type": {"nested": [1, 2]}}},
            {"name": "h", "input_schema": {"properties": {"a": float("nan")}}},
            {"type": "web_search_20250305", "allowed_domains": "x", "blocked_domains": 1},
        ]
        doc = req(user("Hi"), tools=tools, tool_choice={"type": "tool", "name": None})

        found = lint(doc, config=LintConfig(select=["TOOL", "SCH099"]))

        assert [] == [f for f in found if f.code == "SCH099"]
