"""Cross-validation splitters for multi-label data."""

from ._split import MultilabelStratifiedKFold

__all__ = ["MultilabelStratifiedKFold"]
