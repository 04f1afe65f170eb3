"""
Differential tests against the official SDK's own types (``anthropic==2.17.0``).

What the SDK's (eagerly rebuilt) types accept, our schemas accept too, except where we
are stricter on purpose. Each deliberate disagreement is listed in `DELIBERATE` with
the reason and the public evidence for it. The beta request types
(``anthropic.types.beta``) are checked against the linter with every beta value of
``betas.toml`` configured: what they accept passes once its betas are sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from messages_schema import Finding, LintConfig, lint
from messages_schema.schemas._betas import known_betas
from tests.support.sdk.generate import documents
from tests.support.sdk.oracle import explain, json_schema


def _last(f: Finding) -> str | int:
    return f.path[-1] if f.path else ""


#: (code, test on the finding, reason): SDK-accepted documents we reject on purpose.
DELIBERATE: list[tuple[str, Callable[[Finding], bool], str]] = [
    (
        "SCH002",
        lambda f: _last(f) in ("user_profile_id", "workspace_id"),
        "declared on the SDK's params TypedDicts, but the SDK sends them as the "
        "`anthropic-user-profile-id` / `anthropic-workspace-id` headers; in a body they are "
        "unknown keys (API inventory §0.1)",
    ),
    (
        "SCH002",
        lambda f: f.path[-1:] == ("betas",),
        "the SDK's beta params take `betas` and send it as the `anthropic-beta` header "
        "(also for a batch item's `params`); in a body it is an unknown key",
    ),
    (
        "SCH006",
        lambda f: f.path[-2:] == ("thinking", "budget_tokens"),
        "the API range-checks `budget_tokens` >= 1024: "
        "`thinking.enabled.budget_tokens: Input should be greater than or equal to 1024` "
        "(themaximalist/llm.js#30); the SDK only says so in prose",
    ),
    (
        "SCH006",
        lambda f: _last(f) == "max_tokens",
        "a negative `max_tokens` is meaningless; the SDK types any int",
    ),
    (
        "SCH008",
        lambda f: _last(f) in ("id", "tool_use_id", "name", "custom_id"),
        "the API enforces `^[a-zA-Z0-9_-]+$` on tool_use ids (BerriAI/litellm#21215) and "
        "`^[a-zA-Z0-9_-]{1,128}$` on custom tool names (home-assistant/core#147760), "
        "`^[a-zA-Z0-9_-]{1,64}$` on custom_id",
    ),
    (
        "SCH007",
        lambda f: _last(f) in ("name", "custom_id"),
        "length limits the API reports: tool names <= 128 (anthropics/claude-code#96152), "
        "tool_use names <= 200 (anthropics/claude-code#23681), custom_id <= 64 "
        "(anthropics/anthropic-sdk-python#984)",
    ),
    (
        "SCH002",
        lambda f: len(f.path) == 1,
        "the SDK's pydantic TypedDicts ignore unknown top-level keys; the API answers "
        "`Extra inputs are not permitted` (API inventory §0.1)",
    ),
    (
        "SCH006",
        lambda f: f.path[-1:] in (("temperature",), ("top_p",)),
        "the SDK types `temperature`/`top_p` as any float; the API range-checks [0, 1]",
    ),
    (
        "SCH010",
        lambda f: True,
        "beta-only keys are unknown keys without the `anthropic-beta` header; the SDK "
        "ignores them (see SCH002)",
    ),
]


def _unexpected(findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        f.to_dict()
        for f in findings
        if not any(code == f.code and test(f) for code, test, _ in DELIBERATE)
    ]


SDK_KINDS = ["request", "count_tokens", "batch_request", "response", "stream_event", "batch_result",
             "error", "beta_request", "beta_count_tokens", "beta_batch_request"]


@pytest.mark.parametrize("kind", SDK_KINDS)
def test_sdk_accepted_documents_pass_our_schema(kind: str) -> None:
    """Whatever the SDK's types accept passes our structural checks, bar listed cases."""
    oracle_kind = "stream" if kind == "stream_event" else kind
    schema = json_schema(oracle_kind)
    lint_kind = kind.removeprefix("beta_")
    betas = sorted(known_betas()) if kind.startswith("beta_") else []
    config = LintConfig(select=["SCH"], betas=betas)

    @settings(max_examples=120, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(documents(schema, max_depth=8))
    def check(document: Any) -> None:
        assume(explain(document, oracle_kind) is None)
        findings = [f for f in lint(document, kind=lint_kind, config=config) if f.is_error]
        assert _unexpected(findings) == []

    check()


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({"model": "m", "max_tokens": 1, "messages": [], "workspace_id": "w"}, "SCH002"),
        ({"model": "m", "max_tokens": 1, "messages": [],
          "thinking": {"type": "enabled", "budget_tokens": 100}}, "SCH006"),
        ({"model": "m", "max_tokens": 1, "messages": [{"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu 01", "name": "f", "input": {}}]}]}, "SCH008"),
    ],
)
def test_each_deliberate_case_is_real(document: dict[str, Any], code: str) -> None:
    """Each listed disagreement happens: the SDK accepts, we report the listed code."""
    assert explain(document) is None
    findings = lint(document, config=LintConfig(select=["SCH"]))
    assert [f.code for f in findings] == [code]
    assert _unexpected(findings) == []


@given(st.sampled_from(["request", "response", "stream", "error"]))
def test_oracle_rejects_garbage(kind: str) -> None:
    """The oracle itself is strict (the lazy-Iterable trap is closed)."""
    assert explain({"messages": [{"bogus": 1}]}, kind) is not None
