"""The one writer of every file skmlq writes: atomic, through special files, staged.

Every output (the command line's CSV, review file, labels and HTML report; the
Python API's review file and HTML report) goes through :func:`safe_output`:

- a plain file is written to a temporary file beside it (hidden, ``.NAME.*.part``)
  and renamed onto it only once complete, so a failure or an interruption never
  leaves a half-written file, and the temporary file is removed;
- a path that is not a plain file is where the user wants the output to go, so it
  is written through, never replaced: a symbolic link keeps being a link (its final
  target is replaced), a named pipe, a device (``/dev/null``), a socket or a
  ``/dev`` or ``/proc`` path is written into directly;
- an existing file (a link's target) is replaced only with ``force``; without it the
  refusal is checked again at the rename itself (a hard link, which fails if the
  name exists), so a file created meanwhile is never overwritten;
- a new file gets the permissions the umask gives (not ``mkstemp``'s 0600); a
  replaced file keeps its own.

Inside :func:`staged_outputs` (the command line runs each command in one), the
renames wait for the end of the block: a command that fails after writing one
output leaves none of them. Only the standard library is imported here.
"""

import io
import os
import secrets
import stat
from contextlib import contextmanager

from ._errors import InputValueError

__all__ = ["check_output_path", "is_stream", "output_target", "safe_output",
           "spreadsheet_safe", "spreadsheet_text", "staged_outputs"]

_STAGES = []  # the open staged_outputs blocks, innermost last


def is_stream(path):
    """True if ``path`` is written into directly: a named pipe, a device, a socket,
    or an existing path under /dev or /proc (not ours to replace)."""
    path = os.fspath(path)
    if os.path.abspath(path).startswith(("/dev/", "/proc/")) and os.path.exists(path):
        return True
    try:
        mode = os.stat(path).st_mode  # follows symbolic links
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def output_target(path):
    """The file that writing ``path`` replaces: the final target of a symbolic link."""
    path = os.fspath(path)
    return os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)


def _exists_error(path, target, what):
    link = f" (a link to {target})" if os.path.islink(path) else ""
    return InputValueError(f"{what} {path}{link} already exists; pass --force to replace it")


def check_output_path(path, force=True, what="output"):
    """Raise InputValueError if ``path`` cannot be written (a directory, a missing
    directory) or must not be (it exists and ``force`` is False)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise InputValueError(f"{what} {path} is a directory; give a file name such as "
                              f"{os.path.join(path, 'out.csv')}")
    if is_stream(path):
        return
    target = output_target(path)
    if os.path.lexists(target) and not force:
        raise _exists_error(path, target, what)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise InputValueError(f"cannot write {what} {path}: directory {directory} does not "
                              f"exist")


def _umask_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _remove(name):
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


def _commit(tmp, target, force, path, what):
    """Rename ``tmp`` onto ``target``; without ``force``, fail if ``target`` exists
    at that moment. Returns True if ``target`` is new."""
    if force:
        existed = os.path.lexists(target)
        os.replace(tmp, target)
        return not existed
    try:
        os.link(tmp, target)  # atomic: fails if the name exists
    except FileExistsError:
        _remove(tmp)
        raise _exists_error(path, target, what) from None
    except OSError:  # no hard links on this file system: check, then rename
        if os.path.lexists(target):
            _remove(tmp)
            raise _exists_error(path, target, what) from None
        os.replace(tmp, target)
        return True
    _remove(tmp)
    return True


@contextmanager
def staged_outputs(force=None):
    """Hold back the renames of the outputs written in this block until it ends
    without an exception; on an exception, remove their temporary files.

    ``force`` (when not None) replaces the ``force`` of every output of the block:
    the command line's ``--force``.
    """
    stage = {"force": force, "pending": []}
    _STAGES.append(stage)
    try:
        yield
    except BaseException:
        _STAGES.remove(stage)
        for tmp, *_ in stage["pending"]:
            _remove(tmp)
        raise
    _STAGES.remove(stage)
    created = []
    pending = stage["pending"]
    try:
        while pending:
            tmp, target, force, path, what = pending[0]
            if _commit(tmp, target, force, path, what):
                created.append(target)
            pending.pop(0)
    except BaseException:
        for tmp, *_ in pending:
            _remove(tmp)
        for target in created:  # all or nothing: no output of a failed block stays
            _remove(target)
        raise


@contextmanager
def safe_output(path, *, force=True, binary=False, what="output"):
    """Yield a file handle whose content replaces ``path`` only on success.

    ``path`` may be a writable file object (yielded as it is). Text is UTF-8 with
    the newlines written as they are. See the module docstring for the rules.
    """
    if hasattr(path, "write"):
        yield path
        return
    path = os.fspath(path)
    stage = _STAGES[-1] if _STAGES else None
    if stage is not None and stage["force"] is not None:
        force = stage["force"]
    check_output_path(path, force, what)
    text = {} if binary else {"encoding": "utf-8", "newline": ""}
    if is_stream(path):
        if binary:  # array formats seek and tell, which a pipe cannot: write at the end
            buffer = io.BytesIO()
            yield buffer
            with open(path, "ab") as fh:
                fh.write(buffer.getvalue())
            return
        with open(path, "a", **text) as fh:
            yield fh
        return
    target = output_target(path)
    directory, name = os.path.split(target)
    # The name is chosen before the file is created, so that an interruption at any
    # point leaves nothing: the cleanup removes it if it exists.
    tmp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb" if binary else "w", **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)  # a replaced file keeps its mode
        except OSError:
            mode = _umask_mode()
        os.chmod(tmp, mode)
        if stage is not None:
            stage["pending"].append((tmp, target, force, path, what))
        else:
            _commit(tmp, target, force, path, what)
    except BaseException:
        _remove(tmp)
        raise


# Spreadsheets run a cell that starts with one of these as a formula (OWASP's CSV
# injection list); the review and report files are made to be opened in one.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text):
    """``text`` as a CSV cell a spreadsheet shows as text, never runs: a cell that
    starts with ``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP's
    rule); so does one that starts with ``'``, so that :func:`spreadsheet_text`
    reads every cell back exactly."""
    return "'" + text if text.startswith(_FORMULA_STARTS + ("'",)) else text


def spreadsheet_text(cell):
    """The text :func:`spreadsheet_safe` was given (one leading ``'`` removed)."""
    return cell[1:] if cell.startswith("'") else cell
