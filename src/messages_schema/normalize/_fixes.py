"""
Applying the fixes that findings carry, ruff-style.

`apply_fixes` applies one pass: the JSON Patch edits of every fix of the chosen
applicability, skipping fixes whose edits overlap one already taken, then the
normalize steps that fixes name. `fix_until_stable` loops lint, apply, until no
fixable finding is left, so skipped fixes get their turn on the next pass.

Both are pure: the input document is never modified.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any, Final

import orjson

from messages_schema._types import JSONObject, JSONValue, Path
from messages_schema.config import LintConfig
from messages_schema.findings import Applicability, Edit, Finding, Fix
from messages_schema.normalize._steps import STEPS

__all__ = ["apply_fixes", "fix_until_stable", "fixable"]

_INF: Final = float("inf")


def fixable(finding: Finding, *, unsafe: bool = False) -> bool:
    """
    Whether *finding* has a fix that `apply_fixes` would try with *unsafe*.

    .. versionadded:: 0.1.0
    """
    fix = finding.fix
    if fix is None or not (fix.edits or fix.step):
        return False
    return fix.applicability is Applicability.SAFE or unsafe


def _overlaps(a: Path, b: Path) -> bool:
    """Whether one path is a prefix of (or equal to) the other."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _seg_key(seg: str | int) -> tuple[int, float, str]:
    if isinstance(seg, int):
        return (0, seg, "")
    if seg == "-":  # JSON Patch "append": after every index
        return (0, _INF, "")
    return (1, 0, seg)


def _path_key(path: Path) -> tuple[tuple[int, float, str], ...]:
    return tuple(_seg_key(s) for s in path)


def _resolve(document: Any, path: Path) -> tuple[bool, Any]:
    node = document
    for seg in path:
        in_object = isinstance(node, dict) and isinstance(seg, str) and seg in node
        in_array = isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)
        if not (in_object or in_array):
            return False, None
        node = node[seg]
    return True, node


def _applicable(document: Any, edit: Edit) -> bool:
    """Whether *edit* can be applied to *document* as it stands."""
    if not edit.path:
        return edit.op == "replace"
    found, parent = _resolve(document, edit.path[:-1])
    if not found:
        return False
    last = edit.path[-1]
    if isinstance(parent, dict):
        return isinstance(last, str) and (edit.op == "add" or last in parent)
    if isinstance(parent, list):
        if edit.op == "add":
            return last == "-" or (isinstance(last, int) and 0 <= last <= len(parent))
        return isinstance(last, int) and 0 <= last < len(parent)
    return False


class _Writer:
    """Copy-on-write edits: containers on an edited path are copied once, then reused."""

    def __init__(self, document: Any) -> None:
        self.root = document
        self.fresh: set[int] = set()

    def _own(self, node: Any) -> Any:
        if id(node) in self.fresh:
            return node
        copied = dict(node) if isinstance(node, dict) else list(node)
        self.fresh.add(id(copied))
        return copied

    def apply(self, edit: Edit) -> None:
        value = copy.deepcopy(edit.value)
        if not edit.path:
            self.root = value
            return
        self.root = self._own(self.root)
        node = self.root
        for seg in edit.path[:-1]:
            child = self._own(node[seg])
            node[seg] = child
            node = child
        last = edit.path[-1]
        if edit.op == "remove":
            del node[last]
        elif edit.op == "replace":
            node[last] = value
        elif isinstance(node, list):
            node.insert(len(node) if last == "-" else int(last), value)
        else:
            node[last] = value


def _plan(
    document: JSONValue, findings: Iterable[Finding], *, unsafe: bool
) -> tuple[list[Finding], list[Edit], list[str]]:
    """Choose the fixes of one pass: non-overlapping edits, then the named steps."""
    taken: list[Finding] = []
    edits: list[Edit] = []
    steps: list[str] = []
    seen: set[Fix] = set()
    for finding in sorted(findings, key=Finding.sort_key):
        fix = finding.fix
        if fix is None or not fixable(finding, unsafe=unsafe):
            continue
        if fix in seen:  # the same repair reported twice (one step for many runs)
            taken.append(finding)
            continue
        if fix.step is not None and fix.step not in STEPS:
            continue
        own = [e.path for e in fix.edits]
        if any(_overlaps(p, q) for p in own for q in (e.path for e in edits)):
            continue  # conflicts with a fix already taken: the next pass retries it
        if not all(_applicable(document, e) for e in fix.edits):
            continue  # stale or malformed: never half-apply a fix
        seen.add(fix)
        taken.append(finding)
        edits.extend(fix.edits)
        if fix.step is not None and fix.step not in steps:
            steps.append(fix.step)
    return taken, edits, steps


