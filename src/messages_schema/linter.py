"""
The linter: structural validation plus the rule registry, in one pass per document.

``Linter(config)`` is built once per configuration (its rules grouped by kind and node)
and reused; `lint` and `is_valid` use a cached one per config.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeAlias

import attrs
import orjson

from messages_schema import _jsonio
from messages_schema._types import (
    KINDS,
    REQUEST_KINDS,
    JSONObject,
    JSONValue,
    Kind,
    Path,
    canonical_kind,
)
from messages_schema.config import LintConfig
from messages_schema.exceptions import ConfigError
from messages_schema.findings import Finding, Severity
from messages_schema.rules import RULES, Node, Rule, make_finding, select_rules
from messages_schema.rules._context import Context
from messages_schema.rules._gates import PARAMETER_KEYS, PARAMETER_RULES, keys_for, present_tokens
from messages_schema.rules._limits import SIZE_LIMITS, TOO_LARGE_MESSAGE, size_message
from messages_schema.rules._registry import Violation
from messages_schema.schemas._apipath import api_path
from messages_schema.schemas._betas import relevant, unknown_betas
from messages_schema.schemas._structural import Structure, classify, structure_for

__all__ = ["Linter", "is_valid", "lint"]

Document: TypeAlias = "JSONValue | bytes | bytearray | memoryview"

#: The codes a request's structural problems become (``SCH000``: too deep to explain).
_DECISIVE_CODES = frozenset({f"SCH{n:03d}" for n in range(11)})
#: What `Linter._collect` returns to `Linter.is_valid` for a document the compiled
#: validator rejects when every structural problem would be an error: no need to explain.
_REJECTED: list[Finding] = []
#: JSON text (`lint` decodes it). A tuple: ``isinstance`` with one is several times
#: cheaper than with a ``X | Y`` union on Python 3.11, and it runs on every call.
_TEXT = (bytes, bytearray, memoryview, str)




def _stream_checker() -> Callable[[Any, frozenset[str]], Iterator[Finding]]:
    # Imported on first use: most runs never check a stream.
    from messages_schema.stream._findings import check_stream

    return check_stream


#: Kinds checked by a module of their own rather than by the schema and the rule walk:
#: kind -> a function returning that module's ``(document, enabled codes) -> findings``.
_OTHER_CHECKERS: dict[str, Callable[[], Callable[[Any, frozenset[str]], Iterator[Finding]]]] = {
    "stream": _stream_checker,
}


def _check_kind(kind: str) -> Kind:
    if kind in KINDS:
        return kind
    spelled = canonical_kind(kind)
    if spelled not in KINDS:
        msg = f"kind must be one of {', '.join(KINDS)}, not {kind!r}"
        raise ConfigError(msg)
    return spelled


class Linter:
    """
    A compiled linter for one `LintConfig`.

    Build it once and call `lint`, `iter_findings` or `is_valid` for each document;
    it holds no per-document state and is safe to share between threads.

    .. versionadded:: 0.1.0
    """

    def __init__(self, config: LintConfig | None = None, *, gating: bool = True) -> None:
        self.config = config or LintConfig()
        #: Skip rules none of whose gate tokens is present (see `rules._gates`).
        self.gating = gating
        self.rules: tuple[Rule, ...] = select_rules(
            self.config.select, self.config.ignore, preview=self.config.preview
        )
        self.enabled = frozenset(r.code for r in self.rules)
        #: The configured betas that unlock parts of the schema (the structural view).
        self._unlocked = relevant(self.config.betas)
        #: The request's ``anthropic-beta`` values this version does not know; unless
        #: `LintConfig.strict_unknown`, they turn unknown-key, -type and -value errors
        #: in requests into warnings (architecture decision 12).
        self.unknown_betas = unknown_betas(self.config.betas)
        self._tolerant = bool(self.unknown_betas) and not self.config.strict_unknown
        #: Kinds whose every structural problem is an error finding under this config:
        #: there `is_valid` takes the compiled validator's "invalid" as the answer.
        self._decisive = (
            frozenset()
            if self._tolerant
            or not self.enabled >= _DECISIVE_CODES
            or any(RULES[code].severity is not Severity.ERROR for code in _DECISIVE_CODES)
            else REQUEST_KINDS
        )
        if self.config.capabilities is not None:
            # Read the user's model table now: a missing or broken file is one
            # ConfigError here, not a crashed rule on every document.
            from messages_schema._capabilities import load_capabilities

            load_capabilities(self.config.capabilities)
        self._plans: dict[str, _Plan] = {kind: _Plan.build(self.rules, kind) for kind in KINDS}
        #: The `Structure` of each kind under the configured betas (one lookup per call).
        self._structures: dict[str, Structure] = {}

    # -- public doors -----------------------------------------------------------------

    def lint(
        self, document: Document, *, kind: str = "request", size: int | None = None
    ) -> list[Finding]:
        """
        Return every finding for *document*, sorted by path then code.

        Args:
            document: A decoded JSON value, or JSON text as ``bytes`` or ``str``. For
                ``kind="stream"``: a list of event objects, or SSE text.
            kind: What the document is: ``request``, ``response``, ``stream``,
                ``count_tokens``, ``batch_request``, ``batch_result`` or ``error``
                (dashes accepted: ``count-tokens``).
            size: The body's size in bytes as sent, when *document* was decoded
                already; JSON text is measured itself. Checked against the API's
                request size limits (``LIM008``).

        .. versionchanged:: 0.2.0 *size*; dashed kind names.
        """
        found = self._collect(document, _check_kind(kind), size=size)
        if len(found) > 1:
            found.sort(key=Finding.sort_key)
        return found

    def iter_findings(
        self, document: Document, *, kind: str = "request", size: int | None = None
    ) -> Iterator[Finding]:
        """Yield every finding for *document*, in no particular order."""
        kind = _check_kind(kind)
        checker = _OTHER_CHECKERS.get(kind)
        if checker is not None:
            yield from checker()(document, self.enabled)
            return
        yield from self._collect(document, kind, size=size)

    def is_valid(
        self, document: Document, *, kind: str = "request", size: int | None = None
    ) -> bool:
        """
        Return whether *document* has no error-severity finding.

        Same verdict as ``not any(f.is_error for f in lint(document))``, on a fast path:
        the compiled structural validator first, the detailed one only on rejection.
        """
        kind = _check_kind(kind)
        found = self._collect(document, kind, verdict=True, size=size)
        return found is not _REJECTED and not any(f.is_error for f in found)

    # -- passes: each appends its findings to *out* ---------------------------------------

    def _collect(
        self, document: Document, kind: str, *, verdict: bool = False, size: int | None = None
    ) -> list[Finding]:
        """
        Every finding for *document* of the (checked) *kind*, unsorted.

        With *verdict*, stop after the structural pass when it found an error: enough
        for `is_valid`, which the compiled validator answers alone on valid input, and
        on invalid input too where every structural problem is an error (`_REJECTED`).
        """
        checker = _OTHER_CHECKERS.get(kind)
        if checker is not None:
            return list(checker()(document, self.enabled))
        out: list[Finding] = []
        if isinstance(document, _TEXT):
            if kind in SIZE_LIMITS:
                size = _text_size(document, SIZE_LIMITS[kind])
            try:
                document = _jsonio.decode(document)
            except _jsonio.InvalidJSON as exc:
                if "SCH000" in self.enabled:
                    out.append(self._finding("SCH000", str(exc), (), kind, None))
                return out
        if size is not None and size > SIZE_LIMITS.get(kind, size) and "LIM008" in self.enabled:
            out.append(self._finding("LIM008", size_message(kind, size), (), kind, None,
                                     api_error=TOO_LARGE_MESSAGE))
            if verdict:
                return out
        if kind == "response" and isinstance(document, dict) and document.get("type") == "error":
            # What the API sends for a failed call: check it as the envelope it is.
            kind = "error"
            if "SCH014" in self.enabled:
                out.append(self._finding("SCH014", _envelope_message(document), (), kind, None))
        structure = self._structures.get(kind)
        if structure is None:
            structure = self._structures[kind] = structure_for(kind, self._unlocked)
        if not structure.is_valid(document):
            if verdict and kind in self._decisive:
                return _REJECTED
            self._structural(document, kind, out, structure)
            if verdict and any(f.is_error for f in out):
                return out
        self._semantic(document, kind, out)
        return out

    def _structural(
        self, document: JSONValue, kind: str, out: list[Finding], structure: Structure
    ) -> None:
        try:
            problems = structure.problems(document)
        except RecursionError:
            # Only Python values can get here (orjson refuses text nested over 1024
            # levels); the detailed validator recurses in Python, the fast one did not.
            if "SCH000" in self.enabled:
                message = "Invalid JSON: nested too deeply to check (Python recursion limit)"
                out.append(self._finding("SCH000", message, (), kind, None))
            return
        softened = False
        for problem in problems:
            code, message, api_error, severity = classify(problem, kind, tolerant=self._tolerant)
            softened = softened or severity is Severity.WARNING
            if code is None or code not in self.enabled:
                continue
            out.append(
                self._finding(
                    code, message, problem.path, kind, document,
                    api_error=api_error, severity=severity,
                )
            )
        if softened and kind in REQUEST_KINDS and "SCH013" in self.enabled:
            out.append(self._finding("SCH013", self._unknown_beta_message(), (), kind, document))

    def _unknown_beta_message(self) -> str:
        names = ", ".join(f"`{b}`" for b in self.unknown_betas)
        plural = "s" if len(self.unknown_betas) > 1 else ""
        return (
            f"`anthropic-beta` value{plural} {names} unknown to this version: unknown keys, "
            "types and values in this request are reported as warnings, as the beta may "
            "have introduced them (`strict-unknown` keeps them errors)"
        )

    def _semantic(self, document: JSONValue, kind: str, out: list[Finding]) -> None:
        if not isinstance(document, dict):
            return
        if kind in REQUEST_KINDS:
            body: Any = document
            prefix: Path = ()
            if kind == "batch_request":
                body = document.get("params")
                prefix = ("params",)
                if not isinstance(body, dict):
                    return
            self._walk_request(body, prefix, kind, document, out)
        else:
            for entry in self._plans[kind].document:
                self._run(entry, None, document, (), kind, document, out)

    def _walk_request(
        self,
        body: JSONObject,
        prefix: Path,
        kind: str,
        root: JSONObject,
        out: list[Finding],
    ) -> None:
        plan = self._plans[kind]
        if not plan.any_request_rule:
            return
        ctx = Context(body, kind=kind, config=self.config, lookup=self._capabilities)
        calls: tuple[_Call, ...]
        if self.gating:
            run = plan.runnable(present_tokens(body, ctx.messages))
            if run.parameters:
                self._parameter_rules(run, ctx, body, prefix, kind, root, out)
            calls = run.others
        else:
            calls = plan.document_calls
        # The hot loop, inlined (no helper frame per rule): most rules yield nothing, and
        # iterating a generator costs less than materialising it.
        for entry, func, _ in calls:
            found: list[Violation] | None = None
            try:
                for violation in func(ctx, body):
                    if found is None:
                        found = [violation]
                    else:
                        found.append(violation)
            except Exception:  # a rule bug must not lose the other findings
                self._run(entry, ctx, body, prefix, kind, root, out)
                continue
            if found is not None:
                self._findings(entry, found, prefix, kind, root, out)

    def _parameter_rules(
        self,
        run: _Runnable,
        ctx: Context,
        body: JSONObject,
        prefix: Path,
        kind: str,
        root: JSONObject,
        out: list[Finding],
    ) -> None:
        """
        Run the open `PARAMETER_RULES`, or replay their violations for known parameters.

        A gateway or a dataset sees the same model, limits and sampling settings over and
        over; their verdict is one `orjson.dumps` and a lookup away.
        """
        key = _parameter_key(body, ctx.today.toordinal())
        results = run.memo.get(key) if key is not None else None
        if results is None:
            fresh: list[tuple[Rule, tuple[Violation, ...]]] = []
            crashed = False
            for entry, func, _ in run.parameters:
                try:
                    fresh.append((entry, tuple(func(ctx, body))))
                except Exception:  # reported as SCH099 by `_run`; not memoised
                    self._run(entry, ctx, body, prefix, kind, root, out)
                    crashed = True
            results = tuple(fresh)
            if key is not None and not crashed:
                if len(run.memo) >= _PARAMETER_MEMO_SIZE:
                    run.memo.clear()
                run.memo[key] = results
        for entry, violations in results:
            if violations:
                self._findings(entry, violations, prefix, kind, root, out)

    def _capabilities(self, body: JSONObject) -> Any:
        lookup = _capability_lookup()
        model = self.config.model or body.get("model")
        if lookup is None or not isinstance(model, str):
            return None
        return lookup(model, self.config.capabilities)

    def _run(
        self,
        entry: Rule,
        ctx: Context | None,
        node: Any,
        where: Path,
        kind: str,
        root: JSONValue,
        out: list[Finding],
    ) -> None:
        """Run one rule on one node; a rule that raises becomes finding SCH099."""
        try:
            violations = list(entry.func(ctx, node))  # type: ignore[arg-type, misc]
        except Exception as exc:  # a rule bug must not lose the other findings
            if "SCH099" in self.enabled:
                message = f"rule {entry.code} ({entry.name}) raised {type(exc).__name__}: {exc}"
                out.append(self._finding("SCH099", message, where, kind, root))
            return
        if violations:
            self._findings(entry, violations, where, kind, root, out)

    def _findings(
        self,
        entry: Rule,
        violations: Iterable[Violation],
        where: Path,
        kind: str,
        root: JSONValue,
        out: list[Finding],
    ) -> None:
        for v in violations:
            fix = v.fix.relocated(where) if v.fix is not None else None
            out.append(
                self._finding(
                    entry.code,
                    v.message,
                    where + v.path,
                    kind,
                    root,
                    api_error=v.api_error,
                    fix=fix,
                    severity=v.severity,
                    api_path_override=v.api_path,
                )
            )

    def _finding(
        self,
        code: str,
        message: str,
        path: Path,
        kind: str,
        root: JSONValue,
        *,
        api_error: str | None = None,
        fix: Any = None,
        severity: Severity | None = None,
        api_path_override: str | None = None,
    ) -> Finding:
        where = (
            api_path_override
            if api_path_override is not None
            else (api_path(kind, root, path) if path else "")
        )
        return make_finding(
            code, message, path, api_path=where, api_error=api_error, fix=fix, severity=severity
        )


def _text_size(text: bytes | bytearray | memoryview | str, limit: int) -> int:
    """The UTF-8 size of JSON text, exact whenever it could exceed *limit*."""
    if not isinstance(text, str):
        return memoryview(text).nbytes
    if len(text) > limit or len(text) * 4 <= limit:
        return len(text)  # over for sure, or under for sure: no need to encode
    return len(text.encode("utf-8", "surrogatepass"))


_Call: TypeAlias = "tuple[Rule, Any, frozenset[str] | None]"
#: Most token sets `_Plan.runnable` remembers before it starts again.
_RUNNABLE_CACHE_SIZE = 4096
#: Most parameter sets one `_Runnable` remembers before it starts again.
_PARAMETER_MEMO_SIZE = 1024


def _parameter_key(body: JSONObject, day: int) -> bytes | None:
    """The memo key of the `PARAMETER_KEYS` of *body* on *day*, or None if not JSON."""
    try:
        return orjson.dumps((day, {k: body[k] for k in PARAMETER_KEYS if k in body}))
    except (TypeError, orjson.JSONEncodeError):
        return None


class _Runnable:
    """The document rules open for one set of gate tokens, parameter rules apart."""

    __slots__ = ("memo", "others", "parameters")

    def __init__(self, calls: tuple[_Call, ...]) -> None:
        self.parameters = tuple(c for c in calls if c[0].code in PARAMETER_RULES)
        self.others = tuple(c for c in calls if c[0].code not in PARAMETER_RULES)
        #: Parameter key -> the violations of each of `parameters`.
        self.memo: dict[bytes, tuple[tuple[Rule, tuple[Violation, ...]], ...]] = {}


@attrs.frozen
class _Plan:
    """The rules one kind runs, grouped by the node they are handed."""

    document: tuple[Rule, ...]
    #: ``(rule, function, gate tokens or None)`` for each document rule.
    document_calls: tuple[tuple[Rule, Any, frozenset[str] | None], ...]
    #: `document_calls` whose gate is open, by the set of tokens present (see `runnable`).
    _runnable: dict[frozenset[str], _Runnable] = attrs.field(factory=dict, eq=False, repr=False)

    def runnable(self, present: set[str]) -> _Runnable:
        """
        The document rules whose gate is open for the tokens *present*, in plan order.

        Requests share few distinct token sets (top-level keys and signals), so the
        answer is memoised per set: a valid request pays one lookup, not a test per rule.
        """
        key = frozenset(present)
        run = self._runnable.get(key)
        if run is None:
            run = _Runnable(
                tuple(
                    call
                    for call in self.document_calls
                    if call[2] is None or not call[2].isdisjoint(key)
                )
            )
            if len(self._runnable) >= _RUNNABLE_CACHE_SIZE:  # odd documents: stay bounded
                self._runnable.clear()
            self._runnable[key] = run
        return run

    @property
    def any_request_rule(self) -> bool:
        return bool(self.document)

    @classmethod
    def build(cls, rules: tuple[Rule, ...], kind: str) -> _Plan:
        def pick(node: Node) -> tuple[Rule, ...]:
            return tuple(r for r in rules if r.node is node and kind in r.kinds and r.func)

        return cls(
            document=pick(Node.DOCUMENT),
            document_calls=tuple(
                (r, r.func, None if (keys := keys_for(r.code)) is None else frozenset(keys))
                for r in pick(Node.DOCUMENT)
            ),
        )


@functools.cache
def _capability_lookup() -> Any:
    try:
        from messages_schema._capabilities import capabilities_for
    except ImportError:
        return None
    return capabilities_for


@functools.lru_cache(maxsize=64)
def _linter_for(config: LintConfig) -> Linter:
    return Linter(config)


def get_linter(config: LintConfig | None = None) -> Linter:
    """Return the cached `Linter` for *config* (the default config when None)."""
    return _linter_for(config or LintConfig())


def lint(
    document: Document,
    *,
    kind: str = "request",
    config: LintConfig | None = None,
    size: int | None = None,
) -> list[Finding]:
    """
    Check *document* and return every finding, sorted by path then code.

    Payload problems are returned, never raised; malformed JSON text is finding
    ``SCH000``.

    Args:
        document: A decoded JSON value, or JSON text as ``bytes`` or ``str``.
        kind: ``request`` (default), ``response``, ``stream``, ``count_tokens``,
            ``batch_request``, ``batch_result`` or ``error``.
        config: What to check; the default checks every stable rule.
        size: The body's size in bytes as sent, when *document* is already decoded
            (``LIM008``, the API's request size limits); JSON text is measured itself.

    Raises:
        ConfigError: *kind* is not one of the kinds above, or *config* names a
            capabilities file that cannot be read or is not valid.
        UnknownRuleError: *config* selects a code or prefix that names no rule.

    .. versionadded:: 0.1.0
    """
    return get_linter(config).lint(document, kind=kind, size=size)


def is_valid(
    document: Document,
    *,
    kind: str = "request",
    config: LintConfig | None = None,
    size: int | None = None,
) -> bool:
    """
    Return True when `lint` would report no error-severity finding.

    Faster than `lint` on valid documents: a compiled validator decides structure.

    .. versionadded:: 0.1.0
    """
    return get_linter(config).is_valid(document, kind=kind, size=size)


def _envelope_message(document: JSONObject) -> str:
    """Name the error of an API error envelope: its type and message, when present."""
    error = document.get("error")
    kind = error.get("type") if isinstance(error, dict) else None
    text = error.get("message") if isinstance(error, dict) else None
    what = f"`{kind}`" if isinstance(kind, str) else "an error"
    said = f": {text}" if isinstance(text, str) and text else ""
    return f"an API error envelope, not a message: {what}{said}"
