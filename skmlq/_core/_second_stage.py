"""The second stage: each class's probability given the model and the other annotations.

A model's probability ``p_ik`` sees the features of example i but not its other
annotations, yet annotations are structured (tags co-occur, some exclude each
other): an annotation that fits the model but not the rest of the example's label
set is suspicious too. The second stage is, for every class k, a logistic
regression of the given ``y_ik`` on ``logit(p_ik)``, the given labels of the m
classes most informative about k (its *neighbours* ``N(k)``) and the number of
the example's other labels outside them::

    q_ik = sigmoid(a_k logit(p_ik) + b_k + c_k s_ik + sum_{t < m} w_kt y_{i, N(k)_t})
    s_ik = #{j not in N(k), j != k : y_ij = 1}

with an L2 penalty ``1 / (2 C)`` on every weight but the intercept (scikit-learn's
``C``). ``q`` then replaces ``pred_probs`` in the per-class scoring methods; the
noise model (``_error_proba``) and the single-error mixture (``_single_error``)
are fitted on it, here, in the same first pass (:func:`fit_second_stage`).

Neighbours: the m classes of highest mutual information with k, from the 2 x 2
tables of co-occurrence counts of the fit's rows (the sparse ``Y^T Y``; of the
classes never given with k only the m most frequent can be among its best, so a
class scores its co-occurring classes and m more, never all K; ties broken by a
hash of the columns' rows, so that class order does not matter). ``m = K - 1`` ("all")
is the full model of every other label (``s`` is then 0 and ``c_k`` stays 0).

Fitting: the problem separates into K logistic regressions with m + 3
coefficients, solved together by a batched Newton method: one pass over the rows
per step gives the loss, gradient and Hessian together (the label terms through a
sparse matrix of which neighbours each example carries, so a pass costs about
``N (K + labels x m x min(labels, m))``), then one (m + 3) x (m + 3) solve per
class; a class whose loss a full step raises takes the best of several shorter
steps, all tried in one pass of the loss alone. The classes are independent
problems, and a pass covers only those still moving (its cost is theirs): a class
leaves once its Newton decrement is far within the tolerance, and every class
takes its last step in one final pass over all of them, which also gives the
folds' sums (see :func:`_newton`). It starts from the model without neighbour
weights, fitted first by passes that read no neighbours. Memory: the
``(n_folds, K, m + 3, m + 3)`` Hessians of the folds and one row block, besides the
fit's rows.

Cross-fitting: a row's own annotations must not shape the weights that judge it
(in-sample, the fit partly memorises the errors; measured on bibtex with a k-NN
model, AUROC 0.88 in-sample against 0.92 cross-fitted). Rows are split into
``n_folds`` folds and the row's ``q`` uses the weights fitted without its fold.
Those are not refitted from scratch: Newton's method runs once on all rows, and
each fold's weights are one Newton step from that solution on the rows outside
the fold (the per-fold sums of gradient and Hessian come from the fit's last
pass; the step is exact for a quadratic loss and very close here, within 0.01 of
an exact refit's probabilities on 1,500 rows, and the same detection figures to
0.001 AUROC on every benchmark).

The fold of a row is a seeded hash of the bits of its ``pred_probs`` values and
annotations (summed over classes, so class order does not matter) rather than of
its position, so any block, slice, batch or memory-mapped part of the data is scored
exactly as in one in-memory call, from the fitted ``(n_folds, K, m + 3)``
coefficients and ``(K, m)`` neighbours alone. Identical rows share a fold. Beyond
``_MAX_FIT_ROWS`` rows the same hash picks a sample of about that many to fit on
(the fit's time and memory then stop growing with N), so the sample too depends
on the rows' contents only.
"""

import copy

import numpy as np
import scipy.sparse as sp

from ..utils import _blocks
from ..utils._blocks import iter_blocks, nonzero_2d, row_blocks, run_blocks, single_blas_thread
from ..utils._labels import indicator_block, positives_per_class
from ._count import count_reason, count_reliability
from ._error_proba import (
    calibrated_logits_block, error_proba_block, example_error_proba, fit_noise_model,
    noise_histogram,
)
from ._logistic import log_loss, logit_block, sigmoid_inplace
from ._single_error import fit_error_shares
from ._thresholds import thresholds_from_sums

__all__ = [
    "CooccurrenceParams",
    "choose_neighbors",
    "count_verdict",
    "fit_second_stage",
    "fit_sample",
    "fit_stage",
    "neighbor_terms",
    "label_error_probabilities",
    "row_folds",
    "second_stage_block",
    "second_stage_logits",
    "second_stage_thresholds",
    "stage_block",
    "stage_logits",
]

_MAX_NEWTON = 30
# The stage is fitted on at most about this many rows (see _FitSample).
_MAX_FIT_ROWS = 2**15
# Newton stops when no class's step promises (its Newton decrement) a fall of its
# penalised log-loss of more than this per row. (A stop when the fall seen after a
# step was below 1e-6 per row left the coefficients about as close to the solution,
# 1e-8 on 40 rows, where 1e-6 on the promise left them 1e-6 away: small changes that
# the noise model fitted on the stage's probabilities can magnify.)
_TOL = 1e-9
# Leading coefficients of every class: logit(p), intercept, count outside the neighbours.
_HEAD = 3
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def _mix(bits):
    """The per-entry mix of the fold hash, in place on uint64 ``bits`` (a float64's
    bits, with the annotation in the sign bit)."""
    with np.errstate(over="ignore"):
        h = np.multiply(bits, _MIX[0], out=bits)
        h ^= h >> np.uint64(31)
        h *= _MIX[1]
    return h


def _finish(total, random_state):
    """The fold hash of rows from the sums of their entries' mixes (wrapping uint64)."""
    with np.errstate(over="ignore"):
        total += np.uint64(random_state) * _MIX[2]
        total ^= total >> np.uint64(29)
        total *= _MIX[1]
        total ^= total >> np.uint64(32)
    return total


def _row_hash(P_block, Y_block, random_state, given=None):
    """Seeded 64-bit hash of each row's values and annotations.

    Each (p, y) pair is mixed on its own (y in the sign bit of p, which is
    otherwise 0) and the mixes are summed over classes, so class order does not
    matter (and a sparse row's sum is that of its listed entries plus the mixes of
    the fill values of the others: ``_sparse_stage``). ``given``: the ``(rows,
    cols)`` of the block's annotations, when known.
    """
    bits = np.ascontiguousarray(P_block, dtype=np.float64).view(np.uint64).copy()
    if given is None:
        given = nonzero_2d(Y_block)
    bits[given] |= np.uint64(1 << 63)
    with np.errstate(over="ignore"):
        total = _mix(bits).sum(axis=1, dtype=np.uint64)
    return _finish(total, random_state)


