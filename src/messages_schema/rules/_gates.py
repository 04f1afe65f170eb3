"""
Gates: what must be present in a request for a rule to have anything to say.

A gate is a set of tokens; the linter calls the rule only if at least one of them is
present. A token is either a top-level key of the request body (a rule about
`stop_sequences` has nothing to say about a request without that key) or a *signal*
raised by the light pass over the messages (`messages_schema.rules._signals`), such as
``@media`` (an image or document block somewhere) or ``@unanswered_tool_use``. On the
common valid request most rules are skipped, and the full conversation scan they share
(`messages_schema.rules._facts`) is never built.

A gate is a necessary condition only: every rule still checks everything it needs. The
tests ``test_gates_never_hide_a_finding`` (every fixture) and
``test_gating_changes_no_finding`` (generated and mutated requests) check that gated
and ungated linting agree.
"""

from __future__ import annotations

from typing import Any, Final

from messages_schema.rules._signals import CacheCount, signals

__all__ = ["GATES", "PARAMETER_KEYS", "PARAMETER_RULES", "keys_for", "present_tokens"]

#: Rule code -> tokens (top-level keys or ``@`` signals); the rule runs if any is present.
GATES: Final[dict[str, tuple[str, ...]]] = {
    # Breakpoints counted across tools, system and messages (see `present_tokens`).
    "CACHE001": ("@cache_count",),
    "CACHE002": ("@cache_empty_text",),
    "CACHE003": ("@cache_long_ttl",),
    "CACHE004": ("cache_control",),
    "LIM002": ("top_p",),
    "LIM003": ("stop_sequences",),
    "LIM004": ("stop_sequences",),
    "LIM006": ("metadata",),
    "LIM007": ("metadata",),
    # Every MED rule reads the image and document blocks the scan found, and only them.
    **{f"MED{n:03d}": ("@media",) for n in range(1, 11)},
    "MOD003": ("@prefill",),
    "MOD004": ("thinking",),
    "MOD005": ("@system_messages",),
    "MOD006": ("output_config",),
    "MOD007": ("temperature", "top_p", "top_k"),
    "MOD008": ("thinking",),
    "MOD009": ("tool_choice",),
    "MOD010": ("thinking",),
    "MOD011": ("tools",),
    "MOD012": ("fallbacks",),
    "MOD013": ("tools",),
    "THK001": ("thinking",),
    "THK002": ("temperature",),
    "THK003": ("top_k",),
    "THK004": ("top_p",),
    "THK005": ("tool_choice",),
    "THK006": ("@loop_without_thinking",),
    "THK007": ("@thinking_not_first",),
    "THK008": ("@prefill",),
    "THK009": ("@thinking_blocks",),
    "THK010": ("context_management",),
    # The scan checks pairing by set inclusion; the rules run only to explain a failure.
    "TOOL001": ("@unanswered_tool_use",),
    "TOOL002": ("@unmatched_tool_result",),
    "TOOL003": ("@duplicate_uses",),
    "TOOL004": ("tools",),
    "TOOL005": ("tools",),
    "TOOL006": ("tools",),
    "TOOL007": ("tool_choice",),
    "TOOL008": ("tools",),
    "TOOL009": ("@empty_error_results",),
    "TOOL010": ("tools",),
    "TOOL011": ("tools",),
    "TOOL012": ("tool_choice",),
    "TURN001": ("@empty_text",),
    "TURN002": ("@whitespace",),
    "TURN003": ("@empty_message",),
    "TURN004": ("@prefill",),
    "TURN005": ("@same_role",),
    "TURN006": ("@system_messages",),
    "OUT001": ("output_config", "output_format", "tools"),
    "OUT002": ("output_config", "output_format", "tools"),
    "OUT003": ("tools",),
    "OUT004": ("output_config", "output_format", "tools"),
    "OUT005": ("output_config", "output_format", "tools"),
    "OUT006": ("output_format",),
    "OUT007": ("output_config", "output_format"),
    "OUT008": ("output_config", "output_format"),
    "TURN008": ("system",),
    "VER001": ("temperature", "top_p", "top_k"),
    "VER002": ("@media",),
}


#: Top-level keys that the `PARAMETER_RULES` read (besides the configuration, the model's
#: capabilities and today's date). Requests repeat them far more than their messages.
PARAMETER_KEYS: Final = (
    "model",
    "max_tokens",
    "temperature",
    "top_p",
    "top_k",
    "stop_sequences",
    "metadata",
    "thinking",
    "output_config",
    "tool_choice",
)

#: Rules whose verdict depends only on the `PARAMETER_KEYS` of the body, the linter's
#: configuration, the model's capabilities and the date: the linter memoises their
#: violations per distinct parameters (see ``Linter._parameter_rules``).
PARAMETER_RULES: Final = frozenset(
    {
        "LIM001", "LIM002", "LIM003", "LIM004", "LIM006", "LIM007",
        "MOD001", "MOD002", "MOD004", "MOD006", "MOD007", "MOD008",
        "THK001", "THK002", "THK003", "THK004", "THK005",
    }
)  # fmt: skip


def keys_for(code: str) -> tuple[str, ...] | None:
    """The tokens gating *code*, or None when it always runs."""
    return GATES.get(code)


def present_tokens(body: dict[str, Any], messages: list[Any]) -> set[str]:
    """The gate tokens present in *body*: its top-level keys and the signals it raises."""
    cache = CacheCount()
    cache.add_items(body.get("tools"))
    cache.add_items(body.get("system"))
    present = signals(messages, cache)
    present.update(body)
    return present
