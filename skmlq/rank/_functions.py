"""Label quality scores for multi-label data: the public functions.

Thin wrappers with the documentation: :func:`~skmlq._backends.label_quality_scores`
picks the backend (in memory or dask), which validates the inputs once and runs
the one block driver of the scoring core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._backends import label_quality_scores
from ..utils._defaults import DEFAULT_METHOD
from ..utils._docstrings import (
    COOCCURRENCE_PARAMS_DOC, LABELS_DOC, METHOD_DOC, SPARSE_PRED_PROBS_DOC, THRESHOLDS_DOC,
    fill_doc,
)

if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    from numpy.typing import ArrayLike

    from ..utils._typing import Labels, ProbabilityArray

__all__ = ["get_label_quality_scores", "get_label_quality_scores_per_class"]


def get_label_quality_scores(
    labels: Labels,
    pred_probs: ProbabilityArray,
    *,
    method: str = DEFAULT_METHOD,
    adjust_pred_probs: bool = False,
    aggregator_kwargs: dict[str, Any] | None = None,
    thresholds: ArrayLike | None = None,
    cooccurrence_params: Any = None,
) -> np.ndarray:
    """Score how likely each example's set of annotations is correct.

    Each class annotation of each example gets a one-vs-rest quality score (see
    :func:`get_label_quality_scores_per_class`); the scores of an example are then
    aggregated into one number in [0, 1]. Low scores point at examples whose
    annotations are likely wrong: review them first.

    Parameters
    ----------
    {shared}
    aggregator_kwargs : dict or None, default=None
        How per-class scores become one score; None (or an empty dict) means
        ``{{"method": "exponential_moving_average", "alpha": 0.8}}``: ``"method"`` is
        ``"exponential_moving_average"`` (option ``alpha``; ``alpha`` omitted means
        ``2 / (K + 1)``), ``"softmin"`` (option ``temperature``), ``"product"``
        (the product of the per-class scores: with ``method="noise_posterior"``, the
        probability that every annotation is right), or a callable
        ``f(scores, axis=1, **options)`` returning one value per row, such as
        ``np.min`` or ``np.mean``.

    Returns
    -------
    label_quality_scores : ndarray of shape (n_samples,)
        One score in [0, 1] per example; higher means more likely correct. A lazy
        dask array (chunked like the rows of ``pred_probs``) for dask inputs.

    See Also
    --------
    get_label_quality_scores_per_class : The per-class scores before aggregation.
    get_confident_thresholds : The thresholds of ``adjust_pred_probs=True``.
    LabelQualityScorer : Scores predictions that arrive in batches.
    exponential_moving_average : The default aggregator.
    softmin : A smooth-minimum aggregator.

    Notes
    -----
    Rows are processed in blocks, so peak extra memory stays small (a few MB plus
    the output), whatever N is: ``np.load(path, mmap_mode="r")`` inputs larger
    than RAM are fine (``adjust_pred_probs=True`` reads them twice). A callable
    aggregator is therefore called once per block of rows; it must reduce each row
    independently (as ``np.min`` does).

    dask arrays chunked by rows (``labels`` as a dask, numpy or sparse indicator,
    or a list of lists) give a lazy dask array computed chunk by chunk with the
    same core; values are validated when it is computed. Chunks may be
    scipy.sparse matrices, each holding whole rows: sparse predictions with fill
    value 0, scored in O(stored entries) per chunk.

    Sparse predictions are scored entry by entry where ``pred_probs`` stores a value
    or ``labels`` an annotation; every other entry of a class has one score, which
    the built-in aggregators, ``np.min`` and ``np.mean`` fold in closed form. Other
    callables (and the softmin or an EMA with ``alpha`` below about 120 / K when the
    fill value differs between classes or ``adjust_pred_probs=True``) receive the
    implied dense rows, a few at a time: O(N K) time, bounded memory. See
    :ref:`extreme`.

    Examples
    --------
    >>> from skmlq import get_label_quality_scores
    >>> labels = [[1], [0, 2]]
    >>> pred_probs = [[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]]
    >>> get_label_quality_scores(labels, pred_probs)
    array([0.9, 0.5])
    >>> get_label_quality_scores(labels, pred_probs, aggregator_kwargs={{"method": "softmin"}})
    array([0.9      , 0.4066...])
    """
    return label_quality_scores(
        labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs,
        aggregator_kwargs=aggregator_kwargs, thresholds=thresholds, per_class=False,
        cooccurrence_params=cooccurrence_params,
    )


def get_label_quality_scores_per_class(
    labels: Labels,
    pred_probs: ProbabilityArray,
    *,
    method: str = DEFAULT_METHOD,
    adjust_pred_probs: bool = False,
    thresholds: ArrayLike | None = None,
    cooccurrence_params: Any = None,
) -> np.ndarray:
    """Score how likely each single class annotation is correct.

    For class k of example i, the binary one-vs-rest view has the given side
    ``y = labels[i, k]`` and probabilities ``q = (1 - p, p)`` with
    ``p = pred_probs[i, k]``. The score is

    - ``"self_confidence"``: ``q[y]``, the probability of the given side;
    - ``"normalized_margin"``: ``(q[y] - q[1 - y] + 1) / 2``;
    - ``"confidence_weighted_entropy"``: ``log(1 + r) / r`` with
      ``r = H(q) / q[y]`` and ``H`` the binary entropy in bits (1 at ``r = 0``,
      i.e. ``q[y] = 1``; 0 at ``q[y] = 0``);
    - ``"cooccurrence"``: ``"self_confidence"`` of second-stage probabilities
      that also weigh the example's other annotations (see
      :func:`get_cooccurrence_params`);
    - ``"noise_posterior"``: the probability that the annotation is right, given
      those second-stage probabilities, under a per-class noise model fitted with
      the stage (``1 - per_class_proba`` of :func:`get_label_error_probabilities`);
    - ``"single_error"``: the probability that the annotation is not the example's
      one wrong annotation, when an example is clean, or lost exactly one tag (each
      of its ``n + 1`` true tags equally likely), or got exactly one wrong tag (each
      of its ``K - n + 1`` absent classes equally likely); the shares of the three
      are fitted with the stage. Its scores of an example add up to at least
      ``K - 1``: one minus their sum is the probability that the example is clean.

    Parameters
    ----------
    {shared}

    Returns
    -------
    label_quality_scores_per_class : ndarray or FilledSparseMatrix of shape \
