"""Label quality scores for multi-label data: the functional API."""

import numpy as np

from ._aggregation import DEFAULT_AGGREGATOR_KWARGS, resolve_aggregator
from ._blocks import row_blocks, run_blocks
from ._dask import dask_label_quality_scores, uses_dask
from ._labels import check_labels, indicator_block
from ._scoring import class_scores_block, confident_thresholds
from ._thresholds import check_thresholds
from ._validation import check_method, check_pred_probs

__all__ = ["get_label_quality_scores", "get_label_quality_scores_per_class"]

_LABELS_DOC = """labels : list of lists of int, array-like of shape (n_samples, n_classes) or \
sparse matrix
        The given annotations: for each example the list of class indices that
        apply (``[[1], [0, 2], []]``; an empty list means no class applies), or a
        0/1 indicator array (bool or int), dense or scipy.sparse. Python lists are
        always read as lists of class indices."""

_METHOD_DOC = """method : {"self_confidence", "normalized_margin", \
"confidence_weighted_entropy"}, default="self_confidence"
        Per-class scoring method."""

_THRESHOLDS_DOC = """thresholds : array-like of shape (n_classes, 2), default=None
        Precomputed per-class thresholds ``[t0, t1]`` for ``adjust_pred_probs=True``
        (from :func:`get_confident_thresholds` over all rows). None computes them
        from the given rows. Pass them to score a part of the data (a batch, a
        slice of a memory-mapped file) exactly as if all rows were scored together.
        Giving thresholds with ``adjust_pred_probs=False`` raises ValueError."""


def check_scoring_options(method, adjust_pred_probs, thresholds=None):
    """Check ``method``, ``adjust_pred_probs`` and whether ``thresholds`` may be given."""
    check_method(method)
    if not isinstance(adjust_pred_probs, (bool, np.bool_)):
        raise TypeError(f"adjust_pred_probs={adjust_pred_probs!r} must be True or False.")
    if adjust_pred_probs and method == "confidence_weighted_entropy":
        raise ValueError(
            "adjust_pred_probs=True is not defined for method='confidence_weighted_entropy'; "
            "use it with 'self_confidence' or 'normalized_margin', or set "
            "adjust_pred_probs=False."
        )
    if thresholds is not None and not adjust_pred_probs:
        raise ValueError(
            "thresholds were given but adjust_pred_probs=False; thresholds are only used "
            "to adjust pred_probs: pass adjust_pred_probs=True, or thresholds=None."
        )


def check_scoring_inputs(labels, pred_probs, method, adjust_pred_probs, thresholds=None):
    """Validate the inputs shared by every scoring entry point.

    Returns ``(Y, P, thresholds)`` where ``thresholds`` is None unless
    ``adjust_pred_probs`` is true; then it is the checked ``thresholds`` argument,
    or the confident thresholds of all rows if that is None.
    """
    P = check_pred_probs(pred_probs)
    Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1])
    check_scoring_options(method, adjust_pred_probs, thresholds)
    if thresholds is not None:
        thresholds = check_thresholds(thresholds, P.shape[1])
    elif adjust_pred_probs:
        thresholds = confident_thresholds(Y, P)
    return Y, P, thresholds


def score_blocks(Y, P, method, thresholds, aggregate=None):
    """Run the scoring core over row blocks.

    Returns per-class scores (N, K) if ``aggregate`` is None, else the aggregated
    (N,) scores; the dtype is that of ``P``. Inputs must already be validated.
    """
    n_samples, n_classes = P.shape
    if aggregate is None:
        out = np.empty((n_samples, n_classes), dtype=P.dtype)
    else:
        out = np.empty(n_samples, dtype=P.dtype)

    def score_block(start, stop):
        Y_block = indicator_block(Y, start, stop)
        if aggregate is None:
            class_scores_block(P[start:stop], Y_block, method, thresholds, out=out[start:stop])
        else:
            out[start:stop] = aggregate(
                class_scores_block(P[start:stop], Y_block, method, thresholds)
            )

    # Blocks write disjoint rows of ``out``. A user's callable aggregator may not be
    # thread-safe, so it runs on one thread.
    parallel = aggregate is None or getattr(aggregate, "thread_safe", False)
    run_blocks(score_block, row_blocks(n_samples, n_classes), parallel=parallel)
    return out


