"""The app served by uvicorn on a free 127.0.0.1 port in a thread, for tests that need real
HTTP (a harvester reading our feed, a browser); it stops when the block ends."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI


@contextmanager
def serving(make_app: Callable[[str], FastAPI]) -> Iterator[str]:
    """Serve ``make_app(base_uri)`` and yield that base URI."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    config = uvicorn.Config(make_app(base), host="127.0.0.1", port=port, log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert server.started, "the app did not start"
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
