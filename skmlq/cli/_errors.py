"""User errors of the command line: one line on stderr and exit code 2."""

import csv
import json
import sys
import zipfile

__all__ = ["EXIT_USAGE", "CLIError", "USER_ERRORS", "error_message"]

# argparse exits with 2 on usage errors; every other user error uses the same code.
EXIT_USAGE = 2


class CLIError(ValueError):
    """An error in the user's input or options, reported without a traceback."""


# Exceptions that mean "the input or an option is wrong", not "skmlq has a bug".
USER_ERRORS = (
    CLIError,
    OSError,  # FileNotFoundError, PermissionError, IsADirectoryError, ...
    ValueError,  # bad values, from skmlq's validation, numpy, json (JSONDecodeError)
    TypeError,  # bad dtypes, from skmlq's validation
    UnicodeError,
    EOFError,  # truncated .npy
    csv.Error,
    zipfile.BadZipFile,  # a corrupt .npz
    json.JSONDecodeError,
)


def error_message(exc):
    """Return one line describing ``exc`` for ``skmlq: error: <line>``."""
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        text = f"{exc.filename}: {exc.strerror}"
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def report(exc, stream=None):
    """Print ``skmlq: error: <one line>`` to stderr and return the exit code 2."""
    print(f"skmlq: error: {error_message(exc)}", file=stream or sys.stderr)
    return EXIT_USAGE
