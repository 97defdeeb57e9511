"""``MultilabelLabelQuality``: label quality scores as a scikit-learn estimator.

The estimator cross-fits a probabilistic multi-label classifier to get
out-of-fold predicted probabilities (``_cross_fit``), then scores the encoded
annotations (``_targets``) with the one block driver of the scoring core; it
never computes a score itself.
"""

from __future__ import annotations

from numbers import Integral
from typing import TYPE_CHECKING


import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, get_tags
from sklearn.utils.validation import check_is_fitted, check_memory, validate_data

from .._core._aggregation import check_aggregator_name, resolve_aggregator
from .._core._cooccurrence import second_stage_thresholds
from .._core._driver import score_blocks, scoring_thresholds
from .._core._error_proba import label_error_probabilities
from .._core._noise import single_errors
from .._core._second_stage import fit_second_stage
from ..model_selection import MultilabelStratifiedKFold
from ..utils._defaults import (
    DEFAULT_AGGREGATOR, DEFAULT_ALPHA, DEFAULT_COOCCURRENCE_C,
    DEFAULT_COOCCURRENCE_FOLDS, DEFAULT_ERROR_THRESHOLD, DEFAULT_HTML_MAX_ROWS,
    DEFAULT_METHOD, DEFAULT_TEMPERATURE, POSTERIOR_METHODS, SCORING_METHODS,
    SECOND_STAGE_METHODS,
)
from ..utils._errors import InputError, InputTypeError, InputValueError
from ..utils._validation import (
    check_bool, check_cooccurrence_options, check_pred_probs, check_scoring_options,
    check_unit_interval,
)
from ._cross_fit import cross_fit_pred_probs, default_estimator, fit_full
from ._error_estimate import ErrorEstimate
from ._proba import check_has_predict_proba, predict_pred_probs
from ._targets import check_learnable, encode_targets, n_examples

if TYPE_CHECKING:
    import os
    from typing import Any

    import pandas as pd
    from numpy.typing import ArrayLike

    from ..report import AuditSummary
    from ..utils._typing import Labels

__all__ = ["MultilabelLabelQuality", "SYNTHETIC_DRAWS"]

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


