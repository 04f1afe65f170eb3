"""
``messages-schema check``: lint files of requests, responses, batch lines and streams.

The command plans `_checker.Task` units (a whole ``.json``/``.sse`` file, or a byte
range of a JSONL file cut at line ends), runs them here or in a process pool
(``--jobs``), and consumes the results in plan order: findings go to the renderer,
fixes to a `_rewrite.FileFixer`, ``custom_id`` values to the duplicate check. Nothing
holds a whole JSONL file, so memory stays flat whatever the input size.

Exit codes: 0 no error finding, 1 error findings, 2 usage, configuration or I/O error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any

import attrs
import orjson

from messages_schema import _parquet, _records
from messages_schema._baseline import Baseline, Key, key_of, write_baseline
from messages_schema._checker import SAFE, UNSAFE, Task, TaskResult, execute
from messages_schema._output import RENDERER_CLASSES, Renderer, Summary
from messages_schema._progress import Progress
from messages_schema._rewrite import FileFixer
from messages_schema._types import KINDS
from messages_schema.cli import IO_, UsageError
from messages_schema.config import LintConfig
from messages_schema.exceptions import ConfigError, UnknownRuleError
from messages_schema.findings import Finding, Location, Severity
from messages_schema.fixes import fixable
from messages_schema.linter import get_linter
from messages_schema.rules import RULES, check_selectors

#: Globs a folder walk picks up unless ``--include`` says otherwise.
DEFAULT_INCLUDE = ("*.json", "*.jsonl", "*.ndjson", "*.sse")
#: Folders (and files) a folder walk skips; ``--exclude`` adds to them.
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", ".nox",
)
#: Bytes of JSONL per task: big enough to amortise a task, small enough to balance.
CHUNK_BYTES = 2 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024


def add(sub: Any) -> None:
    """Register the ``check`` subcommand."""
    check = sub.add_parser(
        "check",
        help="lint requests, responses, batch files and streams",
        description="Lint files of Messages API payloads. Exit 0: no error finding; "
        "1: error findings; 2: usage, configuration or I/O error.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - for stdin")
    check.add_argument("--kind", choices=KINDS, help="treat every document as this kind")
    check.add_argument("--parquet", action="append", default=[], metavar="PATH",
                       help="a Parquet file or folder to check (needs the arrow extra)")
    check.add_argument("--column", metavar="NAME",
                       help="the --parquet column holding the JSON text of each record")
    check.add_argument("--format", choices=sorted(RENDERER_CLASSES), default="text")
    check.add_argument("--select", action="append", default=[], metavar="CODES",
                       help="codes or prefixes to check (replaces the configured set)")
    check.add_argument("--extend-select", action="append", default=[], metavar="CODES",
                       help="codes or prefixes to check in addition")
    check.add_argument("--ignore", action="append", default=[], metavar="CODES")
    check.add_argument("--beta", action="append", default=[], metavar="NAME",
                       help="an anthropic-beta value the requests are sent with")
    check.add_argument("--strict-unknown", action="store_true",
                       help="keep unknown keys, types and values errors even under an "
                       "anthropic-beta value this version does not know")
    check.add_argument("--model", help="check against this model instead of the payload's")
    check.add_argument("--preview", action="store_true", help="also run preview rules")
    check.add_argument("--api-version", metavar="YYYY-MM-DD",
                       help="the anthropic-version the requests are sent with "
                            "(default 2023-06-01; SDK 2.x sends 2026-10-21)")
    check.add_argument("--today", type=_day, metavar="YYYY-MM-DD",
                       help="give verdicts as of this day (retired models); default: today, UTC")
    check.add_argument("--config", metavar="PATH",
                       help="read [tool.messages-schema] from this file only")
    check.add_argument("--isolated", action="store_true",
                       help="ignore every configuration file")
    check.add_argument("--include", action="append", default=[], metavar="GLOB",
                       help="file globs to pick up in folders (default: "
                       + ", ".join(DEFAULT_INCLUDE) + ")")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="file or folder globs to skip in folders")
    check.add_argument("--stdin-filename", metavar="NAME",
                       help="the name (and so the format and config) of what - reads")
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    check.add_argument("--unsafe-fixes", action="store_true",
                       help="with --fix or --diff, also apply unsafe fixes")
    check.add_argument("--diff", action="store_true",
                       help="print what --fix would change as a unified diff; write nothing")
    check.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                       help="processes to use (0: one per CPU); output does not depend on it")
    check.add_argument("--statistics", action="store_true",
                       help="print the number of findings per code instead of the findings")
    check.add_argument("--baseline", metavar="FILE", help="hide the findings listed in FILE")
    check.add_argument("--add-baseline", metavar="FILE",
                       help="write the current findings to FILE as a baseline and exit 0")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with errors")
    check.add_argument("--no-progress", action="store_true", help="never show progress")
    check.set_defaults(handler=_check)


# -- configuration ------------------------------------------------------------------------

def _day(text: str) -> dt.date:
    """``--today``: a ``YYYY-MM-DD`` date."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"not a date such as 2026-12-01: {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _cli_codes(values: Sequence[str]) -> tuple[str, ...]:
    return LintConfig(select=list(values)).select


class Configs:
    """The effective `LintConfig` of each file: its pyproject table, then the CLI flags."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._by_folder: dict[Path, tuple[LintConfig, Path | None]] = {}
        self._checked: set[LintConfig] = set()
        self._fixed: tuple[LintConfig, Path | None] | None = None
        if args.isolated:
            self._fixed = (LintConfig(), None)
        elif args.config:
            path = Path(args.config)
            if not path.is_file():
                msg = f"--config {args.config}: no such file"
                raise UsageError(msg)
            self._fixed = (LintConfig.from_pyproject(path), path.resolve())

    def _base(self, folder: Path) -> tuple[LintConfig, Path | None]:
        if self._fixed is not None:
            return self._fixed
        folder = folder.resolve()
        found = self._by_folder.get(folder)
        if found is None:
            found = LintConfig.discover(folder)
            self._by_folder[folder] = found
        return found

    def for_file(self, path: Path | None) -> LintConfig:
        """The config for *path* (None: stdin, discovered from the working folder)."""
        folder = path.parent if path is not None else Path.cwd()
        base, source = self._base(folder)
        config = self._apply_cli(base)
        self._validate(config, base, source)
        return config

    def suppressed_for(self, path: Path | None) -> tuple[str, ...]:
        """
        The codes ``per-file-ignores`` switch off for *path*.

        They filter findings after selection, as ruff's do: a ``--select`` on the
        command line does not bring back a code a per-file ignore removes.
        """
        if path is None:
            return ()
        base, source = self._base(path.parent)
        if source is None or not base.per_file_ignores:
            return ()
        try:
            relative = path.resolve().relative_to(source.parent.resolve()).as_posix()
        except ValueError:
            relative = path.as_posix()
        return base.ignores_for(relative)

    def _apply_cli(self, base: LintConfig) -> LintConfig:
        args = self.args
        changes: dict[str, Any] = {}
        if args.select:
            changes["select"] = _cli_codes(args.select)
        if args.extend_select:
            current = changes.get("select", base.select) or ("ALL",)
            changes["select"] = (*current, *_cli_codes(args.extend_select))
        if args.ignore:
            changes["ignore"] = (*base.ignore, *_cli_codes(args.ignore))
        if args.beta:
            changes["betas"] = (*base.betas, *args.beta)
        if args.model:
            changes["model"] = args.model
        if args.preview:
            changes["preview"] = True
        if args.strict_unknown:
            changes["strict_unknown"] = True
        if args.kind:
            changes["kind"] = args.kind
        if args.api_version:
            changes["api_version"] = args.api_version
        # One day for the whole run, even across midnight and `--jobs` workers.
        changes["today"] = args.today or base.as_of()
        return attrs.evolve(base, **changes)

    def _validate(self, config: LintConfig, base: LintConfig, source: Path | None) -> None:
        if config in self._checked:
            return
        where = f"{source} [tool.messages-schema]" if source is not None else "options"
        try:
            check_selectors(base.select + base.ignore)
            for _, codes in base.per_file_ignores:
                check_selectors(codes)
        except UnknownRuleError as exc:
            msg = f"{where}: {exc}"
            raise ConfigError(msg) from exc
        try:
            get_linter(config)
        except UnknownRuleError as exc:
            msg = f"options: {exc}"
            raise ConfigError(msg) from exc
        self._checked.add(config)


# -- files --------------------------------------------------------------------------------

@attrs.frozen
class Source:
    """One input: a file on disk or stdin (``path`` None)."""

    name: str
    path: Path | None
    fmt: str


def _matches(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, g) or fnmatch.fnmatchcase(rel, g) for g in globs)


def _walk(root: Path, include: Sequence[str], exclude: Sequence[str]) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        dirs[:] = sorted(
            d for d in dirs
            if not _matches((base / d).relative_to(root).as_posix(), d, exclude)
        )
        for name in sorted(files):
            path = base / name
            rel = path.relative_to(root).as_posix()
            if _matches(rel, name, include) and not _matches(rel, name, exclude):
                yield path


def _format_for(path: Path) -> str:
    fmt = _records.EXTENSIONS.get(path.suffix.lower())
    if fmt is not None:
        return fmt
    try:
        with open(path, "rb") as stream:
            return _records.sniff(stream.read(_SNIFF_BYTES))
    except OSError:
        return "json"


def sources(args: argparse.Namespace) -> list[Source]:
    """Every input named on the command line, folders expanded, each file once."""
    include = tuple(args.include) or DEFAULT_INCLUDE
    exclude = (*DEFAULT_EXCLUDE, *args.exclude)
    out: list[Source] = []
    seen: set[Path] = set()
    stdin_seen = False

    def keep(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(Source(str(path), path, _format_for(path)))

    for raw in args.paths:
        if raw == "-":
            if stdin_seen:
                continue
            stdin_seen = True
            name = args.stdin_filename or "-"
            out.append(Source(name, None, _records.EXTENSIONS.get(
                Path(name).suffix.lower(), "") if args.stdin_filename else ""))
            continue
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, include, exclude):
                keep(found)
        elif path.is_file():
            keep(path)
        else:
            msg = f"{raw}: no such file or folder"
            raise UsageError(msg)
    return out


# -- tasks --------------------------------------------------------------------------------

@attrs.frozen
class _Options:
    fix: str | None
    keys: bool
    records: bool
    limit: int
    suppress: tuple[str, ...] = ()


def _file_tasks(index: int, src: Source, config: LintConfig, opts: _Options, *,
                chunk: int) -> Iterator[Task]:
    assert src.path is not None
    common: dict[str, Any] = {
        "file_index": index, "file": src.name, "fmt": src.fmt, "config": config,
        "path": str(src.path), "fix": opts.fix, "keys": opts.keys,
        "records": opts.records, "limit": opts.limit, "suppress": opts.suppress,
    }
    if src.fmt != "jsonl":
        try:
            size = src.path.stat().st_size
        except OSError:
            size = 0
        yield Task(**common, start=0, end=size)
        return
    try:
        stream = open(src.path, "rb")  # noqa: SIM115 - closed below, generator-safe
    except OSError:
        yield Task(**common, start=0, end=0)  # the task reports the error
        return
    with stream:
        for part in _records.plan_chunks(stream, chunk):
            yield Task(**common, start=part.start, end=part.end, first_line=part.first_line)


def _stdin_tasks(index: int, src: Source, stream: IO[bytes], config: LintConfig, *,
                 opts: _Options, chunk: int) -> Iterator[Task]:
    head = stream.read(_SNIFF_BYTES)
    fmt = src.fmt or _records.sniff(head)
    common: dict[str, Any] = {
        "file_index": index, "file": src.name, "fmt": fmt, "config": config,
        "keys": opts.keys, "records": opts.records, "limit": opts.limit,
        "suppress": opts.suppress,
    }
    if fmt != "jsonl":
        rest = (
            _records.read_bounded(stream, opts.limit - len(head))
            if len(head) <= opts.limit else None
        )
        if rest is None:  # over the limit: the task reports it, nothing is held
            yield Task(**common, data=None, end=opts.limit + 1)
        else:
            yield Task(**common, data=head + rest)
        return
    buffer = bytearray(head)
    first = 1
    yielded = False
    eof = False
    while not eof:
        block = stream.read(chunk)
        if block:
            buffer += block
        else:
            eof = True
        if eof:
            cut = len(buffer)
        elif len(buffer) >= chunk:
            cut = buffer.rfind(b"\n") + 1
        else:
            continue
        if cut > 0:
            data = bytes(buffer[:cut])
            del buffer[:cut]
            yield Task(**common, data=data, first_line=first)
            yielded = True
            first += data.count(b"\n")
        elif len(buffer) > opts.limit:  # one line over the limit: skip to its end
            size = len(buffer)
            buffer.clear()
            while True:
                block = stream.read(chunk)
                if not block:
                    eof = True
                    break
                end = block.find(b"\n")
                if end >= 0:
                    size += end + 1
                    buffer += block[end + 1:]
                    break
                size += len(block)
            yield Task(**common, data=b"\n", first_line=first, oversize=((first, size),))
            yielded = True
            first += 1
    if not yielded:
        yield Task(**common, data=b"")


def _results(tasks: Iterator[Task], jobs: int) -> Iterator[TaskResult]:
    """Run *tasks* and yield their results in task order."""
    if jobs <= 1:
        for task in tasks:
            yield execute(task)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload(["messages_schema._checker"])
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    window: deque[Future[TaskResult]] = deque()
    try:
        for task in tasks:
            window.append(pool.submit(execute, task))
            while len(window) >= jobs * 3:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    except BrokenProcessPool as exc:
        msg = f"a worker process died ({exc}); rerun with --jobs 1"
        raise UsageError(msg) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- the command --------------------------------------------------------------------------

def _is_tty(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def _colour(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _is_tty(stream) and os.environ.get("TERM") != "dumb"


def _duplicate(config: LintConfig, suppress: tuple[str, ...], *, src_name: str,
               custom_id: str, line: int | None, first: int | None) -> Finding | None:
    entry = RULES.get("BATCH001")
    if entry is None or "BATCH001" not in get_linter(config).enabled:
        return None
    if _records.suppressed("BATCH001", suppress):
        return None
    before = f"line {first}" if first is not None else "an earlier record"
    return Finding(
        code=entry.code,
        name=entry.name,
        severity=entry.severity,
        message=f"`custom_id` `{custom_id}` is already used on {before}; "
        "each request of a batch needs a unique `custom_id`",
        path=("custom_id",),
        api_path="custom_id",
        location=Location(file=src_name, line=line, record=custom_id),
    )


@attrs.define
class _FileState:
    src: Source
    config: LintConfig
    suppress: tuple[str, ...]
    records: list[tuple[int | None, str | None]] = attrs.Factory(list)
    ids: dict[str, int | None] = attrs.Factory(dict)
    fixer: FileFixer | None = None


def _check(args: argparse.Namespace, io: IO_) -> int:
    if not args.paths and not args.parquet:
        msg = "check needs at least one PATH (use - for stdin) or --parquet PATH"
        raise UsageError(msg)
    if args.jobs < 0:
        msg = "--jobs must be 0 (one per CPU) or more"
        raise UsageError(msg)
    jobs = args.jobs or os.cpu_count() or 1
    fixing = args.fix or args.diff
    configs = Configs(args)
    inputs = sources(args)
    if fixing and any(s.path is None for s in inputs):
        msg = "--fix and --diff rewrite files; they cannot read stdin"
        raise UsageError(msg)
    paths = [s.path if s.path is not None else (
        Path(args.stdin_filename) if args.stdin_filename else None) for s in inputs]
    file_configs = [configs.for_file(p) for p in paths]
    file_suppress = [configs.suppressed_for(p) for p in paths]
    baseline = None
    if args.baseline:
        try:
            baseline = Baseline.load(args.baseline)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    renderer_cls = RENDERER_CLASSES[args.format]
    opts = _Options(
        fix=(UNSAFE if args.unsafe_fixes else SAFE) if fixing else None,
        keys=bool(args.baseline or args.add_baseline),
        records=renderer_cls.needs_records and not args.statistics,
        limit=_records.max_record_bytes(),
    )

    def tasks() -> Iterator[Task]:
        for index, (src, config) in enumerate(zip(inputs, file_configs, strict=True)):
            local = attrs.evolve(opts, suppress=file_suppress[index])
            if src.path is None:
                yield from _stdin_tasks(index, src, io.stdin, config, opts=local,
                                        chunk=CHUNK_BYTES)
            else:
                yield from _file_tasks(index, src, config, local, chunk=CHUNK_BYTES)

    quiet_output = args.diff or args.add_baseline or args.statistics
    renderer: Renderer = renderer_cls(io.stdout, colour=_colour(io.stdout))
    if not quiet_output:
        renderer.begin()
    total = sum(s.path.stat().st_size for s in inputs if s.path is not None and s.path.exists())
    progress = Progress(io.stderr, enabled=not args.no_progress and _is_tty(io.stderr),
                        total_bytes=total)
    summary = Summary(files=len(inputs))
    statistics: Counter[str] = Counter()
    fixable_codes: set[str] = set()
    fixed: Counter[str] = Counter()
    new_baseline: list[Key] = []
    io_errors = 0
    state: _FileState | None = None

    def close_file(done: _FileState) -> None:
        if done.fixer is not None:
            try:
                done.fixer.finish()
            except OSError as exc:
                nonlocal io_errors
                io_errors += 1
                io.stderr.write(f"messages-schema: {done.src.name}: cannot write fixes: "
                                f"{exc.strerror or exc}\n")
        if not quiet_output:
            renderer.file_done(done.src.name, done.records)

    try:
        for result in _results(tasks(), jobs):
            if state is None or state.src is not inputs[result.file_index]:
                if state is not None:
                    close_file(state)
                src = inputs[result.file_index]
                state = _FileState(src, file_configs[result.file_index],
                                   file_suppress[result.file_index])
                if fixing and src.path is not None:
                    state.fixer = FileFixer(str(src.path), src.name,
                                            diff=io.stdout if args.diff else None)
            progress.update(result.count, result.size)
            if result.error is not None:
                io_errors += 1
                io.stderr.write(f"messages-schema: {result.error}\n")
                continue
            state.records.extend(result.records)
            found = list(result.findings)
            keys = list(result.keys) if opts.keys else [""] * len(found)
            extra: list[tuple[Finding, str]] = []
            for custom_id, line in result.ids:
                if custom_id in state.ids:
                    dup = _duplicate(state.config, state.suppress, src_name=state.src.name,
                                     custom_id=custom_id, line=line,
                                     first=state.ids[custom_id])
                    if dup is not None:
                        extra.append((dup, custom_id))
                else:
                    state.ids[custom_id] = line
            pairs = list(zip(found, keys, strict=True))
            if extra:
                pairs = sorted([*pairs, *extra],
                               key=lambda p: (p[0].location.line or 0) if p[0].location else 0)
            if state.fixer is not None and result.edits:
                state.fixer.feed(result.edits)
            fixed.update(result.fixed)
            shown: list[Finding] = []
            for finding, key in pairs:
                bkey = key_of(finding, key) if opts.keys else None
                if args.add_baseline:
                    assert bkey is not None
                    new_baseline.append(bkey)
                    continue
                if baseline is not None and bkey is not None and baseline.hides(bkey):
                    continue
                shown.append(finding)
                summary.count(finding)
                statistics[finding.code] += 1
                if fixable(finding, unsafe=args.unsafe_fixes):
                    summary.fixable += 1
                    fixable_codes.add(finding.code)
            summary.records += result.count
            if shown and not quiet_output:
                renderer.add(shown)
        if state is not None:
            close_file(state)
            state = None
        for parquet in args.parquet:
            summary.files += 1
            config = configs.for_file(Path(parquet))
            found = _parquet.cli_findings(parquet, args.column, config)
            for finding in found:
                summary.count(finding)
                statistics[finding.code] += 1
            if found and not quiet_output:
                renderer.add(found)
    finally:
        progress.close()
        if state is not None and state.fixer is not None:
            state.fixer.abort()

    return _finish(args, io, renderer, summary, statistics=statistics,
                   fixable_codes=fixable_codes, fixed=fixed, new_baseline=new_baseline,
                   io_errors=io_errors)


def _finish(args: argparse.Namespace, io: IO_, renderer: Renderer, summary: Summary, *,
            statistics: Counter[str], fixable_codes: set[str], fixed: Counter[str],
            new_baseline: list[Key], io_errors: int) -> int:
    if args.add_baseline:
        try:
            count = write_baseline(args.add_baseline, new_baseline)
        except OSError as exc:
            msg = f"{args.add_baseline}: {exc.strerror or exc}"
            raise UsageError(msg) from exc
        io.stderr.write(f"Wrote {count:,} finding(s) to the baseline {args.add_baseline}.\n")
        return 2 if io_errors else 0
    if args.statistics:
        _print_statistics(args, io, statistics, fixable_codes)
    elif not args.diff:
        renderer.end(summary)
    if fixed:
        verb = "Would fix" if args.diff else "Fixed"
        detail = ", ".join(f"{code} x{n}" for code, n in sorted(fixed.items()))
        io.stderr.write(f"{verb} {sum(fixed.values()):,} finding(s) ({detail}).\n")
    elif args.fix or args.diff:
        io.stderr.write("No fixes available.\n" if not summary.fixable else "")
    if not args.diff:
        line = summary.sentence()
        if (args.fix or args.diff) and fixed:
            line = line.replace("Found", "Remaining:", 1)
        io.stderr.write(line + "\n")
        if summary.fixable and not args.fix:
            how = "--fix --unsafe-fixes" if args.unsafe_fixes else "--fix"
            io.stderr.write(f"[*] {summary.fixable:,} fixable with {how}.\n")
    if io_errors:
        return 2
    if args.diff:
        return 1 if fixed and not args.exit_zero else 0
    return 1 if summary.errors and not args.exit_zero else 0


def _print_statistics(args: argparse.Namespace, io: IO_, statistics: Counter[str],
                      fixable_codes: set[str]) -> None:
    rows = sorted(statistics.items(), key=lambda kv: (-kv[1], kv[0]))
    if args.format in ("json", "jsonl"):
        records = [
            {"code": code, "name": RULES[code].name if code in RULES else "",
             "count": n, "fixable": code in fixable_codes}
            for code, n in rows
        ]
        if args.format == "json":
            io.stdout.write(orjson.dumps(records, option=orjson.OPT_INDENT_2).decode() + "\n")
        else:
            for r in records:
                io.stdout.write(orjson.dumps(r).decode() + "\n")
        return
    width = max((len(f"{n:,}") for _, n in rows), default=1)
    for code, n in rows:
        entry = RULES.get(code)
        mark = "[*]" if code in fixable_codes else "   "
        name = entry.name if entry else ""
        sev = entry.severity.value if entry else Severity.ERROR.value
        io.stdout.write(f"{n:>{width},}  {code:<8} {mark} {name} [{sev}]\n")
