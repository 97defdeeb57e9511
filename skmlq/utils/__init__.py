"""Foundations shared by every layer, and the public helpers for multi-label formats.

Private modules here: input checks (``_validation``), the one label conversion
(``_labels``), row blocks (``_blocks``), optional-dependency imports
(``_optional``), docstring fragments (``_docstrings``), the warning helper
(``_warnings``), the exception classes (``_errors``), the shared default values
(``_defaults``), the one writer of output files (``_output``) and the container of
sparse predictions (``_sparse``: ``FilledSparseMatrix``, public). They import nothing
from the rest of skmlq.
"""

__all__ = ["FilledSparseMatrix", "labels_to_indicator"]


def __getattr__(name):
    # Lazy, so that the numpy-free foundations (defaults, errors) load without numpy.
    if name == "labels_to_indicator":
        from ._labels import labels_to_indicator

        return labels_to_indicator
    if name == "FilledSparseMatrix":
        from ._sparse import FilledSparseMatrix

        return FilledSparseMatrix
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
