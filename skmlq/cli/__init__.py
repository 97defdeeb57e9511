"""The ``skmlq`` command line: ``skmlq demo``, ``score``, ``audit``, ``apply`` and
``review``.

Run ``skmlq --help`` or ``python -m skmlq --help``. :func:`main` is the console
script entry point; it returns the exit code (0 success, 1 an internal error, i.e.
a bug in skmlq, 2 bad input or options, 130/143/129 interrupted by SIGINT/SIGTERM/
SIGHUP) instead of raising, so it can be called from Python too. ``--debug`` (or
``SKMLQ_DEBUG=1``) shows tracebacks.

Examples
--------
>>> from skmlq.cli import main
>>> main(["score", "--labels", "missing.npy",
...       "--pred-probs", "p.npy"])
2
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from typing import TYPE_CHECKING

from ._signals import StopSignals

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def _run(args):
    from ._readers import _TEXTS

    _TEXTS.clear()  # each input file is read once per command
    try:
        return _dispatch(args)
    finally:
        _TEXTS.clear()


def _dispatch(args):
    if args.command == "score":
        from ._score import run_score

        return run_score(args)
    if args.command == "audit":
        from ._audit import run_audit

        return run_audit(args)
    if args.command == "apply":
        from ._apply import run_apply

        return run_apply(args)
    if args.command == "review":
        from ._review import run_review

        return run_review(args)
    from ._demo import run_demo

    return run_demo(args)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """One line per warning, like the error lines: ``skmlq: warning: ...``."""
    text = " ".join(str(message).split())
    print(f"skmlq: warning: {text}", file=sys.stderr if file is None else file)


def _main(argv, stop):
    # Imported here, not at the top: numpy, scipy and scikit-learn take a second to
    # import, and a signal during that second must be handled like any other.
    from ._errors import USER_ERRORS, debug_enabled, report, report_bug
    from ._parser import build_parser

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors (code 2)
        return exc.code if isinstance(exc.code, int) else 2
    from ..utils._output import staged_outputs

    try:
        # Every output of the command is renamed into place only when the command
        # succeeds: one that fails, or is interrupted, leaves none behind.
        with warnings.catch_warnings(), staged_outputs(getattr(args, "force", None)):
            warnings.showwarning = _show_warning
            return _run(args)
    except BrokenPipeError:  # e.g. `skmlq score ... -o - | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:
        if stop.received is not None:  # an error caused by the interruption
            raise
        if isinstance(exc, USER_ERRORS):
            return report(exc, debug=debug_enabled(args.debug))
        return report_bug(exc, debug=debug_enabled(args.debug))  # a bug in skmlq


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``skmlq`` command line with ``argv`` (default ``sys.argv[1:]``).

    Returns the exit code; user errors print one line ``skmlq: error: ...`` on
    stderr and return 2, never a traceback (unless debugging); any other exception
    is a bug: it returns 1 and says so. Ctrl-C, SIGTERM and SIGHUP (also while the
    libraries are imported) print one line and return 130, 143 and 129.
    """
    with StopSignals() as stop:
        try:
            return _main(argv, stop)
        except BaseException as exc:
            # A signal can surface as another exception: numpy turns one that arrives
            # while its C extension loads into an ImportError.
            signum = getattr(exc, "signum", None) or stop.received
            if signum is None and isinstance(exc, KeyboardInterrupt):
                signum = signal.SIGINT
            if signum is None:
                raise
            how = "" if signum == signal.SIGINT else f" ({signal.Signals(signum).name})"
            print(f"skmlq: interrupted{how}", file=sys.stderr)
            return 128 + signum
