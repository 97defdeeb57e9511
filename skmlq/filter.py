"""Find label issues in multi-label data: which examples, and which class annotations.

A drop-in for ``cleanlab.multilabel_classification.filter``: the same function names,
keywords and return types, computed by skmlq's vectorised confident-learning core
(all classes at once instead of one binary pass per class).
"""

from ._filter import find_label_issues, find_multilabel_issues_per_class

__all__ = ["find_label_issues", "find_multilabel_issues_per_class"]
