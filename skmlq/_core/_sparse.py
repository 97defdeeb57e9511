"""The scoring core on sparse predictions, in time and memory O(nnz(P) + nnz(Y)).

``P`` is a checked :class:`~skmlq.utils._sparse.FilledSparseMatrix` (canonical CSR
arrays and a per-class fill value) and ``Y`` a checked CSR indicator. Every entry of
the (N, K) matrix they stand for is either

- *explicit*: stored in ``P`` or annotated in ``Y`` (the union of both patterns), whose
  per-class score is computed by the one formula of ``_scoring`` on that entry, or
- *implicit*: neither stored nor annotated, so ``p = fill[k]`` and ``y = 0``: every
  implicit entry of class k has the same score ``z[k]``, computed once per class by
  the same formula.

Row blocks of the union (:func:`union_blocks`) carry the explicit entries in
canonical (row, column) order; the aggregators then see, per row, its explicit
scores and the implicit scores of the classes it does not hold
(:func:`aggregate_rows`), which the built-in aggregators fold in closed form.
"""

import math

import numpy as np

from ..utils._blocks import BLOCK_ELEMENTS, run_blocks
from ..utils._sparse import FilledSparseMatrix
from ._scoring import class_scores_block
from ._sparse_union import sparse_blocks, union_block

__all__ = [
    "ImplicitScores", "aggregate_rows", "explicit_scores", "implicit_scores",
    "sparse_score_blocks",
]

# Tail mass below which the largest scores of a row may be left out of the
# exponential moving average (as in ``_aggregation``).
_EMA_TAIL_MASS = 1e-13


def implicit_scores(P, method, thresholds=None):
    """Score ``z[k]`` of every implicit entry of class k (``p = fill[k]``, ``y = 0``)."""
    n_classes = P.shape[1]
    return class_scores_block(P.fill.astype(P.dtype), np.zeros(n_classes, dtype=bool),
                              method, thresholds)


def explicit_scores(cols, p, y, method, thresholds=None):
    """Per-class scores of explicit entries, by the one formula of ``_scoring``."""
    return class_scores_block(p, y, method, None if thresholds is None else thresholds[cols])


# --------------------------------------------------------------------------- aggregation
def _reduce(ufunc, values, indptr, empty):
    """Per-row ``ufunc.reduce`` of row-grouped ``values``; ``empty`` for empty rows."""
    counts = np.diff(indptr)
    out = np.full(counts.size, empty, dtype=np.float64)
    has = counts > 0
    if values.size:
        out[has] = ufunc.reduceat(values, indptr[:-1][has])
    return out


def _row_of(indptr):
    return np.repeat(np.arange(indptr.size - 1), np.diff(indptr))


class ImplicitScores:
    """The implicit score ``z[k]`` of each class, and what the aggregators read of it
    (whether it is one value; the classes ranked by it), computed once per call."""

    def __init__(self, z):
        self.z = z
        self.constant = bool(np.all(z == z[0]))
        self._ranked = {}

    def ranked(self, descending=False):
        """``(order, rank)``: classes by ascending (descending) score, and the
        position of each class in that order (ties by class index)."""
        if descending not in self._ranked:
            order = np.argsort(-self.z if descending else self.z, kind="stable")
            rank = np.empty(self.z.size, dtype=np.int64)
            rank[order] = np.arange(self.z.size)
            self._ranked[descending] = order, rank
        return self._ranked[descending]


def _implicit_min(indptr, cols, implicit):
    """Per row, the smallest implicit score, +inf for a row holding every class.

    With one implicit score for all classes this is that score; otherwise the
    classes are ranked by ``z`` once, and a row's smallest implicit score is at the
    first rank its explicit classes leave free (the mex of their ranks).
    """
    z = implicit.z
    if implicit.constant:
        return np.where(np.diff(indptr) < z.size, float(z[0]), np.inf)
    order, rank = implicit.ranked()
    return _first_free(indptr, rank[cols], order, z, 1)[:, 0]


