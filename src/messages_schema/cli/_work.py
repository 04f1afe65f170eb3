"""
The work of ``check``, in picklable units.

A `Task` (one file, or one byte range of a JSONL file) goes in, a `TaskResult`
(located findings, fixes, ids) comes out.

`run_task` is a pure function of its task and the files it names, so the command runs
it in this process or fans tasks out to a process pool (``--jobs``) and gets the same
results; the command then prints them in task order, so output never depends on the
number of processes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import attrs
import orjson

from messages_schema import _records
from messages_schema._types import REQUEST_KINDS
from messages_schema.cli import _files
from messages_schema.config import LintConfig
from messages_schema.findings import Finding, Location
from messages_schema.fixes import fix_until_stable, fixable
from messages_schema.linter import Linter, get_linter
from messages_schema.rules import known_prefixes, make_finding
from messages_schema.rules._limits import SIZE_LIMITS

#: Fix modes of a task.
SAFE, UNSAFE = "safe", "unsafe"


@attrs.frozen(kw_only=True)
class Task:
    """One unit of work: a whole document file, or one chunk of a JSONL file."""

    #: Position of the file in the run (results are grouped and ordered by it).
    file_index: int
    #: The name findings are reported under.
    file: str
    fmt: str
    config: LintConfig
    #: Read from this path, or from `data` when None (stdin).
    path: str | None = None
    data: bytes | None = attrs.field(default=None, repr=False)
    start: int = 0
    end: int = 0
    first_line: int = 1
    #: None (no fixing), ``safe`` or ``unsafe``.
    fix: str | None = None
    #: Compute a baseline key for each finding.
    keys: bool = False
    #: Keep one ``(line, record id)`` entry per record (junit output).
    records: bool = False
    #: Largest document checked, in bytes (over it: a finding, not a crash).
    limit: int = _files.DEFAULT_MAX_RECORD_BYTES
    #: Codes and prefixes whose findings are dropped (per-file ignores).
    suppress: tuple[str, ...] = ()
    #: ``(line, size)`` of stdin lines that were over the limit and not kept.
    oversize: tuple[tuple[int, int], ...] = ()
    #: Send `data` back in the result (``--fix`` on stdin writes it out, fixed).
    echo: bool = False
    #: Why the input could not be read (a damaged compressed file): nothing to check.
    error: str | None = None


@attrs.define(kw_only=True)
class TaskResult:
    """What one task found. Plain values only, so it pickles cheaply."""

    file_index: int
    file: str
    findings: list[Finding]
    #: Baseline key of each finding (parallel to `findings`) when asked for.
    keys: list[str] = attrs.Factory(list)
    #: ``(line, record id)`` of each record when asked for.
    records: list[tuple[int | None, str | None]] = attrs.Factory(list)
    #: Number of records checked.
    count: int = 0
    #: Bytes covered by the task.
    size: int = 0
    #: ``(line, new text)`` of each JSONL record a fix changed; line 0 is a whole file.
    edits: list[tuple[int, bytes]] = attrs.Factory(list)
    #: Codes of the findings whose fixes were applied.
    fixed: list[str] = attrs.Factory(list)
    #: ``(custom_id, line)`` of each batch request item, for duplicate detection.
    ids: list[tuple[str, int | None]] = attrs.Factory(list)
    #: An I/O problem that stopped the task (exit code 2).
    error: str | None = None
    #: The task's own bytes and first line, when it was asked to `Task.echo` them.
    source: bytes | None = attrs.field(default=None, repr=False)
    first_line: int = 1


def _internal(message: str, where: Location) -> Finding:
    return make_finding("SCH099", message, location=where)


def _invalid(linter: Linter, message: str, where: Location) -> list[Finding]:
    if "SCH000" not in linter.enabled:
        return []
    return [make_finding("SCH000", message, location=where)]


class _Work:
    """Accumulates one task's results record by record."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.linter = get_linter(task.config)
        self.result = TaskResult(file_index=task.file_index, file=task.file, findings=[])

    def add(self, findings: Iterable[Finding], key: str | None) -> None:
        for f in findings:
            self.result.findings.append(f)
            if self.task.keys:
                self.result.keys.append(key or "")

    def record(self, line: int | None, raw: bytes | None, size: int) -> None:
        """Check one record (``raw=None``: it was over the size limit)."""
        task = self.task
        self.result.count += 1
        self.result.size += size
        if raw is None:
            where = Location(file=task.file, line=line, record=None)
            if not _records.suppressed("SCH000", task.suppress):
                message = _files.too_large_message(size, task.limit)
                self.add(_invalid(self.linter, message, where), None)
            if task.records:
                self.result.records.append((line, None))
            return
        rec = _records.decode_record(line or 1, raw)
        ident = _records.record_id(rec.value)
        where = Location(file=task.file, line=line, record=ident)
        if task.records:
            self.result.records.append((line, ident))
        key = None
        if task.keys:
            key = ident if ident is not None else (
                _records.line_key(raw) if line is not None else "-"
            )
        if rec.error is not None:
            if not _records.suppressed("SCH000", task.suppress):
                self.add(_invalid(self.linter, rec.error, where), key)
            return
        value, ignores = _records.split_marker(rec.value)
        ignores += task.suppress
        try:
            found, new_value = self._check(value, ignores, where, len(raw))
        except Exception as exc:  # one bad record must not end the run
            found = [_internal(f"internal error while checking: {type(exc).__name__}: {exc}",
                               where)]
            new_value = None
        if ignores:
            found = [f for f in found if not _records.suppressed(f.code, ignores)]
        self.add(found, key)
        if new_value is not None:
            if rec.value is not value:  # put the marker back where it was
                new_value = {**new_value, _records.MARKER: rec.value[_records.MARKER]}
            try:
                if line is None:
                    text = orjson.dumps(new_value, option=orjson.OPT_INDENT_2) + b"\n"
                else:
                    text = orjson.dumps(new_value)
            except (TypeError, orjson.JSONEncodeError):
                return  # cannot be written back (nesting over orjson's limit): leave it
            self.result.edits.append((line or 0, text))

    def _check(
        self, value: Any, ignores: tuple[str, ...], where: Location, raw_size: int
    ) -> tuple[list[Finding], Any]:
        """Lint one decoded record; with fixing on, also return its fixed value (or None)."""
        out: list[Finding] = []
        fixed: Any = None
        for side in _records.sides(value, self.task.config.kind):
            if side.kind == "batch_request" and isinstance(value, dict):
                custom_id = value.get("custom_id")
                if isinstance(custom_id, str):
                    self.result.ids.append((custom_id, where.line))
            size = _wire_size(raw_size, side.value, side.kind)
            found, new = self._one(side, ignores, where, size)
            out.extend(found)
            if new is None:
                continue
            if not side.prefix:
                fixed = new
            else:  # one side of a pair: the record with that side replaced
                fixed = {**(value if fixed is None else fixed), side.prefix[0]: new}
        return out, fixed

    def _one(
        self, side: _records.Side, ignores: tuple[str, ...], where: Location,
        size: int | None = None,
    ) -> tuple[list[Finding], Any]:
        """Lint one side of a record; with fixing on, also return its fixed value (or None)."""
        value, kind = side.value, side.kind
        findings = self.linter.lint(_records.document_of(value), kind=kind, size=size)
        new_value = None
        fix = self.task.fix
        if (
            fix is not None
            and kind in REQUEST_KINDS
            and isinstance(value, dict)
            and any(_wanted(f, fix, ignores) for f in findings)
        ):
            config = self.task.config
            usable = _usable_selectors(ignores)
            if usable:
                config = attrs.evolve(config, ignore=(*config.ignore, *usable))
            try:
                fixed, applied, remaining = fix_until_stable(
                    value, config=config, unsafe=fix == UNSAFE, kind=kind
                )
            except Exception as exc:  # a fixer bug: keep every finding, fix nothing
                crash = _internal(
                    f"internal error while fixing: {type(exc).__name__}: {exc}", where
                )
                found = [*(attrs.evolve(f, location=where) for f in findings), crash]
                return _records.with_prefix(side.prefix, found), None
            if applied:
                new_value = fixed
                self.result.fixed.extend(f.code for f in applied)
                if usable:  # the remaining findings, with the marker's codes back
                    remaining = self.linter.lint(fixed, kind=kind)
                # Fixes never shrink a body much: a size finding stays (the fixer
                # lints the value, whose size it does not know).
                sized = [f for f in findings if f.code == "LIM008"]
                findings = sorted([*remaining, *sized], key=Finding.sort_key)
        located = [attrs.evolve(f, location=where) for f in findings]
        return _records.with_prefix(side.prefix, located), new_value


