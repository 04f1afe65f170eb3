"""Findings: what the linter reports, as plain, comparable, picklable values."""

from __future__ import annotations

import enum
from typing import Any, Literal

import attrs

from messages_schema._pointer import to_json_path, to_pointer
from messages_schema._types import JSONValue, Path

__all__ = ["Applicability", "Edit", "Finding", "Fix", "Location", "Severity"]


class Severity(enum.Enum):
    """How bad a finding is."""

    #: The API rejects the payload (requests), or it breaks the documented shape.
    ERROR = "error"
    #: Accepted, but almost certainly not what was meant.
    WARNING = "warning"
    #: A normalisation or style opportunity, or a note that a check was skipped.
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for info: lower is worse."""
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Applicability(enum.Enum):
    """Whether applying a fix keeps the payload's meaning."""

    #: What the API (and so the model) sees is unchanged.
    SAFE = "safe"
    #: The fix may change what the model sees; applied only when asked.
    UNSAFE = "unsafe"


@attrs.frozen(kw_only=True)
class Edit:
    """
    One JSON Patch (RFC 6902) operation of a fix.

    Paths are tuples of segments, absolute from the document root. ``op`` is one of
    ``add``, ``remove`` and ``replace``.
    """

    op: Literal["add", "remove", "replace"]
    path: Path
    value: JSONValue = attrs.field(default=None, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the RFC 6902 spelling of this operation."""
        out: dict[str, Any] = {"op": self.op, "path": to_pointer(self.path)}
        if self.op != "remove":
            out["value"] = self.value
        return out


@attrs.frozen(kw_only=True)
class Fix:
    """
    How to repair a finding: a title and the edits that do it.

    Build one with `Fix.safe` or `Fix.unsafe`. Edits are applied by
    `messages_schema.apply_fixes`.
    """

    applicability: Applicability
    message: str
    edits: tuple[Edit, ...] = ()
    #: The name of a `messages_schema.normalize` step that does the repair on the whole
    #: document (such as ``"merge_same_role"``), for fixes no list of edits can express.
    step: str | None = None

    @classmethod
    def safe(cls, message: str, *edits: Edit) -> Fix:
        """A fix that keeps the payload's meaning."""
        return cls(applicability=Applicability.SAFE, message=message, edits=edits)

    @classmethod
    def unsafe(cls, message: str, *edits: Edit) -> Fix:
        """A fix that may change what the model sees."""
        return cls(applicability=Applicability.UNSAFE, message=message, edits=edits)

    def relocated(self, prefix: Path) -> Fix:
        """Return a copy whose edit paths are prefixed with *prefix*."""
        if not prefix or not self.edits:
            return self
        return attrs.evolve(
            self, edits=tuple(attrs.evolve(e, path=prefix + e.path) for e in self.edits)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the machine-output spelling of this fix."""
        return {
            "applicability": self.applicability.value,
            "message": self.message,
            "edits": [e.to_dict() for e in self.edits],
            "step": self.step,
        }


@attrs.frozen(kw_only=True)
class Location:
    """Where a document came from: a file, a 1-based line, a record id."""

    file: str | None = None
    line: int | None = None
    record: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the machine-output spelling of this location."""
        return {"file": self.file, "line": self.line, "record": self.record}


@attrs.frozen(kw_only=True)
class Finding:
    """
    One problem in one payload.

    Findings are values: comparable, hashable, picklable, and sorted by `path` then
    `code` wherever a list of them is returned.

    Attributes:
        code: The rule's stable code, such as ``TOOL002``.
        name: The rule's kebab-case name.
        severity: How bad it is.
        message: What is wrong, in the API's words where they are known.
        path: Segments from the document root to the offending node.
        api_path: The API's own dotted spelling of the location, with the block type
            after a content index (``messages.0.content.1.image.source``).
        api_error: The error text the API is known to answer with, when known.
        fix: How to repair it, if the rule knows.
        location: File, line and record, set by file-level APIs.
    """

    code: str
    name: str
    severity: Severity
    message: str
    path: Path = ()
    api_path: str = ""
    api_error: str | None = None
    fix: Fix | None = None
    location: Location | None = None

    @property
    def pointer(self) -> str:
        """RFC 6901 JSON Pointer of `path`, e.g. ``/messages/1/content/0``."""
        return to_pointer(self.path)

    @property
    def json_path(self) -> str:
        """``$``-rooted spelling of `path`, e.g. ``$.messages[1].content[0]``."""
        return to_json_path(self.path)

    @property
    def is_error(self) -> bool:
        """True when the severity is `Severity.ERROR`."""
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[tuple[tuple[int, str], ...], str]:
        """Key that orders findings by path (indices numerically), then code."""
        return (
            tuple((0, f"{s:020d}") if isinstance(s, int) else (1, s) for s in self.path),
            self.code,
        )

    def to_dict(self) -> dict[str, Any]:
        """
        Return the machine-output record of this finding.

        The keys are a contract: ``code``, ``name``, ``severity``, ``message``,
        ``api_path``, ``pointer``, ``fix``, ``location`` (plus ``api_error``).
        """
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "api_path": self.api_path,
            "pointer": self.pointer,
            "api_error": self.api_error,
            "fix": None if self.fix is None else self.fix.to_dict(),
            "location": None if self.location is None else self.location.to_dict(),
        }
