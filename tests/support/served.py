"""A uvicorn server on a free loopback port, in a background thread (gateway tests)."""

from __future__ import annotations

import threading
import time
from typing import Any

import uvicorn


class Served:
    """
    Serve *app* with uvicorn on ``127.0.0.1``, port chosen by the system.

    ``with Served(app) as port:`` starts it and waits until it listens (at most *wait*
    seconds); leaving the block stops it. *options* go to `uvicorn.Config`.
    """

    def __init__(
        self, app: Any, *, log_level: str = "critical", wait: float = 5.0, **options: Any
    ) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level=log_level,
                                lifespan="on", access_log=False, server_header=False,
                                date_header=False, **options)
        self.wait = wait
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        deadline = time.monotonic() + self.wait
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            assert self.thread.is_alive(), "uvicorn stopped"
            time.sleep(0.01)
        return int(self.server.servers[0].sockets[0].getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(self.wait)
