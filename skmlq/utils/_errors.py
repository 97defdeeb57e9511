"""The exceptions skmlq raises for bad input.

Every check of skmlq raises :class:`InputValueError` or :class:`InputTypeError`:
subclasses of the built-in ``ValueError`` and ``TypeError`` (so ``except
ValueError`` keeps working) that also carry the :class:`InputError` marker. The
command line maps exactly these (and ``OSError``) to "bad input, exit 2"; any
other exception is a bug in skmlq and is reported as one.
"""

__all__ = ["InputError", "InputTypeError", "InputValueError"]


class InputError(Exception):
    """Marker of an error in the caller's input or options, found by skmlq's checks."""


class InputValueError(InputError, ValueError):
    """A value of the caller's input or options is not accepted."""


class InputTypeError(InputError, TypeError):
    """The type of the caller's input or options is not accepted."""
