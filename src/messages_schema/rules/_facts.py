"""
One pass over ``messages`` whose results the ``TURN``, ``TOOL`` and ``THK`` rules share.

`scan` walks every message and block once and records what those rules ask about: how
the API merges the turns, which text is empty or whitespace-only, which ``tool_use``
ids each assistant turn opens and which ``tool_result`` blocks answer them, where the
thinking blocks are. Each rule then reads these facts instead of walking the
conversation again, so adding a rule costs little per request.

Reach the facts of a request through ``Context.conversation``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

__all__ = [
    "MEDIA_TYPES",
    "THINKING_TYPES",
    "ConversationFacts",
    "MessageFacts",
    "TurnFacts",
    "scan",
    "tool_loop",
]

#: Types inside ``tool_result`` content that the MED walk enters or reports.
MEDIA_TYPES = frozenset({"image", "document", "tool_result"})

#: Block types that count as thinking for ordering checks.
THINKING_TYPES = frozenset({"thinking", "redacted_thinking"})


class MessageFacts(NamedTuple):
    """What the rules need to know about one ``user`` or ``assistant`` message."""

    #: Index of the message in ``messages``.
    position: int
    role: str
    #: Index of the merged turn holding the message.
    turn: int
    #: True for string content.
    string: bool
    #: Number of blocks (1 for non-empty string content), -1 if content is malformed.
    blocks: int
    #: Content is ``""`` or ``[]``.
    empty: bool
    #: Non-empty, every block a ``text`` block and every text whitespace-only (not "").
    all_whitespace: bool
    #: ``type`` of the first and last block (``"text"`` for string content).
    first_type: str | None
    last_type: str | None
    #: Indices of ``thinking`` / ``redacted_thinking`` blocks, in order.
    thinking: tuple[int, ...]


# Building the tuple directly skips NamedTuple's Python-level __new__ (hot path).
_new_message = tuple.__new__
_NO_THINKING: tuple[int, ...] = ()


class TurnFacts:
    """A run of consecutive same-role messages, as the API merges them."""

    __slots__ = (
        "all_empty",
        "all_whitespace",
        "leading",
        "messages",
        "only_results",
        "results",
        "role",
        "uses",
    )

    def __init__(self, role: str) -> None:
        self.role = role
        self.messages: list[int] = []
        #: ``(message, block, id)`` of each client ``tool_use`` block, in order.
        self.uses: list[tuple[int, int, str]] = []
        #: ``(message, block, tool_use_id, leading)`` of each ``tool_result`` block;
        #: *leading* is True while no other kind of block came before it in the turn.
        self.results: list[tuple[int, int, str, bool]] = []
        #: Every message's content is empty.
        self.all_empty = True
        #: Every block of every message is whitespace-only text (and there is one).
        self.all_whitespace = True
        #: The turn has blocks and every one is a ``tool_result``.
        self.only_results = True
        #: No block other than ``tool_result`` has been seen yet (used while scanning).
        self.leading = True

    @property
    def first(self) -> int:
        """Index of the turn's first message."""
        return self.messages[0]


