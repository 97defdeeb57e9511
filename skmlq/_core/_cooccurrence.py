"""Second-stage probabilities from label co-occurrence: the ``"cooccurrence"`` method.

A model's probability ``p_ik`` sees the features of example i but not its other
annotations, yet annotations are structured (tags co-occur, some exclude each
other): an annotation that fits the model but not the rest of the example's label
set is suspicious too. The second stage is, for every class k, a logistic
regression of the given ``y_ik`` on ``logit(p_ik)`` and the example's other given
labels::

    q_ik = sigmoid(a_k logit(p_ik) + b_k + sum_{j != k} y_ij W_jk)

with an L2 penalty ``1 / (2 C)`` on ``a`` and ``W`` (scikit-learn's ``C``), fitted
for all classes at once: the problem separates into K logistic regressions with
K + 2 coefficients, solved together by a batched Newton method (one pass over row
blocks per step; one (K + 2) x (K + 2) system per class). The label-to-label
weights form one K x K matrix ``W`` with a zero diagonal (a label never explains
itself). ``q`` then replaces ``pred_probs`` in the per-class scoring methods.

Cross-fitting: a row's own annotations must not shape the weights that judge it
(in-sample, the fit partly memorises the errors; measured on bibtex with a k-NN
model, AUROC 0.88 in-sample against 0.92 cross-fitted). Rows are split into
``n_folds`` folds and the row's ``q`` uses the weights fitted without its fold.
The fold of a row is a seeded hash of the bits of its ``pred_probs`` values and
annotations (summed over classes, so class order does not matter) rather than of
its position, so any block, slice, batch or memory-mapped part of the data is scored
exactly as in one in-memory call, from the fitted ``(n_folds, K + 2, K)``
parameters of the first pass alone. Identical rows share a fold.
"""

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_expit
from threadpoolctl import threadpool_limits

from ..utils import _blocks
from ..utils._blocks import row_blocks, run_blocks
from ..utils._labels import indicator_block, positives_per_class
from ._thresholds import thresholds_from_sums

__all__ = [
    "CooccurrenceParams",
    "cooccurrence_block",
    "fit_cooccurrence",
    "fit_cooccurrence_params",
    "row_folds",
    "second_stage_block",
    "second_stage_thresholds",
]

# Probabilities are clipped to [_EPS, 1 - _EPS] before the logit: tree ensembles
# and k-NN give exact 0 and 1, whose infinite logits would dominate the fit.
_EPS = 1e-4
_MAX_NEWTON = 30
# Newton stops when no class's penalised log-loss falls by more than this per row.
_TOL = 1e-6
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def row_folds(P_block, Y_block, n_folds, random_state):
    """Fold of each row: a seeded hash of the bits of its values and annotations.

    Each (p, y) pair is mixed on its own (y in the sign bit of p, which is
    otherwise 0) and the mixes are summed over classes, so class order does not
    matter.
    """
    bits = np.ascontiguousarray(P_block, dtype=np.float64).view(np.uint64).copy()
    bits |= np.asarray(Y_block, dtype=np.uint64) << np.uint64(63)
    with np.errstate(over="ignore"):
        h = bits * _MIX[0]
        h ^= h >> np.uint64(31)
        h *= _MIX[1]
        total = h.sum(axis=1, dtype=np.uint64)
        total += np.uint64(random_state) * _MIX[2]
        total ^= total >> np.uint64(29)
        total *= _MIX[1]
        total ^= total >> np.uint64(32)
    return (total % np.uint64(n_folds)).astype(np.intp)


def _logit(P_block):
    p = np.clip(P_block, _EPS, 1 - _EPS).astype(np.float64)
    return np.log(p) - np.log1p(-p)


def _csr_block(Y, start, stop):
    if sp.issparse(Y):
        return Y[start:stop].tocsr().astype(np.float64)
    return sp.csr_matrix(indicator_block(Y, start, stop), dtype=np.float64)


