"""The MOD family: unknown and retired ids, prefill, thinking types, system role, effort."""

from __future__ import annotations

from messages_schema import LintConfig, Severity, lint


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