class ConversationFacts:
    """The facts of one request's ``messages``; see `scan`."""

    __slots__ = (
        "breakpoints",
        "by_message",
        "duplicate_uses",
        "empty_error_results",
        "empty_text",
        "last_index",
        "media_hosts",
        "same_role",
        "system",
        "thinking_messages",
        "tool_loop",
        "turns",
    )

    def __init__(self) -> None:
        #: Facts per ``user`` / ``assistant`` message, by message index.
        self.by_message: dict[int, MessageFacts] = {}
        #: Merged turns (``system`` messages are not turns and are skipped).
        self.turns: list[TurnFacts] = []
        #: Index of the last item of ``messages`` (-1 when there is none).
        self.last_index = -1
        #: Indices of ``role: system`` messages.
        self.system: list[int] = []
        #: ``(message, block)`` of ``text`` blocks whose text is ``""`` and that carry
        #: no ``cache_control`` (those are the CACHE family's).
        self.empty_text: list[tuple[int, int]] = []
        #: ``(message, block)`` of ``tool_result`` blocks with ``is_error: true`` and
        #: content ``""`` or ``[]``.
        self.empty_error_results: list[tuple[int, int]] = []
        #: Turn indices ``(start, last)`` of the assistant turns of the tool-use loop the
        #: request ends in, or None; see `scan`.
        self.tool_loop: tuple[int, int] | None = None
        #: Indices of messages that directly follow a message of the same role.
        self.same_role: list[int] = []
        #: ``(message, block, id)`` of each ``tool_use`` whose id an earlier one used.
        self.duplicate_uses: list[tuple[int, int, str]] = []
        #: Indices of ``assistant`` messages holding thinking blocks.
        self.thinking_messages: list[int] = []
        #: ``(path, cache_control)`` of every block carrying ``cache_control`` in
        #: ``messages``, blocks inside ``tool_result`` content included, in order.
        self.breakpoints: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []
        #: ``(message, block)`` of every ``image`` or ``document`` block and of every
        #: ``tool_result`` whose content holds one (the blocks the MED family walks).
        self.media_hosts: list[tuple[int, int]] = []

    @property
    def final_assistant(self) -> MessageFacts | None:
        """The last message when it is an ``assistant`` message (a prefill)."""
        facts = self.by_message.get(self.last_index)
        return facts if facts is not None and facts.role == "assistant" else None


def scan(messages: list[Any]) -> ConversationFacts:
    """
    Return the facts of *messages* after one pass over every message and block.

    Malformed items (non-objects, unknown roles, content that is neither a string
    nor a list) are skipped or recorded as malformed; the structural rules report
    them. ``tool_loop`` is set when the request ends with a ``user`` turn holding
    ``tool_result`` blocks right after an ``assistant`` turn: *last* is that
    assistant turn and *start* the earliest assistant turn reached by walking back
    over alternating assistant turns and ``user`` turns that hold ``tool_result``
    blocks.
    """
    # This loop runs once per block of every document linted: it is the linter's
    # hottest code, so it tests the common block types first and binds locals.
    facts = ConversationFacts()
    facts.last_index = len(messages) - 1
    turns = facts.turns
    by_message = facts.by_message
    empty_text = facts.empty_text
    breakpoints = facts.breakpoints
    media_hosts = facts.media_hosts
    turn: TurnFacts | None = None
    all_use_ids: set[str] = set()
    previous = -2  # index of the last user/assistant message
    t = -1
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        if role != "user" and role != "assistant":  # noqa: PLR1714 - cheapest test here
            if role == "system":
                facts.system.append(i)
            other = message.get("content")
            _collect_breakpoints(i, other, breakpoints)
            if isinstance(other, list):
                media_hosts.extend((i, j) for j in range(len(other)))
            continue
        if turn is None or turn.role != role:
            turn = TurnFacts(role)
            turns.append(turn)
            t += 1
        elif previous == i - 1:
            facts.same_role.append(i)
        previous = i
        turn.messages.append(i)
        content = message.get("content")
        if isinstance(content, str):
            turn.only_results = turn.leading = False
            if content:
                turn.all_empty = False
                ws = not content.strip()
                if not ws:
                    turn.all_whitespace = False
                by_message[i] = _new_message(
                    MessageFacts, (i, role, t, True, 1, False, ws, "text", "text", _NO_THINKING)
                )
            else:
                by_message[i] = _new_message(
                    MessageFacts, (i, role, t, True, 0, True, False, "text", "text", _NO_THINKING)
                )
            continue
        if not isinstance(content, list):
            turn.all_empty = turn.all_whitespace = turn.only_results = turn.leading = False
            by_message[i] = _new_message(
                MessageFacts, (i, role, t, False, -1, False, False, None, None, _NO_THINKING)
            )
            continue
        if not content:
            by_message[i] = _new_message(
                MessageFacts, (i, role, t, False, 0, True, False, None, None, _NO_THINKING)
            )
            continue
        turn.all_empty = False
        all_ws = True
        leading = turn.leading
        only_results = turn.only_results
        thinking: list[int] | None = None
        btype: Any = None
        for j, block in enumerate(content):
            try:
                btype = block.get("type")
            except AttributeError:  # not an object: the structural rules report it
                all_ws = leading = only_results = False
                btype = None
                continue
            if "cache_control" in block:
                cache = block["cache_control"]
                if type(cache) is dict:
                    breakpoints.append((("messages", i, "content", j), cache))
            if btype == "text":
                leading = only_results = False
                text = block.get("text")
                if not text:
                    all_ws = False
                    if text == "" and block.get("cache_control") is None:
                        empty_text.append((i, j))
                elif all_ws and (type(text) is not str or text.strip()):
                    all_ws = False
                continue
            all_ws = False
            if btype == "tool_use":
                leading = only_results = False
                uid = block.get("id")
                if type(uid) is str:
                    turn.uses.append((i, j, uid))
                    if uid in all_use_ids:
                        facts.duplicate_uses.append((i, j, uid))
                    else:
                        all_use_ids.add(uid)
            elif btype == "tool_result":
                inner = block.get("content")
                if type(inner) is list:
                    hosts_media = False
                    for k, item in enumerate(inner):
                        if not isinstance(item, dict):
                            continue
                        kind = item.get("type")
                        # A nested tool_result is malformed, but the MED walk enters it too.
                        if kind != "text" and type(kind) is str and kind in MEDIA_TYPES:
                            hosts_media = True
                        if "cache_control" in item and type(item["cache_control"]) is dict:
                            breakpoints.append(
                                (("messages", i, "content", j, "content", k), item["cache_control"])
                            )
                    if hosts_media:
                        media_hosts.append((i, j))
                tid = block.get("tool_use_id")
                if type(tid) is str:
                    turn.results.append((i, j, tid, leading))
                if block.get("is_error") is True and not inner and isinstance(inner, str | list):
                    facts.empty_error_results.append((i, j))
            else:
                leading = only_results = False
                if btype == "thinking" or btype == "redacted_thinking":  # noqa: PLR1714
                    if thinking is None:
                        thinking = [j]
                    else:
                        thinking.append(j)
                elif btype == "image" or btype == "document":  # noqa: PLR1714
                    media_hosts.append((i, j))
        first = content[0]
        first_type = first.get("type") if isinstance(first, dict) else None
        turn.leading = leading
        turn.only_results = only_results
        if thinking is not None and role == "assistant":
            facts.thinking_messages.append(i)
        if not all_ws:
            turn.all_whitespace = False
        by_message[i] = _new_message(
            MessageFacts,
            (
                i,
                role,
                t,
                False,
                len(content),
                False,
                all_ws,
                first_type if isinstance(first_type, str) else None,
                btype if isinstance(btype, str) else None,
                _NO_THINKING if thinking is None else tuple(thinking),
            ),
        )
    for turn_facts in turns:
        if turn_facts.all_empty:
            turn_facts.all_whitespace = False
    facts.tool_loop = tool_loop([tf.role for tf in turns], [bool(tf.results) for tf in turns])
    return facts


