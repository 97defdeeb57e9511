"""The ``skmlq`` command line: ``skmlq demo``, ``score``, ``audit`` and ``apply``.

Run ``skmlq --help`` or ``python -m skmlq --help``. :func:`main` is the console
script entry point; it returns the exit code (0 success, 1 an internal error, i.e.
a bug in skmlq, 2 bad input or options, 130 interrupted) instead of raising, so it
can be called from Python too. ``--debug`` (or ``SKMLQ_DEBUG=1``) shows tracebacks.

Examples
--------
>>> from skmlq.cli import main
>>> main(["score", "--labels", "no/such/file.npy", "--pred-probs", "p.npy"])
2
"""

import os
import sys

from ._errors import USER_ERRORS, debug_enabled, report, report_bug
from ._parser import build_parser

__all__ = ["main"]


def _run(args):
    if args.command == "score":
        from ._score import run_score

        return run_score(args)
    if args.command == "audit":
        from ._audit import run_audit

        return run_audit(args)
    if args.command == "apply":
        from ._apply import run_apply

        return run_apply(args)
    from ._demo import run_demo

    return run_demo(args)


def main(argv=None):
    """Run the ``skmlq`` command line with ``argv`` (default ``sys.argv[1:]``).

    Returns the exit code; user errors print one line ``skmlq: error: ...`` on
    stderr and return 2, never a traceback (unless debugging); any other exception
    is a bug: it returns 1 and says so.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors (code 2)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return _run(args)
    except BrokenPipeError:  # e.g. `skmlq score ... -o - | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except USER_ERRORS as exc:
        return report(exc, debug=debug_enabled(args.debug))
    except KeyboardInterrupt:
        print("skmlq: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # anything else is a bug in skmlq
        return report_bug(exc, debug=debug_enabled(args.debug))
