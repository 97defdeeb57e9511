"""The review loop: learn from a person's answers, batch after batch.

``_ReviewMixin`` of ``MultilabelLabelQuality`` (the other jobs are listed in the
docstring of ``skmlq._estimator``): ``next_to_review`` chooses a batch (the
likeliest errors and a few draws with known probabilities, ``skmlq._core._review``),
``add_reviewed`` records the person's corrected label sets (or a filled-in review
file) and refits the noise model from them together with the unreviewed data
(``skmlq._core._error_proba`` and ``_single_error``), so that the error
probabilities, the posterior scores and the count of wrong examples follow.
The classifier and the co-occurrence stage are never refitted: a refit costs one
pass over the rows.
"""

from __future__ import annotations

import copy
from numbers import Integral
from typing import TYPE_CHECKING, TypeVar

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._core._second_stage import second_stage_block
from .._core._driver import score_blocks
from .._core._error_proba import fit_noise_model, noise_histogram, reviewed_histogram
from .._core._review import (
    combine_estimates, draw_batch, error_row_sums, fit_review_ranker, refit_pass,
    review_features, review_ranking, stage_logits,
)
from .._core._single_error import reviewed_responsibilities
from ..utils._blocks import row_blocks, run_blocks
from ..utils._defaults import NOISE_POSTERIOR, POSTERIOR_METHODS
from ..utils._errors import InputTypeError, InputValueError
from ._error_estimate import ErrorEstimate
from ._targets import encode_targets

if TYPE_CHECKING:
    import os
    from typing import Any

    from numpy.typing import ArrayLike

    from ..utils._typing import Labels

__all__ = ["ReviewedErrorEstimate", "_ReviewMixin"]

_Self = TypeVar("_Self", bound="_ReviewMixin")

#: Share of each batch drawn at random (with known probabilities) by default.
DEFAULT_RANDOM_SHARE = 0.1
#: Level of the interval of :meth:`MultilabelLabelQuality.estimate_errors` after review.
INTERVAL_LEVEL = 0.9
#: Unit of the flip rates in the refit's search (``fit_noise_model``'s
#: ``rate_scale``): from the previous model, a search in units of 1 stops short of
#: the maximum.
REFIT_RATE_SCALE = 0.01


class ReviewedErrorEstimate(ErrorEstimate):
    """The count of examples with a wrong annotation, with what review has found.

    An :class:`ErrorEstimate` whose ``n_wrong_examples`` is estimated from the
    reviewed batches (see :meth:`MultilabelLabelQuality.next_to_review`), with
    an interval.

    Attributes
    ----------
    low, high : float or None
        The interval (``level``) around ``n_wrong_examples``; None until a batch
        drawn by ``next_to_review`` is fully reviewed (the count is then the
        noise model's expectation).
    level : float
        Coverage of the interval.
    n_found : int
        Reviewed examples found to have a wrong annotation.
    n_reviewed : int
        Reviewed examples.

    Examples
    --------
    >>> from skmlq._estimator._review import ReviewedErrorEstimate
    >>> print(ReviewedErrorEstimate(7395, 712.3, 120.0, 640.5, low=650.2, high=779.8,
    ...                             n_found=140, n_reviewed=370))
    about 10% of examples, 712 of 7,395 (90% interval 650-780), have a wrong annotation; \
140 found in 370 reviewed; most likely kind: missing tags
    """

    def __init__(self, n_examples, n_wrong_examples, n_to_remove, n_to_add, *, low=None,
                 high=None, level=INTERVAL_LEVEL, n_found=0, n_reviewed=0):
        super().__init__(n_examples, n_wrong_examples, n_to_remove, n_to_add)
        self.low = None if low is None else float(low)
        self.high = None if high is None else float(high)
        self.level = float(level)
        self.n_found = int(n_found)
        self.n_reviewed = int(n_reviewed)

    def __str__(self):
        interval = ("" if self.low is None else
                    f" ({self.level:.0%} interval {self.low:,.0f}-{self.high:,.0f})")
        return (
            f"about {self.fraction:.0%} of examples, {self.n_wrong_examples:,.0f} of "
            f"{self.n_examples:,}{interval}, have a wrong annotation; {self.n_found:,} "
            f"found in {self.n_reviewed:,} reviewed; most likely kind: {self.most_likely_kind}"
        )

    def __repr__(self):
        return (
            f"ReviewedErrorEstimate(n_examples={self.n_examples}, n_wrong_examples="
            f"{self.n_wrong_examples:.1f}, low={self.low}, high={self.high}, "
            f"n_found={self.n_found}, n_reviewed={self.n_reviewed})"
        )


