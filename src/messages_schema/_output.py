"""Renderers for ``check --format``: one function per format, findings in, text out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO

import orjson

from messages_schema.findings import Finding

Renderer = Callable[[Sequence[Finding], IO[str], bool], None]

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def _where(f: Finding) -> str:
    loc = f.location
    if loc is None or loc.file is None:
        return "<input>"
    if loc.line is not None:
        return f"{loc.file}:{loc.line}"
    return loc.file


def render_text(findings: Sequence[Finding], out: IO[str], colour: bool) -> None:
    """Location first, then code, name and severity; the message and fix indented below."""
    for f in findings:
        sev = f.severity.value
        head = f"{_where(f)}  {f.pointer or '/'}  {f.code} {f.name} [{sev}]"
        if colour:
            head = (
                f"{_BOLD}{_where(f)}{_RESET}  {f.pointer or '/'}  "
                f"{_COLOURS[sev]}{f.code}{_RESET} {f.name} [{sev}]"
            )
        lines = [head, f"  {f.message}"]
        if f.api_path:
            lines.append(f"  at:   {f.api_path}")
        if f.api_error and f.api_error != f.message:
            lines.append(f"  api:  {f.api_error}")
        if f.fix is not None:
            lines.append(f"  fix:  {f.fix.message} ({f.fix.applicability.value})")
        out.write("\n".join(lines) + "\n")


def render_json(findings: Sequence[Finding], out: IO[str], colour: bool) -> None:
    """One JSON array of finding records (keys are a contract)."""
    out.write(orjson.dumps([f.to_dict() for f in findings], option=orjson.OPT_INDENT_2).decode())
    out.write("\n")


def render_jsonl(findings: Sequence[Finding], out: IO[str], colour: bool) -> None:
    """One finding record per line."""
    for f in findings:
        out.write(orjson.dumps(f.to_dict()).decode() + "\n")


RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "jsonl": render_jsonl,
}
