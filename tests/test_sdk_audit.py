"""
The schemas against the pinned SDK's types (``tools/sdk_audit.py``), and the audit itself.

The audit must be clean against the SDK the ``test`` extra pins, up to the reviewed
allow-list, with no stale entry; and it must notice when a key, a literal, a union
member, a required flag, a nullability or a beta mapping goes missing (tested on
in-memory copies of the schemas, never on the shipped files).
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import pytest

from messages_schema.schemas import _betas
from tools import sdk_audit
from tools.sdk_audit_draft import Drafter

ROOT = Path(__file__).resolve().parents[1]
Docs = dict[str, dict[str, Any]]


def _pinned() -> str:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = [r for r in extras["optional-dependencies"]["test"] if r.startswith("anthropic")]
    (requirement,) = found
    match = re.fullmatch(r"anthropic==([0-9.]+)", requirement)
    assert match, f"the test extra must pin one version of anthropic, not {requirement!r}"
    return match.group(1)


@pytest.fixture(scope="module")
def docs() -> Docs:
    return sdk_audit.load_schemas()


@pytest.fixture(scope="module")
def baseline(docs: Docs) -> set[str]:
    return {d.id for d in sdk_audit.audit(copy.deepcopy(docs))}


def _new(docs: Docs, baseline: set[str], mutate: Callable[[Docs], None],
         items: tuple[_betas.Unlock, ...] | None = None) -> list[str]:
    """The ids the audit reports for a mutated copy of *docs* and not for the shipped one."""
    mutated = copy.deepcopy(docs)
    mutate(mutated)
    return sorted({d.id for d in sdk_audit.audit(mutated, beta_items=items)} - baseline)


class TestAgainstThePinnedSDK:
    def test_the_installed_sdk_is_the_pinned_one(self) -> None:
        """The audit runs against exactly the version the test extra pins."""
        assert anthropic.__version__ == _pinned()

    def test_no_difference_outside_the_allow_list(self) -> None:
        """Every difference between the SDK and the schemas is reviewed."""
        report = sdk_audit.check(sdk_audit.audit(), sdk_audit.load_allow())
        assert [d.id for d in report.unexpected] == []

    def test_no_stale_allow_list_entry(self) -> None:
        """Every allow-list entry still matches a difference."""
        report = sdk_audit.check(sdk_audit.audit(), sdk_audit.load_allow())
        assert [e.pattern for e in report.stale] == []

    def test_every_entry_gives_a_reason(self) -> None:
        """An allow-list entry without a reason is not reviewed."""
        for entry in sdk_audit.load_allow():
            assert len(entry.reason.split()) >= 3, entry.pattern

    def test_the_cli_reports_clean(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`python tools/sdk_audit.py` exits 0 and says so."""
        assert sdk_audit.main([]) == 0
        out = capsys.readouterr().out
        assert f"anthropic {_pinned()}:" in out
        assert "0 not allow-listed, 0 stale entries" in out


def _defs(docs: Docs, stem: str = "request") -> dict[str, Any]:
    defs: dict[str, Any] = docs[stem]["$defs"]
    return defs


def _drop_member(union: dict[str, Any], tag: str) -> None:
    """Remove *tag* from a tagged union everywhere it is named."""
    prop = union["discriminator"]["propertyName"]
    del union["discriminator"]["mapping"][tag]
    union["properties"][prop]["enum"].remove(tag)
    union["allOf"] = [
        b for b in union["allOf"]
        if b["if"].get("properties", {}).get(prop, {}).get("const") != tag
    ]


def _drop_value(prop: dict[str, Any], value: str) -> None:
    for branch in [prop, *prop.get("anyOf", ())]:
        if value in branch.get("enum", ()):
            branch["enum"].remove(value)


