"""
Renderers for ``check --format``: one class per format, findings in, text out.

A renderer gets findings in output order through `Renderer.add` (one record's findings
at a time), hears when a file is done (`Renderer.file_done`, with its records when it
asked for them) and writes its tail in `Renderer.end`. ``text``, ``json``, ``jsonl`` and
``github`` write as they go, so their memory does not grow with the input; ``sarif``
and ``junit`` hold their results until the end (each is one document).

Machine formats are a contract: keys and element names are added, never renamed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO, Any, ClassVar
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

import attrs
import orjson

from messages_schema.findings import Finding, Severity
from messages_schema.rules import RULES

__all__ = ["RENDERERS", "Renderer", "Summary", "render_json", "render_jsonl", "render_text"]

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"

TOOL_NAME = "messages-schema"
TOOL_URI = "https://github.com/messages-schema/messages-schema"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

#: GitHub shows at most this many annotations of each of error and warning per step.
GITHUB_ANNOTATION_LIMIT = 10


@attrs.define(kw_only=True)
class Summary:
    """Totals of a run, handed to `Renderer.end`."""

    files: int = 0
    records: int = 0
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    fixable: int = 0
    #: Findings a ``--baseline`` hid (None: no baseline in use).
    hidden: int | None = None

    @property
    def findings(self) -> int:
        """Every finding reported."""
        return self.errors + self.warnings + self.infos

    def count(self, finding: Finding) -> None:
        """Add *finding* to the totals."""
        if finding.severity is Severity.ERROR:
            self.errors += 1
        elif finding.severity is Severity.WARNING:
            self.warnings += 1
        else:
            self.infos += 1

    def sentence(self) -> str:
        """Say ``Found 3 findings (2 errors, 1 warning) in 2 files (40 records).``."""
        parts = [_plural(self.errors, "error"), _plural(self.warnings, "warning")]
        if self.infos:
            parts.append(_plural(self.infos, "info", "infos"))
        text = (
            f"Found {_plural(self.findings, 'finding')} ({', '.join(parts)}) in "
            f"{_plural(self.files, 'file')} ({_plural(self.records, 'record')})"
        )
        if self.hidden is not None:
            text += f"; the baseline hid {self.hidden:,} more"
        return text + "."


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _where(f: Finding) -> str:
    loc = f.location
    if loc is None or loc.file is None:
        return "<input>"
    if loc.line is not None:
        return f"{loc.file}:{loc.line}"
    return loc.file


class Renderer:
    """Base renderer: subclasses override what they need."""

    #: Whether `file_done` needs each file's ``(line, record id)`` list.
    needs_records: ClassVar[bool] = False

    def __init__(self, out: IO[str], *, colour: bool = False) -> None:
        self.out = out
        self.colour = colour

    def begin(self) -> None:
        """Write the head of the output."""

    def add(self, findings: Sequence[Finding]) -> None:
        """Write (or keep) the findings of one record, in output order."""

    def file_done(self, name: str, records: Sequence[tuple[int | None, str | None]]) -> None:
        """One file is complete; *records* is filled when `needs_records` is set."""

    def end(self, summary: Summary) -> None:
        """Write the tail of the output."""


class TextRenderer(Renderer):
    """Location first, then code, name and severity; the message and fix indented below."""

    def add(self, findings: Sequence[Finding]) -> None:
        """Write one block per finding."""
        for f in findings:
            self.out.write(format_text(f, colour=self.colour))


def format_text(f: Finding, *, colour: bool = False) -> str:
    """The human block of one finding, ending with a blank line."""
    sev = f.severity.value
    if colour:
        head = (
            f"{_BOLD}{_where(f)}{_RESET}  {f.pointer or '/'}  "
            f"{_COLOURS[sev]}{f.code}{_RESET} {f.name} [{_COLOURS[sev]}{sev}{_RESET}]"
        )
    else:
        head = f"{_where(f)}  {f.pointer or '/'}  {f.code} {f.name} [{sev}]"
    lines = [head, f"  {f.message}"]
    if f.api_path:
        lines.append(f"  at:   {f.api_path}")
    if f.api_error and f.api_error != f.message:
        lines.append(f"  api:  {f.api_error}")
    if f.fix is not None:
        lines.append(f"  fix:  {f.fix.message} ({f.fix.applicability.value})")
    return "\n".join(lines) + "\n\n"


class JsonRenderer(Renderer):
    """One JSON array of finding records (keys are a contract), streamed."""

    def begin(self) -> None:
        """Open the array."""
        self._first = True
        self.out.write("[")

    def add(self, findings: Sequence[Finding]) -> None:
        """Write each record, indented two spaces."""
        for f in findings:
            body = orjson.dumps(f.to_dict(), option=orjson.OPT_INDENT_2).decode()
            self.out.write(("\n" if self._first else ",\n") + _indent(body))
            self._first = False

    def end(self, summary: Summary) -> None:
        """Close the array."""
        self.out.write("]\n" if self._first else "\n]\n")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


class JsonlRenderer(Renderer):
    """One finding record per line."""

    def add(self, findings: Sequence[Finding]) -> None:
        """Write one line per finding."""
        for f in findings:
            self.out.write(orjson.dumps(f.to_dict()).decode() + "\n")


# -- GitHub workflow commands -------------------------------------------------------------

_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github_data(text: str) -> str:
    """Escape a workflow command's message (``%``, CR, LF), as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """Escape a workflow command property value (also ``:`` and ``,``)."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubRenderer(Renderer):
    """GitHub Actions workflow commands: one annotation per finding, then a summary."""

    def add(self, findings: Sequence[Finding]) -> None:
        """Write ``::error file=…,line=…,title=CODE name::message`` per finding."""
        for f in findings:
            props = []
            loc = f.location
            if loc is not None and loc.file is not None:
                props.append(f"file={github_property(loc.file)}")
                if loc.line is not None:
                    props.append(f"line={loc.line}")
            props.append(f"title={github_property(f'{f.code} {f.name}')}")
            where = f.api_path or f.pointer
            message = f"{f.message} (at {where})" if where else f.message
            self.out.write(f"::{_GH_LEVEL[f.severity]} {','.join(props)}::"
                           f"{github_data(message)}\n")

    def end(self, summary: Summary) -> None:
        """Say how many findings there were: GitHub shows only the first few."""
        line = summary.sentence()
        if summary.errors > GITHUB_ANNOTATION_LIMIT or summary.warnings > GITHUB_ANNOTATION_LIMIT:
            line += (
                f" GitHub shows at most {GITHUB_ANNOTATION_LIMIT} error and "
                f"{GITHUB_ANNOTATION_LIMIT} warning annotations per step; "
                "the log above lists them all."
            )
        self.out.write(line + "\n")
        self.out.write(f"::notice title={github_property(TOOL_NAME)}::{github_data(line)}\n")


