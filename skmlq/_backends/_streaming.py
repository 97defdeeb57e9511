"""Scoring predictions that arrive in batches (a data loader, chunks of a file).

The per-batch scores are those of the rank functions on all rows at once: every
score depends only on its own row, except through the thresholds of
``adjust_pred_probs=True``, which are accumulated over all batches first with the
same additive sums as the in-memory path (``threshold_sums`` and
``thresholds_from_sums`` of the scoring core).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

from .._core._aggregation import resolve_aggregator
from .._core._thresholds import threshold_sums, thresholds_from_sums
from ..utils._defaults import DEFAULT_METHOD
from ..utils._docstrings import fill_doc
from ..utils._errors import InputError, InputTypeError, InputValueError
from ..utils._labels import check_labels
from ..utils._sparse import check_probabilities, is_sparse_probabilities
from ..utils._validation import check_bool, check_n_classes, check_scoring_options
from ._dispatch import label_quality_scores

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

    from numpy.typing import ArrayLike

    from ..utils._typing import Labels, ProbabilityArray

__all__ = ["LabelQualityScorer", "iter_label_quality_scores"]

#: The parameters of the batch scoring methods, and the heading of what they return.
_BATCH_DOC = """Parameters
        ----------
        labels : list of lists of int, array-like or sparse matrix
            Annotations of the batch.
        pred_probs : array-like of shape (n_batch, n_classes)
            Predicted probabilities of the batch.

        Returns
        -------"""


class LabelQualityScorer(BaseEstimator):
    """Label quality scores of predictions that arrive in batches.

    Use it when ``pred_probs`` never exist as one array (predictions of a deep
    network over a data loader, or chunks read from disk). Each batch is scored
    exactly as :func:`~skmlq.rank.get_label_quality_scores` would score those rows
    within the whole data set (to rounding, at most 1e-12). With
    ``adjust_pred_probs=True`` the per-class thresholds depend on all rows: feed
    every batch to :meth:`partial_fit_thresholds` first (or give ``thresholds``),
    then score.

    Parameters
    ----------
    method : {"self_confidence", "normalized_margin", \
"confidence_weighted_entropy"}, default="self_confidence"
        Per-class scoring method.
    adjust_pred_probs : bool, default=False
        Score threshold-adjusted probabilities (see
        :func:`~skmlq.rank.get_label_quality_scores`).
    aggregator_kwargs : dict or None, default=None
        How per-class scores become one score per example, as in
        :func:`~skmlq.rank.get_label_quality_scores`. None means
        ``{"method": "exponential_moving_average", "alpha": 0.8}``.
    thresholds : array-like of shape (n_classes, 2) or None, default=None
        Precomputed thresholds (:func:`~skmlq.rank.get_confident_thresholds`) for
        ``adjust_pred_probs=True``; then no fitting pass is needed.

    Attributes
    ----------
    confident_thresholds_ : ndarray of shape (n_classes, 2)
        Thresholds ``[t0, t1]`` of all rows seen by :meth:`partial_fit_thresholds`
        (set after each call).
    n_samples_seen_ : int
        Number of rows seen by :meth:`partial_fit_thresholds`.
    n_classes_ : int
        Number of classes, fixed by the first batch fitted.

    See Also
    --------
    iter_label_quality_scores : The same as a generator over batches.
    skmlq.rank.get_label_quality_scores : All rows at once.

    Notes
    -----
    The threshold sums are float64 and additive, so the thresholds equal those of
    all rows at once up to the order of summation. Scoring does not change the
    fitted state, so batches can be scored in any order and in parallel.

    Examples
    --------
    >>> from skmlq.rank import LabelQualityScorer, get_label_quality_scores
    >>> labels = [[1], [0, 2], [0], []]
    >>> pred_probs = [[0.1, 0.9, 0.1], [0.4, 0.1, 0.9], [0.8, 0.3, 0.2], [0.3, 0.2, 0.1]]
    >>> batches = [(labels[:2], pred_probs[:2]), (labels[2:], pred_probs[2:])]
    >>> scorer = LabelQualityScorer(adjust_pred_probs=True)
    >>> for batch_labels, batch_pred_probs in batches:
    ...     scorer = scorer.partial_fit_thresholds(batch_labels, batch_pred_probs)
    >>> [scorer.get_label_quality_scores(*batch) for batch in batches]
    [array([0.7670..., 0.5757...]), array([0.7441..., 0.6337...])]
    >>> get_label_quality_scores(labels, pred_probs, adjust_pred_probs=True)
    array([0.7670..., 0.5757..., 0.7441..., 0.6337...])
    """

    def __init__(self, *, method: str = DEFAULT_METHOD, adjust_pred_probs: bool = False,
                 aggregator_kwargs: dict[str, Any] | None = None,
                 thresholds: ArrayLike | None = None):
        self.method = method
        self.adjust_pred_probs = adjust_pred_probs
        self.aggregator_kwargs = aggregator_kwargs
        self.thresholds = thresholds

    def partial_fit_thresholds(
        self, labels: Labels, pred_probs: ProbabilityArray
    ) -> LabelQualityScorer:
        """Add one batch to the per-class threshold sums.

        Parameters
        ----------
        labels : list of lists of int, array-like or sparse matrix
            Annotations of the batch (class indices per example, or a 0/1
            indicator with one column per class).
        pred_probs : array-like of shape (n_batch, n_classes)
            Predicted probabilities of the batch.

        Returns
        -------
        self : LabelQualityScorer
            With ``confident_thresholds_`` updated to all rows seen so far.
        """
        check_scoring_options(self.method, self.adjust_pred_probs)
        if not self.adjust_pred_probs:
            raise InputValueError(
                "partial_fit_thresholds needs adjust_pred_probs=True: thresholds are only "
                "used to adjust pred_probs, and without adjustment no fitting is needed."
            )
        if self.thresholds is not None:
            raise InputValueError(
                "thresholds were given to LabelQualityScorer, so there is nothing to fit; "
                "set thresholds=None to fit them from the batches."
            )
        P = check_n_classes(check_probabilities(pred_probs),
                            getattr(self, "n_classes_", None), "earlier batches")
        Y = check_labels(labels, n_samples=P.shape[0], n_classes=P.shape[1],
                         sparse=is_sparse_probabilities(P))
        sums = threshold_sums(Y, P)
        if not hasattr(self, "n_classes_"):
            self.n_classes_ = P.shape[1]
            self.n_samples_seen_ = 0
            self._sums = [np.zeros(self.n_classes_), np.zeros(self.n_classes_),
                          np.zeros(self.n_classes_, dtype=np.int64)]
        for total, batch_sum in zip(self._sums, sums):
            total += batch_sum
        self.n_samples_seen_ += P.shape[0]
        self.confident_thresholds_ = thresholds_from_sums(*self._sums, self.n_samples_seen_)
        return self

    def fit_thresholds(
        self, batches: Iterable[tuple[Labels, ProbabilityArray]]
    ) -> LabelQualityScorer:
        """Fit the thresholds on an iterable of ``(labels, pred_probs)`` batches.

        Forgets earlier fits, then calls :meth:`partial_fit_thresholds` on each batch.

        Parameters
        ----------
        batches : iterable of (labels, pred_probs)
            All the batches that will be scored.

        Returns
        -------
        self : LabelQualityScorer
        """
        for name in ("n_classes_", "n_samples_seen_", "confident_thresholds_", "_sums"):
            self.__dict__.pop(name, None)
        for i, (labels, pred_probs) in _pairs(batches):
            with _naming_batch(i):
                self.partial_fit_thresholds(labels, pred_probs)
        if not hasattr(self, "n_classes_"):
            raise InputValueError("batches is empty; expected at least one (labels, pred_probs).")
        return self

    def _scoring_thresholds(self):
        check_scoring_options(self.method, self.adjust_pred_probs, self.thresholds)
        if not self.adjust_pred_probs:
            return None
        if self.thresholds is not None:
            return self.thresholds
        if getattr(self, "n_samples_seen_", 0) == 0:
            raise NotFittedError(
                "LabelQualityScorer(adjust_pred_probs=True) needs thresholds from all rows: "
                "call partial_fit_thresholds on every batch (or fit_thresholds) before "
                "scoring, or pass thresholds=get_confident_thresholds(labels, pred_probs)."
            )
        return self.confident_thresholds_

    def _scores(self, labels, pred_probs, per_class, n_classes=None):
        return label_quality_scores(
            labels, pred_probs, method=self.method, adjust_pred_probs=self.adjust_pred_probs,
            aggregator_kwargs=None if per_class else self.aggregator_kwargs,
            thresholds=self._scoring_thresholds(), per_class=per_class,
            n_classes=getattr(self, "n_classes_", n_classes),
        )

    def get_label_quality_scores(
        self, labels: Labels, pred_probs: ProbabilityArray
    ) -> np.ndarray:
        """One label quality score per example of a batch.

        {batch}
        label_quality_scores : ndarray of shape (n_batch,)
        """
        return self._scores(labels, pred_probs, per_class=False)

    def get_label_quality_scores_per_class(
        self, labels: Labels, pred_probs: ProbabilityArray
    ) -> np.ndarray:
        """Per-class label quality scores of a batch.

        {batch}
        label_quality_scores_per_class : ndarray of shape (n_batch, n_classes)
        """
        return self._scores(labels, pred_probs, per_class=True)


fill_doc(LabelQualityScorer.get_label_quality_scores,
         LabelQualityScorer.get_label_quality_scores_per_class, batch=_BATCH_DOC)


def iter_label_quality_scores(
    batches: Iterable[tuple[Labels, ProbabilityArray]],
    *,
    method: str = DEFAULT_METHOD,
    adjust_pred_probs: bool = False,
    aggregator_kwargs: dict[str, Any] | None = None,
    thresholds: ArrayLike | None = None,
    per_class: bool = False,
) -> Iterator[np.ndarray]:
    """Yield the label quality scores of each ``(labels, pred_probs)`` batch.

    Parameters
    ----------
    batches : iterable of (labels, pred_probs)
        The batches, e.g. a list, or an object whose ``iter()`` starts a new pass
        (such as a deep-learning data loader wrapped to yield predictions). With
        ``adjust_pred_probs=True`` and ``thresholds=None`` it is iterated twice
        (thresholds first, then scores), so it must not be a one-shot iterator or
        generator.
    method : str, default="self_confidence"
        Per-class scoring method.
    adjust_pred_probs : bool, default=False
        Score threshold-adjusted probabilities.
    aggregator_kwargs : dict or None, default=None
        Aggregation of per-class scores (None means the default EMA, alpha 0.8).
    thresholds : array-like of shape (n_classes, 2) or None, default=None
        Precomputed thresholds; then ``batches`` is iterated once.
    per_class : bool, default=False
        Yield (n_batch, n_classes) per-class scores instead of (n_batch,) scores.

    Yields
    ------
    scores : ndarray of shape (n_batch,) or (n_batch, n_classes)
        The scores of each batch, in order.

    See Also
    --------
    LabelQualityScorer : The object behind this generator.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.rank import iter_label_quality_scores
    >>> batches = [([[1], [0, 2]], [[0.1, 0.9, 0.1], [0.4, 0.1, 0.9]]),
    ...            ([[0], []], [[0.8, 0.3, 0.2], [0.3, 0.2, 0.1]])]
    >>> np.concatenate(list(iter_label_quality_scores(batches)))
    array([0.9  , 0.5  , 0.72 , 0.724])
    """
    scorer = LabelQualityScorer(method=method, adjust_pred_probs=adjust_pred_probs,
                                aggregator_kwargs=aggregator_kwargs, thresholds=thresholds)
    check_scoring_options(method, adjust_pred_probs, thresholds)
    per_class = check_bool(per_class, "per_class")
    if not per_class:
        resolve_aggregator(aggregator_kwargs)
    if adjust_pred_probs and thresholds is None:
        if iter(batches) is batches:
            raise InputTypeError(
                "batches is a one-shot iterator, but adjust_pred_probs=True needs two "
                "passes (thresholds of all rows first, then scores). Pass a list or an "
                "object whose iter() restarts (such as a data loader), or precomputed "
                "thresholds=get_confident_thresholds(labels, pred_probs)."
            )
        scorer.fit_thresholds(batches)
    return _score_batches(scorer, batches, per_class)


def _score_batches(scorer, batches, per_class):
    n_classes = None  # of the first batch: every later batch must have as many
    for i, (labels, pred_probs) in _pairs(batches):
        with _naming_batch(i):
            scores = scorer._scores(labels, pred_probs, per_class, n_classes)
        if n_classes is None:
            n_classes = np.shape(pred_probs)[1] if np.ndim(pred_probs) == 2 else None
        yield scores


def _pairs(batches):
    """The ``(labels, pred_probs)`` of each batch, or an error naming the batch."""
    try:
        iterator = iter(batches)
    except TypeError:
        raise InputTypeError(
            f"batches is {batches!r:.80} of type {type(batches).__name__}; expected an "
            f"iterable of (labels, pred_probs) pairs, such as a list."
        ) from None
    for i, batch in enumerate(iterator):
        if not isinstance(batch, (tuple, list)) or len(batch) != 2:
            raise InputTypeError(
                f"batches[{i}] is {batch!r:.80} of type {type(batch).__name__}; each batch "
                f"must be a (labels, pred_probs) pair."
            )
        yield i, batch


@contextmanager
def _naming_batch(i):
    """Prefix the message of a bad-input error with the batch it comes from."""
    try:
        yield
    except InputError as exc:
        raise type(exc)(f"batches[{i}]: {exc}") from None
