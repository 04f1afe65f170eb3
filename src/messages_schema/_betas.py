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
    ("context_management",): ("context-management-2025-06-27",),
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