def _wire_size(raw_size: int, value: Any, kind: str) -> int | None:
    """
    The size *value* would be sent at, for the request size rule (``LIM008``).

    The stored bytes, unless they are over the kind's limit: then the compact JSON
    the value would be sent as (a pretty-printed file, or the request side of a
    pair, is smaller on the wire), so only a body that cannot fit is reported.
    """
    limit = SIZE_LIMITS.get(kind)
    if limit is None:
        return None
    if raw_size <= limit:
        return raw_size
    try:
        return min(raw_size, len(orjson.dumps(value)))
    except (TypeError, orjson.JSONEncodeError):
        return raw_size


def _wanted(finding: Finding, fix: str, ignores: tuple[str, ...]) -> bool:
    return fixable(finding, unsafe=fix == UNSAFE) and not _records.suppressed(
        finding.code, ignores
    )


def _usable_selectors(ignores: tuple[str, ...]) -> tuple[str, ...]:
    known = known_prefixes()
    return tuple(s for s in ignores if s in known)


def run_task(task: Task) -> TaskResult:
    """Check the documents of one task and return what was found."""
    work = _Work(task)
    try:
        for line, raw, size in _units(task):
            work.record(line, raw, size)
    except OSError as exc:
        work.result.error = f"{task.file}: {exc.strerror or exc}"
    return work.result


