"""Cross-fitting of the estimator: out-of-fold probabilities and the refit.

Module-level functions, so that ``joblib.Memory`` keys them by their arguments
(estimator, X, Y, folds).
"""

import sys
import time

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.parallel import Parallel, delayed

from ..utils._errors import InputValueError
from ._progress import FitProgress, _one_vs_rest_path, count_class_fits, fit_plan
from ._proba import predict_pred_probs

__all__ = ["cross_fit_pred_probs", "default_estimator", "fit_full", "take_rows"]


def default_estimator():
    """The classifier of ``MultilabelLabelQuality(estimator=None)`` and ``skmlq audit``."""
    return OneVsRestClassifier(LogisticRegression(max_iter=1000))


def take_rows(X, indices):
    """Rows ``indices`` of X, keeping its type (array, sparse, DataFrame, list)."""
    if hasattr(X, "iloc"):
        return X.iloc[indices]
    if isinstance(X, (list, tuple)):
        return [X[i] for i in indices]
    if sp.issparse(X) or isinstance(X, np.ndarray):
        return X[indices]
    return np.asarray(X)[indices]


def fit_multilabel(estimator, X, y):
    """``estimator.fit(X, y)``; a classifier that takes one label per example only,
    given the (n, K) indicator, gets its error with the way to wrap it.

    The classifier gets ``y`` as int64, whatever the compact dtype the estimator
    keeps its labels in (``_targets._LABEL_DTYPE``): the type scikit-learn's own
    encoders give, so that a model's ``classes_`` and predictions, and any
    arithmetic it does on ``y``, are those of an ordinary integer indicator.
    """
    y = np.asarray(y).astype(np.int64, copy=False)
    try:
        return estimator.fit(X, y)
    except ValueError as exc:
        if getattr(y, "ndim", 1) != 2 or "1d array" not in str(exc):
            raise
        name = type(estimator).__name__
        raise InputValueError(
            f"{name} takes one label per example, not the (n_samples, n_classes) "
            f"multi-label indicator ({' '.join(str(exc).split())}); wrap it: "
            f"OneVsRestClassifier({name}(...)) (sklearn.multiclass) fits one per class."
        ) from exc


def _fit_predict_fold(estimator, X, Y_fit, train, test, n_classes, tick_key=None):
    """Fit a clone of ``estimator`` on the train rows and return its (n_test, K)
    probabilities.

    The clone is made here, not by the caller: the fold's fitted model is then
    freed when the fold returns, where a clone passed in would stay referenced by
    the parallel call's arguments until every fold is done (one fitted model per
    fold alive at once). With ``tick_key``, a one-vs-rest classifier reports each
    binary fit to the progress of that key (in this process only; see ``_progress``).
    """
    estimator = clone(estimator)
    if tick_key is not None:
        estimator = count_class_fits(estimator, tick_key) or estimator
    fit_multilabel(estimator, take_rows(X, train), Y_fit[train])
    return predict_pred_probs(estimator, take_rows(X, test), len(test), n_classes)


def cross_fit_pred_probs(estimator, X, Y, folds, n_jobs=None, verbose=0):
    """Out-of-fold (N, K) probabilities: each fold's rows predicted by a clone fitted on the rest.

    Module-level so that ``joblib.Memory`` keys it by (estimator, X, Y, folds).
    ``verbose > 0`` shows the plan and the progress on stderr (:class:`FitProgress`):
    folds as they finish, and binary fits within a fold when they are fitted in
    this process (``n_jobs`` of 1).
    """
    n_samples, n_classes = Y.shape
    Y_fit = Y[:, 0] if n_classes == 1 else Y
    sequential = n_jobs in (None, 1)
    within = sequential and _one_vs_rest_path(estimator) is not None
    progress = FitProgress(fit_plan(len(folds), n_classes, X, estimator), len(folds),
                           n_classes, enabled=verbose > 0, per_class=within)
    key = progress.tick_key if within and verbose > 0 else None
    pred_probs = np.empty((n_samples, n_classes), dtype=np.float64)
    with progress:
        parts = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_fit_predict_fold)(estimator, X, Y_fit, train, test, n_classes, key)
            for train, test in folds
        )
        for (_, test), part in zip(folds, parts):
            pred_probs[test] = part
            progress.fold_done()
    return pred_probs


def fit_full(estimator, X, Y, verbose=0):
    """A clone of ``estimator`` fitted on all rows (module-level for ``joblib.Memory``)."""
    start = time.perf_counter()
    estimator = fit_multilabel(clone(estimator), X, Y[:, 0] if Y.shape[1] == 1 else Y)
    if verbose > 0:
        print(f"Refitted {type(estimator).__name__} on all {Y.shape[0]:,} examples in "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return estimator