# -- SARIF 2.1.0 -------------------------------------------------------------------------

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def artifact_uri(name: str) -> str:
    """A file name as a SARIF ``artifactLocation.uri`` (relative names stay relative)."""
    if PureWindowsPath(name).drive:
        return PureWindowsPath(name).as_uri()
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute():
        return path.as_uri()
    return quote(str(path), safe="/")


def _doc_section(doc: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    return " ".join(match.group(1).split()) if match else ""


def sarif_rule(code: str) -> dict[str, Any]:
    """The ``reportingDescriptor`` of rule *code*, from the registry and its doc."""
    entry = RULES.get(code)
    if entry is None:  # pragma: no cover - every finding's code is registered
        return {"id": code, "name": code}
    full = _doc_section(entry.doc, "What it does") or entry.summary
    return {
        "id": entry.code,
        "name": entry.name,
        "shortDescription": {"text": entry.summary or entry.name},
        "fullDescription": {"text": full or entry.name},
        "help": {"text": entry.doc or entry.name, "markdown": entry.doc or entry.name},
        "defaultConfiguration": {"level": _SARIF_LEVEL[entry.severity]},
        "properties": {
            "tags": [entry.prefix],
            "status": entry.status.value,
            "since": entry.since,
        },
    }


def fingerprint(f: Finding) -> str:
    """A stable hash of where a finding is (file, record, code, pointer)."""
    loc = f.location
    parts = [
        loc.file if loc and loc.file else "",
        (loc.record or str(loc.line or "")) if loc else "",
        f.code,
        f.pointer,
    ]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class SarifRenderer(Renderer):
    """A SARIF 2.1.0 log with one run; rules listed are the ones the results use."""

    def begin(self) -> None:
        """Start collecting results."""
        self._results: list[dict[str, Any]] = []
        self._rules: dict[str, int] = {}

    def add(self, findings: Sequence[Finding]) -> None:
        """Keep one ``result`` per finding."""
        for f in findings:
            index = self._rules.setdefault(f.code, len(self._rules))
            loc = f.location
            physical: dict[str, Any] = {
                "artifactLocation": {
                    "uri": artifact_uri(loc.file if loc and loc.file else "-"),
                },
                "region": {"startLine": loc.line if loc and loc.line else 1},
            }
            logical_name = f.api_path or f.pointer or "/"
            properties: dict[str, Any] = {
                "pointer": f.pointer,
                "api_path": f.api_path,
                "severity": f.severity.value,
            }
            if loc is not None and loc.record is not None:
                properties["record"] = loc.record
            if f.api_error is not None:
                properties["api_error"] = f.api_error
            if f.fix is not None:
                properties["fix"] = {
                    "applicability": f.fix.applicability.value,
                    "message": f.fix.message,
                }
            self._results.append({
                "ruleId": f.code,
                "ruleIndex": index,
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": physical,
                    "logicalLocations": [
                        {"fullyQualifiedName": logical_name, "kind": "member"}
                    ],
                }],
                "partialFingerprints": {"messagesSchemaFinding/v1": fingerprint(f)},
                "properties": properties,
            })

    def end(self, summary: Summary) -> None:
        """Write the whole log."""
        log = {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "semanticVersion": _version(),
                        "informationUri": TOOL_URI,
                        "rules": [sarif_rule(code) for code in self._rules],
                    }
                },
                "results": self._results,
                "columnKind": "unicodeCodePoints",
            }],
        }
        self.out.write(orjson.dumps(log, option=orjson.OPT_INDENT_2).decode() + "\n")


