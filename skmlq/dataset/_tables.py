"""The cleanlab-compatible tables of ``skmlq.dataset``.

This is the one place where skmlq's vocabulary meets cleanlab's column names:
counts come from ``skmlq._core._summaries`` as (K, 2) arrays indexed by side
(column 0 absent, column 1 given) and are renamed here. In cleanlab's words, a
flagged *given* annotation is a "Label Issue" with ``In Given Label=True`` (the
class should be removed), a flagged *absent* annotation an "Inverse Label Issue"
with ``In Suggested Label=True`` (the class should be added). pandas is an
optional extra, imported only when a table is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._core._confident_learning import issue_mask
from .._core._summaries import health_score, issue_counts
from ..filter._api import check_filter_inputs
from ..utils._defaults import DEFAULT_FILTER_BY
from ..utils._docstrings import LABELS_PRED_PROBS_DOC, fill_doc, toy_data_doc
from ..utils._errors import InputValueError
from ..utils._optional import require_pandas
from ..utils._validation import check_class_names

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    import pandas as pd
    from numpy.typing import ArrayLike

    from ..utils._typing import Labels, ProbabilityArray

__all__ = [
    "common_multilabel_issues",
    "default_issue_mask",
    "multilabel_health_summary",
    "overall_multilabel_health_score",
    "rank_classes_by_multilabel_quality",
]

_GIVEN, _ABSENT = 1, 0


#: ``class_names`` of the tables that add a ``Class Name`` column.
_CLASS_NAMES_DOC = """
    class_names : sequence of str, default=None
        One name per class; adds a ``Class Name`` column."""

_CONFIDENT_JOINT_DOC = """confident_joint : ndarray of shape (n_classes, 2, 2), default=None
        Per-class ``[given][true]`` counts to use instead of the estimated ones."""


def default_issue_mask(labels, pred_probs, confident_joint=None):
    """Validate inputs and return ``(Y, mask)``: the (N, K) default filter mask.

    The default filter is ``prune_by_noise_rate`` with the given confident joint.
    """
    for name, value in (("labels", labels), ("pred_probs", pred_probs)):
        if value is None:
            raise InputValueError(f"{name} is required; got None.")
    checked = check_filter_inputs(
        labels, pred_probs, return_indices_ranked_by=None, rank_by_kwargs=None,
        filter_by=DEFAULT_FILTER_BY, frac_noise=1.0, num_to_remove_per_class=None,
        min_examples_per_class=1, confident_joint=confident_joint, n_jobs=None,
        low_memory=False,
    )
    Y, P = checked["Y"], checked["P"]
    return Y, issue_mask(Y, P, DEFAULT_FILTER_BY, joint=checked["joint"])


def _check_class_names(class_names, n_classes):
    return None if class_names is None else check_class_names(class_names, n_classes).tolist()


def _common_table(counts, n_samples, class_names):
    pd = require_pandas()
    n_classes = counts.shape[0]
    # Rows in (class, given side, absent side) order; a stable sort keeps it among ties.
    flat = counts[:, [_GIVEN, _ABSENT]].ravel()
    prob = flat / n_samples
    order = np.argsort(-prob, kind="stable")
    given = np.tile([True, False], n_classes)
    columns = {}
    if class_names is not None:
        columns["Class Name"] = np.repeat(np.array(class_names, dtype=object), 2)[order]
    columns["Class Index"] = np.repeat(np.arange(n_classes, dtype=np.int64), 2)[order]
    columns["In Given Label"] = given[order]
    columns["In Suggested Label"] = ~given[order]
    columns["Num Examples"] = flat[order].astype(np.int64)
    columns["Issue Probability"] = prob[order].astype(np.float64)
    return pd.DataFrame(columns)


def _classes_table(counts, n_samples, class_names):
    pd = require_pandas()
    noise = counts / n_samples
    quality = 1.0 - noise[:, _GIVEN]
    order = np.argsort(quality, kind="stable")
    columns = {}
    if class_names is not None:
        columns["Class Name"] = np.array(class_names, dtype=object)[order]
    columns["Class Index"] = order.astype(np.int64)
    columns["Label Issues"] = counts[order, _GIVEN]
    columns["Inverse Label Issues"] = counts[order, _ABSENT]
    columns["Label Noise"] = noise[order, _GIVEN]
    columns["Inverse Label Noise"] = noise[order, _ABSENT]
    columns["Label Quality Score"] = quality[order]
    return pd.DataFrame(columns)


def common_multilabel_issues(
    labels: Labels,
    pred_probs: ProbabilityArray,
    *,
    class_names: Sequence[str] | None = None,
    confident_joint: ArrayLike | None = None,
) -> pd.DataFrame:
    """Tabulate, per class, how often it looks missing or wrong.

    Parameters
    ----------
    {labels_names}
    {confident_joint}

    Returns
    -------
    common_issues : pandas.DataFrame
        Two rows per class: ``In Given Label=True, In Suggested Label=False`` (the
        class is annotated but looks wrong) and the reverse (the class looks
        missing). Columns ``[Class Name,] Class Index, In Given Label, In Suggested
        Label, Num Examples, Issue Probability`` (``Num Examples / n_samples``),
        sorted by ``Issue Probability`` descending; ties by class, then the
        annotated row first.

    See Also
    --------
    rank_classes_by_multilabel_quality : One row per class.
    skmlq.filter.find_multilabel_issues_per_class : The per-class flags counted here.

    Examples
    --------
    >>> from skmlq.dataset import common_multilabel_issues
    {toy_data}
    >>> table = common_multilabel_issues(labels, pred_probs)
    >>> print(table.to_string())
       Class Index  In Given Label  In Suggested Label  Num Examples  Issue Probability
    0            0           False                True             1              0.125
    1            0            True               False             0              0.000
    2            1            True               False             0              0.000
    3            1           False                True             0              0.000
    """
    Y, mask = default_issue_mask(labels, pred_probs, confident_joint)
    names = _check_class_names(class_names, mask.shape[1])
    return _common_table(issue_counts(Y, mask), mask.shape[0], names)


def _pick_joint(joint, confident_joint):
    if joint is not None and confident_joint is not None:
        raise InputValueError(
            "pass the per-class confident joint as either joint or confident_joint, "
            "not both."
        )
    return confident_joint if confident_joint is not None else joint


def rank_classes_by_multilabel_quality(
    labels: Labels | None = None,
    pred_probs: ProbabilityArray | None = None,
    *,
    class_names: Sequence[str] | None = None,
    joint: ArrayLike | None = None,
    confident_joint: ArrayLike | None = None,
) -> pd.DataFrame:
    """Rank classes by the quality of their annotations, worst first.

    Parameters
    ----------
    {labels_names}
    joint : ndarray of shape (n_classes, 2, 2), default=None
        Per-class ``[given][true]`` counts used as the confident joint (as in the
        reference).
    confident_joint : ndarray of shape (n_classes, 2, 2), default=None
        The same, under its usual name (the reference ignores it). Give at most one.

    Returns
    -------
    classes : pandas.DataFrame
        One row per class: ``[Class Name,] Class Index, Label Issues`` (annotated
        and flagged), ``Inverse Label Issues`` (not annotated and flagged), ``Label
        Noise`` and ``Inverse Label Noise`` (those counts over n_samples) and
        ``Label Quality Score`` (``1 - Label Noise``), sorted by the score
        ascending, ties by class index.

    See Also
    --------
    common_multilabel_issues : The two issue types of every class.
    overall_multilabel_health_score : One number for the whole dataset.

    Examples
    --------
    >>> from skmlq.dataset import rank_classes_by_multilabel_quality
    {toy_data}
    >>> table = rank_classes_by_multilabel_quality(labels, pred_probs,
    ...                                            class_names=["cat", "dog"])
    >>> print(table[["Class Name", "Label Issues", "Inverse Label Issues",
    ...              "Label Quality Score"]].to_string())
      Class Name  Label Issues  Inverse Label Issues  Label Quality Score
    0        cat             0                     1                  1.0
    1        dog             0                     0                  1.0
    """
    Y, mask = default_issue_mask(labels, pred_probs, _pick_joint(joint, confident_joint))
    names = _check_class_names(class_names, mask.shape[1])
    return _classes_table(issue_counts(Y, mask), mask.shape[0], names)


def overall_multilabel_health_score(
    labels: Labels | None = None,
    pred_probs: ProbabilityArray | None = None,
    *,
    confident_joint: ArrayLike | None = None,
) -> float:
    """Fraction of examples without a detected label issue.

    Parameters
    ----------
    {labels}
    {confident_joint}

    Returns
    -------
    health_score : numpy.float64
        ``1 - (number of examples flagged by the default filter) / n_samples``.

    See Also
    --------
    skmlq.filter.find_label_issues : The flags counted here.

    Examples
    --------
    >>> from skmlq.dataset import overall_multilabel_health_score
    {toy_data}
    >>> float(overall_multilabel_health_score(labels, pred_probs))
    0.875
    """
    _, mask = default_issue_mask(labels, pred_probs, confident_joint)
    return health_score(mask)


def multilabel_health_summary(
    labels: Labels | None = None,
    pred_probs: ProbabilityArray | None = None,
    *,
    class_names: Sequence[str] | None = None,
    num_examples: int | None = None,
    confident_joint: ArrayLike | None = None,
    verbose: bool = True,
) -> dict[str, Any]:
    """Health score, classes ranked by quality and common issues, in one call.

    Parameters
    ----------
    {labels}
    class_names : sequence of str, default=None
        One name per class.
    num_examples : int, default=None
        Only shown in the printed banner (defaults to n_samples).
    confident_joint : ndarray of shape (n_classes, 2, 2), default=None
        Per-class ``[given][true]`` counts; used by all three results.
    verbose : bool, default=True
        Print the summary.

    Returns
    -------
    summary : dict
        Keys ``"overall_multilabel_health_score"``,
        ``"classes_by_multilabel_quality"`` and ``"common_multilabel_issues"``, as
        returned by the three functions of the same names.

    See Also
    --------
    overall_multilabel_health_score, rank_classes_by_multilabel_quality,
    common_multilabel_issues

    Examples
    --------
    >>> from skmlq.dataset import multilabel_health_summary
    {toy_data}
    >>> summary = multilabel_health_summary(labels, pred_probs, verbose=False)
    >>> list(summary)
    ['overall_multilabel_health_score', 'classes_by_multilabel_quality', \
'common_multilabel_issues']
    """
    Y, mask = default_issue_mask(labels, pred_probs, confident_joint)
    n_samples, n_classes = mask.shape
    names = _check_class_names(class_names, n_classes)
    counts = issue_counts(Y, mask)
    summary = {
        "overall_multilabel_health_score": health_score(mask),
        "classes_by_multilabel_quality": _classes_table(counts, n_samples, names),
        "common_multilabel_issues": _common_table(counts, n_samples, names),
    }
    if verbose:
        pd = require_pandas()
        shown = n_samples if num_examples is None else num_examples
        with pd.option_context("display.max_rows", 50, "display.width", 120):
            print(
                f"Multi-label health summary: {shown} examples, {n_classes} classes\n"
                f"\nClasses ranked by label quality (worst first):\n"
                f"{summary['classes_by_multilabel_quality'].to_string(index=False)}\n"
                f"\nMost common label issues:\n"
                f"{summary['common_multilabel_issues'].head(20).to_string(index=False)}\n"
                f"\nOverall multi-label health score: "
                f"{summary['overall_multilabel_health_score']:.4f}"
            )
    return summary


fill_doc(common_multilabel_issues, rank_classes_by_multilabel_quality,
         overall_multilabel_health_score, multilabel_health_summary,
         labels=LABELS_PRED_PROBS_DOC, toy_data=toy_data_doc(),
         labels_names=LABELS_PRED_PROBS_DOC + _CLASS_NAMES_DOC,
         confident_joint=_CONFIDENT_JOINT_DOC)