def _first_free(indptr, member_ranks, order, z, m):
    """Per row, the ``m`` smallest implicit scores (+inf past the end), shape (n, m).

    The implicit classes of a row are the ranks its members leave free, so the j-th
    smallest is at the j-th free rank: candidates ``0 .. m + n_i - 1`` minus members.
    """
    n_rows, n_classes = indptr.size - 1, z.size
    counts = np.diff(indptr)
    rows = _row_of(indptr)
    member_keys = np.sort(rows * (n_classes + 1) + member_ranks)
    width = m + counts
    cand_rows = np.repeat(np.arange(n_rows), width)
    starts = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(width, out=starts[1:])
    cand = np.arange(cand_rows.size) - starts[cand_rows]
    keys = cand_rows * (n_classes + 1) + cand
    pos = np.searchsorted(member_keys, keys)
    pos = np.minimum(pos, max(member_keys.size - 1, 0))
    is_member = (member_keys[pos] == keys) if member_keys.size else np.zeros(keys.size, bool)
    free = ~is_member & (cand < n_classes)
    cand_rows, cand = cand_rows[free], cand[free]
    # The first m free ranks of each row, in ascending order.
    first = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(cand_rows, minlength=n_rows), out=first[1:])
    slot = np.arange(cand.size) - first[cand_rows]
    keep = slot < m
    out = np.full((n_rows, m), np.inf)
    out[cand_rows[keep], slot[keep]] = z[order[cand[keep]]]
    return out


def _ema_kept(n_classes, alpha):
    """Number of smallest scores the EMA reads (the rest weigh < 1e-13), or None for
    all of them: the rule of ``_aggregation.ema_last_axis``."""
    log_keep = math.log1p(-alpha)
    if math.log(_EMA_TAIL_MASS) > n_classes / 4 * log_keep:
        return math.ceil(math.log(_EMA_TAIL_MASS) / log_keep)
    return None


def _ema_sorted(rows, values, mult, n_rows, beta):
    """EMA of rows given as (value, multiplicity) runs, by summation by parts.

    On a row sorted ascending, ``sum_j w_j v_j`` with the weights of the EMA equals
    ``v_0 + sum_{j >= 1} beta**j (v_j - v_{j-1})``: only the rises between
    consecutive values count, each weighted by ``beta`` to its position, so a run of
    equal implicit scores costs one term however long it is.
    """
    order = _sort_within_rows(rows, values)
    rows, values, mult = rows[order], values[order], mult[order]
    first = np.ones(rows.size, dtype=bool)
    first[1:] = rows[1:] != rows[:-1]
    cum = np.cumsum(mult) - mult
    pos = cum - np.maximum.accumulate(np.where(first, cum, 0))
    rise = np.zeros(rows.size)
    rise[1:] = values[1:] - values[:-1]
    with np.errstate(under="ignore"):
        # beta**pos as exp(pos log beta): 4x faster, same value to ~pos * 1e-16 relative
        # where it matters (it underflows to 0 where it does not).
        weight = np.exp(pos * math.log(beta)) if beta > 0 else (pos == 0).astype(float)
        terms = np.where(first, values, weight * rise)
    return np.bincount(rows, weights=terms, minlength=n_rows)


def _sort_within_rows(rows, values):
    """Order by row, then by value (both ascending).

    One sort of the float key ``2 row + value`` (values in [0, 1]), which is nearly
    sorted already (explicit entries come row by row): 30x faster than
    ``np.lexsort``. The key rounds values that differ by less than one of its ulps
    (2**-35 at 2**16 rows); should that leave two values of a row out of order, the
    exact lexicographic sort is used instead.
    """
    order = np.argsort(rows * 2.0 + values)
    r, v = rows[order], values[order]
    if np.any((r[1:] == r[:-1]) & (v[1:] < v[:-1])):
        order = np.lexsort((values, rows))
    return order