(n_samples, n_classes)
        ``out[i, k]`` is the quality score of class k's annotation (given or
        absent) on example i. cleanlab's docstring describes this value as a list
        of K arrays; its code, like this function, returns one (N, K) array.
        A lazy dask array for dask inputs. For sparse ``pred_probs``, a
        :class:`~skmlq.utils.FilledSparseMatrix`: the scores of the entries stored
        in ``pred_probs`` or annotated in ``labels``, and as the fill value of
        class k the score of every other entry of k (``p`` its fill value, not
        annotated); ``.toarray()`` gives the dense scores. Not for the
        second-stage methods, whose scores of those entries depend on the example
        (its number of labels and fold): sparse input is a ``TypeError`` there.

    See Also
    --------
    get_label_quality_scores : One aggregated score per example.

    Examples
    --------
    >>> from skmlq import get_label_quality_scores_per_class
    >>> get_label_quality_scores_per_class([[1], [0, 2]], [[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]])
    array([[0.9, 0.9, 0.9],
           [0.4, 0.9, 0.9]])
    """
    return label_quality_scores(
        labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs,
        aggregator_kwargs=None, thresholds=thresholds, per_class=True,
        cooccurrence_params=cooccurrence_params,
    )


#: The parameters both functions take, in their order.
_SHARED_DOC = "\n    ".join([
    LABELS_DOC,
    """pred_probs : array-like, sparse matrix or FilledSparseMatrix of shape \
(n_samples, n_classes)
        Out-of-sample predicted probability that each class applies to each
        example (for instance from ``cross_val_predict(..., method="predict_proba")``).
        Values in [0, 1]; rows need not sum to 1. float32 input gives float32 scores.
        """ + SPARSE_PRED_PROBS_DOC,
    METHOD_DOC,
    """adjust_pred_probs : bool, default=False
        Subtract per-class confident thresholds from the probabilities before
        scoring, which corrects for classes the model is systematically over- or
        under-confident about. Not defined for ``"confidence_weighted_entropy"``.""",
    THRESHOLDS_DOC,
    COOCCURRENCE_PARAMS_DOC,
])
fill_doc(get_label_quality_scores, get_label_quality_scores_per_class, shared=_SHARED_DOC)
