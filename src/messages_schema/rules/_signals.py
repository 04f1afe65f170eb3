"""
Signals: one light pass over ``messages`` that says which rules could have anything to say.

`signals` walks every message and block once, like `messages_schema.rules._facts.scan`,
but keeps no per-message or per-turn records: it only raises named signals, such as
``@media`` (an image or document somewhere) or ``@unanswered_tool_use`` (a ``tool_use``
id that no leading ``tool_result`` of the next turn answers). The linter calls a rule
gated on signals (`messages_schema.rules._gates`) only when one of them is raised, so
on the common valid request the full scan, and the rules that read it, never run.

Each signal is a *necessary condition* for its rules to fire, never a verdict: where the
exact condition would cost more than the pass, the signal is raised more often than
needed (``@whitespace`` for any whitespace-only text, though the rule needs a whole turn
of it). The rules still decide from the full facts. The gating tests
(``test_gates_never_hide_a_finding``, ``test_gating_changes_no_finding``) check that
gated and ungated linting agree.
"""

from __future__ import annotations

from typing import Any, Final

from messages_schema.rules._facts import MEDIA_TYPES, tool_loop

__all__ = ["SIGNALS", "signals"]

#: Every signal `signals` (and `messages_schema.rules._gates.present_tokens`) may raise.
SIGNALS: Final = frozenset(
    {
        "@cache_count",
        "@cache_empty_text",
        "@cache_long_ttl",
        "@duplicate_uses",
        "@empty_error_results",
        "@empty_message",
        "@empty_text",
        "@loop_without_thinking",
        "@media",
        "@prefill",
        "@same_role",
        "@system_messages",
        "@thinking_blocks",
        "@thinking_not_first",
        "@unanswered_tool_use",
        "@unmatched_tool_result",
        "@whitespace",
    }
)

#: Most cache breakpoints the API accepts (CACHE001).
_MAX_BREAKPOINTS: Final = 4


class CacheCount:
    """Breakpoints seen so far, and whether one asks for the 1-hour TTL."""

    __slots__ = ("count", "long_ttl")

    def __init__(self) -> None:
        self.count = 0
        self.long_ttl = False

    def add_items(self, items: Any) -> None:
        """Count the ``cache_control`` of each object in *items* (a list, or anything else)."""
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and "cache_control" in item:
                    self.add(item["cache_control"])

    def add(self, control: Any) -> None:
        """Count one ``cache_control`` value (only objects are breakpoints)."""
        if isinstance(control, dict):
            self.count += 1
            if control.get("ttl") == "1h":
                self.long_ttl = True

    def raise_signals(self, found: set[str]) -> None:
        """Add the CACHE signals these breakpoints call for to *found*."""
        if self.count > _MAX_BREAKPOINTS:
            found.add("@cache_count")
        if self.long_ttl:
            found.add("@cache_long_ttl")


