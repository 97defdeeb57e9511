"""Fitting: the parameter checks, the folds, cross fitting and the fitted attributes.

``_FitMixin`` of ``MultilabelLabelQuality`` (the other jobs are listed in the
docstring of ``skmlq._estimator``): ``fit`` checks the parameters before any
model is fitted, splits the data (``_folds``), gets out-of-fold probabilities
(``_cross_fit``), fits the second stage and the error probabilities on them,
scores the annotations out of fold (``_scoring``), checks the model's quality and
refits the classifier on all the data.
"""

from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_memory, validate_data

from .._core._aggregation import check_aggregator_name, resolve_aggregator
from .._core._second_stage import fit_second_stage, label_error_probabilities
from .._core._verdict import expected_counts
from ..model_selection import MultilabelStratifiedKFold
from ..utils._defaults import (
    DEFAULT_COOCCURRENCE_C, DEFAULT_COOCCURRENCE_FOLDS, DEFAULT_COOCCURRENCE_NEIGHBORS,
    SCORING_METHODS,
)
from ..utils._errors import InputError, InputTypeError, InputValueError
from ..utils._validation import (
    check_bool, check_cooccurrence_options, check_pred_probs, check_scoring_options,
    check_unit_interval,
)
from ._cross_fit import cross_fit_pred_probs, fit_full
from ._error_estimate import ErrorEstimate
from ._proba import check_has_predict_proba
from ._targets import check_learnable, encode_targets, n_examples

if TYPE_CHECKING:
    from typing import Any

    from ..utils._typing import Labels

__all__ = ["_FitMixin"]

_Self = TypeVar("_Self", bound="_FitMixin")


