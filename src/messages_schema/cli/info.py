"""``messages-schema schema`` and ``messages-schema rule``: print what ships."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import orjson

from messages_schema import schemas
from messages_schema.cli._io import IO_, UsageError


def add(sub: Any) -> None:
    """Register the ``schema`` and ``rule`` subcommands."""
    schema = sub.add_parser("schema", help="print a shipped JSON Schema, or export them all")
    schema.add_argument(
        "name", nargs="?", default="request", type=_schema_name, metavar="NAME",
        help="one of " + ", ".join(SCHEMA_NAMES) + " (dashes accepted: count-tokens)",
    )
    schema.add_argument("--export", metavar="DIR", help="write every schema into DIR")
    schema.set_defaults(handler=_schema)
    rule = sub.add_parser("rule", help="print a rule's documentation, or the table of rules")
    rule.add_argument("code", nargs="?")
    rule.set_defaults(handler=_rule)


#: The names ``schema`` documents: the kinds' spelling, with underscores.
SCHEMA_NAMES = tuple(name.replace("-", "_") for name in schemas.NAMES)


def _schema_name(text: str) -> str:
    """``schema NAME``: a schema by kind (``count_tokens``) or file stem (``count-tokens``)."""
    try:
        return schemas.name_for_kind(text.strip().lower().replace("_", "-"))
    except LookupError:
        pass
    try:
        return schemas.name_for_kind(text)
    except LookupError:
        msg = f"unknown schema {text!r}; choose from {', '.join(SCHEMA_NAMES)}"
        raise argparse.ArgumentTypeError(msg) from None


def _schema(args: argparse.Namespace, io: IO_) -> int:
    if args.export:
        folder = Path(args.export)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for stem in schemas.NAMES:
                target = folder / f"{stem}.schema.json"
                tmp = target.with_suffix(".json.tmp")
                tmp.write_bytes(
                    orjson.dumps(schemas.load(stem), option=orjson.OPT_INDENT_2) + b"\n"
                )
                tmp.replace(target)
        except OSError as exc:
            msg = f"{folder}: {exc.strerror or exc}"
            raise UsageError(msg) from exc
        io.stdout.write(f"wrote {len(schemas.NAMES)} schemas to {folder}\n")
        return 0
    text = orjson.dumps(schemas.load(args.name), option=orjson.OPT_INDENT_2).decode()
    io.stdout.write(text + "\n")
    return 0


def _rule(args: argparse.Namespace, io: IO_) -> int:
    from messages_schema.rules import RULES, get_rule

    if args.code:
        entry = get_rule(args.code)
        io.stdout.write(f"# {entry.code} {entry.name}\n\n")
        io.stdout.write(
            f"Severity: {entry.severity.value}. Status: {entry.status.value}. "
            f"Added in {entry.since}. Applies to: {', '.join(sorted(entry.kinds))}.\n\n"
        )
        io.stdout.write(entry.doc + "\n")
        return 0
    width = max(len(r.name) for r in RULES.values())
    for entry in RULES.values():
        io.stdout.write(
            f"{entry.code:8} {entry.name:{width}}  {entry.severity.value:7}  "
            f"{entry.status.value:7}  {entry.summary}\n"
        )
    return 0
