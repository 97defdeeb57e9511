"""Warnings that point at the caller's line, wherever skmlq raises them from.

A hard-coded ``stacklevel`` is right for one call path only: the same warning
raised through ``skmlq.dataset`` or the estimator would point at a line inside
skmlq. :func:`warn` walks the stack instead and attributes the warning to the
first frame outside the skmlq package.
"""

import os
import sys
import warnings

__all__ = ["warn"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _external_stacklevel():
    """``stacklevel`` for ``warnings.warn`` called in :func:`warn` to reach user code."""
    frame = sys._getframe(2)  # the caller of warn()
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _PACKAGE_DIR
    ):
        frame = frame.f_back
        level += 1
    return level


def warn(message, category=UserWarning):
    """``warnings.warn(message, category)`` attributed to the first frame outside skmlq."""
    warnings.warn(message, category, stacklevel=_external_stacklevel())
