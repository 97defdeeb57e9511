"""Progress lines on stderr for long runs (never on stdout, which carries results)."""

import sys
import time

__all__ = ["Progress", "progress_enabled"]


def progress_enabled(choice, stream=None):
    """Resolve ``--progress``/``--no-progress`` (True/False/None=auto: only on a TTY)."""
    if choice is not None:
        return bool(choice)
    stream = stream or sys.stderr
    return bool(getattr(stream, "isatty", lambda: False)())


class Progress:
    """Report ``done / total`` on one stderr line, at most every ``interval`` seconds.

    A disabled instance costs nothing and prints nothing.
    """

    def __init__(self, label, total, enabled=True, stream=None, interval=0.2):
        self.label = label
        self.total = max(int(total), 1)
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.interval = interval
        self.done = 0
        self._last = 0.0
        self._start = time.perf_counter()

    def update(self, n=1):
        self.done += n
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last >= self.interval or self.done >= self.total:
            self._last = now
            pct = 100.0 * min(self.done, self.total) / self.total
            self.stream.write(f"\r{self.label}: {pct:5.1f}% ({now - self._start:.1f} s)")
            self.stream.flush()

    def close(self):
        if self.enabled:
            elapsed = time.perf_counter() - self._start
            self.stream.write(f"\r{self.label}: done in {elapsed:.1f} s{' ' * 10}\n")
            self.stream.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            self.close()
        elif self.enabled:
            self.stream.write("\n")
        return False
