"""
The public strategies of `messages_schema.strategies`, pinned on a few derandomized
examples: what they draw lints clean, bad arguments raise `InvalidArgument`,
`invalid_requests` covers the request rules, and ``st.from_type`` works through the
``hypothesis`` entry point.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from messages_schema import is_valid, lint, models
from messages_schema import strategies as ms
from messages_schema.rules import RULES

#: Few, reproducible examples: this file pins behaviour, property_tests/ hunts bugs.
PINNED = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _errors(document: Any, kind: str = "request") -> list[dict[str, Any]]:
    return [f.to_dict() for f in lint(document, kind=kind) if f.is_error]


class TestValidOutput:
    @pytest.mark.parametrize(
        "strategy",
        [
            ms.requests(),
            ms.requests(thinking=True, end_in_tool_loop=True),
            ms.requests(thinking="adaptive", models=["claude-opus-4-7"]),
            ms.requests(prefill=True, models=["claude-opus-4-5"]),
            ms.conversations(),
            ms.conversations(split_turns=True, tools=True),
            ms.conversations(thinking=False, tools=False, max_turns=1),
        ],
        ids=repr,
    )
    def test_requests_lint_clean(self, strategy: st.SearchStrategy[Any]) -> None:
        """Drawn request bodies have no error finding."""

        @PINNED
        @given(strategy)
        def check(body: dict[str, Any]) -> None:
            assert [] == _errors(body)

        check()

    @pytest.mark.parametrize("kind", ["text", "image", "document"])
    def test_content_blocks_lint_clean(self, kind: str) -> None:
        """Each block type drawn by content_blocks() is valid in a user turn."""

        @PINNED
        @given(ms.content_blocks(types=[kind]))
        def check(block: dict[str, Any]) -> None:
            assert kind == block["type"]
            body = {
                "model": "claude-opus-4-5",
                "max_tokens": 16,
                "messages": [{"role": "user", "content": [block, {"type": "text", "text": "?"}]}],
            }
            assert [] == _errors(body)

        check()

    def test_tools_lint_clean(self) -> None:
        """Tool definitions drawn by tools() are valid."""

        @PINNED
        @given(st.lists(ms.tools(), min_size=1, max_size=3, unique_by=lambda t: t["name"]))
        def check(tools: list[dict[str, Any]]) -> None:
            body = {
                "model": "claude-opus-4-5",
                "max_tokens": 16,
                "tools": tools,
                "messages": [{"role": "user", "content": "Hi"}],
            }
            assert [] == _errors(body)

        check()

    def test_responses_and_streams_lint_clean(self) -> None:
        """Responses and their rendered event streams have no error finding."""

        @PINNED
        @given(ms.responses(), ms.stream_events())
        def check(message: dict[str, Any], events: list[dict[str, Any]]) -> None:
            assert [] == _errors(message, "response")
            assert [] == _errors(events, "stream")

        check()

    def test_beta_response_blocks_stream_and_accumulate_back(self) -> None:
        """Asked for, ``mcp_tool_use`` and ``compaction`` blocks lint clean and round-trip."""
        from hypothesis import find

        from messages_schema.stream import StreamAccumulator

        kinds = ("text", "mcp_tool_use", "compaction")

        @PINNED
        @given(st.data())
        def check(data: st.DataObject) -> None:
            message = data.draw(ms.responses(block_types=kinds, max_blocks=3))
            assert {b["type"] for b in message["content"]} <= set(kinds)
            events = data.draw(ms.stream_events(message=message))
            assert [] == lint(message, kind="response")
            assert [] == lint(events, kind="stream")
            acc = StreamAccumulator()
            for event in events:
                acc.feed(event)
            assert message == acc.message
            assert acc.unapplied == []

        check()
        drawn = find(
            ms.responses(block_types=kinds),
            lambda m: {"mcp_tool_use", "compaction"} <= {b["type"] for b in m["content"]},
            settings=settings(database=None, derandomize=True, max_examples=500),
        )
        assert all(b.get("server_name") for b in drawn["content"] if b["type"] == "mcp_tool_use")

    def test_schema_documents_pass_the_schema(self) -> None:
        """schema_documents() draws documents without SCH errors."""

        @PINNED
        @given(ms.schema_documents("response"))
        def check(document: Any) -> None:
            assert [] == [f for f in _errors(document, "response") if f["code"] < "SCH1"]

        check()

    def test_minimal_request(self) -> None:
        """The simplest drawn request is one user message with one short text block."""
        from hypothesis import find

        found = find(
            ms.requests(models=["claude-opus-4-5"]),
            lambda _: True,
            settings=settings(database=None, derandomize=True, max_examples=200),
        )

        [message] = found["messages"]
        [block] = message["content"]
        assert ("user", "text") == (message["role"], block["type"])
        assert len(block["text"]) <= 8
        assert {"model", "max_tokens", "messages"} == set(found)


class TestInvalidRequests:
    def test_covers_every_request_rule_family(self) -> None:
        """Every request rule code but MED009 and LIM008 has a mutation (some with a config)."""
        families = ("TURN", "TOOL", "THK", "CACHE", "LIM", "MED", "MOD", "OUT", "VER")
        # LIM008 measures the body's bytes: its mutation would be a 32 MiB document (its
        # fixture passes `size=` instead).
        expected = {c for c in RULES if c.startswith(families)} - {"MED009", "LIM008"}

        assert expected <= {*ms.INVALID_REQUEST_CODES, *ms.CONFIGURED_REQUEST_CODES}

    def test_covers_the_main_structural_codes(self) -> None:
        """SCH000-SCH008 and SCH010 have mutations; only crash/response/env codes do not."""
        sch = {c for c in RULES if c.startswith("SCH")}
        # SCH013 and SCH014 are notes (an unknown beta in the config; an error envelope).
        notes = {"SCH009", "SCH011", "SCH012", "SCH013", "SCH014", "SCH099"}

        assert sch - set(ms.INVALID_REQUEST_CODES) == notes

    @pytest.mark.parametrize("code", ms.INVALID_REQUEST_CODES)
    def test_mutation_is_reported(self, code: str) -> None:
        """Each mutation is reported with its code at its pointer, and is_valid agrees."""

        @settings(PINNED, max_examples=2)
        @given(ms.invalid_requests([code], with_pointer=True))
        def check(case: tuple[Any, str, str]) -> None:
            payload, expected, pointer = case
            findings = lint(payload)
            assert (expected, pointer) in {(f.code, f.pointer) for f in findings}
            assert is_valid(payload) == (not any(f.is_error for f in findings))

        check()

    @pytest.mark.parametrize("code", ms.CONFIGURED_REQUEST_CODES)
    def test_configured_mutation_is_reported_under_its_config(self, code: str) -> None:
        """A VER mutation is reported under the yielded config and is valid without it."""

        @settings(PINNED, max_examples=3)
        @given(ms.invalid_requests([code], with_pointer=True, with_config=True))
        def check(case: tuple[Any, str, str, Any]) -> None:
            payload, expected, pointer, config = case
            found = lint(payload, config=config)
            assert (expected, pointer) in {(f.code, f.pointer) for f in found}
            assert is_valid(payload)

        check()

    def test_configured_codes_need_with_config(self) -> None:
        """Asking for a VER code without with_config names the code and the argument."""
        with pytest.raises(InvalidArgument, match="with_config"):
            ms.invalid_requests(["VER002"])

    def test_pairs_by_default(self) -> None:
        """Without with_pointer the strategy draws (payload, code) pairs."""

        @PINNED
        @given(ms.invalid_requests(["TURN001", "LIM003"]))
        def check(case: tuple[Any, ...]) -> None:
            assert len(case) == 2
            assert case[1] in ("TURN001", "LIM003")

        check()


class TestArgumentValidation:
    @pytest.mark.parametrize(
        ("make", "argument"),
        [
            (lambda: ms.requests(max_turns=0), "max_turns"),
            (lambda: ms.requests(max_turns="3"), "max_turns"),
            (lambda: ms.requests(tools="yes"), "tools"),
            (lambda: ms.requests(thinking="sometimes"), "thinking"),
            (lambda: ms.requests(models=[]), "models"),
            (lambda: ms.requests(models="claude-opus-4-5"), "models"),
            (lambda: ms.requests(thinking="adaptive", models=["claude-opus-4-5"]), "models"),
            (lambda: ms.requests(prefill=True, models=["claude-opus-4-6"]), "models"),
            (lambda: ms.requests(prefill=True, thinking=True), "prefill"),
            (lambda: ms.requests(end_in_tool_loop=True, tools=False), "end_in_tool_loop"),
            (lambda: ms.requests(split_turns=1), "split_turns"),
            (lambda: ms.conversations(end_in_tool_loop=True, max_turns=2), "max_turns"),
            (lambda: ms.content_blocks(types=["video"]), "types"),
            (lambda: ms.content_blocks(types=[]), "types"),
            (lambda: ms.tools(names=["has space"]), "names"),
            (lambda: ms.responses(block_types=["image"]), "block_types"),
            (lambda: ms.responses(max_blocks=-1), "max_blocks"),
            (lambda: ms.stream_events(message={"content": "x"}), "message"),
            (lambda: ms.stream_events(pings=None), "pings"),
            (lambda: ms.invalid_requests(["NOPE001"]), "codes"),
            (lambda: ms.invalid_requests("TURN001"), "codes"),
            (lambda: ms.invalid_requests(with_pointer="yes"), "with_pointer"),
            (lambda: ms.schema_documents("stream"), "kind"),
        ],
    )
    def test_bad_argument_raises_eagerly(self, make: Any, argument: str) -> None:
        """A bad argument raises InvalidArgument naming it, before anything is drawn."""
        with pytest.raises(InvalidArgument, match=argument):
            make()


class TestFromType:
    @pytest.mark.parametrize(
        "cls",
        [
            models.Message,
            models.MessageCreateParams,
            models.TextBlockParam,
            models.ImageBlockParam,
            models.DocumentBlockParam,
            models.ToolParam,
            models.TextBlock,
            models.ToolUseBlock,
            models.ThinkingBlock,
            models.UserMessageParam,
            models.AssistantMessageParam,
        ],
        ids=lambda cls: cls.__name__,
    )
    def test_from_type_draws_models(self, cls: type[Any]) -> None:
        """st.from_type works for the main models through the `hypothesis` entry point."""

        @settings(PINNED, max_examples=3)
        @given(st.from_type(cls))
        def check(value: Any) -> None:
            assert isinstance(value, cls)

        check()

    def test_entry_point_is_installed(self) -> None:
        """The package declares its setup hook in the `hypothesis` entry-point group."""
        from importlib.metadata import entry_points

        values = {e.value for e in entry_points(group="hypothesis")}

        assert "messages_schema.models._hypothesis:setup_hook" in values

    @pytest.mark.parametrize(
        "code",
        [
            "import messages_schema.strategies",
            "from messages_schema.strategies import requests; import hypothesis",
            "import hypothesis; import messages_schema.strategies",
        ],
    )
    def test_bare_import_in_a_fresh_interpreter(self, code: str) -> None:
        """The strategies import on their own, before or after Hypothesis (no hook cycle)."""
        import subprocess
        import sys

        probe = (
            f"{code}\n"
            "from hypothesis import given, settings, strategies as st\n"
            "from messages_schema import models\n"
            "@settings(max_examples=2, database=None)\n"
            "@given(st.from_type(models.Message))\n"
            "def t(m): assert isinstance(m, models.Message)\n"
            "t()\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
            check=False,
        )
        assert (0, "") == (done.returncode, done.stderr)

    def test_without_hypothesis_the_import_names_the_extra(self) -> None:
        """Without Hypothesis installed, importing the strategies says which extra to install."""
        import subprocess
        import sys

        probe = (
            "import sys\n"
            "sys.modules['hypothesis'] = None  # as if the extra were not installed\n"
            "try:\n"
            "    import messages_schema.strategies\n"
            "except ImportError as exc:\n"
            "    print(exc)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
            check=False,
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert "pip install 'messages-schema[hypothesis]'" in done.stdout

    def test_every_hooked_model_has_a_strategy(self) -> None:
        """The entry point's list and `model_strategy` name the same classes."""
        from messages_schema.models._hypothesis import FROM_TYPE_MODELS
        from messages_schema.strategies import model_strategy

        for name in FROM_TYPE_MODELS:
            assert model_strategy(getattr(models, name)) is not None
        with pytest.raises(InvalidArgument):
            model_strategy(models.Usage)


def test_package_never_imports_strategies() -> None:
    """No other module imports messages_schema.strategies at import time (the hook defers)."""
    import ast
    from pathlib import Path

    package = Path(ms.__file__).parents[1]  # strategies/__init__.py -> messages_schema/
    offenders = []
    for path in package.rglob("*.py"):
        if path.parent.name == "strategies":  # the strategies package itself
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only: imports inside functions are lazy
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
            if any("strategies" in n for n in names):
                offenders.append(path.name)

    assert [] == offenders
