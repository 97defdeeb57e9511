"""``CleanMultilabelClassifier``: find the likely annotation errors, clean, then train.

A meta-estimator on :class:`~skmlq.MultilabelLabelQuality`: ``fit`` cross-fits the
classifier once to get out-of-fold probabilities and the error probability of
every annotation (``refit=False``: the label-quality step never fits on all the
data), cleans the annotations with them, and fits a clone of the classifier on
the cleaned data: the cross fitting plus one fit, the cost of
``MultilabelLabelQuality.fit`` itself.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, TypeVar

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, check_memory, has_fit_parameter

from ..utils._defaults import CLEANING_MODES, DEFAULT_CLEANING, DEFAULT_CLEANING_CONFIDENCE
from ..utils._docstrings import fill_doc, filled_doc, forest_data_doc
from ..utils._errors import InputTypeError, InputValueError
from ..utils._validation import check_choice, check_unit_interval
from ._base import input_tags_of
from ._cross_fit import default_estimator, take_rows
from ._estimator import MultilabelLabelQuality
from ._proba import predict_pred_probs
from ._targets import n_examples

if TYPE_CHECKING:
    from typing import Any

    from ..utils._typing import Labels

__all__ = ["CleanMultilabelClassifier", "fit_cleaned", "fit_label_quality"]

# The label-quality step's parameters default to MultilabelLabelQuality's own, read
# from its signature, so that the two estimators never disagree on them.
_LQ_DEFAULTS = {name: p.default for name, p in
                inspect.signature(MultilabelLabelQuality.__init__).parameters.items()}

_Self = TypeVar("_Self", bound="CleanMultilabelClassifier")
#: The parameter of the prediction methods, and the heading of what they return.
_X_RETURNS_DOC = """Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...)
            Input, passed to :attr:`estimator_` untouched.

        Returns
        -------"""


def fit_label_quality(label_quality, X, y, memory=None):
    """A clone of ``label_quality`` fitted on (X, y), its cross fitting cached in ``memory``.

    Module level, so that ``joblib.Memory`` keys it by the label-quality parameters
    and the data: the cleaning settings do not change this step, so a search over
    them fits it once per data split.
    """
    return clone(label_quality).set_params(memory=memory).fit(X, y)


def fit_cleaned(estimator, X, Y, sample_weight=None):
    """A clone of ``estimator`` fitted on cleaned labels (module level for ``joblib.Memory``).

    A single class is fitted as a 1-D target, as the cross fitting does.
    """
    target = Y[:, 0] if Y.shape[1] == 1 else Y
    kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    return clone(estimator).fit(X, target, **kwargs)


def _base_has(name):
    """``available_if`` check: the classifier (fitted, else the one given) has ``name``."""
    def check(self):
        base = getattr(self, "estimator_", None)
        if base is None:
            base = default_estimator() if self.estimator is None else self.estimator
        getattr(base, name)  # raises AttributeError, which hides the method
        return True
    return check


class CleanMultilabelClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Train a multi-label classifier on annotations cleaned of their likely errors.

    ``fit`` runs :class:`~skmlq.MultilabelLabelQuality` on the given annotations
    (out-of-fold probabilities and the probability that each annotation is wrong,
    :attr:`~skmlq.MultilabelLabelQuality.error_proba_per_class_`), cleans them,
    and fits a clone of ``estimator`` on the cleaned data. It costs the cross
    fitting plus one fit: what ``MultilabelLabelQuality(refit=True).fit`` costs.
    ``predict``, ``predict_proba`` and ``decision_function`` are the cleaned
    model's.

    Read more in the :ref:`User Guide <clean_train>`.

    .. versionadded:: 0.2

    Parameters
    ----------
    estimator : estimator object, default=None
        The multi-label classifier to clean for and to train, accepting a 2-D 0/1
        indicator ``y`` and offering ``predict_proba`` (any classifier
        :class:`~skmlq.MultilabelLabelQuality` accepts, e.g. a ``Pipeline``
        starting with a vectoriser on raw text). None means
        ``OneVsRestClassifier(LogisticRegression(max_iter=1000))``.
    cleaning : {{"fix", "drop", "weight"}}, default="fix"
        How the annotations are cleaned before the final fit:

        - ``"fix"``: every annotation whose error probability is at least
          ``confidence`` is flipped (a wrong tag removed, a missing tag added);
        - ``"drop"``: every example whose error probability (that at least one of
          its annotations is wrong) is at least ``confidence`` is left out;
        - ``"weight"``: every example is weighted by the probability that its
          annotations are all right (one minus its error probability), passed
          as ``sample_weight``; the classifier must accept it in ``fit``.
    confidence : float in [0, 1], "auto", or pair of them or of tuples of them, \
            default=(0.5, (0.2, "auto"))
        Error probability from which ``"fix"`` changes an annotation and
        ``"drop"`` leaves an example out; ignored by ``"weight"``. 0.5 changes an
        annotation when it is more likely wrong than right. ``"auto"`` changes as
        many as the noise model expects to be wrong, the most likely first: the
        rounded sum of the error probabilities (of the given annotations for tags
        to remove, of the absent ones for tags to add; of the examples for
        ``"drop"``). With ``"fix"``, a pair ``(to_remove, to_add)`` sets the
        given and the absent side apart, and a side may be a tuple of criteria,
        changing what any of them selects: as all of them take the most likely
        first, that is whichever selects more. The default removes a given tag
        from 0.5 and adds an absent one from 0.2, or, where that adds fewer tags
        than the noise model expects to be missing, the expected number, the most
        likely first. A forgotten tag left in the training data teaches the
        classifier to predict too few tags, while a weak model also finds true
        tags it cannot predict "wrong"; with many rare classes the probability of
        each missing tag stays low, and a threshold alone finds few of them (see
        the :ref:`User Guide <clean_train>`). With ``"drop"`` the default is read
        as 0.5.
    cv : int, cross-validation generator or iterable, default=5
        Folds of the cross fitting, as in :class:`~skmlq.MultilabelLabelQuality`.
    method : str, default as in MultilabelLabelQuality
        Scoring method of :attr:`label_quality_` (its ranking and report), as in
        :class:`~skmlq.MultilabelLabelQuality`; the cleaning reads the error
        probabilities, which every method has.
    adjust_pred_probs : bool, default=False
        As in :class:`~skmlq.MultilabelLabelQuality`.
    aggregator : str or callable, default as in MultilabelLabelQuality
        As in :class:`~skmlq.MultilabelLabelQuality`.
    alpha : float in [0, 1] or None, default as in MultilabelLabelQuality
        As in :class:`~skmlq.MultilabelLabelQuality`.
    temperature : float > 0, default as in MultilabelLabelQuality
        As in :class:`~skmlq.MultilabelLabelQuality`.
    n_jobs : int, default=None
        Folds fitted in parallel during the cross fitting.
    verbose : int, default=0
        Progress of the cross fitting on stderr, as in
        :class:`~skmlq.MultilabelLabelQuality`.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds of an integer ``cv``. Pass an int for reproducible output
        and for ``memory`` to find its cache.
    memory : str, joblib.Memory or None, default=None
        Caches the out-of-fold probabilities and the final fit. A grid search over
        ``cleaning`` and ``confidence`` then cross-fits once per data split, not
        once per candidate. Needs an int ``random_state``.

    Attributes
    ----------
    label_quality_ : MultilabelLabelQuality
        The label-quality step fitted on the given annotations (``refit=False``):
        its out-of-fold ``pred_probs_``, ``error_proba_``,
        ``error_proba_per_class_``, ``find_label_issues()``, ...
    estimator_ : estimator object
        The clone of ``estimator`` fitted on the cleaned data.
    classes_ : ndarray of shape (n_classes,)
        Class labels; the columns of ``predict`` and ``predict_proba``.
    y_cleaned_ : ndarray of shape (n_kept, n_classes)
        The 0/1 annotations ``estimator_`` was fitted on, one row per kept example.
    kept_ : ndarray of shape (n_samples,)
        Whether each training example was kept (all, except with ``"drop"``).
    sample_weight_ : ndarray of shape (n_samples,) or None
        The weights of ``"weight"``; None with the other modes.
    n_changed_ : int
        Number of annotations ``"fix"`` changed; with ``"drop"``, number of
        examples left out; with ``"weight"``, number of examples weighted below 0.5.
    n_features_in_ : int
        Number of features of ``X``; only set when ``X`` has a shape.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features of ``X``; only set when ``X`` has string column names.

    See Also
    --------
    skmlq.MultilabelLabelQuality : The label-quality step.
    skmlq.report.apply_suggestions : Apply reviewed changes to the labels.

    Notes
    -----
    Only the training data is cleaned. Inside a ``GridSearchCV`` or
    ``cross_validate`` each split's training fold is cleaned by its own fit, and
    the test fold is scored against its given annotations: never clean the whole
    data set before a search, which lets the test folds' labels (and the models
    that saw them) into the training. Scores on noisy test labels reward
    reproducing the noise; judge the cleaning on annotations you trust.

    Examples
    --------
    {forest_data}
    >>> from skmlq import CleanMultilabelClassifier
    >>> clf = CleanMultilabelClassifier(forest, cv=3, random_state=0).fit(X, Y)
    >>> clf.predict(X[:2]).shape, clf.predict_proba(X[:2]).shape
    ((2, 3), (2, 3))
    >>> clf.y_cleaned_.shape, clf.label_quality_.error_proba_.shape
    ((60, 3), (60,))
    >>> int(clf.n_changed_) >= 0
    True
    """

    def __init__(
        self,
        estimator=None,
        *,
        cleaning=DEFAULT_CLEANING,
        confidence=DEFAULT_CLEANING_CONFIDENCE,
        cv=5,
        method=_LQ_DEFAULTS["method"],
        adjust_pred_probs=_LQ_DEFAULTS["adjust_pred_probs"],
        aggregator=_LQ_DEFAULTS["aggregator"],
        alpha=_LQ_DEFAULTS["alpha"],
        temperature=_LQ_DEFAULTS["temperature"],
        n_jobs=None,
        verbose=0,
        random_state=None,
        memory=None,
    ):
        self.estimator = estimator
        self.cleaning = cleaning
        self.confidence = confidence
        self.cv = cv
        self.method = method
        self.adjust_pred_probs = adjust_pred_probs
        self.aggregator = aggregator
        self.alpha = alpha
        self.temperature = temperature
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.random_state = random_state
        self.memory = memory

    def _base_estimator(self):
        return default_estimator() if self.estimator is None else self.estimator

    def _label_quality(self):
        return MultilabelLabelQuality(
            self.estimator, cv=self.cv, method=self.method,
            adjust_pred_probs=self.adjust_pred_probs, aggregator=self.aggregator,
            alpha=self.alpha, temperature=self.temperature, n_jobs=self.n_jobs,
            verbose=self.verbose, random_state=self.random_state, refit=False,
        )

    def _check_cleaning(self):
        """Check the cleaning options before any model is fitted."""
        check_choice(self.cleaning, "cleaning", CLEANING_MODES, what="cleaning mode",
                     plural="modes")
        self._confidences()
        if self.cleaning == "weight" and not has_fit_parameter(
                self._base_estimator(), "sample_weight"):
            raise InputTypeError(
                f"cleaning='weight' needs a classifier whose fit accepts sample_weight, "
                f"but estimator={type(self._base_estimator()).__name__} does not; use "
                f"cleaning='fix' or 'drop', or a classifier such as RandomForestClassifier."
            )

    def _confidences(self):
        """``confidence`` checked, as the criteria of each side: (given, absent), each a
        tuple of thresholds and ``"auto"`` (a side changes what any of them selects)."""
        accepted = ("a number in [0, 1], 'auto', or except with cleaning='drop' a pair of "
                    "them (for given tags to remove, for absent tags to add), each side a "
                    "criterion or a tuple of them (what any of them selects)")
        pair = isinstance(self.confidence, (tuple, list))
        sides = list(self.confidence) if pair else [self.confidence] * 2
        if pair and self.cleaning == "drop" and self.confidence == DEFAULT_CLEANING_CONFIDENCE:
            sides = [sides[0]] * 2  # the default, for examples: the given side's 0.5
        elif len(sides) != 2 or (pair and self.cleaning == "drop"):
            raise InputValueError(f"confidence={self.confidence!r} is invalid; expected "
                                  f"{accepted}.")
        checked = []
        for side in sides:
            # Within a pair, a side may list several criteria (e.g. (0.2, "auto")).
            several = pair and isinstance(side, (tuple, list))
            criteria = tuple(side) if several else (side,)
            if not criteria or not all(map(self._is_criterion, criteria)):
                raise InputValueError(f"confidence={self.confidence!r} is invalid; expected "
                                      f"{accepted}.")
            checked.append(criteria)
        return checked

    @staticmethod
    def _is_criterion(value):
        if isinstance(value, str):
            return value == "auto"
        try:
            check_unit_interval(value, "confidence")
        except InputValueError:
            return False
        return True

    @staticmethod
    def _most_likely(proba, criteria):
        """Mask of ``proba`` chosen by any of ``criteria``: a threshold (at least it), or
        ``"auto"``, the most likely wrong, as many as the noise model expects (the
        rounded sum of ``proba``). Both choose the most likely first, so together they
        choose whichever of them chooses more."""
        chosen = np.zeros(proba.shape, dtype=bool)
        for confidence in criteria:
            if isinstance(confidence, str) and confidence == "auto":
                # The n_expected largest (a partition, not a sort: linear in the size).
                n_expected = min(int(round(float(proba.sum()))), proba.size)
                if n_expected:
                    chosen[np.argpartition(-proba, n_expected - 1)[:n_expected]] = True
            else:
                chosen |= proba >= confidence
        return chosen

    def _to_change(self, Y, error_proba):
        """Mask of what to clean: per side (given, absent) for annotations (``Y``), or
        the examples (``Y`` None)."""
        on_given, on_absent = self._confidences()
        if Y is None:
            return self._most_likely(error_proba, on_given)
        change = np.zeros(error_proba.shape, dtype=bool)
        for side, criteria in ((Y, on_given), (~Y, on_absent)):
            change[side] = self._most_likely(error_proba[side], criteria)
        return change

    def fit(self: _Self, X: Any, y: Labels) -> _Self:
        """Find the likely annotation errors, clean them, and fit the classifier.

        Parameters
        ----------
        X : array-like, sparse matrix, DataFrame or list of shape (n_samples, ...)
            Input of the classifier, passed to it untouched (e.g. raw texts for a
            ``Pipeline`` with a vectoriser).
        y : array-like, sparse matrix or list of lists
            The given annotations, in any form
            :meth:`MultilabelLabelQuality.fit <skmlq.MultilabelLabelQuality.fit>`
            accepts.

        Returns
        -------
        self : CleanMultilabelClassifier
            The fitted classifier.
        """
        self._check_cleaning()
        memory = check_memory(self.memory)
        fit_step = memory.cache(fit_label_quality, ignore=["memory"])
        label_quality = fit_step(self._label_quality(), X, y, memory=self.memory)
        Y = label_quality._fit_labels
        Y = np.asarray(Y.toarray() if sp.issparse(Y) else Y, dtype=bool)
        kept = np.ones(Y.shape[0], dtype=bool)
        sample_weight = None
        if self.cleaning == "fix":
            changed = self._to_change(Y, label_quality.error_proba_per_class_)
            Y_cleaned = Y ^ changed
            n_changed = int(changed.sum())
        elif self.cleaning == "drop":
            kept = ~self._to_change(None, label_quality.error_proba_)
            if not kept.any():
                raise InputValueError(
                    f"cleaning='drop' with confidence={self.confidence!r} leaves out all "
                    f"{Y.shape[0]} examples (every one is at least that likely to have a "
                    f"wrong annotation); raise confidence or use cleaning='fix'."
                )
            Y_cleaned = Y[kept]
            n_changed = int((~kept).sum())
        else:
            sample_weight = 1.0 - label_quality.error_proba_
            Y_cleaned = Y
            n_changed = int((sample_weight < 0.5).sum())
        if sp.issparse(X) and X.format not in ("csr", "csc", "lil"):
            X = X.tocsr()  # row indexing
        X_kept = X if kept.all() else take_rows(X, np.flatnonzero(kept))
        fit = memory.cache(fit_cleaned)
        self.estimator_ = fit(self._base_estimator(), X_kept, Y_cleaned.astype(np.int64),
                              sample_weight)
        self.label_quality_ = label_quality
        self.classes_ = label_quality.classes_
        for name in ("n_features_in_", "feature_names_in_"):
            self.__dict__.pop(name, None)
            if hasattr(label_quality, name):
                setattr(self, name, getattr(label_quality, name))
        self.y_cleaned_ = Y_cleaned
        self.kept_ = kept
        self.sample_weight_ = sample_weight
        self.n_changed_ = n_changed
        return self

    def _check_X(self, X):
        from sklearn.utils.validation import validate_data

        check_is_fitted(self)
        validate_data(self, X, reset=False, skip_check_array=True)
        return X

    @filled_doc(X_returns=_X_RETURNS_DOC)
    def predict(self, X: Any) -> np.ndarray:
        """Predicted 0/1 indicator of the classes of ``X``.

        {X_returns}
        y_pred : ndarray of shape (n_samples, n_classes)
            The cleaned model's predictions (columns follow :attr:`classes_`).
        """
        X = self._check_X(X)
        pred = np.asarray(self.estimator_.predict(X))
        return pred.reshape(-1, 1) if pred.ndim == 1 else pred

    @available_if(_base_has("predict_proba"))
    @filled_doc(X_returns=_X_RETURNS_DOC)
    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability that each class applies to each example of ``X``.

        {X_returns}
        pred_probs : ndarray of shape (n_samples, n_classes)
            One column per class of :attr:`classes_`, whatever form the
            classifier's own ``predict_proba`` returns (one array, or one per
            class).
        """
        X = self._check_X(X)
        if len(self.classes_) == 1:
            # One class is fitted as a binary 1-D target: its (n, 2) output holds
            # P(absent), P(given).
            proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
            if proba.ndim == 2 and proba.shape[1] == 2:
                return proba[:, 1:]
        return predict_pred_probs(self.estimator_, X, n_examples(X), len(self.classes_))

    @available_if(_base_has("decision_function"))
    @filled_doc(X_returns=_X_RETURNS_DOC)
    def decision_function(self, X: Any) -> np.ndarray:
        """The cleaned model's decision function on ``X``.

        {X_returns}
        scores : ndarray
            :attr:`estimator_`'s ``decision_function(X)``.
        """
        X = self._check_X(X)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        tags = input_tags_of(self._base_estimator(), super().__sklearn_tags__())
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = True
        return tags


fill_doc(CleanMultilabelClassifier, forest_data=forest_data_doc())
