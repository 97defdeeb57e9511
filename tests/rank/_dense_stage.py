"""The former dense second stage, kept as the oracle of the neighbour stage.

Every class's model reads all K - 1 other labels (a K x K weight matrix with a
zero diagonal), fitted by the same batched Newton method with one (K + 2) x
(K + 2) system per class and the same one-step folds. With ``n_neighbors="all"``
the neighbour stage of ``skmlq._core._second_stage`` is this model, so both must
give the same probabilities to rounding. It costs K^3 memory: small data only.
"""

import numpy as np
import scipy.sparse as sp
from threadpoolctl import threadpool_limits

from skmlq._core._logistic import log_loss, logit_block, sigmoid_inplace
from skmlq._core._second_stage import _MAX_FIT_ROWS, _MAX_NEWTON, _TOL, _row_hash, row_folds
from skmlq.utils import _blocks
from skmlq.utils._blocks import nonzero_2d, row_blocks, run_blocks
from skmlq.utils._labels import indicator_block


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


class _FitSample:
    """The rows the stage is fitted on, in memory, in row blocks within folds.

    One pass over the data. Up to ``_MAX_FIT_ROWS`` rows all of them are kept;
    beyond, a seeded hash sample of about that many (the fit's cost and memory
    then no longer grow with N). Rows are grouped by fold and cut into blocks
    that each lie in one fold, holding what Newton's passes need and does not
    change between them: ``logit(p)``, the labels (dense, CSR and transposed) and
    the label-pair matrix of the Hessian.
    """

    def __init__(self, Y, P, n_folds, random_state):
        n_samples, n_classes = P.shape
        n_parts = np.uint64(-(-n_samples // _MAX_FIT_ROWS))
        Z, L, folds = [], [], []
        for start, stop in row_blocks(n_samples, n_classes):
            P_block = P[start:stop]
            Y_block = indicator_block(Y, start, stop)
            h = _row_hash(P_block, Y_block, random_state)
            # the quotient is independent of the fold: the sample is even over folds
            keep = (h // np.uint64(n_folds)) % n_parts == 0
            Z.append(logit_block(P_block[keep]))
            L.append(sp.csr_matrix(Y_block[keep], dtype=np.float64))
            folds.append((h[keep] % np.uint64(n_folds)).astype(np.intp))
        folds = np.concatenate(folds)
        order = np.argsort(folds, kind="stable")
        Z = np.concatenate(Z)[order]
        L = sp.vstack(L, format="csr")[order]
        bounds = np.searchsorted(folds[order], np.arange(n_folds + 1))
        self.n_rows, self.n_classes, self.n_folds = Z.shape[0], n_classes, n_folds
        self.blocks = []  # (fold, Z, L, L.T, y, pair matrix)
        # Larger than scoring blocks: the Hessian costs K^3 values per block.
        size = _blocks.BLOCK_ELEMENTS * 2
        for fold in range(n_folds):
            lo, hi = bounds[fold], bounds[fold + 1]
            for start, stop in row_blocks(hi - lo, n_classes, size):
                L_block = L[lo + start:lo + stop]
                self.blocks.append((fold, Z[lo + start:lo + stop], L_block, L_block.T.tocsr(),
                                    L_block.toarray() > 0, _pair_matrix(L_block, n_classes)))


def _data_terms(sample, theta, with_hessian, fold=None):
    """Unpenalised log-loss per class (and gradient, Hessian) of the sample's rows.

    Over the rows of ``fold`` only if given. Blocks run on the thread pool and are
    summed in block order, so the result does not depend on the threading.
    """
    n_classes = sample.n_classes
    a, b, W = theta[0], theta[1], theta[2:]

    def block_terms(index):
        _, Z, L, LT, y, pairs = sample.blocks[index]
        eta = Z * a
        eta += b
        eta += L @ W
        loss, s = log_loss(eta, y)
        if not with_hessian:
            return loss, None, None
        r = s - y
        w = s * (1 - s)
        grad = np.empty((n_classes, n_classes + 2))
        hess = np.empty((n_classes, n_classes + 2, n_classes + 2))
        grad[:, 0] = np.einsum("ij,ij->j", r, Z)
        grad[:, 1] = r.sum(axis=0)
        grad[:, 2:] = (LT @ r).T
        wz = w * Z
        hess[:, 0, 0] = np.einsum("ij,ij->j", wz, Z)
        hess[:, 0, 1] = wz.sum(axis=0)
        hess[:, 1, 1] = w.sum(axis=0)
        hess[:, 0, 2:] = (LT @ wz).T
        hess[:, 1, 2:] = (LT @ w).T
        hess[:, 1, 0] = 0  # the lower triangle of the first two columns: _penalised
        hess[:, 2:, :2] = 0
        hess[:, 2:, 2:] = (pairs @ w).reshape(n_classes, n_classes, n_classes).transpose(2, 0, 1)
        return loss, grad, hess

    indices = [i for i, block in enumerate(sample.blocks) if fold in (None, block[0])]
    total = [np.zeros(n_classes), None, None]
    if with_hessian:
        total[1:] = np.zeros((n_classes, n_classes + 2)), np.zeros(
            (n_classes, n_classes + 2, n_classes + 2))
    # as many blocks in flight as threads: each holds a Hessian
    step = max(1, min(_blocks._MAX_THREADS, _blocks._available_cores()))
    for group in range(0, len(indices), step):
        part = indices[group:group + step]
        for terms in run_blocks(lambda i, _: block_terms(i), [(i, i + 1) for i in part]):
            for acc, value in zip(total, terms):
                if acc is not None:
                    acc += value
    return tuple(total)


def _penalised(theta, inv_c, loss, grad=None, hess=None):
    """Add the L2 penalty to data terms; fix ``W_kk = 0`` in the Newton system."""
    n_classes = theta.shape[1]
    a, W = theta[0], theta[2:]
    loss = loss + 0.5 * inv_c * (a * a + (W * W).sum(axis=0))
    if grad is None:
        return loss, None, None
    grad, hess = grad.copy(), hess.copy()
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


def _newton_step(grad, hess):
    # Small batched systems: one BLAS thread is much faster than several.
    with threadpool_limits(1, user_api="blas"):
        return np.linalg.solve(hess, grad[..., None])[..., 0].T  # (K + 2, K)


def _fit_all(sample, inv_c):
    """Newton's method on all the sample's rows, with step halving per class.

    Returns the solution and the unpenalised data terms there. Each pass computes
    the loss with the gradient and Hessian, so a step costs one pass; a class
    whose loss rose halves its step (classes are independent problems).
    """
    n_classes = sample.n_classes
    theta = np.zeros((n_classes + 2, n_classes))
    theta[0] = 1.0
    n_rows = sample.n_rows
    terms = _data_terms(sample, theta, True)
    loss, grad, hess = _penalised(theta, inv_c, *terms)
    for _ in range(_MAX_NEWTON):
        step = _newton_step(grad, hess)
        terms = grad = hess = None  # free before the next pass
        t = np.ones(n_classes)
        for halving in range(7):
            trial = theta - t * step
            new_terms = _data_terms(sample, trial, True)
            new = _penalised(trial, inv_c, *new_terms)
            # (a rise within rounding is not a rise)
            worse = new[0] > loss + 1e-12 * np.abs(loss)
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
            if halving == 5:  # a class that does not improve keeps its parameters
                t = np.where(worse, 0.0, t)
        decrease = float((loss - new[0]).max())
        theta, terms, (loss, grad, hess) = trial, new_terms, new
        if decrease <= _TOL * n_rows:
            break
    return theta, terms


def fit_cooccurrence(Y, P, C=1.0, n_folds=5, random_state=0):
    """Cross-fitted second-stage parameters, shape (n_folds, K + 2, K), float64.

    ``params[f]`` are the weights fitted without the rows of fold ``f`` (see
    :func:`row_folds`): row 0 is ``a``, row 1 ``b`` and rows ``2:`` the label
    weights ``W`` (zero diagonal). One Newton fit on all rows, then per fold one
    Newton step from it on the rows outside the fold. Inputs must already be
    validated.
    """
    inv_c = 1.0 / C
    sample = _FitSample(Y, P, n_folds, random_state)
    theta, total = _fit_all(sample, inv_c)
    params = []
    for fold in range(n_folds):
        held = _data_terms(sample, theta, True, fold)
        _, grad, hess = _penalised(theta, inv_c, *(t - h for t, h in zip(total, held)))
        del held
        params.append(theta - _newton_step(grad, hess))
    return np.stack(params)


def cooccurrence_block(P_block, Y_block, params, random_state=0):
    """Second-stage probabilities ``q`` of one row block, dtype of ``P_block``.

    Each row uses the parameters of the fold it was held out of.
    """
    n_folds, n_coef, n_classes = params.shape
    folds = row_folds(P_block, Y_block, n_folds, random_state)
    eta = logit_block(P_block)
    eta *= params[folds, 0]
    eta += params[folds, 1]
    # The label term of all folds in one sparse product: row i's label j is column
    # fold_i * K + j of a widened indicator, against the folds' stacked W.
    n_rows = eta.shape[0]
    rows, labels = nonzero_2d(Y_block)
    indptr = np.zeros(n_rows + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    widened = sp.csr_matrix((np.ones(rows.size), labels + folds[rows] * n_classes, indptr),
                            shape=(n_rows, n_folds * n_classes))
    eta += widened @ params[:, 2:].reshape(n_folds * n_classes, n_classes)
    return sigmoid_inplace(eta).astype(P_block.dtype, copy=False)
