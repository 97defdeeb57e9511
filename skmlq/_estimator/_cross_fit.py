"""Cross-fitting of the estimator: out-of-fold probabilities and the refit.

Module-level functions, so that ``joblib.Memory`` keys them by their arguments
(estimator, X, Y, folds).
"""

import time

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.parallel import Parallel, delayed

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


def _fit_predict_fold(estimator, X, Y_fit, train, test, n_classes, fold, n_folds, verbose):
    """Fit ``estimator`` on the train rows and return its (n_test, K) probabilities."""
    start = time.perf_counter()
    estimator.fit(take_rows(X, train), Y_fit[train])
    pred_probs = predict_pred_probs(estimator, take_rows(X, test), len(test), n_classes)
    if verbose > 0:
        print(
            f"[CV {fold + 1}/{n_folds}] END {type(estimator).__name__} on {len(train)} "
            f"examples; total time={time.perf_counter() - start:.1f}s"
        )
    return pred_probs


def cross_fit_pred_probs(estimator, X, Y, folds, n_jobs=None, verbose=0):
    """Out-of-fold (N, K) probabilities: each fold's rows predicted by a clone fitted on the rest.

    Module-level so that ``joblib.Memory`` keys it by (estimator, X, Y, folds).
    """
    n_samples, n_classes = Y.shape
    Y_fit = Y[:, 0] if n_classes == 1 else Y
    parts = Parallel(n_jobs=n_jobs, verbose=verbose)(
        delayed(_fit_predict_fold)(
            clone(estimator), X, Y_fit, train, test, n_classes, fold, len(folds), verbose
        )
        for fold, (train, test) in enumerate(folds)
    )
    pred_probs = np.empty((n_samples, n_classes), dtype=np.float64)
    for (_, test), part in zip(folds, parts):
        pred_probs[test] = part
    return pred_probs


def fit_full(estimator, X, Y, verbose=0):
    """A clone of ``estimator`` fitted on all rows (module-level for ``joblib.Memory``)."""
    start = time.perf_counter()
    estimator = clone(estimator).fit(X, Y[:, 0] if Y.shape[1] == 1 else Y)
    if verbose > 0:
        print(
            f"[MultilabelLabelQuality] END refit {type(estimator).__name__} on "
            f"{Y.shape[0]} examples; total time={time.perf_counter() - start:.1f}s"
        )
    return estimator
