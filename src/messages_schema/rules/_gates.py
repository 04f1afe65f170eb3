"""
Gates: top-level request keys without which a rule cannot fire.

A rule about `stop_sequences` has nothing to say about a request without that key,
so the linter skips it with one dictionary lookup instead of calling it. A gate is a
necessary condition only: every rule still checks everything it needs. The property
test ``test_gates_never_hide_a_finding`` checks gated and ungated linting agree.
"""

from __future__ import annotations

from typing import Final

#: Rule code -> top-level keys of the request body; the rule runs if any is present.
GATES: Final[dict[str, tuple[str, ...]]] = {
    "LIM002": ("top_p",),
    "LIM003": ("stop_sequences",),
    "LIM004": ("stop_sequences",),
    "LIM006": ("metadata",),
    "LIM007": ("metadata",),
    "MOD004": ("thinking",),
    "MOD006": ("output_config",),
    "MOD007": ("temperature", "top_p", "top_k"),
    "MOD008": ("thinking",),
    "THK001": ("thinking",),
    "THK002": ("temperature",),
    "THK003": ("top_k",),
    "THK004": ("top_p",),
    "THK005": ("tool_choice",),
    "THK006": ("thinking",),
    "TOOL004": ("tools",),
    "TOOL005": ("tools",),
    "TOOL006": ("tools",),
    "TOOL007": ("tool_choice",),
    "TOOL008": ("tools",),
}


def keys_for(code: str) -> tuple[str, ...] | None:
    """The keys gating *code*, or None when it always runs."""
    return GATES.get(code)
