"""The MOD family: unknown and retired ids, prefill, thinking types, system role, effort."""

from __future__ import annotations

import datetime as dt

import pytest

from messages_schema import LintConfig, Severity, lint
from messages_schema.linter import Linter


def body(model, **kw):
    out = {"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]}
    out.update(kw)
    return out


class TestRetiredModel:
    def test_warning_by_default_error_when_configured(self):
        """retired_model_is_error promotes the finding to an error."""
        doc = body("claude-3-opus-20240229")
        [warn] = lint(doc, config=LintConfig(select=["MOD002"]))
        [err] = lint(doc, config=LintConfig(select=["MOD002"], retired_model_is_error=True))
        assert warn.severity is Severity.WARNING
        assert err.severity is Severity.ERROR
        assert "2026-01-05" in err.message

    @pytest.mark.parametrize(
        ("today", "retired"),
        [
            (dt.date(2027, 1, 21), False),  # the day before `retires_at`
            (dt.date(2027, 1, 22), True),  # the day itself
            (dt.date(2030, 1, 1), True),
        ],
    )
    def test_verdict_follows_the_configured_day(self, today, retired):
        """The day is LintConfig.today: on both sides of retires_at, whatever the clock says."""
        config = LintConfig(select=["MOD002"], today=today)
        found = lint(body("claude-opus-4-5-20251101"), config=config)
        assert retired == bool(found)
        assert all("2027-01-22" in f.message for f in found)

    def test_memo_does_not_carry_a_verdict_across_days(self, monkeypatch):
        """One linter, the clock moving past retires_at: the memoised verdict follows it."""
        import messages_schema.config

        linter = Linter(LintConfig(select=["MOD002"]))
        doc = body("claude-opus-4-5-20251101")
        monkeypatch.setattr(messages_schema.config, "utc_today", lambda: dt.date(2027, 1, 21))
        before = linter.lint(doc)
        monkeypatch.setattr(messages_schema.config, "utc_today", lambda: dt.date(2027, 1, 22))
        after = linter.lint(doc)
        assert ([], ["MOD002"]) == (before, [f.code for f in after])

    def test_stored_conversation_linted_as_of_the_day_it_was_sent(self):
        """A request to a model retired since is clean as of the day it was sent."""
        doc = body("claude-3-opus-20240229")
        assert [] == lint(doc, config=LintConfig(select=["MOD002"], today="2025-06-01"))
        assert ["MOD002"] == [
            f.code for f in lint(doc, config=LintConfig(select=["MOD002"], today="2026-01-05"))
        ]


class TestUnknownModel:
    def test_is_a_warning_and_skips_model_rules(self):
        """An unknown id gives only MOD001, never an error."""
        found = lint(
            body("claude-next", max_tokens=10**7, temperature=0.5, top_p=0.5),
            config=LintConfig(select=["MOD", "LIM001", "LIM002"]),
        )
        assert [(f.code, f.severity) for f in found] == [("MOD001", Severity.WARNING)]


class TestPrefillUnsupported:
    def test_no_path_in_the_api_error(self, only_finding):
        """The finding points at the final assistant message; the API path is bare."""
        doc = body("claude-sonnet-4-6")
        doc["messages"].append({"role": "assistant", "content": "Sure:"})
        f = only_finding(doc, code="MOD003")
        assert (f.pointer, f.api_path) == ("/messages/1", "")


class TestSystemRoleUnsupported:
    def test_directive_only_form_is_not_flagged(self):
        """A system message with empty content is left alone."""
        doc = body("claude-haiku-4-5")
        doc["messages"].append({"role": "system", "content": []})
        assert lint(doc, config=LintConfig(select=["MOD005"])) == []
