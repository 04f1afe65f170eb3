"""Structural validation: every error at once, each with the API's path and wording."""

from __future__ import annotations

from typing import Any

import pytest

from messages_schema import LintConfig, Severity, is_valid, lint
from tests.conftest import minimal_request

SCH = LintConfig(select=["SCH"])


def _pairs(document: Any, kind: str = "request", **config: Any) -> list[tuple[str, str, str]]:
    cfg = LintConfig(select=["SCH"], **config)
    return [(f.code, f.api_path, f.message) for f in lint(document, kind=kind, config=cfg)]


def _image(media_type: str = "image/png", data: Any = "aGVsbG8=") -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


CASES = [
    pytest.param(
        {"model": "m", "messages": []},
        ("SCH001", "max_tokens", "Field required"),
        id="missing max_tokens",
    ),
    pytest.param(
        minimal_request(max_token=5),
        ("SCH002", "max_token", "Extra inputs are not permitted"),
        id="misspelt top-level key",
    ),
    pytest.param(
        minimal_request(max_tokens="1024"),
        ("SCH003", "max_tokens", "Input should be a valid integer"),
        id="string max_tokens",
    ),
    pytest.param(
        minimal_request(messages=[{"role": "user", "content": [_image("image/bmp")]}]),
        ("SCH004", "messages.0.content.0.image.source.base64.media_type",
         "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"),
        id="image media type",
    ),
    pytest.param(
        minimal_request(messages=[{"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}, "text": "x"}]}]),
        ("SCH002", "messages.0.content.0.tool_use.text", "Extra inputs are not permitted"),
        id="extra key in a block (claude-code#4378)",
    ),
    pytest.param(
        minimal_request(messages=[{"role": "user", "content": [{"type": "image_url"}]}]),
        ("SCH005", "messages.0.content.0",
         "Input tag 'image_url' found using 'type' does not match any of the expected tags: "
         "'bash_code_execution_tool_result', 'code_execution_tool_result', 'container_upload', "
         "'document', 'image', 'redacted_thinking', 'search_result', 'server_tool_use', 'text', "
         "'text_editor_code_execution_tool_result', 'thinking', 'tool_result', "
         "'tool_search_tool_result', 'tool_use', 'web_fetch_tool_result', "
         "'web_search_tool_result'"),
        id="unknown block tag",
    ),
    pytest.param(
        minimal_request(thinking={"type": "enabled", "budget_tokens": 512}),
        ("SCH006", "thinking.enabled.budget_tokens",
         "Input should be greater than or equal to 1024"),
        id="thinking budget",
    ),
    pytest.param(
        minimal_request(temperature=1.5),
        ("SCH006", "temperature", "Input should be less than or equal to 1"),
        id="temperature above 1",
    ),
    pytest.param(
        minimal_request(messages=[{"role": "user", "content": None}]),
        ("SCH003", "messages.0.content", "Input should be a valid list"),
        id="content neither string nor list",
    ),
    pytest.param(
        minimal_request(messages=[{"role": "user", "content": [
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf",
                                            "data": 7}}]}]),
        ("SCH003", "messages.0.content.0.pdf.source.base64.data",
         "Input should be a valid string"),
        id="pdf documents are tagged pdf (claude-code#6231)",
    ),
    pytest.param(
        minimal_request(system=[{"type": "text", "text": "s",
                                 "cache_control": {"type": "ephemeral", "scope": "x"}}]),
        ("SCH002", "system.0.cache_control.ephemeral.scope", "Extra inputs are not permitted"),
        id="cache_control is a tagged union (copilot-api#145)",
    ),
    pytest.param(
        minimal_request(tools=[{"name": "get weather", "input_schema": {"type": "object"}}]),
        ("SCH008", "tools.0.custom.name",
         "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"),
        id="custom tool name pattern",
    ),
    pytest.param(
        minimal_request(tools=[{"name": "a" * 129, "input_schema": {"type": "object"}}]),
        ("SCH007", "tools.0.custom.name", "String should have at most 128 characters"),
        id="custom tool name length reported once",
    ),
    pytest.param(
        minimal_request(messages=[{"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "", "content": "x"}]}]),
        ("SCH008", "messages.0.content.0.tool_result.tool_use_id",
         "String should match pattern '^[a-zA-Z0-9_-]+$'"),
        id="empty tool_use_id hits the pattern",
    ),
    pytest.param(
        minimal_request(messages=[{"role": "user", "content": [
            {"type": "thinking", "thinking": "t", "signature": "s",
             "cache_control": {"type": "ephemeral"}}]}]),
        ("SCH002", "messages.0.content.0.thinking.cache_control",
         "Extra inputs are not permitted"),
        id="no cache_control on thinking (CLIProxyAPI#512)",
    ),
    pytest.param(
        minimal_request(tool_choice={"type": "tool"}),
        ("SCH001", "tool_choice.tool.name", "Field required"),
        id="tool_choice union tag in path",
    ),
]


@pytest.mark.parametrize(("document", "expected"), CASES)
def test_one_problem_one_finding(document: dict[str, Any], expected: tuple[str, str, str]) -> None:
    """Each broken area gives exactly its code, API path and API wording."""
    assert _pairs(document) == [expected]


def test_all_errors_are_listed_at_once() -> None:
    """Every structural error of a payload is reported, sorted by path then code."""
    document = {
        "model": 5,
        "max_tokens": -1,
        "bogus": True,
        "messages": [{"role": "robot", "content": "x"}, {"role": "user"}],
    }
    assert _pairs(document) == [
        ("SCH002", "bogus", "Extra inputs are not permitted"),
        ("SCH006", "max_tokens", "Input should be greater than or equal to 0"),
        ("SCH004", "messages.0.role", "Input should be 'user', 'assistant' or 'system'"),
        ("SCH001", "messages.1.content", "Field required"),
        ("SCH003", "model", "Input should be a valid string"),
    ]


def test_findings_carry_pointer_and_path() -> None:
    """Path, RFC 6901 pointer and dotted API path describe the same node."""
    (f,) = lint(minimal_request(messages=[{"role": "user", "content": [_image("image/x")]}]),
                config=SCH)
    assert f.path == ("messages", 0, "content", 0, "source", "media_type")
    assert f.pointer == "/messages/0/content/0/source/media_type"
    assert f.json_path == "$.messages[0].content[0].source.media_type"
    assert f.severity is Severity.ERROR


class TestBadJSON:
    @pytest.mark.parametrize(
        ("data", "needle"),
        [
            (b"", "empty"),
            (b"   \n", "empty"),
            (b'{"model": NaN}', "Invalid JSON"),
            (b'{"model": Infinity}', "Invalid JSON"),
            (b'{"model": "m"', "Invalid JSON"),
            (b'{"model": "m"} trailing', "Invalid JSON"),
            (b"\xff\xfe{}", "Invalid JSON"),
            (b'\xef\xbb\xbf{"model": "m"}', "byte order mark"),
            (b"[" * 2000 + b"]" * 2000, "1024 levels"),
            ('{"a": "\ud800"}', "Invalid JSON"),
        ],
    )
    def test_is_one_finding_never_an_exception(self, data: bytes | str, needle: str) -> None:
        """Undecodable text is finding SCH000 with a clear reason."""
        (f,) = lint(data)
        assert f.code == "SCH000"
        assert needle in f.message
        assert not is_valid(data)

    def test_text_input_is_parsed(self) -> None:
        """JSON text as str or bytes is linted like the decoded value."""
        text = '{"model": "m", "max_tokens": 5, "messages": []}'
        assert lint(text) == lint(text.encode()) == lint({"model": "m", "max_tokens": 5,
                                                           "messages": []})


class TestKinds:
    def test_response_is_open(self) -> None:
        """Unknown keys in a response are fine; missing required ones are not."""
        response = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                    "content": [], "usage": {"input_tokens": 1, "output_tokens": 1},
                    "brand_new_field": 1}
        assert lint(response, kind="response", config=SCH) == []
        del response["usage"]
        assert _pairs(response, "response") == [("SCH001", "usage", "Field required")]

    def test_unknown_response_block_is_a_warning(self) -> None:
        """A new block type in a response is noted, not an error: readers must keep it."""
        response = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                    "content": [{"type": "hologram"}],
                    "usage": {"input_tokens": 1, "output_tokens": 1}}
        (f,) = lint(response, kind="response")
        assert (f.code, f.severity) == ("SCH011", Severity.WARNING)
        assert is_valid(response, kind="response")

    def test_new_response_enum_value_is_a_warning(self) -> None:
        """A `stop_reason` or `service_tier` newer than the schemas is noted, not an error."""
        response = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                    "content": [], "stop_reason": "brand_new_reason",
                    "usage": {"input_tokens": 1, "output_tokens": 1, "service_tier": "galactic"}}

        found = lint(response, kind="response")

        assert [(f.code, f.pointer, f.severity) for f in found] == [
            ("SCH012", "/stop_reason", Severity.WARNING),
            ("SCH012", "/usage/service_tier", Severity.WARNING),
        ]
        assert is_valid(response, kind="response")
        response["stop_reason"] = 5
        assert ("SCH003", "/stop_reason") in {(f.code, f.pointer) for f in lint(response,
                                                                               kind="response")}

    def test_new_request_enum_value_is_still_an_error(self) -> None:
        """Requests are closed: an unknown `service_tier` is SCH004 in the API's wording."""
        request = minimal_request(service_tier="galactic")

        assert _pairs(request, "request") == [
            ("SCH004", "service_tier", "Input should be 'auto' or 'standard_only'")
        ]

    def test_batch_item_paths_start_at_params(self) -> None:
        """Batch items report inside `params`, and reject streaming params."""
        item = {"custom_id": "a-1", "params": minimal_request(stream=True)}
        expected = [("SCH004", "params.stream", "Input should be False")]
        assert _pairs(item, "batch_request") == expected

    def test_count_tokens_has_no_max_tokens(self) -> None:
        """count_tokens bodies are closed without `max_tokens`."""
        body = minimal_request()
        assert _pairs(body, "count_tokens") == [
            ("SCH002", "max_tokens", "Extra inputs are not permitted")]
        del body["max_tokens"]
        assert _pairs(body, "count_tokens") == []

    @pytest.mark.parametrize(
        ("key", "value"),
        [("stream", True), ("metadata", {"user_id": "u"}), ("stop_sequences", ["x"]),
         ("service_tier", "auto"), ("temperature", 0.5), ("container", "c"),
         ("inference_geo", "us")],
    )
    def test_count_tokens_refuses_what_only_create_takes(self, key: str, value: object) -> None:
        """Keys of messages.create that token counting does not take are unknown keys there.

        The API answers `max_tokens: Extra inputs are not permitted` on count_tokens
        (Wei-Shaw/sub2api#4913, 2026-07-26); its parameter list (the API reference and SDK
        2.17 `MessageCountTokensParams`) has none of these keys either.
        """
        body = {**minimal_request(), key: value}
        del body["max_tokens"]
        assert _pairs(body, "count_tokens") == [(
            "SCH002", key, "Extra inputs are not permitted")]
        assert _pairs({**body, "max_tokens": 1}, "request") == []

    def test_error_envelope(self) -> None:
        """The error envelope knows its nine error types."""
        envelope = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"},
                    "request_id": None}
        assert lint(envelope, kind="error") == []

    def test_unknown_kind_is_misuse(self) -> None:
        """A kind that does not exist raises instead of returning findings."""
        from messages_schema import ConfigError

        with pytest.raises(ConfigError, match="kind"):
            lint({}, kind="nope")


