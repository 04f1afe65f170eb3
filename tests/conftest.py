"""Shared fixtures: a default linter and `only_finding`, which insists on exactly one finding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from messages_schema import Finding, LintConfig, lint


@pytest.fixture
def only_finding() -> Callable[..., Finding]:
    """Lint with only *code* selected and return the single finding (fails otherwise)."""

    def run(document: Any, *, code: str, kind: str = "request", **config: Any) -> Finding:
        findings = lint(document, kind=kind, config=LintConfig(select=[code], **config))
        assert len(findings) == 1, f"expected exactly one {code} finding, got {findings!r}"
        return findings[0]

    return run


def minimal_request(**overrides: Any) -> dict[str, Any]:
    """A small valid request body; keyword arguments replace or add top-level keys."""
    body: dict[str, Any] = {
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Hello"}],
    }
    body.update(overrides)
    return body
