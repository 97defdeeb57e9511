"""``MultilabelLabelQuality``: label quality scores as a scikit-learn estimator.

The public class: its docstring, its parameters (``__init__``) and its tags. Its
methods come from the private mixins it is composed of, one module per job (the
list is in the docstring of ``skmlq._estimator``): ``_fit``, ``_scoring``,
``_reports`` and their shared ``_base``. The estimator cross-fits a probabilistic
multi-label classifier to get out-of-fold predicted probabilities
(``_cross_fit``), then scores the encoded annotations (``_targets``) with the one
block driver of the scoring core; it never computes a score itself.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator

from ..utils._defaults import (
    DEFAULT_ALPHA, DEFAULT_ERROR_THRESHOLD, DEFAULT_TEMPERATURE, ESTIMATOR_AGGREGATOR,
    ESTIMATOR_METHOD,
)
from ..utils._docstrings import fill_doc, forest_data_doc
from ._base import _LabelQualityBase, input_tags_of
from ._fit import _FitMixin
from ._reports import _ReportsMixin
from ._review import _ReviewMixin
# SYNTHETIC_DRAWS and _inject_single_errors are also read from here by the detection
# benchmark, which injects the errors of the objective.
from ._scoring import SYNTHETIC_DRAWS, _inject_single_errors, _ScoringMixin  # noqa: F401

__all__ = ["MultilabelLabelQuality", "SYNTHETIC_DRAWS"]


class MultilabelLabelQuality(_ReviewMixin, _ReportsMixin, _ScoringMixin, _FitMixin,
                             _LabelQualityBase, BaseEstimator):
    """Score how likely the annotations of multi-label data are correct.

    ``fit`` cross-fits a probabilistic classifier to get out-of-fold predicted
    probabilities for every example (each example is predicted by a model that
    never saw it), fits a second stage on them (each class's annotation given
    the model's probability and the example's other annotations, read through a
    per-class noise model), and scores every given annotation. By default the
    score of an example is the probability that all of its annotations are right,
    ``1 -`` :attr:`error_proba_`; low scores point at examples whose annotations
    are likely wrong: review them first. One verdict serves every report: an
    example is flagged when :attr:`error_proba_` is at least ``error_threshold``
    (by default the flagged examples are exactly the first ones of the ranking),
    and the expected number of wrong examples is the sum of :attr:`error_proba_`.

    The default (``method="noise_posterior"``, ``aggregator="product"``) finds
    annotation errors far better than cleanlab's default on the detection
    benchmark (see the Benchmarks page of the documentation).
    ``method="self_confidence", aggregator="exponential_moving_average",
    alpha=0.8`` gives cleanlab's scores back (the functional API
    :func:`skmlq.rank.get_label_quality_scores` keeps them as its default).

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
    method : {{"self_confidence", "normalized_margin", \
"confidence_weighted_entropy", "cooccurrence", "noise_posterior", \
"single_error"}}, default="noise_posterior"
        Per-class scoring method, as in :func:`skmlq.rank.get_label_quality_scores`.
        ``"noise_posterior"`` scores each annotation by ``1 -``
        :attr:`error_proba_per_class_`, the probability that it is right under
        the noise model of the second stage: strong on every kind of noise of
        the detection benchmark, and the only one whose scores are calibrated
        probabilities. ``"single_error"`` assumes at most one wrong annotation
        per example and scores the probability that the annotation is not it:
        the strongest on forgotten tags and on many classes (bibtex), weaker
        where many annotations of an example are wrong (class-conditional
        flips). ``"cooccurrence"`` scores the second stage's probabilities by
        self-confidence: strong on structured classes and wrongly added tags,
        weak on missing tags of many rare classes. The second stage is
        cross-fitted on the out-of-fold probabilities, its folds seeded by an
        int ``random_state``, else 0. ``"self_confidence"`` (cleanlab's
        default), ``"normalized_margin"`` and ``"confidence_weighted_entropy"``
        score the classifier's probabilities alone.
    adjust_pred_probs : bool, default=False
        Subtract per-class confident thresholds from the probabilities before
        scoring. Not defined for ``"confidence_weighted_entropy"``,
        ``"noise_posterior"`` and ``"single_error"``.
    aggregator : {{"exponential_moving_average", "softmin", "product"}} or callable, \