def aggregate_rows(spec, indptr, cols, scores, implicit, n_classes, dense_aggregate):
    """Aggregated score of each row of a block: (n,) float64.

    ``spec`` is ``aggregate.spec`` of ``_aggregation.resolve_aggregator``. Rows are
    given by their explicit scores (``indptr``, ``cols``, ``scores``, canonical) and
    the implicit scores (an :class:`ImplicitScores`) of the classes they do not
    hold. Closed forms:
    min and product always, the EMA and softmin when the implicit score is one value
    (the default: a scalar fill value and no threshold adjustment), the EMA also with
    per-class implicit scores when it reads only the smallest few (alpha large
    enough). Otherwise (callables other than ``np.min``/``np.mean``, the softmin or a
    small-alpha EMA with per-class implicit scores) ``dense_aggregate`` receives the
    implied dense rows, a bounded block of rows at a time.
    """
    kind, option = spec
    n_rows = indptr.size - 1
    counts = np.diff(indptr)
    n_implicit = n_classes - counts
    z = implicit.z
    constant = implicit.constant
    z0 = float(z[0])
    values = scores.astype(np.float64, copy=False)
    if kind == "min":
        explicit = _reduce(np.minimum, values, indptr, np.inf)
        return np.minimum(explicit, _implicit_min(indptr, cols, implicit))
    if kind == "mean":
        total = np.bincount(_row_of(indptr), weights=values, minlength=n_rows)
        if constant:
            total += n_implicit * z0
        else:
            z_total = math.fsum(z.tolist())
            total += z_total - np.bincount(_row_of(indptr), weights=z[cols], minlength=n_rows)
        return total / n_classes
    if kind == "product":
        if constant:
            explicit = _reduce(np.multiply, values, indptr, 1.0)
            with np.errstate(under="ignore"):
                return explicit * np.power(z0, n_implicit.astype(np.float64))
        return _product_per_class(indptr, cols, values, z)
    if kind == "exponential_moving_average":
        alpha = 2.0 / (n_classes + 1) if option is None else option
        if alpha == 1:
            return aggregate_rows(("min", None), indptr, cols, scores, implicit, n_classes,
                                  None)
        if alpha == 0:
            explicit = _reduce(np.maximum, values, indptr, -np.inf)
            largest = np.where(n_implicit > 0, _implicit_max(indptr, cols, implicit), -np.inf)
            return np.maximum(explicit, largest)
        beta = 1.0 - alpha
        rows = _row_of(indptr)
        if constant:
            has = np.flatnonzero(n_implicit > 0)
            return _ema_sorted(
                np.concatenate([rows, has]), np.concatenate([values, np.full(has.size, z0)]),
                np.concatenate([np.ones(values.size, np.int64), n_implicit[has]]), n_rows,
                beta)
        kept = _ema_kept(n_classes, alpha)
        if kept is not None:
            order, rank = implicit.ranked()
            smallest = _first_free(indptr, rank[cols], order, z, kept + 1)
            finite = np.isfinite(smallest)
            cand_rows = np.nonzero(finite)[0]
            return _ema_sorted(
                np.concatenate([rows, cand_rows]),
                np.concatenate([values, smallest[finite]]),
                np.ones(values.size + cand_rows.size, np.int64), n_rows, beta,
            )
    if kind == "softmin" and constant:
        temperature = max(option, 1e-6)
        low = np.minimum(_reduce(np.minimum, values, indptr, np.inf),
                         np.where(n_implicit > 0, z0, np.inf))
        top = (1 - low) / temperature  # the largest (1 - s) / T of each row
        rows = _row_of(indptr)
        weight = np.exp((1 - values) / temperature - top[rows])
        has = n_implicit > 0  # else the implicit score need not be below the top
        weight_z = np.zeros(n_rows)
        weight_z[has] = np.exp((1 - z0) / temperature - top[has]) * n_implicit[has]
        den = np.bincount(rows, weights=weight, minlength=n_rows) + weight_z
        num = np.bincount(rows, weights=weight * values, minlength=n_rows) + weight_z * z0
        return num / den
    return _dense_rows(indptr, cols, scores, z, n_classes, dense_aggregate)


def _implicit_max(indptr, cols, implicit):
    z = implicit.z
    if implicit.constant:
        return np.full(indptr.size - 1, float(z[0]))
    order, rank = implicit.ranked(descending=True)
    return -_first_free(indptr, rank[cols], order, -z, 1)[:, 0]


