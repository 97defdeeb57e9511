"""Propensity-scored precision@k: how well suggested *additions* recover missing tags.

With many classes, annotators miss tags far more often than they add wrong ones,
and rare tags are missed most. Precision@k rewards suggesting the popular tags
that any model gets right; the propensity-scored form (Jain, Prabhu and Varma,
"Extreme multi-label loss functions for recommendation, tagging, ranking and
other missing label applications", KDD 2016) weighs a correct suggestion of tag
``l`` by ``1 / p_l``, the inverse of the propensity that a true tag ``l`` is
annotated, so that recovering a rare tag counts for more. It is the standard
measure of extreme multi-label learning for missing labels.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

from ..utils._errors import InputTypeError, InputValueError
from ..utils._sparse import canonical_csr, csr_entries
from ..utils._validation import as_numeric_array

__all__ = ["label_propensities", "propensity_scored_precision_at_k"]


def _as_csr(value, name):
    """``value`` (dense or sparse, 2-D) as a CSR matrix with sorted indices, or a
    dense array; never modified."""
    if sp.issparse(value):
        return canonical_csr(value)
    array = as_numeric_array(value, name)
    if array.ndim != 2:
        raise InputValueError(f"{name} has shape {array.shape}; expected (n_samples, "
                              f"n_classes).")
    return array


def _indicator(value, name):
    """``value`` checked as a 0/1 indicator (dense or sparse): a CSR matrix, zeros
    dropped."""
    matrix = _as_csr(value, name)
    values = matrix.data if sp.issparse(matrix) else matrix
    if values.dtype.kind not in "biuf":
        raise InputTypeError(f"{name} has dtype {values.dtype}; expected a 0/1 indicator.")
    bad = np.flatnonzero((values != 0) & (values != 1))
    if bad.size:
        if sp.issparse(matrix):
            row = int(np.searchsorted(matrix.indptr, bad[0], side="right") - 1)
            col = int(matrix.indices[bad[0]])
        else:
            row, col = np.unravel_index(bad[0], matrix.shape)
        raise InputValueError(f"{name} has the value {values.flat[bad[0]].item()!r} at row "
                              f"{row}, column {col}; expected a 0/1 indicator.")
    if not sp.issparse(matrix):
        return sp.csr_matrix(matrix)
    if not matrix.data.all():
        # (a copy: the matrix may share its arrays with the caller's)
        matrix = matrix.copy()
        matrix.eliminate_zeros()
    return matrix


def label_propensities(labels, *, a=0.55, b=1.5):
    """The propensity that a true tag of each class is annotated, from its frequency.

    Jain et al. (KDD 2016) model the propensity of tag ``l`` from its number of
    annotations ``N_l`` among ``N`` examples as ``p_l = 1 / (1 + C (N_l + b) ** -a)``
    with ``C = (log N - 1) (b + 1) ** a``: rare tags are missed more often. ``a`` and
    ``b`` are the data set's constants; the defaults are the values they fitted for
    most of their data sets (Wikipedia's were 0.5 and 0.4, Amazon's 0.6 and 2.6).

    Parameters
    ----------
    labels : array-like or sparse matrix of shape (n_samples, n_classes)
        The given annotations as a 0/1 indicator.
    a, b : float, default=0.55, 1.5
        The model's constants (positive).

    Returns
    -------
    propensities : ndarray of shape (n_classes,)
        In (0, 1); rarer classes lower.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.benchmarking import label_propensities
    >>> labels = np.array([[1, 1, 0], [1, 0, 0], [1, 0, 0], [1, 0, 1]])
    >>> label_propensities(labels).round(3)
    array([0.8  , 0.721, 0.721])
    """
    for name, value in (("a", a), ("b", b)):
        if isinstance(value, bool) or not isinstance(value, Real) or not value > 0:
            raise InputValueError(f"{name}={value!r} is invalid; expected a positive number.")
    labels = _indicator(labels, "labels")
    n_samples = labels.shape[0]
    if n_samples < 1:
        raise InputValueError("labels has no rows; propensities need annotated examples.")
    c = (np.log(n_samples) - 1) * (b + 1) ** a
    # log N - 1 < 0 below three examples: the model does not apply, every tag is seen.
    c = max(c, 0.0)
    counts = np.bincount(labels.indices, minlength=labels.shape[1])
    return 1.0 / (1.0 + c * (counts + b) ** -a)


def _top_k_coordinates(scores, k):
    """(rows, cols) of the ``k`` highest scores of each row; ties by column.

    A sparse ``scores`` ranks its stored entries only (an unstored entry is not a
    suggestion); a dense one ranks every entry.
    """
    if sp.issparse(scores):
        rows = np.repeat(np.arange(scores.shape[0]), np.diff(scores.indptr))
        cols, values = scores.indices.astype(np.int64), scores.data
    else:
        rows, cols = np.indices(scores.shape).reshape(2, -1)
        values = scores.ravel()
    order = np.lexsort((cols, -values, rows))
    starts = np.searchsorted(rows[order], np.arange(scores.shape[0]))
    rank = np.arange(order.size) - starts[rows[order]]
    keep = order[rank < k]
    return rows[keep], cols[keep]


def propensity_scored_precision_at_k(scores, truth, propensities, *, k=5, normalize=True):
    """Propensity-scored precision@k of ranked suggestions against the true tags.

    For each example, the ``k`` classes with the highest ``scores`` are suggested; a
    suggestion of a class ``l`` that ``truth`` holds earns ``1 / propensities[l]``.
    The raw PSP@k is the mean over examples of the earnings divided by ``k``
    (with all propensities 1, precision@k); normalised, it is the earnings divided
    by the most the examples could earn (each one's ``k`` true classes of lowest
    propensity), a share in [0, 1].

    Parameters
    ----------
    scores : array-like or sparse matrix of shape (n_samples, n_classes)
        Higher means more likely a true tag. A sparse matrix suggests only its
        stored entries (top-k predictions, or the suggested additions of a report).
    truth : array-like or sparse matrix of shape (n_samples, n_classes)
        The tags to recover, as a 0/1 indicator (for missing-tag detection: the
        true tags absent from the given annotations).
    propensities : array-like of shape (n_classes,)
        In (0, 1], e.g. from :func:`label_propensities`.
    k : int, default=5
    normalize : bool, default=True

    Returns
    -------
    psp : float
        nan when normalised and ``truth`` is empty.

    Examples
    --------
    >>> import numpy as np
    >>> from skmlq.benchmarking import propensity_scored_precision_at_k
    >>> scores = np.array([[0.9, 0.5, 0.1], [0.2, 0.8, 0.7]])
    >>> truth = np.array([[0, 1, 0], [0, 0, 1]])
    >>> propensities = np.array([0.9, 0.5, 0.25])
    >>> float(propensity_scored_precision_at_k(scores, truth, propensities, k=1))
    0.0
    >>> float(propensity_scored_precision_at_k(scores, truth, propensities, k=2))
    1.0
    """
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
        raise InputValueError(f"k={k!r} is invalid; expected a positive integer.")
    if not isinstance(normalize, (bool, np.bool_)):
        raise InputTypeError(f"normalize={normalize!r} is invalid; expected True or False.")
    scores = _as_csr(scores, "scores")
    truth = _indicator(truth, "truth")
    values = scores.data if sp.issparse(scores) else scores
    if values.dtype.kind not in "biuf" or not np.isfinite(values).all():
        raise InputValueError("scores must hold finite real numbers.")
    if truth.shape != scores.shape:
        raise InputValueError(f"truth has shape {truth.shape} but scores has shape "
                              f"{scores.shape}; they must describe the same examples and "
                              f"classes.")
    p = as_numeric_array(propensities, "propensities").astype(np.float64)
    if p.shape != (scores.shape[1],):
        raise InputValueError(f"propensities has shape {p.shape}; expected one value per "
                              f"class, ({scores.shape[1]},).")
    bad = np.flatnonzero(~((p > 0) & (p <= 1)))
    if bad.size:
        raise InputValueError(f"propensities[{bad[0]}] = {p[bad[0]]!r} is outside (0, 1].")
    n_samples = scores.shape[0]
    rows, cols = _top_k_coordinates(scores, k)
    hit = csr_entries(truth.indptr, truth.indices, truth.data, rows, cols)[0]
    earned = float(np.sum(np.where(hit, 1.0 / p[cols], 0.0)))
    if not normalize:
        return earned / (k * n_samples)
    ideal_scores = sp.csr_matrix((1.0 / p[truth.indices], truth.indices, truth.indptr),
                                 shape=truth.shape)
    _, best_cols = _top_k_coordinates(ideal_scores, k)
    best = float(np.sum(1.0 / p[best_cols]))
    return earned / best if best > 0 else float("nan")
