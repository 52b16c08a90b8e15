"""moto's DynamoDB-compatible server, answering one request at a time.

`moto_server` serves each connection in a thread of its own, and moto runs a transaction by
checking its conditions, writing, and, when a condition fails, putting back a copy of the
whole table taken before it began: two transactions at once can pass the same condition, or
one's rollback can undo the other's write. Real DynamoDB does neither. With one request at a
time moto is as atomic as DynamoDB, and the tests of concurrent writes test the store, not
moto's threads.

Run as `python tests/moto_server.py -H 127.0.0.1 -p PORT` (the same flags as moto_server).
"""

import argparse
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

WsgiApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


def one_at_a_time(app: WsgiApp) -> WsgiApp:
    """The app behind a lock: connections still get threads, requests take turns. moto builds
    each response whole before returning it, so the lock covers all of a request's work."""
    lock = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with lock:
            return app(environ, start_response)

    return serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    app = one_at_a_time(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