def _product_per_class(indptr, cols, values, z):
    """Product of a row's explicit scores and of ``z`` over the classes it does not
    hold: logarithms of all classes minus those of the members, zeros counted apart."""
    n_rows = indptr.size - 1
    rows = _row_of(indptr)
    zero = z == 0
    with np.errstate(divide="ignore"):
        log_z = np.where(zero, 0.0, np.log(np.where(zero, 1.0, z)))
        log_v = np.log(np.where(values == 0, 1.0, values))
    total = math.fsum(log_z.tolist())
    log_sum = (total - np.bincount(rows, weights=log_z[cols], minlength=n_rows)
               + np.bincount(rows, weights=log_v, minlength=n_rows))
    zeros = (int(zero.sum()) - np.bincount(rows, weights=zero[cols], minlength=n_rows)
             + np.bincount(rows, weights=values == 0, minlength=n_rows))
    with np.errstate(under="ignore"):
        return np.where(zeros > 0, 0.0, np.exp(log_sum))


def _dense_rows(indptr, cols, scores, z, n_classes, dense_aggregate):
    """The implied dense rows, ``BLOCK_ELEMENTS / K`` at a time, for an aggregator
    without a closed form here: O(n K) time, memory of one such block."""
    n_rows = indptr.size - 1
    out = np.empty(n_rows, dtype=np.float64)
    step = max(1, BLOCK_ELEMENTS // max(n_classes, 1))
    dense_z = z.astype(scores.dtype)
    for start in range(0, n_rows, step):
        stop = min(start + step, n_rows)
        block = np.empty((stop - start, n_classes), dtype=scores.dtype)
        block[...] = dense_z
        lo, hi = indptr[start], indptr[stop]
        block[_row_of(indptr[start:stop + 1] - lo), cols[lo:hi]] = scores[lo:hi]
        out[start:stop] = dense_aggregate(block)
    return out


# --------------------------------------------------------------------------- driver
def sparse_score_blocks(Y, P, method, thresholds, aggregate=None, *, keep_per_class=False):
    """``_driver.score_blocks`` on sparse predictions.

    Per-class scores are returned as a ``FilledSparseMatrix``: the scores of the
    explicit entries and, as the fill value of each class, the score of its
    implicit entries (its ``toarray()`` is the dense per-class scores).
    """
    n_samples, n_classes = P.shape
    z = implicit_scores(P, method, thresholds)
    implicit = ImplicitScores(z)
    spec = None if aggregate is None else aggregate.spec
    want_per_class = aggregate is None or keep_per_class
    aggregated = None if aggregate is None else np.empty(n_samples, dtype=P.dtype)

    def score_block(start, stop):
        indptr, cols, p, y = union_block(P, Y, start, stop)
        scores = explicit_scores(cols, p, y, method, thresholds)
        if aggregate is not None:
            aggregated[start:stop] = aggregate_rows(
                spec, indptr, cols, scores, implicit, n_classes, aggregate)
        return (indptr, cols, scores) if want_per_class else None

    parallel = aggregate is None or getattr(aggregate, "thread_safe", False)
    parts = run_blocks(score_block, sparse_blocks(P, Y), parallel=parallel)
    per_class = None
    if want_per_class:
        indptr, cols, scores, z = _join_blocks(parts, n_samples, z)
        per_class = FilledSparseMatrix._from_checked(indptr, cols, scores, P.shape, z)
    if aggregate is None:
        return per_class
    return (per_class, aggregated) if keep_per_class else aggregated


def _join_blocks(parts, n_samples, z):
    """``(indptr, cols, scores, z)`` of all rows from the blocks' parts."""
    counts = [np.diff(part[0]) for part in parts]
    indptr = np.zeros(n_samples + 1, dtype=np.int64)
    if counts:
        np.cumsum(np.concatenate(counts), out=indptr[1:])
    index_dtype = np.int32 if z.size < 2**31 else np.int64
    cols = (np.concatenate([part[1] for part in parts]).astype(index_dtype) if parts
            else np.zeros(0, dtype=index_dtype))
    scores = (np.concatenate([part[2] for part in parts]) if parts
              else np.zeros(0, dtype=z.dtype))
    return indptr, cols, scores, z
