"""The gate table (`messages_schema.rules._gates`) names only real rules and real signals."""

from __future__ import annotations

from messages_schema import Linter
from messages_schema.rules import RULES
from messages_schema.rules._facts import SIGNALS, scan
from messages_schema.rules._gates import GATES, present_tokens


def test_gates_name_rules_and_signals() -> None:
    """Every gated code is a rule; every ``@`` token is a signal `scan` can raise."""
    assert set(GATES) <= set(RULES)
    tokens = {t for gate in GATES.values() for t in gate}
    assert {t for t in tokens if t.startswith("@")} <= SIGNALS


def test_a_plain_chat_raises_no_signal() -> None:
    """A two-message text chat raises no signal, so the gated rules are skipped."""
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello."}]},
            {"role": "user", "content": "Bye"},
        ],
    }

    assert present_tokens(body, scan(body["messages"])) == {"model", "max_tokens", "messages"}


def test_cache_signal_covers_tools_and_system() -> None:
    """``@cache`` is raised for breakpoints in `tools` and `system`, not only in messages."""
    marker = {"cache_control": {"type": "ephemeral"}}
    in_tools = {"tools": [{"name": "t", "input_schema": {"type": "object"}, **marker}]}
    in_system = {"system": [{"type": "text", "text": "s", **marker}]}

    for body in (in_tools, in_system):
        assert "@cache" in present_tokens(body, scan([]))


def test_media_signal_skips_tool_results_without_media() -> None:
    """A `tool_result` holding only text is no media host; one holding an image is."""
    text_only = [
        {"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": "ok"}]}
    ]
    image = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    with_image = [{"type": "tool_result", "tool_use_id": "t1", "content": [image]}]

    assert "@media" not in scan([{"role": "user", "content": text_only}]).signals
    assert "@media" in scan([{"role": "user", "content": with_image}]).signals


def test_gated_linter_skips_media_rules_on_text(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With no media in the request, the MED rules are not even called."""
    from messages_schema.rules import _media

    calls: list[int] = []
    original = _media.media_refs
    monkeypatch.setattr(_media, "media_refs", lambda ctx: calls.append(1) or original(ctx))
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 8,
        "messages": [{"role": "user", "content": "Hi"}],
    }

    Linter().lint(body)
    assert calls == []
    Linter(gating=False).lint(body)
    assert calls != []
