"""Reading the ``predict_proba`` output of multi-label classifiers as one (N, K) matrix.

scikit-learn's multi-label classifiers disagree on what ``predict_proba`` returns:

- an (n, K) array of P(class k applies): ``OneVsRestClassifier``,
  ``MLPClassifier``, ``ClassifierChain``;
- a list of K arrays, one per class, of shape (n, 2) (columns follow the
  sub-model's ``classes_``, normally ``[0, 1]``), or (n, 1) for a class whose
  training data held only one value: ``RandomForestClassifier``,
  ``ExtraTreesClassifier``, ``KNeighborsClassifier`` fitted on 2-D y, and
  ``MultiOutputClassifier``.

:func:`predict_pred_probs` turns either form into the (n, K) float64 matrix of
P(class applies) that the scoring core expects, and rejects anything else with a
message naming the estimator and the shape it returned.
"""

import numpy as np

from ..utils._errors import InputValueError
from ..utils._validation import check_pred_probs

__all__ = ["check_has_predict_proba", "predict_pred_probs", "pred_probs_from_output"]


def _name(estimator):
    return type(estimator).__name__


def check_has_predict_proba(estimator, name="estimator"):
    """Raise a TypeError unless ``estimator`` exposes ``predict_proba``."""
    if not hasattr(estimator, "predict_proba"):
        raise TypeError(
            f"{name}={_name(estimator)} has no predict_proba method; label quality "
            f"scores need predicted probabilities. Use a probabilistic classifier "
            f"(e.g. OneVsRestClassifier(LogisticRegression()), RandomForestClassifier, "
            f"or SVC(probability=True)), or wrap a scorer-only model in "
            f"CalibratedClassifierCV."
        )


def _describe(output):
    if isinstance(output, (list, tuple)):
        shapes = [np.shape(part) for part in output[:3]]
        more = ", ..." if len(output) > 3 else ""
        return f"a list of {len(output)} arrays of shapes {shapes}{more}"
    return f"an array of shape {np.shape(output)}"


def _positive_column(part, classes, k, estimator, n_samples):
    """P(class k applies) from the (n, c) output of the k-th sub-model."""
    part = np.asarray(part)
    if part.ndim != 2 or part.shape[0] != n_samples or part.shape[1] not in (1, 2):
        return None
    if classes is None:
        if part.shape[1] == 2:
            return part[:, 1]
        raise InputValueError(
            f"{_name(estimator)}.predict_proba returned a single column for class {k} "
            f"and the estimator has no classes_ telling which value it stands for; "
            f"cannot read it as P(class {k} applies)."
        )
    classes = np.asarray(classes)
    if classes.shape != (part.shape[1],):
        return None
    positive = np.flatnonzero(classes == 1)
    if positive.size:
        return part[:, positive[0]]
    # The class never applied in the training data: the model predicts "absent".
    return np.zeros(n_samples)


def pred_probs_from_output(output, estimator, n_samples, n_classes):
    """Convert ``estimator.predict_proba(X)`` to an (n_samples, n_classes) float64 array.

    Parameters
    ----------
    output : ndarray or list of ndarray
        What ``predict_proba`` returned.
    estimator : object
        The fitted estimator; its ``classes_`` (a list of per-class arrays for
        list outputs) says which column of each per-class array is the positive one.
    n_samples, n_classes : int
        Expected shape.

    Returns
    -------
    pred_probs : ndarray of shape (n_samples, n_classes), dtype float64
    """
    if isinstance(output, (list, tuple)):
        if len(output) == n_classes:
            classes = getattr(estimator, "classes_", None)
            if not isinstance(classes, (list, tuple)) or len(classes) != n_classes:
                classes = [None] * n_classes
            columns = [
                _positive_column(part, classes[k], k, estimator, n_samples)
                for k, part in enumerate(output)
            ]
            if all(column is not None for column in columns):
                return np.stack(columns, axis=1).astype(np.float64, copy=False)
    else:
        pred_probs = np.asarray(output)
        if pred_probs.dtype.kind in "biuf":
            if n_classes == 1:
                # A single class is fitted as a binary problem on 1-D y: its
                # classes_ say which column (if any) is P(class applies).
                column = _positive_column(
                    pred_probs, getattr(estimator, "classes_", None), 0, estimator, n_samples
                )
                if column is not None:
                    return column.astype(np.float64, copy=False)[:, None]
            elif pred_probs.shape == (n_samples, n_classes):
                return pred_probs.astype(np.float64, copy=False)
    raise InputValueError(
        f"{_name(estimator)}.predict_proba returned {_describe(output)} for "
        f"{n_samples} examples and {n_classes} classes; expected an array of shape "
        f"({n_samples}, {n_classes}) of P(class applies) (as OneVsRestClassifier, "
        f"MLPClassifier and ClassifierChain return), or a list of {n_classes} arrays "
        f"of shape ({n_samples}, 2) or ({n_samples}, 1) (as RandomForestClassifier and "
        f"MultiOutputClassifier return). Use a classifier that supports multi-label y."
    )


def predict_pred_probs(estimator, X, n_samples, n_classes):
    """``estimator.predict_proba(X)`` as an (n_samples, n_classes) float64 array."""
    pred_probs = pred_probs_from_output(estimator.predict_proba(X), estimator, n_samples,
                                        n_classes)
    # Any model may be plugged in: its probabilities are checked under its own name,
    # not as a pred_probs the user never passed.
    return check_pred_probs(pred_probs, name=f"{_name(estimator)}.predict_proba(X)")