class MultilabelLabelQuality(TransformerMixin, BaseEstimator):
    """Score how likely the annotations of multi-label data are correct.

    ``fit`` cross-fits a probabilistic classifier to get out-of-fold predicted
    probabilities for every example (each example is predicted by a model that
    never saw it), then scores the given annotations with
    :func:`skmlq.rank.get_label_quality_scores_per_class` and aggregates them as
    :func:`skmlq.rank.get_label_quality_scores` does. Low scores point at
    examples whose annotations are likely wrong: review them first.

    .. note::
        ``fit(X, y).transform(X, y)`` does not equal ``fit_transform(X, y)``:
        ``fit_transform`` returns the out-of-fold scores computed by cross fitting
        during ``fit`` (the ones to use for finding annotation errors), while
        ``transform`` scores with :attr:`estimator_`, the model refitted on all the
        data, which has seen those very examples (in-sample, over-confident).

    Parameters
    ----------
    estimator : estimator object, default=None
        A classifier accepting a 2-D 0/1 indicator ``y`` and offering
        ``predict_proba``: ``OneVsRestClassifier``, ``MLPClassifier``,
        ``ClassifierChain``, ``MultiOutputClassifier``, ``RandomForestClassifier``,
        ``ExtraTreesClassifier``, ``KNeighborsClassifier`` or a ``Pipeline`` ending
        in one. It receives ``X`` untouched, so a ``Pipeline`` starting with a
        vectoriser can take raw text. None means
        ``OneVsRestClassifier(LogisticRegression(max_iter=1000))``.
    cv : int, cross-validation generator or iterable, default=5
        How ``fit`` splits the data for cross fitting. An int gives that many
        shuffled :class:`~skmlq.model_selection.MultilabelStratifiedKFold` folds
        seeded by ``random_state``; a splitter or an iterable of ``(train, test)``
        index arrays is used as given, but must put every example in exactly one
        test fold.
    method : {"self_confidence", "normalized_margin", \
"confidence_weighted_entropy", "cooccurrence", "noise_posterior", \
"single_error"}, default="self_confidence"
        Per-class scoring method, as in :func:`skmlq.rank.get_label_quality_scores`.
        ``"cooccurrence"`` also weighs each example's other annotations (a second
        stage cross-fitted on the out-of-fold probabilities, its folds seeded by an
        int ``random_state``, else 0). It is not the default: on the detection
        benchmark it is far stronger on structured classes and on wrongly added
        tags, and far weaker on missing tags of many rare classes.
        ``"noise_posterior"`` scores each annotation by ``1 -``
        :attr:`error_proba_per_class_`, the probability that it is right under
        the noise model of that stage, and recovers most of those missing tags.
        ``"single_error"`` assumes at most one wrong annotation per example and
        scores the probability that the annotation is not it: the strongest on
        average and on forgotten tags, weaker where many annotations of an
        example are wrong (see the detection benchmark on the Benchmarks page of
        the documentation).
    adjust_pred_probs : bool, default=False
        Subtract per-class confident thresholds from the probabilities before
        scoring. Not defined for ``"confidence_weighted_entropy"``.
    aggregator : {"exponential_moving_average", "softmin"} or callable, \
default="exponential_moving_average"
        How the per-class scores of an example become one score. A callable is
        called as ``aggregator(scores, axis=1)`` on (n, K) blocks of scores and must
        reduce each row independently (like ``np.min``).
    alpha : float in [0, 1] or None, default=0.8
        Forgetting factor of ``"exponential_moving_average"`` (None means
        ``2 / (K + 1)``); ignored by the other aggregators.
    temperature : float > 0, default=0.1
        Temperature of ``"softmin"``; ignored by the other aggregators.
    per_class : bool, default=False
        What ``transform`` and ``fit_transform`` return: False gives the aggregated
        score as an (n_samples, 1) column, True the (n_samples, n_classes) per-class
        scores.
    n_jobs : int, default=None
        Number of folds fitted in parallel (joblib; ``None`` means 1 unless in a
        ``joblib.parallel_backend`` context, ``-1`` all processors).
    verbose : int, default=0
        Above 0, ``fit`` shows its plan (folds x classes on the data's shape) and
        its progress on stderr: a tqdm bar when tqdm is installed, a line
        rewritten in place otherwise; per binary fit within each fold for a
        one-vs-rest classifier fitted in this process, per fold otherwise.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffled folds of an integer ``cv`` and the synthetic errors of
        :meth:`score` (which uses 0 when None, so that every candidate of a search
        is scored on the same errors). Pass an int for reproducible output and for
        ``memory`` to find its cache.
    refit : bool, default=True
        Whether ``fit`` also fits the classifier on all the data
        (:attr:`estimator_`), which ``transform``, ``score_samples`` and ``score``
        need. False saves one fit when only the out-of-fold scores are wanted.
    memory : str, joblib.Memory or None, default=None
        Caches the out-of-fold probabilities and the refit model, keyed by the data,
        the classifier's parameters and the folds. A grid search over the scoring
        parameters (``method``, ``alpha``, ...) then fits the classifier once per
        data split instead of once per candidate. Needs an int ``random_state``.
    error_threshold : float in [0, 1], default=0.5
        :meth:`find_label_issues` flags a training example when
        :attr:`error_proba_` is at least this.

    Attributes
    ----------
    pred_probs_ : ndarray of shape (n_samples, n_classes)
        Out-of-fold probability that each class applies to each example.
    label_quality_scores_ : ndarray of shape (n_samples,)
        Out-of-fold label quality score of each example, in [0, 1]; lower means
        more likely mislabelled.
    label_quality_scores_per_class_ : ndarray of shape (n_samples, n_classes)
        Out-of-fold quality score of each class annotation (given or absent).
    classes_ : ndarray of shape (n_classes,)
        Class labels; columns of every (…, n_classes) output follow this order.
        Sorted labels for a list of lists or a 1-D ``y``, the column names of a
        DataFrame indicator, ``arange(n_classes)`` for an array indicator.
    average_precision_per_class_ : ndarray of shape (n_classes,)
        Out-of-fold average precision of :attr:`pred_probs_` against the given
        labels, per class: how well the model separates the class (NaN for a class
        given on every example). ``fit`` warns (``skmlq.report.ModelQualityWarning``)
        when classes are too rare to judge or the model too weak for the flags to be
        trusted.
    roc_auc_per_class_ : ndarray of shape (n_classes,)
        The same as an area under the ROC curve.
    error_proba_ : ndarray of shape (n_samples,)
        Probability that each example has at least one wrong annotation (from
        :func:`skmlq.rank.get_label_error_probabilities` on the out-of-fold
        probabilities).
    error_proba_per_class_ : ndarray of shape (n_samples, n_classes)
        Probability that each annotation (given or absent) is wrong.
    error_estimate_ : ErrorEstimate
        The dataset estimate: expected number of examples with a wrong annotation
        (the sum of :attr:`error_proba_`) and the most likely kind; ``str()`` gives
        one line. Also returned by :meth:`estimate_errors`.
    flip_rates_ : ndarray of shape (n_classes, 2)
        Estimated per-class noise: column 0 (absent side) the probability that a
        class that does not apply is annotated, column 1 (given side) that one
        that applies is left out. Every row is the same pair when the noise model
        found per-class rates not worth their parameters (the usual case with
        many rare classes).
    cooccurrence_params_ : CooccurrenceParams
        The co-occurrence stage fitted on the out-of-fold probabilities, with its
        noise model (``noise_model``, of which :attr:`flip_rates_` are columns 2
        and 3) and single-error shares (``error_shares``: the estimated fractions
        of clean examples, of examples that lost one tag and of examples with one
        wrong tag; :meth:`score` injects its synthetic errors with them); new
        data is scored with them.
    estimator_ : estimator object
        The classifier fitted on all the data. Only set when ``refit=True``.
    n_features_in_ : int
        Number of features of ``X``; only set when ``X`` has a shape.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features of ``X``; only set when ``X`` has string column names.

    See Also
    --------
    skmlq.rank.get_label_quality_scores : The same scores from given probabilities.
    skmlq.model_selection.MultilabelStratifiedKFold : The default splitter.
    sklearn.preprocessing.TargetEncoder : Another estimator that cross-fits in
        ``fit_transform``.

    Notes
    -----
    ``y`` may be a dense or sparse 0/1 indicator, a list of lists of class labels
    (ints or strings), or a 1-D array of class labels read as "one class per
    example": a binary 1-D ``y`` gives two columns, one per class. Every class must
    be present on some examples and absent from others.

    Out-of-fold scores (``label_quality_scores_``, ``fit_transform``) are the ones
    to rank annotation errors by. ``transform`` and ``score_samples`` score new
    data with :attr:`estimator_`; on the training data they are in-sample and
    over-confident.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skmlq import MultilabelLabelQuality
    >>> X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    >>> forest = RandomForestClassifier(n_estimators=20, random_state=0)
    >>> mlq = MultilabelLabelQuality(forest, cv=3, random_state=0)
    >>> scores = mlq.fit_transform(X, Y)  # out of fold: review the lowest first
    >>> scores.shape, mlq.pred_probs_.shape, mlq.label_quality_scores_.shape
    ((60, 1), (60, 3), (60,))
    >>> worst_first = mlq.label_quality_scores_.argsort()
    >>> mlq.get_feature_names_out()
    array(['label_quality'], dtype=object)
    >>> new_scores = mlq.score_samples(X[:2], Y[:2])  # new data: needs its labels
    """

    def __init__(
        self,
        estimator=None,
        *,
        cv=5,
        method=DEFAULT_METHOD,
        adjust_pred_probs=False,
        aggregator=DEFAULT_AGGREGATOR,
        alpha=DEFAULT_ALPHA,
        temperature=DEFAULT_TEMPERATURE,
        per_class=False,
        n_jobs=None,
        verbose=0,
        random_state=None,
        refit=True,
        memory=None,
        error_threshold=DEFAULT_ERROR_THRESHOLD,
    ):
        self.estimator = estimator
        self.cv = cv
        self.method = method
        self.adjust_pred_probs = adjust_pred_probs
        self.aggregator = aggregator
        self.alpha = alpha
        self.temperature = temperature
        self.per_class = per_class
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.random_state = random_state
        self.refit = refit
        self.memory = memory
        self.error_threshold = error_threshold

    # ------------------------------------------------------------------ helpers

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            base_tags = get_tags(self._base_estimator())
        except AttributeError:  # a classifier without scikit-learn tags
            base_tags = None
        if base_tags is not None:
            tags.input_tags.sparse = base_tags.input_tags.sparse
            tags.input_tags.allow_nan = base_tags.input_tags.allow_nan
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags

    def _base_estimator(self):
        return default_estimator() if self.estimator is None else self.estimator

    def _aggregator_kwargs(self):
        if callable(self.aggregator):
            return {"method": self.aggregator}
        check_aggregator_name(self.aggregator, "aggregator")
        if self.aggregator == "softmin":
            return {"method": "softmin", "temperature": self.temperature}
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
            DEFAULT_COOCCURRENCE_C, DEFAULT_COOCCURRENCE_FOLDS, seed
        )

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

    def _fitted_estimator(self, caller):
        check_is_fitted(self)
        if not hasattr(self, "estimator_"):
            raise NotFittedError(
                f"{caller} needs estimator_, the classifier fitted on all the data, but "
                f"this MultilabelLabelQuality was fitted with refit=False. Refit with "
                f"refit=True, or use the out-of-fold label_quality_scores_."
            )
        return self.estimator_

    def _new_data(self, X, labels, caller, name="labels"):
        """Encoded ``labels`` and ``estimator_``'s probabilities on new data ``X``."""
        estimator = self._fitted_estimator(caller)
        validate_data(self, X, reset=False, skip_check_array=True)
        if labels is None and name == "labels":
            routing = (
                f" In a Pipeline, enable metadata routing, call "
                f"set_{caller}_request(labels=True) on this step and pass labels=... ."
                if caller in ("transform", "score_samples")
                else ""
            )
            raise InputValueError(
                f"{caller} needs the given labels of X as second argument, "
                f"{caller}(X, labels): a label quality score rates annotations, so "
                f"there is nothing to score without them.{routing}"
            )
        n_samples = n_examples(X)
        Y = encode_targets(labels, self.classes_, name=name)[0]
        if Y.shape[0] != n_samples:
            raise InputValueError(
                f"{name} has {Y.shape[0]} examples but X has {n_samples}; they must "
                f"describe the same examples."
            )
        return Y, predict_pred_probs(estimator, X, n_samples, len(self.classes_))

    def _score_new(self, X, labels, caller):
        """Scores of ``labels`` on new data ``X`` with ``estimator_``."""
        return self._score(*self._new_data(X, labels, caller))

    # -------------------------------------------------------------- public API

    def fit(self, X: Any, y: Labels) -> MultilabelLabelQuality:
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
        second_stage = fit_second_stage(Y, P, *self._second_stage_seed())
        self.label_quality_scores_per_class_, self.label_quality_scores_ = self._score(
            Y, pred_probs, aggregate, second_stage
        )
        self.cooccurrence_params_ = second_stage
        self.error_proba_, self.error_proba_per_class_ = label_error_probabilities(
            Y, P, second_stage
        )
        self.flip_rates_ = second_stage.noise_model[:, 2:4].copy()
        self.error_estimate_ = ErrorEstimate.from_probabilities(
            self.error_proba_, self.error_proba_per_class_, Y
        )
        self.pred_probs_ = pred_probs
        # The given training labels, for find_label_issues() on the training data.
        self._fit_labels = Y
        self._check_model_quality(Y, pred_probs)
        self.__dict__.pop("estimator_", None)
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

    def find_label_issues(self, X: Any = None, labels: Labels | None = None, *,
                          form: str = "long", flagged_only: bool = False,
                          worst: int | None = None, error_threshold: float | None = None,
                          **filter_kwargs: Any) -> pd.DataFrame:
        """Report which examples look mislabelled, and which labels to remove or add.

        Without ``X`` the report covers the training data and uses the out-of-fold
        results of :meth:`fit` (:attr:`pred_probs_`, :attr:`label_quality_scores_`),
        the ones to trust there. With ``X`` and ``labels`` it covers new data, scored
        with :attr:`estimator_`.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...), \
default=None
            New input, passed to :attr:`estimator_` untouched; None reports on the
            training data.
        labels : array-like, sparse matrix or list of lists, default=None
            The given annotations of ``X`` (any form :meth:`fit` accepts); required
            with ``X``, not accepted without it.
        form : {"long", "wide"}, default="long"
            ``"wide"`` gives one column per class instead of the class lists (see
            :func:`skmlq.report.label_issue_report`).
        flagged_only : bool, default=False
            Keep only the flagged examples.
        worst : int, default=None
            Keep only the ``worst`` lowest-scoring examples.
        error_threshold : float in [0, 1], default=None
            When the estimator has error probabilities (``error_proba_`` and
            ``error_proba_per_class_``), the flag threshold on them (None: the
            estimator's ``error_threshold``). Not accepted with filter options or new data.
        **filter_kwargs : dict
            Flag by confident learning instead of by error probabilities (always the
            case on new data): passed to
            :func:`skmlq.filter.find_multilabel_issues_per_class`: ``filter_by``,
            ``frac_noise``, ``num_to_remove_per_class``, ``min_examples_per_class``,
            ``confident_joint``, ``low_memory``. The ``error_proba`` column stays.

        Returns
        -------
        report : pandas.DataFrame
            One row per example, worst first (``label_quality`` ascending, ties by
            row), index ``example`` (the row): ``label_quality``, ``error_proba``
            (with error probabilities), ``flagged``, ``given``, ``to_remove``,
            ``to_add``, ``suggested`` (lists of :attr:`classes_`),
            ``to_remove_scores`` and ``to_add_scores``. See
            :func:`skmlq.report.label_issue_report`; apply it with
            :func:`skmlq.report.apply_suggestions`, review it with
            :func:`skmlq.report.write_review`.

        Examples
        --------
        >>> from sklearn.datasets import make_multilabel_classification
        >>> from sklearn.ensemble import RandomForestClassifier
        >>> from skmlq import MultilabelLabelQuality
        >>> X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
        >>> forest = RandomForestClassifier(n_estimators=20, random_state=0)
        >>> mlq = MultilabelLabelQuality(forest, cv=3, random_state=0).fit(X, Y)
        >>> report = mlq.find_label_issues()
        >>> list(report.columns[:6])
        ['label_quality', 'error_proba', 'flagged', 'given', 'to_remove', 'to_add']
        >>> report.shape
        (60, 9)
        """
        from ..filter._api import find_label_issues_both
        from ..report._build import build_report, error_flags

        check_is_fitted(self)
        error_proba = error_proba_per_class = None
        if X is None:
            if labels is not None:
                raise InputValueError(
                    "find_label_issues got labels without X; pass X=... with the labels "
                    "of new data, or neither to report on the training data."
                )
            Y, pred_probs = self._fit_labels, self.pred_probs_
            per_class, scores = self.label_quality_scores_per_class_, self.label_quality_scores_
            # Error probabilities exist once the estimator computes them.
            error_proba = getattr(self, "error_proba_", None)
            error_proba_per_class = getattr(self, "error_proba_per_class_", None)
        else:
            Y, pred_probs = self._new_data(X, labels, "find_label_issues")
            per_class, scores = self._score(Y, pred_probs)
        # Filter options ask for confident-learning flags explicitly; the error
        # probabilities, when they exist, stay in the report as evidence.
        if error_proba_per_class is not None and not filter_kwargs:
            if error_threshold is None:
                error_threshold = getattr(self, "error_threshold", 0.5)
            mask, flagged = error_flags(error_proba, error_proba_per_class, error_threshold,
                                        pred_probs.shape)
        else:
            if error_threshold is not None:
                raise InputTypeError(
                    "error_threshold sets the flags of error probabilities; it cannot be "
                    "combined with filter options (which flag by confident learning) or "
                    "used on new data, which has no error probabilities.")
            if "return_indices_ranked_by" in filter_kwargs:
                raise InputTypeError(
                    "return_indices_ranked_by is not accepted here: the report is already "
                    "sorted by label_quality.")
            mask, flagged = find_label_issues_both(Y, pred_probs, **filter_kwargs)
        return build_report(Y, scores, per_class, mask, self.classes_, flagged=flagged,
                            error_proba=error_proba, form=form, flagged_only=flagged_only,
                            worst=worst)

    def audit_summary(self) -> AuditSummary:
        """The audit in plain words: flagged examples, labels to remove and add, model quality.

        Quiet: nothing is printed; ``print(mlq.audit_summary())`` shows the
        paragraph. Uses the default report of :meth:`find_label_issues` on the
        training data and the out-of-fold model quality of :meth:`fit`.

        Returns
        -------
        summary : skmlq.report.AuditSummary
            ``n_examples``, ``n_flagged``, ``n_to_remove``, ``n_to_add``,
            ``trusted``, ``advice`` and the per-class table ``per_class``
            (snake_case columns).
        """
        from ..report._summary import AuditSummary, quality_table
        from ..utils._labels import positives_per_class

        check_is_fitted(self)
        quality = quality_table(self.classes_, positives_per_class(self._fit_labels),
                                self._fit_labels.shape[0], self.average_precision_per_class_,
                                self.roc_auc_per_class_)
        return AuditSummary(self.find_label_issues(), quality)

    def estimate_errors(self) -> ErrorEstimate:
        """How many training examples have a wrong annotation, and of which kind.

        Returns
        -------
        estimate : ErrorEstimate
            :attr:`error_estimate_`; ``print(estimate)`` gives one line such as
            "about 9% of examples, 712 of 7,395, have a wrong annotation; most
            likely kind: missing tags". The count is the sum of
            :attr:`error_proba_`: within 25% of the truth on most of the
            detection benchmark, up to 2x (and more with a weak model) off
            elsewhere; an "about", not a count (see the Benchmarks page).
        """
        check_is_fitted(self)
        return self.error_estimate_

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
          of ranking those examples first, scoring the given ``y``.
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
        label_issue_mask : array-like of bool of shape (n_samples,), default=None
            Known mislabelled examples; needs at least one True and one False.

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
        if is_issue.shape != (n_samples,) or (
            is_issue.dtype != bool and not np.isin(is_issue, (0, 1)).all()
        ):
            raise InputValueError(
                f"label_issue_mask must be a boolean array of shape ({n_samples},), "
                f"one entry per example; got shape {is_issue.shape}, dtype "
                f"{is_issue.dtype}."
            )
        is_issue = is_issue.astype(bool)
        if is_issue.all() or not is_issue.any():
            raise InputValueError(
                f"label_issue_mask has {'no False' if is_issue.any() else 'no True'} "
                "entry; ranking mislabelled examples against correct ones needs both."
            )
        scores = self._score(Y, pred_probs)[1]
        return float(roc_auc_score(is_issue, -scores))

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

    def audit_report(self, path: str | os.PathLike, X: Any = None,
                     labels: Labels | None = None, *, text: ArrayLike | None = None,
                     max_rows: int = DEFAULT_HTML_MAX_ROWS, title: str = "Label audit",
                     **report_kwargs: Any) -> str:
        """Write the audit as one self-contained HTML file, to open in any browser.

        The file holds the plain-language summary, the figures of
        :class:`~skmlq.plotting.LabelQualityHistogramDisplay` and
        :class:`~skmlq.plotting.ClassIssueRatesDisplay` (when matplotlib is
        installed), a table of the ``max_rows`` worst examples that sorts and
        filters in the browser, and the per-class table. It needs no network and
        makes no request; every string from the data is escaped, so a label or a
        text containing markup shows as text.

        Parameters
        ----------
        path : str or path-like
            Where to write the file (overwritten; written atomically).
        X : array-like, sparse matrix, DataFrame or list, default=None
            New input; None reports on the training data (out of fold), as
            :meth:`find_label_issues` does.
        labels : array-like, sparse matrix or list of lists, default=None
            The given annotations of ``X``; required with ``X``.
        text : sequence or pandas.Series, default=None
            The text (or any description) of each example, shown in the table:
            in data order, or a Series indexed by example id.
        max_rows : int, default=1000
            Rows of the worst-examples table (the report states the limit).
        title : str, default="Label audit"
            Title of the page.
        **report_kwargs : dict
            Passed to :meth:`find_label_issues`.

        Returns
        -------
        path : str
            The path written.

        See Also
        --------
        skmlq.plotting.write_html_report : The writer, from a report and a summary.

        Examples
        --------
        >>> from sklearn.datasets import make_multilabel_classification
        >>> from sklearn.ensemble import RandomForestClassifier
        >>> from skmlq import MultilabelLabelQuality
        >>> X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
        >>> forest = RandomForestClassifier(n_estimators=20, random_state=0)
        >>> mlq = MultilabelLabelQuality(forest, cv=3, random_state=0).fit(X, Y)
        >>> import tempfile, os
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = mlq.audit_report(os.path.join(folder, "audit.html"))
        ...     page = open(path, encoding="utf-8").read()
        >>> "The 60 worst of 60 examples" in page
        True
        """
        from ..plotting._audit import write_estimator_report

        return write_estimator_report(self, path, X, labels, text=text, max_rows=max_rows,
                                      title=title, **report_kwargs)