default="product"
        How the per-class scores of an example become one score. ``"product"``
        multiplies them: with ``method="noise_posterior"``, whose per-class scores
        are the probabilities that each annotation is right, it is the probability
        that all of them are, one minus :attr:`error_proba_`, so that the ranking
        and the flags agree. ``"exponential_moving_average"`` with ``alpha=0.8``
        is cleanlab's default; ``"softmin"`` (``temperature=0.1``) suits
        ``"single_error"``. A callable is called as ``aggregator(scores, axis=1)``
        on (n, K) blocks of scores and must reduce each row independently (like
        ``np.min``).
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
        A training example is flagged when :attr:`error_proba_` is at least this
        (:meth:`find_label_issues`, :meth:`audit_summary`, :meth:`audit_report`).
        A flagged example carries the annotations whose own error probability is
        at least this, or else its one annotation most likely wrong.

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
        (the sum of :attr:`error_proba_`), the most likely kind, and whether the
        noise model pins the number down (``reliable``); ``str()`` gives one line,
        without a number when it does not. Also returned by
        :meth:`estimate_errors`.
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
    reviewed_ : ndarray of bool of shape (n_samples,)
        Training examples reviewed by a person (:meth:`add_reviewed`); set by the
        first call of ``add_reviewed``.
    reviewed_labels_ : ndarray of int8 of shape (n_samples, n_classes)
        The training labels as they stand: the given ones, corrected where
        reviewed (0/1 indicator over :attr:`classes_`); set with :attr:`reviewed_`.
        One byte a cell, as the estimator keeps the labels of ``fit`` (an eighth
        of int64: 0.1 GB at 10,000 x 10,000): numpy's ``sum`` counts them in int64
        by itself, but cast them before a matrix product (``Y.astype(int).T @ Y``)
        or a sum in their own dtype, which would wrap past 127.
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
    to rank annotation errors by. A person's answers refine them batch by batch:
    :meth:`next_to_review` and :meth:`add_reviewed` (see the user guide, "Review in
    batches"). ``transform`` and ``score_samples`` score new
    data with :attr:`estimator_`; on the training data they are in-sample and
    over-confident.

    Examples
    --------
    {forest_data}
    >>> from skmlq import MultilabelLabelQuality
    >>> mlq = MultilabelLabelQuality(forest, cv=3, random_state=0)
    >>> scores = mlq.fit_transform(X, Y)  # out of fold: review the lowest first
    >>> scores.shape, mlq.pred_probs_.shape, mlq.label_quality_scores_.shape
    ((60, 1), (60, 3), (60,))
    >>> worst_first = mlq.label_quality_scores_.argsort()
    >>> import numpy as np  # the default score: all annotations right
    >>> bool(np.allclose(mlq.label_quality_scores_, 1 - mlq.error_proba_))
    True
    >>> cleanlab_default = MultilabelLabelQuality(
    ...     forest, method="self_confidence", aggregator="exponential_moving_average",
    ...     alpha=0.8, cv=3, random_state=0)
    >>> mlq.get_feature_names_out()
    array(['label_quality'], dtype=object)
    >>> new_scores = mlq.score_samples(X[:2], Y[:2])  # new data: needs its labels
    """

    def __init__(
        self,
        estimator=None,
        *,
        cv=5,
        method=ESTIMATOR_METHOD,
        adjust_pred_probs=False,
        aggregator=ESTIMATOR_AGGREGATOR,
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

    def __sklearn_tags__(self):
        tags = input_tags_of(self._base_estimator(), super().__sklearn_tags__())
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.transformer_tags.preserves_dtype = ["float64"]
        return tags


fill_doc(MultilabelLabelQuality, forest_data=forest_data_doc())