def signals(messages: list[Any], cache: CacheCount | None = None) -> set[str]:
    """
    Return the signals *messages* raise; count their breakpoints into *cache*.

    Turns are tracked as the API merges them (consecutive ``user`` or ``assistant``
    messages form one turn; ``system`` messages are skipped), by index only.
    """
    found: set[str] = set()
    add = found.add
    cache = cache if cache is not None else CacheCount()
    # Per turn: its role, whether it holds a tool_result, the type of its first block.
    roles: list[str] = []
    has_results: list[bool] = []
    firsts: list[Any] = []
    role_of_turn: Any = None
    previous = -2  # index of the last user/assistant message
    t = -1
    leading = True  # no block but tool_result seen yet in the turn
    use_ids: set[str] = set()
    # Pairing, keyed by the assistant turn (see `_facts.scan` for the rule it mirrors).
    offered: set[tuple[int, str]] = set()
    claimed: set[tuple[int, str]] = set()
    answered: set[tuple[int, str]] = set()
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        if role != "user" and role != "assistant":  # noqa: PLR1714 - cheapest test here
            if role == "system":
                add("@system_messages")
            _other_role(message.get("content"), found, cache)
            continue
        if role != role_of_turn:
            role_of_turn = role
            t += 1
            roles.append(role)
            has_results.append(False)
            firsts.append(None)
            first_pending = True
            leading = True
        elif previous == i - 1:
            add("@same_role")
        previous = i
        content = message.get("content")
        if isinstance(content, str):
            leading = False
            if not content:
                add("@empty_message")
                continue
            if first_pending:
                firsts[t], first_pending = "text", False
            # `isspace` is `not strip()` for non-empty text, without copying it.
            if content.isspace():
                add("@whitespace")
            continue
        if not isinstance(content, list):
            leading = False
            continue
        if not content:
            add("@empty_message")
            continue
        if first_pending:
            firsts[t], first_pending = _type_of(content[0]), False
        for block in content:
            try:
                btype = block.get("type")
            except AttributeError:  # not an object: the structural rules report it
                leading = False
                continue
            if "cache_control" in block:
                cache.add(block["cache_control"])
            if btype == "text":
                leading = False
                text = block.get("text")
                if text == "":
                    add("@empty_text")
                    if "cache_control" in block:
                        add("@cache_empty_text")
                elif type(text) is str and text.isspace():
                    add("@whitespace")
                continue
            if btype == "tool_use":
                leading = False
                uid = block.get("id")
                if type(uid) is str:
                    if uid in use_ids:
                        add("@duplicate_uses")
                    else:
                        use_ids.add(uid)
                    if role == "assistant":
                        offered.add((t, uid))
            elif btype == "tool_result":
                inner = block.get("content")
                if type(inner) is list:
                    for item in inner:
                        if not isinstance(item, dict):
                            continue
                        kind = item.get("type")
                        if kind != "text" and type(kind) is str and kind in MEDIA_TYPES:
                            add("@media")
                        if "cache_control" in item:
                            cache.add(item["cache_control"])
                tid = block.get("tool_use_id")
                if type(tid) is str:
                    has_results[t] = True
                    if role == "user":
                        key = (t - 1, tid)
                        claimed.add(key)
                        if leading:
                            answered.add(key)
                if block.get("is_error") is True and not inner and isinstance(inner, str | list):
                    add("@empty_error_results")
            else:
                leading = False
                if btype == "thinking" or btype == "redacted_thinking":  # noqa: PLR1714
                    if role == "assistant":
                        add("@thinking_blocks")
                        first_type = _type_of(content[0])
                        if first_type != "thinking" and first_type != "redacted_thinking":  # noqa: PLR1714
                            add("@thinking_not_first")
                elif btype == "image" or btype == "document":  # noqa: PLR1714
                    add("@media")
    if messages:
        last = messages[-1]
        if isinstance(last, dict) and last.get("role") == "assistant":
            add("@prefill")
    if offered and not answered.issuperset(offered):
        add("@unanswered_tool_use")
    if claimed and not offered.issuperset(claimed):
        add("@unmatched_tool_result")
    if _loop_without_thinking(roles, has_results, firsts):
        add("@loop_without_thinking")
    cache.raise_signals(found)
    return found


def _type_of(block: Any) -> Any:
    return block.get("type") if isinstance(block, dict) else None


def _other_role(content: Any, found: set[str], cache: CacheCount) -> None:
    """A ``system`` (or unknown-role) message: every block is a media host to the scan."""
    if not isinstance(content, list) or not content:
        return
    found.add("@media")
    for block in content:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if "cache_control" in block:
            cache.add(block["cache_control"])
            if kind == "text" and block.get("text") == "":
                found.add("@cache_empty_text")
        inner = block.get("content")
        if kind == "tool_result" and isinstance(inner, list):
            for item in inner:
                if isinstance(item, dict) and "cache_control" in item:
                    cache.add(item["cache_control"])


def _loop_without_thinking(roles: list[str], has_results: list[bool], firsts: list[Any]) -> bool:
    """
    Whether the request ends in a tool-use loop whose assistant turns all open without thinking.

    That is what THK006 needs; the loop is the one `_facts.scan` finds.
    """
    loop = tool_loop(roles, has_results)
    if loop is None:
        return False
    start, last = loop
    opening = (firsts[t] for t in range(start, last + 1, 2))
    # `==`, not a set test: a malformed `type` may be unhashable (a list or an object).
    return not any(first == "thinking" or first == "redacted_thinking" for first in opening)  # noqa: PLR1714
