"""``messages-schema serve``: run the validating reverse proxy (the ``serve`` extra)."""

from __future__ import annotations

import argparse
import importlib
import logging
from pathlib import Path
from typing import Any

import attrs

from messages_schema.cli import IO_, UsageError
from messages_schema.config import LintConfig

#: What ``serve`` prints when httpx or uvicorn is missing, as ``httpx.main()`` does.
INSTALL_HINT = (
    "messages-schema serve needs the optional dependencies httpx and uvicorn.\n"
    "Install them with: pip install 'messages-schema[serve]'\n"
)


def add(sub: Any) -> None:
    """Register the ``serve`` subcommand."""
    serve = sub.add_parser(
        "serve",
        help="run a reverse proxy that answers invalid requests with the API's 400",
        description=(
            "Proxy POST /v1/messages, /v1/messages/count_tokens and /v1/messages/batches "
            "to UPSTREAM, rejecting bodies the API would reject, in the API's own error "
            "envelope. Everything else is forwarded unchanged."
        ),
    )
    serve.add_argument("--upstream", required=True, metavar="URL",
                       help="base URL to forward to, e.g. https://api.anthropic.com")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on")
    serve.add_argument("--mode", choices=("enforce", "report", "normalize"), default="enforce",
                       help="reject (enforce), only log (report), or forward normalized bodies")
    serve.add_argument("--max-body-bytes", type=int, metavar="N",
                       help="largest request body accepted (default: the API's own limits)")
    serve.add_argument("--beta", action="append", default=[], metavar="NAME",
                       help="an anthropic-beta value every request is checked with")
    serve.add_argument("--select", action="append", default=[], metavar="CODES")
    serve.add_argument("--ignore", action="append", default=[], metavar="CODES")
    serve.add_argument("--no-response-checks", action="store_true",
                       help="do not lint upstream responses and streams (report-only)")
    serve.add_argument("--log-level", default="info",
                       choices=("debug", "info", "warning", "error"))
    serve.set_defaults(handler=_serve)


def _config(args: argparse.Namespace) -> LintConfig:
    base, _ = LintConfig.discover(Path.cwd())
    changes: dict[str, Any] = {}
    if args.select:
        changes["select"] = args.select
    if args.ignore:
        changes["ignore"] = (*base.ignore, *LintConfig(ignore=args.ignore).ignore)
    if args.beta:
        changes["betas"] = (*base.betas, *args.beta)
    return attrs.evolve(base, **changes)


def _serve(args: argparse.Namespace, io: IO_) -> int:
    try:
        importlib.import_module("httpx")
        uvicorn = importlib.import_module("uvicorn")
    except ImportError:
        io.stderr.write(INSTALL_HINT)
        return 2
    from messages_schema.exceptions import ConfigError
    from messages_schema.gateway import make_proxy_app

    if not 0 <= args.port <= 65535:
        msg = f"--port must be between 0 and 65535, not {args.port}"
        raise UsageError(msg)
    logger = logging.getLogger("messages_schema.gateway")
    if not logger.handlers:
        handler = logging.StreamHandler(io.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(args.log_level.upper())
    try:
        app = make_proxy_app(
            args.upstream,
            config=_config(args),
            mode=args.mode,
            max_body_bytes=args.max_body_bytes,
            check_responses=not args.no_response_checks,
        )
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    io.stderr.write(
        f"messages-schema: proxying http://{args.host}:{args.port} -> {args.upstream}"
        f" (mode {args.mode})\n"
    )
    # Our own JSON line per request replaces uvicorn's access log (no query strings).
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                access_log=False, lifespan="on")
    return 0