def _version() -> str:
    try:
        return version("messages-schema")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0.0.0"


# -- JUnit XML ---------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return escape(_XML_INVALID.sub("\ufffd", text))


def _xml_attr(text: str) -> str:
    return quoteattr(_XML_INVALID.sub("\ufffd", text), {"\n": "&#10;", "\r": "&#13;",
                                                        "\t": "&#9;"})


class JunitRenderer(Renderer):
    """JUnit XML: a testsuite per file, a testcase per record, a failure per error."""

    needs_records = True

    def begin(self) -> None:
        """Start collecting suites."""
        self._suites: list[str] = []
        self._pending: dict[tuple[int | None, str | None], list[Finding]] = {}
        self._tests = self._failures = 0

    def add(self, findings: Sequence[Finding]) -> None:
        """Keep the findings of one record until its file is done."""
        for f in findings:
            loc = f.location
            key = (loc.line, loc.record) if loc is not None else (None, None)
            self._pending.setdefault(key, []).append(f)

    def file_done(self, name: str, records: Sequence[tuple[int | None, str | None]]) -> None:
        """Build the file's testsuite."""
        cases: list[str] = []
        failures = 0
        seen: set[tuple[int | None, str | None]] = set()
        keys = list(records) + [k for k in self._pending if k not in set(records)]
        for key in keys:
            if key in seen:
                continue
            seen.add(key)
            line, ident = key
            found = self._pending.get(key, [])
            label = f"line {line}" if line is not None else "document"
            if ident is not None:
                label += f" ({ident})"
            attrs_ = f"classname={_xml_attr(name)} name={_xml_attr(label)} file={_xml_attr(name)}"
            if line is not None:
                attrs_ += f' line="{line}"'
            body: list[str] = []
            notes: list[str] = []
            for f in found:
                text = f"{f.pointer or '/'}"
                if f.api_path:
                    text += f" ({f.api_path})"
                text += f": {f.message}"
                if f.is_error:
                    failures += 1
                    body.append(
                        f"      <failure type={_xml_attr(f.code)} "
                        f"message={_xml_attr(f'{f.code} {f.name}: {f.message}')}>"
                        f"{_xml_text(text)}</failure>"
                    )
                else:
                    notes.append(f"{f.code} {f.name} [{f.severity.value}] {text}")
            if notes:
                body.append(f"      <system-out>{_xml_text(chr(10).join(notes))}</system-out>")
            if body:
                cases.append(f"    <testcase {attrs_}>\n" + "\n".join(body) + "\n    </testcase>")
            else:
                cases.append(f"    <testcase {attrs_}/>")
        self._pending.clear()
        self._tests += len(cases)
        self._failures += failures
        head = (
            f"  <testsuite name={_xml_attr(name)} tests=\"{len(cases)}\" "
            f"failures=\"{failures}\" errors=\"0\" skipped=\"0\""
        )
        self._suites.append(head + (">\n" + "\n".join(cases) + "\n  </testsuite>"
                                    if cases else "/>"))

    def end(self, summary: Summary) -> None:
        """Write the document."""
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(
            f'<testsuites name="{TOOL_NAME}" tests="{self._tests}" '
            f'failures="{self._failures}" errors="0">\n'
        )
        for suite in self._suites:
            self.out.write(suite + "\n")
        self.out.write("</testsuites>\n")


#: Renderer classes by ``--format`` name.
RENDERER_CLASSES: dict[str, type[Renderer]] = {
    "text": TextRenderer,
    "json": JsonRenderer,
    "jsonl": JsonlRenderer,
    "sarif": SarifRenderer,
    "github": GithubRenderer,
    "junit": JunitRenderer,
}


# -- one-shot helpers (a list of findings in, the whole output out) -----------------------

def _one_shot(name: str) -> Callable[[Sequence[Finding], IO[str], bool], None]:
    def render(findings: Sequence[Finding], out: IO[str], colour: bool = False) -> None:
        renderer = RENDERER_CLASSES[name](out, colour=colour)
        renderer.begin()
        summary = Summary()
        files: dict[str, list[tuple[int | None, str | None]]] = {}
        for f in findings:
            summary.count(f)
            loc = f.location
            if loc is not None and loc.file is not None:
                files.setdefault(loc.file, []).append((loc.line, loc.record))
            renderer.add([f])
        for file, records in files.items():
            renderer.file_done(file, list(dict.fromkeys(records)))
        summary.files = len(files)
        renderer.end(summary)

    render.__doc__ = f"Render *findings* as {name} in one call."
    return render


Renderer_ = Callable[[Sequence[Finding], IO[str], bool], None]

render_text = _one_shot("text")
render_json = _one_shot("json")
render_jsonl = _one_shot("jsonl")

#: One-shot renderers by format name: ``RENDERERS[fmt](findings, out, colour)``.
RENDERERS: dict[str, Renderer_] = {name: _one_shot(name) for name in RENDERER_CLASSES}
