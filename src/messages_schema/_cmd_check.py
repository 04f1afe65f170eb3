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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO, Any

import attrs
import orjson

from messages_schema import _files, _parquet, _records
from messages_schema._baseline import Baseline, Key, key_of, root_of, write_baseline
from messages_schema._checker import SAFE, UNSAFE, Task, TaskResult, execute
from messages_schema._output import RENDERER_CLASSES, Renderer, Summary
from messages_schema._progress import Progress
from messages_schema._rewrite import FileFixer, StreamFixer
from messages_schema._types import KINDS, canonical_kind
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
    check.add_argument("--kind", type=_kind, metavar="KIND",
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


def _kind(text: str) -> str:
    """``--kind``: a kind, in either spelling (``count_tokens`` or ``count-tokens``)."""
    kind = canonical_kind(text)
    if kind not in KINDS:
        msg = f"invalid choice: {text!r} (choose from {', '.join(KINDS)})"
        raise argparse.ArgumentTypeError(msg)
    return kind


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
        except ConfigError as exc:  # the capabilities table: name where it was set
            msg = f"{where}: {exc}" if source is not None else str(exc)
            raise ConfigError(msg) from exc
        self._checked.add(config)


# -- files --------------------------------------------------------------------------------

@attrs.frozen
class Source:
    """
    One input: a file on disk, a named pipe, or stdin (``path`` None).

    ``fmt`` is ``json``, ``jsonl``, ``sse`` or ``parquet``, or ``""`` until it is sniffed
    from the first bytes. A compressed file (``codec``) or a pipe is read front to back.
    """

    name: str
    path: Path | None
    fmt: str
    codec: str | None = None
    pipe: bool = False

    @property
    def streamed(self) -> bool:
        """Read front to back in one pass: no byte ranges, no size known up front."""
        return self.path is None or self.codec is not None or self.pipe


def _matches(rel: str, name: str, globs: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, g) or fnmatch.fnmatchcase(rel, g) for g in globs)


def _included(rel: str, name: str, include: Sequence[str]) -> bool:
    """Whether an include glob matches the file, or the file without a ``.gz``-like suffix."""
    if _matches(rel, name, include):
        return True
    bare = _files.strip_codec(name)
    return bare != name and _matches(_files.strip_codec(rel), bare, include)


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
            if _included(rel, name, include) and not _matches(rel, name, exclude):
                yield path


def _format_of_name(name: str) -> str:
    """The format a file name says, compression suffix aside; ``""`` when it says none."""
    return _records.EXTENSIONS.get(Path(_files.strip_codec(name)).suffix.lower(), "")


