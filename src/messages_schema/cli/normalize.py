"""
``messages-schema normalize``: rewrite request files into the API's own form.

``.json`` files hold one document, ``.jsonl``/``.ndjson`` files one record per line.
Request bodies are normalized with `normalize_request`; batch request items
``{custom_id, params}`` have their ``params`` normalized; ``{request, response}``
pairs their ``request``. Other records (responses, batch results, streams) and
lines that do not decode are kept byte for byte, as are blank lines and records
that normalizing leaves unchanged, so a file's untouched lines never show in a diff.

Output goes to stdout; ``--in-place`` rewrites each file atomically (a temporary file
in the same folder, then ``os.replace``); ``--diff`` prints a unified diff and writes
nothing. Exit status: 0 when all went well (with ``--diff``: nothing would change);
1 when ``--diff`` found changes, or some document or line could not be decoded and
was kept as it was (reported on stderr); 2 for usage or I/O errors.
"""

from __future__ import annotations

import argparse
import difflib
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import orjson

from messages_schema import _jsonio, _records
from messages_schema.cli import _files
from messages_schema.cli._io import IO_, UsageError
from messages_schema.normalize import normalize_batch_request, normalize_request

#: Extensions ``normalize`` picks up when given a folder (streams are not requests).
_EXTENSIONS = frozenset(ext for ext, fmt in _files.EXTENSIONS.items() if fmt != "sse")


def add(sub: Any) -> None:
    """Register the ``normalize`` subcommand."""
    cmd = sub.add_parser(
        "normalize",
        help="rewrite requests into the API's own form (blocks, merged turns, key order)",
    )
    cmd.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - for stdin")
    mode = cmd.add_mutually_exclusive_group()
    mode.add_argument("--in-place", action="store_true", help="rewrite the files")
    mode.add_argument("--diff", action="store_true", help="print a unified diff, write nothing")
    cmd.add_argument(
        "--unsafe", action="store_true", help="also run steps that may change what the model sees"
    )
    cmd.set_defaults(handler=_normalize)


@attrs.define
class _Outcome:
    """What normalizing one file produced."""

    data: bytes
    bad: list[str] = attrs.Factory(list)


def _value(value: Any, *, unsafe: bool) -> Any:
    """Normalize one decoded record by its shape; other shapes come back as they are."""
    if not isinstance(value, dict):
        return value
    if _records.is_pair(value):
        out = dict(value)
        out["request"] = normalize_request(value["request"], unsafe=unsafe)
        return out
    kind = _records.detect_kind(value)
    if kind == "batch_request":
        return normalize_batch_request(value, unsafe=unsafe)
    if kind == "request":
        return normalize_request(value, unsafe=unsafe)
    return value


def _safe_value(value: Any, *, unsafe: bool) -> tuple[Any, str | None]:
    """`_value`, or the record unchanged and why, should a normalizer have a bug."""
    try:
        return _value(value, unsafe=unsafe), None
    except Exception as exc:  # one record must not stop the run (a bug: please report)
        return value, f"internal error while normalizing: {type(exc).__name__}: {exc}"


def _changed(old: Any, new: Any) -> bool:
    return new is not old and orjson.dumps(new) != orjson.dumps(old)


def normalize_bytes(data: bytes, fmt: str, *, unsafe: bool = False) -> _Outcome:
    """Return the normalized text of a whole file's bytes, and what could not be read."""
    if fmt == "jsonl":
        return _jsonl(data, unsafe=unsafe)
    try:
        value = _jsonio.decode(data)
    except _jsonio.InvalidJSON as exc:
        return _Outcome(data, [str(exc)])
    new, problem = _safe_value(value, unsafe=unsafe)
    if problem is not None:
        return _Outcome(data, [problem])
    if not _changed(value, new):
        return _Outcome(data)
    # Keep the file's style: a one-line document stays on one line, anything else
    # is indented by two spaces; a final newline is kept (and added when indenting).
    one_line = b"\n" not in data.strip()
    text = orjson.dumps(new) if one_line else orjson.dumps(new, option=orjson.OPT_INDENT_2)
    if data.endswith(b"\n") or not one_line:
        text += b"\r\n" if data.endswith(b"\r\n") else b"\n"
    return _Outcome(text)


def _jsonl(data: bytes, *, unsafe: bool) -> _Outcome:
    out: list[bytes] = []
    bad: list[str] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        body = line.rstrip(b"\r")
        stripped = body.strip()
        if not stripped:
            out.append(line)
            continue
        try:
            value = _jsonio.decode(stripped)
        except _jsonio.InvalidJSON as exc:
            bad.append(f"line {number}: {exc}")
            out.append(line)
            continue
        new, problem = _safe_value(value, unsafe=unsafe)
        if problem is not None:
            bad.append(f"line {number}: {problem}")
        if problem is not None or not _changed(value, new):
            out.append(line)
            continue
        out.append(orjson.dumps(new) + line[len(body) :])
    return _Outcome(b"\n".join(out), bad)