class TestBetas:
    BODY = minimal_request(context_management={"edits": []})

    def test_beta_field_without_header(self) -> None:
        """Without its anthropic-beta value a beta field is an unknown key, said so."""
        (f,) = lint(self.BODY)
        assert f.code == "SCH010"
        assert f.api_path == "context_management"
        assert f.api_error == "Extra inputs are not permitted"
        assert "context-management-2025-06-27" in f.message

    def test_beta_field_with_header(self) -> None:
        """With the beta value the same body passes, on both doors."""
        config = LintConfig(betas=["context-management-2025-06-27"])
        assert lint(self.BODY, config=config) == []
        assert is_valid(self.BODY, config=config)
        assert not is_valid(self.BODY)

    def test_beta_block_and_tool_types(self) -> None:
        """Beta-only block and tool types are unlocked by their betas."""
        body = minimal_request(
            tools=[{"type": "computer_20250124", "name": "computer",
                    "display_width_px": 1024, "display_height_px": 768}],
            messages=[{"role": "assistant", "content": [
                {"type": "mcp_tool_use", "id": "mcptoolu_1", "name": "x", "server_name": "s",
                 "input": {}}]}],
        )
        assert {f.code for f in lint(body, config=SCH)} == {"SCH010"}
        config = LintConfig(select=["SCH"], betas=["computer-use-2025-01-24",
                                                    "mcp-client-2025-11-20"])
        assert lint(body, config=config) == []


def test_is_valid_agrees_with_lint_on_examples() -> None:
    """The fast door gives the same verdict as the full one."""
    documents = [
        minimal_request(),
        minimal_request(max_tokens="x"),
        minimal_request(context_management={}),
        {"model": "m"},
        [],
        "text",
        None,
    ]
    for document in documents:
        errors = [f for f in lint(document) if f.is_error]
        assert is_valid(document) == (not errors), document
