"""Scoring: the scores of given annotations and the model-selection objective.

``_ScoringMixin`` of ``MultilabelLabelQuality`` (the other jobs are listed in the
docstring of ``skmlq._estimator``): the transformer face (``transform``,
``fit_transform``, ``get_feature_names_out``), ``score_samples``, and ``score``,
the objective a search maximises, with the synthetic errors it injects
(``_inject_single_errors``, drawn by ``skmlq._core._noise``). Every score goes
through the one block driver of the scoring core (``_score``); nothing here
computes a score itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import TransformerMixin
from sklearn.metrics import roc_auc_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._core._second_stage import second_stage_thresholds
from .._core._driver import score_blocks, scoring_thresholds
from .._core._noise import single_errors
from ..utils._defaults import POSTERIOR_METHODS, SECOND_STAGE_METHODS
from ..utils._errors import InputValueError
from ..utils._validation import check_pred_probs

if TYPE_CHECKING:
    from typing import Any

    from numpy.typing import ArrayLike

    from ..utils._typing import Labels

__all__ = ["INJECTED_SHARES", "SYNTHETIC_DRAWS", "_ScoringMixin"]

#: Number of seeded draws of synthetic errors whose AUROCs
#: :meth:`MultilabelLabelQuality.score` averages when no ``label_issue_mask`` is given.
SYNTHETIC_DRAWS = 3
#: The smallest and largest share of examples :meth:`MultilabelLabelQuality.score`
#: corrupts.
INJECTED_SHARES = (0.1, 0.5)


def _inject_single_errors(Y, error_shares, rng):
    """Give examples one error each, in the kinds and amounts of the single-error
    mixture's shares: ``round(share * N)`` examples lose one given tag, for the
    share of one tag missing, and others gain one absent class, for the share of
    one wrong tag (see :func:`skmlq.benchmarking.single_error_noise`). Shares that
    add up to less than ``INJECTED_SHARES[0]`` or more than ``INJECTED_SHARES[1]``
    are scaled to that bound, keeping their proportion (half and half when both
    are 0): on data that looks clean a handful of injected errors would make the
    score a lottery, and with every example corrupted there would be nothing to
    rank them against.

    Returns the corrupted copy and which examples were corrupted. The counts are
    lowered to what the data allows (examples with a tag to lose, with a class to
    gain). When they round to no example, one example gets the likelier kind of
    error; and when the data allows neither kind, one random annotation is
    toggled, so the score stays defined on small data.
    """
    n_samples = Y.shape[0]
    missing, extra = (float(v) for v in error_shares[1:])
    total = missing + extra
    bounded = min(max(total, INJECTED_SHARES[0]), INJECTED_SHARES[1])
    if bounded != total:
        missing, extra = ((missing / total, extra / total) if total > 0 else (0.5, 0.5))
        missing, extra = missing * bounded, extra * bounded
    n_missing, n_extra = int(round(missing * n_samples)), int(round(extra * n_samples))
    if n_missing + n_extra == 0:
        n_missing, n_extra = (1, 0) if missing >= extra else (0, 1)
    noisy, wrong = single_errors(Y.astype(bool), n_missing, n_extra, rng)
    if not wrong.any():
        wrong[rng.randint(n_samples), rng.randint(Y.shape[1])] = True
        noisy = noisy ^ wrong
    return noisy.astype(Y.dtype), wrong.any(axis=1)


class _ScoringMixin(TransformerMixin):
    """Scores of given annotations, the transformer methods and ``score``.

    A ``TransformerMixin`` itself, so that scikit-learn wraps ``transform`` and
    ``fit_transform`` where they are defined (``set_output``).
    """

    def _score(self, Y, pred_probs, aggregate=None, second_stage=None):
        """Per-class scores and their aggregation in one pass over row blocks.

        ``Y`` is an encoded indicator (from ``encode_targets``), trusted; the
        classifier's probabilities are checked, since any model may be plugged in.
        The second-stage methods use ``second_stage``, else the stage fitted in
        :meth:`fit`.
        """
        if aggregate is None:
            aggregate = self._check_params()
        P = check_pred_probs(pred_probs)
        if self.method not in SECOND_STAGE_METHODS:
            thresholds = scoring_thresholds(Y, P, self.adjust_pred_probs)
            return score_blocks(Y, P, self.method, thresholds, aggregate, keep_per_class=True)
        if second_stage is None:
            second_stage = self.cooccurrence_params_
        thresholds = (second_stage_thresholds(Y, P, second_stage)
                      if self.adjust_pred_probs else None)
        scorer = self.method if self.method in POSTERIOR_METHODS else "self_confidence"
        return score_blocks(Y, P, scorer, thresholds, aggregate,
                            keep_per_class=True, second_stage=second_stage)

    def _output(self, per_class, scores):
        return per_class if self.per_class else scores[:, None]

    def _score_new(self, X, labels, caller):
        """Scores of ``labels`` on new data ``X`` with ``estimator_``."""
        return self._score(*self._new_data(X, labels, caller))

    def fit_transform(self, X: Any, y: Labels) -> np.ndarray:
        """Fit, then return the out-of-fold label quality scores.

        The scores come from cross fitting: each example is scored with a model
        that did not see it. Use them to find annotation errors in ``(X, y)``.

        .. note::
            ``fit(X, y).transform(X, y)`` does not equal ``fit_transform(X, y)``:
            ``transform`` scores with :attr:`estimator_`, which was fitted on these
            very examples (in-sample, over-confident).

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...)
            Input of the classifier, passed to it untouched.
        y : array-like, sparse matrix or list of lists
            The given annotations (see :meth:`fit`).

        Returns
        -------
        scores : ndarray of shape (n_samples, 1) or (n_samples, n_classes)
            ``label_quality_scores_`` as a column, or
            ``label_quality_scores_per_class_`` when ``per_class=True``; float64.
        """
        self.fit(X, y)
        return self._output(self.label_quality_scores_per_class_, self.label_quality_scores_)

    def transform(self, X: Any, labels: Labels | None = None) -> np.ndarray:
        """Score the given labels of new data with the refitted classifier.

        .. note::
            On the training data, ``fit(X, y).transform(X, y)`` is in-sample:
            :attr:`estimator_` has seen those examples, so the scores are
            over-confident and miss annotation errors it memorised. Use
            ``fit_transform`` or :attr:`label_quality_scores_` for the training
            data.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...)
            New input, passed to :attr:`estimator_` untouched.
        labels : array-like, sparse matrix or list of lists
            The given annotations of ``X`` in any form ``fit`` accepts, over the
            classes of :attr:`classes_`. Required: without labels there is nothing
            to score, and a ValueError says so. Named ``labels`` (not ``y``) so that
            metadata routing can pass it through a ``Pipeline``
            (``set_transform_request(labels=True)``).

        Returns
        -------
        scores : ndarray of shape (n_samples, 1) or (n_samples, n_classes)
            Aggregated scores as a column, or per-class scores when
            ``per_class=True``; float64.
        """
        return self._output(*self._score_new(X, labels, "transform"))

    def score_samples(self, X: Any, labels: Labels | None = None) -> np.ndarray:
        """Label quality score of each example of new data, with the refitted classifier.

        .. note::
            On the training data this is in-sample (see :meth:`transform`); use
            :attr:`label_quality_scores_` for the out-of-fold scores.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...)
            New input, passed to :attr:`estimator_` untouched.
        labels : array-like, sparse matrix or list of lists
            The given annotations of ``X``; required (a ValueError says why).

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Aggregated label quality scores, float64; lower means more likely
            mislabelled.
        """
        return self._score_new(X, labels, "score_samples")[1]

    def score(self, X: Any, y: Labels, label_issue_mask: ArrayLike | None = None) -> float:
        """How well the scores find annotation errors: an AUROC.

        A model-selection objective (higher is better), used by ``GridSearchCV``
        when ``scoring=None``. The examples are scored with :attr:`estimator_`
        (on held-out data in a search, so out of sample), and ranked from lowest
        score up; the result is the area under the ROC curve of that ranking
        against the examples known or made to be mislabelled: the probability
        that such an example scores below a correctly annotated one.

        - With ``label_issue_mask`` (True for examples known to be mislabelled;
          route it with ``set_score_request(label_issue_mask=True)``): the AUROC
          of ranking those examples first, scoring the given ``y``. A partial
          mask (NaN for examples nobody checked, such as
          :meth:`reviewed_issue_mask` after a review) counts only the checked
          examples, so that a search tunes on what a person found.
        - Without it: copies of ``y`` get synthetic errors of the kinds and in
          the amounts the fit estimated: with the shares of the single-error
          mixture (``cooccurrence_params_.error_shares``, from the training
          data), ``round(share * n_samples)`` examples lose one of their given
          tags for the share of one tag missing, and others, for the share of
          one wrong tag, gain one of their absent classes, the tag or class
          drawn uniformly (:func:`skmlq.benchmarking.single_error_noise`;
          shares adding up to less than 10% or more than 50% are scaled to
          that bound, in the same proportion, so that enough examples are
          corrupted and enough are left clean);
          ``SYNTHETIC_DRAWS`` = 3 draws seeded by ``random_state`` (0 when
          None), and the result is the mean over the draws of the AUROC of
          ranking the corrupted examples first. The shares do not
          depend on ``method`` or the aggregator, so every candidate of a
          search over them is judged on the same errors.

        Errors of one fixed kind (one random class toggled per example) favour
        whatever finds that kind of error, which misleads when the real errors
        are mostly forgotten tags, or mostly spurious ones; what matters most is
        the *kind* and balance of the injected errors, which the shares
        estimate. (Independent flips at the noise model's per-class rates, the
        previous objective, favour ``"noise_posterior"`` where tags were
        forgotten.) The AUROC judges the whole ranking and does not depend on
        the share of corrupted examples; the average precision, which weighs the
        top of the ranking, chose less well on the detection benchmark (see the
        tuning guide). The mean label quality score is deliberately not used: it
        is maximised by whatever setting inflates all scores, not by one that
        finds errors.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...)
            Input, passed to :attr:`estimator_` untouched.
        y : array-like, sparse matrix or list of lists
            The given annotations of ``X`` (see :meth:`fit`).
        label_issue_mask : array-like of bool or float of shape (n_samples,), default=None
            Known mislabelled examples (True or 1) and known correct ones (False
            or 0); NaN marks examples not checked, which are left out. Needs at
            least one of each among the checked ones.

        Returns
        -------
        score : float
            AUROC in [0, 1]; a random ranking gets 0.5.
        """
        Y, pred_probs = self._new_data(X, y, "score", name="y")
        n_samples = Y.shape[0]
        if label_issue_mask is None:
            if n_samples < 2:
                raise InputValueError(
                    f"score needs at least 2 examples in X to rank corrupted against "
                    f"correct ones; got {n_samples}."
                )
            rng = check_random_state(0 if self.random_state is None else self.random_state)
            areas = []
            for _ in range(SYNTHETIC_DRAWS):
                noisy, is_issue = _inject_single_errors(
                    Y, self.cooccurrence_params_.error_shares, rng)
                scores = self._score(noisy, pred_probs)[1]
                areas.append(roc_auc_score(is_issue, -scores))
            return float(np.mean(areas))
        is_issue = np.asarray(label_issue_mask)
        checked = (~np.isnan(is_issue) if is_issue.dtype.kind == "f"
                   else np.ones(is_issue.shape, dtype=bool))
        if is_issue.shape != (n_samples,) or (
            is_issue.dtype != bool and not np.isin(is_issue[checked], (0, 1)).all()
        ):
            raise InputValueError(
                f"label_issue_mask must be a boolean array of shape ({n_samples},), "
                f"one entry per example (or floats 0, 1 and NaN for examples not "
                f"checked); got shape {is_issue.shape}, dtype {is_issue.dtype}."
            )
        is_issue = is_issue[checked].astype(bool)
        if is_issue.all() or not is_issue.any():
            raise InputValueError(
                f"label_issue_mask has {'no False' if is_issue.any() else 'no True'} "
                f"entry{' among the checked examples' if not checked.all() else ''}; "
                f"ranking mislabelled examples against correct ones needs both."
            )
        scores = self._score(Y, pred_probs)[1]
        return float(roc_auc_score(is_issue, -scores[checked]))

    def get_feature_names_out(self, input_features: ArrayLike | None = None) -> np.ndarray:
        """Names of the output columns of ``transform``.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against the input features seen in ``fit``; the output
            names do not depend on them.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``["label_quality"]``, or ``["label_quality_<class>", ...]`` following
            :attr:`classes_` when ``per_class=True``.
        """
        check_is_fitted(self, "classes_")
        if input_features is not None:
            input_features = np.asarray(input_features, dtype=object)
            n_in = getattr(self, "n_features_in_", None)
            if n_in is not None and len(input_features) != n_in:
                raise ValueError(
                    f"input_features should have length equal to number of features "
                    f"({n_in}), got {len(input_features)}"
                )
            names_in = getattr(self, "feature_names_in_", None)
            if names_in is not None and not np.array_equal(input_features, names_in):
                raise ValueError("input_features is not equal to feature_names_in_")
        if self.per_class:
            return np.asarray([f"label_quality_{c}" for c in self.classes_], dtype=object)
        return np.asarray(["label_quality"], dtype=object)
