"""The issue report of :class:`~skmlq.MultilabelLabelQuality`: one row per example.

Built from the given labels, the (out-of-fold) probabilities and the label quality
scores; the flags come from :mod:`skmlq.filter`, so every ``filter_by`` option applies.
"""

import numpy as np
import scipy.sparse as sp

from ..filter._api import find_label_issues_both
from ..utils._defaults import DEFAULT_PROBABILITY_CUTOFF
from ..utils._errors import InputTypeError, InputValueError
from ..utils._labels import check_labels
from ..utils._optional import require_pandas
from ..utils._validation import check_pred_probs, check_unit_interval

__all__ = ["label_issue_report"]


def _class_lists(mask, classes):
    """Per row, the list of ``classes`` where ``mask`` is True."""
    rows, cols = np.nonzero(mask)
    split = np.cumsum(np.bincount(rows, minlength=mask.shape[0]))[:-1]
    return [c.tolist() for c in np.split(np.asarray(classes)[cols], split)]


def label_issue_report(Y, pred_probs, scores, *, classes, threshold=DEFAULT_PROBABILITY_CUTOFF,
                       **filter_kwargs):
    """One row per example, worst annotation first.

    Parameters
    ----------
    Y : list of lists of int, array-like of shape (n_samples, n_classes) or sparse matrix
        The given annotations as column indices or a 0/1 indicator.
    pred_probs : array-like of shape (n_samples, n_classes)
        Predicted probability that each class applies (out of fold for training data).
    scores : array-like of shape (n_samples,)
        Label quality score of each example (lower is worse).
    classes : array-like of shape (n_classes,)
        Class label of each column, used in the class-list columns and flag names.
    threshold : float, default=0.5
        A class counts as believed by the model when its probability is at least
        ``threshold``.
    **filter_kwargs : dict
        Passed to :func:`skmlq.filter.find_multilabel_issues_per_class` (``filter_by``,
        ``frac_noise``, ...); ``return_indices_ranked_by`` is not accepted.

    Returns
    -------
    report : pandas.DataFrame
        Index: the example's row number. Columns ``label_quality``,
        ``is_label_issue``, ``given_labels`` and ``predicted_labels`` (lists of
        classes), then one boolean ``suspect_<class>`` column per class (True when
        that class's annotation, given or absent, looks wrong). Sorted by
        ``label_quality`` ascending, ties by row number.

    Examples
    --------
    >>> from skmlq._estimator._report import label_issue_report
    >>> labels = [[0, 1], [1], [0], [1], [], [0, 1], [1], [0]]
    >>> pred_probs = [[0.9, 0.8], [0.1, 0.7], [0.8, 0.2], [0.2, 0.9], [0.3, 0.2],
    ...               [0.7, 0.6], [0.9, 0.3], [0.6, 0.1]]
    >>> scores = [0.85, 0.8, 0.8, 0.85, 0.75, 0.65, 0.2, 0.75]
    >>> report = label_issue_report(labels, pred_probs, scores, classes=["cat", "dog"])
    >>> print(report.head(2).to_string())
       label_quality  is_label_issue given_labels predicted_labels  suspect_cat  suspect_dog
    6           0.20            True        [dog]            [cat]         True        False
    5           0.65           False   [cat, dog]       [cat, dog]        False        False
    """
    pd = require_pandas()
    if "return_indices_ranked_by" in filter_kwargs:
        raise InputTypeError(
            "return_indices_ranked_by is not accepted here: the report is already "
            "sorted by label_quality."
        )
    threshold = check_unit_interval(threshold, "threshold")
    P = check_pred_probs(pred_probs)
    Y = check_labels(Y, n_samples=P.shape[0], n_classes=P.shape[1])
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape != (P.shape[0],):
        raise InputValueError(
            f"scores has shape {scores.shape}; expected ({P.shape[0]},), one score per "
            f"example."
        )
    classes = np.asarray(classes)
    if classes.shape != (P.shape[1],):
        raise InputValueError(
            f"classes has shape {classes.shape}; expected ({P.shape[1]},), one label per "
            f"column of pred_probs."
        )
    suspect, is_issue = find_label_issues_both(Y, P, **filter_kwargs)
    given = Y.toarray() if sp.issparse(Y) else np.asarray(Y, dtype=bool)
    columns = {
        "label_quality": scores,
        "is_label_issue": is_issue,
        "given_labels": _class_lists(given.astype(bool), classes),
        "predicted_labels": _class_lists(P >= threshold, classes),
    }
    flags = pd.DataFrame(suspect, columns=[f"suspect_{c}" for c in classes])
    report = pd.concat([pd.DataFrame(columns), flags], axis=1)
    order = np.argsort(scores, kind="stable")
    return report.iloc[order]
