"""
Beta-only request fields and the ``anthropic-beta`` values that unlock them.

Without the header, the API treats these as unknown: a beta-only key is answered with
``Extra inputs are not permitted`` at its path, a beta-only block or tool type with a
union tag error. Names come from the SDK's ``anthropic.types.beta`` (API inventory
§15); the header values from the SDK's list of known betas. Where the SDK does not say
which value unlocks a field, every value of that feature's family is accepted, so a
valid beta request is never flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

_MCP: Final = ("mcp-client-2025-04-04", "mcp-client-2025-11-20", "mcp-client-2026-09-15")
_COMPACT: Final = ("compact-2026-01-12", "compact-2026-09-04")
_FALLBACK: Final = ("server-side-fallback-2026-06-01", "server-side-fallback-2026-07-01")
_FALLBACK_CREDIT: Final = ("fallback-credit-2026-06-01", "fallback-credit-2026-07-01")
_PROFILES: Final = (
    "user-profiles-2026-03-24",
    "user-profiles-2026-08-18",
    "user-profiles-2026-09-04",
    "user-profiles-billing-2026-10-01",
)

#: Beta-only keys, as a path relative to the request body, and the values unlocking them.
BETA_FIELDS: Final[dict[tuple[str, ...], tuple[str, ...]]] = {
    # Compaction (`compact_20260112` edits) is configured here too, under its own header
    # (platform.claude.com/docs/en/build-with-claude/compaction; ruby_llm cassette
    # chat_anthropic_claude-sonnet-4-6_compacts_a_long_conversation..., 2026-08, HTTP 200
    # with `anthropic-beta: compact-2026-01-12` alone).
    ("context_management",): ("context-management-2025-06-27", *_COMPACT),
    # The legacy structured-outputs parameter, since replaced by `output_config.format`
    # (traceloop/openllmetry test_anthropic_structured_outputs_legacy.yaml, 2025-11, and
    # 14 Mirascope cassettes, 2025-12..2026-02: HTTP 200 with this header).
    ("output_format",): ("structured-outputs-2025-11-13",),
    ("mcp_servers",): _MCP,
    ("compaction",): _COMPACT,
    ("fallbacks",): _FALLBACK,
    ("fallback_credit_token",): _FALLBACK_CREDIT,
    ("thread",): ("message-threads-2026-08-12",),
    ("billing_policy",): _PROFILES,
    ("output_config", "task_budget"): ("task-budgets-2026-03-13",),
    ("thinking", "block_binding"): ("thinking-binding-controls-2026-08-01",),
}

#: Beta-only content block types.
BETA_BLOCK_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "mcp_tool_use": _MCP,
    "mcp_tool_result": _MCP,
    "mcp_tool_listing": _MCP,
    "compaction": _COMPACT,
    "fallback": _FALLBACK,
    "advisor_tool_result": ("advisor-tool-2026-03-01",),
    "tool_addition": ("mid-conversation-tool-changes-2026-07-01",),
    "tool_removal": ("mid-conversation-tool-changes-2026-07-01",),
}

#: Beta-only tool definition types.
BETA_TOOL_TYPES: Final[dict[str, tuple[str, ...]]] = {
    "advisor_20260301": ("advisor-tool-2026-03-01",),
    "bash_20241022": ("computer-use-2024-10-22",),
    "computer_20241022": ("computer-use-2024-10-22",),
    "text_editor_20241022": ("computer-use-2024-10-22",),
    "computer_20250124": ("computer-use-2025-01-24",),
    "computer_20251124": ("computer-use-2025-11-24",),
    "mcp_toolset": _MCP[1:],
}


def betas_for(path: tuple[str | int, ...], tag: str | None) -> tuple[str, ...] | None:
    """
    Return the beta values that unlock the problem at *path* (relative to the body).

    *tag* is the unknown union tag for a tag problem, None for an extra key. Returns
    None when the location is not a beta-only field.
    """
    if tag is None:
        return BETA_FIELDS.get(tuple(str(p) for p in path))
    if len(path) == 4 and path[0] == "messages" and path[2] == "content":
        return BETA_BLOCK_TYPES.get(tag)
    if len(path) == 2 and path[0] == "tools":
        return BETA_TOOL_TYPES.get(tag)
    return None


#: Every ``anthropic-beta`` value this version knows: the ``AnthropicBetaParam`` literals of
#: the official Python SDK 2.17.0 (``anthropic/types/anthropic_beta_param.py``), plus older
#: values whose additions are GA today and Claude Code's client betas. A request sent with
#: any other value uses a beta newer than these schemas: findings about unknown keys,
#: types and values in it are warnings (`messages_schema.LintConfig.strict_unknown`).
KNOWN_BETAS: Final[frozenset[str]] = frozenset(
    {
        "computer-use-2024-10-22",
        "computer-use-2025-01-24",
        "output-128k-2025-02-19",
        "mcp-client-2025-04-04",
        "mcp-client-2025-11-20",
        "dev-full-thinking-2025-05-14",
        "interleaved-thinking-2025-05-14",
        "code-execution-2025-05-22",
        "context-1m-2025-08-07",
        "context-management-2025-06-27",
        "model-context-window-exceeded-2025-08-26",
        "fast-mode-2026-02-01",
        "output-300k-2026-03-24",
        "user-profiles-2026-03-24",
        "user-profiles-2026-08-18",
        "user-profiles-2026-09-04",
        "advisor-tool-2026-03-01",
        "managed-agents-2026-04-01",
        "dreaming-2026-04-21",
        "thinking-token-count-2026-05-13",
        "server-side-fallback-2026-06-01",
        "server-side-fallback-2026-07-01",
        "fallback-credit-2026-06-01",
        "fallback-credit-2026-07-01",
        "agent-memory-2026-07-22",
        "mid-conversation-tool-changes-2026-07-01",
        "compact-2026-01-12",
        "computer-use-2025-11-24",
        "mcp-tunnels-2026-06-22",
        "structured-outputs-2025-11-13",
        "task-budgets-2026-03-13",
        "thinking-display-updates-2026-08-18",
        "mid-conversation-output-config-2026-07-01",
        "thinking-binding-controls-2026-08-01",
        "mid-conversation-system-clear-at-2026-08-21",
        "compact-2026-09-04",
        "inline-tools-2026-09-15",
        "mcp-client-2026-09-15",
        "ce-plugins-2026-09-01",
        "spend-limit-reads-2026-09-26",
        "telemetry-destinations-2026-08-11",
        "webhooks-2026-10-07",
        "admin-user-sign-out-2026-10-08",
        "message-threads-2026-08-12",
        "analytics-usage-cost-2026-08-24",
        "experimental-claude-tag-2026-10-21",
        "message-batches-2024-09-24",
        "prompt-caching-2024-07-31",
        "pdfs-2024-09-25",
        "token-counting-2024-11-01",
        "token-efficient-tools-2025-02-19",
        "files-api-2025-04-14",
        "extended-cache-ttl-2025-04-11",
        "skills-2025-10-02",
        "cache-diagnosis-2026-04-07",
        "ce-user-management-2026-07-13",
        "ce-claude-code-managed-settings-2026-10-06",
        "efs-2026-10-01",
        "google-managed-data-controls-2026-09-01",
        "user-profiles-billing-2026-10-01",
    }
    # Betas that are no longer in the SDK's list but whose request additions these
    # schemas model (they are part of the GA request shape today), and Claude Code's
    # client betas, which add nothing to the body (under them a thinking block's
    # `cache_control` is still "Extra inputs are not permitted": router-for-me/
    # CLIProxyAPI#512, 2025-12-13). All are seen in recorded traffic.
    | {
        "tools-2024-04-04",
        "tools-2024-05-16",
        "fine-grained-tool-streaming-2025-05-14",
        "search-results-2025-06-09",
        "code-execution-2025-08-25",
        "web-fetch-2025-09-10",
        "tool-search-tool-2025-10-19",
        "advanced-tool-use-2025-11-20",
        "effort-2025-11-24",
        "claude-code-20250219",
        "oauth-2025-04-20",
    }
)


def unknown_betas(values: Iterable[str]) -> tuple[str, ...]:
    """The values of *values* that are not in `KNOWN_BETAS`, in order, each once."""
    return tuple(dict.fromkeys(v for v in values if v not in KNOWN_BETAS))
