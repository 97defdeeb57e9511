"""Find label issues in multi-label data: which examples, and which class annotations.

A drop-in for ``cleanlab.multilabel_classification.filter``: the same function names,
keywords and return types, computed by skmlq's vectorised confident-learning core
(all classes at once instead of one binary pass per class). Options are checked in
``skmlq.filter._api``; the counting core is ``skmlq._core._confident_learning``.
"""

from ._api import find_label_issues, find_multilabel_issues_per_class

__all__ = ["find_label_issues", "find_multilabel_issues_per_class"]
