"""SIGINT, SIGTERM and SIGHUP end a run the same way: an ``Interrupted`` exception, so the
code that created files removes them on the way out (SIGTERM is what ``timeout``, CI runners
and process managers send; its default action would leave a staging folder behind).

While a section must not be cut in half (moving the project into place, removing what a run
created), signals are deferred: recorded, and raised when the section ends, with ``written``
saying whether the project was complete in its place by then.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from generator.errors import Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_defer = 0
_pending: int | None = None
_installed = False


def _handler(signum: int, _frame: FrameType | None) -> None:
    global _pending
    if _defer:
        _pending = _pending or signum
        return
    raise Interrupted(signum)


def install() -> bool:
    """Route the signals to ``Interrupted``; True if this call installed the handlers (only
    the main thread can), so the caller knows to ``uninstall`` them."""
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return False
    for sig in SIGNALS:
        signal.signal(sig, _handler)
    _installed = True
    return True


def uninstall() -> None:
    global _installed, _pending, _defer
    for sig in SIGNALS:
        signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL)
    _installed = False
    _pending = None
    _defer = 0


@contextmanager
def deferred() -> Iterator[None]:
    """Hold signals until the block ends (nestable); ``raise_pending`` then delivers them."""
    global _defer
    _defer += 1
    try:
        yield
    finally:
        _defer -= 1


def hold() -> None:
    """Defer signals for the rest of the run (until ``uninstall``): once the project is in
    place, or an error is being reported, a signal must not cut the report short."""
    global _defer
    _defer += 1


def take_pending() -> int | None:
    """The signal that arrived while deferred, if any (forgotten once taken)."""
    global _pending
    signum, _pending = _pending, None
    return signum


def ignore() -> None:
    """For the end of the process: nothing is left to clean up or report."""
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def wrapped(exc: BaseException) -> Interrupted | None:
    """The ``Interrupted`` a signal raised, where Python's own machinery wrapped it in another
    exception on its way out (a RuntimeError from creating a dataclass while an import ran)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, Interrupted):
            return current
        seen.add(id(current))
        # (only a cause: an error raised while an interruption was being handled is an
        # error of its own, and its traceback must be seen)
        current = current.__cause__
    return None


def raise_pending(*, written: bool, target: str | None = None) -> None:
    """Raise ``Interrupted`` for a signal that arrived during a deferred section."""
    global _pending
    if _pending is not None and not _defer:
        signum, _pending = _pending, None
        raise Interrupted(signum, written=written, target=target)
