"""The LIM family: model output ceilings, sampling pairs, stop sequences, metadata."""

from __future__ import annotations

from messages_schema import LintConfig, lint


def body(**kw):
    out = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    out.update(kw)
    return out


class TestMaxTokensAboveModelLimit:
    def test_message_matches_the_api(self, only_finding):
        """The message has the API's exact shape and a fix to the ceiling."""
        f = only_finding(body(model="claude-opus-4-1-20250805", max_tokens=48000), code="LIM001")
        assert f.message == (
            "max_tokens: 48000 > 32000, which is the maximum allowed number of "
            "output tokens for claude-opus-4-1-20250805"
        )
        assert f.fix.edits[0].value == 32000

    def test_config_model_overrides_the_body(self):
        """LintConfig.model decides which ceiling applies."""
        found = lint(
            body(max_tokens=100000),
            config=LintConfig(select=["LIM001"], model="claude-3-opus-20240229"),
        )
        assert [f.code for f in found] == ["LIM001"]

    def test_unknown_output_beta_skips(self):
        """An output-* beta the table does not know disables the check."""
        found = lint(
            body(model="claude-opus-4-6", max_tokens=300000),
            config=LintConfig(select=["LIM001"], betas=["output-300k-2026-03-24"]),
        )
        assert found == []


class TestStopSequences:
    def test_empty_and_whitespace_are_separate_codes(self):
        """'' is LIM003 and '\\n' is LIM004, both at the bare `stop_sequences` API path."""
        found = lint(body(stop_sequences=["", "\n", "END"]), config=LintConfig(select=["LIM"]))
        assert [(f.code, f.pointer, f.api_path) for f in found] == [
            ("LIM003", "/stop_sequences/0", "stop_sequences"),
            ("LIM004", "/stop_sequences/1", "stop_sequences"),
        ]


class TestEmailInUserId:
    def test_plain_ids_pass(self):
        """Handles and hashes with @-free text are not flagged."""
        for uid in ("user_42", "sha256:ab12", "@handle"):
            assert lint(body(metadata={"user_id": uid}), config=LintConfig(select=["LIM006"])) == []


# -- LIM006: the email test is linear and matches the plain regex --------------------

_PLAIN_EMAIL = __import__("re").compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


def test_email_test_agrees_with_the_plain_regex() -> None:
    """`_has_email` finds an address exactly where the unanchored regex search does."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from messages_schema.rules._limits import _has_email

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet="ab1.-_%+@ Z", max_size=40))
    def check(value: str) -> None:
        assert _has_email(value) == (_PLAIN_EMAIL.search(value) is not None)

    check()


def test_long_user_id_without_at_sign_lints() -> None:
    """
    A 200,000-character ``user_id`` without ``@`` is checked in linear time.

    The plain ``[...]+@`` search backtracks from every start position: on this input it
    ran for over a minute, a hang for a gateway. Now it is a single ``find``.
    """
    body = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 8,
        "metadata": {"user_id": "a" * 200_000},
        "messages": [{"role": "user", "content": "Hi"}],
    }

    codes = {f.code for f in lint(body, config=LintConfig(select=["LIM006", "LIM007"]))}

    assert codes == {"LIM007"}


_SMALL = {"model": "claude-haiku-4-5", "max_tokens": 16,
          "messages": [{"role": "user", "content": "Hi"}]}


class TestRequestTooLarge:

    def test_limits_are_the_gateways(self) -> None:
        """LIM008 flags exactly what the gateway answers 413 for (no disagreement)."""
        from messages_schema.gateway import API_BODY_LIMITS
        from messages_schema.rules._limits import SIZE_LIMITS

        assert SIZE_LIMITS["request"] == API_BODY_LIMITS["request"]
        assert SIZE_LIMITS["count_tokens"] == API_BODY_LIMITS["count_tokens"]
        assert SIZE_LIMITS["batch_request"] == API_BODY_LIMITS["batches"]

    def test_json_text_is_measured(self) -> None:
        """Bytes over the limit are flagged without a size argument; the message says both."""
        import json

        text = json.dumps({**_SMALL, "system": "x" * (32 << 20)}).encode()
        (finding,) = lint(text, config=LintConfig(select=["LIM008"]))

        assert f"{len(text):,} bytes" in finding.message
        assert "33,554,432" in finding.message
        assert "Request exceeds the maximum size" == finding.api_error

    def test_is_valid_agrees(self) -> None:
        """is_valid says False for a body over the limit, as lint reports an error."""
        from messages_schema import is_valid

        assert not is_valid(_SMALL, size=(32 << 20) + 1)
        assert is_valid(_SMALL, size=32 << 20)