def get_label_quality_scores(
    labels,
    pred_probs,
    *,
    method="self_confidence",
    adjust_pred_probs=False,
    aggregator_kwargs=DEFAULT_AGGREGATOR_KWARGS,
    thresholds=None,
):
    """Score how likely each example's set of annotations is correct.

    Each class annotation of each example gets a one-vs-rest quality score (see
    :func:`get_label_quality_scores_per_class`); the scores of an example are then
    aggregated into one number in [0, 1]. Low scores point at examples whose
    annotations are likely wrong: review them first.

    Parameters
    ----------
    {labels}
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-sample predicted probability that each class applies to each
        example (for instance from ``cross_val_predict(..., method="predict_proba")``).
        Values in [0, 1]; rows need not sum to 1. float32 input gives float32 scores.
    {method}
    adjust_pred_probs : bool, default=False
        Subtract per-class confident thresholds from the probabilities before
        scoring, which corrects for classes the model is systematically over- or
        under-confident about. Not defined for ``"confidence_weighted_entropy"``.
    {thresholds}
    aggregator_kwargs : dict, default={{"method": "exponential_moving_average", \
"alpha": 0.8}}
        How per-class scores become one score: ``"method"`` is
        ``"exponential_moving_average"`` (option ``alpha``; ``alpha`` omitted means
        ``2 / (K + 1)``), ``"softmin"`` (option ``temperature``), or a callable
        ``f(scores, axis=1, **options)`` returning one value per row, such as
        ``np.min`` or ``np.mean``. An empty dict means the default.

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
    same core; values are validated when it is computed.

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
    if uses_dask(labels, pred_probs):
        return dask_label_quality_scores(
            labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs,
            aggregator_kwargs=aggregator_kwargs, thresholds=thresholds, per_class=False,
        )
    aggregate = resolve_aggregator(aggregator_kwargs)
    Y, P, thresholds = check_scoring_inputs(
        labels, pred_probs, method, adjust_pred_probs, thresholds
    )
    return score_blocks(Y, P, method, thresholds, aggregate)


def get_label_quality_scores_per_class(
    labels,
    pred_probs,
    *,
    method="self_confidence",
    adjust_pred_probs=False,
    thresholds=None,
):
    """Score how likely each single class annotation is correct.

    For class k of example i, the binary one-vs-rest view has the given side
    ``y = labels[i, k]`` and probabilities ``q = (1 - p, p)`` with
    ``p = pred_probs[i, k]``. The score is

    - ``"self_confidence"``: ``q[y]``, the probability of the given side;
    - ``"normalized_margin"``: ``(q[y] - q[1 - y] + 1) / 2``;
    - ``"confidence_weighted_entropy"``: ``log(1 + r) / r`` with
      ``r = H(q) / q[y]`` and ``H`` the binary entropy in bits (1 at ``r = 0``,
      i.e. ``q[y] = 1``; 0 at ``q[y] = 0``).

    Parameters
    ----------
    {labels}
    pred_probs : array-like of shape (n_samples, n_classes)
        Out-of-sample predicted probability that each class applies to each
        example. Values in [0, 1]; rows need not sum to 1.
    {method}
    adjust_pred_probs : bool, default=False
        Subtract per-class confident thresholds from the probabilities before
        scoring. Not defined for ``"confidence_weighted_entropy"``.
    {thresholds}

    Returns
    -------
    label_quality_scores_per_class : ndarray of shape (n_samples, n_classes)
        ``out[i, k]`` is the quality score of class k's annotation (present or
        absent) on example i. cleanlab's docstring describes this value as a list
        of K arrays; its code, like this function, returns one (N, K) array.
        A lazy dask array for dask inputs.

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
    if uses_dask(labels, pred_probs):
        return dask_label_quality_scores(
            labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs,
            aggregator_kwargs=None, thresholds=thresholds, per_class=True,
        )
    Y, P, thresholds = check_scoring_inputs(
        labels, pred_probs, method, adjust_pred_probs, thresholds
    )
    return score_blocks(Y, P, method, thresholds)


for _func in (get_label_quality_scores, get_label_quality_scores_per_class):
    _func.__doc__ = _func.__doc__.format(
        labels=_LABELS_DOC, method=_METHOD_DOC, thresholds=_THRESHOLDS_DOC
    )
del _func
