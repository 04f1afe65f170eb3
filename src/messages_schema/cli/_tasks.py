"""
Planning ``check``'s work and running it: `Task` units in, `TaskResult` values out, in order.

A whole ``.json``/``.sse`` file is one task; a JSONL file is cut at line ends into byte
ranges (`_files.plan_chunks`); an input read front to back (stdin, a pipe, a compressed
file) is cut into chunks of bytes as it is read, a line over the size limit skipped to
its end. `results` runs the tasks here or in a process pool (``--jobs``) and yields the
results in plan order, so output never depends on the number of processes.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import IO, Any

import attrs

from messages_schema.cli import _files
from messages_schema.cli._discovery import SNIFF_BYTES, Source
from messages_schema.cli._io import UsageError
from messages_schema.cli._work import Task, TaskResult, execute
from messages_schema.config import LintConfig

__all__ = ["CHUNK_BYTES", "Options", "file_tasks", "read_error", "results", "stream_tasks"]

#: Bytes of JSONL per task: big enough to amortise a task, small enough to balance.
CHUNK_BYTES = 2 * 1024 * 1024


@attrs.frozen
class Options:
    fix: str | None
    keys: bool
    records: bool
    limit: int
    suppress: tuple[str, ...] = ()
    #: Streamed inputs send their bytes back (``--fix``/``--diff`` on stdin).
    echo: bool = False


def file_tasks(index: int, src: Source, config: LintConfig, opts: Options, *,
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
        for part in _files.plan_chunks(stream, chunk):
            yield Task(**common, start=part.start, end=part.end, first_line=part.first_line)


def stream_tasks(index: int, src: Source, stdin: IO[bytes], config: LintConfig, *,
                  opts: Options, chunk: int) -> Iterator[Task]:
    """The tasks of an input read front to back: stdin, a named pipe, a compressed file."""
    error: dict[str, Any] = {"file_index": index, "file": src.name, "fmt": src.fmt or "json",
                             "config": config}
    try:
        stream = stdin if src.path is None else _files.open_read(src.path, src.codec)
    except _files.read_errors() as exc:
        yield Task(**error, error=read_error(src, exc))
        return
    try:
        yield from _chunked_tasks(index, src, stream, config, opts=opts, chunk=chunk)
    except _files.read_errors() as exc:  # damaged or truncated compressed data
        yield Task(**error, error=read_error(src, exc))
    finally:
        if src.path is not None:
            stream.close()


def read_error(src: Source, exc: BaseException) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    if src.codec is not None and not isinstance(exc, FileNotFoundError | PermissionError):
        return f"{src.name}: cannot read it as {src.codec}-compressed data: {reason}"
    return f"{src.name}: {reason}"


def _chunked_tasks(index: int, src: Source, stream: IO[bytes], config: LintConfig, *,
                   opts: Options, chunk: int) -> Iterator[Task]:
    head = stream.read(SNIFF_BYTES)
    fmt = src.fmt or _files.sniff(head)
    common: dict[str, Any] = {
        "file_index": index, "file": src.name, "fmt": fmt, "config": config,
        "keys": opts.keys, "records": opts.records, "limit": opts.limit,
        "suppress": opts.suppress, "echo": opts.echo, "fix": opts.fix,
    }
    if fmt != "jsonl":
        rest = (
            _files.read_bounded(stream, opts.limit - len(head))
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
        f"cannot pass it through; raise {_files.MAX_ENV}"
    )


def results(tasks: Iterator[Task], jobs: int) -> Iterator[TaskResult]:
    """Run *tasks* and yield their results in task order."""
    if jobs <= 1:
        for task in tasks:
            yield execute(task)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload(["messages_schema.cli._work"])
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