class TestTheAuditNotices:
    """Testing the test: a schema that lost something is reported, at the right place."""

    def test_a_removed_key(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            del _defs(d)["ToolBash20250124Param"]["properties"]["strict"]

        assert _new(docs, baseline, mutate) == [
            "ga+beta request:ToolBash20250124Param.strict: missing in schema"
        ]

    def test_a_removed_literal(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            _drop_value(_defs(d)["ThinkingConfigAdaptiveParam"]["properties"]["display"],
                        "omitted")

        assert _new(docs, baseline, mutate) == [
            "ga+beta request:ThinkingConfigAdaptiveParam.display: "
            "literal 'omitted' missing in schema"
        ]

    def test_a_removed_union_member(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            _drop_member(_defs(d)["ContentBlockParam"], "search_result")

        assert _new(docs, baseline, mutate) == [
            "ga+beta request:ContentBlockParam{type=search_result}: member missing in schema"
        ]

    def test_a_removed_tool(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            _drop_member(_defs(d)["ToolUnion"], "web_fetch_20260318")

        assert _new(docs, baseline, mutate) == [
            "ga+beta request:ToolUnion{type=web_fetch_20260318}: member missing in schema"
        ]

    def test_a_removed_beta_member_and_its_stale_mapping(
        self, docs: Docs, baseline: set[str]
    ) -> None:
        def mutate(d: Docs) -> None:
            _drop_member(_defs(d)["ToolUnion"], "advisor_20260301")

        assert _new(docs, baseline, mutate) == [
            "beta request:ToolUnion{type=advisor_20260301}: member missing in schema",
            "data betas.toml:ToolUnion{type=advisor_20260301}: no such union member in schema",
        ]

    def test_a_removed_beta_literal(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            _drop_value(_defs(d)["ThinkingConfigEnabledParam"]["properties"]["display"],
                        "updates")

        assert _new(docs, baseline, mutate) == [
            "beta request:ThinkingConfigEnabledParam.display: literal 'updates' missing in schema",
            "data betas.toml:ThinkingConfigEnabledParam.display='updates': "
            "no such literal in schema",
        ]

    def test_a_key_made_optional(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            _defs(d)["ToolUseBlockParam"]["required"].remove("input")

        assert _new(docs, baseline, mutate) == [
            "ga+beta request:ToolUseBlockParam.input: required in SDK, optional in schema"
        ]

    def test_a_lost_null(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            props = _defs(d)["TextBlockParam"]["properties"]
            props["citations"] = props["citations"]["anyOf"][0]

        assert _new(docs, baseline, mutate) == [
            "ga+beta request:TextBlockParam.citations: nullable in SDK, not in schema"
        ]

    def test_a_response_key(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            del _defs(d, "response")["Usage"]["properties"]["output_tokens"]

        assert _new(docs, baseline, mutate) == [
            "ga+beta response:Usage.output_tokens: missing in schema"
        ]

    def test_an_extra_key(self, docs: Docs, baseline: set[str]) -> None:
        def mutate(d: Docs) -> None:
            _defs(d)["MetadataParam"]["properties"]["tenant"] = {"type": "string"}

        assert _new(docs, baseline, mutate) == [
            "ga+beta request:MetadataParam.tenant: in schema, not in SDK"
        ]


class TestTheBetaData:
    """The beta-unlock data is checked in both directions."""

    def test_an_unmapped_beta_key_is_reported(self, docs: Docs, baseline: set[str]) -> None:
        """A beta-only key the data forgets is, for the GA SDK, a key it does not know."""
        items = tuple(
            u for u in _betas.unlocks() if not (u.what == "key" and u.name == "thread")
        )
        assert _new(docs, baseline, lambda d: None, items) == [
            "ga request:MessageCreateParams.thread: in schema, not in SDK"
        ]

    def test_a_ga_key_marked_beta_is_reported(self, docs: Docs, baseline: set[str]) -> None:
        """Locking a GA key behind a beta hides it from GA callers: reported."""
        items = (*_betas.unlocks(), _betas.Unlock("key", "MessageCreateParams", "metadata",
                                                  ("context-management-2025-06-27",)))
        assert _new(docs, baseline, lambda d: None, items) == [
            "ga request:MessageCreateParams.metadata: beta-only in schema (betas.toml), GA in SDK"
        ]

    def test_an_unknown_beta_value_is_reported(self, docs: Docs, baseline: set[str]) -> None:
        items = (*_betas.unlocks(), _betas.Unlock("key", "MessageCreateParams", "thread",
                                                  ("message-threads-2099-01-01",)))
        assert _new(docs, baseline, lambda d: None, items) == [
            "data betas.toml:message-threads-2099-01-01: not in the SDK's AnthropicBetaParam"
        ]

    def test_a_mapping_to_nothing_is_reported(self, docs: Docs, baseline: set[str]) -> None:
        items = (*_betas.unlocks(), _betas.Unlock("key", "MessageCreateParams", "nope",
                                                  ("message-threads-2026-08-12",)))
        assert _new(docs, baseline, lambda d: None, items) == [
            "data betas.toml:MessageCreateParams.nope: no such key in schema"
        ]

    def test_a_mapping_to_a_missing_def_is_reported(
        self, docs: Docs, baseline: set[str]
    ) -> None:
        items = (*_betas.unlocks(), _betas.Unlock("tag", "NoSuchUnion", "x",
                                                  ("message-threads-2026-08-12",)))
        assert _new(docs, baseline, lambda d: None, items) == [
            "data betas.toml:NoSuchUnion{type=x}: no NoSuchUnion in request.schema.json"
        ]

    def test_the_shipped_data_parses_like_the_file(self) -> None:
        """`_betas.parse` of the shipped file gives the items the linter uses."""
        text = (ROOT / "src" / "messages_schema" / "data" / "betas.toml").read_text()
        assert _betas.parse(text) == _betas.unlocks()


class TestAllowList:
    def test_unlisted_and_stale_entries(self) -> None:
        """`check` separates covered, unexpected and stale."""
        found = [sdk_audit.Difference("ga", "request:X.a", "missing in schema"),
                 sdk_audit.Difference("beta", "request:X.b", "missing in schema")]
        allow = [sdk_audit.Allowed("ga request:X.*", "reviewed: test"),
                 sdk_audit.Allowed("ga request:Y.*", "reviewed: gone")]
        report = sdk_audit.check(found, allow)
        assert [d.id for d in report.unexpected] == ["beta request:X.b: missing in schema"]
        assert [e.pattern for e in report.stale] == ["ga request:Y.*"]

    def test_the_json_report(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`--json --all` lists every difference with the reason that covers it."""
        assert sdk_audit.main(["--json", "--all"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["sdk"] == _pinned()
        assert data["stale"] == []
        assert data["differences"]
        assert all(row["allowed"] for row in data["differences"])


class TestTheDraft:
    """`tools/sdk_audit_draft.py` puts back what the audit finds missing, from the SDK."""

    @pytest.mark.parametrize(
        "mutate",
        [
            pytest.param(lambda d: (_drop_member(_defs(d)["ToolUnion"], "advisor_20260301"),
                                    _defs(d).pop("AdvisorTool20260301Param")), id="member"),
            pytest.param(lambda d: _defs(d)["SystemMessageParam"]["properties"].pop("clear_at"),
                         id="key"),
            pytest.param(lambda d: _drop_value(
                _defs(d)["ThinkingConfigAdaptiveParam"]["properties"]["display"], "updates"),
                id="literal"),
        ],
    )
    def test_a_draft_restores_what_was_removed(
        self, docs: Docs, baseline: set[str], mutate: Callable[[Docs], Any]
    ) -> None:
        mutated = copy.deepcopy(docs)
        mutate(mutated)
        report = sdk_audit.check(sdk_audit.audit(mutated), sdk_audit.load_allow())
        assert report.unexpected
        drafter = Drafter(mutated["request"])
        done = [drafter.apply(d) for d in report.unexpected]
        assert any(done)
        assert {d.id for d in sdk_audit.audit(mutated)} == baseline

    @pytest.mark.parametrize(
        "mutate",
        [
            pytest.param(lambda d: (_drop_member(_defs(d, "response")["ContentBlock"],
                                                 "mcp_tool_use"),
                                    _defs(d, "response").pop("MCPToolUseBlock")), id="member"),
            pytest.param(lambda d: _defs(d, "response")["Usage"]["properties"].pop("iterations"),
                         id="key"),
            pytest.param(lambda d: _drop_value(
                _defs(d, "response")["Message"]["properties"]["stop_reason"], "compaction"),
                id="literal"),
        ],
    )
    def test_a_response_draft_restores_what_was_removed_open_and_tolerant(
        self, docs: Docs, baseline: set[str], mutate: Callable[[Docs], Any]
    ) -> None:
        """`--response` drafts open objects requiring only the tag; the rest is for review."""
        mutated = copy.deepcopy(docs)
        mutate(mutated)
        report = sdk_audit.check(sdk_audit.audit(mutated), sdk_audit.load_allow())
        assert report.unexpected
        drafter = Drafter(mutated["response"], response=True)
        assert all(drafter.apply(d) for d in report.unexpected)
        for name in drafter.made:
            node = _defs(mutated, "response")[name]
            assert "additionalProperties" not in node
            assert set(node.get("required", ())) <= {"type"}
        left = {d.id for d in sdk_audit.audit(mutated)} - baseline
        assert left == {
            f"beta response:{where}: required in SDK, optional in schema"
            for where in drafter.review
        }