def _picked(path: Path) -> bool:
    """Whether a folder walk picks *path* up: a request format, maybe compressed."""
    name = _files.strip_codec(path.name)
    return Path(name).suffix.lower() in _EXTENSIONS


def _inputs(paths: Sequence[str], warn: Callable[[str], None]) -> Iterator[Path | None]:
    """Each input: None for stdin; special files and dead links in folders are skipped."""
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        what = _files.what_is(path)
        if what == _files.FOLDER:
            for found in sorted(p for p in path.rglob("*") if _picked(p)):
                kind = _files.what_is(found)
                if kind == _files.FILE:
                    yield found
                elif kind != _files.FOLDER:
                    warn(f"{found}: skipped: a {kind}, not a regular file")
        elif what in (_files.FILE, _files.PIPE):
            yield path
        elif what in _files.NOWHERE or what.startswith("unreadable"):
            raise UsageError(_files.unreachable(path, what))
        else:
            warn(f"{path}: skipped: a {what}, not a regular file")


def _write_atomically(path: Path, data: bytes, codec: str | None = None) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            writer = _files.open_write(handle, codec)
            writer.write(data)
            if writer is not handle:
                writer.close()  # the compressor's trailer; *handle* stays open
        os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_NO_EOL = "{}\n\\ No newline at end of file\n"


def _write_bytes(io: IO_, data: bytes) -> None:
    """Write *data* as it is: undecodable lines are kept byte for byte on stdout too."""
    buffer = getattr(io.stdout, "buffer", None)
    if buffer is None:  # a text-only stream, such as StringIO in tests
        io.stdout.write(data.decode("utf-8", "surrogateescape"))
        return
    io.stdout.flush()
    buffer.write(data)
    buffer.flush()


def _text(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines(keepends=True)


def _normalize(args: argparse.Namespace, io: IO_) -> int:
    if not args.paths:
        msg = "normalize needs at least one PATH (use - for stdin)"
        raise UsageError(msg)
    if args.in_place and "-" in args.paths:
        msg = "--in-place cannot rewrite stdin"
        raise UsageError(msg)
    status = 0
    changed = 0

    def warn(text: str) -> None:
        io.stderr.write(f"messages-schema: warning: {text}\n")

    files = list(_inputs(args.paths, warn))
    if not files:
        msg = (f"no files to normalize in {' '.join(args.paths)} (looked for "
               f"{', '.join(sorted(_EXTENSIONS))}, each also compressed as .gz, .bz2, .xz "
               "or .zst)")
        raise UsageError(msg)
    for path in files:
        codec = None
        if path is None:
            data = io.stdin.read()
            name = "-"
            fmt = "jsonl" if b"\n{" in data.strip() else "json"
        else:
            codec = _files.codec_of(path) if _files.what_is(path) == _files.FILE else None
            try:
                with _files.open_read(path, codec) as stream:
                    data = stream.read()
            except ImportError as exc:
                raise UsageError(str(exc)) from exc
            except _files.read_errors() as exc:
                reason = getattr(exc, "strerror", None) or exc
                msg = f"{path}: {reason}"
                raise UsageError(msg) from exc
            name = str(path)
            fmt = _files.format_of(Path(_files.strip_codec(path.name)))
        outcome = normalize_bytes(data, fmt, unsafe=args.unsafe)
        for problem in outcome.bad:
            io.stderr.write(f"{name}: {problem} (kept unchanged)\n")
            status = 1
        differs = outcome.data != data
        changed += differs
        if args.diff:
            if differs:
                for line in difflib.unified_diff(
                    _text(data), _text(outcome.data), fromfile=name, tofile=name
                ):
                    io.stdout.write(line if line.endswith("\n") else _NO_EOL.format(line))
                status = 1
        elif args.in_place:
            if differs and path is not None:
                try:
                    _write_atomically(path, outcome.data, codec)
                except OSError as exc:
                    msg = f"{path}: {exc.strerror or exc}"
                    raise UsageError(msg) from exc
        else:
            _write_bytes(io, outcome.data)
    if args.in_place or args.diff:
        verb = "would be normalized" if args.diff else "normalized"
        io.stderr.write(f"{changed} file(s) {verb}, {len(files) - changed} unchanged\n")
    return status