def _pair_matrix(L, n_classes):
    """Sparse (K * K, n): 1 at (j * K + l, i) when row i has labels j and l.

    ``pair_matrix @ w`` gives ``sum_i w_ik y_ij y_il`` for all (j, l, k) at the
    cost of the label pairs, not of n K^3.
    """
    indptr, indices = L.indptr, L.indices
    counts = np.diff(indptr)
    squares = counts * counts
    rows = np.repeat(np.arange(len(counts)), squares)
    first = np.repeat(np.cumsum(squares) - squares, squares)
    pos = np.arange(rows.size) - first
    width = counts[rows]
    j = indices[indptr[rows] + pos // width]
    m = indices[indptr[rows] + pos % width]
    return sp.csr_matrix(
        (np.ones(rows.size), (j * n_classes + m, rows)),
        shape=(n_classes * n_classes, len(counts)),
    )


def _newton_pass(Y, P, theta, train, with_hessian, inv_c):
    """Penalised loss per class (and gradient, Hessian) over the training rows.

    ``train(P_block, Y_block)`` gives the 0/1 weight of each row of a block.
    """
    n_samples, n_classes = P.shape
    a, b, W = theta[0], theta[1], theta[2:]
    loss = np.zeros(n_classes)
    grad = np.zeros((n_classes, n_classes + 2))
    hess = np.zeros((n_classes, n_classes + 2, n_classes + 2)) if with_hessian else None
    # The Hessian's label-pair term costs K^3 values per block whatever its
    # size: fewer, larger blocks for that pass.
    block_elements = _blocks.BLOCK_ELEMENTS * (8 if with_hessian else 1)
    for start, stop in row_blocks(n_samples, n_classes, block_elements):
        P_block = P[start:stop]
        L = _csr_block(Y, start, stop)
        y = L.toarray()
        v = train(P_block, y)[:, None]
        Z = _logit(P_block)
        eta = Z * a
        eta += b
        eta += L @ W
        loss -= (log_expit(np.where(y > 0, eta, -eta)) * v).sum(axis=0)
        if not with_hessian:
            continue
        s = expit(eta)
        r = (s - y) * v
        w = s * (1 - s) * v
        grad[:, 0] += np.einsum("ij,ij->j", r, Z)
        grad[:, 1] += r.sum(axis=0)
        grad[:, 2:] += (L.T @ r).T
        wz = w * Z
        hess[:, 0, 0] += np.einsum("ij,ij->j", wz, Z)
        hess[:, 0, 1] += wz.sum(axis=0)
        hess[:, 1, 1] += w.sum(axis=0)
        hess[:, 0, 2:] += (L.T @ wz).T
        hess[:, 1, 2:] += (L.T @ w).T
        pairs = _pair_matrix(L, n_classes) @ w  # (K * K, K)
        hess[:, 2:, 2:] += pairs.reshape(n_classes, n_classes, n_classes).transpose(2, 0, 1)
    loss += 0.5 * inv_c * (a * a + (W * W).sum(axis=0))
    if not with_hessian:
        return loss, None, None
    idx = np.arange(n_classes)
    hess[:, 1, 0] = hess[:, 0, 1]
    hess[:, 2:, 0] = hess[:, 0, 2:]
    hess[:, 2:, 1] = hess[:, 1, 2:]
    grad[:, 0] += inv_c * a
    grad[:, 2:] += inv_c * W.T
    hess[:, 0, 0] += inv_c
    # A tiny ridge on the intercept keeps a class without training rows solvable.
    hess[:, 1, 1] += 1e-9
    diag = np.arange(2, n_classes + 2)
    hess[:, diag, diag] += inv_c
    # W_kk = 0: class k's own label is not a feature of class k.
    hess[idx, idx + 2, :] = 0
    hess[idx, :, idx + 2] = 0
    hess[idx, idx + 2, idx + 2] = 1
    grad[idx, idx + 2] = 0
    return loss, grad, hess


def _fit_one(Y, P, train, inv_c, n_train, theta):
    n_classes = P.shape[1]
    loss, grad, hess = _newton_pass(Y, P, theta, train, True, inv_c)
    for _ in range(_MAX_NEWTON):
        # Small batched systems: one BLAS thread is much faster than several.
        with threadpool_limits(1, user_api="blas"):
            step = np.linalg.solve(hess, grad[..., None])[..., 0]  # (K, K + 2)
        t = np.ones(n_classes)
        for _ in range(6):  # step halving, per class, until the loss does not rise
            trial = theta - t * step.T
            new_loss = _newton_pass(Y, P, trial, train, False, inv_c)[0]
            worse = new_loss > loss
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
        else:
            trial = np.where(worse, theta, trial)
            new_loss = np.where(worse, loss, new_loss)
        decrease = float((loss - new_loss).max())
        theta = trial
        if decrease <= _TOL * n_train:
            break
        loss, grad, hess = _newton_pass(Y, P, theta, train, True, inv_c)
    return theta


def fit_cooccurrence(Y, P, C=1.0, n_folds=5, random_state=0):
    """Cross-fitted second-stage parameters, shape (n_folds, K + 2, K), float64.

    ``params[f]`` is fitted on the rows outside fold ``f`` (see :func:`row_folds`):
    row 0 is ``a``, row 1 ``b`` and rows ``2:`` the label weights ``W`` (zero
    diagonal). Inputs must already be validated.
    """
    n_samples = P.shape[0]
    inv_c = 1.0 / C
    counts = np.zeros(n_folds, dtype=np.int64)
    for start, stop in row_blocks(*P.shape):
        folds = row_folds(P[start:stop], indicator_block(Y, start, stop), n_folds, random_state)
        counts += np.bincount(folds, minlength=n_folds)
    params = []
    theta = np.zeros((P.shape[1] + 2, P.shape[1]))
    theta[0] = 1.0
    for fold in range(n_folds):
        def train(P_block, Y_block, fold=fold):
            return (row_folds(P_block, Y_block, n_folds, random_state) != fold).astype(float)

        # Each fold starts from the previous fold's solution, which is close.
        theta = _fit_one(Y, P, train, inv_c, n_samples - counts[fold], theta)
        params.append(theta)
    return np.stack(params)


def cooccurrence_block(P_block, Y_block, params, random_state=0):
    """Second-stage probabilities ``q`` of one row block, dtype of ``P_block``.

    Each row uses the parameters of the fold it was held out of.
    """
    n_folds = params.shape[0]
    folds = row_folds(P_block, Y_block, n_folds, random_state)
    eta = _logit(P_block)
    # Per row, the coefficients of its fold: a and b gathered, the label term as a
    # sparse product (labels are sparse; a dense (n, K) @ (K, K) per fold is not).
    eta *= params[folds, 0]
    eta += params[folds, 1]
    L = sp.csr_matrix(Y_block)
    rows = np.repeat(np.arange(L.shape[0]), np.diff(L.indptr))
    # sum over the row's labels j of W_fold[j, :]
    flat = folds[rows] * params.shape[1] + 2 + L.indices
    W_rows = params.reshape(-1, params.shape[2])[flat]
    if rows.size:
        _scatter_add(eta, rows, W_rows)
    return expit(eta).astype(P_block.dtype, copy=False)


def _scatter_add(eta, rows, values):
    """``eta[rows] += values`` with repeated rows summed (rows are sorted)."""
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    eta[rows[starts]] += np.add.reduceat(values, starts, axis=0)


class CooccurrenceParams:
    """Fitted parameters of the co-occurrence stage (see :func:`get_cooccurrence_params`).

    Attributes
    ----------
    coef : ndarray of shape (n_folds, n_classes + 2, n_classes)
        Per fold: row 0 the weight of ``logit(p)``, row 1 the intercept, rows
        ``2:`` the label-to-label weights (zero diagonal), one column per class.
    random_state : int
        Seed of the fold hash; scoring uses it to give each row its fold.
    C : float
        Inverse L2 penalty the coefficients were fitted with.
    """

    __slots__ = ("coef", "random_state", "C")

    def __init__(self, coef, random_state, C):
        coef = np.array(coef, dtype=np.float64)
        coef.setflags(write=False)
        self.coef = coef
        self.random_state = int(random_state)
        self.C = float(C)

    @property
    def n_folds(self):
        return self.coef.shape[0]

    def __getstate__(self):
        return {name: getattr(self, name) for name in self.__slots__}

    def __setstate__(self, state):
        self.__init__(state["coef"], state["random_state"], state["C"])

    def __repr__(self):
        return (
            f"CooccurrenceParams(n_folds={self.n_folds}, n_classes={self.coef.shape[2]}, "
            f"random_state={self.random_state}, C={self.C:g})"
        )


def fit_cooccurrence_params(Y, P, C, n_folds, random_state):
    """:class:`CooccurrenceParams` fitted on validated ``(Y, P)`` and options."""
    return CooccurrenceParams(fit_cooccurrence(Y, P, C, n_folds, random_state), random_state, C)


def second_stage_block(P_block, Y_block, params):
    """``q`` of one block from a :class:`CooccurrenceParams`."""
    return cooccurrence_block(P_block, Y_block, params.coef, params.random_state)


def second_stage_thresholds(Y, P, params):
    """Confident thresholds ``[t0, t1]`` of the second-stage probabilities ``q``.

    Computed in one pass over row blocks, like those of ``pred_probs``.
    """
    n_samples, n_classes = P.shape

    def block_sums(start, stop):
        Y_block = indicator_block(Y, start, stop)
        Q = second_stage_block(P[start:stop], Y_block, params)
        return (np.multiply(Q, Y_block).sum(axis=0, dtype=np.float64),
                Q.sum(axis=0, dtype=np.float64))

    sum_pos = np.zeros(n_classes)
    sum_all = np.zeros(n_classes)
    for block_pos, block_all in run_blocks(block_sums, row_blocks(n_samples, n_classes)):
        sum_pos += block_pos
        sum_all += block_all
    return thresholds_from_sums(sum_pos, sum_all, positives_per_class(Y), n_samples)
