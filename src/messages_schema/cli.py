"""
The ``messages-schema`` command line.

`main` parses ``sys.argv``; `run` takes the streams, so tests call it in-process and
read the exit code: 0 no error finding, 1 error findings, 2 usage or I/O error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
import orjson

from messages_schema import _records, schemas
from messages_schema._output import RENDERERS
from messages_schema._types import KINDS
from messages_schema.config import LintConfig
from messages_schema.exceptions import MessagesSchemaError
from messages_schema.findings import Finding, Location, Severity
from messages_schema.linter import Linter

__all__ = ["main", "run"]


class _UsageError(Exception):
    """A bad argument or an unreadable file: exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="messages-schema",
        description="Check Anthropic Messages API payloads before they are sent.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

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

    schema = sub.add_parser("schema", help="print a shipped JSON Schema, or export them all")
    schema.add_argument("name", nargs="?", default="request", choices=schemas.NAMES)
    schema.add_argument("--export", metavar="DIR", help="write every schema into DIR")

    rule = sub.add_parser("rule", help="print a rule's documentation, or the table of rules")
    rule.add_argument("code", nargs="?")
    return parser


def run(
    argv: Sequence[str] | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command line with *argv*; return the exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        if args.command == "check":
            return _check(args, stdin or sys.stdin.buffer, stdout, stderr)
        if args.command == "schema":
            return _schema(args, stdout)
        if args.command == "rule":
            return _rule(args, stdout)
        parser.print_help(stdout)
        return 2
    except (_UsageError, MessagesSchemaError) as exc:
        stderr.write(f"messages-schema: {exc}\n")
        return 2


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``messages-schema`` console script."""
    try:
        return run(argv)
    except BrokenPipeError:  # the reader went away (``| head``): not our error
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130


# -- check -------------------------------------------------------------------------------


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
            raise _UsageError(msg)


def _record_id(value: Any, number: int) -> str | None:
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
        where = Location(file=name, line=record.line if fmt == "jsonl" else None,
                         record=_record_id(record.value, record.line))
        if record.error is not None:
            found = linter.lint(record.raw, kind=kind or "request")
        elif kind is None and _records.is_pair(record.value):
            found = [
                attrs.evolve(f, path=(side, *f.path))
                for side, side_kind in (("request", "request"), ("response", "response"))
                for f in linter.lint(record.value[side], kind=side_kind)
            ]
        else:
            found = linter.lint(record.value, kind=kind or _records.detect_kind(record.value))
        out.extend(attrs.evolve(f, location=where) for f in found)
    return out


def _check(args: argparse.Namespace, stdin: IO[bytes], stdout: IO[str], stderr: IO[str]) -> int:
    if not args.paths:
        msg = "check needs at least one PATH (use - for stdin)"
        raise _UsageError(msg)
    config = _config(args)
    linter = Linter(config)
    findings: list[Finding] = []
    files = 0
    for path in _files(args.paths):
        files += 1
        if path is None:
            data = stdin.read()
            name, fmt = "-", "jsonl" if b"\n{" in data.strip() else "json"
        else:
            try:
                data = path.read_bytes()
            except OSError as exc:
                msg = f"{path}: {exc.strerror or exc}"
                raise _UsageError(msg) from exc
            name, fmt = str(path), _records.format_of(path)
        findings.extend(check_bytes(data, name=name, fmt=fmt, linter=linter, kind=config.kind))
    RENDERERS[args.format](findings, stdout, _is_tty(stdout))
    errors = sum(f.severity is Severity.ERROR for f in findings)
    if args.format == "text":
        stderr.write(
            f"{files} file(s) checked: {errors} error(s), {len(findings) - errors} other finding(s)\n"
        )
    return 1 if errors and not args.exit_zero else 0


def _is_tty(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


# -- schema and rule ---------------------------------------------------------------------


def _schema(args: argparse.Namespace, stdout: IO[str]) -> int:
    if args.export:
        folder = Path(args.export)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for stem in schemas.NAMES:
                target = folder / f"{stem}.schema.json"
                tmp = target.with_suffix(".json.tmp")
                tmp.write_bytes(orjson.dumps(schemas.load(stem), option=orjson.OPT_INDENT_2) + b"\n")
                tmp.replace(target)
        except OSError as exc:
            msg = f"{folder}: {exc.strerror or exc}"
            raise _UsageError(msg) from exc
        stdout.write(f"wrote {len(schemas.NAMES)} schemas to {folder}\n")
        return 0
    stdout.write(orjson.dumps(schemas.load(args.name), option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0


def _rule(args: argparse.Namespace, stdout: IO[str]) -> int:
    from messages_schema.rules import RULES, get_rule

    if args.code:
        entry = get_rule(args.code)
        stdout.write(f"# {entry.code} {entry.name}\n\n")
        stdout.write(
            f"Severity: {entry.severity.value}. Status: {entry.status.value}. "
            f"Added in {entry.since}. Applies to: {', '.join(sorted(entry.kinds))}.\n\n"
        )
        stdout.write(entry.doc + "\n")
        return 0
    width = max(len(r.name) for r in RULES.values())
    for entry in RULES.values():
        stdout.write(
            f"{entry.code:8} {entry.name:{width}}  {entry.severity.value:7}  "
            f"{entry.status.value:7}  {entry.summary}\n"
        )
    return 0
