"""``messages-schema serve``: run the validating reverse proxy (the ``serve`` extra)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path
from typing import IO, Any, Final

import attrs
import orjson

from messages_schema.cli._io import IO_, UsageError
from messages_schema.config import LintConfig

#: What ``serve`` prints when uvicorn or aiohttp is missing, as ``httpx.main()`` does.
INSTALL_HINT = (
    "messages-schema serve needs the optional dependencies of the serve extra.\n"
    "Install them with: pip install 'messages-schema[serve]'\n"
)

#: The environment variable that hands the settings to ``--workers`` processes.
SETTINGS_ENV: Final = "MESSAGES_SCHEMA_SERVE_SETTINGS"


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
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="processes serving requests (default 1; one per core is typical)")
    serve.add_argument("--upstream-timeout", type=float, default=600.0, metavar="SECONDS",
                       help="seconds to wait for the upstream's next bytes (default 600)")
    serve.add_argument("--mode", choices=("enforce", "report", "normalize"), default="enforce",
                       help="reject (enforce), only log (report), or forward normalized bodies")
    serve.add_argument("--max-body-bytes", type=int, metavar="N",
                       help="largest request body accepted, compressed or decoded"
                            " (default: the API's own limits)")
    serve.add_argument("--strict-batches", action="store_true",
                       help="reject a batch for any item's error, not only for what the API"
                            " rejects at creation (structure, duplicate custom_id)")
    serve.add_argument("--strict-unknown", action="store_true",
                       help="check requests with anthropic-beta values unknown to this version"
                            " as strictly as any other")
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
    if args.strict_unknown:
        changes["strict_unknown"] = True
    return attrs.evolve(base, **changes)


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """Everything a serving process needs, as JSON-able values."""
    config = _config(args)
    return {
        "upstream": args.upstream,
        "mode": args.mode,
        "max_body_bytes": args.max_body_bytes,
        "check_responses": not args.no_response_checks,
        "timeout": args.upstream_timeout,
        "strict_batches": args.strict_batches,
        "log_level": args.log_level,
        # The day stays as configured: None means each process reads its clock per
        # request, as a long-running gateway must.
        "config": {f.name: getattr(config, f.name) for f in attrs.fields(LintConfig)},
    }


def _app(settings: dict[str, Any], stream: IO[str]) -> Any:
    from messages_schema.gateway import make_proxy_app

    logger = logging.getLogger("messages_schema.gateway")
    if not logger.handlers:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(str(settings["log_level"]).upper())
    return make_proxy_app(
        settings["upstream"],
        config=LintConfig(**settings["config"]),
        mode=settings["mode"],
        max_body_bytes=settings["max_body_bytes"],
        check_responses=settings["check_responses"],
        timeout=settings["timeout"],
        strict_batches=settings["strict_batches"],
    )


def worker_app() -> Any:
    """
    The app of one ``--workers`` process (a uvicorn factory).

    Reads its settings from `SETTINGS_ENV`, which the parent ``serve`` sets.
    """
    return _app(orjson.loads(os.environ[SETTINGS_ENV]), sys.stderr)


def _serve(args: argparse.Namespace, io: IO_) -> int:
    try:
        uvicorn = importlib.import_module("uvicorn")
        importlib.import_module("aiohttp")  # the upstream client
    except ImportError:
        io.stderr.write(INSTALL_HINT)
        return 2
    from messages_schema.exceptions import ConfigError

    if not 0 <= args.port <= 65535:
        msg = f"--port must be between 0 and 65535, not {args.port}"
        raise UsageError(msg)
    if args.workers < 1:
        msg = f"--workers must be 1 or more, not {args.workers}"
        raise UsageError(msg)
    if not args.upstream_timeout > 0:
        msg = f"--upstream-timeout must be a positive number, not {args.upstream_timeout}"
        raise UsageError(msg)
    settings = _settings(args)
    try:
        # Built here even with --workers, so a bad setting fails now, with exit 2.
        app = _app(settings, io.stderr)
    except ConfigError as exc:
        raise UsageError(str(exc)) from exc
    io.stderr.write(
        f"messages-schema: proxying http://{args.host}:{args.port} -> {args.upstream}"
        f" (mode {args.mode}, {args.workers} worker{'s' if args.workers > 1 else ''})\n"
    )
    # Our own JSON line per request replaces uvicorn's access log (no query strings);
    # the upstream's Server and Date headers are forwarded, so uvicorn adds none.
    options: dict[str, Any] = {
        "host": args.host, "port": args.port, "log_level": args.log_level,
        "access_log": False, "lifespan": "on", "server_header": False, "date_header": False,
    }
    if args.workers == 1:
        uvicorn.run(app, **options)
        return 0
    os.environ[SETTINGS_ENV] = orjson.dumps(settings).decode()
    uvicorn.run("messages_schema.cli.serve:worker_app", factory=True, workers=args.workers,
                **options)
    return 0