def _collect_breakpoints(
    i: int, content: Any, out: list[tuple[tuple[str | int, ...], dict[str, Any]]]
) -> None:
    """Breakpoints of a message `scan` does not otherwise walk (system or unknown role)."""
    if not isinstance(content, list):
        return
    for j, block in enumerate(content):
        if not isinstance(block, dict):
            continue
        if isinstance(block.get("cache_control"), dict):
            out.append((("messages", i, "content", j), block["cache_control"]))
        inner = block.get("content")
        if block.get("type") == "tool_result" and isinstance(inner, list):
            for k, item in enumerate(inner):
                if isinstance(item, dict) and isinstance(item.get("cache_control"), dict):
                    out.append((("messages", i, "content", j, "content", k), item["cache_control"]))


def tool_loop(roles: Sequence[str], has_results: Sequence[bool]) -> tuple[int, int] | None:
    """
    Turn indices ``(start, last)`` of the tool-use loop the conversation ends in, or None.

    See `scan` for the loop. *roles* and *has_results* give, per merged turn, its role
    and whether it holds a ``tool_result`` block; the signals pass
    (`messages_schema.rules._signals`) calls it too.
    """
    n = len(roles)
    if n < 2 or roles[-1] != "user" or not has_results[-1]:
        return None
    last = n - 2
    if roles[last] != "assistant":
        return None
    start = last
    while start >= 2 and has_results[start - 1] and roles[start - 2] == "assistant":
        start -= 2
    return start, last