def _units(task: Task) -> Iterator[tuple[int | None, bytes | None, int]]:
    """Yield ``(line, raw, size)`` for each record of the task (line None: whole file)."""
    if task.fmt == "jsonl":
        if task.data is not None:
            skipped = dict(task.oversize)
            for offset, line in enumerate(task.data.split(b"\n")):
                number = task.first_line + offset
                size = len(line) + 1
                stripped = line.strip()
                if number in skipped or len(line) > task.limit:
                    yield number, None, skipped.get(number, size)
                elif stripped:
                    yield number, stripped, size
            return
        assert task.path is not None
        with open(task.path, "rb") as stream:
            stream.seek(task.start)
            for item in _files.iter_lines(
                stream, first_line=task.first_line, length=task.end - task.start,
                limit=task.limit,
            ):
                yield item.number, item.raw, item.size
        return
    data = _read_document(task)
    if data is None:
        yield None, None, task.end
    else:
        yield None, data, len(data)


def _read_document(task: Task) -> bytes | None:
    """The whole document of a non-JSONL task; None when it is over the size limit."""
    if task.data is not None:
        return task.data
    if task.path is None:
        return None
    with open(task.path, "rb") as stream:
        return _files.read_bounded(stream, task.limit)


def run_stream_task(task: Task) -> TaskResult:
    """Check an SSE transcript file (one stream)."""
    linter = get_linter(task.config)
    where = Location(file=task.file, line=None, record=None)
    result = TaskResult(file_index=task.file_index, file=task.file, findings=[], count=1)
    try:
        data = _read_document(task)
    except OSError as exc:
        result.error = f"{task.file}: {exc.strerror or exc}"
        return result
    if data is None:
        found = _invalid(linter, _files.too_large_message(task.end, task.limit), where)
        found = [f for f in found if not _records.suppressed(f.code, task.suppress)]
    else:
        try:
            found = [attrs.evolve(f, location=where)
                     for f in linter.lint(data, kind="stream")
                     if not _records.suppressed(f.code, task.suppress)]
        except Exception as exc:  # report, never crash the run
            found = [_internal(
                f"internal error while checking: {type(exc).__name__}: {exc}", where)]
    result.findings = found
    result.keys = ["-"] * len(found) if task.keys else []
    result.records = [(None, None)] if task.records else []
    result.size = len(data) if data is not None else task.end
    return result


def execute(task: Task) -> TaskResult:
    """Run *task* with the function its format needs (the pool's entry point)."""
    if task.error is not None:
        return TaskResult(file_index=task.file_index, file=task.file, findings=[],
                          error=task.error)
    result = run_stream_task(task) if task.fmt == "sse" else run_task(task)
    if task.echo:
        result.source, result.first_line = task.data, task.first_line
    return result