class _ReviewState:
    """What the loop keeps between calls: the given labels, the logits of the stage's
    probabilities of all rows (recomputed after unpickling rather than stored), the
    histogram of all rows, the batches drawn and the examples in them."""

    def __init__(self, given, pred_probs, params):
        self.given = given
        self.pred_probs = pred_probs
        self.params = params
        self.batches = []
        self.in_batch = np.zeros(given.shape[0], dtype=bool)
        # Each reviewed example's summaries when it was chosen, and the ranker
        # fitted on them (skmlq._core._review).
        self.features = np.full((given.shape[0], 5), np.nan)
        self.ranker = None
        # The row sums of the error probabilities as they stand (error_row_sums),
        # from the last refit or, before one, read once from the fit's.
        self.sums = None
        # The kernels test the labels many times per block: as booleans, once.
        self.mask = np.asarray(given, dtype=bool)
        self.n_given = self.mask.sum(axis=1)
        self._stage = None
        self._logits = None
        self._histogram = None

    def stage_probs(self):
        """The stage's probabilities of all rows, kept once asked for (the
        ``"single_error"`` scores read them in every refit)."""
        if self._stage is None:
            P, Y = self.pred_probs, self.given
            Q = np.empty(P.shape, dtype=P.dtype)

            def block(start, stop):
                Q[start:stop] = second_stage_block(P[start:stop], Y[start:stop], self.params)

            run_blocks(block, row_blocks(*P.shape))
            self._stage = Q
        return self._stage

    def stage_logits(self):
        """The clipped logits of the stage's probabilities, which every refit reads
        (one logit per annotation, computed once), and the histogram of all rows;
        the probabilities themselves are not kept for them (as much memory again)."""
        if self._logits is None:
            keep = self._stage is not None
            Q = self.stage_probs()
            self._histogram = noise_histogram(self.given, lambda a, b: Q[a:b], *Q.shape)
            self._logits = stage_logits(Q)
            if not keep:
                self._stage = None
        return self._logits

    def histogram(self):
        self.stage_logits()
        return self._histogram

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_stage"] = state["_logits"] = None
        return state