def row_folds(P_block, Y_block, n_folds, random_state, given=None):
    """Fold of each row: a seeded hash of the bits of its values and annotations."""
    return (_row_hash(P_block, Y_block, random_state, given) % np.uint64(n_folds)).astype(np.intp)


def n_neighbors_used(n_neighbors, n_classes):
    """The number of neighbours of each class: ``n_neighbors`` ("all" or None for
    every other class) capped at ``n_classes - 1``."""
    if n_neighbors is None or isinstance(n_neighbors, str):
        return max(n_classes - 1, 0)
    return min(int(n_neighbors), max(n_classes - 1, 0))


def _cell(n, a, b, n_rows):
    """``n log(n N / (a b))`` of one cell of 2 x 2 tables (0 where ``n`` is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = n * np.log(n * n_rows / (a * b))
    return np.where(n > 0, value, 0.0)


def _mutual_information(n11, n_j, n_k, n_rows):
    """Mutual information (times N) of the labels j and k from their counts."""
    n10, n01 = n_j - n11, n_k - n11
    n00 = n_rows - n_j - n_k + n11
    return (_cell(n11, n_j, n_k, n_rows) + _cell(n10, n_j, n_rows - n_k, n_rows)
            + _cell(n01, n_rows - n_j, n_k, n_rows)
            + _cell(n00, n_rows - n_j, n_rows - n_k, n_rows))


def choose_neighbors(L, row_hash, n_neighbors):
    """The ``m`` neighbours of every class, shape (K, m), each row sorted.

    ``L`` is the (n, K) CSR indicator of the fit's rows and ``row_hash`` their
    hashes. For ``m < K - 1``, the classes of highest mutual information with k
    from the co-occurrence counts. Exact ties are broken by a number drawn from the
    hashes of the rows that carry each class, so that the choice does not depend on
    class order (two classes given on the same rows stay tied, and either one is
    the same feature).

    Cost O(nnz(L^T L) + K m), never K^2: only two kinds of class can be among k's
    best. Those given together with k on some row, whose counts ``L^T L`` holds
    (sparse), and those never given with it, whose mutual information with k
    depends on their own count alone and grows with it (its derivative in ``n_j``
    is ``log((N - n_j) / (N - n_j - n_k)) > 0``, at least ``1 / N``, far above the
    tiebreak): of those, the m most frequent (ties by the tiebreak) are the only
    candidates. A class never given in the fit's rows has mutual information 0
    with every class, and takes the m of highest tiebreak. The candidates' scores
    are the same numbers a dense table of all pairs would hold.
    """
    n_rows, n_classes = L.shape
    m = n_neighbors_used(n_neighbors, n_classes)
    if m == n_classes - 1:
        others = np.tile(np.arange(m, dtype=np.intp), (n_classes, 1))
        others += others >= np.arange(n_classes)[:, None]
        return others
    out = np.empty((n_classes, m), dtype=np.intp)
    if m == 0:
        return out
    L = sp.csr_matrix(L, dtype=np.float64)
    counts = np.diff(L.tocsc().indptr).astype(np.float64)
    LT = L.T.tocsr()
    # the hash of a class's rows as a number in [0, 1), a tiebreak far below any
    # difference between two distinct mutual informations
    unit = np.modf(LT @ ((row_hash >> np.uint64(11)).astype(np.float64) * 2.0**-53))[0]
    tie = 1e-12 * unit
    together = (LT @ L).tocsr()  # n11 of the pairs given together (the diagonal: n_k)
    together.sort_indices()
    # the classes in the order of their mutual information with a class they are never
    # given with: by count, then tiebreak (and by tiebreak alone, for a class never
    # given); the first m of them that k is never given with are its candidates
    by_count = np.lexsort((-tie, -counts))
    by_tie = np.argsort(-tie, kind="stable")
    rank_count = np.empty(n_classes, dtype=np.intp)
    rank_count[by_count] = np.arange(n_classes)
    rank_tie = np.empty(n_classes, dtype=np.intp)
    rank_tie[by_tie] = np.arange(n_classes)
    first = np.arange(m)
    for k in range(n_classes):
        lo, hi = together.indptr[k], together.indptr[k + 1]
        co, n11 = together.indices[lo:hi], together.data[lo:hi]
        if counts[k] > 0:  # (k is among the classes given with itself)
            taken, order = np.sort(rank_count[co]), by_count
        else:
            taken, order = rank_tie[k:k + 1], by_tie
        # the i-th rank not taken: i plus the number of taken ranks before it
        free = first + np.searchsorted(taken - np.arange(taken.size), first, side="right")
        other = co != k
        candidates = np.concatenate([co[other], order[free[free < n_classes]]])
        n11 = np.concatenate([n11[other], np.zeros(candidates.size - other.sum())])
        score = _mutual_information(n11, counts[candidates], counts[k], n_rows)
        score += tie[candidates]
        if candidates.size > m:
            candidates = candidates[np.argpartition(-score, m - 1)[:m]]
        out[k] = np.sort(candidates)
    return out


# A block's pairs of neighbours are indexed (``_FitSample._pairs``) up to this many per
# entry of its X: their index (4 bytes a pair) then costs no more memory than X.
_PAIRS_PER_ENTRY = 3


class _FitSample:
    """The rows the stage is fitted on, in memory, in row blocks within folds.

    Up to ``_MAX_FIT_ROWS`` rows all of them are kept; beyond, a seeded hash
    sample of about that many (the fit's cost and memory then no longer grow with
    N). A first pass over the data hashes the rows and keeps the sample's labels,
    from which the neighbours are chosen; a second writes the sample's
    ``logit(p)``, grouped by fold. Rows are cut into blocks that each lie in one
    fold, holding what Newton's passes need and does not change between them:
    ``logit(p)``, the labels, their count, and which neighbours each row carries
    for each class (a sparse matrix ``X`` of one row per (example, class) pair
    with any, one column per (class, neighbour)).
    """

    def __init__(self, Y, P, n_folds, random_state, n_neighbors):
        n_samples, n_classes = P.shape
        n_parts = np.uint64(-(-n_samples // _MAX_FIT_ROWS))
        blocks = row_blocks(n_samples, n_classes)
        kept, hashes, L = [], [], []
        for start, stop in blocks:
            Y_block = indicator_block(Y, start, stop)
            h = _row_hash(P[start:stop], Y_block, random_state)
            # the quotient is independent of the fold: the sample is even over folds
            keep = np.flatnonzero((h // np.uint64(n_folds)) % n_parts == 0)
            kept.append(keep)
            hashes.append(h[keep])
            L.append(sp.csr_matrix(Y_block[keep], dtype=np.float64))
        h = np.concatenate(hashes)
        folds = (h % np.uint64(n_folds)).astype(np.intp)
        order = np.argsort(folds, kind="stable")
        L = sp.vstack(L, format="csr")[order]
        self.neighbors = choose_neighbors(L, h[order], n_neighbors)
        n_rows = h.size
        position = np.empty(n_rows, dtype=np.intp)
        position[order] = np.arange(n_rows)
        Z = np.empty((n_rows, n_classes))
        first = 0
        for (start, stop), keep in zip(blocks, kept):
            if keep.size:
                Z[position[first:first + keep.size]] = logit_block(P[start:stop][keep])
            first += keep.size
        bounds = np.searchsorted(folds[order], np.arange(n_folds + 1))
        m = self.neighbors.shape[1]
        self.n_rows, self.n_classes, self.n_folds, self.m = n_rows, n_classes, n_folds, m
        columns = self.neighbors.ravel()
        self.blocks = []  # (fold, Z, y, count, active, X, pairs)
        # Larger than scoring blocks, so that the (K, m + 3, m + 3) terms of each
        # block are few against its rows.
        size = max(2 * _blocks.BLOCK_ELEMENTS, 8 * n_classes * (m + _HEAD))
        # The blocks' X hold only ones: views of one array of them (8 bytes an entry
        # of X once, not in every block: 0.4 GB on delicious), grown as needed.
        ones = np.ones(0)
        for fold in range(n_folds):
            lo, hi = bounds[fold], bounds[fold + 1]
            for start, stop in row_blocks(hi - lo, n_classes, size):
                L_block = L[lo + start:lo + stop]
                y = L_block.toarray() > 0
                count = np.diff(L_block.indptr).astype(np.float64)
                # which (class, neighbour) columns each row carries: column k m + t is
                # label N(k)_t; built transposed, so that the indices come out sorted
                carried = L_block.T.tocsr()[columns].T.tocsr()
                if ones.size < carried.nnz:
                    ones = np.ones(carried.nnz + carried.nnz // 4)
                active, X = self._carried(carried, n_classes, m, ones)
                # (X.T, a CSC view, multiplies as fast as a CSR copy would)
                self.blocks.append((fold, Z[lo + start:lo + stop], y, count, active, X,
                                    self._pairs(X, m)))

    def part(self, every):
        """The same sample with every ``every``-th of its blocks only (rows hashed into
        folds, so an even spread of them): a view, nothing copied."""
        part = copy.copy(self)
        part.blocks = self.blocks[::every]
        part.n_rows = sum(block[1].shape[0] for block in part.blocks)
        return part

    @staticmethod
    def _pairs(X, m):
        """``(counts, cells)``: per row of ``X``, the number of pairs of neighbours
        ``t < u`` it carries, and their cells ``k m^2 + t m + u`` in class k's
        neighbour block, row after row; None where the pairs outnumber
        ``_PAIRS_PER_ENTRY`` times the entries of ``X``. The Hessian's neighbour
        block is then a sum of ``w`` over these cells (several times faster than the
        sparse product ``X^T diag(w) X`` it replaces, which the other blocks
        keep), for no more memory than ``X``."""
        counts = np.diff(X.indptr).astype(np.intp)
        per_row = counts * (counts - 1) // 2
        n_pairs = int(per_row.sum())
        if m == 0 or n_pairs > _PAIRS_PER_ENTRY * X.nnz:
            return None
        cells = np.empty(n_pairs, dtype=np.int32 if X.shape[1] * m < 2**31 else np.intp)
        offsets = np.cumsum(per_row) - per_row
        indices = X.indices.astype(cells.dtype, copy=False)
        # the rows of each number of entries c together: their c (c - 1) / 2 pairs
        # t < u in the order of np.triu_indices (t, then u), in chunks of rows that
        # bound the memory
        for c in np.unique(counts[counts > 1]):
            one, other = np.triu_indices(c, 1)
            pairs = np.arange(one.size)
            rows = np.flatnonzero(counts == c)
            for first, last in row_blocks(rows.size, one.size, 2**18):
                chunk = rows[first:last]
                start = X.indptr[chunk][:, None]
                # columns k m + t and k m + u of one class: cell k m^2 + t m + u
                found = indices[start + one] * m
                found += indices[start + other] % m
                cells[offsets[chunk][:, None] + pairs] = found
        dtype = np.uint16 if m * (m - 1) // 2 < 2**16 else np.int32
        return per_row.astype(dtype), cells

    @staticmethod
    def _carried(G, n_classes, m, ones):
        """``(active, X)``: the (example, class) pairs with any neighbour given, as
        flat indices ``i K + k``, class after class (examples in order within a
        class), and the 0/1 matrix of which (class, neighbour) columns each of them
        carries (its values views of ``ones``, an array of at least as many ones
        as ``G`` has entries).

        Class after class, the Hessian's sums over ``X`` (its neighbour block, the
        label rows) write one class's cells after another instead of all classes'
        for every example: the same sums in the same order (each cell has the rows
        of one class), a third faster at 983 classes."""
        G.sort_indices()
        rows = np.repeat(np.arange(G.shape[0]), np.diff(G.indptr))
        classes = G.indices // max(m, 1)
        # (a stable sort of small integers is a radix sort)
        order = np.argsort(classes.astype(np.int16) if n_classes < 2**15 else classes,
                           kind="stable")
        indices = G.indices[order]
        flat = rows[order] * n_classes + classes[order]
        new = np.ones(flat.size, dtype=bool)
        new[1:] = flat[1:] != flat[:-1]
        starts = np.flatnonzero(new)
        indptr = np.append(starts, flat.size)
        X = sp.csr_matrix((ones[:indices.size], indices, indptr),
                          shape=(starts.size, n_classes * m))
        return flat[starts], X


def _outside(count, y, active, carried):
    """``s``: per example and class, the number of other labels outside its neighbours
    (``carried``: the number of neighbours given, of each (example, class) of
    ``active``)."""
    s = count[:, None] - y
    if active.size:
        s.ravel()[active] -= carried
    return s


def _take_runs(values, ranges, shifts=None):
    """The slices ``ranges`` of ``values``, one after another, each plus its entry of
    ``shifts`` when given (the renumbering of :func:`_restrict`)."""
    out = np.concatenate([values[r] for r in ranges])
    if shifts is not None:
        out += np.repeat(shifts, [r.stop - r.start for r in ranges]).astype(out.dtype)
    return out


def _restrict(block, columns, n_classes, m, with_neighbors):
    """A fit block's ``(Z, y, count, active, carried, X, pairs)`` with the classes
    ``columns`` (sorted) only, renumbered ``0, ..., len(columns) - 1``; ``carried``
    is the number of neighbours of each (example, class) of ``active``, and
    ``X`` and ``pairs`` are None without ``with_neighbors`` (the passes of the
    model without neighbour weights read the counts alone).

    The rows of ``X`` (and their pairs) are kept class after class, so each run
    of consecutive classes of ``columns`` is one range of them, renumbered by one
    shift: the restricted block costs a few copies of what it keeps, and holds
    nothing of the other classes.
    """
    _, Z, y, count, active, X, pairs = block
    n_columns = len(columns)
    first = np.flatnonzero(np.diff(columns, prepend=-2) != 1)
    lo = columns[first]
    hi = columns[np.append(first[1:], n_columns) - 1] + 1
    # (the classes of a run move down by the frozen classes before it)
    shift = first - lo
    bounds = np.searchsorted(active % n_classes, np.arange(n_classes + 1))
    rows = [slice(a, b) for a, b in zip(bounds[lo], bounds[hi])]
    carried = _take_runs(np.diff(X.indptr), rows)
    sub_active = _take_runs(active, rows, shift)
    # (example i, class k) of K classes -> (i, k) of the kept ones: k shifted above
    example = sub_active // n_classes
    sub_active += example * (n_columns - n_classes)
    X_sub = None
    if not with_neighbors:
        pairs = None
    elif m:
        ranges = [slice(X.indptr[r.start], X.indptr[r.stop]) for r in rows]
        indices = _take_runs(X.indices, ranges, shift * m)
        indptr = np.zeros(carried.size + 1, dtype=X.indptr.dtype)
        np.cumsum(carried, out=indptr[1:])
        # (X's values are all 1: its leading ones serve, without a new array, when
        # they are most of them; scipy copies a view of less than half)
        X_sub = sp.csr_matrix((X.data[:indices.size], indices, indptr),
                              shape=(carried.size, n_columns * m))
        if pairs is not None:
            per_row, cells = pairs
            offsets = np.zeros(per_row.size + 1, dtype=np.intp)
            np.cumsum(per_row, out=offsets[1:])
            ranges = [slice(offsets[r.start], offsets[r.stop]) for r in rows]
            pairs = (_take_runs(per_row, rows), _take_runs(cells, ranges, shift * m * m))
    # (C order, which fancy indexing of columns need not give: the flat indices
    # ``active`` address the rows' values)
    return (np.ascontiguousarray(Z[:, columns]), np.ascontiguousarray(y[:, columns]), count,
            sub_active, carried, X_sub, pairs)


def _data_terms(sample, theta, with_hessian, step=None, lengths=(), columns=None,
                pooled=False):
    """Unpenalised log-loss per fold and class (and gradient, Hessian) of the rows.

    Returns ``(loss, grad, hess)``, the sums over the rows of each fold, of shapes
    (F, K), (F, K, w) and (F, K, w, w) for ``theta`` of width w (a block lies in
    one fold): one pass gives both the fit on all rows and each fold's one-step
    refit. ``theta`` of width ``_HEAD`` is the model whose neighbour weights are
    all 0. Without ``with_hessian``, ``(loss,)``; given a ``step``, ``(losses,)``
    of shape (F, T, K) at ``theta - t step`` for each t of ``lengths``, all from
    one pass. Given ``columns`` (sorted class indices), the terms of those
    classes only, in their order (K is then ``len(columns)``; ``theta`` and
    ``step`` still have a row per class): the pass reads and computes nothing of
    the other classes (:func:`_restrict`), so that Newton's passes cost what the
    classes still moving need. With ``pooled``, the sums over all the rows (F is
    then 1): all Newton's passes but the last need no more, in a fifth of the
    memory. The Hessian's first three rows hold their upper triangle only
    (:func:`_penalised` mirrors it). Blocks run on the thread pool and are summed
    in block order, so the result does not depend on the threading.
    """
    n_classes = sample.n_classes
    width = theta.shape[1]
    m = width - _HEAD
    # (a sparse sample computes every class and keeps those asked for at the end)
    keep_columns = None
    if columns is not None and getattr(sample, "sparse", False):
        keep_columns, columns = np.asarray(columns, dtype=np.intp), None
    if columns is not None:
        columns = np.asarray(columns, dtype=np.intp)
        theta = theta[columns]
        step = None if step is None else step[columns]
        n_classes = len(columns)

    def linear(Z, s, active, X, coef):
        eta = Z * coef[:, 0]
        eta += coef[:, 1]
        eta += s * coef[:, 2]
        if m and active.size:
            eta.ravel()[active] += X @ coef[:, _HEAD:].ravel()
        return eta

    def block_terms(index):
        block = sample.blocks[index]
        if columns is None:
            _, Z, y, count, active, X, pairs = block
            carried = np.diff(X.indptr)
        else:
            Z, y, count, active, carried, X, pairs = _restrict(
                block, columns, sample.n_classes, sample.m, m > 0)
        s = _outside(count, y, active, carried)
        eta = linear(Z, s, active, X, theta)
        if step is not None:
            # the change of eta along the step is linear in t
            delta = linear(Z, s, active, X, step)
            losses = []
            for t in lengths:
                trial = np.multiply(delta, t)
                losses.append(log_loss(np.subtract(eta, trial, out=trial), y, False)[0])
            return (np.stack(losses),)
        loss, sig = log_loss(eta, y, with_hessian)
        if not with_hessian:
            return (loss,)
        # (eta is not read again, and r takes the place of sig: two fewer arrays of
        # the block per thread, the same values)
        eta = None
        w = sig * (1 - sig)
        r = np.subtract(sig, y, out=sig)
        wz, ws = w * Z, w * s
        grad = np.zeros((n_classes, width))
        # the first three rows of the Hessian; the neighbour block is summed apart
        head = np.zeros((n_classes, _HEAD, width))
        grad[:, 0] = np.einsum("ij,ij->j", r, Z)
        grad[:, 1] = r.sum(axis=0)
        grad[:, 2] = np.einsum("ij,ij->j", r, s)
        head[:, 0, 0] = np.einsum("ij,ij->j", wz, Z)
        head[:, 0, 1] = wz.sum(axis=0)
        head[:, 0, 2] = np.einsum("ij,ij->j", wz, s)
        head[:, 1, 1] = w.sum(axis=0)
        head[:, 1, 2] = ws.sum(axis=0)
        head[:, 2, 2] = np.einsum("ij,ij->j", ws, s)
        upper = None
        if m and active.size:
            upper = neighbor_terms(X, pairs, grad, head, r.ravel()[active], w.ravel()[active],
                                   wz.ravel()[active], ws.ravel()[active])
        return loss, grad, head, upper

    if getattr(sample, "sparse", False):  # the sparse sample's own entries and groups
        def block_terms(index):  # noqa: F811
            return sample.block_terms(index, theta, with_hessian, step, lengths)

    n_parts = 1 if pooled else sample.n_folds
    if step is not None:
        total = [np.zeros((n_parts, len(lengths), n_classes))]
    else:
        total = [np.zeros((n_parts, n_classes))]
        if with_hessian:
            total += [np.zeros((n_parts, n_classes, width)),
                      np.zeros((n_parts, n_classes, width, width))]
    # as many blocks in flight as threads: each holds a Hessian
    n_blocks = len(sample.blocks)
    group = max(1, min(_blocks._MAX_THREADS, _blocks._available_cores()))
    for first in range(0, n_blocks, group):
        indices = range(first, min(first + group, n_blocks))
        results = run_blocks(lambda i, _: block_terms(i), [(i, i + 1) for i in indices])
        for index, terms in zip(indices, results):
            fold = 0 if pooled else sample.blocks[index][0]
            for acc, value in zip(total, terms[:2]):
                acc[fold] += value
            if with_hessian and step is None:
                hess = total[2][fold]
                hess[:, :_HEAD] += terms[2]
                if terms[3] is not None:
                    hess[:, _HEAD:, _HEAD:] += terms[3]
        # Added, so dropped before the next group runs: held, two groups' neighbour
        # blocks would be alive at once (K m^2 each, 0.26 GB a group at 10,000 classes)
        results = terms = value = None
    if with_hessian and step is None and m:
        # The neighbour block's upper triangle, summed over the blocks, mirrored once
        # (not block by block: the sums are the same, a third of the work)
        diag = np.arange(m)
        for hess in total[2]:  # (fold by fold: the transposed copy is one fold's)
            block = hess[:, _HEAD:, _HEAD:]
            block += block.swapaxes(1, 2)
            block[:, diag, diag] = hess[:, 1, _HEAD:]
    if keep_columns is not None:
        total = [t[:, :, keep_columns] if step is not None else t[:, keep_columns]
                 for t in total]
    return tuple(total)


def neighbor_terms(X, pairs, grad, head, r, w, wz, ws):
    """The neighbour parts of one block's gradient and Hessian (written into ``grad``
    and ``head``) from the rows of ``X`` (one per (example, class) pair, columns ``k m
    + t``) and their ``r``, ``w``, ``w Z`` and ``w s``; returns the upper triangle of
    the neighbour block, (K, m, m)."""
    n_classes, width = grad.shape
    m = width - _HEAD
    # the four sums over X in one product (X's indices read once, not four times: a
    # third of the time, the same sums)
    stacked = np.empty((r.size, 4))
    for j, values in enumerate((r, wz, w, ws)):
        stacked[:, j] = values
    sums = (X.T @ stacked).reshape(n_classes, m, 4)
    grad[:, _HEAD:] = sums[:, :, 0]
    for j in range(_HEAD):
        head[:, j, _HEAD:] = sums[:, :, j + 1]
    # sum over rows of w y_{N(k)_t} y_{N(k)_u}, t < u: pairs of columns of X
    # that share a row, which are those of one class (the lower triangle is
    # mirrored and the diagonal, y^2 = y, is the intercept's row, once the
    # blocks are summed)
    if pairs is None:
        weighted = sp.csr_matrix((np.repeat(w, np.diff(X.indptr)), X.indices, X.indptr),
                                 shape=X.shape)
        product = (X.T @ weighted).tocoo()
        t, u = product.row % m, product.col % m
        keep = t < u
        upper = np.zeros(n_classes * m * m)
        upper[product.row[keep] * m + u[keep]] = product.data[keep]
    else:
        upper = np.bincount(pairs[1], weights=np.repeat(w, pairs[0]),
                            minlength=n_classes * m * m)
    return upper.reshape(n_classes, m, m)


def _penalised(theta, inv_c, loss, grad=None, hess=None, copy=True):
    """Add the L2 penalty to data terms and mirror the Hessian's first rows (in
    ``grad`` and ``hess`` themselves with ``copy=False``)."""
    width = theta.shape[1]
    a, c, W = theta[:, 0], theta[:, 2], theta[:, _HEAD:]
    loss = loss + 0.5 * inv_c * (a * a + c * c + (W * W).sum(axis=1))
    if grad is None:
        return loss, None, None
    if copy:
        grad, hess = grad.copy(), hess.copy()
    for row in range(_HEAD):
        hess[:, row + 1:, row] = hess[:, row, row + 1:]
    grad[:, 0] += inv_c * a
    grad[:, 2] += inv_c * c
    grad[:, _HEAD:] += inv_c * W
    ridge = np.full(width, inv_c)
    # A tiny ridge on the intercept keeps a class without training rows solvable.
    ridge[1] = 1e-9
    diag = np.arange(width)
    hess[:, diag, diag] += ridge
    return loss, grad, hess


def _newton_step(grad, hess):
    # Small batched systems: one BLAS thread is much faster than several.
    with single_blas_thread():
        return np.linalg.solve(hess, grad[..., None])[..., 0]  # (K, m + 3)


# The step lengths tried, in one pass, for the classes whose full step raised the loss.
_LENGTHS = 0.5 ** np.arange(7)


# With a last step to come, a class leaves Newton's passes once its decrement is this
# fraction of the tolerance, or once every class is within the tolerance: the last
# step of a class that left early then lands it as close to the solution as further
# steps would (a class that left at the tolerance itself moved the coefficients by up
# to 7e-7, against 4e-11 here, on a problem of the tests, and q by 4e-12 at a
# tolerance of 1e-12).
_FREEZE = 1e-3


def _newton(sample, theta, inv_c, tol, polish, search_first=False):
    """Newton's method from ``theta``, all classes at once; returns the solution and,
    with ``polish``, the per-fold data terms there (:func:`_data_terms`; None
    without).

    A class has converged when its Newton decrement (the fall of the loss that its
    step promises, ``g H^-1 g / 2``) is at most ``tol``, and the method when every
    class has. The classes are independent problems, so a class that has converged
    leaves the passes (those of the classes still moving cost only theirs,
    :func:`_data_terms`) and keeps its parameters and that step: with ``polish``,
    once its decrement is far within ``tol`` (``_FREEZE``), and once every class
    has converged, each takes its step, in one pass over all classes that gives the
    terms the folds' steps need (near the solution the step is as good as its
    promise, and no pass checks the loss; without it, the coefficients would be
    off by about the square root of the tolerance); without ``polish``, as soon as
    its decrement is within ``tol``, and without its step. A class steps by one
    pass (loss, gradient and Hessian together) while its full steps lower its
    loss. One whose loss a full step raised keeps its parameters and takes, of the
    lengths ``_LENGTHS``, the one of lowest loss, tried in one pass of the loss
    alone for all such classes; its next steps are searched the same way before
    the pass with the Hessian, until the search picks the full step. A class that
    no length improves keeps its parameters (it has converged). With
    ``search_first``, every class's first step is searched so.
    """
    n_classes = sample.n_classes
    # (the passes before the last need the sums over all rows only: pooled, a fifth of
    # the memory of the folds' terms, 0.74 GB at 10,000 classes)
    loss, grad, hess = _penalised(theta, inv_c, *(
        f[0] for f in _data_terms(sample, theta, True, pooled=True)))
    theta = theta.copy()
    moving = np.arange(n_classes)
    last = np.zeros_like(theta)  # the step of each converged class
    search = np.full(n_classes, search_first)
    for _ in range(_MAX_NEWTON):
        step = _newton_step(grad[moving], hess[moving])
        decrement = 0.5 * np.einsum("kj,kj->k", grad[moving], step)
        # every class within the tolerance: all take their last step; until then,
        # a class far within it leaves the passes (see _FREEZE), or any class within
        # it where no last step follows
        freeze = tol if not polish or (decrement <= tol).all() else _FREEZE * tol
        converged = decrement <= freeze
        last[moving[converged]] = step[converged]
        moving, step = moving[~converged], step[~converged]
        if not moving.size:
            break
        t = np.ones(moving.size)
        searched = search[moving]
        if searched.any():
            which = moving[searched]
            full_step = np.zeros_like(theta)
            full_step[which] = step[searched]
            losses = _data_terms(sample, theta, False, full_step, _LENGTHS, (
                None if which.size == n_classes else which), pooled=True)[0].sum(axis=0)
            for i, length in enumerate(_LENGTHS):
                losses[i] = _penalised(theta[which] - length * step[searched], inv_c,
                                       losses[i])[0]
            best = np.argmin(losses, axis=0)
            lower = losses[best, np.arange(which.size)] <= (
                loss[which] + 1e-12 * np.abs(loss[which]))
            t[searched] = np.where(lower, _LENGTHS[best], 0.0)
            # (a class that no length improves has converged: it keeps its parameters)
            stuck = t == 0
            last[moving[stuck]] = 0
            moving, step, t, searched = (moving[~stuck], step[~stuck], t[~stuck],
                                         searched[~stuck])
            search[moving] = t < 1
            if not moving.size:
                break
        trial = theta.copy()
        trial[moving] -= t[:, None] * step
        new_folds = _data_terms(sample, trial, True, columns=(
            None if moving.size == n_classes else moving), pooled=True)
        new = _penalised(trial[moving], inv_c, *(f[0] for f in new_folds))
        # a full step not searched is taken unless it raised the loss (a rise within
        # rounding is not a rise); a searched one was lower already
        keep = searched | (new[0] <= loss[moving] + 1e-12 * np.abs(loss[moving]))
        search[moving[~keep]] = True
        taken = moving[keep]
        theta[taken] = trial[taken]
        for total, value in zip((loss, grad, hess), new):
            total[taken] = value[keep]
        # (the loop's names too: the last pass runs after hess is freed)
        new_folds = new = total = value = None
    if not polish:
        return theta, None
    theta -= last
    loss = grad = hess = None  # free before the last pass
    return theta, _data_terms(sample, theta, True)


# The model without neighbour weights, the start of the full model, is fitted to this
# tolerance per row (its Newton decrement): a start needs no more.
_HEAD_TOL = 1e-3
# On a sample of at least _LARGE_BLOCKS blocks, the start is fitted on every
# _HEAD_EVERY-th of them, with the penalty scaled to their share: a start of the same
# quality (on delicious with a k-NN model, 50 blocks, the full model then took the
# same passes, for a seventh of the start's cost). And the full model's first steps
# are all searched (one pass of the loss at every length) before its first pass
# with the Hessian: from that start most of them overshoot (590 of 983 on
# delicious), and the pass that tried them would compute those classes' Hessians
# for nothing (there, passes with the Hessian over 8.6 instead of 9.4 times all
# classes, line searches over 1.8 instead of 1.4 times). On fewer blocks both cost
# little and the fit is as before: a part would be one fold's rows, and either
# change moves the stage's probabilities by the rounding of the full model's
# tolerance, which the noise model can magnify on small data (up to 0.01 in yeast's
# error probabilities).
_HEAD_EVERY = 8
_LARGE_BLOCKS = 32


def _fit_all(sample, inv_c):
    """The stage fitted on all the sample's rows; returns the solution and the
    per-fold data terms there.

    Newton's method starts from the model without neighbour weights, itself fitted
    by Newton's method from ``q = p`` (on large samples on an eighth of the rows,
    ``_HEAD_EVERY``, and the full model's first steps then searched; its passes
    read neither the neighbours nor their Hessian, a fraction of the cost): from
    ``q = p``, where a model's probabilities are poorly calibrated or near 0 and 1,
    the full model's first steps overshoot (measured on delicious with a k-NN
    model: 953 of 983 classes rejected the first step, and 19 passes with the
    Hessian were needed).
    """
    n_classes = sample.n_classes
    head = np.zeros((n_classes, _HEAD))
    head[:, 0] = 1.0
    # (a sparse sample, whose blocks are cut by its entries, not by rows, fits its start
    # on all rows: on a large sample its coefficients then equal the dense fit's to
    # Newton's tolerance rather than to rounding)
    large = not getattr(sample, "sparse", False) and len(sample.blocks) >= _LARGE_BLOCKS
    part = sample.part(_HEAD_EVERY) if large else sample
    head, _ = _newton(part, head, inv_c * part.n_rows / sample.n_rows,
                      _HEAD_TOL * part.n_rows, False)
    theta = np.zeros((n_classes, sample.m + _HEAD))
    theta[:, :_HEAD] = head
    return _newton(sample, theta, inv_c, _TOL * sample.n_rows, True, search_first=large)


def fit_stage(Y, P, C=1.0, n_folds=5, random_state=0, n_neighbors=None):
    """Cross-fitted coefficients, (n_folds, K, m + 3), and neighbours, (K, m).

    ``coef[f, k]`` are class k's coefficients fitted without the rows of fold
    ``f`` (see :func:`row_folds`): ``logit(p)``, intercept, count of the labels
    outside the neighbours, then the weights of the neighbours
    ``neighbors[k]``. One Newton fit on all rows, then per fold one Newton step
    from it on the rows outside the fold (from the per-fold sums of the fit's last
    pass). Inputs must already be validated.
    """
    return fit_sample(_FitSample(Y, P, n_folds, random_state, n_neighbors), C)


def fit_sample(sample, C):
    """:func:`fit_stage` on the rows of a fit sample (``_FitSample``, or the sparse
    predictions' own, ``_sparse_stage``)."""
    inv_c = 1.0 / C
    n_folds = sample.n_folds
    theta, folds = _fit_all(sample, inv_c)
    total = [f.sum(axis=0) for f in folds]
    coef = []
    for fold in range(n_folds):
        # The sums outside the fold overwrite the fold's own, which nothing reads
        # again, and are penalised where they lie: no (K, w, w) copy per fold (each
        # is a fifth of the folds' terms, 0.15 GB at 10,000 classes).
        rest = [np.subtract(t, f[fold], out=f[fold]) for t, f in zip(total, folds)]
        _, grad, hess = _penalised(theta, inv_c, *rest, copy=False)
        coef.append(theta - _newton_step(grad, hess))
    return np.stack(coef), sample.neighbors


# Up to this many values, the label weights of all folds are kept dense: a sparse
# product and its scatter cost more than a dense one at few classes (at K = 100
# the stage's probabilities took 127 ms of CPU per 20,000 rows with them sparse, 79 dense).
_DENSE_WEIGHTS = 2**20


def _label_weights(coef, neighbors):
    """(n_folds K, K): at row ``f K + j``, column k, the weight of label j in class
    k's model of fold f, less that of the count outside the neighbours (which
    counts every other label, ``s = count - y_k - neighbours``). Sparse, or dense
    when small (``_DENSE_WEIGHTS``)."""
    n_folds, n_classes, _ = coef.shape
    W = coef[:, :, _HEAD:] - coef[:, :, 2:3]
    rows = (np.arange(n_folds)[:, None, None] * n_classes + neighbors[None]).ravel()
    cols = np.broadcast_to(np.arange(n_classes)[None, :, None], W.shape).ravel()
    weights = sp.csr_matrix((W.ravel(), (rows, cols)), shape=(n_folds * n_classes, n_classes))
    return weights.toarray() if n_folds * n_classes**2 <= _DENSE_WEIGHTS else weights


def stage_logits(P_block, Y_block, coef, neighbors, random_state=0, weights=None, folds=None):
    """The second stage's logits ``eta`` of one row block (``q = sigmoid(eta)``), (n, K)
    float64 in C order.

    Each row uses the coefficients of the fold it was held out of (``folds``, when
    already known, else hashed here). ``weights`` is :func:`_label_weights` of the
    coefficients (computed if not given).
    """
    n_folds, n_classes, width = coef.shape
    n_rows = P_block.shape[0]
    rows, labels = given = nonzero_2d(Y_block)
    if folds is None:
        folds = row_folds(P_block, Y_block, n_folds, random_state, given)
    # C order whatever the layout of P_block, for the flat scatter of the label terms
    eta = np.ascontiguousarray(logit_block(P_block))
    # (a fold's contiguous row of each coefficient per row: faster than gathers from
    # the (F, K, w) array)
    a, b, c = (np.ascontiguousarray(coef[:, :, i]) for i in range(_HEAD))
    eta *= a[folds]
    eta += b[folds]
    # c (count - y_k): c count, then c subtracted where the class is given
    n_given = np.bincount(rows, minlength=n_rows)
    c_rows = c[folds]
    c_given = c_rows[given]
    c_rows *= n_given.astype(np.float64)[:, None]
    eta += c_rows
    eta[given] -= c_given
    if width > _HEAD:
        if weights is None:
            weights = _label_weights(coef, neighbors)
        # The label terms of all folds in one sparse product: row i's label j is
        # column fold_i * K + j of a widened indicator, against the folds' weights.
        indptr = np.zeros(n_rows + 1, dtype=np.intp)
        np.cumsum(n_given, out=indptr[1:])
        widened = sp.csr_matrix((np.ones(rows.size), labels + folds[rows] * n_classes, indptr),
                                shape=(n_rows, n_folds * n_classes))
        term = widened @ weights
        if isinstance(term, np.ndarray):
            eta += term
            return eta
        # (a sparse product has no duplicate entries: the scatter may add in place)
        flat = np.repeat(np.arange(0, n_rows * n_classes, n_classes), np.diff(term.indptr))
        flat += term.indices
        eta.reshape(-1)[flat] += term.data
    return eta


def stage_block(P_block, Y_block, coef, neighbors, random_state=0, weights=None, folds=None):
    """Second-stage probabilities ``q`` of one row block, dtype of ``P_block``: the
    sigmoid of :func:`stage_logits`."""
    eta = stage_logits(P_block, Y_block, coef, neighbors, random_state, weights, folds)
    return sigmoid_inplace(eta).astype(P_block.dtype, copy=False)


def _frozen(values, dtype=np.float64):
    values = np.array(values, dtype=dtype)
    values.setflags(write=False)
    return values


class CooccurrenceParams:
    """Fitted parameters of the second stage (see :func:`get_cooccurrence_params`).

    Attributes
    ----------
    coef : ndarray of shape (n_folds, n_classes, n_neighbors + 3)
        Per fold and class: the weight of ``logit(p)``, the intercept, the weight
        of the number of the example's other labels outside the class's
        neighbours, then the weights of the neighbours' labels.
    neighbors : ndarray of shape (n_classes, n_neighbors)
        Per class, the classes whose labels its model reads, sorted.
    random_state : int
        Seed of the fold hash; scoring uses it to give each row its fold.
    C : float
        Inverse L2 penalty the coefficients were fitted with.
    noise_model : ndarray of shape (n_classes, 4)
        Per class ``[alpha, beta, r_absent, r_given]``: the calibration of the
        stage's probabilities and the flip rates of the noise model fitted on the
        same rows (``skmlq._core._error_proba``), which ``method="noise_posterior"``
        and the error probabilities read.
    error_shares : ndarray of shape (3,)
        Shares of clean examples, of examples with one tag missing and of those
        with one tag wrongly given, fitted on the same rows
        (``skmlq._core._single_error``), which ``method="single_error"`` reads.
    count_check : tuple or None
        ``(reliable, statistics)`` of the expected count under the noise model, as
        ``skmlq._core._count.count_reliability`` returns them, when the fit was asked
        for it; None otherwise (it is then computed when needed).
    """

    __slots__ = ("coef", "neighbors", "random_state", "C", "noise_model", "error_shares",
                 "count_check", "_weights")
    _STATE = ("coef", "neighbors", "random_state", "C", "noise_model", "error_shares",
              "count_check")

    def __init__(self, coef, neighbors, random_state, C, noise_model, error_shares,
                 count_check=None):
        self.coef = _frozen(coef)
        self.neighbors = _frozen(neighbors, np.intp)
        self.random_state = int(random_state)
        self.C = float(C)
        self.noise_model = _frozen(noise_model)
        self.error_shares = _frozen(error_shares)
        self.count_check = None if count_check is None else tuple(count_check)
        self._weights = None

    @property
    def n_folds(self):
        return self.coef.shape[0]

    @property
    def n_neighbors(self):
        return self.neighbors.shape[1]

    def label_weights(self):
        """:func:`_label_weights` of the coefficients, computed once."""
        if self._weights is None:
            self._weights = _label_weights(self.coef, self.neighbors)
        return self._weights

    def __getstate__(self):
        return {name: getattr(self, name) for name in self._STATE}

    def __setstate__(self, state):
        self.__init__(*(state.get(name) for name in self._STATE))

    def __repr__(self):
        return (
            f"CooccurrenceParams(n_folds={self.n_folds}, n_classes={self.coef.shape[1]}, "
            f"n_neighbors={self.n_neighbors}, random_state={self.random_state}, C={self.C:g})"
        )


def second_stage_block(P_block, Y_block, params):
    """``q`` of one block from a :class:`CooccurrenceParams`."""
    return stage_block(P_block, Y_block, params.coef, params.neighbors, params.random_state,
                       params.label_weights())


def second_stage_logits(P_block, Y_block, params):
    """The logits of ``q`` of one block from a :class:`CooccurrenceParams`, or None
    when ``P_block`` is not float64.

    The noise model reads ``logit(q)``: from the logits, without the sigmoid and the
    logit that undoes it (two of the four exp and log of a block's noise model
    scores). float32 predictions keep the float32 ``q`` they are scored through.
    """
    if P_block.dtype != np.float64:
        return None
    return stage_logits(P_block, Y_block, params.coef, params.neighbors, params.random_state,
                        params.label_weights())


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
    for block_pos, block_all in iter_blocks(block_sums, row_blocks(n_samples, n_classes)):
        sum_pos += block_pos
        sum_all += block_all
    return thresholds_from_sums(sum_pos, sum_all, positives_per_class(Y), n_samples)


def fit_second_stage(Y, P, C, n_folds, random_state, n_neighbors, check_count=False):
    """:class:`CooccurrenceParams` fitted on validated ``(Y, P)``: the stage, then its
    noise model (one more pass over the rows, for the histogram of ``q``), then the
    single-error shares (one more).

    With ``check_count``, the reliability of the expected count is read from the
    same histogram (``count_check``), which saves the estimator a pass."""
    coef, neighbors = fit_stage(Y, P, C, n_folds, random_state, n_neighbors)
    n_samples, n_classes = P.shape
    weights = _label_weights(coef, neighbors)
    # The histogram bins logit(q) as the review loop's refits bin the stage's
    # probabilities (the noise model's fit magnifies the rounding of logit(sigmoid)
    # against the logits: up to 0.27 in a parameter, measured); the single-error pass
    # reads the logits of float64 P (it changes the shares by rounding only) and the
    # rows' folds hashed by the first pass.
    logits = P.dtype == np.float64
    folds = np.empty(n_samples, dtype=np.intp)

    def q_block(start, stop, hashed):
        Y_block = indicator_block(Y, start, stop)
        if not hashed:
            folds[start:stop] = row_folds(P[start:stop], Y_block, n_folds, random_state)
        eta = stage_logits(P[start:stop], Y_block, coef, neighbors, random_state, weights,
                           folds[start:stop])
        return eta if hashed and logits else sigmoid_inplace(eta).astype(P.dtype, copy=False)

    histogram = noise_histogram(Y, lambda start, stop: q_block(start, stop, False),
                                n_samples, n_classes)
    model = fit_noise_model(*histogram)
    check = None
    if check_count:
        check = count_reliability(*histogram, model)
    shares = fit_error_shares(Y, lambda start, stop: q_block(start, stop, True), model,
                              n_samples, n_classes, logits=logits)
    return CooccurrenceParams(coef, neighbors, random_state, C, model, shares, check)


def label_error_probabilities(Y, P, params, stage_probs=None):
    """``(example_proba (N,), per_class_proba (N, K))`` from validated inputs and the
    fitted stage with its noise model, in one pass over row blocks.

    ``stage_probs``, when given, are the stage's probabilities ``q`` of all rows,
    computed before (``P`` is then not read).
    """
    n_samples, n_classes = (P if stage_probs is None else stage_probs).shape
    per_class = np.empty((n_samples, n_classes))
    example = np.empty(n_samples)

    def block(start, stop):
        Y_block = indicator_block(Y, start, stop)
        eta = None
        if stage_probs is None:
            eta = second_stage_logits(P[start:stop], Y_block, params)
        if eta is not None:
            E = error_proba_block(None, Y_block, params.noise_model,
                                  calibrated_logits_block(None, params.noise_model, logits=eta))
        else:
            Q = (second_stage_block(P[start:stop], Y_block, params) if stage_probs is None
                 else stage_probs[start:stop])
            E = error_proba_block(Q, Y_block, params.noise_model)
        per_class[start:stop] = E
        example[start:stop] = example_error_proba(E)

    run_blocks(block, row_blocks(n_samples, n_classes))
    return example, per_class


def count_verdict(Y, P, params):
    """``(reliable, reason)`` of the count on validated ``(Y, P)`` scored by the fitted
    stage ``params``: its ``count_check`` when the fit made it, otherwise from one
    more pass over the rows, for the noise model's histogram (the fits cost little
    next to it)."""
    if params.count_check is not None:
        reliable, stats = params.count_check
    else:
        def q_block(start, stop):
            return second_stage_block(P[start:stop], indicator_block(Y, start, stop), params)

        reliable, stats = count_reliability(*noise_histogram(Y, q_block, *P.shape),
                                            params.noise_model)
    return (True, "") if reliable else (False, count_reason(stats))
