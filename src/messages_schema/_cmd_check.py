"""``messages-schema check``: lint files of requests, responses, batch lines and streams."""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from messages_schema import _records
from messages_schema._output import RENDERERS
from messages_schema._types import KINDS
from messages_schema.cli import IO_, UsageError
from messages_schema.config import LintConfig
from messages_schema.findings import Finding, Location, Severity
from messages_schema.linter import Linter


def add(sub: Any) -> None:
    """Register the ``check`` subcommand."""
    check = sub.add_parser("check", help="lint requests, responses, batch files and streams")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - for stdin")
    check.add_argument("--kind", choices=KINDS, help="treat every document as this kind")
    check.add_argument("--format", choices=sorted(RENDERERS), default="text")
    check.add_argument("--select", action="append", default=[], metavar="CODES")
    check.add_argument("--ignore", action="append", default=[], metavar="CODES")
    check.add_argument("--beta", action="append", default=[], metavar="NAME",
                       help="an anthropic-beta value the requests are sent with")
    check.add_argument("--model", help="check against this model instead of the payload's")
    check.add_argument("--preview", action="store_true", help="also run preview rules")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with errors")
    check.add_argument("--no-progress", action="store_true", help="never show progress")
    check.set_defaults(handler=_check)


def _config(args: argparse.Namespace) -> LintConfig:
    base, _ = LintConfig.discover(Path.cwd())
    changes: dict[str, Any] = {}
    if args.select:
        changes["select"] = args.select
    if args.ignore:
        changes["ignore"] = (*base.ignore, *LintConfig(ignore=args.ignore).ignore)
    if args.beta:
        changes["betas"] = (*base.betas, *args.beta)
    if args.model:
        changes["model"] = args.model
    if args.preview:
        changes["preview"] = True
    if args.kind:
        changes["kind"] = args.kind
    return attrs.evolve(base, **changes)


def _files(paths: Sequence[str]) -> Iterator[Path | None]:
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in _records.EXTENSIONS
            )
            yield from found
        elif path.is_file():
            yield path
        else:
            msg = f"{raw}: no such file or folder"
            raise UsageError(msg)


def _record_id(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("custom_id", "id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def check_bytes(
    data: bytes, *, name: str | None, fmt: str, linter: Linter, kind: str | None
) -> list[Finding]:
    """Lint the documents in *data* (a whole file) and return located findings."""
    out: list[Finding] = []
    if fmt == "sse":
        for f in linter.lint(data, kind="stream"):
            out.append(attrs.evolve(f, location=Location(file=name, line=None, record=None)))
        return out
    for record in _records.read_records(data, fmt):
        where = Location(
            file=name,
            line=record.line if fmt == "jsonl" else None,
            record=_record_id(record.value),
        )
        if record.error is not None:
            found = linter.lint(record.raw, kind=kind or "request")
        elif kind is None and _records.is_pair(record.value):
            found = [
                attrs.evolve(f, path=(side, *f.path))
                for side in ("request", "response")
                for f in linter.lint(record.value[side], kind=side)
            ]
        else:
            found = linter.lint(record.value, kind=kind or _records.detect_kind(record.value))
        out.extend(attrs.evolve(f, location=where) for f in found)
    return out


def _check(args: argparse.Namespace, io: IO_) -> int:
    if not args.paths:
        msg = "check needs at least one PATH (use - for stdin)"
        raise UsageError(msg)
    config = _config(args)
    linter = Linter(config)
    findings: list[Finding] = []
    files = 0
    for path in _files(args.paths):
        files += 1
        if path is None:
            data = io.stdin.read()
            name, fmt = "-", "jsonl" if b"\n{" in data.strip() else "json"
        else:
            try:
                data = path.read_bytes()
            except OSError as exc:
                msg = f"{path}: {exc.strerror or exc}"
                raise UsageError(msg) from exc
            name, fmt = str(path), _records.format_of(path)
        findings.extend(check_bytes(data, name=name, fmt=fmt, linter=linter, kind=config.kind))
    RENDERERS[args.format](findings, io.stdout, _is_tty(io.stdout))
    errors = sum(f.severity is Severity.ERROR for f in findings)
    if args.format == "text":
        io.stderr.write(
            f"{files} file(s) checked: {errors} error(s), "
            f"{len(findings) - errors} other finding(s)\n"
        )
    return 1 if errors and not args.exit_zero else 0


def _is_tty(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