def _apply(
    document: JSONObject, findings: Iterable[Finding], *, unsafe: bool
) -> tuple[JSONObject, list[Finding]]:
    taken, edits, steps = _plan(document, findings, unsafe=unsafe)
    writer = _Writer(document)
    # Deepest and rightmost first: an insertion or removal never shifts an index
    # that a later edit still refers to. Python's sort is stable, so edits of one
    # fix that share a path keep their order.
    for edit in sorted(edits, key=lambda e: _path_key(e.path), reverse=True):
        writer.apply(edit)
    out: Any = writer.root
    if out is document:
        out = dict(document) if isinstance(document, dict) else document
    # Steps rewrite the whole document, so they run after every edit of the pass,
    # in the order normalize_request runs them.
    for name in STEPS:
        if name in steps:
            out = _run_step(STEPS[name], out)
    return out, taken


def _run_step(step: Any, document: Any) -> Any:
    """Run *step* on the request body: a batch item's ``params``, else the document."""
    if _kind_of(document) == "batch_request" and isinstance(document["params"], dict):
        out = dict(document)
        out["params"] = step(document["params"])
        return out
    return step(document)


def apply_fixes(
    document: JSONObject, findings: Iterable[Finding], *, unsafe: bool = False
) -> JSONObject:
    """
    Return *document* with the fixes of *findings* applied, one pass.

    Applied: every fix whose applicability is safe (and unsafe ones too with
    *unsafe*). A fix's edits (JSON Patch ``add``, ``remove``, ``replace`` with paths
    from the document root) are applied together or not at all; a fix whose edits
    overlap those of a fix already taken in this pass (one path a prefix of the
    other), or whose paths no longer resolve, is skipped: lint again and repeat,
    or call `fix_until_stable`. A fix naming a normalize ``step`` runs that step on
    the whole document after the edits.

    Args:
        document: The document the findings were computed on (for a batch item,
            the whole ``{custom_id, params}`` item). It is not modified.
        findings: Findings of *document*, as `messages_schema.lint` returns them.
        unsafe: Also apply fixes that may change what the model sees.

    Returns:
        A new document. Parts no edit touched are shared with *document*.

    .. versionadded:: 0.1.0
    """
    return _apply(document, findings, unsafe=unsafe)[0]


def _kind_of(document: JSONValue) -> str:
    if isinstance(document, dict) and "custom_id" in document and "params" in document:
        return "batch_request"
    return "request"


def fix_until_stable(
    document: JSONObject,
    *,
    config: LintConfig | None = None,
    unsafe: bool = False,
    max_passes: int = 10,
    kind: str | None = None,
) -> tuple[JSONObject, list[Finding], list[Finding]]:
    """
    Lint and apply fixes repeatedly until no fixable finding is left.

    Each pass lints the current document, applies the fixes `apply_fixes` would, and
    stops when none is left, when a pass changes nothing, or after *max_passes*.

    Args:
        document: A request body or batch request item. It is not modified.
        config: Rule selection and options for linting; the default config if None.
        unsafe: Also apply fixes that may change what the model sees.
        max_passes: The most lint-and-apply rounds to run.
        kind: ``request``, ``count_tokens`` or ``batch_request``; guessed from the
            shape (``{custom_id, params}`` is a batch item) when None.

    Returns:
        ``(fixed, applied, remaining)``: the fixed document, the findings whose
        fixes were applied (in pass order), and every finding of the fixed document.

    .. versionadded:: 0.1.0
    """
    from messages_schema.linter import get_linter

    linter = get_linter(config)  # compiled once per config, not once per document
    kind = kind or _kind_of(document)
    applied: list[Finding] = []
    current = document
    findings = linter.lint(current, kind=kind)
    for _ in range(max_passes):
        if not any(fixable(f, unsafe=unsafe) for f in findings):
            break
        fixed, taken = _apply(current, findings, unsafe=unsafe)
        if not taken or _same(fixed, current):
            break
        applied.extend(taken)
        current = fixed
        findings = linter.lint(current, kind=kind)
    return current, applied, findings


def _same(a: JSONValue, b: JSONValue) -> bool:
    """Equal, key order included (a reorder is a change worth another pass)."""
    if a is b:
        return True
    try:
        return orjson.dumps(a) == orjson.dumps(b)
    except (TypeError, orjson.JSONEncodeError):
        return a == b