def _sniff_file(path: Path) -> str:
    """The format of a plain file whose name does not tell: Parquet by its magic bytes."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(_SNIFF_BYTES)
    except OSError:
        return "json"  # the task reports why it cannot be read
    if _files.is_parquet(head):
        return "parquet"
    return _records.sniff(head)


def sources(args: argparse.Namespace, warn: Callable[[str], None]) -> list[Source]:
    """
    Every input named on the command line, folders expanded, each file once.

    Special files (devices, sockets, and named pipes met in a folder walk) and paths
    in a folder that lead nowhere are skipped with a warning. A named pipe given by
    name is read like stdin. A named path that leads nowhere is a usage error.
    Formats come from the names only; `sniffed` fills in the rest.
    """
    include = tuple(args.include) or DEFAULT_INCLUDE
    exclude = (*DEFAULT_EXCLUDE, *args.exclude)
    out: list[Source] = []
    seen: set[Path] = set()
    stdin_seen = False

    def keep(path: Path, *, named: bool) -> bool:
        what = _files.what_is(path)
        if what in _files.NOWHERE or what.startswith("unreadable"):
            problem = _files.unreachable(path, what)
            if named:
                raise UsageError(problem)
            warn(f"{problem}; skipped")
            return False
        if what != _files.FILE and not (what == _files.PIPE and named):
            warn(f"{path}: skipped: a {what}, not a regular file")
            return False
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            codec = _files.codec_of(path) if what == _files.FILE else None
            out.append(Source(str(path), path, _format_of_name(path.name), codec=codec,
                              pipe=what == _files.PIPE))
        return True

    for raw in args.paths:
        if raw == "-":
            if stdin_seen:
                continue
            stdin_seen = True
            name = args.stdin_filename or "-"
            fmt = _format_of_name(name) if args.stdin_filename else ""
            out.append(Source(name, None, fmt))
            continue
        path = Path(raw)
        if _files.what_is(path) == _files.FOLDER:
            found = [p for p in _walk(path, include, exclude) if keep(p, named=False)]
            if not found and len(args.paths) > 1:
                warn(f"{raw}: no files to check in this folder")
        else:
            keep(path, named=True)
    if any(s.codec == "zstd" for s in out):
        try:
            _files.zstd_module()
        except ImportError as exc:
            raise UsageError(str(exc)) from exc
    return out


def sniffed(inputs: list[Source]) -> list[Source]:
    """*inputs* with the format of each plain file whose name does not tell it filled in."""
    return [
        attrs.evolve(s, fmt=_sniff_file(s.path))
        if not s.fmt and not s.streamed and s.path is not None else s
        for s in inputs
    ]


def _nothing_found(args: argparse.Namespace) -> UsageError:
    include = ", ".join(tuple(args.include) or DEFAULT_INCLUDE)
    msg = (
        f"no files to check in {' '.join(args.paths)} (looked for {include}, each also "
        "compressed as .gz, .bz2, .xz or .zst; see --include)"
    )
    return UsageError(msg)


# -- tasks --------------------------------------------------------------------------------

@attrs.frozen
class _Options:
    fix: str | None
    keys: bool
    records: bool
    limit: int
    suppress: tuple[str, ...] = ()
    #: Streamed inputs send their bytes back (``--fix``/``--diff`` on stdin).
    echo: bool = False


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


def _stream_tasks(index: int, src: Source, stdin: IO[bytes], config: LintConfig, *,
                  opts: _Options, chunk: int) -> Iterator[Task]:
    """The tasks of an input read front to back: stdin, a named pipe, a compressed file."""
    error: dict[str, Any] = {"file_index": index, "file": src.name, "fmt": src.fmt or "json",
                             "config": config}
    try:
        stream = stdin if src.path is None else _files.open_read(src.path, src.codec)
    except _files.read_errors() as exc:
        yield Task(**error, error=_read_error(src, exc))
        return
    try:
        yield from _chunked_tasks(index, src, stream, config, opts=opts, chunk=chunk)
    except _files.read_errors() as exc:  # damaged or truncated compressed data
        yield Task(**error, error=_read_error(src, exc))
    finally:
        if src.path is not None:
            stream.close()


def _read_error(src: Source, exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if src.codec is not None and not isinstance(exc, FileNotFoundError | PermissionError):
        return f"{src.name}: cannot read it as {src.codec}-compressed data: {reason}"
    return f"{src.name}: {reason}"


def _chunked_tasks(index: int, src: Source, stream: IO[bytes], config: LintConfig, *,
                   opts: _Options, chunk: int) -> Iterator[Task]:
    head = stream.read(_SNIFF_BYTES)
    fmt = src.fmt or _records.sniff(head)
    common: dict[str, Any] = {
        "file_index": index, "file": src.name, "fmt": fmt, "config": config,
        "keys": opts.keys, "records": opts.records, "limit": opts.limit,
        "suppress": opts.suppress, "echo": opts.echo, "fix": opts.fix,
    }
    if fmt != "jsonl":
        rest = (
            _records.read_bounded(stream, opts.limit - len(head))
            if len(head) <= opts.limit else None
        )
        if rest is None:  # over the limit: the task reports it, nothing is held
            if opts.echo:
                yield Task(**common, error=_lost(src, opts.limit))
                return
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
            if opts.echo:  # it could not be written back: stop rather than lose it
                yield Task(**common, error=_lost(src, opts.limit, first))
                return
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


def _lost(src: Source, limit: int, line: int | None = None) -> str:
    where = f"line {line}" if line is not None else "the document"
    return (
        f"{src.name}: {where} is over the size limit of {limit:,} bytes, so --fix/--diff "
        f"cannot pass it through; raise {_records.MAX_ENV}"
    )


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
    limit = _records.max_record_bytes()
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


def _fixable_inputs(args: argparse.Namespace, inputs: Sequence[Source]) -> None:
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
    configs = Configs(args)

    def warn(text: str) -> None:
        io.stderr.write(f"messages-schema: warning: {text}\n")

    found = sources(args, warn)
    if not found and not args.parquet:
        raise _nothing_found(args)
    paths = [s.path if s.path is not None else (
        Path(args.stdin_filename) if args.stdin_filename else None) for s in found]
    found_configs = [configs.for_file(p) for p in paths]
    found_suppress = [configs.suppressed_for(p) for p in paths]
    # Configuration is complete and valid: only now are files opened, to sniff formats.
    found = sniffed(found)
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
    opts = _Options(
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
                yield from _stream_tasks(index, src, io.stdin, config, opts=local,
                                         chunk=CHUNK_BYTES)
            else:
                yield from _file_tasks(index, src, config, local, chunk=CHUNK_BYTES)

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
        for result in _results(tasks(), jobs):
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
                if custom_id in state.ids:
                    dup = _duplicate(state.config, state.suppress, src_name=state.src.name,
                                     custom_id=custom_id, line=line,
                                     first=state.ids[custom_id])
                    if dup is not None:
                        extra.append((dup, custom_id))
                else:
                    state.ids[custom_id] = line
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
                    io.stderr.write(f"messages-schema: {_read_error(state.src, exc)}; "
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