class _FitMixin:
    """``fit`` and what it needs: parameter checks, folds, model quality."""

    def _aggregator_kwargs(self):
        if callable(self.aggregator):
            return {"method": self.aggregator}
        check_aggregator_name(self.aggregator, "aggregator")
        if self.aggregator == "softmin":
            return {"method": "softmin", "temperature": self.temperature}
        if self.aggregator == "product":
            return {"method": "product"}
        return {"method": "exponential_moving_average", "alpha": self.alpha}

    def _check_params(self):
        """Validate the scoring parameters before any model is fitted (fail fast,
        before minutes of cross fitting); return the aggregator."""
        aggregate = resolve_aggregator(self._aggregator_kwargs())
        check_scoring_options(self.method, self.adjust_pred_probs, methods=SCORING_METHODS)
        check_bool(self.refit, "refit")
        check_bool(self.per_class, "per_class")
        if self.n_jobs is not None and (
            isinstance(self.n_jobs, (bool, np.bool_)) or not isinstance(self.n_jobs, Integral)
            or self.n_jobs == 0 or abs(self.n_jobs) >= 2**31
        ):
            raise InputValueError(
                f"n_jobs={self.n_jobs!r} is invalid; expected None or a nonzero integer "
                f"(-1 means all cores)."
            )
        if not isinstance(self.verbose, (bool, np.bool_, Integral)) or self.verbose < 0:
            raise InputValueError(
                f"verbose={self.verbose!r} is invalid; expected an integer >= 0 or a bool."
            )
        try:
            check_random_state(self.random_state)
        except ValueError:
            raise InputValueError(
                f"random_state={self.random_state!r} is invalid; expected None, an integer "
                f"in [0, 2**32 - 1] or a numpy RandomState."
            ) from None
        check_unit_interval(self.error_threshold, "error_threshold")
        return aggregate

    def _second_stage_seed(self):
        seed = self.random_state if isinstance(self.random_state, Integral) else None
        return check_cooccurrence_options(
            DEFAULT_COOCCURRENCE_C, DEFAULT_COOCCURRENCE_FOLDS, seed,
            DEFAULT_COOCCURRENCE_NEIGHBORS,
        )

    def _folds(self, X, Y):
        n_samples = Y.shape[0]
        cv = 5 if self.cv is None else self.cv
        if isinstance(cv, (bool, np.bool_)):
            raise InputTypeError(
                f"cv={cv!r} is invalid; expected a number of folds >= 2, a cross-validation "
                f"splitter or an iterable of (train, test) index arrays."
            )
        splitter = None
        if isinstance(cv, Integral):
            if cv < 2:
                raise InputValueError(f"cv={cv} is invalid; cross fitting needs at least 2 folds.")
            if cv > n_samples:
                raise InputValueError(
                    f"y has {n_samples} examples, fewer than the cv={cv} folds; use "
                    f"cv <= {n_samples} or more data."
                )
            splitter = MultilabelStratifiedKFold(
                n_splits=cv, shuffle=True, random_state=self.random_state
            )
        try:
            splitter = splitter or check_cv(cv)
            folds = [(np.asarray(train), np.asarray(test))
                     for train, test in splitter.split(X, Y)]
            counts = np.bincount(
                np.concatenate([test for _, test in folds]).astype(np.intp), minlength=n_samples
            )
        except (TypeError, ValueError) as exc:
            if isinstance(exc, InputError):
                raise
            raise InputValueError(
                f"cv={cv!r} could not split the {n_samples} examples ({exc}); expected a "
                f"number of folds >= 2, a cross-validation splitter or an iterable of "
                f"(train, test) index arrays."
            ) from None
        if counts.shape[0] != n_samples or not np.all(counts == 1):
            raise InputValueError(
                f"cv={cv!r} does not put every example in exactly one test fold "
                f"(test-fold counts range from {counts.min()} to {counts.max()}); cross "
                f"fitting needs a partition such as KFold or MultilabelStratifiedKFold."
            )
        return folds

    def fit(self: _Self, X: Any, y: Labels) -> _Self:
        """Cross-fit the classifier and score the annotations out of fold.

        Sets :attr:`pred_probs_`, :attr:`label_quality_scores_` and
        :attr:`label_quality_scores_per_class_` from out-of-fold probabilities,
        and, with ``refit=True``, :attr:`estimator_` fitted on all the data.

        .. note::
            ``fit(X, y).transform(X, y)`` does not equal ``fit_transform(X, y)``:
            the former scores with :attr:`estimator_`, which was fitted on these
            examples (in-sample); the latter returns the out-of-fold scores.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...)
            Input of the classifier, passed to it untouched (only its length is
            checked), e.g. raw texts for a ``Pipeline`` with a vectoriser.
        y : array-like, sparse matrix or list of lists
            The given annotations: a dense or sparse 0/1 indicator of shape
            (n_samples, n_classes), a list of lists of class labels (ints or
            strings), or a 1-D array of one class label per example.

        Returns
        -------
        self : MultilabelLabelQuality
            The fitted estimator.
        """
        aggregate = self._check_params()
        Y, classes, form = encode_targets(y, name="y")
        check_learnable(Y, classes, form == "single")
        n_samples = n_examples(X)
        if n_samples != Y.shape[0]:
            raise InputValueError(
                f"X has {n_samples} examples but y has {Y.shape[0]}; they must describe "
                f"the same examples."
            )
        if sp.issparse(X) and X.format not in ("csr", "csc", "lil"):
            X = X.tocsr()  # row indexing for the folds
        self.__dict__.pop("n_features_in_", None)
        validate_data(self, X, reset=True, skip_check_array=True)
        estimator = self._base_estimator()
        check_has_predict_proba(estimator)
        folds = self._folds(X, Y)

        memory = check_memory(self.memory)
        cross_fit = memory.cache(cross_fit_pred_probs, ignore=["n_jobs", "verbose"])
        pred_probs = cross_fit(estimator, X, Y, folds, n_jobs=self.n_jobs, verbose=self.verbose)
        self.classes_ = classes
        P = check_pred_probs(pred_probs)
        # The second stage serves the second-stage methods and the error probabilities.
        second_stage = fit_second_stage(Y, P, *self._second_stage_seed(), check_count=True)
        self.label_quality_scores_per_class_, self.label_quality_scores_ = self._score(
            Y, pred_probs, aggregate, second_stage
        )
        self.cooccurrence_params_ = second_stage
        self.error_proba_, self.error_proba_per_class_ = label_error_probabilities(
            Y, P, second_stage
        )
        self.flip_rates_ = second_stage.noise_model[:, 2:4].copy()
        self.error_estimate_ = ErrorEstimate.from_stage(
            Y, P, second_stage, self.error_proba_,
            *expected_counts(self.error_proba_, self.error_proba_per_class_, Y))
        self.pred_probs_ = pred_probs
        # The given training labels, for find_label_issues() on the training data.
        self._fit_labels = Y
        self._check_model_quality(Y, pred_probs)
        self.__dict__.pop("estimator_", None)
        # A new fit starts without reviewed examples (see _review).
        for name in ("reviewed_", "reviewed_labels_", "_review"):
            self.__dict__.pop(name, None)
        if self.refit:
            refit = memory.cache(fit_full, ignore=["verbose"])
            self.estimator_ = refit(estimator, X, Y, verbose=self.verbose)
        return self

    def _check_model_quality(self, Y, pred_probs):
        """Out-of-fold model quality per class, and a warning when it is too low to trust."""
        from ..report._summary import check_model_quality, model_quality_scores

        n_given, ap, auc = model_quality_scores(Y, pred_probs)
        self.average_precision_per_class_, self.roc_auc_per_class_ = ap, auc
        check_model_quality(self.classes_, n_given, ap, auc)
