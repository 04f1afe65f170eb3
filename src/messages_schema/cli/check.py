"""
``messages-schema check``: lint files of requests, responses, batch lines and streams.

The command finds its inputs (`_discovery`) and the configuration of each (`_config`),
plans `_work.Task` units (a whole ``.json``/``.sse`` file, or a byte range of a JSONL
file cut at line ends; `_tasks`), runs them here or in a process pool (``--jobs``), and
consumes the results in plan order: findings go to the renderer (`_output`), fixes to a
`_rewrite.FileFixer`, ``custom_id`` values to the duplicate check. Nothing holds a
whole JSONL file, so memory stays flat whatever the input size.

Exit codes: 0 no error finding, 1 error findings, 2 usage, configuration or I/O error.
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
import orjson

from messages_schema import _records
from messages_schema._types import KINDS
from messages_schema.cli import _config, _discovery, _files, _parquet, _tasks
from messages_schema.cli._baseline import Baseline, Key, key_of, root_of, write_baseline
from messages_schema.cli._io import IO_, UsageError
from messages_schema.cli._output import RENDERER_CLASSES, Renderer, Summary
from messages_schema.cli._progress import Progress
from messages_schema.cli._rewrite import FileFixer, StreamFixer
from messages_schema.cli._work import SAFE, UNSAFE, Task
from messages_schema.config import LintConfig
from messages_schema.findings import Finding, Location, Severity
from messages_schema.fixes import fixable
from messages_schema.linter import get_linter
from messages_schema.rules import RULES
from messages_schema.rules._batch import CustomIds, duplicate_custom_id


def add(sub: Any) -> None:
    """Register the ``check`` subcommand."""
    check = sub.add_parser(
        "check",
        help="lint requests, responses, batch files and streams",
        description="Lint files of Messages API payloads. Exit 0: no error finding; "
        "1: error findings; 2: usage, configuration or I/O error.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - for stdin")
    check.add_argument("--kind", type=_config.kind, metavar="KIND",
                       help="treat every document as this kind: " + ", ".join(KINDS)
                       + " (dashes accepted: count-tokens)")
    check.add_argument("--parquet", action="append", default=[], metavar="PATH",
                       help="a Parquet file or folder to check (needs the arrow extra)")
    check.add_argument("--column", metavar="NAME",
                       help="the Parquet column holding the JSON text of each record")
    check.add_argument("--record-column", metavar="NAME",
                       help="a Parquet column naming each record in findings (say custom_id)")
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
    check.add_argument("--today", type=_config.day, metavar="YYYY-MM-DD",
                       help="give verdicts as of this day (retired models); default: today, UTC")
    check.add_argument("--config", metavar="PATH",
                       help="read [tool.messages-schema] from this file only")
    check.add_argument("--isolated", action="store_true",
                       help="ignore every configuration file")
    check.add_argument("--include", action="append", default=[], metavar="GLOB",
                       help="file globs to pick up in folders (default: "
                       + ", ".join(_discovery.DEFAULT_INCLUDE) + ")")
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
    if "BATCH001" not in get_linter(config).enabled or _records.suppressed("BATCH001", suppress):
        return None
    before = f"on line {first}" if first is not None else "on an earlier record"
    return duplicate_custom_id(
        custom_id, before, location=Location(file=src_name, line=line, record=custom_id)
    )


@attrs.define
class _FileState:
    src: _discovery.Source
    config: LintConfig
    suppress: tuple[str, ...]
    records: list[tuple[int | None, str | None]] = attrs.Factory(list)
    ids: CustomIds = attrs.Factory(CustomIds)
    fixer: FileFixer | None = None
    #: ``--fix``/``--diff`` on stdin: writes the input back as it is checked.
    echo: StreamFixer | None = None


def _preflight(args: argparse.Namespace) -> tuple[int, Baseline | None]:
    """Every check of the command line that reads no input: misuse fails here, exit 2."""
    if not args.paths and not args.parquet:
        msg = "check needs at least one PATH (use - for stdin) or --parquet PATH"
        raise UsageError(msg)
    if args.jobs < 0:
        msg = "--jobs must be 0 (one per CPU) or more"
        raise UsageError(msg)
    if (args.fix or args.diff) and args.parquet:
        msg = "--fix and --diff do not rewrite Parquet files (--parquet); check them without"
        raise UsageError(msg)
    if args.baseline and args.add_baseline:
        msg = "--baseline and --add-baseline cannot be used together"
        raise UsageError(msg)
    limit = _files.max_record_bytes()
    baseline = None
    if args.baseline:
        try:
            baseline = Baseline.load(args.baseline)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
    if args.add_baseline:
        folder = Path(args.add_baseline).resolve().parent
        if not folder.is_dir():
            msg = f"--add-baseline {args.add_baseline}: no such folder {folder}"
            raise UsageError(msg)
    return limit, baseline


def _fixable_inputs(args: argparse.Namespace, inputs: Sequence[_discovery.Source]) -> None:
    """Refuse ``--fix``/``--diff`` on inputs they cannot write back."""
    if not (args.fix or args.diff):
        return
    for src in inputs:
        if src.fmt == "parquet":
            msg = f"{src.name}: --fix and --diff do not rewrite Parquet files"
            raise UsageError(msg)
        if src.pipe:
            msg = (f"{src.name}: --fix and --diff cannot rewrite a named pipe; "
                   "pass it on stdin (-) to get the fixed text on stdout")
            raise UsageError(msg)
    if any(s.path is None for s in inputs) and len(inputs) > 1:
        msg = "with --fix or --diff, stdin (-) must be the only input"
        raise UsageError(msg)


def _check(args: argparse.Namespace, io: IO_) -> int:
    limit, baseline = _preflight(args)
    jobs = args.jobs or os.cpu_count() or 1
    fixing = args.fix or args.diff
    configs = _config.Configs(args)

    def warn(text: str) -> None:
        io.stderr.write(f"messages-schema: warning: {text}\n")

    found = _discovery.sources(args, warn)
    if not found and not args.parquet:
        raise _discovery.nothing_found(args)
    paths = [s.path if s.path is not None else (
        Path(args.stdin_filename) if args.stdin_filename else None) for s in found]
    found_configs = [configs.for_file(p) for p in paths]
    found_suppress = [configs.suppressed_for(p) for p in paths]
    # Configuration is complete and valid: only now are files opened, to sniff formats.
    found = _discovery.sniffed(found)
    _fixable_inputs(args, found)
    parquets = [(name, configs.for_file(Path(name))) for name in args.parquet]
    parquets += [(s.name, c) for s, c in zip(found, found_configs, strict=True)
                 if s.fmt == "parquet"]
    for name, _ in parquets:
        _parquet.cli_preflight(name, args.column, args.record_column)
    keep = [i for i, s in enumerate(found) if s.fmt != "parquet"]
    inputs = [found[i] for i in keep]
    file_configs = [found_configs[i] for i in keep]
    file_suppress = [found_suppress[i] for i in keep]
    stdin_fixing = fixing and any(s.path is None for s in inputs)

    renderer_cls = RENDERER_CLASSES[args.format]
    opts = _tasks.Options(
        fix=(UNSAFE if args.unsafe_fixes else SAFE) if fixing else None,
        keys=bool(args.baseline or args.add_baseline),
        records=renderer_cls.needs_records and not args.statistics,
        limit=limit,
        echo=stdin_fixing,
    )
    root = root_of(args.baseline or args.add_baseline) if opts.keys else None

    def tasks() -> Iterator[Task]:
        for index, (src, config) in enumerate(zip(inputs, file_configs, strict=True)):
            local = attrs.evolve(opts, suppress=file_suppress[index])
            if src.streamed:
                yield from _tasks.stream_tasks(index, src, io.stdin, config, opts=local,
                                         chunk=_tasks.CHUNK_BYTES)
            else:
                yield from _tasks.file_tasks(index, src, config, local, chunk=_tasks.CHUNK_BYTES)

    quiet_output = args.diff or args.add_baseline or args.statistics
    # `--fix -` writes the fixed text to stdout, so findings go to stderr (as ruff does).
    findings_out = io.stderr if stdin_fixing and not args.diff else io.stdout
    renderer: Renderer = renderer_cls(findings_out, colour=_colour(findings_out))
    if not quiet_output:
        renderer.begin()
    streamed = any(s.streamed for s in inputs)
    total = 0 if streamed else sum(_size(s.path) for s in inputs if s.path is not None)
    progress = Progress(io.stderr, enabled=not args.no_progress and _is_tty(io.stderr),
                        total_bytes=total)
    summary = Summary(files=len(inputs), hidden=0 if baseline is not None else None)
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
            except _files.read_errors() as exc:  # a failed write, or damaged compressed data
                done.fixer.abort()
                nonlocal io_errors
                io_errors += 1
                reason = getattr(exc, "strerror", None) or exc
                io.stderr.write(f"messages-schema: {done.src.name}: cannot write fixes: "
                                f"{reason}\n")
        if not quiet_output:
            renderer.file_done(done.src.name, done.records)

    try:
        for result in _tasks.results(tasks(), jobs):
            if state is None or state.src is not inputs[result.file_index]:
                if state is not None:
                    close_file(state)
                src = inputs[result.file_index]
                state = _FileState(src, file_configs[result.file_index],
                                   file_suppress[result.file_index])
                if fixing and src.path is not None:
                    state.fixer = FileFixer(str(src.path), src.name,
                                            diff=io.stdout if args.diff else None,
                                            codec=src.codec)
                elif fixing:
                    state.echo = StreamFixer(
                        src.name, out=None if args.diff else _binary(io),
                        diff=io.stdout if args.diff else None,
                    )
            progress.update(result.count, result.size)
            if result.error is not None:
                io_errors += 1
                io.stderr.write(f"messages-schema: {result.error}\n")
                continue
            state.records.extend(result.records)
            found_here = list(result.findings)
            keys = list(result.keys) if opts.keys else [""] * len(found_here)
            extra: list[tuple[Finding, str]] = []
            for custom_id, line in result.ids:
                repeated, first = state.ids.see(custom_id, line)
                if repeated:
                    dup = _duplicate(state.config, state.suppress, src_name=state.src.name,
                                     custom_id=custom_id, line=line, first=first)
                    if dup is not None:
                        extra.append((dup, custom_id))
            pairs = list(zip(found_here, keys, strict=True))
            if extra:
                pairs = sorted([*pairs, *extra],
                               key=lambda p: (p[0].location.line or 0) if p[0].location else 0)
            if state.fixer is not None and result.edits:
                try:
                    state.fixer.feed(result.edits)
                except _files.read_errors() as exc:
                    state.fixer.abort()
                    state.fixer = None
                    io_errors += 1
                    io.stderr.write(f"messages-schema: {_tasks.read_error(state.src, exc)}; "
                                    "no fixes written\n")
            if state.echo is not None and result.source is not None:
                state.echo.feed(result.first_line, result.source, result.edits)
            fixed.update(result.fixed)
            shown: list[Finding] = []
            for finding, key in pairs:
                bkey = key_of(finding, key, root) if root is not None else None
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
        for name, config in parquets:
            summary.files += 1
            found_parquet, rows = _parquet.cli_check(name, args.column, config,
                                                     record_column=args.record_column)
            summary.records += rows
            shown = []
            for finding in found_parquet:
                if baseline is not None and root is not None and baseline.hides(
                        key_of(finding, _parquet_key(finding), root)):
                    continue
                if args.add_baseline and root is not None:
                    new_baseline.append(key_of(finding, _parquet_key(finding), root))
                    continue
                shown.append(finding)
                summary.count(finding)
                statistics[finding.code] += 1
            if shown and not quiet_output:
                renderer.add(shown)
    finally:
        progress.close()
        if state is not None and state.fixer is not None:
            state.fixer.abort()
    if baseline is not None:
        summary.hidden = baseline.hidden

    return _finish(args, io, renderer, summary, statistics=statistics,
                   fixable_codes=fixable_codes, fixed=fixed, new_baseline=new_baseline,
                   io_errors=io_errors)


def _parquet_key(finding: Finding) -> str:
    """A Parquet finding's record key for baselines: its record id, else its row."""
    loc = finding.location
    if loc is None:
        return "-"
    return loc.record if loc.record is not None else f"row:{loc.line}"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _binary(io: IO_) -> IO[bytes]:
    """The bytes side of stdout: fixed text is written back byte for byte."""
    buffer = getattr(io.stdout, "buffer", None)
    if buffer is not None:
        io.stdout.flush()
        return buffer  # type: ignore[no-any-return]
    return _TextSink(io.stdout)  # type: ignore[return-value]


class _TextSink:
    """A bytes writer over a text stream (``StringIO`` in tests)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        self.out.write(data.decode("utf-8", "surrogateescape"))
        return len(data)


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
