"""Errors of the command line: bad input is one line and exit 2; a bug is exit 1.

Only skmlq's own input errors (:class:`~skmlq.utils._errors.InputError`, which
:class:`CLIError` is one of) and ``OSError`` (missing file, permission, full disk)
count as the user's mistake. Anything else escaping a command is a bug in skmlq:
it exits with code 1 and asks to be reported. ``--debug`` or the environment
variable ``SKMLQ_DEBUG=1`` print the traceback in both cases.
"""

import os
import sys
import traceback

from ..utils._errors import InputError, InputValueError

__all__ = [
    "CLIError", "DEBUG_ENV", "EXIT_BUG", "EXIT_USAGE", "USER_ERRORS", "debug_enabled",
    "error_message", "report", "report_bug",
]

# argparse exits with 2 on usage errors; every other user error uses the same code.
EXIT_USAGE = 2
EXIT_BUG = 1
DEBUG_ENV = "SKMLQ_DEBUG"


class CLIError(InputValueError):
    """An error in the user's input files or options, reported without a traceback."""


# Exceptions that mean "the input or an option is wrong", not "skmlq has a bug".
USER_ERRORS = (InputError, OSError)  # OSError: FileNotFoundError, PermissionError, ...


def debug_enabled(flag=False):
    """True with ``--debug`` or a ``SKMLQ_DEBUG`` set to anything but "", "0" or "false"."""
    return bool(flag) or os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false")


def error_message(exc):
    """Return one line describing ``exc`` for ``skmlq: error: <line>``."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        text = f"{exc.filename}: {exc.strerror}"
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def report(exc, stream=None, debug=False):
    """Print ``skmlq: error: <one line>`` (after the traceback with ``debug``); return 2."""
    stream = stream or sys.stderr
    if debug:
        traceback.print_exception(exc, file=stream)
    print(f"skmlq: error: {error_message(exc)}", file=stream)
    return EXIT_USAGE


def report_bug(exc, stream=None, debug=False):
    """Print an internal error as a bug to report (with the traceback if ``debug``); return 1."""
    stream = stream or sys.stderr
    if debug:
        traceback.print_exception(exc, file=stream)
    print(f"skmlq: internal error: {type(exc).__name__}: {error_message(exc)}", file=stream)
    hint = "" if debug else " with the output of the same command run with --debug"
    print(f"skmlq: this is a bug, please report it to the skmlq developers{hint}.",
          file=stream)
    return EXIT_BUG