class _ReviewMixin:
    """``next_to_review``, ``add_reviewed`` and the partial mask of reviewed errors."""

    def _review_state(self):
        check_is_fitted(self)
        state = self.__dict__.get("_review")
        # fit sets new arrays: a state from an earlier fit is dropped.
        if state is None or state.pred_probs is not self.pred_probs_:
            state = _ReviewState(self._fit_labels, self.pred_probs_, self.cooccurrence_params_)
            self._review = state
            for name in ("reviewed_", "reviewed_labels_"):
                self.__dict__.pop(name, None)
        return state

    def _reviewed_mask(self):
        reviewed = self.__dict__.get("reviewed_")
        return np.zeros(self.pred_probs_.shape[0], dtype=bool) if reviewed is None else reviewed

    def next_to_review(self, n: int, *, random_share: float = DEFAULT_RANDOM_SHARE
                       ) -> np.ndarray:
        """The next ``n`` training examples to show a person.

        Mostly the likeliest errors not reviewed yet, plus
        ``round(random_share * n)`` (at least 2) drawn at random with known
        probabilities from the rest. The likeliest errors are those of lowest
        :attr:`label_quality_scores_` until the answers include examples found
        wrong and found right; from then on, a logistic regression of the answers
        on five summaries of each example's error probabilities and score, fitted
        on the reviewed examples, orders them (it learns what the noise model
        gets wrong about this data). The draws let
        :meth:`estimate_errors` estimate the number of wrong examples without
        bias from the answers: draws favour examples whose error probability is
        uncertain, half of their probability is spread evenly (see the user
        guide, "Review in batches"). Examples of an earlier batch are not drawn
        again, reviewed or not. Pass the person's corrected label sets to
        :meth:`add_reviewed`.

        Parameters
        ----------
        n : int
            Number of examples, at least 1 (fewer when fewer are left).
        random_share : float in [0, 1], default=0.1
            Share of the batch drawn at random; 0 takes the likeliest errors only
            (the count then stays the noise model's expectation, without interval).

        Returns
        -------
        rows : ndarray of int of shape (n,)
            Rows of the training data, likeliest errors first, then the drawn ones.

        Examples
        --------
        >>> from sklearn.datasets import make_multilabel_classification
        >>> from sklearn.ensemble import RandomForestClassifier
        >>> from skmlq import MultilabelLabelQuality
        >>> X, Y = make_multilabel_classification(n_samples=200, n_classes=4,
        ...                                       random_state=0)
        >>> forest = RandomForestClassifier(n_estimators=20, random_state=0)
        >>> mlq = MultilabelLabelQuality(forest, cv=3, random_state=0).fit(X, Y)
        >>> batch = mlq.next_to_review(10)
        >>> len(batch)
        10
        >>> corrected = Y[batch]  # what a person answers: here, every label confirmed
        >>> mlq = mlq.add_reviewed(batch, corrected)
        >>> int(mlq.reviewed_.sum()), mlq.estimate_errors().n_found
        (10, 0)
        """
        if isinstance(n, (bool, np.bool_)) or not isinstance(n, Integral) or n < 1:
            raise InputValueError(f"n={n!r} is invalid; expected an integer >= 1, the number "
                                  f"of examples to review next.")
        if (isinstance(random_share, (bool, np.bool_))
                or not isinstance(random_share, (Integral, float, np.floating))
                or not 0 <= random_share <= 1):
            raise InputValueError(f"random_share={random_share!r} is invalid; expected a "
                                  f"number in [0, 1], the share of the batch drawn at random.")
        state = self._review_state()
        pool = ~(self._reviewed_mask() | state.in_batch)
        if not pool.any():
            return np.zeros(0, dtype=np.intp)
        n_draws = max(2, int(round(random_share * n))) if random_share > 0 else 0
        features = self._review_features(state)
        order = (self.label_quality_scores_ if state.ranker is None
                 else review_ranking(features, state.ranker))
        batch = draw_batch(order, self.error_proba_, pool, n, n_draws,
                           self._batch_rng(len(state.batches)))
        state.batches.append(batch)
        state.in_batch[batch.rows] = True
        state.features[batch.rows] = features[batch.rows]
        return batch.rows.copy()

    def _review_features(self, state, rows=None):
        if state.sums is None:
            state.sums = error_row_sums(self.error_proba_per_class_, state.mask)
        return review_features(self.error_proba_, self.label_quality_scores_, state.sums,
                               state.n_given, rows)

    def _batch_rng(self, number):
        """Independent draws for every batch, reproducible with an int random_state."""
        seed = self.random_state
        if not isinstance(seed, Integral):
            seed = check_random_state(seed).randint(2**32)
        return np.random.default_rng([int(seed), int(number)])

    def add_reviewed(self: _Self, indices: ArrayLike | None = None,
                     labels: Labels | None = None, *,
                     review: str | os.PathLike | Any | None = None) -> _Self:
        """Record a person's answers and refit the noise model with them.

        Each reviewed example is settled: its corrected labels are kept in
        :attr:`reviewed_labels_` (marked in :attr:`reviewed_`), it leaves the
        ranking (label quality 1, error probability 0) and it no longer comes up
        in :meth:`next_to_review`. The noise model (the per-class flip rates
        :attr:`flip_rates_`, the calibration of the error probabilities, the
        shares of lost and wrongly added tags) is refitted by maximum likelihood
        on the reviewed examples' given and true labels together with the given
        labels of the others; :attr:`error_proba_`,
        :attr:`error_proba_per_class_`, :attr:`error_estimate_` and, with
        ``method="noise_posterior"`` or ``"single_error"``, the label quality
        scores follow, so the rest is re-ranked. The other methods' scores do not
        use the noise model: only the reviewed examples leave their ranking. The
        classifier and the co-occurrence stage are not refitted.

        Calls accumulate; an example reviewed again keeps the later answer.
        Nothing changes when the input is refused.

        Parameters
        ----------
        indices : array-like of int, default=None
            Rows of the training data that were reviewed.
        labels : array-like, sparse matrix or list of lists, default=None
            Their corrected label sets, one per row of ``indices``, in any form
            :meth:`fit` accepts (over :attr:`classes_`).
        review : str, path-like or readable file, default=None
            Instead of ``indices`` and ``labels``: a review file
            (:func:`skmlq.report.write_review`) of the training data with its
            ``decision`` cells filled. An example counts as reviewed when every
            row of it has a decision; its corrected labels are its given labels
            with the accepted changes (the annotations the file does not question
            count as confirmed). Examples with an undecided row are left for later.

        Returns
        -------
        self : MultilabelLabelQuality
        """
        state = self._review_state()
        given = state.given
        n_samples, n_classes = given.shape
        if review is not None:
            if indices is not None or labels is not None:
                raise InputTypeError("add_reviewed takes either indices and labels or "
                                     "review=..., not both.")
            # The file was written from the labels as they stand (the reports').
            rows, corrected = self._read_review_file(
                review, self.__dict__.get("reviewed_labels_", given))
        else:
            if indices is None or labels is None:
                raise InputTypeError("add_reviewed needs the reviewed rows and their "
                                     "corrected labels, add_reviewed(indices, labels), or "
                                     "a filled-in review file, add_reviewed(review=path).")
            rows = _check_rows(indices, n_samples)
            corrected = encode_targets(labels, self.classes_, name="labels")[0]
            if corrected.shape[0] != rows.size:
                raise InputValueError(
                    f"labels has {corrected.shape[0]} label sets but indices has "
                    f"{rows.size} rows; pass one corrected label set per reviewed row.")
        reviewed = self._reviewed_mask().copy()
        current = self.__dict__.get("reviewed_labels_", given).copy()
        # A row twice in one call keeps its last answer, as across calls.
        last = rows.size - 1 - np.unique(rows[::-1], return_index=True)[1]
        current[rows[last]] = corrected[last]
        reviewed[rows] = True
        # Examples reviewed without a batch are summarised as they stood before.
        features = state.features.copy()
        unseen = np.unique(rows[np.isnan(features[rows, 0])])
        features[unseen] = self._review_features(state, unseen)
        self._refit_from_review(state, reviewed, current, features)
        return self

    def _read_review_file(self, review, given):
        from ..report._review import _check_labels_match, read_review

        where = getattr(review, "name", "review")
        accepted, given_of, undecided = read_review(
            review, self.classes_, given.shape[0], name=where, undecided=True)
        _check_labels_match(given, accepted, given_of, self.classes_, review)
        rows = np.array(sorted(set(given_of) - undecided), dtype=np.intp)
        corrected = given[rows].copy()
        position = np.full(given.shape[0], -1, dtype=np.intp)
        position[rows] = np.arange(rows.size)
        keep = position[accepted.rows] >= 0
        corrected[position[accepted.rows[keep]], accepted.cols[keep]] = np.where(
            accepted.remove[keep], 0, 1)
        return rows, corrected

    def _refit_from_review(self, state, reviewed, current, features):
        """Refit the noise model and everything read from it; assign at the end."""
        given = state.given
        U = state.stage_logits()
        counts, sums = state.histogram()
        rows = np.flatnonzero(reviewed)
        true, given_rows = current[rows], given[rows]
        # Each refit starts from the previous model: a batch moves it a little.
        previous = self.cooccurrence_params_
        model = fit_noise_model(
            counts, sums, reviewed=reviewed_histogram(given_rows, true, U[rows], logits=True),
            start=previous.noise_model, rate_scale=REFIT_RATE_SCALE)
        aggregate = self._check_params()
        posterior = self.method == NOISE_POSTERIOR
        example, per_class, shares, scores, sums = refit_pass(
            state.mask, U, model, (rows, reviewed_responsibilities(given_rows, true)),
            previous.error_shares, aggregate if posterior else None, state.pred_probs.dtype)
        params = copy.copy(previous)
        params.noise_model = _read_only(model)
        params.count_check = None  # read from the fit's noise model, not this one
        params.error_shares = _read_only(shares)
        if posterior:
            scores_per_class, scores = scores
        elif self.method in POSTERIOR_METHODS:
            scores_per_class, scores = score_blocks(
                given, state.stage_probs(), self.method, None, aggregate, keep_per_class=True,
                second_stage=params, stage_done=True)
        else:
            scores_per_class = self.label_quality_scores_per_class_.copy()
            scores = self.label_quality_scores_.copy()
        wrong = np.zeros(given.shape[0], dtype=bool)
        wrong[rows] = (true != given_rows).any(axis=1)
        estimate = self._reviewed_estimate(state, example, per_class, given, reviewed, wrong)
        ranker = fit_review_ranker(features[rows], wrong[rows])
        # The settled examples: their corrected labels are right.
        example[reviewed] = 0
        per_class[reviewed] = 0
        sums[reviewed] = 0
        scores[reviewed] = 1
        scores_per_class[reviewed] = 1
        # The expected wrong given and missing annotations: the sums of per_class
        # over each side, from the refit's row sums.
        diff = true - given_rows
        estimate.n_to_remove = float(sums[:, 0].sum()) + float((diff < 0).sum())
        estimate.n_to_add = float(sums[:, 1].sum()) + float((diff > 0).sum())

        self.cooccurrence_params_ = params
        self.flip_rates_ = model[:, 2:4].copy()
        self.error_proba_, self.error_proba_per_class_ = example, per_class
        self.label_quality_scores_per_class_, self.label_quality_scores_ = (
            scores_per_class, scores)
        self.error_estimate_ = estimate
        self.reviewed_, self.reviewed_labels_ = reviewed, current
        state.features, state.ranker, state.sums = features, ranker, sums
        # The reports describe the labels as they stand.
        self._fit_labels = current

    def _reviewed_estimate(self, state, example, per_class, given, reviewed, wrong):
        n_samples = given.shape[0]
        n_found = int(wrong.sum())
        n_right = int(reviewed.sum()) - n_found
        parts = []
        for batch in state.batches:
            if reviewed[batch.needs()].all():
                parts.append(batch.estimate(wrong))
        combined = combine_estimates(parts, n_found, n_samples - n_right, INTERVAL_LEVEL)
        if reviewed.all():
            combined = (n_found, n_found, n_found)
        if combined is None:
            value, low, high = n_found + float(example[~reviewed].sum()), None, None
        else:
            value, low, high = combined
        return ReviewedErrorEstimate(n_samples, value, 0.0, 0.0, low=low, high=high,
                                     level=INTERVAL_LEVEL, n_found=n_found,
                                     n_reviewed=int(reviewed.sum()))

    def reviewed_issue_mask(self) -> np.ndarray:
        """What review found, as a partial ``label_issue_mask`` for :meth:`score`.

        Returns
        -------
        mask : ndarray of float of shape (n_samples,)
            1 for reviewed examples found to have a wrong annotation, 0 for
            reviewed ones whose labels were right, NaN for examples not reviewed
            (which :meth:`score` leaves out).
        """
        check_is_fitted(self)
        reviewed = self._reviewed_mask()
        mask = np.full(reviewed.shape[0], np.nan)
        if reviewed.any():
            state = self._review_state()
            current = self.reviewed_labels_
            mask[reviewed] = (current[reviewed] != state.given[reviewed]).any(axis=1)
        return mask


def _read_only(values):
    values = np.array(values, dtype=np.float64)
    values.setflags(write=False)
    return values


def _check_rows(indices, n_samples):
    rows = np.asarray(indices)
    if rows.ndim != 1 or (rows.size and rows.dtype.kind not in "iu"):
        raise InputValueError(
            f"indices must be a 1-D array of integer rows of the training data; got "
            f"shape {rows.shape}, dtype {rows.dtype}.")
    bad = np.flatnonzero((rows < 0) | (rows >= n_samples))
    if bad.size:
        raise InputValueError(
            f"indices[{bad[0]}] is {rows[bad[0]]}, not a row of the training data (0 to "
            f"{n_samples - 1}).")
    return rows.astype(np.intp)
