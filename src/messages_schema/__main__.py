"""``python -m messages_schema``: the command-line interface."""

from messages_schema.cli import main

raise SystemExit(main())
