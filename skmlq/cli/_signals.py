"""Stop signals as exceptions, so that an interrupted command cleans up after itself.

SIGINT (Ctrl-C), SIGTERM and SIGHUP raise :class:`Interrupted` (a
``KeyboardInterrupt``) in the main thread: every ``with`` and ``finally`` on the way
out runs, which removes the temporary output file and keeps an existing output.
Code that must not be cut in two (creating a temporary file and remembering its
name) runs under :func:`deferred_interrupts`. This module imports only the
standard library: it is in place before numpy and scikit-learn are imported.
"""

import os
import signal
import threading
from contextlib import contextmanager

__all__ = ["Interrupted", "StopSignals", "deferred_interrupts"]

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)

_deferring = 0  # depth of deferred_interrupts sections
_pending = None  # a signal that arrived in such a section


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread when one of the stop signals arrives."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


class StopSignals:
    """Turn the first stop signal into :class:`Interrupted` while in this context.

    A second signal ends the process at once with the signal's default action (no
    cleanup): the way to stop a command whose cleanup hangs, or whose first
    exception was swallowed (raised inside a ``__del__`` or a gc callback, where
    Python ignores exceptions).
    """

    def __init__(self):
        self.received = None
        self.previous = {}

    def handle(self, signum, frame):
        global _pending
        if self.received is not None:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        self.received = signum
        if _deferring:
            _pending = signum
            return
        raise Interrupted(signum)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self.previous[signum] = signal.signal(signum, self.handle)
        return self

    def __exit__(self, *exc_info):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        return False


@contextmanager
def deferred_interrupts():
    """Hold a stop signal back until the end of the block, then raise it."""
    global _deferring, _pending
    _deferring += 1
    try:
        yield
    finally:
        _deferring -= 1
        if not _deferring and _pending is not None:
            signum, _pending = _pending, None
            raise Interrupted(signum)
